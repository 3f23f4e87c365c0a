"""The office's dashboard (办公室总览) and the leader's (领导驾驶舱): the supervision report's figures
(tracker.reports.figures) and charts (tracker.reports.charts) as a page, by plan and by department.

Read-only pages: nothing here changes data, so a leader may look at everything and touch nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.core.clock import local_today
from tracker.dashboards.leader import leader_panels
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reports import charts, figures
from tracker.reports.archive import archive_list
from tracker.reports.models import ReportKind
from tracker.supervision import queries as supervision_queries
from tracker.tasks import labels
from tracker.tasks.models import (
    FILED_REPORT_STATES,
    Light,
    ProgressReport,
    ReportingPeriod,
    Task,
    TaskStatus,
)
from tracker.tasks.permissions import Action, can, require

bp = Blueprint("overview", __name__)

LIST_LIMIT = 15
CHART_DEPARTMENTS = 20
CHART_TARGETS = 10
NARROW_CHART_WIDTH, NARROW_LABEL_WIDTH = 320, 90


@dataclass
class PlanRow:
    """One plan's line on the office's dashboard (按方案)."""

    plan_id: int
    title: str
    items: int = 0
    closed: int = 0
    red: int = 0
    yellow: int = 0
    green: int = 0
    filed: int = 0  # reports filed for the period's reporting periods
    late: int = 0

    @property
    def lights_chart(self) -> Markup:
        return Markup(charts.lights_bar(self.red, self.yellow, self.green, width=240, height=16))


def plan_rows(period: figures.Period) -> list[PlanRow]:
    """按方案: each published plan's items, lights and the reports filed for the period; two statements."""
    def total(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    active = Task.status == TaskStatus.ACTIVE
    rows = {plan_id: PlanRow(plan_id, title, items or 0, closed or 0, red or 0, yellow or 0, green or 0)
            for plan_id, title, items, closed, red, yellow, green in db.session.execute(
                sa.select(Plan.id, Plan.title, sa.func.count(Task.id), total(sa.not_(active)),
                          total(sa.and_(active, Task.light == Light.RED)),
                          total(sa.and_(active, Task.light == Light.YELLOW)),
                          total(sa.and_(active, Task.light == Light.GREEN)))
                .join(Task, Task.plan_id == Plan.id).where(Plan.status == PlanStatus.PUBLISHED)
                .group_by(Plan.id, Plan.title).order_by(Plan.id))}
    for plan_id, filed, late in db.session.execute(
            sa.select(ReportingPeriod.plan_id, sa.func.count(ProgressReport.id),
                      total(ProgressReport.is_late.is_(True)))
            .join(ProgressReport, ProgressReport.period_id == ReportingPeriod.id)
            .where(ReportingPeriod.ends_on >= period.starts_on, ReportingPeriod.ends_on <= period.ends_on,
                   ProgressReport.state.in_(FILED_REPORT_STATES))
            .group_by(ReportingPeriod.plan_id)):
        if plan_id in rows:
            rows[plan_id].filed, rows[plan_id].late = filed, late or 0
    return list(rows.values())


def _period() -> figures.Period:
    return figures.resolve_period(request.args.get("period"), local_today())


@bp.errorhandler(figures.PeriodError)
def _wrong_period(error: figures.PeriodError):
    return render_template("error.html", code=400, message=str(error)), 400


def _charts(f: figures.SupervisionFigures) -> dict[str, Markup]:
    s = f.summary
    ranked = [(row.name, row.on_time_rate) for row in f.departments if row.on_time_rate is not None]
    targets = [(row.name, row.reached, row.target, row.unit) for row in f.targets.rows[:CHART_TARGETS]]
    return {
        "lights": Markup(charts.lights_donut(s.red.value, s.yellow.value, s.green.value)),
        "departments": Markup(charts.percent_bars(ranked[:CHART_DEPARTMENTS], reference=s.on_time_rate.value)),
        # Drawn again for a phone at its own size: the wide one scaled to 390 px has unreadable labels.
        "departments_narrow": Markup(charts.percent_bars(ranked[:CHART_DEPARTMENTS], reference=s.on_time_rate.value,
                                                         width=NARROW_CHART_WIDTH, label_width=NARROW_LABEL_WIDTH)),
        "targets": Markup(charts.target_bars(targets)) if targets else None,
    }


def _figures(period: figures.Period) -> figures.SupervisionFigures:
    return figures.supervision_figures(period, local_today(), LIST_LIMIT)


@bp.get("/office")
@login_required
def office():
    """办公室总览: by plan and by department, lights, overdue items, targets and what changed."""
    require(current_user, Action.VIEW_OFFICE_OVERVIEW)
    period = _period()
    f = _figures(period)
    return render_template("dashboards/office.html", f=f, s=f.summary, period=period, plans=plan_rows(period),
                           charts=_charts(f), title=_("办公室总览"))


@bp.get("/leader")
@login_required
def leader():
    """领导驾驶舱: the overview to read, and the latest supervision reports."""
    require(current_user, Action.VIEW_LEADER_DASHBOARD)
    period = _period()
    f = _figures(period)
    reports = [r for r in archive_list(limit=30) if r.kind == ReportKind.SUPERVISION][:8]
    return render_template("dashboards/leader.html", f=f, s=f.summary, period=period, plans=plan_rows(period),
                           charts=_charts(f), reports=reports, title=_("领导驾驶舱"), labels=labels, panels=leader_panels(period),
                           instructions=supervision_queries.instructions(leader_id=current_user.id))


def home_endpoint(user) -> str | None:
    """The dashboard a role lands on at `/`, or None for the item list."""
    if can(user, Action.VIEW_OFFICE_OVERVIEW):
        return "overview.office"
    if can(user, Action.VIEW_LEADER_DASHBOARD):
        return "overview.leader"
    return None
