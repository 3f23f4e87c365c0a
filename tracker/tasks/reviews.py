"""审核 and 销号: reviewers approve or return reports and milestones; a task closes only on the approval
of a report that claims completion with evidence attached; the office may reopen it with a reason."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from tracker.audit.services import record_diff, snapshot
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.tasks import lights
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.models import (
    AssignmentRole,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReportState,
    Review,
    ReviewDecision,
    ReviewSubject,
    Task,
    TaskStatus,
)
from tracker.tasks.permissions import Action, require
from tracker.tasks.reporting import (
    check_version,
    required_reason,
    conflicts_as_stale,
    has_evidence,
    report_snapshot,
)

MILESTONE_FIELDS = ("status", "narrative", "return_count", "version")
TASK_FIELDS = ("status", "reopen_count", "closed_at", "closed_by_id", "version")


def _add_review(task: Task, subject: ReviewSubject, decision: ReviewDecision, reason: str, *, by, now,
                report: ProgressReport | None = None, milestone: Milestone | None = None) -> Review:
    review = Review(task_id=task.id, subject=subject, decision=decision, reason=reason, reviewer_id=by.id,
                    report_id=getattr(report, "id", None), milestone_id=getattr(milestone, "id", None),
                    decided_at=now)
    db.session.add(review)
    return review


def _audit(action: str, obj, before: dict, after: dict, *, by, task: Task, now):
    record_diff(action, obj, before, after, by=by, task_id=task.id, plan_id=task.plan_id, now=now)


def _reviewable_report(report: ProgressReport, by, expected_version: int) -> dict:
    require(by, Action.REVIEW, report)
    check_version(report, ProgressReport, {"id": report.id}, expected_version)
    if report.state != ReportState.SUBMITTED:
        raise WorkflowError(_("该报送不在待审核状态"))
    return report_snapshot(report)


def approve_report(report: ProgressReport, *, by, expected_version: int, reason: str = "",
                   now: datetime | None = None) -> ProgressReport:
    """审核通过; when the report claims completion and carries evidence, the task closes (销号)."""
    before = _reviewable_report(report, by, expected_version)
    if report.claims_completion and not has_evidence(report):
        raise WorkflowError(_("申请销号的报送没有佐证材料,不能通过"))
    if report.claims_completion and any(a.role == AssignmentRole.LEAD and a.signed_at is None
                                        for a in report.task.assignments):
        raise WorkflowError(_("牵头单位尚未签收此事项,不能销号"))
    now = now or utcnow()
    task = report.task
    report.state = ReportState.APPROVED
    subject = ReviewSubject.COMPLETION if report.claims_completion else ReviewSubject.REPORT
    _add_review(task, subject, ReviewDecision.APPROVED, (reason or "").strip(), by=by, now=now, report=report)
    with conflicts_as_stale(ProgressReport, {"id": report.id}):
        db.session.flush()
    _audit("report.approved", report, before, report_snapshot(report), by=by, task=task, now=now)
    if report.claims_completion:
        _close_task(task, by=by, now=now)
    lights.refresh_lights(now, task_ids=[task.id])
    return report


def approve_reports(chosen: list[tuple[int, int]], *, by, now: datetime | None = None) -> tuple[int, list[str]]:
    """审核通过 several reports at once: each (report id, version the reviewer saw) in a savepoint of its own,
    so that one refused (a completion claim, which is read on its page; a report someone else decided
    first) is named and the others stay approved. (number approved, problems); the caller commits."""
    approved, problems = 0, []
    for report_id, version in chosen:
        report = db.session.get(ProgressReport, report_id)
        if report is None:
            continue
        title = report.task.title
        if report.claims_completion:
            problems.append(_("“%(title)s”申请销号,请在事项页阅读后再审核", title=title))
            continue
        try:
            with db.session.begin_nested():
                approve_report(report, by=by, expected_version=version, now=now)
        except StaleRecord:
            problems.append(_("“%(title)s”已被他人处理或修改,没有审核", title=title))
        except WorkflowError as error:
            problems.append(_("“%(title)s”:%(why)s", title=title, why=error.message))
        else:
            approved += 1
    return approved, problems


def return_report(report: ProgressReport, reason: str = "", *, by, expected_version: int,
                  now: datetime | None = None) -> ProgressReport:
    """退回: back to the liaison, always with the reason he will read."""
    before = _reviewable_report(report, by, expected_version)
    reason = required_reason(reason)
    now = now or utcnow()
    report.state = ReportState.RETURNED
    report.return_count += 1
    subject = ReviewSubject.COMPLETION if report.claims_completion else ReviewSubject.REPORT
    _add_review(report.task, subject, ReviewDecision.RETURNED, reason, by=by, now=now, report=report)
    with conflicts_as_stale(ProgressReport, {"id": report.id}):
        db.session.flush()
    _audit("report.returned", report, before, report_snapshot(report) | {"reason": reason}, by=by,
           task=report.task, now=now)
    lights.refresh_lights(now, task_ids=[report.task_id])
    return report


def _close_task(task: Task, *, by, now: datetime) -> None:
    before = snapshot(task, TASK_FIELDS)
    task.status = TaskStatus.CLOSED
    task.closed_at = now
    task.closed_by_id = by.id
    with conflicts_as_stale(Task, {"id": task.id}):
        db.session.flush()
    _audit("task.closed", task, before, snapshot(task, TASK_FIELDS), by=by, task=task, now=now)


def reopen_task(task: Task, reason: str, *, by, expected_version: int, now: datetime | None = None) -> Task:
    """重新打开: the office puts a closed task back to work; the reopening is counted."""
    require(by, Action.REOPEN_TASK, task)
    check_version(task, Task, {"id": task.id}, expected_version)
    if task.status != TaskStatus.CLOSED:
        raise WorkflowError(_("该事项未销号,无需重新打开"))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写重新打开的理由"))
    now = now or utcnow()
    before = snapshot(task, TASK_FIELDS)
    task.status = TaskStatus.ACTIVE
    task.reopen_count += 1
    task.closed_at = None
    task.closed_by_id = None
    with conflicts_as_stale(Task, {"id": task.id}):
        db.session.flush()
    _audit("task.reopened", task, before, snapshot(task, TASK_FIELDS) | {"reason": reason}, by=by, task=task,
           now=now)
    lights.refresh_lights(now, task_ids=[task.id])
    return task


# ---- 年度任务 (milestones) ----------------------------------------------------------------------------


def _milestone_step(milestone: Milestone, action: Action, allowed: tuple, refusal: str, by,
                    expected_version: int) -> dict:
    """Check who acts and that the milestone is where the step starts; its state before the step."""
    require(by, action, milestone if action == Action.REVIEW else milestone.task)
    check_version(milestone, Milestone, {"id": milestone.id}, expected_version)
    if milestone.status not in allowed:
        raise WorkflowError(refusal)
    return snapshot(milestone, MILESTONE_FIELDS)


def submit_milestone(milestone: Milestone, narrative: str, *, by, expected_version: int,
                     now: datetime | None = None) -> Milestone:
    """The lead department reports a milestone done and asks for its approval."""
    task = milestone.task
    before = _milestone_step(milestone, Action.REPORT, (MilestoneStatus.PENDING, MilestoneStatus.RETURNED),
                             _("该年度任务已提交审核"), by, expected_version)
    narrative = (narrative or "").strip()
    if not narrative:
        raise WorkflowError(_("请填写年度任务完成情况"))
    now = now or utcnow()
    milestone.status = MilestoneStatus.SUBMITTED
    milestone.narrative = narrative
    milestone.submitted_at = now
    milestone.submitted_by_id = by.id
    with conflicts_as_stale(Milestone, {"id": milestone.id}):
        db.session.flush()
    _audit("milestone.submitted", milestone, before, snapshot(milestone, MILESTONE_FIELDS), by=by, task=task,
           now=now)
    lights.refresh_lights(now, task_ids=[task.id])
    return milestone


def _decide_milestone(milestone: Milestone, decision: ReviewDecision, reason: str, *, by, expected_version: int,
                      now: datetime | None) -> Milestone:
    task = milestone.task
    before = _milestone_step(milestone, Action.REVIEW, (MilestoneStatus.SUBMITTED,), _("该年度任务不在待审核状态"), by,
                             expected_version)
    reason = required_reason(reason) if decision == ReviewDecision.RETURNED else (reason or "").strip()
    now = now or utcnow()
    if decision == ReviewDecision.APPROVED:
        milestone.status = MilestoneStatus.APPROVED
    else:
        milestone.status = MilestoneStatus.RETURNED
        milestone.return_count += 1
    _add_review(task, ReviewSubject.MILESTONE, decision, reason, by=by, now=now, milestone=milestone)
    with conflicts_as_stale(Milestone, {"id": milestone.id}):
        db.session.flush()
    after = snapshot(milestone, MILESTONE_FIELDS) | ({"reason": reason} if reason else {})
    _audit(f"milestone.{decision.value}", milestone, before, after, by=by, task=task, now=now)
    lights.refresh_lights(now, task_ids=[task.id])
    return milestone


def approve_milestone(milestone: Milestone, *, by, expected_version: int, reason: str = "",
                      now: datetime | None = None) -> Milestone:
    return _decide_milestone(milestone, ReviewDecision.APPROVED, reason, by=by,
                             expected_version=expected_version, now=now)


def return_milestone(milestone: Milestone, reason: str = "", *, by, expected_version: int,
                     now: datetime | None = None) -> Milestone:
    return _decide_milestone(milestone, ReviewDecision.RETURNED, reason, by=by,
                             expected_version=expected_version, now=now)
