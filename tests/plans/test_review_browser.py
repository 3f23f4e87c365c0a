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


DOUBTFUL_PLAN = """某市科技创新三年行动方案(2024-2026年)
一、重点任务
(一)培育科技企业。到2025年新增高新技术企业100家。(市科技局牵头,市财政局配合)
(二)建设创新平台。建设10个工程研究中心。(责任单位:市发展改革委、市经济和信息化局)
(三)优化人才服务。完善人才服务体系。
"""


def test_the_doubtful_tasks_come_first_the_office_fixes_one_lead_and_publishes(page, db, office, tmp_path):
    build_departments()
    db.session.commit()
    plan_file = tmp_path / "行动方案.txt"
    plan_file.write_text(DOUBTFUL_PLAN, encoding="utf-8")
    browser_login(page, office.login)
    page.goto("/plans/import")
    page.set_input_files("input[name=file]", str(plan_file))
    page.get_by_test_id("upload-form").get_by_role("button", name="导入并解析").click()
    page.wait_for_url("**/review")
    doubtful = page.get_by_test_id("doubtful-tasks").locator("li")
    # Least certain first: no lead at all, then a lead only because it was listed first; the sure one not at all.
    assert doubtful.count() == 2
    assert "优化人才服务" in doubtful.nth(0).inner_text() and "未找到牵头单位" in doubtful.nth(0).inner_text()
    assert "建设创新平台" in doubtful.nth(1).inner_text() and "按“排在第一位”认定牵头" in doubtful.nth(1).inner_text()
    assert "(责任单位:市发展改革委、市经济和信息化局)" in doubtful.nth(1).inner_text()
    doubtful.nth(0).get_by_role("link").click()
    page.wait_for_url("**/review#task-t3")
    page.get_by_test_id("task-t3").get_by_role("link", name="编辑或拆分").click()
    page.get_by_label("牵头单位").fill("市人社局")
    page.get_by_test_id("save-task").click()
    page.wait_for_url("**/review#task-t3")
    assert page.get_by_test_id("doubtful-tasks").locator("li").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    assert "优化人才服务" in page.get_by_test_id("lead-市人力资源社会保障局").inner_text()
