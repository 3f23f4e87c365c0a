"""The plan parser: text in, structure out (sections, tasks, units, deliverables, targets, indicators).

Pure functions on plain data, no database: `read_plan_bytes` turns an upload into text and
`parse_plan` turns text into a `ParsedPlan`, whose `to_dict()` is the `plans parse --json` contract.
"""
from __future__ import annotations

import re

from tracker.plans.parser.deadlines import scope_year
from tracker.plans.parser.deliverables import (date_one_year, dated_by_cells, plan_targets, plan_years, task_deliverables,
                                               without_yearless)
from tracker.plans.parser.flat_tables import rebuild_tables
from tracker.plans.parser.indicators import parse_table
from tracker.plans.parser.metadata import find_doc_number, find_issuer, find_publish_year, find_title
from tracker.plans.parser.model import Deliverable, ParsedPlan, ParseWarning, Section, Task, Target
from tracker.plans.parser.normalise import Normalised, normalise
from tracker.plans.parser.numbering import SECTION_STYLES, TABLE_STYLES, YEAR_COLUMN, Node, Outline, build_outline, is_task
from tracker.plans.parser.reading import PlanFileError, read_plan_bytes
from tracker.plans.parser.responsibility import FIRST_LEADS, Responsibility, is_group, parse_responsibility, tagged_sentences
from tracker.plans.parser.targets import targets_in
from tracker.plans.parser.units import is_unit_name

__all__ = ["ParsedPlan", "PlanFileError", "parse_plan", "read_plan_bytes"]


def parse_plan(text: str, filename: str | None = None) -> ParsedPlan:
    normalised = normalise(text)
    normalised.paragraphs = rebuild_tables(normalised.paragraphs)
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
    task_nodes, tags = _read_nodes(plan, outline, normalised)
    targets = _plan_targets(outline, normalised, task_nodes)
    deadline_years = [deliverable.year for task in plan.tasks for deliverable in task.deliverables
                      if deliverable.is_deadline] + [target.year for target in targets if target.year]
    plan.start_year, plan.end_year = plan_years(
        plan.title, [deliverable for task in plan.tasks for deliverable in task.deliverables],
        deadline_years, find_publish_year(lines), "" if plan.title not in (filename or "") else lines[0] if lines else "")
    plan.targets = [target for target in targets if not (target.year and plan.start_year and target.year < plan.start_year)]
    for task in plan.tasks:
        if plan.start_year is not None and plan.start_year == plan.end_year:
            date_one_year(task.deliverables, plan.start_year)
        else:
            task.deliverables = without_yearless(task.deliverables)
    if plan.start_year is not None and plan.start_year == plan.end_year:
        for target in plan.targets:
            target.year = target.year or plan.start_year
    plan.reading = _reading(normalised, outline, filename, tags)
    _read_indicators(plan, outline, normalised, task_nodes)
    _finish_warnings(plan, normalised)
    return plan


FAMILY_NAMES = {"chapter": "第X章", "section": "第X节", "article": "第X条", "cn_paren": "(一)", "arabic_paren": "(1)",
                "cn": "一、", "cn_shi": "一是", "arabic": "1.", "circled": "①", "heading": "标题句", "table_row": "任务表"}


def _reading(normalised: Normalised, outline: Outline, filename: str | None, tags: int) -> dict:
    """What was read, told to the office when a plan yields no task."""
    styles = list(dict.fromkeys(node.style for node in outline.root.walk() if node.style in FAMILY_NAMES))
    suffix = (filename or "").rsplit(".", 1)[-1].lower() if filename and "." in filename else "txt"
    return {"format": suffix, "paragraphs": len(normalised.paragraphs),
            "numbering": [FAMILY_NAMES[style] for style in styles], "tags": tags}


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


# Styles that number the sub-measures of a task: a tag after the last of them is the task's.
SUB_MEASURE_STYLES = {"arabic", "arabic_paren", "circled", "cn_shi"}


