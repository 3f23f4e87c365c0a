"""台账: every item of the published plans as an Excel workbook (openpyxl, write-only so that tens of
thousands of rows stream to the file instead of being held in memory), with filters and a frozen header."""
from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tracker.core.clock import local_today
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reports.figures import Period
from tracker.tasks import labels
from tracker.tasks.models import AssignmentRole, ProgressReport, ReportingPeriod, Task, TaskAssignment, TaskStatus
from tracker.workbook import row, text_cell

_BATCH = 2000


def columns() -> list[tuple[str, int]]:
    """(heading, width in characters) of each column."""
    return [(_("方案"), 28), (_("编号"), 8), (_("事项"), 40), (_("牵头单位"), 18), (_("配合单位"), 26),
            (_("完成时限"), 12), (_("事项状态"), 10), (_("进展状态"), 10), (_("完成百分比"), 10), (_("红黄绿灯"), 8),
            (_("亮灯原因"), 30), (_("最新报送期"), 11), (_("报送状态"), 10), (_("最新报送内容"), 60)]


def _co_departments() -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = db.session.execute(
        sa.select(TaskAssignment.task_id, Department.name)
        .join(Department, Department.id == TaskAssignment.department_id)
        .join(Task, Task.id == TaskAssignment.task_id).join(Plan, Plan.id == Task.plan_id)
        .where(TaskAssignment.role == AssignmentRole.CO, Plan.status == PlanStatus.PUBLISHED)
        .order_by(TaskAssignment.task_id, Department.name))
    for task_id, name in rows:
        names.setdefault(task_id, []).append(name)
    return names


def _items(period: Period | None):
    """The items with their latest report (up to the period's end), streamed in batches."""
    newest_first = sa.func.row_number().over(partition_by=ProgressReport.task_id,
                                             order_by=(ReportingPeriod.due_on.desc(), ProgressReport.id.desc()))
    latest = (sa.select(ProgressReport.task_id, ProgressReport.state, ProgressReport.narrative,
                        ReportingPeriod.label, newest_first.label("n"))
              .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id))
    if period is not None:
        latest = latest.where(ReportingPeriod.ends_on <= period.ends_on)
    latest = latest.subquery()
    query = (
        sa.select(Task.id, Plan.title, Task.number, Task.title, Department.name, Task.due_on, Task.status,
                  Task.progress_status, Task.percent_complete, Task.light, Task.light_reason, latest.c.label,
                  latest.c.state, latest.c.narrative)
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(Department, Department.id == Task.lead_department_id)
        .outerjoin(latest, sa.and_(latest.c.task_id == Task.id, latest.c.n == 1))
        .where(Plan.status == PlanStatus.PUBLISHED)
        .order_by(Task.plan_id, Task.position, Task.id)
        .execution_options(yield_per=_BATCH))
    return db.session.execute(query)


def _label(table: dict, value) -> str:
    return str(table[value]) if value is not None else ""


def write_ledger(out, period: Period | None = None) -> int:
    """Write the ledger to `out` (a path or a binary file); the number of items."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("重点任务台账"))
    for index, (_heading, width) in enumerate(columns(), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    header = []
    for heading, _width in columns():
        cell = text_cell(sheet, heading)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    co = _co_departments()
    count = 0
    for (task_id, plan, number, title, lead, due_on, status, progress, percent, light, reason, period_label,
         state, narrative) in _items(period):
        sheet.append(row(sheet, [
            plan, number, title, lead or "", "、".join(co.get(task_id, ())), due_on,
            _label(labels.TASK_STATUS, status) if status == TaskStatus.CLOSED else _("推进中"),
            _label(labels.PROGRESS, progress), percent, _label(labels.LIGHT, light), reason or "",
            period_label or "", _label(labels.REPORT_STATE, state), narrative or ""]))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns()))}{count + 1}"
    workbook.save(out)
    return count


def ledger_bytes(period: Period | None = None) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    count = write_ledger(buffer, period)
    return buffer.getvalue(), count


def filename(period: Period | None, today: date | None = None) -> str:
    return f"重点任务台账-{period.label if period else (today or local_today()).isoformat()}.xlsx"


def generate(period: Period | None = None, *, by=None, today: date | None = None):
    """Write the ledger and archive it; (archived row, bytes). The caller commits."""
    from tracker.reports.archive import archive
    from tracker.reports.models import ReportKind

    content, _count = ledger_bytes(period)
    label = period.label if period else (today or local_today()).isoformat()
    archived = archive(content, kind=ReportKind.LEDGER, filename=filename(period, today), title=_("重点任务台账"),
                       period_label=label, by=by)
    return archived, content
