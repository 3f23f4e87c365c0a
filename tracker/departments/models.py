"""Departments (责任单位), their names, and the groups that stand for several of them."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.database import Timestamped, Versioned, enum_column
from tracker.extensions import db


class DepartmentLevel(enum.StrEnum):
    """级别: where a department sits in the administration."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    OTHER = "other"


group_members = sa.Table(
    "department_group_members",
    db.metadata,
    sa.Column("group_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("member_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class Department(Versioned, Timestamped, db.Model):
    """A responsible unit (责任单位), or a group of units such as 苏南五市 (`is_group`)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(sa.String(100))
    level: Mapped[DepartmentLevel] = mapped_column(enum_column(DepartmentLevel), default=DepartmentLevel.OTHER)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    is_group: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # 报送需负责人确认: reports go to review only after the head confirms them.
    requires_head_confirmation: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Department | None] = relationship(remote_side=[id])
    aliases: Mapped[list[DepartmentAlias]] = relationship(
        back_populates="department", cascade="all, delete-orphan", order_by="DepartmentAlias.alias"
    )
    members: Mapped[list[Department]] = relationship(
        secondary=group_members,
        primaryjoin=lambda: Department.id == group_members.c.group_id,
        secondaryjoin=lambda: Department.id == group_members.c.member_id,
        order_by=lambda: Department.name,
    )

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


class DepartmentAlias(db.Model):
    """Another name a plan may use for a department (简称、别名), e.g. 发改委 for 发展和改革委员会."""

    __tablename__ = "department_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(sa.String(200), unique=True)

    department: Mapped[Department] = relationship(back_populates="aliases")
