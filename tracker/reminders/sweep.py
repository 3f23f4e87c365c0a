"""The reminder sweep (提醒与升级): decide from the database what is due now and create each notice once.

What a pass does, at `now` (its date taken in Asia/Shanghai):

* Nothing on a day that is not a working day (法定节假日, weekends that are not 调休), nor before
  REMINDERS_FROM_HOUR (08:00): nobody is reminded on a holiday or at midnight.
* Three ladders, each a condition of the escalation policy (tracker.reminders.policies):
  a period's report not filed (未报送), counted from the period's due date; a returned report not
  resubmitted (退回未重报), counted from the return; a milestone past due and neither submitted nor
  approved (年度任务逾期), counted from its due date.
* A step at offset k fires on the k-th working day after the anchor (before it when k < 0). The
  "on the day" step (k = 0) of a due date that is not a working day fires on the last working day
  before it: the liaison is told before the holiday, not after.
* Catching up: the scheduler may have been down (a restart, a holiday weekend of downtime). For each
  item and each kind of recipient (liaison, head, office, the supervision report) only the latest
  step that has come due is sent, with the wording of today (how many working days late it is now);
  the earlier steps it supersedes are skipped for good. So after a week's downtime the liaison gets
  one notice saying the report is 3 working days late, not "due in 3 days", "due today" and "late" in
  one burst, while the head and the office still each hear once. Steps that came due more than
  CATCH_UP_WORKDAYS working days ago are history and are not sent late.
* Exactly once: each notice is a row unique on (subject, step, recipient, occurrence), inserted with
  ON CONFLICT DO NOTHING, so two sweeps at the same moment (two schedulers, a manual run beside the
  scheduler) create it once between them. Subjects: "report:<task>:<period>:<reopen count>" (a
  reopened item starts its ladders again), "milestone:<id>:<returns + reopenings>",
  "returned:<report>:<return count>".
* Cost follows what is due: only periods and milestones whose due date lies in the policies' window
  around today are read, only items whose report or approval is missing, and an item whose step has
  already fired is filtered out by the database (NOT EXISTS on the unique key's index).

Notices are created with the caller's session and not committed: `run_sweep` commits, and the outbox
(tracker.reminders.outbox) rows for e-mail and webhooks are added in the same transaction.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from tracker.auth.models import Role, User, UserRole
from tracker.core import bulk
from tracker.core.cache import LIGHTS_STALE
from tracker.core.clock import LOCAL_TZ, as_utc, local_today, to_local, utcnow
from tracker.core.database import chunks
from tracker.core.models import DataGeneration
from tracker.core.workdays import add_workdays, due_label, is_workday, workdays_between
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reminders import outbox
from tracker.reminders.models import EscalationPolicy, EscalationStep, Notification, StepCondition, StepTarget
from tracker.reminders.policies import all_policies, builtin_default
from tracker.tasks.due_periods import due_since_publication
from tracker.tasks.lights import refresh_lights
from tracker.tasks.models import (
    FILED_REPORT_STATES,
    CoordinationIssue,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    Review,
    ReviewDecision,
    Task,
    TaskStatus,
)

CATCH_UP_WORKDAYS = 10
# Slack around the window of due dates, in calendar days: covers a holiday run inside a count.
_WINDOW_SLACK = timedelta(days=12)
# A report in these states still owes the period's filing (a returned one has its own ladder).
_UNFILED = (ReportState.DRAFT,)
_MILESTONE_OPEN = (MilestoneStatus.PENDING, MilestoneStatus.RETURNED)
_TITLE_WIDTH = 24
# An item without a lead department (未明确牵头单位) has nobody to file or to remind: only the steps that
# do not go to a department fire for it, the office's 督办 (which then asks for a lead) and the listing.
NO_LEAD_TARGETS = (StepTarget.OFFICE, StepTarget.LEADER, StepTarget.SUPERVISION_REPORT)


@dataclass
class SweepResult:
    created: int = 0
    by_level: dict = field(default_factory=dict)
    by_channel: dict = field(default_factory=dict)
    settled: int = 0  # unread notices whose request was done meanwhile (see settle_done_notices)

    def as_json(self) -> dict:
        return {"created": self.created, "by_level": {str(k): v for k, v in sorted(self.by_level.items())},
                "by_channel": {str(k): v for k, v in self.by_channel.items()}, "settled": self.settled}


@dataclass(frozen=True)
class Point:
    """One firing of a step: the step, which repeat, its offset in working days and the day it falls on."""

    step: EscalationStep
    occurrence: int
    offset: int
    fires_on: date


@dataclass
class Due:
    """A subject whose step fires now, with what the notice must say."""

    subject_key: str
    point: Point
    department_id: int | None  # None: the item has no lead department (未明确牵头单位)
    task_id: int
    task_number: str
    task_title: str
    anchor: date
    due_on: date
    period_id: int | None = None
    period_label: str | None = None
    milestone_id: int | None = None
    milestone_text: str | None = None
    kind: str = "report"  # report, returned, milestone


# ---- when steps fire -------------------------------------------------------------------------

def fire_date(anchor: date, offset: int) -> date:
    if offset == 0:
        return anchor if is_workday(anchor) else add_workdays(anchor, -1)
    return add_workdays(anchor, offset)


def points_due(steps, anchor: date, today: date, horizon: date) -> list[Point]:
    """The step firing of each target that is the latest to have come due by `today` (see module doc)."""
    latest: dict[StepTarget, Point] = {}
    for step in steps:
        for occurrence in range(max(step.repeat_count or 1, 1)):
            offset = step.offset_workdays + occurrence * max(step.repeat_interval_workdays or 1, 1)
            fires_on = fire_date(anchor, offset)
            if not horizon <= fires_on <= today:
                continue
            point = Point(step, occurrence, offset, fires_on)
            best = latest.get(step.target)
            if best is None or (fires_on, offset, step.position) > (best.fires_on, best.offset, best.step.position):
                latest[step.target] = point
    return list(latest.values())


def _ladder(policy: EscalationPolicy, condition: StepCondition) -> list[EscalationStep]:
    return [step for step in policy.steps if step.condition == condition]


def _offset_span(policies, condition: StepCondition) -> tuple[int, int]:
    offsets = [0]
    for policy in policies:
        for step in _ladder(policy, condition):
            repeats = max(step.repeat_count or 1, 1) - 1
            offsets += [step.offset_workdays, step.offset_workdays + repeats * max(step.repeat_interval_workdays or 1, 1)]
    return min(offsets), max(offsets)


def anchor_window(policies, condition: StepCondition, today: date, horizon: date) -> tuple[date, date]:
    """Calendar days between which an anchor (due date, return day) may have a step firing now."""
    earliest, latest = _offset_span(policies, condition)
    return (add_workdays(horizon, -max(latest, 0)) - _WINDOW_SLACK,
            add_workdays(today, -min(earliest, 0)) + _WINDOW_SLACK)


class Policies:
    """The policies in force: each plan's own, else the default (stored, or as shipped)."""

    def __init__(self):
        stored = all_policies()
        self.own = {p.plan_id: p for p in stored if p.plan_id is not None}
        self.default = next((p for p in stored if p.plan_id is None), None) or builtin_default()

    def all(self) -> list[EscalationPolicy]:
        return [self.default, *self.own.values()]

    def for_plan(self, plan_id: int) -> EscalationPolicy:
        return self.own.get(plan_id, self.default)

    def plan_scope(self, policy: EscalationPolicy, column):
        """A condition limiting `column` (a plan id) to the plans `policy` governs."""
        if policy.plan_id is not None:
            return column == policy.plan_id
        return column.not_in(list(self.own)) if self.own else sa.true()