def _read_nodes(plan: ParsedPlan, outline: Outline, normalised: Normalised) -> tuple[dict[int, Task], int]:
    """Walk the outline in reading order: sections, and tasks with their units and deliverables; and
    count the responsibility tags read.

    Classify first: a node is a task when it is a leaf outside the preamble, or when it carries its
    own tag above sub-measures (they become its child items); a goal section (发展目标) whose items
    carry tags is a list of tasks, not a preamble.
    """
    first_leads = bool(FIRST_LEADS.search("\n".join(paragraph.text for paragraph in normalised.paragraphs)))
    nodes = [node for node in outline.root.walk() if node is not outline.root]
    texts = {id(node): _text(node, normalised, TASK_TEXT + ("title",)) for node in nodes}
    own = {id(node): parse_responsibility(texts[id(node)] + node.units_text, first_leads) for node in nodes}
    lifted = _lift_closing_tags(nodes, own, texts)
    _unmark_tagged_goals(nodes, own)
    _mark_untagged_general_parts(nodes, own)
    _mark_text_a_table_breaks_down(nodes, own)
    carried: list[str] = []
    task_nodes: dict[int, Task] = {}
    for node in nodes:
        responsibility = own[id(node)]
        children_tagged = any(not own[id(child)].is_empty for child in node.children)
        says_what_to_do = id(node) in lifted or _has_body(node) and not children_tagged
        if not _is_task(node, responsibility, says_what_to_do):
            plan.sections.append(Section(node.number, node.title, len(node.path), node.path,
                                         _text(node, normalised, TASK_TEXT + ("year",)), node.is_preamble))
            carried = _unique(carried + responsibility.carried)
            continue
        source = "own"
        if responsibility.is_empty:
            inherited = _inherited(node, own)
            if inherited is not None:
                responsibility, source = inherited, "section"
        carried = _unique(carried + responsibility.carried)
        task = _task(node, normalised, responsibility, carried)
        task.parent = next((task_nodes[id(ancestor)].number for ancestor in _lineage(node.parent) if id(ancestor) in task_nodes), None)
        _judge(task, responsibility, texts[id(node)], source, node)
        plan.tasks.append(task)
        task_nodes[id(node)] = task
        if not node.children and len(responsibility.spans) > 1:
            plan.tasks.extend(_sentence_items(task, first_leads, carried))
    return task_nodes, sum(len(found.spans) for found in own.values())


def _is_task(node: Node, responsibility: Responsibility, says_what_to_do: bool) -> bool:
    """A leaf outside the preamble; or a node that says what to do, with its own tag, above sub-measures.

    Sub-measures with tags of their own make their parent a section whose tag they inherit when
    they name no unit ("一、科技创新政策(由市科技局牵头实施)" over "1.…(责任单位:市科技局)").
    """
    if is_task(node):
        return True
    return (says_what_to_do and bool(node.children) and not node.is_preamble and node.style not in SECTION_STYLES
            and not responsibility.is_empty and all(child.style in SUB_MEASURE_STYLES - {node.style} for child in node.children))


def _has_body(node: Node) -> bool:
    return any(part.kind == "body" for part in node.parts)


def _lift_closing_tags(nodes: list[Node], own: dict[int, Responsibility], texts: dict[int, str]) -> set[int]:
    """A tag after the last sub-measure, the others untagged, names the units of the task above them."""
    lifted = set()
    for node in nodes:
        children = node.children
        if len(children) < 2 or not own[id(node)].is_empty or node.style in SECTION_STYLES | SUB_MEASURE_STYLES:
            continue
        if not all(child.style in SUB_MEASURE_STYLES and not child.children for child in children):
            continue
        last = own[id(children[-1])]
        if last.is_empty or any(not own[id(child)].is_empty for child in children[:-1]):
            continue
        if last.spans and last.spans[-1][1] >= len(texts[id(children[-1])].rstrip("。 ")) - 1:
            own[id(node)] = last
            lifted.add(id(node))
    return lifted


def _unmark_tagged_goals(nodes: list[Node], own: dict[int, Responsibility]) -> None:
    """Goals (主要预期目标) itemised with a lead for each item are tasks: most of its items carry a tag."""
    for node in nodes:
        if not node.is_preamble or "目标" not in node.title or (node.parent and node.parent.is_preamble):
            continue
        leaves = [below for below in node.walk() if below is not node and not below.children]
        tagged = sum(not own[id(leaf)].is_empty for leaf in leaves)
        if tagged >= 2 and tagged * 2 >= len(leaves):
            for below in node.walk():
                below.is_preamble = False


# Parts that ask everybody for care or set out the stages of the work, opened by a verb or not:
# "保障措施", "抓好组织实施", "实施步骤".
GENERAL_PARTS = re.compile(r"^(?:抓好|做好|加强|强化|切实)?(?:保障措施|组织实施|组织保障|工作要求|实施保障|保障机制|工作保障|有关要求"
                           r"|实施步骤|工作步骤|方法步骤|步骤安排|推进步骤|进度安排|时间安排)")


def _mark_untagged_general_parts(nodes: list[Node], own: dict[int, Responsibility]) -> None:
    """保障措施 and 实施步骤 that name no unit anywhere are no tasks to assign."""
    for node in nodes:
        if GENERAL_PARTS.match(node.title) and all(own[id(below)].is_empty for below in node.walk()):
            for below in node.walk():
                below.is_preamble = True


# Rows with units a task table needs before the text around it counts as the plan it breaks down.
TABLE_ROWS = 5


