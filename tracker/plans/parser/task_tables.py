"""Task-breakdown tables (重点任务分解表): one task a row, its units and deadline in their own columns.

Many plans list their tasks, or append them, as a table ("序号 | 重点任务 | 牵头单位 | 配合单位 |
完成时限"). A Word table arrives as one pipe-separated line a row; the header names the columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A header cell's role, by the first pattern its words match; the order settles cells that name two
# things ("任务完成时限" is a deadline, "任务来源" is neither task nor unit).
ROLES = [
    ("number", re.compile(r"^(?:序号|编号|序|No\.?|#)$", re.I)),
    ("person", re.compile(r"责任领导|分管领导|领导|责任人|联系人|负责人")),
    ("other", re.compile(r"来源|依据|备注|说明|完成情况|进展情况|落实情况|进展|分值|评分|考核")),
    ("deadline", re.compile(r"时限|时间|期限|节点|进度|截止|日期|年限")),
    ("lead", re.compile(r"牵头|主办|主责|第一责任|主要责任")),
    ("co", re.compile(r"配合|参与|协办|协同|协作|协助|会同|支持单位|其他责任")),
    ("units", re.compile(r"责任单位|责任部门|责任主体|负责单位|负责部门|承办|实施单位|实施主体|实施部门|责任处室|单位|部门")),
    ("task", re.compile(r"任务|工作内容|措施|举措|事项|要点|具体工作|主要内容|内容|目标|工作|项目|事件")),
]
# A header row is short labels; a longer cell, a number or a numbered heading is content.
LABEL_LIMIT = 16
_NOT_LABEL = re.compile(r"^(?:\d+$|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")


@dataclass
class Cell:
    start: int
    end: int
    text: str


@dataclass
class TaskTable:
    """Rows [start, end) of the paragraphs, and which column holds what."""

    start: int
    end: int
    columns: dict[str, list[int]]


def cells(line: str) -> list[Cell]:
    """A row's cells with their place in the line, empty ones kept so that columns stay aligned."""
    found, position = [], 0
    body = line.rstrip().removesuffix("|")
    for raw in body.split("|"):
        stripped = raw.strip()
        start = position + (raw.index(stripped) if stripped else 0)
        found.append(Cell(start, start + len(stripped), stripped))
        position += len(raw) + 1
    return found


def find_task_tables(paragraphs: list[str], taken: set[int]) -> dict[int, TaskTable]:
    """Task tables by their header (one row, or two where the second splits a column: "责任单位" over
    "牵头单位 | 配合单位"); `taken` paragraphs (专栏 boxes) are left alone. A table is keyed by its
    last header row."""
    tables = {}
    index = 0
    while index < len(paragraphs):
        header = _header(paragraphs, index, taken)
        if header is None:
            index += 1
            continue
        start, columns = header
        end = start + 1
        while end < len(paragraphs) and end not in taken and "|" in paragraphs[end]:
            end += 1
        if end > start + 1:
            tables[start] = TaskTable(start, end, _specific_first(columns, paragraphs[start + 1:end]))
        index = end
    return tables


def _header(paragraphs: list[str], index: int, taken: set[int]) -> tuple[int, dict[str, list[int]]] | None:
    if index in taken or not _is_label_row(paragraphs[index]):
        return None
    following = index + 1
    if following < len(paragraphs) and following not in taken and _is_label_row(paragraphs[following]):
        combined = _combined(paragraphs[index], paragraphs[following])
        if combined is not None and _columns(combined) is not None:
            return following, _columns(combined)
    columns = _columns(labels(paragraphs[index]))
    return (index, columns) if columns is not None else None


def labels(line: str) -> list[str]:
    """A header row's labels, without the spaces that spread a short label over its cell ("序  号")."""
    return [re.sub(r"\s", "", cell.text) for cell in cells(line)]


def _is_label_row(line: str) -> bool:
    if line.count("|") < 2:
        return False
    texts = labels(line)
    return any(texts) and all(len(text) <= LABEL_LIMIT and not _NOT_LABEL.match(text) for text in texts)


def _combined(first: str, second: str) -> list[str] | None:
    """Two header rows as one, each column's labels read top to bottom; None unless the second row
    refines the first: where it differs from the row above (a label merged down is repeated, see
    the readers), it says what role the column has."""
    top, below = labels(first), labels(second)
    if len(top) != len(below):
        return None
    refined = [lower for upper, lower in zip(top, below) if lower and lower != upper]
    if not refined or not all(_role(lower) not in (None, "other") for lower in refined):
        return None
    return [upper if lower in ("", upper) else upper + lower for upper, lower in zip(top, below)]


def _role(label: str) -> str | None:
    return next((role for role, pattern in ROLES if pattern.search(label)), None)


def is_header(texts: list[str]) -> bool:
    """Short labels that name a task column and a unit column: a task table's header row."""
    return all(len(text) <= LABEL_LIMIT and not _NOT_LABEL.match(text) for text in texts) and _columns(texts) is not None


def _columns(header: list[str]) -> dict[str, list[int]] | None:
    columns: dict[str, list[int]] = {}
    for position, label in enumerate(header):
        role = _role(label)
        if role is not None:
            columns.setdefault(role, []).append(position)
    names_units = "lead" in columns or "units" in columns
    return columns if "task" in columns and names_units else None


def _specific_first(columns: dict[str, list[int]], rows: list[str]) -> dict[str, list[int]]:
    """Of several task columns, the one with the most distinct entries first: it names the task,
    where a merged column above it ("推进生态文明建设" over five measures) names its group."""
    def distinct(position: int) -> int:
        return len({row[position].text for row in map(cells, rows) if position < len(row) and row[position].text})

    return {**columns, "task": sorted(columns["task"], key=distinct, reverse=True)}


def row_parts(line: str, table: TaskTable) -> dict[str, list[Cell]]:
    """A row's non-empty cells by the role of their column."""
    row = cells(line)
    return {role: [row[position] for position in positions if position < len(row) and row[position].text]
            for role, positions in table.columns.items()}


def units_clause(parts: dict[str, list[Cell]]) -> str:
    """The row's unit columns as the clause a plan would write: "(牵头单位:…;配合单位:…)"."""
    lead = "、".join(cell.text for cell in parts.get("lead", []) + parts.get("units", []))
    co = "、".join(cell.text for cell in parts.get("co", []))
    clause = f"牵头单位:{lead}" if lead else ""
    if co:
        clause += f";配合单位:{co}"
    return f"({clause})" if clause else ""