# ---- finding what is due ---------------------------------------------------------------------

def _subject(prefix: str, *parts) -> sa.ColumnElement:
    expression = sa.literal(prefix, sa.String) + sa.cast(parts[0], sa.String)
    for part in parts[1:]:
        expression = expression + ":" + sa.cast(part, sa.String)
    return expression


def _not_fired(subject: sa.ColumnElement, point: Point) -> sa.ColumnElement:
    """No notice of this step exists yet for the subject (probes the unique key's index)."""
    return ~sa.exists().where(Notification.subject_key == subject, Notification.step_key == point.step.key,
                              Notification.occurrence == point.occurrence)


def _report_dues(policies: Policies, today: date, horizon: date) -> list[Due]:
    """未报送: tasks of the periods in the window that have no filed report, per step firing now."""
    low, high = anchor_window(policies.all(), StepCondition.REPORT_NOT_SUBMITTED, today, horizon)
    periods = db.session.execute(
        sa.select(ReportingPeriod.id, ReportingPeriod.plan_id, ReportingPeriod.label, ReportingPeriod.due_on,
                  Plan.published_at)
        .join(Plan, Plan.id == ReportingPeriod.plan_id)
        .where(Plan.status == PlanStatus.PUBLISHED, ReportingPeriod.due_on.between(low, high))
    ).all()
    firing: dict[int, tuple[str, date, list[Point]]] = {}
    for period_id, plan_id, label, due_on, published_at in periods:
        if published_at is not None and due_on < local_today(published_at):
            continue  # fell due before the plan was published: nobody had the item yet
        points = points_due(_ladder(policies.for_plan(plan_id), StepCondition.REPORT_NOT_SUBMITTED), due_on,
                            today, horizon)
        if points:
            firing[period_id] = (label, due_on, points)
    # The unfiled tasks are read once for all the steps firing, not once per step.
    unfiled = []
    for ids in chunks(sorted(firing)):
        # The periods named again inside NOT EXISTS: PostgreSQL then reads only these periods' reports
        # (from ix_progress_reports_period_state_task alone) for its anti-join, not all million of them.
        filed = sa.exists().where(ProgressReport.task_id == Task.id, ProgressReport.period_id == ReportingPeriod.id,
                                  ProgressReport.period_id.in_(ids), ProgressReport.state.not_in(_UNFILED))
        # Status and lead are checked here rather than in SQL: as conditions they tempt SQLite into
        # walking every task by its status index instead of the few periods' plans.
        rows = db.session.execute(
            sa.select(Task.id, Task.reopen_count, Task.number, Task.title, Task.lead_department_id, Task.status,
                      ReportingPeriod.id)
            .select_from(ReportingPeriod)
            .join(Task, Task.plan_id == ReportingPeriod.plan_id)
            .where(ReportingPeriod.id.in_(ids), ~filed)
        )
        unfiled += [(f"report:{task_id}:{period_id}:{reopens}", task_id, number, title, department_id, period_id)
                    for task_id, reopens, number, title, department_id, status, period_id in rows
                    if status == TaskStatus.ACTIVE]
    # Most unfiled reports are late ones whose steps fired already: a Due is made only for what is left.
    fired = _fired_steps({row[0] for row in unfiled})
    dues = []
    for key, task_id, number, title, department_id, period_id in unfiled:
        label, due_on, points = firing[period_id]
        dues += [Due(key, point, department_id, task_id, number, title, due_on, due_on, period_id=period_id,
                     period_label=label)
                 for point in points if (key, point.step.key, point.occurrence) not in fired
                 and (department_id is not None or not _needs_lead(point.step))]
    return dues


