"""The figures of the supervision report (督查通报), for a reporting period (通报期).

Plain functions over a `Period` (a month `2025-03`, a quarter `2025-Q1` or a year `2025`) that
return dataclasses. The PDF, the office's and the leaders' dashboards all read them, so the figures
agree wherever they are shown. Every function runs a fixed number of statements whatever the size
of the data: the counting is done by the database.

What counts:

- a report is *due* (应报) for an item in the period when one of its plan's reporting periods
  (调度周期) ends within the period, the plan was published by its due day, and the item was not
  closed (销号) before the reporting period began; a report filed for it counts in any case;
- *on time* (按时报送): filed (报送) and not late; *late* (逾期报送): filed after the due day;
  *missing* (未报送): not filed and the due day has passed; *returned* (被退回): returned at least once;
- lights (红黄绿灯) are the current lights of the items in progress (在办): a closed item has none
  (as on the dashboard's plan rows); the light of an earlier period is the one its archived report
  recorded, when there is one.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.core.clock import LOCAL_TZ, local_today
from tracker.core.workdays import workdays_between
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reminders.models import Notification, StepTarget
from tracker.reports.models import ArchivedReport, ReportKind
from tracker.tasks.due_periods import due_since_publication
from tracker.tasks.models import (
    FILED_REPORT_STATES,
    CoordinationIssue,
    Indicator,
    IndicatorValue,
    Light,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReportingPeriod,
    Target,
    Task,
    TaskStatus,
)

_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


# ---- periods (通报期) -------------------------------------------------------------------------------


class PeriodError(ValueError):
    """A period label that cannot be read; the message says what is expected."""


@dataclass(frozen=True)
class Period:
    """A month, quarter or year: the span a supervision report covers."""

    label: str  # 2025-03, 2025-Q1 or 2025
    starts_on: date
    ends_on: date

    @property
    def kind(self) -> str:
        if "Q" in self.label:
            return "quarter"
        return "month" if "-" in self.label else "year"

    @property
    def title(self) -> str:
        """As the report's cover says it: 2025年3月, 2025年第一季度, 2025年."""
        year = self.starts_on.year
        if self.kind == "month":
            return _("%(year)s年%(month)s月", year=year, month=self.starts_on.month)
        if self.kind == "quarter":
            return _("%(year)s年第%(quarter)s季度", year=year, quarter=_QUARTER_NAMES[int(self.label[-1])])
        return _("%(year)s年", year=year)

    @property
    def start_moment(self) -> datetime:
        return datetime.combine(self.starts_on, time(), LOCAL_TZ)

    @property
    def end_moment(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.ends_on + timedelta(days=1), time(), LOCAL_TZ)

    def previous(self) -> Period:
        if self.kind == "month":
            return month_period(self.starts_on.year - (self.starts_on.month == 1), (self.starts_on.month - 2) % 12 + 1)
        if self.kind == "quarter":
            quarter = int(self.label[-1])
            year = self.starts_on.year - (quarter == 1)
            return quarter_period(year, (quarter - 2) % 4 + 1)
        return year_period(self.starts_on.year - 1)


def month_period(year: int, month: int) -> Period:
    return Period(f"{year}-{month:02d}", date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def quarter_period(year: int, quarter: int) -> Period:
    last = 3 * quarter
    return Period(f"{year}-Q{quarter}", date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1]))


def year_period(year: int) -> Period:
    return Period(str(year), date(year, 1, 1), date(year, 12, 31))


_LABEL = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$")


def parse_period(label: str) -> Period:
    """`2025-03`, `2025-Q1` or `2025` as a Period."""
    match = _LABEL.match((label or "").strip())
    if not match or not 1900 <= int(match.group(1)) <= 2999 or not 1 <= int(match.group(2) or 1) <= 12:
        raise PeriodError(_("通报期应写作 2025-03(月)、2025-Q1(季度)或 2025(年):%(label)s", label=label))
    year = int(match.group(1))
    if match.group(2):
        return month_period(year, int(match.group(2)))
    if match.group(3):
        return quarter_period(year, int(match.group(3)))
    return year_period(year)


