"""Passwords, login throttling, sessions and API tokens."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.auth.models import ApiToken, LoginThrottle, Role, User, UserRole
from tracker.core.addresses import is_deliverable
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.text import clean_name

MIN_PASSWORD_LENGTH = 8


class PasswordTooShort(ValueError):
    pass


class InvalidEmail(ValueError):
    """An address the outbox could not send to (see tracker.core.addresses)."""


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(password)
    return generate_password_hash(password, method=_hash_method())


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(login: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.login == login))
    if user is None or not user.is_active:
        # A real check against a hash made as the users' are (same method, same parameters): an unknown
        # login costs as much as a wrong password, so the time of the answer does not tell which it was.
        check_password_hash(_dummy_hash(_hash_method()), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


# ---- the login throttle ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThrottleKey:
    key: str
    limit: int
    # Beyond the limit: None refuses until the window ends; seconds let one attempt through that often.
    spacing: timedelta | None = None


def throttle_keys(login: str, remote_addr: str | None) -> list[ThrottleKey]:
    """What one login attempt counts against. `remote_addr` is the client as the trusted proxy saw it."""
    config = current_app.config
    login, address = login.strip().lower()[:100], remote_addr or "-"
    return [
        ThrottleKey(f"pair:{address}|{login}", config["LOGIN_ATTEMPT_LIMIT"]),
        ThrottleKey(f"account:{login}", config["LOGIN_ACCOUNT_LIMIT"]),
        ThrottleKey(f"address:{address}", config["LOGIN_ADDRESS_LIMIT"],
                    timedelta(seconds=config["LOGIN_ADDRESS_SPACING_SECONDS"])),
    ]


def _take(key: ThrottleKey, now: datetime, window: timedelta) -> bool:
    """Count one attempt against `key` if it has room; one statement, so the database orders racing ones."""
    table = LoginThrottle.__table__
    expired = table.c.window_started_at <= now - window
    room = [expired, table.c.attempts < key.limit]
    if key.spacing is not None:
        room.append(table.c.last_attempt_at <= now - key.spacing)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(key=key.key, window_started_at=now, attempts=1, last_attempt_at=now)
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"attempts": sa.case((expired, 1), else_=table.c.attempts + 1),
              "window_started_at": sa.case((expired, now), else_=table.c.window_started_at),
              "last_attempt_at": now},
        where=sa.or_(*room),
    ).returning(table.c.attempts)
    return db.session.execute(statement).first() is not None


def reserve_login_attempt(keys: list[ThrottleKey], *, now: datetime | None = None) -> int:
    """Count an attempt BEFORE its password is checked: 0 when it may go on, else the seconds to wait.
    The caller commits at once, so no lock is held while the password hash is computed."""
    now = now or utcnow()
    window = timedelta(seconds=current_app.config["LOGIN_ATTEMPT_WINDOW_SECONDS"])
    taken = []
    for key in keys:
        if not _take(key, now, window):
            give_back_login_attempt(taken)
            return math.ceil((key.spacing or window).total_seconds())
        taken.append(key)
    return 0


def give_back_login_attempt(keys: list[ThrottleKey]) -> None:
    """A login that succeeded (or was never tried) does not count: only failures use up the limits."""
    if keys:
        table = LoginThrottle.__table__
        db.session.execute(table.update().where(table.c.key.in_([k.key for k in keys]), table.c.attempts > 0)
                           .values(attempts=table.c.attempts - 1))


def forget_old_attempts(*, now: datetime | None = None) -> None:
    now = now or utcnow()
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.last_attempt_at < now - timedelta(days=1)))


# ---- sessions and tokens ------------------------------------------------------------------------------


def end_other_sessions(user: User) -> None:
    """Void every session cookie issued to `user` so far (logout, password change)."""
    user.session_generation += 1


def end_everything(user: User, *, now: datetime | None = None) -> int:
    """退出所有设备: every session and every API token of `user` ends; how many tokens were revoked."""
    end_other_sessions(user)
    return db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    ).rowcount


def change_password(user: User, new_password: str) -> None:
    """A new password ends every other session and every API token: whoever knew the old one is out."""
    user.password_hash = hash_password(new_password)
    end_everything(user)


def create_user(
    login: str,
    name: str,
    password: str,
    *,
    roles: list[Role] | tuple[Role, ...] = (),
    department=None,
    email: str | None = None,
) -> User:
    if email and not is_deliverable(email):
        raise InvalidEmail(email)
    user = User(
        login=clean_name(login),
        name=clean_name(name),
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