def _anchor_groups(policies: Policies, condition: StepCondition, today: date, horizon: date) -> dict:
    """{(policy, step key, occurrence): (point per anchor day, policy)} for every day of the window."""
    low, high = anchor_window(policies.all(), condition, today, horizon)
    groups: dict[tuple, tuple[dict, EscalationPolicy]] = {}
    for policy in policies.all():
        steps = _ladder(policy, condition)
        if not steps:
            continue
        day = low
        while day <= high:
            for point in points_due(steps, day, today, horizon):
                key = (id(policy), point.step.key, point.occurrence)
                groups.setdefault(key, ({}, policy))[0][day] = point
            day += timedelta(days=1)
    return groups


def _needs_lead(step: EscalationStep) -> bool:
    """A step to the lead department's staff has nobody to reach on an item without one (NO_LEAD_TARGETS)."""
    return step.target not in NO_LEAD_TARGETS


def _milestone_dues(policies: Policies, today: date, horizon: date) -> list[Due]:
    """年度任务逾期: milestones past due that the department has neither submitted nor had approved."""
    dues = []
    subject = _subject("milestone:", Milestone.id, Milestone.return_count + Task.reopen_count)
    for by_day, policy in _anchor_groups(policies, StepCondition.MILESTONE_NOT_APPROVED, today, horizon).values():
        point = next(iter(by_day.values()))
        lead = Task.lead_department_id.is_not(None) if _needs_lead(point.step) else sa.true()
        rows = db.session.execute(
            sa.select(subject, Milestone.id, Milestone.text, Milestone.due_on, Task.id, Task.number, Task.title,
                      Task.lead_department_id)
            .join(Task, Task.id == Milestone.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Milestone.status.in_(_MILESTONE_OPEN), Milestone.due_on.in_(sorted(by_day)),
                   due_since_publication(Milestone.due_on),
                   Task.status == TaskStatus.ACTIVE, lead,
                   Plan.status == PlanStatus.PUBLISHED, policies.plan_scope(policy, Task.plan_id),
                   _not_fired(subject, point))
        )
        for key, milestone_id, text, due_on, task_id, number, title, department_id in rows:
            dues.append(Due(key, by_day[due_on], department_id, task_id, number, title, due_on, due_on,
                            milestone_id=milestone_id, milestone_text=text, kind="milestone"))
    return dues


