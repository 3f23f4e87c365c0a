"""The tables of the foundations: the working-day calendar the admin enters and the data generations."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.core.clock import utcnow
from tracker.extensions import db


class CalendarDay(db.Model):
    """An admin-entered day of the official schedule: a holiday, or an adjusted working day (调休)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(100), default="")


class CalendarYear(db.Model):
    """A year whose schedule the admin entered, so its dates count as confirmed."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)



class DataGeneration(db.Model):
    """数据版本: a counter bumped by every transaction that changes what the cached pages show.

    tracker.core.cache keeps pages under it; one row per counter (today only "pages").
    """

    __tablename__ = "data_generations"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


sa.event.listen(DataGeneration.__table__, "after_create",
                sa.DDL("INSERT INTO data_generations (name, value) VALUES ('pages', 0)"))
