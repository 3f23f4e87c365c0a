"""What the leader's dashboard adds to the supervision figures: a score that ranks the departments by more
than filing on time, and the months' trend; both for every department or only those a leader is in
charge of (分管).

The score's inputs that the supervision report also shows (reports due, filed on time, returned) come from
`figures.department_counts`, so the two pages never disagree on them; the rest (days late, targets
reached, co-responsible work) are counted here. SCORE_RULE is the rule as the page states it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tracker.core.clock import to_local
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reports import figures
from tracker.reports.figures import Counts, Period
from tracker.tasks.due_periods import due_since_publication
from tracker.tasks.models import (
    FILED_REPORT_STATES,
    AssignmentRole,
    Contribution,
    ContributionState,
    ProgressReport,
    ReportingPeriod,
    Target,
    Task,
    TaskAssignment,
)

ON_TIME_POINTS = 40
TARGET_POINTS = 30
CO_WORK_POINTS = 30
POINTS_PER_DAY_LATE = 0.5
MOST_FOR_LATENESS = 20
POINTS_PER_RETURN = 2
MOST_FOR_RETURNS = 10
TREND_MONTHS = 12

SCORE_RULE = (
    _l("按时报送(权重 %(points)s):按时报送数 ÷ 应报数", points=ON_TIME_POINTS),
    _l("目标完成(权重 %(points)s):牵头事项各量化目标完成值 ÷ 目标值(超过按 100%%)的平均", points=TARGET_POINTS),
    _l("配合工作(权重 %(points)s):作为配合单位已提交的配合材料 ÷ 应提交数", points=CO_WORK_POINTS),
    _l("得分 = 本期适用各项的加权平均 × 100(没有应报、量化目标或配合任务的项不计入),再减扣分;三项都没有的单位不排名"),
    _l("逾期扣分:逾期报送和未报送每逾期 1 天扣 %(points)s 分,最多扣 %(most)s 分", points=POINTS_PER_DAY_LATE,
       most=MOST_FOR_LATENESS),
    _l("退回扣分:每次被审核退回扣 %(points)s 分,最多扣 %(most)s 分", points=POINTS_PER_RETURN, most=MOST_FOR_RETURNS),
)


@dataclass
class DepartmentScore:
    """A department's line of the leader's ranking (综合排名)."""

    department_id: int
    name: str
    counts: Counts
    days_late: int = 0
    returns: int = 0  # every return, not only the reports returned at least once
    target_share: float | None = None  # 0–1, None without targets
    co_owed: int = 0
    co_done: int = 0
    rank: int | None = None

    @property
    def score(self) -> float | None:
        """Out of 100; None when nothing applies (no report due, no target, no contribution owed)."""
        c = self.counts
        parts = [(weight, share) for weight, share in (
            (ON_TIME_POINTS, c.on_time / c.due if c.due else None),
            (TARGET_POINTS, self.target_share),
            (CO_WORK_POINTS, self.co_done / self.co_owed if self.co_owed else None)) if share is not None]
        if not parts:
            return None
        weighted = 100 * sum(weight * share for weight, share in parts) / sum(weight for weight, _share in parts)
        late = min(MOST_FOR_LATENESS, POINTS_PER_DAY_LATE * self.days_late)
        returns = min(MOST_FOR_RETURNS, POINTS_PER_RETURN * self.returns)
        return round(max(0.0, weighted - late - returns), 1)


def _in_period(period: Period):
    return sa.and_(ReportingPeriod.ends_on >= period.starts_on, ReportingPeriod.ends_on <= period.ends_on)


def _lateness(period: Period, today) -> dict[int, tuple[int, int]]:
    """{lead department: (days late, returns)} of the reports due in `period`: a late report counts the days
    from its due day to its filing, a missing one the days to today."""
    filed = ProgressReport.state.in_(FILED_REPORT_STATES)
    rows = db.session.execute(
        sa.select(Task.lead_department_id, ReportingPeriod.due_on, filed, ProgressReport.is_late,
                  ProgressReport.submitted_at, ProgressReport.return_count)
        .join(Plan, Plan.id == Task.plan_id)
        .join(ReportingPeriod, sa.and_(ReportingPeriod.plan_id == Task.plan_id, _in_period(period)))
        .outerjoin(ProgressReport, sa.and_(ProgressReport.task_id == Task.id,
                                           ProgressReport.period_id == ReportingPeriod.id))
        .where(Plan.status == PlanStatus.PUBLISHED, Task.lead_department_id.is_not(None), figures._owed()))
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for department_id, due_on, is_filed, is_late, submitted_at, return_count in rows:
        if is_filed and is_late and submitted_at is not None:
            found[department_id][0] += max((to_local(submitted_at).date() - due_on).days, 1)
        elif not is_filed and due_on < today:
            found[department_id][0] += (today - due_on).days
        found[department_id][1] += return_count or 0
    return {department_id: (days, returns) for department_id, (days, returns) in found.items()}


def _target_shares(period: Period) -> dict[int, float]:
    """{lead department: the mean share reached of its items' targets up to the period's year}."""
    rows = db.session.execute(
        sa.select(Task.lead_department_id, Target.reached_value, Target.value)
        .join(Task, Task.id == Target.task_id).join(Plan, Plan.id == Task.plan_id)
        .where(Plan.status == PlanStatus.PUBLISHED, Task.lead_department_id.is_not(None), Target.value > 0,
               sa.or_(Target.year.is_(None), Target.year <= period.ends_on.year)))
    shares: dict[int, list[float]] = defaultdict(list)
    for department_id, reached, value in rows:
        shares[department_id].append(min((reached or 0) / value, 1.0))
    return {department_id: sum(values) / len(values) for department_id, values in shares.items()}


def _co_work(period: Period, today) -> dict[int, tuple[int, int]]:
    """{co-responsible department: (contributions owed, submitted)} for the reporting periods due in `period`."""
    submitted = sa.exists().where(Contribution.task_id == Task.id, Contribution.period_id == ReportingPeriod.id,
                                  Contribution.department_id == TaskAssignment.department_id,
                                  Contribution.state == ContributionState.SUBMITTED)
    rows = db.session.execute(
        sa.select(TaskAssignment.department_id, sa.func.count(),
                  sa.func.sum(sa.case((submitted, 1), else_=0)))
        .join(Task, Task.id == TaskAssignment.task_id).join(Plan, Plan.id == Task.plan_id)
        .join(ReportingPeriod, sa.and_(ReportingPeriod.plan_id == Task.plan_id, _in_period(period)))
        .where(Plan.status == PlanStatus.PUBLISHED, TaskAssignment.role == AssignmentRole.CO,
               ReportingPeriod.due_on < today, due_since_publication(ReportingPeriod.due_on),
               sa.or_(Task.closed_at.is_(None), Task.closed_at >= ReportingPeriod.starts_on))
        .group_by(TaskAssignment.department_id))
    return {department_id: (owed, done or 0) for department_id, owed, done in rows}


def department_scores(period: Period, today, department_ids=None) -> list[DepartmentScore]:
    """综合排名: every department leading an item or co-responsible for one (or those of `department_ids`),
    best score first; equal scores share a rank; those without a score last, unranked."""
    counts = figures.department_counts(period, today)
    lateness, shares, co_work = _lateness(period, today), _target_shares(period), _co_work(period, today)
    ids = {d for d, window in counts if d is not None and window == 1} | set(co_work)
    if department_ids is not None:
        ids &= set(department_ids)
    names = dict(db.session.execute(sa.select(Department.id, Department.name).where(Department.id.in_(ids))).all())
    rows = []
    for department_id in ids:
        row = DepartmentScore(department_id, names.get(department_id, "?"), counts.get((department_id, 1), Counts()),
                              *lateness.get(department_id, (0, 0)), shares.get(department_id),
                              *co_work.get(department_id, (0, 0)))
        if row.counts.items or row.counts.due or row.co_owed:
            rows.append(row)
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.name))
    for position, row in enumerate(rows, 1):
        if row.score is not None:
            same = position > 1 and rows[position - 2].score == row.score
            row.rank = rows[position - 2].rank if same else position
    return rows


@dataclass(frozen=True)
class MonthPoint:
    period: Period
    due: int
    on_time: int
    late: int
    missing: int

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None


def monthly_trend(today, department_ids=None, months: int = TREND_MONTHS) -> list[MonthPoint]:
    """按月趋势: the reports due, on time, late and missing of each of the last `months` months up to the
    current one, for every department or those of `department_ids`; the supervision report's counts."""
    year, month = today.year, today.month
    points = []
    for _ in range(months):
        period = figures.month_period(year, month)
        total = Counts()
        for (department_id, window), part in figures.department_counts(period, today).items():
            if window == 1 and (department_ids is None or department_id in department_ids):
                total.add(part)
        points.append(MonthPoint(period, total.due, total.on_time, total.late, total.missing))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return points[::-1]
