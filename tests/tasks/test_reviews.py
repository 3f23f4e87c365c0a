"""审核, 销号 and reopening: reviewers decide with reasons, a task closes only on approved completion with evidence."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import Forbidden, NotFound

from tests.tasks.conftest import NOW, pdf_file
from tracker.audit.models import AuditEntry
from tracker.tasks import reporting, reviews
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.evidence import attach_evidence
from tracker.tasks.models import (
    Evidence,
    MilestoneStatus,
    ProgressStatus,
    ReportState,
    Review,
    ReviewDecision,
    ReviewSubject,
    TaskStatus,
)
from tracker.tasks.reporting import ReportInput


def _submitted(db, item, *, completion=False):
    data = ReportInput(progress_status=ProgressStatus.COMPLETED if completion else ProgressStatus.IN_PROGRESS,
                       narrative="全年任务已完成" if completion else "推进中", claims_completion=completion)
    report = reporting.save_report(item.task, item.period, data, by=item.liaison, expected_version=0, now=NOW)
    if completion:
        attach_evidence(item.task, "验收意见.pdf", pdf_file(), by=item.liaison, report=report)
        reporting.sign_for(item.task, by=item.liaison, now=NOW)
    db.session.commit()
    report = reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)
    db.session.commit()
    return report


def test_return_requires_a_reason_and_counts(db, item):
    report = _submitted(db, item)
    with pytest.raises(WorkflowError, match="退回理由"):
        reviews.return_report(report, "   ", by=item.reviewer, expected_version=report.version)
    reviews.return_report(report, "缺少高企认定名单", by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()
    assert (report.state, report.return_count) == (ReportState.RETURNED, 1)
    review = db.session.scalar(sa.select(Review))
    assert (review.decision, review.reason, review.reviewer_id) == (ReviewDecision.RETURNED, "缺少高企认定名单",
                                                                    item.reviewer.id)


def test_returned_report_is_corrected_resubmitted_and_approved(db, item):
    report = _submitted(db, item)
    reviews.return_report(report, "缺少数据", by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()
    data = ReportInput(progress_status=ProgressStatus.IN_PROGRESS, narrative="补充:已认定1010家")
    report = reporting.save_report(item.task, item.period, data, by=item.liaison, expected_version=report.version)
    assert report.state == ReportState.RETURNED  # saving keeps the reason in front of the liaison
    db.session.commit()
    reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=report.version, now=NOW)
    db.session.commit()
    reviews.approve_report(report, by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()
    assert report.state == ReportState.APPROVED
    assert item.task.status == TaskStatus.ACTIVE  # a progress report does not close the task
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "ProgressReport")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["report.created", "report.submitted", "report.returned", "report.saved", "report.submitted",
                       "report.approved"]


def test_only_reviewers_decide(db, item):
    report = _submitted(db, item)
    for user in (item.liaison, item.head, item.office, item.co_liaison):
        with pytest.raises(Forbidden):
            reviews.approve_report(report, by=user, expected_version=report.version)
        with pytest.raises(Forbidden):
            reviews.return_report(report, "理由", by=user, expected_version=report.version)


def test_a_draft_cannot_be_reviewed(db, item):
    report = reporting.save_report(item.task, item.period, ReportInput(narrative="草稿"), by=item.liaison,
                                   expected_version=0)
    db.session.commit()
    with pytest.raises(WorkflowError, match="待审核"):
        reviews.approve_report(report, by=item.reviewer, expected_version=report.version)


def test_second_reviewer_deciding_on_an_old_page_gets_a_conflict(db, item):
    report = _submitted(db, item)
    seen = report.version
    reviews.approve_report(report, by=item.reviewer, expected_version=seen, now=NOW)
    db.session.commit()
    with pytest.raises(StaleRecord):
        reviews.return_report(report, "不同意", by=item.reviewer, expected_version=seen)


def test_approved_completion_with_evidence_closes_the_task(db, item):
    report = _submitted(db, item, completion=True)
    reviews.approve_report(report, by=item.reviewer, expected_version=report.version, reason="同意销号", now=NOW)
    db.session.commit()
    assert (item.task.status, item.task.closed_by_id, item.task.closed_at) == (TaskStatus.CLOSED, item.reviewer.id,
                                                                               NOW)
    review = db.session.scalar(sa.select(Review))
    assert review.subject == ReviewSubject.COMPLETION
    with pytest.raises(WorkflowError, match="已销号"):
        reporting.save_report(item.task, item.period, ReportInput(), by=item.liaison, expected_version=report.version)


def test_an_item_its_lead_has_not_signed_for_is_not_closed(db, item):
    report = _submitted(db, item, completion=True)
    item.task.assignments[0].signed_at = None
    db.session.commit()
    with pytest.raises(WorkflowError, match="牵头单位尚未签收此事项"):
        reviews.approve_report(report, by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.rollback()
    assert (report.state, item.task.status) == (ReportState.SUBMITTED, TaskStatus.ACTIVE)


def test_a_liaison_withdraws_a_report_until_it_is_reviewed(db, item):
    report = _submitted(db, item)
    with pytest.raises(StaleRecord):
        reporting.withdraw_report(report, by=item.liaison, expected_version=report.version - 1, now=NOW)
    db.session.rollback()
    for user in (item.co_liaison, item.reviewer):
        with pytest.raises((Forbidden, NotFound)):
            reporting.withdraw_report(report, by=user, expected_version=report.version, now=NOW)
    reporting.withdraw_report(report, by=item.liaison, expected_version=report.version, now=NOW)
    db.session.commit()
    assert report.state == ReportState.DRAFT
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report.withdrawn"))
    assert (entry.actor_id, entry.task_id) == (item.liaison.id, item.task.id)

    reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=report.version, now=NOW)
    reviews.approve_report(report, by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()
    with pytest.raises(WorkflowError, match="不能撤回"):
        reporting.withdraw_report(report, by=item.liaison, expected_version=report.version, now=NOW)


def test_completion_whose_evidence_is_gone_is_not_approved(db, item):
    report = _submitted(db, item, completion=True)
    db.session.execute(sa.delete(Evidence))  # e.g. removed by hand from the database
    db.session.commit()
    with pytest.raises(WorkflowError, match="没有佐证材料"):
        reviews.approve_report(report, by=item.reviewer, expected_version=report.version, now=NOW)
    assert item.task.status == TaskStatus.ACTIVE


def test_returned_completion_leaves_the_task_open(db, item):
    report = _submitted(db, item, completion=True)
    reviews.return_report(report, "佐证材料不完整", by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()
    assert item.task.status == TaskStatus.ACTIVE


def test_office_reopens_a_closed_task_with_a_reason(db, item):
    report = _submitted(db, item, completion=True)
    reviews.approve_report(report, by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()
    for user in (item.reviewer, item.liaison):
        with pytest.raises(Forbidden):
            reviews.reopen_task(item.task, "理由", by=user, expected_version=item.task.version)
    with pytest.raises(WorkflowError, match="理由"):
        reviews.reopen_task(item.task, "", by=item.office, expected_version=item.task.version)
    reviews.reopen_task(item.task, "督查发现问题反弹", by=item.office, expected_version=item.task.version, now=NOW)
    db.session.commit()
    assert (item.task.status, item.task.reopen_count, item.task.closed_at) == (TaskStatus.ACTIVE, 1, None)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "task.reopened"))
    assert entry.after["reason"] == "督查发现问题反弹" and entry.actor_id == item.office.id
    with pytest.raises(WorkflowError, match="未销号"):
        reviews.reopen_task(item.task, "再次", by=item.office, expected_version=item.task.version)


# ---- milestones ----


@pytest.fixture
def milestone(make, item):
    return make.milestone(item.task, year=2025, text="2025年认定高新技术企业100家")


def test_milestone_submitted_returned_resubmitted_approved(db, item, milestone):
    with pytest.raises(WorkflowError, match="完成情况"):
        reviews.submit_milestone(milestone, "", by=item.liaison, expected_version=1)
    reviews.submit_milestone(milestone, "已认定80家", by=item.liaison, expected_version=1, now=NOW)
    db.session.commit()
    with pytest.raises(WorkflowError, match="退回理由"):
        reviews.return_milestone(milestone, "", by=item.reviewer, expected_version=milestone.version)
    reviews.return_milestone(milestone, "未达100家", by=item.reviewer, expected_version=milestone.version, now=NOW)
    db.session.commit()
    assert (milestone.status, milestone.return_count) == (MilestoneStatus.RETURNED, 1)
    reviews.submit_milestone(milestone, "已认定102家", by=item.liaison, expected_version=milestone.version, now=NOW)
    db.session.commit()
    reviews.approve_milestone(milestone, by=item.reviewer, expected_version=milestone.version, now=NOW)
    db.session.commit()
    assert milestone.status == MilestoneStatus.APPROVED
    decisions = db.session.scalars(sa.select(Review.decision).where(Review.subject == ReviewSubject.MILESTONE)
                                   .order_by(Review.id)).all()
    assert decisions == [ReviewDecision.RETURNED, ReviewDecision.APPROVED]


def test_who_may_act_on_milestones(db, item, milestone):
    for user in (item.co_liaison, item.reviewer):
        with pytest.raises(Forbidden):
            reviews.submit_milestone(milestone, "完成", by=user, expected_version=1)
    with pytest.raises(NotFound):
        reviews.submit_milestone(milestone, "完成", by=item.stranger, expected_version=1)
    reviews.submit_milestone(milestone, "完成", by=item.liaison, expected_version=1, now=NOW)
    db.session.commit()
    for user in (item.liaison, item.office, item.head):
        with pytest.raises(Forbidden):
            reviews.approve_milestone(milestone, by=user, expected_version=milestone.version)
    with pytest.raises(WorkflowError, match="已提交审核"):
        reviews.submit_milestone(milestone, "再交", by=item.liaison, expected_version=milestone.version)


def test_a_leader_reads_but_takes_no_step(db, make, item, leader):
    from tracker.tasks.permissions import Action, can

    report = _submitted(db, item)
    milestone = make.milestone(item.task)
    assert can(leader, Action.VIEW_TASK, item.task)
    steps = [
        lambda: reporting.sign_for(item.task, by=leader),
        lambda: reporting.save_report(item.task, item.period, ReportInput(), by=leader, expected_version=1),
        lambda: reporting.save_contribution(item.task, item.period, "x", by=leader, expected_version=0),
        lambda: reporting.confirm_report(report, by=leader, expected_version=report.version),
        lambda: reviews.approve_report(report, by=leader, expected_version=report.version),
        lambda: reviews.submit_milestone(milestone, "x", by=leader, expected_version=1),
        lambda: reviews.reopen_task(item.task, "x", by=leader, expected_version=item.task.version),
    ]
    for step in steps:
        with pytest.raises(Forbidden):
            step()


def test_several_reports_are_approved_at_once_and_a_refused_one_is_named(db, make, item):
    plain = _submitted(db, item)
    other = make.task(item.plan, lead=item.lead, title="建设创新平台")
    claim = reporting.save_report(other, item.period, ReportInput(
        progress_status=ProgressStatus.COMPLETED, narrative="已完成", claims_completion=True),
        by=item.liaison, expected_version=0, now=NOW)
    attach_evidence(other, "验收意见.pdf", pdf_file(), by=item.liaison, report=claim)
    reporting.submit_report(other, item.period, by=item.liaison, expected_version=claim.version, now=NOW)
    db.session.commit()
    stale = (plain.id, plain.version - 1)
    assert reviews.approve_reports([stale, (claim.id, claim.version)], by=item.reviewer, now=NOW) == (0, [
        "“培育高新技术企业”已被他人处理或修改,没有审核", "“建设创新平台”申请销号,请在事项页阅读后再审核"])
    approved, problems = reviews.approve_reports([(plain.id, plain.version)], by=item.reviewer, now=NOW)
    db.session.commit()
    assert (approved, problems, plain.state, claim.state) == (1, [], ReportState.APPROVED, ReportState.SUBMITTED)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1
