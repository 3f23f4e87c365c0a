"""The inbox (站内消息): a user's notices, newest first, and marking them read."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.reminders.models import Notification

bp = Blueprint("reminders", __name__)


@bp.get("/")
@login_required
def inbox():
    notices = db.session.scalars(
        sa.select(Notification)
        .where(Notification.recipient_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(200)
    ).all()
    return render_template("reminders/inbox.html", notices=notices)


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    notice = db.get_or_404(Notification, notification_id)
    if notice.recipient_id != current_user.id:
        abort(404)
    notice.read_at = notice.read_at or utcnow()
    db.session.commit()
    return redirect(url_for("reminders.inbox"))
