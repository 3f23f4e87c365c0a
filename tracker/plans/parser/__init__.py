"""The plan parser: text in, structure out (sections, tasks, units, deliverables, targets, indicators).

Pure functions on plain data, no database: `read_plan_bytes` turns an upload into text and
`parse_plan` turns text into a `ParsedPlan`, whose `to_dict()` is the `plans parse --json` contract.
"""
from __future__ import annotations

from tracker.plans.parser.deliverables import plan_targets, plan_years, scope_year, task_deliverables
from tracker.plans.parser.indicators import parse_table
from tracker.plans.parser.metadata import find_doc_number, find_issuer, find_publish_year, find_title
from tracker.plans.parser.model import ParsedPlan, ParseWarning, Section, Task, Target
from tracker.plans.parser.normalise import Normalised, normalise
from tracker.plans.parser.numbering import Node, Outline, build_outline, is_task
from tracker.plans.parser.reading import PlanFileError, read_plan_bytes
from tracker.plans.parser.responsibility import Responsibility, is_group, parse_responsibility

__all__ = ["ParsedPlan", "PlanFileError", "parse_plan", "read_plan_bytes"]


def parse_plan(text: str, filename: str | None = None) -> ParsedPlan:
    normalised = normalise(text)
    outline = build_outline([paragraph.text for paragraph in normalised.paragraphs])
    lines = normalised.all_lines
    plan = ParsedPlan(
        title=find_title(lines, filename),
        doc_number=find_doc_number(lines),
        issuer=find_issuer(lines),
        converted_from_traditional=normalised.converted_from_traditional,
        preamble=_text(outline.root, normalised, ("title", "body", "year", "box")),
        warnings=normalised.warnings + outline.warnings,
    )
    task_nodes = _read_nodes(plan, outline, normalised)
    targets = _plan_targets(outline, normalised)
    deadline_years = [deliverable.year for task in plan.tasks for deliverable in task.deliverables
                      if deliverable.is_deadline] + [target.year for target in targets if target.year]
    plan.start_year, plan.end_year = plan_years(
        plan.title, [deliverable for task in plan.tasks for deliverable in task.deliverables],
        deadline_years, find_publish_year(lines))
    plan.targets = [target for target in targets if not (target.year and plan.start_year and target.year < plan.start_year)]
    _read_indicators(plan, outline, normalised, task_nodes)
    _finish_warnings(plan, normalised)
    return plan


def _text(node: Node, normalised: Normalised, kinds: tuple[str, ...], original: bool = False) -> str:
    pieces = []
    for part in node.parts:
        if part.kind not in kinds:
            continue
        paragraph = normalised.paragraphs[part.paragraph]
        piece = paragraph.original_span(part.start, part.end) if original else paragraph.text[part.start:part.end]
        pieces.append(piece.strip())
    return "\n".join(piece for piece in pieces if piece)


TASK_TEXT = ("body", "box")


def _read_nodes(plan: ParsedPlan, outline: Outline, normalised: Normalised) -> dict[int, Task]:
    """Walk the outline in reading order: sections, and tasks with their units and deliverables."""
    carried: list[str] = []
    responsibilities: dict[int, Responsibility] = {}
    task_nodes: dict[int, Task] = {}
    for node in outline.root.walk():
        if node is outline.root:
            continue
        text = _text(node, normalised, TASK_TEXT + ("title",))
        responsibility = parse_responsibility(text + node.units_text)
        responsibilities[id(node)] = responsibility
        if not is_task(node):
            plan.sections.append(Section(node.number, node.title, len(node.path), node.path,
                                         _text(node, normalised, TASK_TEXT + ("year",)), node.is_preamble))
            carried = _unique(carried + responsibility.carried)
            continue
        if responsibility.is_empty:
            responsibility = _inherited(node, responsibilities) or responsibility
        carried = _unique(carried + responsibility.carried)
        task = _task(node, normalised, responsibility, carried)
        plan.tasks.append(task)
        task_nodes[id(node)] = task
    return task_nodes


