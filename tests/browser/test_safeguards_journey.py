"""Safeguards against a slip of the mouse: 全部签收 asks with the count, 销号 asks and is refused while the
lead department has not signed for the item, a liaison withdraws (撤回) a report not yet reviewed, and an
empty draft is not saved."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.journey_support import shoot
from tests.browser.test_reporting_journey import _log_out, _open_report_form, journey  # noqa: F401 (fixture)
from tests.conftest import browser_login
from tests.tasks.conftest import pdf_file
from tracker.extensions import db as _db
from tracker.tasks import reporting
from tracker.tasks.evidence import attach_evidence
from tracker.tasks.models import ProgressStatus, ReportingPeriod
from tracker.tasks.reporting import ReportInput

pytestmark = pytest.mark.browser


class Dialogs:
    """Answers every confirmation the page asks, as `accept` says at the time; keeps the questions."""

    def __init__(self, page, accept: bool):
        self.asked: list[str] = []
        self.accept = accept
        page.on("dialog", self.answer)

    def answer(self, dialog):
        self.asked.append(dialog.message)
        dialog.accept() if self.accept else dialog.dismiss()


def test_sign_all_asks_with_the_count(page, journey, make):  # noqa: F811
    task = journey["task"]
    for title in ("建设创新平台", "培育科技型中小企业"):
        make.task(task.plan, lead=task.lead_department, title=title)
    browser_login(page, "kjj")
    dialogs = Dialogs(page, accept=False)
    page.get_by_test_id("sign-all").click()
    expect(page.get_by_test_id("unsigned")).to_be_visible()
    assert dialogs.asked == ["确定签收本单位全部 3 项未签收事项吗?"]
    expect(page.get_by_test_id("unsigned")).to_contain_text("3 项")  # nothing signed on "cancel"

    dialogs.accept = True
    page.get_by_test_id("sign-all").click()
    expect(page.get_by_text("已签收 3 项")).to_be_visible()
    expect(page.get_by_test_id("unsigned")).to_have_count(0)


@pytest.fixture
def completion_claim(journey):  # noqa: F811
    """The liaison's report claims completion, with evidence; his department has not signed for the item."""
    task, liaison = journey["task"], journey["liaison"]
    period = _db.session.scalar(sa.select(ReportingPeriod))
    report = reporting.save_report(task, period, ReportInput(
        progress_status=ProgressStatus.COMPLETED, percent_complete=100, narrative="全部完成。", claims_completion=True),
        by=liaison, expected_version=0)
    attach_evidence(task, "验收报告.pdf", pdf_file(), by=liaison, report=report)
    reporting.submit_report(task, period, by=liaison, expected_version=report.version)
    _db.session.commit()
    return journey


def test_closing_asks_first_and_waits_for_the_lead_to_sign(page, completion_claim):
    task = completion_claim["task"]
    browser_login(page, "reviewer")
    page.goto(f"/tasks/{task.id}")
    dialogs = Dialogs(page, accept=True)
    page.get_by_test_id("report-decision").get_by_role("button", name="审核通过并销号").click()
    expect(page.get_by_text("牵头单位尚未签收此事项,不能销号")).to_be_visible()
    assert dialogs.asked == [f"审核通过后,事项“{task.title}”将销号,不再提醒和报送。确定吗?"]
    expect(page.get_by_test_id("closed")).to_have_count(0)
    shoot(page, "safeguards", "closing-refused")
    _log_out(page)

    browser_login(page, "kjj")
    page.goto(f"/tasks/{task.id}")
    page.get_by_test_id("sign").click()
    expect(page.get_by_text("已签收", exact=True)).to_be_visible()
    _log_out(page)

    browser_login(page, "reviewer")
    page.goto(f"/tasks/{task.id}")
    page.get_by_test_id("report-decision").get_by_role("button", name="审核通过并销号").click()
    expect(page.get_by_text("已审核通过")).to_be_visible()  # and on to the queue, now empty
    page.goto(f"/tasks/{task.id}")
    expect(page.get_by_test_id("closed")).to_have_text("已销号")


def test_a_liaison_withdraws_a_report_not_yet_reviewed(page, journey):  # noqa: F811
    browser_login(page, "kjj")
    _open_report_form(page)
    page.get_by_label("进展状态").select_option("in_progress")
    page.get_by_label("进展情况").fill("已认定高新技术企业1010家。")
    page.get_by_role("button", name="提交报送").click()
    expect(page.get_by_text("已提交,等待审核")).to_be_visible()

    dialogs = Dialogs(page, accept=True)
    page.get_by_role("button", name="撤回报送").click()
    expect(page.get_by_text("已撤回,可修改后重新提交")).to_be_visible()
    assert dialogs.asked == ["撤回后报送回到草稿,审核人看不到它,修改后须重新提交。确定撤回吗?"]
    expect(page.get_by_test_id("report-state")).to_have_text("草稿")
    assert page.get_by_label("进展情况").input_value() == "已认定高新技术企业1010家。"
    shoot(page, "safeguards", "withdrawn", phone=True)
    page.goto(f"/tasks/{journey['task'].id}")
    assert "撤回报送" in page.get_by_test_id("history").inner_text()


def test_an_empty_draft_is_not_saved(page, journey):  # noqa: F811
    browser_login(page, "kjj")
    _open_report_form(page)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("还没有填写任何内容,草稿没有保存")).to_be_visible()
    expect(page.get_by_test_id("report-state")).to_have_text("未填报")
