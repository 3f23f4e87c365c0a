"""Task-division tables (任务分工表/分解表) in Excel (.xlsx, .xls, read with calamine) or .csv.

Each sheet becomes a table, merged ranges repeated into every slot they cover; the task-table
reader then finds the header row by what its cells mean, wherever it stands in the sheet.
"""
from __future__ import annotations

import csv
import datetime
import io

from tracker.plans.parser.errors import PlanFileError
from tracker.plans.parser.formats.archive import OLE_MAGIC, open_archive
from tracker.plans.parser.formats.blocks import MAX_COLUMNS, Block, Paragraph, Span, Table, clean, expand
from tracker.plans.parser.formats.limits import Budget
from tracker.plans.parser.formats.text import decode

HINT = "请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传。"
DEFAULT_SHEET_NAMES = ("sheet", "工作表")


def read_xlsx(data: bytes, budget: Budget) -> list[Block]:
    if data.startswith(OLE_MAGIC):
        # Most often an old .xls renamed; calamine reads it as what it is.
        return _read_workbook(data, budget, "Excel(.xls)")
    open_archive(data, budget.limits, "Excel(.xlsx)", HINT).close()
    return _read_workbook(data, budget, "Excel(.xlsx)")


def read_xls(data: bytes, budget: Budget) -> list[Block]:
    return _read_workbook(data, budget, "Excel(.xls)")


def _read_workbook(data: bytes, budget: Budget, kind: str) -> list[Block]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(sheet.name, _sheet_rows(workbook.get_sheet_by_name(sheet.name), budget))
                  for sheet in workbook.sheets_metadata
                  if str(sheet.visible).endswith(".Visible") and str(sheet.typ).endswith(".WorkSheet")]
    except PlanFileError:
        raise
    except python_calamine.PasswordError:
        raise PlanFileError(f"这个 {kind} 文件设置了打开密码,无法读取。请取消密码后再上传。") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # calamine reports a malformed file as a Rust panic, a BaseException
        raise PlanFileError(f"无法读取这个 {kind} 文件,文件可能已损坏或并非 Excel 文件。{HINT}") from error
    filled = [(name, rows) for name, rows in sheets if any(any(row) for row in rows)]
    blocks: list[Block] = []
    for name, rows in filled:
        if len(filled) > 1 and not name.lower().startswith(DEFAULT_SHEET_NAMES):
            blocks.append(Paragraph(name))
        blocks.append(Table(rows))
    return blocks


def _sheet_rows(sheet, budget: Budget) -> list[list[str]]:
    if sheet.total_width > MAX_COLUMNS:
        raise PlanFileError(f"工作表“{sheet.name}”有 {sheet.total_width:,} 列,超过了 {MAX_COLUMNS} 列的上限,"
                            "不像任务分工表。请删去多余的列后再上传。")
    room = budget.limits.max_paragraphs - budget.paragraphs + 1
    values = sheet.to_python(skip_empty_area=False, nrows=room)
    budget.spend(len(values))
    merged = {(top, left): (bottom - top + 1, right - left + 1)
              for (top, left), (bottom, right) in sheet.merged_cell_ranges or []}
    covered = {(row, column) for (top, left), (height, width) in merged.items()
               for row in range(top, top + height) for column in range(left, left + width)} - set(merged)
    spans = [[Span(_shown(value), *merged.get((row, column), (1, 1)))
              for column, value in enumerate(line) if (row, column) not in covered]
             for row, line in enumerate(values)]
    return expand(spans)


def _shown(value) -> str:
    """A cell as the sheet shows it: whole numbers without .0, dates the Chinese way."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    return clean(str(value))


def read_csv(data: bytes, budget: Budget) -> list[Block]:
    text = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            budget.spend()
            rows.append([Span(clean(cell)) for cell in row[:MAX_COLUMNS]])
    except csv.Error as error:
        raise PlanFileError("无法按表格读取这个 .csv 文件(引号或分隔符不成对)。请在 Excel 中打开后另存为 .xlsx 再上传。") from error
    return [Table(expand(rows))] if rows else []
