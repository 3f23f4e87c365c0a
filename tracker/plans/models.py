"""Plans (实施方案、行动方案、规划) as imported, reviewed and published, and their sections."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.database import Timestamped, Versioned, enum_column
from tracker.extensions import db


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"  # 待审核: parsed, not yet checked by the office
    PUBLISHED = "published"  # 已发布: tasks assigned
    ARCHIVED = "archived"


class ItemSource(enum.StrEnum):
    """Where an item comes from (事项来源); a 批示 or a meeting's minutes is held as a plan of its own
    kind, so that its items get periods, reports, reminders and lights as a plan's do."""

    PLAN = "plan"  # 规划方案
    INSTRUCTION = "instruction"  # 领导批示
    MEETING = "meeting"  # 会议议定事项


class ReportingCycle(enum.StrEnum):
    """调度周期: how often departments report on the plan's tasks."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    DATES = "dates"


class Plan(Versioned, Timestamped, db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    issuing_body: Mapped[str | None] = mapped_column(sa.String(200))
    doc_number: Mapped[str | None] = mapped_column(sa.String(100))
    start_year: Mapped[int | None]
    end_year: Mapped[int | None]
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), default=PlanStatus.DRAFT, index=True)
    source: Mapped[ItemSource] = mapped_column(enum_column(ItemSource), default=ItemSource.PLAN,
                                               server_default=ItemSource.PLAN.value)
    source_filename: Mapped[str | None] = mapped_column(sa.String(300))
    source_text: Mapped[str] = mapped_column(sa.Text)
    # SHA-256 of the normalised source text: how a second import of the same plan is recognised.
    source_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    # The parse under review (the parser's JSON, as edited by the office); frozen once published.
    draft: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    reporting_cycle: Mapped[ReportingCycle] = mapped_column(enum_column(ReportingCycle), default=ReportingCycle.MONTHLY)
    reporting_due_day: Mapped[int] = mapped_column(default=25)
    # For ReportingCycle.DATES: ISO dates on which reports are due.
    reporting_dates: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    sections: Mapped[list[Section]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Section.position"
    )

    def __repr__(self) -> str:
        return f"<Plan {self.title}>"


class Section(db.Model):
    """A heading above tasks (一、… / 第X章 / (一)…); sections nest through `parent_id`."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sections.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(sa.String(40), default="")
    title: Mapped[str] = mapped_column(sa.Text)
    level: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="sections")

    @property
    def heading(self) -> str:
        """As the plan writes it: 五、主要任务, (一)强化责任落实, 第三章 …"""
        if not self.number:
            return self.title
        if self.number.startswith("第"):
            return f"{self.number} {self.title}"
        separator = "" if self.number.endswith((")", "）", ".", "、")) else "、"
        return f"{self.number}{separator}{self.title}"