def _returned_dues(policies: Policies, today: date, horizon: date) -> list[Due]:
    """退回未重报: reports returned (latest return in the window) and not filed again."""
    low, high = anchor_window(policies.all(), StepCondition.REPORT_RETURNED, today, horizon)
    # A report returned in the window has its latest return in it too: the window's returns, read by the
    # (decision, decided_at) index, are all the candidates.
    returns = (
        sa.select(Review.report_id, sa.func.max(Review.decided_at).label("returned_at"))
        .where(Review.decision == ReviewDecision.RETURNED,
               Review.decided_at >= datetime.combine(low, time(), LOCAL_TZ), Review.report_id.is_not(None))
        .group_by(Review.report_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ProgressReport.id, ProgressReport.return_count, returns.c.returned_at, ReportingPeriod.id,
                  ReportingPeriod.label, ReportingPeriod.due_on, Task.id, Task.plan_id, Task.number, Task.title,
                  Task.lead_department_id, Task.status, Plan.status)
        .select_from(returns)
        .join(ProgressReport, ProgressReport.id == returns.c.report_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .join(Task, Task.id == ProgressReport.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(ProgressReport.state == ReportState.RETURNED)
    ).all()
    candidates = []
    for (report_id, return_count, at, period_id, label, due_on, task_id, plan_id, number, title, department_id,
         task_status, plan_status) in rows:
        anchor = to_local(as_utc(at)).date()
        if anchor > high or task_status != TaskStatus.ACTIVE or plan_status != PlanStatus.PUBLISHED \
                or department_id is None:
            continue
        steps = _ladder(policies.for_plan(plan_id), StepCondition.REPORT_RETURNED)
        for point in points_due(steps, anchor, today, horizon):
            candidates.append(Due(f"returned:{report_id}:{return_count}", point, department_id, task_id, number,
                                  title, anchor, due_on, period_id=period_id, period_label=label, kind="returned"))
    fired = _fired_steps({due.subject_key for due in candidates})
    return [due for due in candidates if (due.subject_key, due.point.step.key, due.point.occurrence) not in fired]


def _fired_steps(subject_keys: set[str]) -> set[tuple[str, str, int]]:
    """(subject, step, occurrence) of every notice already made for these subjects, by the notices' unique key."""
    fired = set()
    for keys in chunks(sorted(subject_keys)):
        fired.update(tuple(row) for row in db.session.execute(
            sa.select(Notification.subject_key, Notification.step_key, Notification.occurrence)
            .where(Notification.subject_key.in_(keys))))
    return fired


def reminding_hours(now: datetime) -> tuple[date, date] | None:
    """(today, the horizon of catching up) when notices may go out at `now`; None on a day off or before hours."""
    local = to_local(now)
    today = local.date()
    if not is_workday(today) or local.hour < int(current_app.config.get("REMINDERS_FROM_HOUR", 8)):
        return None
    return today, add_workdays(today, -CATCH_UP_WORKDAYS)


def find_due(now: datetime) -> list[Due]:
    """Every (subject, step firing) due at `now` that has not fired yet; [] on a day off or before hours."""
    hours = reminding_hours(now)
    if hours is None:
        return []
    today, horizon = hours
    policies = Policies()
    return [*_report_dues(policies, today, horizon), *_returned_dues(policies, today, horizon),
            *_milestone_dues(policies, today, horizon)]


# ---- who receives it, and what it says ---------------------------------------------------------

def department_staff(department_ids: set[int]) -> dict[tuple[int, Role], list[int]]:
    """{(department id, liaison|head): [user ids]} of active users."""
    staff = defaultdict(list)
    for ids in chunks(sorted(department_ids)):
        for user_id, department_id, role in db.session.execute(
            sa.select(User.id, User.department_id, UserRole.role)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.department_id.in_(ids), User.is_active, UserRole.role.in_([Role.LIAISON, Role.HEAD]))
            .order_by(User.id)
        ):
            staff[(department_id, Role(role))].append(user_id)
    return staff


def office_staff(role: Role = Role.OFFICE) -> list[int]:
    """The active users of the office (or of another role above the departments, such as the leaders)."""
    return list(db.session.scalars(
        sa.select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.is_active, UserRole.role == role).order_by(User.id)))


