"""Home pages per role."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from tracker.auth.models import Role
from tracker.auth.permissions import visible_tasks
from tracker.clock import local_today
from tracker.extensions import db
from tracker.tasks import labels, queries
from tracker.tasks.forms import ActionForm
from tracker.tasks.models import Task

bp = Blueprint("dashboards", __name__)


@bp.get("/")
@login_required
def index():
    if queries.is_department_member(current_user):
        return department_home()
    tasks = db.session.scalars(visible_tasks(current_user).order_by(Task.plan_id, Task.position).limit(50)).all()
    return render_template("dashboards/index.html", tasks=tasks)


def department_home():
    """联络员/负责人: my department's items and what is due."""
    department_id = current_user.department_id
    page = request.args.get("page", type=int) or 1
    return render_template(
        "dashboards/department.html",
        due=queries.due_items(department_id, local_today()),
        tasks=queries.department_tasks(department_id, max(page, 1), current_app.config["PAGE_SIZE"]),
        unsigned=queries.unsigned_count(department_id),
        awaiting=queries.awaiting_confirmation(department_id) if current_user.has_role(Role.HEAD) else [],
        labels=labels,
        action_form=ActionForm(),
    )
