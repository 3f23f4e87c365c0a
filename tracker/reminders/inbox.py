"""The in-app inbox (站内消息): a user's notices; the inbox needs no delivery, the notice is the message."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_login import current_user

from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.reminders.models import Notification

PAGE_LIMIT = 200
# The header's badge counts unread notices up to this and then says "99+": counting an office's tens of
# thousands of unread notices on every page cost more than the rest of the page.
BADGE_LIMIT = 99


def unread_count() -> int:
    """Unread notices of the signed-in user, at most BADGE_LIMIT + 1; called from the page header."""
    if not current_user.is_authenticated:
        return 0
    unread = (sa.select(Notification.id)
              .where(Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
              .limit(BADGE_LIMIT + 1).subquery())
    return db.session.scalar(sa.select(sa.func.count()).select_from(unread))


def badge(count: int) -> str:
    """What the header's badge says: the count, or 99+ beyond BADGE_LIMIT."""
    return f"{BADGE_LIMIT}+" if count > BADGE_LIMIT else str(count)


def notices_for(user) -> list[Notification]:
    """The user's newest notices, unread or not."""
    return db.session.scalars(
        sa.select(Notification)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_LIMIT)
    ).all()


def safe_link(notice: Notification) -> str:
    """The notice's page on this site; anything else (a host, a scheme) falls back to the inbox."""
    link = notice.link or ""
    return link if link.startswith("/") and not link.startswith("//") else url_for("reminders.inbox")


def mark_read(notice: Notification, *, now: datetime | None = None) -> None:
    notice.read_at = notice.read_at or now or utcnow()


def mark_all_read(user, *, now: datetime | None = None) -> int:
    """标为已读 every unread notice of `user`; returns how many were unread."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