def _short(text: str, width: int = _TITLE_WIDTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def item_name(number: str, title: str) -> str:
    """An item as a notice's title names it: its number and the start of its title."""
    return f"{number}{_short(title)}" if number else _short(title)


def _item(due: Due) -> str:
    return item_name(due.task_number, due.task_title)


_PREFIX = {StepTarget.OFFICE: "【督办】", StepTarget.LEADER: "【报领导】", StepTarget.SUPERVISION_REPORT: "【列入通报】"}


def wording(due: Due, today: date, department_name: str) -> tuple[str, str, int]:
    """(title, body, working days late) of the notice, in Chinese, naming the item, due date and lateness."""
    late = max(workdays_between(due.anchor, today), 0)
    target = due.point.step.target
    item = _item(due)
    due_text = due_label(due.due_on)
    if due.kind == "milestone":
        what = f"年度任务“{_short(due.milestone_text, 30)}”"
        state = f"已逾期{late}个工作日,尚未完成审核" if late else "今日到期,尚未完成审核"
        title = f"{_PREFIX.get(target, '【逾期提醒】')}{item}:年度任务逾期{late}个工作日"
    elif due.kind == "returned":
        what = f"{due.period_label}期进展报送(已被退回)"
        state = f"退回已{late}个工作日,尚未重新报送"
        title = f"{_PREFIX.get(target, '【退回待重报】')}{item}:{due.period_label}期报送退回{late}个工作日未重报"
    else:
        what = f"{due.period_label}期进展报送"
        if due.point.offset < 0:
            left = max(workdays_between(today, due.due_on), 1)
            state = f"距截止还有{left}个工作日,尚未报送"
            title = f"【提醒】{item}:{due.period_label}期报送将于{due_text}截止"
        elif late == 0:
            state = "今日截止,尚未报送" if today == due.due_on else f"截止日{due_text}不是工作日,请于今日报送"
            title = f"【今日截止】{item}:请报送{due.period_label}期进展"
        else:
            state = f"已逾期{late}个工作日,尚未报送"
            title = f"{_PREFIX.get(target, '【催办】')}{item}:{due.period_label}期报送已逾期{late}个工作日"
    lines = [
        f"事项:{due.task_number}{due.task_title}",
        f"牵头单位:{department_name or '未明确'}",
        f"内容:{what}",
        f"截止日期:{due_text}",
        f"状态:{state}。",
    ]
    if due.department_id is None:
        lines.append("该事项未明确牵头单位,无人可以报送,请办公室指定牵头单位。")
    if target == StepTarget.SUPERVISION_REPORT:
        lines.append("该事项将列入下一期督查通报。")
    return title[:300], "\n".join(lines), late


def _link(due: Due) -> str:
    if due.kind == "report" and due.period_id:
        return f"/tasks/{due.task_id}/periods/{due.period_id}/report"
    return f"/tasks/{due.task_id}"


def lock_order(row: dict) -> tuple:
    """Rows inserted in this order by every sweep lock the unique key in one order: no deadlock between two."""
    return row["subject_key"], row["step_key"], row["recipient_key"], row["occurrence"]


def notification_rows(dues: list[Due], now: datetime) -> list[dict]:
    """One row per recipient of each due step firing, sorted so concurrent sweeps lock in one order."""
    today = local_today(now)
    department_ids = {due.department_id for due in dues if due.department_id is not None}
    names = dict(db.session.execute(sa.select(Department.id, Department.name).where(
        Department.id.in_(sorted(department_ids)))).all()) if department_ids else {}
    staff = department_staff(department_ids) if department_ids else {}
    office = office_staff() if any(d.point.step.target == StepTarget.OFFICE for d in dues) else []
    leaders = office_staff(Role.LEADER) if any(d.point.step.target == StepTarget.LEADER for d in dues) else []
    rows = []
    for due in dues:
        target = due.point.step.target
        title, body, late = wording(due, today, names.get(due.department_id, ""))
        recipients = {
            StepTarget.LIAISON: lambda: staff.get((due.department_id, Role.LIAISON), []),
            StepTarget.HEAD: lambda: staff.get((due.department_id, Role.HEAD), []),
            StepTarget.OFFICE: lambda: office,
            StepTarget.LEADER: lambda: leaders,
            StepTarget.SUPERVISION_REPORT: lambda: [None],
        }[target]()
        for user_id in recipients:
            rows.append({
                "subject_key": due.subject_key, "step_key": due.point.step.key,
                "recipient_key": f"user:{user_id}" if user_id else "supervision_report",
                "occurrence": due.point.occurrence, "recipient_id": user_id, "task_id": due.task_id,
                "period_id": due.period_id, "milestone_id": due.milestone_id, "department_id": due.department_id,
                "escalation_level": due.point.step.escalation_level, "target": target, "title": title,
                "body": body, "link": _link(due), "due_on": due.due_on, "workdays_late": late,
                "created_at": now, "read_at": None,
            })
    rows.sort(key=lock_order)
    return rows


# ---- writing ---------------------------------------------------------------------------------

def insert_notifications(rows: list[dict]) -> list[sa.Row]:
    """INSERT … ON CONFLICT DO NOTHING: the rows this call created (others existed already), with their
    outbox.ENQUEUE_COLUMNS, so that nothing needs loading back."""
    table = Notification.__table__
    return bulk.insert_ignoring_duplicates(
        table, rows, ["subject_key", "step_key", "recipient_key", "occurrence"],
        [table.c[name] for name in outbox.ENQUEUE_COLUMNS])


# ---- 需协调事项 for the office ------------------------------------------------------------------

COORDINATION_STEP = "coordination_raised"


def coordination_rows(now: datetime) -> list[dict]:
    """A notice to each office user about each 需协调事项 raised (within the catch-up horizon) and still
    open that has none yet: the office hears of a problem without watching the list."""
    hours = reminding_hours(now)
    if hours is None:
        return []
    horizon = datetime.combine(hours[1], time(), LOCAL_TZ)
    subject = _subject("coordination:", CoordinationIssue.id)
    issues = db.session.execute(
        sa.select(subject, CoordinationIssue.text, CoordinationIssue.department_id, Task.id, Task.number,
                  Task.title, Department.name)
        .join(Task, Task.id == CoordinationIssue.task_id)
        .outerjoin(Department, Department.id == CoordinationIssue.department_id)
        .where(CoordinationIssue.resolved_at.is_(None), CoordinationIssue.raised_at >= horizon,
               ~sa.exists().where(Notification.subject_key == subject, Notification.step_key == COORDINATION_STEP))
    ).all()
    office = office_staff() if issues else []
    rows = []
    for key, text, department_id, task_id, number, title, department_name in issues:
        body = "\n".join([f"事项:{number}{title}", f"提出单位:{department_name or '未明确'}",
                          f"需协调解决的问题:{text}", "请在“需协调事项”中协调并填写结果。"])
        rows += [{"subject_key": key, "step_key": COORDINATION_STEP, "recipient_key": f"user:{user_id}",
                  "occurrence": 0, "recipient_id": user_id, "task_id": task_id, "period_id": None,
                  "milestone_id": None, "department_id": department_id, "escalation_level": 0,
                  "target": StepTarget.OFFICE, "title": f"【需协调】{item_name(number, title)}:{_short(text, 30)}"[:300],
                  "body": body, "link": "/tasks/coordination", "due_on": None, "workdays_late": 0,
                  "created_at": now, "read_at": None} for user_id in office]
    return rows


# ---- notices about something done ------------------------------------------------------------

def settle_done_notices(now: datetime) -> int:
    """Mark done (and read) every unread notice whose request was met since it went out: a period's report
    filed, a returned report filed again, a milestone submitted or approved, a 需协调事项 answered, an
    item closed. "今日截止,请报送" then no longer waits in the inbox after the report went in."""
    report_filed = sa.exists().where(ProgressReport.task_id == Notification.task_id,
                                     ProgressReport.period_id == Notification.period_id,
                                     ProgressReport.state.not_in(_UNFILED))
    refiled = sa.exists().where(ProgressReport.task_id == Notification.task_id,
                                ProgressReport.period_id == Notification.period_id,
                                ProgressReport.state.in_(FILED_REPORT_STATES))
    milestone_in = sa.exists().where(Milestone.id == Notification.milestone_id,
                                     Milestone.status.not_in(_MILESTONE_OPEN))
    answered = sa.exists().where(_subject("coordination:", CoordinationIssue.id) == Notification.subject_key,
                                 CoordinationIssue.resolved_at.is_not(None))
    closed = sa.exists().where(Task.id == Notification.task_id, Task.status == TaskStatus.CLOSED)
    done = sa.or_(
        sa.and_(Notification.subject_key.startswith("report:"), report_filed),
        sa.and_(Notification.subject_key.startswith("returned:"), refiled),
        sa.and_(Notification.subject_key.startswith("milestone:"), milestone_in),
        sa.and_(Notification.subject_key.startswith("coordination:"), answered),
        closed,
    )
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.read_at.is_(None), Notification.recipient_id.is_not(None), done)
        .values(done_at=now, read_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount


def sweep(now: datetime) -> SweepResult:
    """One pass: settle the notices whose request was met, create the notices due at `now` and their
    outbox rows; the caller commits."""
    now = as_utc(now)
    settled = settle_done_notices(now)
    rows = sorted(notification_rows(find_due(now), now) + coordination_rows(now), key=lock_order)
    notices = insert_notifications(rows)
    by_channel = {"inbox": 0, "email": 0, "webhook": 0}
    if notices:
        by_channel |= outbox.enqueue_deliveries(notices, now=now)
    listed = sum(1 for notice in notices if notice.target == StepTarget.SUPERVISION_REPORT)
    by_channel["supervision_report"] = listed
    return SweepResult(len(notices), dict(Counter(notice.escalation_level for notice in notices)), by_channel,
                       settled)


# ---- the lights ------------------------------------------------------------------------------

# An item's light depends on its data and on the day. The workflow refreshes an item's light whenever it
# changes the item, so refreshing all 30,000 every 15 minutes is needed only after the day has turned or
# the data changed some other way (a plan published, a milestone edited, a script): such writes move the
# LIGHTS_STALE counter (tracker.core.cache), so the sweep keeps, beside it, the day and counter of its
# last full refresh, and refreshes again only when either differs.
_LIGHTS_DAY = "lights_day"
_LIGHTS_GENERATION = "lights_generation"


def refresh_lights_when_stale(now: datetime) -> int | None:
    """Refresh every light unless nothing changed since the last full refresh; how many changed (None: skipped)."""
    today = local_today(now)
    stamp = dict(db.session.execute(sa.select(DataGeneration.name, DataGeneration.value).where(
        DataGeneration.name.in_([LIGHTS_STALE, _LIGHTS_DAY, _LIGHTS_GENERATION]))).all())
    stale = stamp.get(LIGHTS_STALE) or 0
    day = int(today.strftime("%Y%m%d"))
    if stamp.get(_LIGHTS_DAY) == day and stamp.get(_LIGHTS_GENERATION) == stale:
        return None
    changed = refresh_lights(now)
    # Should anyone commit a write that leaves lights stale meanwhile, the counter moves past the stamp
    # and the next pass refreshes once more.
    _stamp_lights(day, stale)
    return changed


def _stamp_lights(day: int, generation: int) -> None:
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DataGeneration.__table__)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["name"], set_={"value": statement.excluded.value}),
        [{"name": _LIGHTS_DAY, "value": day}, {"name": _LIGHTS_GENERATION, "value": generation}])


# Passes an area above the reminders adds to every sweep (the 督办单 escalation): app.extensions[SWEEP_PASSES]
# holds functions of the sweep's `now`, run in its transaction.
SWEEP_PASSES = "sweep_passes"


def run_sweep(now: datetime | None = None) -> SweepResult:
    """What the scheduler and `flask reminders sweep` do: refresh the lights if stale, then one pass, each committed."""
    now = as_utc(now or utcnow())
    refresh_lights_when_stale(now)
    db.session.commit()
    result = sweep(now)
    for extra in current_app.extensions.get(SWEEP_PASSES, ()):
        extra(now)
    db.session.commit()
    return result
