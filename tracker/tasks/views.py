"""Item pages: a task with its departments, reports, reviews, evidence and history."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tracker.auth.permissions import Action, require
from tracker.extensions import db
from tracker.tasks.models import Task

bp = Blueprint("tasks", __name__)


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int):
    task = db.get_or_404(Task, task_id)
    require(current_user, Action.VIEW_TASK, task)
    return render_template("tasks/show.html", task=task)