def _mark_text_a_table_breaks_down(nodes: list[Node], own: dict[int, Responsibility]) -> None:
    """A notice's text and its 分工表 in one file: where the table's rows name their units and the
    numbered items of the text name none, the items are the plan the table breaks down, not tasks."""
    rows = sum(1 for node in nodes if node.style == "table_row" and not own[id(node)].is_empty)
    untagged = [node for node in nodes if is_task(node) and node.style not in TABLE_STYLES and own[id(node)].is_empty
                and _inherited(node, own) is None]
    if rows >= TABLE_ROWS and rows >= len(untagged):
        for node in untagged:
            node.is_preamble = True


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
    year_lines = _part_texts(node, normalised, "year")
    task = _new_task(node.number, node.path, node.title, text, _text(node, normalised, TASK_TEXT, original=True) or text,
                     responsibility, carried, year_lines)
    if node.title not in text:
        # A heading on its own line states what its item commits to: "(一)地区生产总值增长7%以上".
        task.deliverables = task_deliverables(node.title, []) + task.deliverables
    task.deliverables = dated_by_cells(task.deliverables, task_deliverables("", [], _part_texts(node, normalised, "deadline")))
    for part in node.parts:
        if part.kind.startswith(YEAR_COLUMN):
            year, cell = int(part.kind.removeprefix(YEAR_COLUMN)), normalised.paragraphs[part.paragraph].text[part.start:part.end]
            task.deliverables.append(Deliverable(year, cell, targets_in(cell, year)))
    return task


def _part_texts(node: Node, normalised: Normalised, kind: str) -> list[str]:
    return [normalised.paragraphs[part.paragraph].text[part.start:part.end] for part in node.parts if part.kind == kind]


def _new_task(number: str, path: list[str], title: str, text: str, text_original: str, responsibility: Responsibility,
              carried: list[str], year_lines: list[str]) -> Task:
    co = [unit for unit in _unique(responsibility.co + carried) if unit != responsibility.lead]
    task = Task(
        number=number,
        path=path,
        title=title,
        text=text,
        text_original=text_original,
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


def _sentence_items(task: Task, first_leads: bool, carried: list[str]) -> list[Task]:
    """Sentences of one item that carry tags of their own are its child items, numbered 1, 2… under it."""
    items = []
    heading, line_break, rest = task.text.partition("\n")
    # The item's heading on a line of its own heads them all; the first child starts below it.
    body = rest if line_break and heading.startswith(task.title) and parse_responsibility(heading).is_empty else task.text
    for index, (run, title, responsibility) in enumerate(tagged_sentences(body, first_leads), 1):
        item = _new_task(f"{task.number}-{index}", task.path + [str(index)], title, run, run, responsibility, carried, [])
        item.parent = task.number
        _judge(item, responsibility, run, "own")
        items.append(item)
    return items


DOUBT_WEIGHTS = {"no_lead": 0.5, "maybe_heading": 0.3, "unknown_unit": 0.2, "unclosed_clause": 0.2,
                 "first_listed_lead": 0.15, "inherited_lead": 0.1}


def _judge(task: Task, responsibility: Responsibility, text: str, source: str, node: Node | None = None) -> None:
    """Say where the units were read and what the office should check, most doubtful first."""
    clauses = [text[start:end] for start, end in responsibility.spans] if source == "own" else []
    units_text = node.units_text if node else ""
    task.source = {"sentence": _first_sentence(task.text), "units": "".join(clauses) or units_text or None,
                   "units_from": source if not responsibility.is_empty else None}
    doubts = []
    if task.lead is None:
        doubts.append("no_lead")
    if any(not is_unit_name(unit) for unit in [task.lead, *task.co] if unit):
        doubts.append("unknown_unit")
    if responsibility.first_listed and task.lead is not None:
        doubts.append("first_listed_lead")
    if source == "section":
        doubts.append("inherited_lead")
    if responsibility.is_unclosed:
        doubts.append("unclosed_clause")
    has_children = bool(node and node.children)
    if not has_children and task.text.strip("。 ") == task.title and responsibility.is_empty and not task.deliverables:
        doubts.append("maybe_heading")
    task.doubts = doubts
    task.confidence = round(max(0.05, 1 - sum(DOUBT_WEIGHTS[doubt] for doubt in doubts)), 2)


def _first_sentence(text: str) -> str:
    match = re.search(r"[。!?！？;；]", text)
    return text[:match.end()] if match else text


def _plan_targets(outline: Outline, normalised: Normalised, task_nodes: dict[int, Task]) -> list[Target]:
    """Targets stated outside the tasks: in the opening text, the goals (发展目标) and the sections' own text."""
    targets: list[Target] = []
    for node in outline.root.walk():
        if id(node) in task_nodes:
            continue
        is_goal = any("目标" in ancestor.title for ancestor in _lineage(node))
        year, _ = scope_year(node.title)
        for part in node.parts:
            if part.kind != "box":
                paragraph = normalised.paragraphs[part.paragraph].text[part.start:part.end]
                targets.extend(plan_targets(paragraph, year, is_goal, committed=not node.is_preamble and node is not outline.root))
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
        reading = plan.reading
        families = "、".join(reading["numbering"]) or "无"
        plan.warnings.append(ParseWarning("no_tasks", (
            f"没有识别出任何任务。已读取:{reading['format']},{reading['paragraphs']} 段,编号样式:{families},"
            f"责任单位标注 {reading['tags']} 处。请确认上传的是方案正文(而不是通知或解读),任务是否有编号(如“一、”“(一)”“1.”);"
            "若任务在表格中,请上传原始 Word/Excel 文件;也可在审核时手工添加任务。")))
    for task in plan.tasks:
        plan.warnings.extend(warning for warning in task.warnings if warning.code != "truncated")


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
