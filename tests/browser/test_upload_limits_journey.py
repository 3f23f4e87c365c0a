"""A big upload never loses the report: the form states the server's real limits, the browser checks the
chosen files before sending, and when the server still refuses the body the typed text comes back."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.browser.test_reporting_journey import _open_report_form, journey  # noqa: F401 (a fixture)
from tests.conftest import browser_login
from tests.tasks.conftest import PDF

pytestmark = pytest.mark.browser

MEGABYTE = 1024 * 1024
TEXT = "已认定高新技术企业1010家,两批公示文件见附件。"


def _pdf(folder, name: str, megabytes: int):
    """A PDF of the given size (a header, then padding the server never needs to look at)."""
    path = folder / name
    with path.open("wb") as out:
        out.write(PDF)
        out.truncate(megabytes * MEGABYTE)
    return str(path)


@pytest.fixture
def report_page(page, journey):  # noqa: F811 (the fixture imported above)
    browser_login(page, "kjj")
    _open_report_form(page)
    page.get_by_label("进展情况").fill(TEXT)
    return page


def test_the_form_states_the_limits_and_refuses_oversized_files_before_sending(report_page, tmp_path):
    page = report_page
    files = page.get_by_label("佐证材料", exact=True)
    help_text = page.get_by_test_id("upload-limits").inner_text()
    assert "单个文件不超过 20 MB" in help_text and "每次保存合计不超过 24 MB" in help_text

    # Two 13 MB files: each under the per-file limit, together over what one save takes.
    files.set_input_files([_pdf(tmp_path, "第一批公示.pdf", 13), _pdf(tmp_path, "第二批公示.pdf", 13)])
    problem = page.get_by_test_id("upload-problem")
    expect(problem).to_contain_text("合计 26 MB")
    shoot(page, "upload-limits", "two-13mb-files", phone=True)
    page.get_by_role("button", name="提交报送").click()
    expect(page.get_by_test_id("report-state")).to_have_text("未填报")  # nothing was sent
    assert page.get_by_label("进展情况").input_value() == TEXT

    # One 60 MB file: over the per-file limit, named.
    files.set_input_files(_pdf(tmp_path, "扫描件.pdf", 60))
    expect(problem).to_contain_text("“扫描件.pdf”有 60 MB")

    # Files within the limits clear the message and go through with the text.
    files.set_input_files(_pdf(tmp_path, "第一批公示.pdf", 13))
    expect(problem).to_be_hidden()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(page.get_by_test_id("evidence-link")).to_have_text("第一批公示.pdf")
    assert page.get_by_label("进展情况").input_value() == TEXT


def test_a_body_the_server_refuses_brings_the_form_back_with_the_text(report_page, tmp_path):
    page = report_page
    # A page loaded before the limits changed (or without the check) sends what the server refuses.
    page.evaluate("document.querySelectorAll('[data-max-file-bytes]').forEach(e => e.removeAttribute('data-max-file-bytes'))")
    page.locator("input[type=file]").set_input_files(
        [_pdf(tmp_path, "第一批公示.pdf", 13), _pdf(tmp_path, "第二批公示.pdf", 13)])
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert").filter(has_text="超过")).to_contain_text("24 MB")
    page.wait_for_url("**/report")
    assert page.get_by_label("进展情况").input_value() == TEXT
    shoot(page, "upload-limits", "refused-by-the-server")
