"""The leader's own panels on his dashboard, apart from the figures it shares with the office's: the
departments he is in charge of (分管) as a filter, the months' trend, the score ranking with its rule,
and the way to the 需协调事项."""
from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from tracker.auth.models import Role
from tracker.core.clock import local_today
from tracker.extensions import db
from tracker.reports import charts, leader_figures
from tracker.reports.figures import Period
from tracker.tasks.models import CoordinationIssue

SCOPE_MINE = "mine"


def leader_panels(period: Period) -> dict:
    in_charge = current_user.departments_in_charge if current_user.has_role(Role.LEADER) else []
    mine = request.args.get("scope") == SCOPE_MINE and bool(in_charge)
    ids = {department.id for department in in_charge} if mine else None
    today = local_today()
    trend = leader_figures.monthly_trend(today, ids)
    return {
        "in_charge": in_charge, "mine": mine, "scope_mine": SCOPE_MINE,
        "scores": leader_figures.department_scores(period, today, ids), "score_rule": leader_figures.SCORE_RULE,
        "trend": trend,
        "trend_chart": Markup(charts.trend_line([(point.period.label, point.on_time_rate) for point in trend],
                                                label=_("按月按时报送率"), none_label=_("无应报"))),
        "open_issues": db.session.scalar(sa.select(sa.func.count()).select_from(CoordinationIssue)
                                         .where(CoordinationIssue.resolved_at.is_(None))),
    }
