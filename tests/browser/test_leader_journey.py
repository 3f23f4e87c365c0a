"""A leader reads the dashboard in a real browser: the overview and the latest supervision reports, an
item opened from the red list, and nowhere a button that changes anything; a forged POST is refused."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.conftest import browser_login

pytestmark = pytest.mark.browser
JOURNEY = "leader"
CHANGES = re.compile("生成|导出|编辑|保存|发布|导入|签收|审核|退回|提交|填报|重新打开|删除")
# The controls a leader does see: the period chooser, the report preview (a GET that archives nothing),
# and in the header the language and logging out.
READING = {"查看", "预览(不存档)", "English", "退出"}


@pytest.fixture
def engine_name():
    return "sqlite"


def _buttons(page) -> set[str]:
    return {text.strip() for text in page.locator("button, input[type=submit], a.button").all_inner_texts()} | {
        value for value in page.locator("input[type=submit]").evaluate_all("inputs => inputs.map(i => i.value)")}


def _only_reads(page) -> None:
    assert _buttons(page) <= READING, _buttons(page)
    expect(page.get_by_role("button", name=CHANGES)).to_have_count(0)
    expect(page.get_by_role("link", name=CHANGES)).to_have_count(0)


def test_leader_reads_the_dashboard_and_changes_nothing(page, small_demo, tmp_path):
    browser_login(page, "leader")
    expect(page.locator("h1")).to_contain_text("领导驾驶舱")
    expect(page.get_by_test_id("stat-red-value")).not_to_have_text("")
    expect(page.locator("[data-testid=chart-departments] .chart-full svg")).to_be_visible()
    latest = page.get_by_test_id("archived-report")
    expect(latest).to_have_count(len(small_demo.archived))
    _only_reads(page)
    shoot(page, JOURNEY, "1-dashboard", phone=True)

    # The latest supervision report opens as the archived PDF.
    with page.expect_download() as download_info:
        latest.first.click()
    saved = tmp_path / "latest.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The reports page lists the archive and offers nothing to generate.
    page.locator("header").get_by_role("link", name="督查通报").click()
    page.wait_for_url("**/reports/")
    archived = page.get_by_test_id("archive").locator("tbody tr")
    expect(archived).to_have_count(len(small_demo.archived))
    expect(page.get_by_test_id("supervision-form")).to_have_count(0)
    _only_reads(page)
    shoot(page, JOURNEY, "2-reports", phone=True)

    # A POST made by hand, with the page's own CSRF token, is refused, and the archive is as it was.
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.post("/reports/supervision", form={"csrf_token": token, "supervision-period": "2026-05"})
    assert response.status == 403
    assert "您没有权限执行此操作或查看此内容" in response.text()
    page.reload()
    expect(archived).to_have_count(len(small_demo.archived))

    # So is an office page reached by typing its address.
    page.goto("/plans/import")
    expect(page.locator(".error-message")).to_have_text("您没有权限执行此操作或查看此内容。")
    shoot(page, JOURNEY, "3-refused", phone=True)


def test_leader_opens_a_red_item_and_finds_no_button(page, small_demo):  # noqa: F811
    browser_login(page, "leader")
    red_item = page.get_by_test_id("red-list").locator("tbody a").first
    title = red_item.inner_text()
    red_item.click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    expect(page.locator("h1")).to_contain_text(title.split(" ", 1)[1].rstrip("…."))
    _only_reads(page)
    shoot(page, JOURNEY, "5-item", phone=True)
