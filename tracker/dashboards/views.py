"""Home pages per role."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.auth.models import Role
from tracker.core import cache
from tracker.core.clock import local_today
from tracker.core.database import bounded_int
from tracker.dashboards.overview import home_endpoint
from tracker.tasks import labels, queries
from tracker.tasks.forms import ActionForm
from tracker.tasks.models import Task
from tracker.tasks.permissions import is_department_member, visible_tasks

bp = Blueprint("dashboards", __name__)


@bp.get("/")
@login_required
def index():
    if is_department_member(current_user):
        return department_home()
    if (dashboard := home_endpoint(current_user)) is not None:
        return current_app.view_functions[dashboard]()
    page = bounded_int(request.args.get("page")) or 1
    tasks = queries.task_page(visible_tasks(current_user).order_by(Task.plan_id, Task.position, Task.id), page,
                              current_app.config["PAGE_SIZE"])
    queue = queries.review_queue(current_user, 1) if current_user.has_role(Role.REVIEWER) else None
    return render_template("dashboards/index.html", tasks=tasks, queue=queue, labels=labels)


def department_home():
    """联络员/负责人: my department's items and what is due."""
    department_id = current_user.department_id
    page = bounded_int(request.args.get("page")) or 1
    is_head = current_user.has_role(Role.HEAD)
    today = local_today()
    # Every member of the department sees the same lists (a head also his confirmations) until the next write
    # to the department's items: another department's report leaves them as they are.
    key = ("department", department_id, is_head, page, today, str(get_locale()), str(get_timezone()))
    return render_template(
        "dashboards/department.html",
        unsigned=cache.cached(("unsigned", department_id), lambda: queries.unsigned_count(department_id),
                              department_id),
        body=cache.cached(key, lambda: _department_body(department_id, is_head, page, today), department_id),
        action_form=ActionForm(),
    )


def _department_body(department_id: int, is_head: bool, page: int, today) -> Markup:
    return Markup(render_template(
        "dashboards/_department.html",
        due=queries.due_items(department_id, today),
        tasks=queries.department_tasks(department_id, page, current_app.config["PAGE_SIZE"]),
        awaiting=queries.awaiting_confirmation(department_id) if is_head else [],
        labels=labels,
    ))
