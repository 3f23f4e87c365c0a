"""The inbox (站内消息): a user's notices, newest first, and marking them read.

`bp` lives in tracker.reminders.blueprint; the channel pages (preferences, webhooks, delivery log)
register on it from channel_views.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.extensions import db
from tracker.reminders import channel_views  # noqa: F401  (its routes register on bp)
from tracker.reminders import policy_views  # noqa: F401  (the escalation policy pages register on bp)
from tracker.reminders import inbox as inbox_service
from tracker.reminders.blueprint import bp
from tracker.reminders import urging
from tracker.reminders.models import Notification
from tracker.tasks.errors import WorkflowError
from tracker.tasks.forms import UrgeForm
from tracker.tasks.models import Task
from tracker.tasks.permissions import Action, require

__all__ = ["bp"]


@bp.get("/")
@login_required
def inbox():
    return render_template("reminders/inbox.html", notices=inbox_service.notices_for(current_user))


def _own_notice(notification_id: int) -> Notification:
    notice = db.get_or_404(Notification, notification_id)
    if notice.recipient_id != current_user.id:
        abort(404)
    return notice


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    inbox_service.mark_read(_own_notice(notification_id))
    db.session.commit()
    return redirect(url_for("reminders.inbox"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_notice(notification_id: int):
    """Following a notice to its item reads it: the unread count is what is still to be looked at."""
    notice = _own_notice(notification_id)
    inbox_service.mark_read(notice)
    db.session.commit()
    return redirect(inbox_service.safe_link(notice))


@bp.post("/read-all")
@login_required
def mark_all_read():
    count = inbox_service.mark_all_read(current_user)
    db.session.commit()
    flash(_("已将 %(count)d 条消息标为已读", count=count), "success")
    return redirect(url_for("reminders.inbox"))


@bp.post("/urge/<int:task_id>")
@login_required
def urge(task_id: int):
    """催办 from the item page's 督办 panel; back to it with what was done."""
    task = db.get_or_404(Task, task_id)
    require(current_user, Action.VIEW_TASK, task)
    form = UrgeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = urging.urge(task, form.message.data, by=current_user)
        db.session.commit()
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("已向“%(name)s”的 %(count)s 位联络员发出催办", name=task.lead_department.name, count=count), "success")
    return redirect(url_for("tasks.show", task_id=task.id, _anchor="office-actions"))
