"""调度单: one department's dispatch sheet for a period: its items, what is due, late and returned."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from tracker.core.clock import local_today
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reports.figures import Counts, Period, department_counts
from tracker.reports.pdf import html_to_pdf, render_layout
from tracker.tasks import labels, queries
from tracker.tasks.models import (
    FILED_REPORT_STATES,
    AssignmentRole,
    Light,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    Review,
    ReviewDecision,
    Task,
    TaskAssignment,
    TaskStatus,
)


class UnknownDepartment(LookupError):
    pass


@dataclass
class DispatchRow:
    """One item of the department for one reporting period of the sheet's period."""

    task_id: int
    plan_title: str
    number: str
    title: str
    role: AssignmentRole
    light: Light
    light_reason: str | None
    closed: bool
    period_label: str | None
    due_on: date | None
    state: ReportState | None
    is_late: bool
    return_count: int
    return_reason: str | None = None

    @property
    def filed(self) -> bool:
        return self.state in FILED_REPORT_STATES

    def overdue(self, today: date) -> bool:
        """逾期未报: a lead department's report not filed after its due day."""
        return (self.role == AssignmentRole.LEAD and not self.closed and self.due_on is not None
                and self.due_on < today and not self.filed)


@dataclass
class DispatchSheet:
    department: Department
    period: Period
    today: date
    counts: Counts
    rows: list[DispatchRow]
    due: list  # queries.DueItem: what the department owes now
    issuing_office: str

    @property
    def overdue(self) -> list[DispatchRow]:
        return [row for row in self.rows if row.overdue(self.today)]

    @property
    def returned(self) -> list[DispatchRow]:
        return [row for row in self.rows if row.role == AssignmentRole.LEAD and row.return_count]

    @property
    def filename(self) -> str:
        return f"调度单-{self.department.name}-{self.period.label}.pdf"


def find_department(key: str | int) -> Department:
    """A department by id or by name."""
    key = str(key).strip()
    condition = Department.id == int(key) if key.isdigit() else Department.name == key
    department = db.session.scalar(sa.select(Department).where(condition))
    if department is None:
        raise UnknownDepartment(_("没有这个单位:%(key)s", key=key))
    return department


def _rows(department_id: int, period: Period) -> list[DispatchRow]:
    in_period = sa.and_(ReportingPeriod.plan_id == Task.plan_id, ReportingPeriod.ends_on >= period.starts_on,
                        ReportingPeriod.ends_on <= period.ends_on)
    result = db.session.execute(
        sa.select(Task.id, Plan.title, Task.number, Task.title, TaskAssignment.role, Task.light, Task.light_reason,
                  Task.status, ReportingPeriod.label, ReportingPeriod.due_on, ProgressReport.state,
                  ProgressReport.is_late, ProgressReport.return_count, ProgressReport.id)
        .join(TaskAssignment, sa.and_(TaskAssignment.task_id == Task.id, TaskAssignment.department_id == department_id))
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(ReportingPeriod, in_period)
        .outerjoin(ProgressReport, sa.and_(ProgressReport.task_id == Task.id,
                                           ProgressReport.period_id == ReportingPeriod.id))
        .where(Plan.status == PlanStatus.PUBLISHED)
        .order_by(TaskAssignment.role, sa.case({Light.RED: 0, Light.YELLOW: 1}, value=Task.light, else_=2),
                  Task.plan_id, Task.position, Task.id, ReportingPeriod.due_on)).all()
    report_ids = [row[-1] for row in result if row[-1] is not None and row[-2]]
    reasons = _return_reasons(report_ids)
    return [DispatchRow(task_id, plan_title, number or "", title, role, light, light_reason,
                        status == TaskStatus.CLOSED, label, due_on, state, bool(is_late), return_count or 0,
                        reasons.get(report_id))
            for task_id, plan_title, number, title, role, light, light_reason, status, label, due_on, state, is_late,
            return_count, report_id in result]


def _return_reasons(report_ids: list[int]) -> dict[int, str]:
    """{report id: the reason of its latest return}."""
    reasons = {}
    rows = db.session.execute(
        sa.select(Review.report_id, Review.reason)
        .where(Review.report_id.in_(report_ids), Review.decision == ReviewDecision.RETURNED).order_by(Review.id))
    for report_id, reason in rows:
        reasons[report_id] = reason
    return reasons


def prepare(department: Department, period: Period, today: date | None = None) -> DispatchSheet:
    today = today or local_today()
    counts = department_counts(period, today).get((department.id, 1), Counts())
    return DispatchSheet(department=department, period=period, today=today, counts=counts,
                         rows=_rows(department.id, period), due=queries.due_items(department.id, today),
                         issuing_office=current_app.config["ISSUING_OFFICE"])


def render_html(sheet: DispatchSheet, *, for_pdf: bool) -> str:
    return render_layout("dispatch.html", for_pdf=for_pdf, sheet=sheet, roles=labels.ROLE, lights=labels.LIGHT,
                         report_states=labels.REPORT_STATE)


def render_pdf(sheet: DispatchSheet) -> bytes:
    return html_to_pdf(render_html(sheet, for_pdf=True))


def generate(department: Department, period: Period, *, by=None, today: date | None = None):
    """Render the department's sheet and archive it; (archived row, PDF bytes). The caller commits."""
    from tracker.reports.archive import archive
    from tracker.reports.models import ReportKind

    sheet = prepare(department, period, today)
    content = render_pdf(sheet)
    archived = archive(content, kind=ReportKind.DISPATCH, filename=sheet.filename,
                       title=f"调度单({department.name},{period.title})", period_label=period.label, by=by,
                       department_id=department.id)
    return archived, content
