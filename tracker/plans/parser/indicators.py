"""Indicator tables (专栏 主要指标): each row's name, unit, baseline and target.

Copied tables arrive as pipe-separated rows whose cells break across lines ("指标\\n种类 |",
"104 |\\n120 |"), so the box is read as one stream of cells: the header first, then for each row an
optional category cell (merged down its group), the indicator's name with its unit in brackets, and
its values in the header's order.
"""
from __future__ import annotations

import re

from tracker.plans.parser.targets import MULTIPLIERS, parse_quantity
from tracker.plans.parser.model import Indicator

VALUE = re.compile(r"^[*※#]?\s*[≥≤><约]?\s*(?P<number>\d+(?:\.\d+)?)\s*(?:%|‰)?\s*(?:左右|以上|以内|以下|及以上)?$")
EMPTY_VALUE = re.compile(r"^[-—–//]+$|^(?:无|暂无)$")
HEADER_WORD = re.compile(r"指标|名称|种类|类别|领域|类型|(?:19|20)\d\d\s*年|目标|基期|现状|基准|基数|属性|性质|单位|备注|规划|完成|预期|年均|增速|数值|值$")
VALUE_HEADER = re.compile(r"(?:19|20)\d\d\s*年|目标|基期|现状|基准|基数|规划值|预期值|数值")
TARGET_HEADER = re.compile(r"目标|规划值|预期值")
BASELINE_HEADER = re.compile(r"基期|现状|基准|基数")
ATTRIBUTES = ("预期性", "约束性")
NOTE = re.compile(r"^(?:备注|注|资料来源|说明)[:：]")
NAME_WITH_UNIT = re.compile(r"^(?P<name>.+?)\s*[(（](?P<unit>[^()（）]{1,8})[)）]$")


def parse_table(lines: list[str], end_year: int | None) -> list[Indicator] | None:
    """The indicators of a box's table, or None when the box holds no indicator table.

    A table of a past plan's completion (规划目标 | 完成情况) is not this plan's indicators.
    """
    lines = [line for line in lines if not NOTE.match(line)]
    if sum("|" in line for line in lines) < 3:
        return None
    cells = [re.sub(r"\s+", "", cell) for cell in "".join(lines).split("|")]
    cells = [cell for cell in cells if cell]
    header_length = 0
    while header_length < len(cells) and HEADER_WORD.search(cells[header_length]) and not VALUE.match(cells[header_length]):
        header_length += 1
    header, body = cells[:header_length], cells[header_length:]
    if not any("指标" in cell for cell in header) or any("完成" in cell for cell in header):
        return None
    value_headers = [cell for cell in header if VALUE_HEADER.search(cell)]
    target_column = _target_column(value_headers)
    if target_column is None:
        return None
    baseline_column = _baseline_column(value_headers, target_column)
    has_category = any(re.search(r"种类|类别|领域|类型", cell) for cell in header)
    target_year = _year(value_headers[target_column]) or end_year
    baseline_year = _year(value_headers[baseline_column]) if baseline_column is not None else None
    indicators = []
    for category, name, values, attribute in _rows(body, len(value_headers), has_category):
        indicators.append(_indicator(name, values, target_column, baseline_column, category, attribute, target_year, baseline_year))
    return indicators


def _target_column(value_headers: list[str]) -> int | None:
    for index in range(len(value_headers) - 1, -1, -1):
        if TARGET_HEADER.search(value_headers[index]):
            return index
    years = [(_year(header), index) for index, header in enumerate(value_headers) if _year(header)]
    return max(years)[1] if len(years) > 1 else None


def _baseline_column(value_headers: list[str], target_column: int) -> int | None:
    for index, header in enumerate(value_headers):
        if index != target_column and (BASELINE_HEADER.search(header) or _year(header)):
            return index
    return None


def _year(header: str) -> int | None:
    match = re.search(r"((?:19|20)\d\d)\s*年", header)
    return int(match.group(1)) if match else None


def _is_value(cell: str) -> bool:
    return bool(VALUE.match(cell) or EMPTY_VALUE.match(cell))


def _rows(cells: list[str], value_count: int, has_category: bool):
    category = None
    index = 0
    while index < len(cells):
        cell = cells[index]
        if _is_value(cell) or cell in ATTRIBUTES:
            index += 1
            continue
        following = cells[index + 1] if index + 1 < len(cells) else ""
        if has_category and following and not _is_value(following) and following not in ATTRIBUTES:
            category = cell
            index += 1
            continue
        index += 1
        values: list[str] = []
        attribute = None
        while index < len(cells) and (_is_value(cells[index]) or cells[index] in ATTRIBUTES) and len(values) < value_count:
            if cells[index] in ATTRIBUTES:
                attribute = cells[index]
            else:
                values.append(cells[index])
            index += 1
        if index < len(cells) and cells[index] in ATTRIBUTES:
            attribute = cells[index]
            index += 1
        yield category, cell, values + [None] * (value_count - len(values)), attribute


def _indicator(cell: str, values: list[str | None], target_column: int, baseline_column: int | None,
               category: str | None, attribute: str | None, target_year: int | None, baseline_year: int | None) -> Indicator:
    match = NAME_WITH_UNIT.match(cell)
    name, unit_text = (match.group("name"), match.group("unit")) if match else (cell, None)
    unit, multiplier = split_unit(unit_text)
    baseline_text = values[baseline_column] if baseline_column is not None else None
    target_text = values[target_column]
    return Indicator(
        name=name,
        unit=unit,
        baseline=_number(baseline_text, multiplier),
        target=_number(target_text, multiplier),
        year=target_year,
        baseline_text=baseline_text,
        target_text=target_text,
        unit_text=unit_text,
        baseline_year=baseline_year,
        category=category,
        attribute=attribute,
    )


def split_unit(unit_text: str | None) -> tuple[str | None, str | None]:
    """"亿元" → ("元", "亿"): values are given in the base unit, as targets in the text are."""
    if not unit_text:
        return None, None
    for multiplier in sorted(MULTIPLIERS, key=len, reverse=True):
        rest = unit_text[len(multiplier):]
        if unit_text.startswith(multiplier) and rest and "/" not in unit_text:
            return rest, multiplier
    return unit_text, None


def _number(cell: str | None, multiplier: str | None) -> int | float | None:
    if cell is None:
        return None
    match = VALUE.match(cell)
    return parse_quantity(match.group("number"), multiplier) if match else None
