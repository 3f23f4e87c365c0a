"""Meeting minutes (会议纪要) and leaders' instructions (批示): their decisions as items, read with the plan
grammar (units and their roles from responsibility, deadlines from deadlines, table headers from
task_tables).

Minutes write their decisions in three common ways: numbered after 会议议定 ("一、…由市科技局牵头,市财政局
配合,3月底前完成。"), as paragraphs opened by 会议要求/会议强调/会议明确 that name who does what, or as a
table (序号 | 议定事项 | 牵头单位 | 配合单位 | 完成时限). Within a decision the units and the deadline
stand in clauses of their own between commas, where a plan puts them in a bracket: each clause is
read alone, as a plan's sentence is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tracker.plans.parser.deadlines import due_on
from tracker.plans.parser.metadata import find_doc_number
from tracker.plans.parser.model import Deliverable, ParsedPlan, ParseWarning, Task
from tracker.plans.parser.responsibility import parse_responsibility, split_units
from tracker.plans.parser.task_tables import ROLES, cells
from tracker.plans.parser.units import unit_run

_NUMBERED = re.compile(r"^\s*(?:([一二三四五六七八九十]+)\s*[、.．]|[(（]([一二三四五六七八九十]+)[)）]|(\d{1,2})\s*[、.．](?!\d))\s*")
# A paragraph that states a decision: 会议要求, 会议强调, 会议明确, 会议同意, 会议决定, 会议议定.
_DECIDING = re.compile(r"^\s*会议(?:要求|强调|明确|同意|决定|议定|研究决定)\s*[,，:：]?\s*")
# Where the numbered decisions start; numbered lines before it (议题) are not decisions.
_DECISIONS_START = re.compile(r"会议(?:议定|研究议定|决定|明确)(?:如下|以下)?(?:事项)?\s*[:：]?\s*$|议定事项\s*[:：]?\s*$")
_CLAUSE = re.compile(r"[,，;；。]")
_ASKED = re.compile(r"^(?:请|由|责成|要求)")
_WITH = re.compile(r"^(?:会同|商|联合)")
_ACTS = re.compile(r"^(?:要|须|需|应|抓紧|尽快|负责)")
# A deadline's words at the head of a clause, and how short the rest is when it only says 完成 or 报市政府.
_DEADLINE_WORDS = re.compile(r"^.*?(?:之前|以前|前)")
_DEADLINE_VERB = 5
_HELD = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# "月底前" and "本月底" in minutes: the end of the meeting's month.
_MONTH_END = re.compile(r"^(?:于|在)?(?:本)?月底(?:前|之前)?")
TITLE_LIMIT = 60


@dataclass
class Decision:
    """One decision's reading: what to do, who leads, who works with it, by when."""

    title: str
    text: str
    lead: str | None = None
    co: list[str] = field(default_factory=list)
    due: date | None = None


def meeting_day(text: str) -> date | None:
    """The first full date the minutes write: the day the meeting was held."""
    match = _HELD.search(text)
    if match is None:
        return None
    try:
        return date(*(int(group) for group in match.groups()))
    except ValueError:
        return None


def read_decision(text: str, held_on: date) -> Decision:
    """A decision's units and deadline, each read from its own clause; the rest says what to do."""
    text = _DECIDING.sub("", text.strip())
    units: list[str] = []
    deadline = None
    words: list[str] = []
    for clause in (part.strip() for part in _CLAUSE.split(text)):
        if not clause:
            continue
        asked = _ASKED.sub("", clause)
        day = _deadline(clause, held_on)
        if day is not None and deadline is None:
            deadline = day
            # "于5月底前完成实施方案": what follows the deadline is what is to be done.
            rest = _DEADLINE_WORDS.sub("", clause, count=1)
            if len(rest) > _DEADLINE_VERB:
                words.append(rest)
            continue
        with_units = _WITH.match(clause)
        if with_units and units:
            names, rest = _names(clause, with_units.end())
            units[-1] += "会同" + "、".join(names)
            words += [rest] if rest else []
            continue
        names, rest = _names(asked, 0)
        if names and _ACTS.match(rest):
            # "市城管局要加强扬尘管控": the unit named as the subject leads what follows.
            units.append("、".join(names) + "负责")
            words.append(_ACTS.sub("", rest))
            continue
        if not parse_responsibility(asked + "。").is_empty:
            units.append(asked)
            continue
        words.append(clause)
    responsibility = parse_responsibility("。".join(units) + "。") if units else None
    title = (words[0] if words else text)[:TITLE_LIMIT]
    return Decision(title=title, text=text, lead=responsibility.lead if responsibility else None,
                    co=list(responsibility.co) if responsibility else [], due=deadline)


def _names(clause: str, start: int) -> tuple[list[str], str]:
    """The unit names a clause writes from `start`, and the words after them."""
    spans = unit_run(clause, start)
    if not spans:
        return [], clause[start:]
    return [clause[a:b] for a, b in spans], clause[spans[-1][1]:].strip()


