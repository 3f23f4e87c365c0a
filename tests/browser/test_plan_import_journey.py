"""The office imports a plan file by upload, with the keyboard, in a real browser, and reads the parse on
the review page at a laptop's and a phone's width. (Changing a lead and publishing from the review page
is tests/plans/test_review_browser.py.)"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot, tab_to
from tests.conftest import browser_login
from tracker.demo import PLANS_FOLDER, build_departments

pytestmark = pytest.mark.browser
JOURNEY = "plan-import"
PLAN_004 = PLANS_FOLDER / "004_fead5ffc94219a57.txt"


@pytest.fixture
def engine_name():
    return "sqlite"


def test_office_uploads_a_plan_file_with_the_keyboard_and_reviews_it(page, db, office):
    build_departments()
    db.session.commit()
    browser_login(page, office.login)
    page.locator("header").get_by_role("link", name="方案").click()
    page.wait_for_url("**/plans/")
    tab_to(page, page.get_by_role("link", name="导入方案"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/plans/import")
    form = page.get_by_test_id("upload-form")

    # Sent empty, the form says what it needs.
    tab_to(page, form.get_by_role("button", name="导入并解析"))
    page.keyboard.press("Enter")
    expect(form.get_by_role("alert")).to_have_text("请上传一个文件,或粘贴方案全文(二选一)。")
    shoot(page, JOURNEY, "1-upload-error", phone=True)

    # A file chosen (a file dialog is the one step a test cannot type), then on by Tab to the button.
    form.get_by_label("方案文件(Word、PDF、网页、Excel 任务表或纯文本)").set_input_files(str(PLAN_004))
    form.get_by_label("方案文件(Word、PDF、网页、Excel 任务表或纯文本)").focus()
    tab_to(page, form.get_by_role("button", name="导入并解析"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/review")
    expect(page.locator("h1")).to_have_text("审核《淮北市加快科技成果转移转化行动方案》")
    tree = page.get_by_test_id("plan-tree")
    expect(tree.locator(".plan-task").first).to_be_visible()
    assert tree.locator(".plan-task").count() >= 10
    expect(page.get_by_test_id("publish")).to_be_visible()
    shoot(page, JOURNEY, "2-review", phone=True)
