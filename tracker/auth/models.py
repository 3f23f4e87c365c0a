"""Users, their roles, API tokens and the login throttle."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.clock import utcnow
from tracker.core.database import Timestamped, Versioned, enum_column
from tracker.departments.models import Department
from tracker.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICE = "office"  # 联席会议办公室
    LIAISON = "liaison"  # 联络员
    HEAD = "head"  # 负责人
    REVIEWER = "reviewer"  # 审核人
    LEADER = "leader"  # 领导


# 分管单位: the departments a leader is in charge of, whose work his dashboard can narrow to.
leaders_in_charge = sa.Table(
    "leaders_in_charge", db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Versioned, Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    # Bumped on logout and password change; a session cookie carrying an older value is void.
    session_generation: Mapped[int] = mapped_column(default=1)
    # Channels this user wants notices on, e.g. {"email": true, "webhook": false}; the inbox is always on.
    channel_preferences: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    departments_in_charge: Mapped[list[Department]] = relationship(secondary=leaders_in_charge,
                                                                   order_by=Department.name)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    def __repr__(self) -> str:
        return f"<User {self.login}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)


class ApiToken(db.Model):
    """A bearer token for /api/v1; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Login attempts per key (an account, an address and account, an address) in the current window.

    Each attempt takes its place with one INSERT … ON CONFLICT DO UPDATE before the password is checked,
    so attempts racing in any number of web workers are counted one after the other by the database.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    window_started_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime]