def _deadline(clause: str, held_on: date) -> date | None:
    stripped = clause.strip()
    if _MONTH_END.match(stripped):
        return due_on(f"{held_on.month}月底前", held_on.year)
    for start in range(0, min(len(stripped), 6)):
        # A clause may open with a verb before its deadline ("力争6月底前…", "并于4月15日前…").
        day = due_on(stripped[start:], held_on.year)
        if day is not None:
            return day if day >= held_on or re.search(r"(?:19|20)\d\d\s*年", stripped) else day.replace(year=day.year + 1)
    return None


def _numbered(lines: list[str]) -> list[str]:
    """Decisions numbered 一、二、 (or (一), 1.) after 会议议定; a line without a number continues the one before."""
    start = next((i + 1 for i, line in enumerate(lines) if _DECISIONS_START.search(line)), None)
    if start is None:
        inline = next((i for i, line in enumerate(lines) if re.search(r"会议议定|议定事项|会议决定", line)), None)
        start = inline + 1 if inline is not None else 0
    decisions: list[str] = []
    for line in lines[start:]:
        match = _NUMBERED.match(line)
        if match:
            decisions.append(line[match.end():])
        elif decisions and not _DECIDING.match(line):
            decisions[-1] += line
    return decisions


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs opened by 会议要求/会议强调/…, those that name who is to act."""
    return [line for line in lines if _DECIDING.match(line)
            and not parse_responsibility(_clause_text(_DECIDING.sub("", line))).is_empty]


def _clause_text(text: str) -> str:
    return "。".join(_ASKED.sub("", part.strip()) for part in _CLAUSE.split(text) if part.strip()) + "。"


def _table(lines: list[str], held_on: date) -> list[Decision]:
    """A decisions table, one pipe-separated line a row (as a Word table is read), named by its header."""
    for index, line in enumerate(lines):
        if "|" not in line:
            continue
        columns = [_role(cell.text) for cell in cells(line)]
        if "task" not in columns or not {"lead", "units"} & set(columns):
            continue
        decisions = []
        for row in lines[index + 1:]:
            if "|" not in row:
                break
            values = {}
            for role, cell in zip(columns, cells(row)):
                values.setdefault(role, cell.text)
            if not values.get("task"):
                continue
            lead_cell = values.get("lead") or values.get("units") or ""
            named = split_units(lead_cell)
            co = split_units(values.get("co") or "") if values.get("co") else named[1:]
            decision = read_decision(values["task"], held_on)
            decision.lead = named[0] if named else decision.lead
            decision.co = co or decision.co
            decision.due = _deadline(values.get("deadline") or "", held_on) or decision.due
            decisions.append(decision)
        return decisions
    return []


def _role(header: str) -> str | None:
    return next((role for role, pattern in ROLES if pattern.search(header.strip())), None)


def parse_minutes(text: str, held_on: date) -> ParsedPlan:
    """The minutes' decisions as the tasks of a parse, in the shape `parse_plan` gives, for the same review.
    A deadline without its year is the meeting's year, or the next one where that day has passed."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    decisions = _table(lines, held_on)
    if not decisions:
        numbered = _numbered(lines)
        paragraphs = _paragraphs(lines)
        decisions = [read_decision(part, held_on) for part in (numbered or paragraphs)]
    minutes = ParsedPlan(title=lines[0][:300] if lines else "", doc_number=find_doc_number(lines[:6]),
                         start_year=held_on.year)
    for number, decision in enumerate(decisions, 1):
        minutes.tasks.append(_task(number, decision))
    years = [deliverable.year for task in minutes.tasks for deliverable in task.deliverables] or [held_on.year]
    minutes.end_year = max(years + [held_on.year])
    minutes.warnings = [warning for task in minutes.tasks for warning in task.warnings]
    if not minutes.tasks:
        minutes.warnings.append(ParseWarning("no_decision", "纪要中没有找到议定事项(编号的议定事项、“会议要求/会议强调”段落或议定事项表)。"))
    return minutes


def _task(number: int, decision: Decision) -> Task:
    task = Task(number=str(number), path=[str(number)], title=decision.title, text=decision.text,
                text_original=decision.text, lead=decision.lead, co=decision.co)
    if decision.due is not None:
        task.deliverables.append(Deliverable(year=decision.due.year, text=decision.title, is_deadline=True,
                                             due_on=decision.due))
    else:
        task.warnings.append(ParseWarning("no_deadline", f"议定事项“{decision.title}”没有写明完成时限。", str(number)))
    if decision.lead is None:
        task.warnings.append(ParseWarning("no_unit", f"议定事项“{decision.title}”没有写明责任单位,导入后待办公室指定。",
                                          str(number)))
        task.doubts.append("no_lead")
    return task
