"""红黄绿灯: the traffic light of every item, by rules kept here as data and shown to users as written.

An item is red if any red rule holds, else yellow if any yellow rule holds, else green. A closed item
(已销号) is green. `refresh_lights` stores the result on each task (light, light_reason) with a fixed
number of queries whatever the number of tasks; the workflow calls it for one task after each change
and the scheduler for all of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from tracker.audit.services import record
from tracker.core.cache import note_lights_kept
from tracker.core.clock import local_today
from tracker.core.database import chunks
from tracker.core.workdays import add_workdays
from tracker.extensions import db
from tracker.i18n import format_day
from tracker.plans.models import Plan, PlanStatus
from tracker.tasks.due_periods import DuePeriods, due_periods, due_since_publication
from tracker.tasks.models import (
    FILED_REPORT_STATES,
    Light,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ProgressStatus,
    ReportState,
    Task,
    TaskStatus,
)

DUE_SOON_WORKDAYS = 3
RETURNS_FOR_RED = 2
# Percentage points a reported percentage may trail the time elapsed before the item counts as behind.
SCHEDULE_TOLERANCE = 10


@dataclass(frozen=True)
class LightRule:
    code: str
    light: Light
    description: str  # what the rules page says, translated
    reason: str  # what the item stores, in Chinese like the plans themselves
    shown: str  # the stored reason as a reader reads it: `reason` with %(name)s, through the catalogue


RULES = (
    LightRule("no_lead", Light.RED, _l("尚未明确牵头单位:无人负责报送,需由办公室指定"),
              "未明确牵头单位,请办公室指定", _l("未明确牵头单位,请办公室指定")),
    LightRule("report_overdue", Light.RED, _l("上一期报送已过截止日,仍未报送"),
              "{period}期报送逾期(截止{due})", _l("%(period)s期报送逾期(截止%(due)s)")),
    LightRule("milestone_overdue", Light.RED, _l("年度任务已过完成期限,仍未通过审核"),
              "年度任务逾期未通过审核(期限{due})", _l("年度任务逾期未通过审核(期限%(due)s)")),
    LightRule("returned_twice", Light.RED,
              _l("同一期报送被审核退回 %(count)s 次及以上,仍未通过", count=RETURNS_FOR_RED),
              "{period}期报送已被退回{count}次", _l("%(period)s期报送已被退回%(count)s次")),
    LightRule("report_due_soon", Light.YELLOW,
              _l("本期报送将在 %(days)s 个工作日内截止,尚未报送", days=DUE_SOON_WORKDAYS),
              "{period}期报送将于{due}截止,尚未报送", _l("%(period)s期报送将于%(due)s截止,尚未报送")),
    LightRule("reported_lagging", Light.YELLOW, _l("责任单位报送的进展状态为“滞后”"), "单位自报进展滞后",
              _l("单位自报进展滞后")),
    LightRule("behind_schedule", Light.YELLOW,
              _l("完成百分比落后于时间进度 %(points)s 个百分点以上(时间进度:从方案起始年1月1日到事项期限或方案末年年底)",
                 points=SCHEDULE_TOLERANCE),
              "完成{percent}%,落后于时间进度{expected}%", _l("完成%(percent)s%%,落后于时间进度%(expected)s%%")),
)
GREEN_DESCRIPTION = _l("以上情况都没有,或事项已销号")
_BY_CODE = {rule.code: rule for rule in RULES}


def _stored_pattern(reason: str) -> re.Pattern:
    """A rule's stored wording as a pattern that reads its values back ({period} → (?P<period>…))."""
    parts = re.split(r"\{(\w+)\}", reason)
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                              for index, part in enumerate(parts)) + "$")


_STORED = [(rule, _stored_pattern(rule.reason)) for rule in RULES]


def reason_text(stored: str | None) -> str:
    """A stored light reason in the reader's language, its dates as his locale writes them; a reason no rule
    wrote (an older wording) is shown as stored."""
    for rule, pattern in _STORED:
        match = pattern.match(stored or "")
        if match:
            values = {name: _shown_value(value) for name, value in match.groupdict().items()}
            return str(rule.shown) % values
    return stored or ""


def _shown_value(value: str) -> str:
    try:
        return format_day(date.fromisoformat(value))
    except ValueError:
        return value


@dataclass
class TaskFacts:
    """What the rules look at for one task."""

    id: int
    plan_id: int
    status: TaskStatus
    progress_status: ProgressStatus | None
    percent_complete: int | None
    due_on: date | None
    start_year: int | None
    end_year: int | None
    light: Light
    light_reason: str | None
    lead_department_id: int | None


def _reason(code: str, **values) -> tuple[Light, str]:
    rule = _BY_CODE[code]
    return rule.light, rule.reason.format(**values)


def expected_percent(facts: TaskFacts, today: date) -> int | None:
    """The share of the item's time that has passed, in percent; None when the plan has no years."""
    if not facts.start_year:
        return None
    start = date(facts.start_year, 1, 1)
    end = facts.due_on or date(facts.end_year or facts.start_year, 12, 31)
    if end <= start:
        return None
    elapsed = min(max((today - start).days, 0), (end - start).days)
    return round(100 * elapsed / (end - start).days)


