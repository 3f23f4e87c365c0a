"""The office directs an item where it reads it (names a lead, extends the deadline, 催办), follows the review
queue without deciding, and the leader narrows his dashboard to his departments, reads the trend, the ranking
with its rule and the 需协调事项: in Chromium, at a laptop's width and at 390 px."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.conftest import browser_login
from tracker.demo import LEADER_IN_CHARGE

pytestmark = pytest.mark.browser


@pytest.fixture
def engine_name():
    return "sqlite"


@pytest.fixture
def unled(make, office):
    science = make.department("市科技局")
    make.department("市财政局")
    make.liaison(science, "kjj")
    plan = make.plan("科技创新行动方案")
    return make.task(plan, lead=None, title="建设创新平台", due_on=date(2026, 12, 31))


def test_the_office_names_a_lead_extends_the_deadline_and_urges_from_the_item(page, unled):
    browser_login(page, "office")
    page.goto(f"/tasks/{unled.id}")
    panel = page.get_by_test_id("office-actions")
    expect(panel).to_be_visible()
    shoot(page, "office-actions", "1-unled", phone=True)
    expect(panel.get_by_role("button", name="催办")).to_be_disabled()

    panel.get_by_label("指定牵头单位").select_option(label="市科技局")
    panel.get_by_role("button", name="指定").click()
    expect(page.get_by_text("牵头单位已改为“市科技局”")).to_be_visible()
    expect(page.get_by_test_id("departments")).to_contain_text("市科技局")

    panel.get_by_label("新的期限").fill("2027-06-30")
    panel.get_by_label("延期理由").fill("省级批复推迟,经联席会议同意")
    panel.get_by_role("button", name="延期").click()
    expect(page.get_by_text("期限已延至")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("省级批复推迟,经联席会议同意")

    panel.get_by_label("催办要求(可不填)").fill("请于周五前报送进展")
    panel.get_by_role("button", name="催办").click()
    expect(page.get_by_text("已向“市科技局”的 1 位联络员发出催办")).to_be_visible()
    shoot(page, "office-actions", "2-directed", phone=True)

    # The review queue opens to the office, to follow and not to decide.
    page.locator("header").get_by_role("link", name="待审核").click()
    expect(page.get_by_test_id("queue-read-only")).to_be_visible()
    expect(page.get_by_role("button", name="审核通过所选")).to_have_count(0)
    shoot(page, "office-actions", "3-queue", phone=True)

    page.context.clear_cookies()
    browser_login(page, "kjj")
    page.goto("/inbox/")
    expect(page.get_by_test_id("notice").first).to_contain_text("【催办】")
    expect(page.get_by_test_id("notice").first).to_contain_text("请于周五前报送进展")


def test_the_leader_narrows_to_his_departments_and_reads_trend_ranking_and_problems(page, small_demo):
    browser_login(page, "leader")
    expect(page.locator("[data-testid=trend] svg")).to_be_visible()
    expect(page.get_by_test_id("score-rule")).to_contain_text("每次被审核退回扣 2 分")
    expect(page.get_by_test_id("score-table").locator("tbody tr")).not_to_have_count(0)
    shoot(page, "leader-panels", "1-all", phone=True)

    page.get_by_test_id("scope-mine-link").click()
    expect(page.get_by_test_id("scope-mine")).to_be_visible()
    names = page.get_by_test_id("score-table").locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names and set(names) <= set(LEADER_IN_CHARGE), names
    shoot(page, "leader-panels", "2-mine", phone=True)

    page.get_by_test_id("coordination-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("需协调事项")
    expect(page.get_by_role("button", name="办结")).to_have_count(0)
    shoot(page, "leader-panels", "3-coordination", phone=True)
