"""Passwords, login throttling, sessions and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.auth.models import ApiToken, LoginAttempt, Role, User, UserRole
from tracker.clock import utcnow
from tracker.extensions import db

MIN_PASSWORD_LENGTH = 8


class PasswordTooShort(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(password)
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def authenticate(login: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.login == login))
    if user is None or not user.is_active:
        # Spend the same time as a real check so a missing login cannot be told from a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


_DUMMY_HASH = generate_password_hash("not-a-password", method="pbkdf2:sha256:1000")


def throttle_keys(login: str, remote_addr: str | None) -> list[str]:
    return [f"login:{login.strip().lower()}", f"addr:{remote_addr or '-'}"]


def is_throttled(keys: list[str], *, now: datetime | None = None) -> bool:
    """True when any key has used up its failed attempts in the current window."""
    now = now or utcnow()
    window = timedelta(seconds=current_app.config["LOGIN_ATTEMPT_WINDOW_SECONDS"])
    limit = current_app.config["LOGIN_ATTEMPT_LIMIT"]
    counts = db.session.execute(
        sa.select(LoginAttempt.key, sa.func.count())
        .where(LoginAttempt.key.in_(keys), LoginAttempt.attempted_at > now - window)
        .group_by(LoginAttempt.key)
    ).all()
    return any(count >= limit for _key, count in counts)


def record_failed_login(keys: list[str], *, now: datetime | None = None) -> None:
    now = now or utcnow()
    db.session.add_all(LoginAttempt(key=key, attempted_at=now) for key in keys)


def forget_old_attempts(*, now: datetime | None = None) -> None:
    now = now or utcnow()
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.attempted_at < now - timedelta(days=1)))


def end_other_sessions(user: User) -> None:
    """Void every session cookie issued to `user` so far (logout, password change)."""
    user.session_generation += 1


def change_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_other_sessions(user)


def create_user(
    login: str,
    name: str,
    password: str,
    *,
    roles: list[Role] | tuple[Role, ...] = (),
    department=None,
    email: str | None = None,
) -> User:
    user = User(
        login=login,
        name=name,
        password_hash=hash_password(password),
        department=department,
        email=email,
        channel_preferences={"email": bool(email)},
    )
    set_roles(user, roles)
    db.session.add(user)
    return user


def set_roles(user: User, roles) -> None:
    wanted = {Role(r) for r in roles}
    user.role_rows = [row for row in user.role_rows if Role(row.role) in wanted]
    present = {Role(row.role) for row in user.role_rows}
    user.role_rows.extend(UserRole(role=role) for role in sorted(wanted - present))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = "") -> str:
    """A new bearer token; only its hash is stored, so this is the one time it can be read."""
    token = "trk_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token), name=name))
    return token


def user_for_token(token: str, *, now: datetime | None = None) -> User | None:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    row.last_used_at = now or utcnow()
    return row.user


def revoke_token(token_row: ApiToken, *, now: datetime | None = None) -> None:
    token_row.revoked_at = now or utcnow()
