"""进展报送: signing for items, the lead department's report, the head's confirmation, contributions
and coordination problems. Each function checks who may act, changes, audits and flushes; the caller commits.

Writes carry the version the writer last saw (`expected_version`, 0 for "there is none yet"): if the
record has moved on, nothing is written and StaleRecord tells the caller to show the current one.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.services import record, record_diff, snapshot
from tracker.core.cache import note_lights_kept
from tracker.core.clock import local_today, utcnow
from tracker.extensions import db
from tracker.tasks import lights
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.models import (
    EDITABLE_REPORT_STATES,
    Contribution,
    ContributionState,
    CoordinationIssue,
    Evidence,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReportTargetValue,
    Target,
    Task,
    TaskAssignment,
    TaskStatus,
)
from tracker.tasks.permissions import Action, require

REPORT_FIELDS = ("state", "progress_status", "percent_complete", "narrative", "needs_coordination",
                 "coordination_text", "claims_completion", "is_late", "return_count", "version")
CONTRIBUTION_FIELDS = ("state", "narrative", "version")


@dataclass
class ReportInput:
    """What a liaison writes in a report; every field optional until the report is submitted."""

    progress_status: ProgressStatus | None = None
    percent_complete: int | None = None
    narrative: str = ""
    target_values: dict[int, float] = field(default_factory=dict)
    needs_coordination: bool = False
    coordination_text: str = ""
    claims_completion: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing written, chosen or ticked: saving it would only make an empty draft."""
        return (self.progress_status is None and self.percent_complete is None and not self.narrative.strip()
                and not self.target_values and not self.needs_coordination and not self.coordination_text.strip()
                and not self.claims_completion)


@contextmanager
def conflicts_as_stale(model: type, key: dict):
    """A lost race at flush time (a version that moved, a row inserted meanwhile) is a StaleRecord too."""
    try:
        yield
    except (StaleDataError, sa.exc.IntegrityError) as error:
        raise StaleRecord(model, key) from error


def check_version(obj, model: type, key: dict, expected_version: int) -> None:
    current = 0 if obj is None else obj.version
    if current != expected_version:
        raise StaleRecord(model, key)


def _check_period(task: Task, period: ReportingPeriod) -> None:
    if period.plan_id != task.plan_id:
        raise WorkflowError(_("该调度周期不属于此事项所在的方案"))
    if task.status == TaskStatus.CLOSED:
        raise WorkflowError(_("该事项已销号;如需继续报送,请联系办公室重新打开"))


def find_report(task_id: int, period_id: int) -> ProgressReport | None:
    return db.session.scalar(
        sa.select(ProgressReport).where(ProgressReport.task_id == task_id, ProgressReport.period_id == period_id)
    )


def report_snapshot(report: ProgressReport) -> dict:
    values = {tv.target.name: tv.value for tv in report.target_values}
    return snapshot(report, REPORT_FIELDS) | {"target_values": values}


def _audit(action: str, obj, before: dict, after: dict, *, by, task: Task, now: datetime | None):
    return record_diff(action, obj, before, after, by=by, task_id=task.id, plan_id=task.plan_id, now=now)


# ---- 签收 ---------------------------------------------------------------------------------------


def sign_for(task: Task, *, by, now: datetime | None = None) -> TaskAssignment:
    """签收: the user's department acknowledges that it has received the item."""
    require(by, Action.SIGN_FOR, task)
    assignment = next((a for a in task.assignments if a.department_id == by.department_id), None)
    if assignment is None:
        raise WorkflowError(_("本单位不是此事项的责任单位"))
    if assignment.signed_at is not None:
        raise WorkflowError(_("本单位已于 %(day)s 签收此事项", day=local_today(assignment.signed_at).isoformat()))
    assignment.signed_at = now or utcnow()
    assignment.signed_by_id = by.id
    note_lights_kept(db.session())  # a receipt changes no light
    db.session.flush()
    record("task.signed", task, by=by, after={"department_id": assignment.department_id,
                                               "role": assignment.role}, task_id=task.id, plan_id=task.plan_id,
           now=now)
    return assignment


