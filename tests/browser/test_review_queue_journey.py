"""The reviewer's working day: his home says what waits, in words (no raw green/red), a page at a time;
deciding takes him to the next report in the queue; several plain reports are approved at once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.conftest import browser_login
from tracker.core.clock import local_today
from tracker.extensions import db as _db
from tracker.tasks import reporting
from tracker.tasks.models import ProgressStatus
from tracker.tasks.reporting import ReportInput

pytestmark = pytest.mark.browser


@pytest.fixture
def engine_name():
    return "sqlite"


@pytest.fixture
def queue(app, make):
    """Four submitted reports of 市科技局 waiting for the reviewer, among more items than a page holds."""
    app.config["PAGE_SIZE"] = 5
    today = local_today()
    science = make.department("市科技局")
    plan = make.plan("科技创新行动方案", start_year=today.year, end_year=today.year + 2)
    period = make.period(plan, "本期", starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=1),
                         due_on=today + timedelta(days=1))
    liaison = make.liaison(science, "kjj")
    tasks = [make.task(plan, lead=science, title=f"任务{n}") for n in range(1, 8)]
    for task in tasks[:4]:
        report = reporting.save_report(task, period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                                 narrative=f"{task.title}进展"),
                                       by=liaison, expected_version=0)
        reporting.submit_report(task, period, by=liaison, expected_version=report.version)
    _db.session.commit()
    make.user("reviewer", roles=["reviewer"])
    return tasks


def test_the_reviewer_decides_moves_on_and_approves_several_at_once(page, queue):
    browser_login(page, "reviewer")
    summary = page.get_by_test_id("review-summary")
    expect(summary).to_contain_text("进展报送 4 项")
    home = page.get_by_test_id("home-tasks").inner_text()
    assert "绿灯" in home or "黄灯" in home or "红灯" in home
    assert not any(word in home for word in ("green", "yellow", "red"))
    expect(page.get_by_role("navigation", name="分页")).to_contain_text("第 1 / 2 页")
    shoot(page, "review-queue", "home", phone=True)

    # Decide the oldest; the page moves on to the next one waiting.
    summary.get_by_role("link", name="开始审核").click()
    page.get_by_test_id("report-decision").get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已审核通过")).to_be_visible()
    expect(page.get_by_text("下一项待审核:(2) 任务2")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("(2) 任务2")

    # The other three at once from the queue.
    page.get_by_role("link", name="待审核").first.click()
    page.on("dialog", lambda dialog: dialog.accept())
    for task in queue[1:4]:
        page.get_by_label(f"选择 {task.number} {task.title}").check()
    shoot(page, "review-queue", "queue-chosen", phone=True)
    page.get_by_role("button", name="审核通过所选").click()
    expect(page.get_by_text("已审核通过 3 项")).to_be_visible()
    expect(page.get_by_test_id("queue-reports")).to_contain_text("没有待审核的报送")
