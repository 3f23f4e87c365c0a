"""批示件, meetings (会议) and supervision notices (督办单 / 催办)."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.database import Timestamped, Versioned, enum_column
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import CoordinationIssue, Evidence, Task


class Instruction(Timestamped, db.Model):
    """批示件: the document a leader wrote on, his words, and the item it was assigned as (交办)."""

    __tablename__ = "instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The plan of source INSTRUCTION that holds the item, its periods and its reminder policy.
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), unique=True)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="SET NULL"))
    document_title: Mapped[str] = mapped_column(sa.String(300))
    document_number: Mapped[str | None] = mapped_column(sa.String(100))
    # The leader's account when he has one: his dashboard lists his own instructions.
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    leader_name: Mapped[str] = mapped_column(sa.String(100))
    words: Mapped[str] = mapped_column(sa.Text)
    written_on: Mapped[date]
    reply_requirements: Mapped[str] = mapped_column(sa.Text, default="")
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship()
    task: Mapped[Task | None] = relationship()


class MeetingKind(enum.StrEnum):
    JOINT = "joint"  # 联席会议
    TOPIC = "topic"  # 专题会议


class Meeting(Timestamped, db.Model):
    """A meeting as a record; its minutes (会议纪要) are a plan of source MEETING whose items are its decisions."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind), default=MeetingKind.JOINT)
    title: Mapped[str] = mapped_column(sa.String(300))
    held_on: Mapped[date]
    attendees: Mapped[str] = mapped_column(sa.Text, default="")
    doc_number: Mapped[str | None] = mapped_column(sa.String(100))  # 纪要文号
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship()
    issues: Mapped[list[CoordinationIssue]] = relationship(secondary="meeting_issues", order_by="CoordinationIssue.id")


# 需协调事项 the meeting took up (提请联席会议研究事项) and decided: the loop from report to meeting to items.
meeting_issues = sa.Table(
    "meeting_issues", db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("issue_id", sa.ForeignKey("coordination_issues.id", ondelete="CASCADE"), primary_key=True),
)


class NoticeKind(enum.StrEnum):
    NOTICE = "notice"  # 督办单, numbered 督办〔2026〕N号
    REMINDER = "reminder"  # 催办, without a number


notice_evidence = sa.Table(
    "notice_evidence", db.metadata,
    sa.Column("notice_id", sa.ForeignKey("supervision_notices.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("evidence_id", sa.ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
)


class SupervisionNotice(Versioned, Timestamped, db.Model):
    """督办单 or 催办 sent to an item's lead department, and the department's written reply (反馈)."""

    __tablename__ = "supervision_notices"
    __table_args__ = (
        sa.UniqueConstraint("year", "serial"),
        # The sweep's "unanswered past their day" and the ledger's order.
        sa.Index("ix_supervision_notices_reply_due", "replied_at", "reply_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind), default=NoticeKind.NOTICE)
    year: Mapped[int | None]
    serial: Mapped[int | None]
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    issuing_office: Mapped[str] = mapped_column(sa.String(200), default="")
    # What is late and by how much, as the office wrote it (prefilled from the item's light).
    lateness: Mapped[str] = mapped_column(sa.Text, default="")
    requirement: Mapped[str] = mapped_column(sa.Text, default="")
    reply_due_on: Mapped[date]
    reply_text: Mapped[str] = mapped_column(sa.Text, default="")
    replied_at: Mapped[datetime | None]
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # When the unanswered notice was escalated (to the department head and the next 通报).
    escalated_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship()
    department: Mapped[Department | None] = relationship()
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    replied_by = relationship("User", foreign_keys=[replied_by_id])
    evidence: Mapped[list[Evidence]] = relationship(secondary=notice_evidence, order_by="Evidence.id")

    @property
    def number(self) -> str | None:
        """督办〔2026〕12号; a 催办 has none."""
        return f"督办〔{self.year}〕{self.serial}号" if self.serial else None
