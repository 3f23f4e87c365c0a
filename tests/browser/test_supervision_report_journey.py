"""The office generates a supervision report in a real browser: the form filled with the keyboard alone,
the report previewed, then downloaded as the archived PDF and read back."""
from __future__ import annotations

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import DESKTOP, PHONE, shoot, tab_to
from tests.conftest import browser_login
from tests.reports.conftest import build_scenario
from tests.reports.pdf_support import pdf_text

pytestmark = pytest.mark.browser
JOURNEY = "supervision-report"


@pytest.fixture
def engine_name():
    return "sqlite"


def test_office_generates_previews_and_downloads_the_supervision_report(page, make, db, office, tmp_path):
    build_scenario(make, db)
    browser_login(page, office.login)
    page.locator("header").get_by_role("link", name="督查通报").click()
    page.wait_for_url("**/reports/")
    expect(page.get_by_test_id("archive")).to_contain_text("还没有生成过通报。")
    shoot(page, JOURNEY, "1-reports", phone=True)

    # The supervision form with the keyboard alone: Tab to the period, type, Tab on, type, Enter.
    form = page.get_by_test_id("supervision-form")
    tab_to(page, form.get_by_label("通报期"))
    page.keyboard.type("2025-03")
    page.keyboard.press("Tab")
    expect(form.get_by_label("文号")).to_be_focused()
    page.keyboard.type("督查通报〔2025〕3号")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reports/#report-*")
    expect(page.get_by_role("alert")).to_contain_text("已生成并存档")
    row = page.get_by_test_id("archive").locator("tbody tr").first
    expect(row).to_contain_text("重点工作督查通报(2025年3月)")
    expect(row).to_contain_text("督查通报〔2025〕3号")
    shoot(page, JOURNEY, "2-generated", phone=True)

    # The preview of that period, chosen on the page: the same layout as the PDF, departments ranked,
    # and a way back to the report page.
    preview = page.get_by_test_id("preview-form")
    preview.get_by_label("通报期").fill("2025-03")
    preview.get_by_role("button", name="预览(不存档)").click()
    page.wait_for_url("**/reports/preview?*period=2025-03*")
    expect(page.get_by_text("各单位报送情况及排名")).to_be_visible()
    expect(page.get_by_text("市科技局").first).to_be_visible()
    shoot(page, JOURNEY, "3-preview")
    page.get_by_test_id("preview-bar").get_by_role("link", name="← 返回督查通报与台账").click()
    page.wait_for_url("**/reports/")

    # On a phone the archived report's links are on screen, not beyond a sideways scroll.
    page.set_viewport_size(PHONE)
    box = row.get_by_role("link", name="下载").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.set_viewport_size(DESKTOP)

    # The archived PDF, downloaded as a user would, says the period and names the departments.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    text = pdf_text(saved)
    assert "2025年3月" in text and "督查通报〔2025〕3号" in text
    assert "市科技局" in text and "市教育局" in text


def test_office_exports_the_ledger_as_a_download(page, make, db, office, tmp_path):
    build_scenario(make, db)
    browser_login(page, office.login)
    page.goto("/reports/")
    form = page.get_by_test_id("ledger-form")
    form.get_by_label("通报期").fill("2025-03")
    with page.expect_download() as download:
        form.get_by_role("button", name="导出台账").click()
    assert download.value.suggested_filename == "重点任务台账-2025-03.xlsx"
    path = tmp_path / "ledger.xlsx"
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["汇总", "科技创新行动方案", "数字经济三年行动计划"]
    assert workbook["科技创新行动方案"]["A1"].value == "科技创新行动方案 · 重点任务台账 · 2025年3月"
    page.reload()
    expect(page.get_by_test_id("archive")).to_contain_text("还没有生成过通报。")  # a download is not archived
    shoot(page, JOURNEY, "ledger-exported")
