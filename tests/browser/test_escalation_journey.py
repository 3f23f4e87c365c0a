"""A department head receives an escalation in a real browser: two reports are late, the daily sweep
chases them, the head sees the unread count in the header, reads a notice, follows it to the item and
marks it read."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot, tab_to
from tests.conftest import browser_login
from tests.reminders.sweep_support import simulate

pytestmark = pytest.mark.browser
JOURNEY = "escalation"


@pytest.fixture
def engine_name():
    return "sqlite"


@pytest.fixture
def late_items(db, make):
    """Two items of 市科技局 whose September reports (due Thursday 2025-09-25) nobody filed; the sweep runs
    every morning of that week, so on Friday, one working day late, the head is chased for both."""
    science = make.department("市科技局")
    plan = make.plan("科技创新行动方案")
    september = make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30),
                            due_on=date(2025, 9, 25))
    platform = make.task(plan, lead=science, number="(三)", title="建设科技成果转化平台")
    make.task(plan, lead=science, number="(四)", title="培育高新技术企业")
    make.liaison(science, "kjj")
    make.head(science, "kjj_head", name="李局长")
    simulate(db, date(2025, 9, 22), date(2025, 9, 26))
    return {"task": platform, "period": september}


def test_head_reads_an_escalation_follows_it_and_marks_it_read(page, late_items):
    task, period = late_items["task"], late_items["period"]
    browser_login(page, "kjj_head")
    badge = page.get_by_test_id("unread-count")
    expect(badge).to_have_text("2")
    shoot(page, JOURNEY, "1-home", phone=True)

    # From the header to the inbox with the keyboard alone.
    inbox_link = page.locator("header a.inbox-link")
    tab_to(page, inbox_link)
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox/")
    notice = page.get_by_test_id("notice").filter(has_text="建设科技成果转化平台")
    expect(notice).to_have_class("notice unread")
    title = notice.locator(".notice-title").inner_text()
    assert title == "【催办】(三)建设科技成果转化平台:2025-09期报送已逾期1个工作日"
    body = notice.locator(".notice-body").inner_text()
    for line in ("事项:(三)建设科技成果转化平台", "牵头单位:市科技局", "截止日期:2025-09-25",
                 "状态:已逾期1个工作日,尚未报送。"):
        assert line in body, body
    shoot(page, JOURNEY, "2-inbox", phone=True)

    # The notice leads to the item's report for that period, still unfiled; following it reads it.
    notice.get_by_role("button", name=title).click()
    page.wait_for_url(f"**/tasks/{task.id}/periods/{period.id}/report")
    expect(page.locator("h1")).to_have_text("进展报送 · 2025-09")
    expect(page.get_by_test_id("report-state")).to_have_text("未填报")
    expect(page.get_by_role("link", name="(三) 建设科技成果转化平台")).to_be_visible()
    expect(badge).to_have_text("1")
    shoot(page, JOURNEY, "3-item", phone=True)

    # Back in the inbox the opened notice is read; the head marks the other read without opening it.
    page.goto(page.url.split("/tasks/")[0] + "/inbox/")
    expect(notice).to_have_class("notice")
    other = page.get_by_test_id("notice").filter(has_text="培育高新技术企业")
    expect(other).to_have_class("notice unread")
    other.get_by_role("button", name="标为已读").click()
    page.wait_for_url("**/inbox/")
    expect(badge).to_have_count(0)
    expect(other).to_have_class("notice")
    expect(notice.get_by_role("button", name="标为已读")).to_have_count(0)
    shoot(page, JOURNEY, "4-read", phone=True)