def sign_for_all(*, by, expected: int | None = None, now: datetime | None = None) -> int:
    """签收 every item the user's department has not signed for yet; how many were signed. With `expected`
    (the number the user confirmed), nothing is signed when the items waiting are no longer that many."""
    if by.department_id is None:
        return 0
    unsigned = db.session.scalars(
        sa.select(Task)
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(TaskAssignment.department_id == by.department_id, TaskAssignment.signed_at.is_(None))
        .options(sa.orm.selectinload(Task.assignments))
    ).all()
    if expected is not None and len(unsigned) != expected:
        raise WorkflowError(_("未签收的事项已变为 %(count)s 项,没有签收。请核对后再签收。", count=len(unsigned)))
    for task in unsigned:
        sign_for(task, by=by, now=now)
    return len(unsigned)


# ---- the lead department's report --------------------------------------------------------------------


def open_targets(targets: list[Target], period: ReportingPeriod) -> list[Target]:
    """The targets a report for `period` gives values for: those without a year and, of each target set
    year by year, the first year not over when the period starts (this year's, else the next one set)."""
    first: dict[str, Target] = {}
    for target in sorted((t for t in targets if t.year is not None), key=lambda t: (t.year, t.id)):
        if target.year >= period.starts_on.year:
            first.setdefault(target.name, target)
    return [t for t in targets if t.year is None or first.get(t.name) is t]


def _check_input(task: Task, data: ReportInput) -> None:
    if data.percent_complete is not None and not 0 <= data.percent_complete <= 100:
        raise WorkflowError(_("完成百分比应在 0 到 100 之间"))
    own_targets = {t.id for t in task.targets}
    for target_id, value in data.target_values.items():
        if target_id not in own_targets:
            raise WorkflowError(_("指标不属于此事项"))
        if value < 0:
            raise WorkflowError(_("指标完成值不能为负数"))


def _apply_input(report: ProgressReport, data: ReportInput) -> None:
    report.progress_status = data.progress_status
    report.percent_complete = data.percent_complete
    report.narrative = data.narrative.strip()
    report.needs_coordination = data.needs_coordination
    report.coordination_text = data.coordination_text.strip() if data.needs_coordination else ""
    report.claims_completion = data.claims_completion
    kept = {tv.target_id: tv for tv in report.target_values}
    targets = {t.id: t for t in report.task.targets}
    report.target_values = [
        kept.get(target_id) or ReportTargetValue(target=targets[target_id], value=value)
        for target_id, value in sorted(data.target_values.items())
    ]
    for tv in report.target_values:
        tv.value = data.target_values[tv.target.id]


def save_report(
    task: Task, period: ReportingPeriod, data: ReportInput, *, by, expected_version: int,
    now: datetime | None = None,
) -> ProgressReport:
    """Save the lead department's report for a period as a draft (creating it the first time)."""
    require(by, Action.REPORT, task)
    _check_period(task, period)
    _check_input(task, data)
    key = {"task_id": task.id, "period_id": period.id}
    report = find_report(task.id, period.id)
    check_version(report, ProgressReport, key, expected_version)
    if report is None:
        report = ProgressReport(task=task, period=period, department_id=task.lead_department_id,
                                state=ReportState.DRAFT)
        db.session.add(report)
        before = {}
    elif report.state not in EDITABLE_REPORT_STATES:
        raise WorkflowError(_("本期报送已提交,不能再修改"))
    else:
        before = report_snapshot(report)
    _apply_input(report, data)
    # Touching the row makes every save an UPDATE that checks and bumps the version, even when only
    # the target values (another table) changed: two such saves cannot both land.
    report.updated_at = now or utcnow()
    flag_modified(report, "updated_at")
    with conflicts_as_stale(ProgressReport, key):
        db.session.flush()
    _audit("report.created" if not before else "report.saved", report, before, report_snapshot(report),
           by=by, task=task, now=now)
    # A draft leaves every light as it was (it counts as unfiled, like no report, and the task's own
    # status and percentage move only when it is submitted): nothing to judge, yet no light is stale.
    note_lights_kept(db.session())
    return report


def has_evidence(report: ProgressReport) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Evidence.report_id == report.id)))


