"""Every area's models, imported together so that the metadata (and so Alembic) knows every table."""
from tracker.audit.models import AuditEntry
from tracker.auth.models import ApiToken, LoginThrottle, Role, User, UserRole
from tracker.core.models import CalendarDay, CalendarYear
from tracker.departments.models import Department, DepartmentAlias
from tracker.plans.models import Plan, Section
from tracker.reminders.models import (
    Delivery,
    EscalationPolicy,
    EscalationStep,
    Heartbeat,
    Notification,
    WebhookEndpoint,
)
from tracker.reports.models import ArchivedReport
from tracker.search import models as search_models  # noqa: F401  (installs the index with create_all)
from tracker.supervision.models import Instruction, Meeting, SupervisionNotice, meeting_issues, notice_evidence
from tracker.tasks.models import (
    Contribution,
    CoordinationIssue,
    Evidence,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressReport,
    ReportingPeriod,
    ReportTargetValue,
    Review,
    Target,
    Task,
    TaskAssignment,
)

__all__ = [
    "ApiToken", "ArchivedReport", "AuditEntry", "CalendarDay", "CalendarYear", "Contribution",
    "CoordinationIssue", "Delivery", "Department", "DepartmentAlias", "EscalationPolicy", "EscalationStep",
    "Evidence", "Heartbeat", "Indicator", "IndicatorValue", "Instruction", "LoginThrottle", "Meeting", "Milestone",
    "Notification", "Plan",
    "ProgressReport", "ReportTargetValue", "ReportingPeriod", "Review", "Role", "Section", "SupervisionNotice",
    "Target", "Task", "TaskAssignment", "User", "UserRole", "WebhookEndpoint", "meeting_issues", "notice_evidence",
]
