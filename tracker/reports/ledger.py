"""台账: every item of the published plans as an Excel workbook of one period, one sheet per plan after a
summary (openpyxl, write-only so that tens of thousands of rows stream to the file instead of being held
in memory). Each sheet prints as it is read: a title row naming the plan and period, the header frozen
and repeated on every A4 landscape page, text wrapped in columns of set widths."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.core.clock import to_local
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reports.figures import Period
from tracker.tasks import labels
from tracker.tasks.models import (
    FILED_REPORT_STATES,
    AssignmentRole,
    Light,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    Task,
    TaskAssignment,
    TaskStatus,
)
from tracker.workbook import text_cell

_BATCH = 2000
_HEADER_ROW = 2  # under the title row
_SHEET_TITLE_LIMIT = 31  # Excel's
_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
_BOLD, _FILL = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")


def columns() -> list[tuple[str, int]]:
    """(heading, width in characters) of each column of a plan's sheet."""
    return [(_("编号"), 8), (_("事项"), 40), (_("牵头单位"), 16), (_("配合单位"), 22), (_("完成时限"), 11),
            (_("事项状态"), 9), (_("进展状态"), 9), (_("完成百分比"), 8), (_("红黄绿灯"), 7), (_("亮灯原因"), 26),
            (_("本期报送期"), 10), (_("本期报送状态"), 11), (_("本期报送内容"), 60)]


def summary_columns() -> list[tuple[str, int]]:
    return [(_("方案"), 40), (_("事项"), 8), (_("已销号"), 8), (_("本期应报送"), 10), (_("已报送"), 8),
            (_("未报送"), 8), (_("红灯"), 7), (_("黄灯"), 7), (_("绿灯"), 7)]


@dataclass
class PlanTally:
    """The summary's row of one plan, counted from the rows its sheet shows."""

    title: str
    items: int = 0
    closed: int = 0
    owed: int = 0
    filed: int = 0
    lights: dict = field(default_factory=lambda: {light: 0 for light in Light})

    def cells(self) -> list:
        return [self.title, self.items, self.closed, self.owed, self.filed, self.owed - self.filed,
                self.lights[Light.RED], self.lights[Light.YELLOW], self.lights[Light.GREEN]]


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


def _items(period: Period):
    """The items, plan by plan, each with its plan's last reporting period ending within `period` and its
    report for that one (none when it was never filed), streamed in batches."""
    latest_first = sa.func.row_number().over(partition_by=ReportingPeriod.plan_id,
                                             order_by=(ReportingPeriod.ends_on.desc(), ReportingPeriod.id.desc()))
    due = (sa.select(ReportingPeriod.plan_id, ReportingPeriod.id, ReportingPeriod.label, ReportingPeriod.starts_on,
                     latest_first.label("n"))
           .where(ReportingPeriod.ends_on >= period.starts_on, ReportingPeriod.ends_on <= period.ends_on)
           .subquery())
    query = (
        sa.select(Task.id, Plan.id, Plan.title, Task.number, Task.title, Department.name, Task.due_on, Task.status,
                  Task.closed_at, Task.progress_status, Task.percent_complete, Task.light, Task.light_reason,
                  due.c.label, due.c.starts_on, ProgressReport.state, ProgressReport.narrative)
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(Department, Department.id == Task.lead_department_id)
        .outerjoin(due, sa.and_(due.c.plan_id == Task.plan_id, due.c.n == 1))
        .outerjoin(ProgressReport, sa.and_(ProgressReport.task_id == Task.id, ProgressReport.period_id == due.c.id))
        .where(Plan.status == PlanStatus.PUBLISHED)
        .order_by(Task.plan_id, Task.position, Task.id)
        .execution_options(yield_per=_BATCH))
    return db.session.execute(query)


def _label(table: dict, value) -> str:
    return str(table[value]) if value is not None else ""


def _owes(period_start, closed_at) -> bool:
    """An item owes the report of a reporting period unless it was closed before that period began."""
    return period_start is not None and (closed_at is None or to_local(closed_at).date() >= period_start)


def report_state(period_start, closed_at, state: ReportState | None) -> str:
    """This period's state of an item's report, as the ledger shows it: a report never filed is 未报送,
    whatever an earlier period's was."""
    if period_start is None:
        return _("本期无需报送")
    if not _owes(period_start, closed_at):
        return _("已销号,无需报送")
    if state is None:
        return _("未报送")
    if state == ReportState.DRAFT:
        return _("未报送(草稿)")
    return _label(labels.REPORT_STATE, state)


def sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel takes (31 characters, none of []:*?/\\), unique in the workbook."""
    base = _NOT_IN_SHEET_TITLES.sub("", title).strip("' ")[:_SHEET_TITLE_LIMIT] or _("方案")
    name, number = base, 2
    while name.lower() in used:
        suffix = f"({number})"
        name, number = base[:_SHEET_TITLE_LIMIT - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def _start_sheet(workbook: Workbook, name: str, title: str, headings: list[tuple[str, int]]) -> Worksheet:
    """A sheet with its title row, its header (frozen, repeated on each printed page) and widths."""
    sheet = workbook.create_sheet(name)
    for index, (_heading, width) in enumerate(headings, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    sheet.print_title_rows = f"1:{_HEADER_ROW}"
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # as wide as the page, as long as it takes
    heading_cell = text_cell(sheet, title)
    heading_cell.font = Font(bold=True, size=14)
    sheet.append([heading_cell])
    header = []
    for heading, _width in headings:
        cell = text_cell(sheet, heading)
        cell.font, cell.fill, cell.alignment = _BOLD, _FILL, Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    return sheet


def _wrapped(sheet, values) -> list:
    """One row of cells whose text wraps within its column (strings as text cells, see tracker.workbook)."""
    cells = [text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value) for value in values]
    for cell in cells:
        cell.alignment = _WRAP
    return cells


def write_ledger(out, period: Period) -> int:
    """Write the ledger of `period` to `out` (a path or a binary file); the number of items."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    summary = _start_sheet(workbook, sheet_title(_("汇总"), used),
                           _("重点任务台账汇总 · %(period)s", period=period.title), summary_columns())
    co = _co_departments()
    tallies: list[PlanTally] = []
    sheet, plan_shown = None, None
    for (task_id, plan_id, plan, number, title, lead, due_on, status, closed_at, progress, percent, light, reason,
         period_label, period_start, state, narrative) in _items(period):
        if plan_id != plan_shown:
            _finish(sheet, tallies)
            plan_shown = plan_id
            tallies.append(PlanTally(plan))
            sheet = _start_sheet(workbook, sheet_title(plan, used),
                                 _("%(plan)s · 重点任务台账 · %(period)s", plan=plan, period=period.title), columns())
        tally = tallies[-1]
        tally.items += 1
        tally.closed += status == TaskStatus.CLOSED
        if _owes(period_start, closed_at):
            tally.owed += 1
            tally.filed += state in FILED_REPORT_STATES
        if status == TaskStatus.ACTIVE and light is not None:
            tally.lights[light] += 1
        sheet.append(_wrapped(sheet, [
            number, title, lead or "", "、".join(co.get(task_id, ())), due_on,
            _label(labels.TASK_STATUS, status) if status == TaskStatus.CLOSED else _("推进中"),
            _label(labels.PROGRESS, progress), percent, _label(labels.LIGHT, light), reason or "",
            period_label or "", report_state(period_start, closed_at, state), narrative or ""]))
    _finish(sheet, tallies)
    for tally in tallies:
        summary.append(_wrapped(summary, tally.cells()))
    total = PlanTally(_("合计"))
    for tally in tallies:
        for name in ("items", "closed", "owed", "filed"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        for light in Light:
            total.lights[light] += tally.lights[light]
    total_row = _wrapped(summary, total.cells())
    for cell in total_row:
        cell.font = _BOLD
    summary.append(total_row)
    workbook.save(out)
    return total.items


def _finish(sheet, tallies: list[PlanTally]) -> None:
    """Filters over the header and the rows of the plan's sheet just written."""
    if sheet is not None:
        last = tallies[-1].items + _HEADER_ROW
        sheet.auto_filter.ref = f"A{_HEADER_ROW}:{get_column_letter(len(columns()))}{last}"


def ledger_bytes(period: Period) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    count = write_ledger(buffer, period)
    return buffer.getvalue(), count


def filename(period: Period) -> str:
    return f"重点任务台账-{period.label}.xlsx"


def generate(period: Period, *, by=None):
    """Write the ledger and archive it (the command line's `reports ledger`); (archived row, bytes).
    The caller commits."""
    from tracker.reports.archive import archive
    from tracker.reports.models import ReportKind

    content, _count = ledger_bytes(period)
    archived = archive(content, kind=ReportKind.LEDGER, filename=filename(period), title=_("重点任务台账"),
                       period_label=period.label, by=by)
    return archived, content
