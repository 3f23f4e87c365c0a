"""The in-app inbox (站内消息)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from tracker.extensions import db
from tracker.reminders.models import Notification


def unread_count() -> int:
    """Unread notices of the signed-in user; called from the page header."""
    if not current_user.is_authenticated:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
    )
