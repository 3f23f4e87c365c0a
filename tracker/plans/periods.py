"""Reporting periods (调度周期) and milestone due dates (年度任务) of a plan.

The office sets each plan's cycle: monthly (label 2025-03), quarterly (2025-Q1) or given dates
(2025-06-30), with the day of the month reports are due. `period_specs` and `milestone_specs` are
pure; `sync_periods` writes the rows.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.extensions import db
from tracker.plans.models import Plan, ReportingCycle
from tracker.tasks.models import Contribution, ProgressReport, ReportingPeriod


@dataclass(frozen=True)
class PeriodSpec:
    label: str
    starts_on: date
    ends_on: date
    due_on: date


@dataclass(frozen=True)
class MilestoneSpec:
    year: int | None
    due_on: date
    is_recurring: bool


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _due_in_month(year: int, month: int, due_day: int) -> date:
    """The due day in that month; 31 in a 30-day month (or 29 in February) falls on the month's last day."""
    return date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


def period_specs(cycle: ReportingCycle, years: range, due_day: int = 25, dates=()) -> list[PeriodSpec]:
    """Every period of the plan's years, in order.

    Monthly and quarterly reports are due on `due_day` of the period's (last) month; for given dates
    each date closes a period that began the day after the previous one (the first on 1 January).
    """
    if cycle == ReportingCycle.MONTHLY:
        return [
            PeriodSpec(f"{y}-{m:02d}", date(y, m, 1), _month_end(y, m), _due_in_month(y, m, due_day))
            for y in years for m in range(1, 13)
        ]
    if cycle == ReportingCycle.QUARTERLY:
        return [
            PeriodSpec(f"{y}-Q{q}", date(y, 3 * q - 2, 1), _month_end(y, 3 * q), _due_in_month(y, 3 * q, due_day))
            for y in years for q in range(1, 5)
        ]
    specs, starts_on = [], None
    for day in sorted(set(dates)):
        starts_on = starts_on or date(min([*years[:1], day.year]), 1, 1)
        specs.append(PeriodSpec(day.isoformat(), starts_on, day, day))
        starts_on = date.fromordinal(day.toordinal() + 1)
    return specs


def milestone_specs(deliverable: dict, years: range) -> list[MilestoneSpec]:
    """When one deliverable is due: its `due_on` if the office set one, else the end of its year.

    A recurring deliverable (每年…) is due at the end of every plan year; one with no year at all at
    the end of the plan.
    """
    if deliverable.get("due_on"):
        due_on = date.fromisoformat(deliverable["due_on"])
        return [MilestoneSpec(deliverable.get("year") or due_on.year, due_on, False)]
    if deliverable.get("recurring") and years:
        return [MilestoneSpec(year, date(year, 12, 31), True) for year in years]
    year = deliverable.get("year") or (years[-1] if years else None)
    if year is None:
        return []
    return [MilestoneSpec(year, date(year, 12, 31), False)]


def plan_years(plan: Plan) -> range:
    if plan.start_year and plan.end_year and plan.start_year <= plan.end_year:
        return range(plan.start_year, plan.end_year + 1)
    year = plan.end_year or plan.start_year
    return range(year, year + 1) if year else range(0)


def plan_period_specs(plan: Plan) -> list[PeriodSpec]:
    dates = [date.fromisoformat(d) for d in plan.reporting_dates or ()]
    return period_specs(plan.reporting_cycle, plan_years(plan), plan.reporting_due_day, dates)


def sync_periods(plan: Plan) -> list[ReportingPeriod]:
    """Make the plan's periods those of its settings.

    A period that already holds a report or contribution is history and stays, whatever the new
    cycle; a period kept by label only has its dates updated.
    """
    wanted = {spec.label: spec for spec in plan_period_specs(plan)}
    existing = db.session.scalars(sa.select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)).all()
    used = _periods_with_work([p.id for p in existing])
    for period in existing:
        spec = wanted.pop(period.label, None)
        if spec is not None:
            period.starts_on, period.ends_on, period.due_on = spec.starts_on, spec.ends_on, spec.due_on
        elif period.id not in used:
            db.session.delete(period)
    for spec in wanted.values():
        db.session.add(ReportingPeriod(plan=plan, label=spec.label, starts_on=spec.starts_on,
                                       ends_on=spec.ends_on, due_on=spec.due_on))
    db.session.flush()
    return db.session.scalars(
        sa.select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id).order_by(ReportingPeriod.starts_on)
    ).all()


def _periods_with_work(period_ids: list[int]) -> set[int]:
    if not period_ids:
        return set()
    reported = sa.select(ProgressReport.period_id).where(ProgressReport.period_id.in_(period_ids))
    contributed = sa.select(Contribution.period_id).where(Contribution.period_id.in_(period_ids))
    return set(db.session.scalars(sa.union(reported, contributed)))