def latest_closed_period(today: date | None = None) -> Period:
    """The last month that has ended: its reports are all due."""
    today = today or local_today()
    return month_period(today.year - (today.month == 1), (today.month - 2) % 12 + 1)


def resolve_period(label: str | None, today: date | None = None) -> Period:
    return parse_period(label) if label else latest_closed_period(today)


# ---- the figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A figure of this period beside the previous period's (None when unknown)."""

    value: int | float | None
    previous: int | float | None = None

    @property
    def change(self) -> int | float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)


@dataclass
class Counts:
    """What one department (or everyone) did in one period."""

    items: int = 0  # 牵头事项
    due: int = 0  # 应报
    on_time: int = 0  # 按时报送
    late: int = 0  # 逾期报送
    missing: int = 0  # 未报送
    returned: int = 0  # 被退回
    red: int = 0
    yellow: int = 0
    green: int = 0
    closed: int = 0  # 本期销号

    @property
    def on_time_rate(self) -> float | None:
        """按时报送率 in percent; None when nothing was due."""
        return round(100 * self.on_time / self.due, 1) if self.due else None

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Summary:
    """总体情况: this period's figures, each beside the previous period's."""

    period: Period
    previous_period: Period
    items: Figure
    due: Figure
    on_time: Figure
    late: Figure
    missing: Figure
    returned: Figure
    red: Figure
    yellow: Figure
    green: Figure
    closed: Figure
    on_time_rate: Figure


@dataclass
class DepartmentRow:
    """A line of the department table (单位报送情况), with its rank (排名)."""

    rank: int | None
    department_id: int
    name: str
    counts: Counts
    previous_rate: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        return self.counts.on_time_rate


@dataclass
class RedItem:
    """An item on the red list (红灯事项)."""

    task_id: int
    plan_title: str
    number: str
    title: str
    department: str | None
    reason: str
    overdue_since: date | None
    workdays_overdue: int | None


@dataclass
class TargetRow:
    """A quantitative target (量化目标) or plan indicator (指标) against its plan target."""

    kind: str  # "target" | "indicator"
    name: str
    plan_title: str
    task_number: str
    department: str | None
    reached: float | None
    target: float
    unit: str
    year: int | None

    @property
    def percent(self) -> float | None:
        if self.reached is None or not self.target:
            return None
        return round(100 * self.reached / self.target, 1)


@dataclass
class CoordinationRow:
    """需协调事项 for the joint meeting's agenda."""

    id: int
    task_id: int
    number: str
    title: str
    department: str | None
    text: str
    raised_at: datetime
    resolved: bool
    resolution: str = ""  # 协调结果, e.g. what the joint meeting decided and the items that came of it


@dataclass
class EscalatedRow:
    """An item the escalation ladder listed for the report (列入通报)."""

    task_id: int
    number: str
    title: str
    department: str | None
    reason: str
    due_on: date | None
    workdays_late: int


@dataclass
class Listing:
    """Some rows of a long list, and how many there are in all."""

    rows: list
    total: int

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)

    @property
    def rest(self) -> int:
        """How many were left out."""
        return self.total - len(self.rows)


@dataclass
class SupervisionFigures:
    """Everything the supervision report shows."""

    period: Period
    today: date
    summary: Summary
    departments: list[DepartmentRow]
    red: Listing
    targets: Listing
    coordination: Listing
    escalated: Listing
    extra: dict = field(default_factory=dict)


def _published():
    return Plan.status == PlanStatus.PUBLISHED


