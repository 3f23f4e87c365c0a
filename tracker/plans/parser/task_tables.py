"""Task-breakdown tables (重点任务分解表): one task a row, its units and deadline in their own columns.

Many plans list their tasks, or append them, as a table ("序号 | 重点任务 | 牵头单位 | 配合单位 |
完成时限"). A Word table arrives as one pipe-separated line a row; the header names the columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = [
    ("number", re.compile(r"^(?:序号|编号)$")),
    ("lead", re.compile(r"牵头")),
    ("co", re.compile(r"配合|参与|协办|协同")),
    ("units", re.compile(r"责任单位|责任部门|责任主体|责任领导|主责")),
    ("deadline", re.compile(r"时限|时间|进度|完成期限|节点")),
    ("task", re.compile(r"任务|工作内容|工作措施|具体措施|主要内容|事项|措施")),
]


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
    """Task tables by their first row (the header); `taken` paragraphs (专栏 boxes) are left alone."""
    tables = {}
    index = 0
    while index < len(paragraphs):
        columns = _header_columns(paragraphs[index]) if index not in taken else None
        if columns is None:
            index += 1
            continue
        end = index + 1
        while end < len(paragraphs) and end not in taken and "|" in paragraphs[end]:
            end += 1
        if end > index + 1:
            tables[index] = TaskTable(index, end, columns)
        index = end
    return tables


def _header_columns(line: str) -> dict[str, list[int]] | None:
    if line.count("|") < 2:
        return None
    columns: dict[str, list[int]] = {}
    for position, cell in enumerate(cells(line)):
        for role, pattern in ROLES:
            if pattern.search(cell.text):
                columns.setdefault(role, []).append(position)
                break
    names_units = "lead" in columns or "units" in columns
    return columns if "task" in columns and names_units else None


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
