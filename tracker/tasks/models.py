"""The assigned items: tasks (重点任务), milestones (年度任务), targets, indicators,
reporting periods (调度周期), progress reports (进展报送), contributions, evidence and reviews."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.clock import utcnow
from tracker.core.database import Timestamped, Versioned, enum_column
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import ItemSource, Plan, Section


class TaskStatus(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"  # 已销号: completion approved by a reviewer


class ProgressStatus(enum.StrEnum):
    """The status a department reports for its task."""

    NOT_STARTED = "not_started"  # 未启动
    IN_PROGRESS = "in_progress"  # 推进中
    COMPLETED = "completed"  # 已完成
    LAGGING = "lagging"  # 滞后


class Light(enum.StrEnum):
    """红黄绿灯."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class AssignmentRole(enum.StrEnum):
    LEAD = "lead"  # 牵头单位
    CO = "co"  # 配合单位 / 责任单位 listed after the first


class ReportState(enum.StrEnum):
    DRAFT = "draft"  # 草稿
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # 待负责人确认
    SUBMITTED = "submitted"  # 已报送, waiting for review
    RETURNED = "returned"  # 已退回
    APPROVED = "approved"  # 已审核通过


# The liaison may still change a report in these states; in the others it is in someone else's hands.
EDITABLE_REPORT_STATES = (ReportState.DRAFT, ReportState.RETURNED)
# A report in these states has been filed (报送) for its period: it is not missing, whatever comes next.
FILED_REPORT_STATES = (ReportState.AWAITING_CONFIRMATION, ReportState.SUBMITTED, ReportState.APPROVED)


class ContributionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class MilestoneStatus(enum.StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class ReviewSubject(enum.StrEnum):
    REPORT = "report"
    MILESTONE = "milestone"
    COMPLETION = "completion"  # 销号申请


class ReviewDecision(enum.StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"


class Task(Versioned, Timestamped, db.Model):
    """An item to track, owned by its lead department (牵头单位): a numbered task of a plan (重点任务),
    a leader's instruction (批示) or a meeting's decision (会议议定事项), as `source` says."""

    __tablename__ = "tasks"
    __table_args__ = (
        # The office overview's order (plan, position, id): its pages are read off this index and the
        # LIMIT stops the scan, with no sort; id is in it for PostgreSQL (SQLite appends the rowid anyway).
        sa.Index("ix_tasks_plan_position", "plan_id", "position", "id"),
        sa.Index("ix_tasks_lead_status", "lead_department_id", "status"),
        sa.Index("ix_tasks_source", "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sections.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(sa.String(40), default="")
    path: Mapped[list] = mapped_column(sa.JSON, default=list)
    title: Mapped[str] = mapped_column(sa.Text)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    text_original: Mapped[str | None] = mapped_column(sa.Text)
    # Its plan's source, kept on the item so that lists filter by it without joining the plan.
    source: Mapped[ItemSource] = mapped_column(enum_column(ItemSource), default=ItemSource.PLAN,
                                               server_default=ItemSource.PLAN.value)
    position: Mapped[int] = mapped_column(default=0)
    lead_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.ACTIVE, index=True)
    progress_status: Mapped[ProgressStatus | None] = mapped_column(enum_column(ProgressStatus))
    percent_complete: Mapped[int | None]
    # The light as of the last sweep or report change, kept so lists can filter and count without recomputing.
    light: Mapped[Light] = mapped_column(enum_column(Light), default=Light.GREEN, index=True)
    light_reason: Mapped[str | None] = mapped_column(sa.String(300))
    due_on: Mapped[date | None]
    # Counts reopenings (重新打开); escalation ladders are keyed on it so a reopened item starts afresh.
    reopen_count: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship()
    section: Mapped[Section | None] = relationship()
    lead_department: Mapped[Department | None] = relationship()
    assignments: Mapped[list[TaskAssignment]] = relationship(back_populates="task", cascade="all, delete-orphan")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Milestone.due_on"
    )
    targets: Mapped[list[Target]] = relationship(back_populates="task", cascade="all, delete-orphan")
    reports: Mapped[list[ProgressReport]] = relationship(viewonly=True)
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    @property
    def co_departments(self) -> list[Department]:
        return [a.department for a in self.assignments if a.role == AssignmentRole.CO]

    def __repr__(self) -> str:
        return f"<Task {self.number} {self.title[:20]}>"


class TaskAssignment(db.Model):
    """A department's part in a task, lead or co-responsible, and its receipt (签收)."""

    __tablename__ = "task_assignments"
    __table_args__ = (sa.Index("ix_task_assignments_department", "department_id", "task_id"),)

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[AssignmentRole] = mapped_column(enum_column(AssignmentRole))
    signed_at: Mapped[datetime | None]
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    task: Mapped[Task] = relationship(back_populates="assignments")
    department: Mapped[Department] = relationship()


class Milestone(Versioned, db.Model):
    """An annual deliverable (年度任务) or dated milestone of a task; due at its year's end unless set."""

    __tablename__ = "milestones"
    __table_args__ = (sa.Index("ix_milestones_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    year: Mapped[int | None]
    due_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    is_recurring: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MilestoneStatus] = mapped_column(enum_column(MilestoneStatus), default=MilestoneStatus.PENDING)
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    return_count: Mapped[int] = mapped_column(default=0)

    task: Mapped[Task] = relationship(back_populates="milestones")
    targets: Mapped[list[Target]] = relationship(back_populates="milestone")


class Target(db.Model):
    """A quantitative target (量化目标) such as 高新技术企业达到1200家."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("milestones.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[float]
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    year: Mapped[int | None]
    baseline: Mapped[float | None]
    # The latest value a department reported, kept here so reports need not scan every report.
    reached_value: Mapped[float | None]
    reached_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship(back_populates="targets")
    milestone: Mapped[Milestone | None] = relationship(back_populates="targets")


class Indicator(db.Model):
    """A plan-level indicator (指标), typically a row of a 专栏 table with baseline and target."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(300))
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    category: Mapped[str | None] = mapped_column(sa.String(200))
    attribute: Mapped[str | None] = mapped_column(sa.String(20))  # 预期性 / 约束性
    baseline_text: Mapped[str | None] = mapped_column(sa.String(100))
    baseline: Mapped[float | None]
    baseline_year: Mapped[int | None]
    target_text: Mapped[str | None] = mapped_column(sa.String(100))
    target: Mapped[float | None]
    target_year: Mapped[int | None]
    # Intermediate targets by year, e.g. {"2024": 2.8}.
    yearly_targets: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorValue.year"
    )


class IndicatorValue(db.Model):
    """A reported value of an indicator for a year (监测值)."""

    __tablename__ = "indicator_values"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float]
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")


class ReportingPeriod(db.Model):
    """调度周期: a month, quarter or given span of a plan, with the day its reports are due."""

    __tablename__ = "reporting_periods"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "label"),
        sa.Index("ix_reporting_periods_due", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(sa.String(20))  # 2025-03, 2025-Q1 or 2025-06-30
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    due_on: Mapped[date]

    plan: Mapped[Plan] = relationship()


class ProgressReport(Versioned, Timestamped, db.Model):
    """进展报送: the lead department's report on one task for one period."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "period_id"),
        # task_id last: the sweep's "which tasks have filed for these periods" is read from this index
        # alone (PostgreSQL: an index-only scan instead of fetching 20,000 scattered report rows).
        sa.Index("ix_progress_reports_period_state_task", "period_id", "state", "task_id"),
        sa.Index("ix_progress_reports_department_period", "department_id", "period_id"),
        # A head's reports waiting for him, among his department's thousands.
        sa.Index("ix_progress_reports_department_state", "department_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_periods.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    state: Mapped[ReportState] = mapped_column(enum_column(ReportState), default=ReportState.DRAFT)
    progress_status: Mapped[ProgressStatus | None] = mapped_column(enum_column(ProgressStatus))
    percent_complete: Mapped[int | None]
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    # 需协调事项: a problem the department cannot solve alone.
    needs_coordination: Mapped[bool] = mapped_column(default=False)
    coordination_text: Mapped[str] = mapped_column(sa.Text, default="")
    # 申请销号: the department says the task is complete and asks for sign-off.
    claims_completion: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    is_late: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    return_count: Mapped[int] = mapped_column(default=0)

    task: Mapped[Task] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    department: Mapped[Department | None] = relationship()
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    evidence: Mapped[list[Evidence]] = relationship(viewonly=True, order_by="Evidence.id")
    reviews: Mapped[list[Review]] = relationship(viewonly=True, order_by="Review.id")
    target_values: Mapped[list[ReportTargetValue]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )


class ReportTargetValue(db.Model):
    """The value of one quantitative target reached, as a report states it (e.g. 1,010 of 1,200)."""

    __tablename__ = "report_target_values"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("progress_reports.id", ondelete="CASCADE"), primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[float]

    report: Mapped[ProgressReport] = relationship(back_populates="target_values")
    target: Mapped[Target] = relationship()


class Contribution(Versioned, Timestamped, db.Model):
    """A co-responsible department's input (配合单位报送) to a task for a period."""

    __tablename__ = "contributions"
    __table_args__ = (sa.UniqueConstraint("task_id", "period_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_periods.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id", ondelete="CASCADE"))
    state: Mapped[ContributionState] = mapped_column(enum_column(ContributionState), default=ContributionState.DRAFT)
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    department: Mapped[Department] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    evidence: Mapped[list[Evidence]] = relationship(viewonly=True, order_by="Evidence.id")


class Evidence(db.Model):
    """佐证材料: a file attached to a report, contribution or milestone, stored under instance/."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    # Indexed: a report's and a contribution's files are loaded by these.
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_reports.id", ondelete="SET NULL"),
                                                  index=True)
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="SET NULL"),
                                                        index=True)
    milestone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("milestones.id", ondelete="SET NULL"))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[Task] = relationship()
    uploaded_by = relationship("User")


class Review(db.Model):
    """审核: a reviewer's decision on a report, a milestone or a completion claim, with its reason."""

    __tablename__ = "reviews"
    # The sweep's 退回未重报 ladder starts from the returns of the last few weeks: a range on this index,
    # not a look at every returned report of the past year.
    __table_args__ = (sa.Index("ix_reviews_decision_decided_at", "decision", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    subject: Mapped[ReviewSubject] = mapped_column(enum_column(ReviewSubject))
    # Indexed: the reasons a report was returned are looked up by it.
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("milestones.id", ondelete="CASCADE"))
    decision: Mapped[ReviewDecision] = mapped_column(enum_column(ReviewDecision))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer = relationship("User")


class CoordinationIssue(db.Model):
    """需协调事项: a problem a report flagged, collected for the office and the joint meeting."""

    __tablename__ = "coordination_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_reports.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(sa.Text, default="")

    task: Mapped[Task] = relationship()
    department: Mapped[Department | None] = relationship()


class OwedReport(db.Model):
    """A read model: a report or contribution a department owes, one row per (department, item, period).

    What the department page lists as due was a join of the department's thousands of assignments with
    the periods and the reports, seconds on a busy department; this table holds its answer, kept
    current in the transaction of each write that changes it (tracker.tasks.read_models) and rebuilt
    from the source tables by `flask tasks rebuild`. A lead owes the report of every period while it is
    missing, a draft or returned; a co-department owes its contribution while it is missing or a draft
    and the report is not approved; nothing is owed on a closed item.
    """

    __tablename__ = "owed_reports"
    # The department's rows for the periods due now are found by the key (department, period), then sorted:
    # a few thousand at most, where its rows in due order begin with years of reports never filed.
    __table_args__ = (sa.Index("ix_owed_reports_task", "task_id"),)

    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_periods.id", ondelete="CASCADE"),
                                           primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[AssignmentRole] = mapped_column(enum_column(AssignmentRole))
    due_on: Mapped[date]