def _inherited(node: Node, responsibilities: dict[int, Responsibility]) -> Responsibility | None:
    """A task naming no unit takes those its section names, if any."""
    parent = node.parent
    while parent is not None and parent.style != "root":
        found = responsibilities.get(id(parent))
        if found is not None and not found.is_empty:
            return found
        parent = parent.parent
    return None


def _task(node: Node, normalised: Normalised, responsibility: Responsibility, carried: list[str]) -> Task:
    text = _text(node, normalised, TASK_TEXT) or node.title
    year_lines = [normalised.paragraphs[part.paragraph].text[part.start:part.end] for part in node.parts if part.kind == "year"]
    co = [unit for unit in _unique(responsibility.co + carried) if unit != responsibility.lead]
    task = Task(
        number=node.number,
        path=node.path,
        title=node.title,
        text=text,
        text_original=_text(node, normalised, TASK_TEXT, original=True) or text,
        lead=responsibility.lead,
        co=co,
        groups=[unit for unit in [responsibility.lead, *co] if unit and is_group(unit)],
        deliverables=task_deliverables(text, year_lines),
    )
    if responsibility.lead is None:
        task.warnings.append(ParseWarning("no_unit", f"任务“{task.title}”没有写明责任单位,导入后待办公室指定。", task.number))
    if responsibility.is_unclosed:
        task.warnings.append(ParseWarning("unclosed_clause", f"任务“{task.title}”的责任单位括号没有闭合,名单可能不完整。", task.number))
    return task


def _plan_targets(outline: Outline, normalised: Normalised) -> list[Target]:
    """Targets stated outside the tasks: in the opening text and in the goals (发展目标)."""
    targets: list[Target] = []
    for node in outline.root.walk():
        if not (node is outline.root or node.is_preamble):
            continue
        is_goal = any("目标" in ancestor.title for ancestor in _lineage(node))
        year, _ = scope_year(node.title)
        for part in node.parts:
            if part.kind != "box":
                paragraph = normalised.paragraphs[part.paragraph].text[part.start:part.end]
                targets.extend(plan_targets(paragraph, year, is_goal))
    unique = {(target.name, target.value, target.unit, target.year): target for target in reversed(targets)}
    return [target for target in targets if unique.get((target.name, target.value, target.unit, target.year)) is target]


def _lineage(node: Node):
    while node is not None:
        yield node
        node = node.parent


def _read_indicators(plan: ParsedPlan, outline: Outline, normalised: Normalised, task_nodes: dict[int, Task]) -> None:
    for box in outline.boxes:
        lines = [normalised.paragraphs[index].text for index in range(box.start + 1, box.end)]
        indicators = parse_table(lines, plan.end_year)
        if indicators is None:
            continue
        if not indicators:
            plan.warnings.append(ParseWarning("indicator_table", f"“{box.title}”像是指标表,但没能读出任何指标,请在审核时补录。"))
        owner = task_nodes.get(id(box.owner))
        (owner.indicators if owner else plan.indicators).extend(indicators)


def _finish_warnings(plan: ParsedPlan, normalised: Normalised) -> None:
    if normalised.is_truncated:
        last = plan.tasks[-1] if plan.tasks else None
        ending = normalised.paragraphs[-1].text[-20:] if normalised.paragraphs else ""
        warning = ParseWarning("truncated", f"文档在“……{ending}”处中断,内容可能不完整;已保留现有内容,请对照原文核对。",
                               last.number if last else None)
        plan.warnings.append(warning)
        if last:
            last.warnings.append(warning)
    if not plan.tasks:
        plan.warnings.append(ParseWarning("no_tasks", "没有识别出任何任务,请检查文件内容,或在审核时手工添加任务。"))
    for task in plan.tasks:
        plan.warnings.extend(warning for warning in task.warnings if warning.code != "truncated")


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
