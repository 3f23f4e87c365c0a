"""Cells of the workbooks the app writes (台账 and any other): text stays text.

openpyxl takes a string beginning with "=" for a formula, and Excel would then run what a department
typed (=HYPERLINK(…), =cmd|…). Every string is written as a text cell instead, with Excel's quote prefix
when it begins like a formula, so that editing the cell does not turn it into one either.
"""
from __future__ import annotations

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Excel refuses a cell longer than this.
CELL_LIMIT = 32767
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, text: str) -> WriteOnlyCell:
    # Control characters other than tab and line breaks (a Word line break is \x0b) are not allowed in
    # the file at all: openpyxl would refuse the whole workbook.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:CELL_LIMIT]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_STARTS)
    return cell


def row(sheet, values) -> list:
    """One row for a write-only sheet: strings as text cells, numbers and dates as they are."""
    return [text_cell(sheet, value) if isinstance(value, str) else value for value in values]
