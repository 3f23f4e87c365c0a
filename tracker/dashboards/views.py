"""Home pages per role."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tracker.auth.permissions import visible_tasks
from tracker.extensions import db
from tracker.tasks.models import Task

bp = Blueprint("dashboards", __name__)


@bp.get("/")
@login_required
def index():
    tasks = db.session.scalars(visible_tasks(current_user).order_by(Task.plan_id, Task.position).limit(50)).all()
    return render_template("dashboards/index.html", tasks=tasks)