def _check_complete(report: ProgressReport) -> None:
    if report.progress_status is None:
        raise WorkflowError(_("请选择进展状态"))
    if not report.narrative:
        raise WorkflowError(_("请填写进展情况"))
    if report.needs_coordination and not report.coordination_text:
        raise WorkflowError(_("请写明需协调解决的问题"))
    if report.claims_completion:
        if report.progress_status != ProgressStatus.COMPLETED:
            raise WorkflowError(_("申请销号时进展状态应为“已完成”"))
        if not has_evidence(report):
            raise WorkflowError(_("申请销号须上传佐证材料"))


def submit_report(
    task: Task, period: ReportingPeriod, *, by, expected_version: int, now: datetime | None = None,
) -> ProgressReport:
    """报送: send a saved report on, to the head for confirmation or straight to review."""
    require(by, Action.REPORT, task)
    _check_period(task, period)
    key = {"task_id": task.id, "period_id": period.id}
    report = find_report(task.id, period.id)
    if report is None:
        raise WorkflowError(_("请先填写并保存本期报送"))
    check_version(report, ProgressReport, key, expected_version)
    if report.state not in EDITABLE_REPORT_STATES:
        raise WorkflowError(_("本期报送已提交,不能重复提交"))
    _check_complete(report)
    before = report_snapshot(report)
    now = now or utcnow()
    if report.submitted_at is None:
        # Lateness is judged on the first submission: a report resubmitted after a return was on time if it first was.
        report.is_late = local_today(now) > period.due_on
    report.submitted_at = now
    report.submitted_by_id = by.id
    department = task.lead_department
    if department is not None and department.requires_head_confirmation:
        report.state = ReportState.AWAITING_CONFIRMATION
    else:
        _send_to_review(report, now, by)
    with conflicts_as_stale(ProgressReport, key):
        db.session.flush()
    _audit("report.submitted", report, before, report_snapshot(report), by=by, task=task, now=now)
    lights.refresh_lights(now, task_ids=[task.id])
    return report


def _send_to_review(report: ProgressReport, now: datetime, by) -> None:
    """The report reaches the reviewers: its figures become the item's latest, its problem goes to the office."""
    report.state = ReportState.SUBMITTED
    task = report.task
    task.progress_status = report.progress_status
    if report.percent_complete is not None:
        task.percent_complete = report.percent_complete
    for tv in report.target_values:
        tv.target.reached_value = tv.value
        tv.target.reached_at = now
    if report.needs_coordination:
        _raise_coordination_issue(report, now, by)


def _raise_coordination_issue(report: ProgressReport, now: datetime, by) -> None:
    already = db.session.scalar(sa.select(sa.exists().where(
        CoordinationIssue.report_id == report.id, CoordinationIssue.text == report.coordination_text)))
    if already:
        return
    issue = CoordinationIssue(task_id=report.task_id, report_id=report.id, department_id=report.department_id,
                              text=report.coordination_text, raised_at=now)
    db.session.add(issue)
    db.session.flush()
    record("coordination.raised", issue, by=by, after={"text": issue.text}, task_id=report.task_id,
           plan_id=report.task.plan_id, now=now)


def _confirmable(report: ProgressReport, by, expected_version: int) -> dict:
    require(by, Action.CONFIRM_REPORT, report)
    check_version(report, ProgressReport, {"id": report.id}, expected_version)
    if report.state != ReportState.AWAITING_CONFIRMATION:
        raise WorkflowError(_("该报送不在待负责人确认状态"))
    return report_snapshot(report)


def confirm_report(report: ProgressReport, *, by, expected_version: int, reason: str = "",
                   now: datetime | None = None):
    """负责人确认: the head lets the department's report go to review, with a remark if he has one."""
    before = _confirmable(report, by, expected_version)
    now = now or utcnow()
    report.confirmed_at = now
    report.confirmed_by_id = by.id
    _send_to_review(report, now, by)
    with conflicts_as_stale(ProgressReport, {"id": report.id}):
        db.session.flush()
    remark = {"reason": reason.strip()} if reason and reason.strip() else {}
    _audit("report.confirmed", report, before, report_snapshot(report) | remark, by=by, task=report.task, now=now)
    lights.refresh_lights(now, task_ids=[report.task_id])
    return report


