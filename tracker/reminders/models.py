"""Escalation policies, notifications (the outbox), deliveries, webhooks and the scheduler's heartbeat."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.clock import utcnow
from tracker.core.database import Timestamped, Versioned, enum_column
from tracker.extensions import db


class StepCondition(enum.StrEnum):
    REPORT_NOT_SUBMITTED = "report_not_submitted"  # 未报送
    REPORT_RETURNED = "report_returned"  # 被退回未重报
    MILESTONE_NOT_APPROVED = "milestone_not_approved"  # 年度任务未通过审核
    NOT_SIGNED = "not_signed"  # 未签收


class StepTarget(enum.StrEnum):
    LIAISON = "liaison"  # 联络员
    HEAD = "head"  # 负责人
    OFFICE = "office"  # 联席会议办公室 (督办)
    LEADER = "leader"  # 领导: the leaders, told of an instruction (批示) that lags
    SUPERVISION_REPORT = "supervision_report"  # listed for the next 督查通报


class Channel(enum.StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    WEBHOOK = "webhook"
    SUPERVISION_REPORT = "supervision_report"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # will be retried at next_attempt_at
    ABANDONED = "abandoned"  # gave up after the last retry; shown to the office


class WebhookFormat(enum.StrEnum):
    JSON = "json"
    WECOM = "wecom"  # 企业微信群机器人
    DINGTALK = "dingtalk"  # 钉钉群机器人


class EscalationPolicy(Versioned, Timestamped, db.Model):
    """升级策略: ordered steps; a plan without its own policy uses the default one (plan_id NULL)."""

    __tablename__ = "escalation_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))

    steps: Mapped[list[EscalationStep]] = relationship(
        back_populates="policy", cascade="all, delete-orphan", order_by="EscalationStep.position"
    )


class EscalationStep(db.Model):
    """One rung of the ladder: when (working days from the due date), on what condition, to whom."""

    __tablename__ = "escalation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("escalation_policies.id", ondelete="CASCADE"), index=True)
    # Stable identity of the step, copied into each notice: editing the step later does not rewrite notices sent.
    key: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    condition: Mapped[StepCondition] = mapped_column(enum_column(StepCondition))
    # Negative: before the due date; 0: on the day; positive: working days late.
    offset_workdays: Mapped[int] = mapped_column(default=0)
    target: Mapped[StepTarget] = mapped_column(enum_column(StepTarget))
    escalation_level: Mapped[int] = mapped_column(default=0)
    repeat_count: Mapped[int] = mapped_column(default=1)
    repeat_interval_workdays: Mapped[int] = mapped_column(default=1)
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)

    policy: Mapped[EscalationPolicy] = relationship(back_populates="steps")


class Notification(db.Model):
    """A notice to one recipient, created exactly once per (subject, step, recipient, occurrence)."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("subject_key", "step_key", "recipient_key", "occurrence"),
        sa.Index("ix_notifications_recipient_read", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the notice is about, e.g. "report:12:0" (report of task×period, reopen cycle 0) or "milestone:7:0".
    subject_key: Mapped[str] = mapped_column(sa.String(100))
    step_key: Mapped[str] = mapped_column(sa.String(64))
    # "user:5", or "supervision_report" for the listing in the next report.
    recipient_key: Mapped[str] = mapped_column(sa.String(40))
    occurrence: Mapped[int] = mapped_column(default=0)
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reporting_periods.id", ondelete="CASCADE"))
    milestone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("milestones.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    escalation_level: Mapped[int] = mapped_column(default=0)
    target: Mapped[StepTarget] = mapped_column(enum_column(StepTarget))
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.String(300))
    due_on: Mapped[date | None]
    workdays_late: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    # What the notice asked for was done (the report filed, the milestone submitted, the item closed):
    # the sweep settles it, read or not, so it no longer waits as something to do.
    done_at: Mapped[datetime | None]

    deliveries: Mapped[list[Delivery]] = relationship(back_populates="notification", cascade="all, delete-orphan")


class Delivery(db.Model):
    """The outbox row for one notice on one external channel: committed first, delivered after."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("notification_id", "channel", "address"),
        sa.Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    address: Mapped[str] = mapped_column(sa.String(500))
    webhook_id: Mapped[int | None] = mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="SET NULL"))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    notification: Mapped[Notification] = relationship(back_populates="deliveries")


class WebhookEndpoint(Versioned, db.Model):
    """A group robot or HTTP endpoint that receives a department's (or the office's) notices."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(sa.String(500))
    format: Mapped[WebhookFormat] = mapped_column(enum_column(WebhookFormat), default=WebhookFormat.JSON)
    # DingTalk's signing secret (加签); never shown back in full.
    secret: Mapped[str | None] = mapped_column(sa.String(200))
    is_active: Mapped[bool] = mapped_column(default=True)


class Heartbeat(db.Model):
    """The last sign of life of a background process (today only "scheduler"), with what its last run did.

    The scheduler writes its row after every sweep; /readyz and `flask doctor` read its age, and
    /metrics the sweep's duration and the notices created, whichever process serves the request.
    """

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    beat_at: Mapped[datetime]
    host: Mapped[str] = mapped_column(sa.String(255), default="")
    pid: Mapped[int] = mapped_column(default=0)
    # The last sweep's seconds and notices by level, and the notices created by every sweep of this process name.
    last_seconds: Mapped[float] = mapped_column(default=0.0)
    last_created: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_total: Mapped[dict] = mapped_column(sa.JSON, default=dict)