def _owed():
    """A report counts for an item and reporting period once filed, or when it was owed: the plan was
    published by the due day (due_periods.py's rule) and the item not closed before the period began."""
    published_by_due = due_since_publication(ReportingPeriod.due_on)
    still_open = sa.or_(Task.closed_at.is_(None), Task.closed_at >= ReportingPeriod.starts_on)
    return sa.or_(ProgressReport.id.is_not(None), sa.and_(published_by_due, still_open))


def _report_counts(period: Period, today: date) -> dict[tuple[int | None, int], Counts]:
    """{(lead department id, window): Counts of due reports} for the period (window 1) and the one before (0)."""
    previous = period.previous()
    filed = ProgressReport.state.in_(FILED_REPORT_STATES)
    # 1 for a reporting period ending in `period`, 0 for one ending in the period before.
    window = sa.case((ReportingPeriod.ends_on >= period.starts_on, 1), else_=0).label("window")

    def total(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    rows = db.session.execute(
        sa.select(Task.lead_department_id, window,
                  total(sa.or_(filed, ReportingPeriod.due_on < today)),
                  total(sa.and_(filed, ProgressReport.is_late.is_(False))),
                  total(sa.and_(filed, ProgressReport.is_late.is_(True))),
                  total(sa.and_(sa.or_(ProgressReport.id.is_(None), sa.not_(filed)), ReportingPeriod.due_on < today)),
                  total(ProgressReport.return_count > 0))
        .select_from(Task)
        .join(Plan, Plan.id == Task.plan_id)
        .join(ReportingPeriod, sa.and_(ReportingPeriod.plan_id == Task.plan_id,
                                       ReportingPeriod.ends_on >= previous.starts_on,
                                       ReportingPeriod.ends_on <= period.ends_on))
        .outerjoin(ProgressReport, sa.and_(ProgressReport.task_id == Task.id,
                                           ProgressReport.period_id == ReportingPeriod.id))
        .where(_published(), _owed())
        .group_by(Task.lead_department_id, window))
    return {(dept, win): Counts(due=due or 0, on_time=on_time or 0, late=late or 0, missing=missing or 0,
                                returned=returned or 0)
            for dept, win, due, on_time, late, missing, returned in rows}


def _task_counts(period: Period) -> dict[tuple[int | None, int], Counts]:
    """{(lead department id, window): Counts of items, lights and closures}."""
    previous = period.previous()

    def total(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    active = Task.status == TaskStatus.ACTIVE
    rows = db.session.execute(
        sa.select(Task.lead_department_id,
                  total(sa.or_(Task.closed_at.is_(None), Task.closed_at >= period.start_moment)),
                  total(sa.or_(Task.closed_at.is_(None), Task.closed_at >= previous.start_moment)),
                  total(sa.and_(active, Task.light == Light.RED)),
                  total(sa.and_(active, Task.light == Light.YELLOW)),
                  total(sa.and_(active, Task.light == Light.GREEN)),
                  total(sa.and_(Task.closed_at >= period.start_moment, Task.closed_at < period.end_moment)),
                  total(sa.and_(Task.closed_at >= previous.start_moment, Task.closed_at < previous.end_moment)))
        .join(Plan, Plan.id == Task.plan_id).where(_published())
        .group_by(Task.lead_department_id))
    counts = {}
    for dept, items, items_before, red, yellow, green, closed, closed_before in rows:
        counts[(dept, 1)] = Counts(items=items or 0, red=red or 0, yellow=yellow or 0, green=green or 0,
                                   closed=closed or 0)
        counts[(dept, 0)] = Counts(items=items_before or 0, closed=closed_before or 0)
    return counts


def department_counts(period: Period, today: date | None = None) -> dict[tuple[int | None, int], Counts]:
    """{(lead department id or None, window): Counts}; window 1 is `period`, 0 the period before.

    Two statements whatever the number of items and reports.
    """
    today = today or local_today()
    merged: dict[tuple[int | None, int], Counts] = {}
    for part in (_task_counts(period), _report_counts(period, today)):
        for key, counts in part.items():
            merged.setdefault(key, Counts()).add(counts)
    return merged


def _archived_lights(period: Period) -> dict:
    """The lights the period's latest archived supervision report recorded, if one was archived."""
    figures = db.session.scalar(
        sa.select(ArchivedReport.figures)
        .where(ArchivedReport.kind == ReportKind.SUPERVISION, ArchivedReport.period_label == period.label,
               ArchivedReport.department_id.is_(None))
        .order_by(ArchivedReport.generated_at.desc(), ArchivedReport.id.desc()).limit(1))
    return figures or {}


def summary(period: Period, today: date | None = None, counts: dict | None = None) -> Summary:
    """总体情况 with the previous period beside each figure."""
    counts = counts if counts is not None else department_counts(period, today)
    now, before = Counts(), Counts()
    for (_dept, window), part in counts.items():
        (now if window else before).add(part)
    lights_before = _archived_lights(period.previous())

    def figure(name, previous=None):
        return Figure(getattr(now, name), getattr(before, name) if previous is None else previous)

    return Summary(
        period=period, previous_period=period.previous(),
        items=figure("items"), due=figure("due"), on_time=figure("on_time"), late=figure("late"),
        missing=figure("missing"), returned=figure("returned"), closed=figure("closed"),
        red=Figure(now.red, lights_before.get("red")), yellow=Figure(now.yellow, lights_before.get("yellow")),
        green=Figure(now.green, lights_before.get("green")),
        on_time_rate=Figure(now.on_time_rate, before.on_time_rate),
    )


def _rank_key(row: DepartmentRow):
    counts = row.counts
    return (row.on_time_rate is None, -(row.on_time_rate or 0), counts.red, counts.missing + counts.late,
            counts.returned, row.name)


def department_table(period: Period, today: date | None = None, counts: dict | None = None) -> list[DepartmentRow]:
    """单位报送情况: every department leading an item, best first; equal figures share a rank.

    Ranked by on-time rate, then fewer red items, fewer late or missing reports, fewer returns.
    A department with nothing due is listed last, unranked.
    """
    counts = counts if counts is not None else department_counts(period, today)
    ids = {dept for dept, _window in counts if dept is not None}
    names = _department_names(ids)
    rows = [DepartmentRow(None, dept, names.get(dept, "?"), counts.get((dept, 1), Counts()),
                          counts.get((dept, 0), Counts()).on_time_rate) for dept in ids]
    rows = [row for row in rows if row.counts.items or row.counts.due]
    rows.sort(key=_rank_key)
    rank, previous_key = 0, None
    for position, row in enumerate(rows, 1):
        if row.on_time_rate is None:
            continue
        key = _rank_key(row)[:-1]
        if key != previous_key:
            rank, previous_key = position, key
        row.rank = rank
    return rows


def _department_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(sa.select(Department.id, Department.name).where(Department.id.in_(ids))).all())


def red_list(today: date | None = None, limit: int | None = None, department_id: int | None = None) -> Listing:
    """红灯事项: red items, longest overdue first, with the reason and working days overdue.

    Overdue since the earliest due day of a report not filed since the item's last filed report, or
    of a milestone not approved; an item red for another reason (returned twice, no lead department)
    shows no days.
    """
    today = today or local_today()
    scope = [_published(), Task.status == TaskStatus.ACTIVE, Task.light == Light.RED]
    if department_id is not None:
        scope.append(Task.lead_department_id == department_id)
    # Each red item's last filed report, computed once per item: as a correlated subquery inside the
    # unfiled one below, the database recomputed it for every reporting period of the plan (14 s of
    # a 16 s report on the benchmark's 5,000 red items).
    last_filed = (sa.select(ProgressReport.task_id, sa.func.max(ReportingPeriod.due_on).label("due_on"))
                  .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
                  .join(Task, Task.id == ProgressReport.task_id).join(Plan, Plan.id == Task.plan_id)
                  .where(*scope, ProgressReport.state.in_(FILED_REPORT_STATES))
                  .group_by(ProgressReport.task_id).subquery("last_filed"))
    unfiled = (sa.select(sa.func.min(ReportingPeriod.due_on))
               .where(ReportingPeriod.plan_id == Task.plan_id, ReportingPeriod.due_on < today,
                      sa.or_(last_filed.c.due_on.is_(None), ReportingPeriod.due_on > last_filed.c.due_on),
                      due_since_publication(ReportingPeriod.due_on))
               .correlate(Task, Plan, last_filed).scalar_subquery())
    milestone = (sa.select(sa.func.min(Milestone.due_on))
                 .where(Milestone.task_id == Task.id, Milestone.due_on < today,
                        Milestone.status != MilestoneStatus.APPROVED, due_since_publication(Milestone.due_on))
                 .correlate(Task, Plan).scalar_subquery())
    query = (sa.select(Task.id, Plan.title, Task.number, Task.title, Department.name, Task.light_reason,
                       unfiled.label("unfiled"), milestone.label("milestone"))
             .join(Plan, Plan.id == Task.plan_id).outerjoin(Department, Department.id == Task.lead_department_id)
             .outerjoin(last_filed, last_filed.c.task_id == Task.id)
             .where(*scope))
    items = []
    for task_id, plan_title, number, title, department, reason, unfiled_on, milestone_on in db.session.execute(query):
        owed = (_as_date(unfiled_on), _as_date(milestone_on)) if department is not None else ()
        since = min((d for d in owed if d is not None), default=None)
        items.append(RedItem(task_id, plan_title, number or "", title, department, reason or "", since, None))
    items.sort(key=lambda item: (item.overdue_since is None, item.overdue_since or today, item.task_id))
    shown = items[:limit] if limit is not None else items
    # Working days only for the rows shown, once per day: counting walks the calendar day by day.
    workdays = {}
    for item in shown:
        if item.overdue_since is not None:
            if item.overdue_since not in workdays:
                workdays[item.overdue_since] = workdays_between(item.overdue_since, today)
            item.workdays_overdue = workdays[item.overdue_since]
    return Listing(shown, len(items))


def _as_date(value) -> date | None:
    """A MIN() over a date column: SQLite hands back text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def target_progress(limit: int | None = None) -> Listing:
    """量化目标完成情况: each task target and plan indicator against its plan target, least reached first.

    A target no one has reported on yet comes after those reported.
    """
    targets = db.session.execute(
        sa.select(Target.name, Plan.title, Task.number, Department.name, Target.reached_value, Target.value,
                  Target.unit, Target.year)
        .join(Task, Task.id == Target.task_id).join(Plan, Plan.id == Task.plan_id)
        .outerjoin(Department, Department.id == Task.lead_department_id)
        .where(_published())).all()
    latest = (sa.select(IndicatorValue.indicator_id, sa.func.max(IndicatorValue.year).label("year"))
              .group_by(IndicatorValue.indicator_id).subquery())
    indicators = db.session.execute(
        sa.select(Indicator.name, Plan.title, Indicator.task_id, IndicatorValue.value, Indicator.target,
                  Indicator.unit, Indicator.target_year)
        .join(Plan, Plan.id == Indicator.plan_id)
        .outerjoin(latest, latest.c.indicator_id == Indicator.id)
        .outerjoin(IndicatorValue, sa.and_(IndicatorValue.indicator_id == Indicator.id,
                                           IndicatorValue.year == latest.c.year))
        .where(_published(), Indicator.target.is_not(None), Indicator.target != 0)).all()
    rows = [TargetRow("target", name, plan, number or "", department, reached, value, unit or "", year)
            for name, plan, number, department, reached, value, unit, year in targets]
    rows += [TargetRow("indicator", name, plan, "", None, value, target, unit or "", year)
             for name, plan, _task, value, target, unit, year in indicators]
    rows.sort(key=lambda row: (row.percent is None, row.percent or 0, row.name))
    return Listing(rows[:limit] if limit is not None else rows, len(rows))


def coordination_agenda(period: Period, limit: int | None = None) -> Listing:
    """需协调事项 for the joint meeting: raised by the period's end and open during it, open ones first."""
    query = (
        sa.select(CoordinationIssue.id, CoordinationIssue.task_id, Task.number, Task.title,
                  Department.name, CoordinationIssue.text, CoordinationIssue.raised_at,
                  CoordinationIssue.resolved_at, CoordinationIssue.resolution)
        .join(Task, Task.id == CoordinationIssue.task_id).join(Plan, Plan.id == Task.plan_id)
        .outerjoin(Department, Department.id == CoordinationIssue.department_id)
        .where(_published(), CoordinationIssue.raised_at < period.end_moment,
               sa.or_(CoordinationIssue.resolved_at.is_(None), CoordinationIssue.resolved_at >= period.start_moment))
        .order_by(CoordinationIssue.resolved_at.is_not(None), CoordinationIssue.raised_at, CoordinationIssue.id))
    issues = [CoordinationRow(i, task, number or "", title, department, text, raised, resolved is not None,
                              resolution or "")
              for i, task, number, title, department, text, raised, resolved, resolution in db.session.execute(query)]
    return Listing(issues[:limit] if limit is not None else issues, len(issues))


def escalated_items(period: Period, limit: int | None = None) -> Listing:
    """列入通报事项: items the escalation ladder listed for the report (target supervision_report), once each.

    Listed when the notice was created in the period or is about one of its reporting periods.
    """
    in_period = sa.select(ReportingPeriod.id).where(ReportingPeriod.ends_on >= period.starts_on,
                                                    ReportingPeriod.ends_on <= period.ends_on)
    latest = (sa.select(sa.func.max(Notification.id))
              .where(Notification.target == StepTarget.SUPERVISION_REPORT, Notification.task_id.is_not(None),
                     sa.or_(sa.and_(Notification.created_at >= period.start_moment,
                                    Notification.created_at < period.end_moment),
                            Notification.period_id.in_(in_period)))
              .group_by(Notification.task_id))
    rows = db.session.execute(
        sa.select(Notification.task_id, Task.number, Task.title, Department.name, Notification.title,
                  Notification.due_on, Notification.workdays_late)
        .join(Task, Task.id == Notification.task_id).join(Plan, Plan.id == Task.plan_id)
        .outerjoin(Department, Department.id == Task.lead_department_id)
        .where(Notification.id.in_(latest), _published())
        .order_by(Notification.workdays_late.desc(), Notification.task_id)).all()
    items = [EscalatedRow(task, number or "", title, department, reason, due_on, late or 0)
             for task, number, title, department, reason, due_on, late in rows]
    return Listing(items[:limit] if limit is not None else items, len(items))


def supervision_figures(period: Period, today: date | None = None, list_limit: int | None = None) -> SupervisionFigures:
    """Everything the supervision report shows, in a fixed number of statements."""
    today = today or local_today()
    counts = department_counts(period, today)
    return SupervisionFigures(
        period=period, today=today,
        summary=summary(period, today, counts),
        departments=department_table(period, today, counts),
        red=red_list(today, list_limit),
        targets=target_progress(list_limit),
        coordination=coordination_agenda(period, list_limit),
        escalated=escalated_items(period, list_limit),
    )


def lights_snapshot(figures: SupervisionFigures) -> dict:
    """What an archived report records so the next period's report can compare lights."""
    s = figures.summary
    return {"red": s.red.value, "yellow": s.yellow.value, "green": s.green.value, "items": s.items.value,
            "on_time_rate": s.on_time_rate.value}
