"""The review page in headless Chromium: the office uploads a plan, fixes a lead and publishes."""
import re

import pytest

from tests.conftest import browser_login
from tracker.demo import build_departments
from tests.samples import SEED_PLANS

pytestmark = pytest.mark.browser

PLAN_002 = SEED_PLANS / "002_b46e6d68e78b0a64.txt"


@pytest.fixture
def engine_name():
    return "sqlite"


def test_office_changes_a_lead_publishes_and_sees_the_task_under_it(page, db, office):
    build_departments()
    db.session.commit()
    browser_login(page, office.login)
    page.goto("/plans/import")
    page.set_input_files("input[name=file]", str(PLAN_002))
    page.get_by_test_id("upload-form").get_by_role("button", name="导入并解析").click()
    page.wait_for_url("**/review")
    first = page.get_by_test_id("task-t1")
    assert "创新平台体系重构行动" in first.inner_text()
    assert "市科技局" in first.locator(".task-units").inner_text()
    first.get_by_role("link", name="编辑或拆分").click()
    page.get_by_label("牵头单位").fill("市财政局")
    page.get_by_test_id("save-task").click()
    page.wait_for_url("**/review#task-t1")
    assert page.get_by_test_id("task-t1").locator(".task-units .unit").first.inner_text() == "市财政局"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    assert "创新平台体系重构行动" in page.get_by_test_id("lead-市财政局").inner_text()
    assert "创新平台体系重构行动" not in page.get_by_test_id("lead-市科技局").inner_text()
