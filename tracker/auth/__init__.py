"""Accounts: login, sessions, roles, API tokens, and the permission rules."""
from __future__ import annotations

from sqlalchemy.orm import joinedload

from tracker.auth.models import User
from tracker.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry "id:generation"; a generation bumped by logout or a password change voids them."""
    user_id, _, generation = session_id.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    # Roles and department joined in: every page asks for them, and one statement is cheaper than three.
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows), joinedload(User.department)])
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    return user
