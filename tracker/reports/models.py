"""The archive of generated reports: a file once written never changes."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.clock import utcnow
from tracker.core.database import enum_column
from tracker.extensions import db


class ReportKind(enum.StrEnum):
    SUPERVISION = "supervision"  # 督查通报
    DISPATCH = "dispatch"  # 调度单
    LEDGER = "ledger"  # 台账


class ArchivedReport(db.Model):
    __tablename__ = "archived_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind))
    period_label: Mapped[str] = mapped_column(sa.String(20), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(300))
    doc_number: Mapped[str | None] = mapped_column(sa.String(100))
    filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    generated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The headline figures as generated (lights included), so the next period's report can compare with them.
    figures: Mapped[dict | None] = mapped_column(sa.JSON)

    generated_by = relationship("User")
