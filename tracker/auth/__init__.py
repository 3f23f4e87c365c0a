"""Accounts: login, sessions, roles, API tokens, and the permission rules."""
from __future__ import annotations

from flask import current_app, session
from sqlalchemy.orm import joinedload

from tracker.auth.models import User
from tracker.core.clock import utcnow
from tracker.extensions import db, login_manager

SIGNED_IN_AT = "signed_in_at"


def note_sign_in() -> None:
    """When this session signed in: it ends SESSION_HOURS later, however busy it has been meanwhile."""
    session[SIGNED_IN_AT] = utcnow().timestamp()


def _sign_in_expired() -> bool:
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, (int, float)):
        return True
    return utcnow().timestamp() - signed_in_at > current_app.permanent_session_lifetime.total_seconds()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry "id:generation"; a generation bumped by logout or a password change voids them, and a
    sign-in older than the session's lifetime (a working day) has ended."""
    if _sign_in_expired():
        return None
    user_id, _, generation = session_id.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    # Roles and department joined in: every page asks for them, and one statement is cheaper than three.
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows), joinedload(User.department)])
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    return user