def judge(facts: TaskFacts, periods: DuePeriods | None, reports: dict, overdue_milestone: date | None,
          today: date, soon: date) -> list[tuple[Light, str]]:
    """Every rule that holds for one task, as (light, reason); pure, so each rule can be tested alone."""
    if facts.status == TaskStatus.CLOSED:
        return []
    if facts.lead_department_id is None:
        # Nobody can file its reports or submit its deliverables: what it lacks is an owner, not diligence.
        return [_reason("no_lead")]
    found = []
    periods = periods or DuePeriods(None, None)
    for period in (periods.last, periods.next):
        report = reports.get((facts.id, period.id)) if period else None
        if report is not None and report[1] >= RETURNS_FOR_RED and report[0] != ReportState.APPROVED:
            found.append(_reason("returned_twice", period=period.label, count=report[1]))
    last, upcoming = periods.last, periods.next
    if last is not None and not _filed(reports.get((facts.id, last.id))):
        found.append(_reason("report_overdue", period=last.label, due=last.due_on.isoformat()))
    if overdue_milestone is not None:
        found.append(_reason("milestone_overdue", due=overdue_milestone.isoformat()))
    if upcoming is not None and upcoming.due_on <= soon and not _filed(reports.get((facts.id, upcoming.id))):
        found.append(_reason("report_due_soon", period=upcoming.label, due=upcoming.due_on.isoformat()))
    if facts.progress_status == ProgressStatus.LAGGING:
        found.append(_reason("reported_lagging"))
    expected = expected_percent(facts, today)
    if facts.percent_complete is not None and expected is not None \
            and facts.percent_complete + SCHEDULE_TOLERANCE < expected:
        found.append(_reason("behind_schedule", percent=facts.percent_complete, expected=expected))
    return found


def _filed(report) -> bool:
    return report is not None and report[0] in FILED_REPORT_STATES


def light_of(found: list[tuple[Light, str]]) -> tuple[Light, str | None]:
    for light in (Light.RED, Light.YELLOW):
        reasons = [reason for rule_light, reason in found if rule_light == light]
        if reasons:
            return light, "；".join(reasons)[:300]
    return Light.GREEN, None


def _task_facts(task_ids) -> list[TaskFacts]:
    query = (
        sa.select(Task.id, Task.plan_id, Task.status, Task.progress_status, Task.percent_complete, Task.due_on,
                  Plan.start_year, Plan.end_year, Task.light, Task.light_reason, Task.lead_department_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.status == PlanStatus.PUBLISHED)
    )
    if task_ids is not None:
        query = query.where(Task.id.in_(task_ids))
    return [TaskFacts(*row) for row in db.session.execute(query)]


def _reports(period_ids: list[int], task_ids) -> dict:
    """{(task id, period id): (state, return count)} for the periods that matter today."""
    if not period_ids:
        return {}
    query = sa.select(ProgressReport.task_id, ProgressReport.period_id, ProgressReport.state,
                      ProgressReport.return_count).where(ProgressReport.period_id.in_(period_ids))
    if task_ids is not None:
        query = query.where(ProgressReport.task_id.in_(task_ids))
    return {(t, p): (state, returns) for t, p, state, returns in db.session.execute(query)}


def _overdue_milestones(today: date, task_ids) -> dict[int, date]:
    """{task id: the earliest due day} of milestones past due and not approved (and owed: due_periods.py)."""
    query = (
        sa.select(Milestone.task_id, sa.func.min(Milestone.due_on))
        .join(Task, Task.id == Milestone.task_id).join(Plan, Plan.id == Task.plan_id)
        .where(Milestone.due_on < today, Milestone.status != MilestoneStatus.APPROVED,
               due_since_publication(Milestone.due_on))
        .group_by(Milestone.task_id)
    )
    if task_ids is not None:
        query = query.where(Milestone.task_id.in_(task_ids))
    return dict(db.session.execute(query).all())


def compute_lights(now: datetime, task_ids=None) -> tuple[list[TaskFacts], dict[int, tuple[Light, str | None]]]:
    """The facts of the tasks of published plans (or of `task_ids`) and {task id: (light, reason)}."""
    today = local_today(now)
    soon = add_workdays(today, DUE_SOON_WORKDAYS)
    facts = _task_facts(task_ids)
    periods = due_periods(today, {f.plan_id for f in facts} if task_ids is not None else None)
    period_ids = [pid for p in periods.values() for pid in p.ids]
    reports = _reports(period_ids, task_ids)
    milestones = _overdue_milestones(today, task_ids)
    return facts, {
        f.id: light_of(judge(f, periods.get(f.plan_id), reports, milestones.get(f.id), today, soon))
        for f in facts
    }


def refresh_lights(now: datetime, task_ids=None) -> int:
    """Recompute and store the light of every task (or of `task_ids`); how many changed.

    The change is written with a plain UPDATE: a light is derived, so it neither bumps the task's
    version (which would fail someone else's save of the task) nor waits for one. Each change is
    audited so an item's history shows when and why it turned red.
    """
    task_ids = list(task_ids) if task_ids is not None else None
    note_lights_kept(db.session())
    facts, lights = compute_lights(now, task_ids)
    changed = {f.id: lights[f.id] for f in facts if (f.light, f.light_reason) != lights[f.id]}
    if not changed:
        return 0
    table = Task.__table__
    db.session.execute(
        table.update().where(table.c.id == sa.bindparam("task_id")).values(
            light=sa.bindparam("new_light"), light_reason=sa.bindparam("new_reason")),
        # In id order, so that two sweeps refreshing at once lock rows in the same order (no deadlock).
        [{"task_id": tid, "new_light": changed[tid][0], "new_reason": changed[tid][1]} for tid in sorted(changed)],
    )
    before = {f.id: {"light": f.light, "light_reason": f.light_reason} for f in facts if f.id in changed}
    ids = sorted(changed)
    for some in chunks(ids):
        for task in db.session.scalars(sa.select(Task).where(Task.id.in_(some))):
            light, reason = changed[task.id]
            set_committed_value(task, "light", light)
            set_committed_value(task, "light_reason", reason)
            record("task.light_changed", task, before=before[task.id], after={"light": light, "light_reason": reason},
                   task_id=task.id, plan_id=task.plan_id, now=now)
    return len(changed)
