"""Which reporting periods matter today: for each published plan, the last one that fell due and the next one.

A period or a milestone (年度任务) that fell due before the plan was published is not owed: nobody had
the item yet. (A plan imported years after it was issued, like 003's 2018 deliverables, is tracked from
its publication on, not shown as thousands of working days late.)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.core.clock import local_today
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.tasks.models import ReportingPeriod


def due_since_publication(due_on) -> sa.ColumnElement[bool]:
    """SQL: `due_on` (a date column) falls on or after the day the item's plan was published (joined as Plan)."""
    return sa.or_(Plan.published_at.is_(None), due_on >= sa.func.date(Plan.published_at))


@dataclass(frozen=True)
class DuePeriods:
    last: ReportingPeriod | None  # the latest period whose due day has passed
    next: ReportingPeriod | None  # the period due today or next

    @property
    def ids(self) -> list[int]:
        return [p.id for p in (self.last, self.next) if p is not None]


def due_periods(today: date, plan_ids=None) -> dict[int, DuePeriods]:
    """{plan id: DuePeriods} for the published plans (or those of `plan_ids`, a collection or a subquery).

    One query, answering at most two rows per plan: the periods whose due day is the latest before
    `today` or the first from `today` on.
    """
    scope = [Plan.status == PlanStatus.PUBLISHED]
    if plan_ids is not None:
        scope.append(ReportingPeriod.plan_id.in_(plan_ids))

    def bound(aggregate, condition):
        return (sa.select(ReportingPeriod.plan_id, aggregate(ReportingPeriod.due_on).label("due_on"))
                .join(Plan, Plan.id == ReportingPeriod.plan_id).where(condition, *scope)
                .group_by(ReportingPeriod.plan_id))

    bounds = sa.union_all(bound(sa.func.max, ReportingPeriod.due_on < today),
                          bound(sa.func.min, ReportingPeriod.due_on >= today)).subquery()
    rows = db.session.execute(
        sa.select(ReportingPeriod, Plan.published_at)
        .join(bounds, sa.and_(bounds.c.plan_id == ReportingPeriod.plan_id, bounds.c.due_on == ReportingPeriod.due_on))
        .join(Plan, Plan.id == ReportingPeriod.plan_id)
        .order_by(ReportingPeriod.plan_id, ReportingPeriod.due_on, ReportingPeriod.id))
    last: dict[int, ReportingPeriod] = {}
    upcoming: dict[int, ReportingPeriod] = {}
    for period, published_at in rows:
        if period.due_on >= today:
            upcoming.setdefault(period.plan_id, period)
        elif published_at is None or period.due_on >= local_today(published_at):
            last[period.plan_id] = period
    return {plan_id: DuePeriods(last.get(plan_id), upcoming.get(plan_id)) for plan_id in {*last, *upcoming}}