def send_back_to_liaison(report: ProgressReport, reason: str = "", *, by, expected_version: int,
                         now: datetime | None = None):
    """The head does not confirm: the report goes back to the liaison as a draft, with the head's reason."""
    before = _confirmable(report, by, expected_version)
    reason = required_reason(reason)
    report.state = ReportState.DRAFT
    with conflicts_as_stale(ProgressReport, {"id": report.id}):
        db.session.flush()
    _audit("report.sent_back", report, before, report_snapshot(report) | {"reason": reason}, by=by,
           task=report.task, now=now)
    lights.refresh_lights(now or utcnow(), task_ids=[report.task_id])
    return report


def withdraw_report(report: ProgressReport, *, by, expected_version: int, now: datetime | None = None):
    """撤回: the liaison takes back a report nobody has reviewed (or confirmed) yet; it is a draft again.
    The figures it sent stay the item's latest until the next submission replaces them."""
    require(by, Action.REPORT, report.task)
    check_version(report, ProgressReport, {"id": report.id}, expected_version)
    if report.state not in (ReportState.SUBMITTED, ReportState.AWAITING_CONFIRMATION):
        raise WorkflowError(_("该报送已审核或尚未提交,不能撤回"))
    before = report_snapshot(report)
    report.state = ReportState.DRAFT
    with conflicts_as_stale(ProgressReport, {"id": report.id}):
        db.session.flush()
    _audit("report.withdrawn", report, before, report_snapshot(report), by=by, task=report.task, now=now)
    lights.refresh_lights(now or utcnow(), task_ids=[report.task_id])
    return report


def required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写退回理由"))
    return reason


# ---- contributions of co-responsible departments -----------------------------------------------------


def find_contribution(task_id: int, period_id: int, department_id: int) -> Contribution | None:
    return db.session.scalar(sa.select(Contribution).filter_by(
        task_id=task_id, period_id=period_id, department_id=department_id))


def save_contribution(
    task: Task, period: ReportingPeriod, narrative: str, *, by, expected_version: int, submit: bool = False,
    now: datetime | None = None,
) -> Contribution:
    """配合单位报送: save (and with `submit`, hand to the lead department) a contribution for a period."""
    require(by, Action.CONTRIBUTE, task)
    _check_period(task, period)
    key = {"task_id": task.id, "period_id": period.id, "department_id": by.department_id}
    contribution = find_contribution(task.id, period.id, by.department_id)
    check_version(contribution, Contribution, key, expected_version)
    report = find_report(task.id, period.id)
    if report is not None and report.state == ReportState.APPROVED:
        raise WorkflowError(_("本期报送已审核通过,配合材料不能再修改"))
    narrative = (narrative or "").strip()
    if submit and not narrative:
        raise WorkflowError(_("请填写配合工作情况"))
    if contribution is None:
        contribution = Contribution(task_id=task.id, period_id=period.id, department_id=by.department_id)
        db.session.add(contribution)
        before = {}
    else:
        before = snapshot(contribution, CONTRIBUTION_FIELDS)
    contribution.narrative = narrative
    contribution.updated_at = now or utcnow()
    flag_modified(contribution, "updated_at")
    if submit:
        contribution.state = ContributionState.SUBMITTED
        contribution.submitted_at = now or utcnow()
        contribution.submitted_by_id = by.id
    with conflicts_as_stale(Contribution, key):
        db.session.flush()
    action = "contribution.submitted" if submit else "contribution.saved"
    _audit(action, contribution, before, snapshot(contribution, CONTRIBUTION_FIELDS), by=by, task=task, now=now)
    return contribution


# ---- 需协调事项 ------------------------------------------------------------------------------------


def resolve_coordination_issue(issue: CoordinationIssue, resolution: str, *, by, now: datetime | None = None):
    """The office answers a flagged problem (协调结果) and closes it."""
    require(by, Action.RESOLVE_COORDINATION, issue)
    resolution = (resolution or "").strip()
    if not resolution:
        raise WorkflowError(_("请填写协调结果"))
    if issue.resolved_at is not None:
        raise WorkflowError(_("该事项已协调办结"))
    issue.resolved_at = now or utcnow()
    issue.resolved_by_id = by.id
    issue.resolution = resolution
    db.session.flush()
    record("coordination.resolved", issue, by=by, after={"resolution": resolution}, task_id=issue.task_id,
           plan_id=issue.task.plan_id, now=now)
    return issue
