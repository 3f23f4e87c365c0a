"""Task tables that reach us without their grid, rebuilt as rows of cells ("a | b | c |").

Web copies bring two shapes. A table flattened into one run of text: the header's labels one after
another ("序号主要工作任务具体工作措施完成时限主要责任单位任务来源"), then the rows, each opened by a
running number (1、 2、 3、…) and holding its units, known by the shape of their names, and its
deadline, known by its form; headings (一、 (一)) and merged group cells ("2分解推动…") between rows.
And a table written one cell a line ("序号 |", "类别 |", …). Both come back as the pipe-separated
rows a Word or web table is read into, so that one reader (task_tables, numbering) reads them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.plans.parser.deadlines import DEADLINE_CELL
from tracker.plans.parser.normalise import Paragraph
from tracker.plans.parser.numbering import START_MARKERS, cn_to_int
from tracker.plans.parser.task_tables import ROLES
from tracker.plans.parser.units import ROLE_START, is_body_name, unit_run

# The labels of a task table's header as they stand in running text, a label's letters perhaps
# spread over its cell ("工 作 任 务").
LABELS = (
    "序号", "编号", "主要工作任务", "重点工作任务", "具体工作任务", "工作任务", "重点任务", "主要任务", "任务内容", "工作内容",
    "具体工作措施", "具体措施", "工作措施", "主要措施", "重点举措", "工作举措", "具体内容", "主要内容", "工作目标", "目标任务",
    "任务目标", "项目名称", "工作事项", "类别", "牵头单位", "牵头部门", "牵头领导", "主办单位", "主要责任单位", "责任单位",
    "责任部门", "主责单位", "负责单位", "配合单位", "配合部门", "协办单位", "参与单位", "协同单位", "责任领导", "分管领导",
    "完成时限", "完成时间", "时间节点", "时限要求", "进度安排", "时间安排", "完成期限", "时限", "工作要求", "任务来源", "备注",
    "工作标准", "预期成效",
)
_LABEL = "|".join(r"\s?".join(label) for label in sorted(LABELS, key=len, reverse=True))
HEADER = re.compile(rf"(?:(?:{_LABEL})\s*){{3,}}")
# Words that follow a number that counts something, not a row: "5号", "3个".
_COUNTED = "月年日号个项家人次批条种所座名%万亿元"
# What closes a flattened table: its note, or the signature under it.
_TABLE_END = re.compile(r"(?:注|备注|说明)\s*[:：]|\S{2,30}?(?:办公室|办公厅|人民政府|管委会)\s*(?:19|20)\d\d年\d{1,2}月\d{1,2}日")
_HEADING_STYLES = ("chapter", "section", "cn", "cn_paren")
MIN_ROWS = 2
MIN_TASK = 2
# The most text one row may hold before its units: further on, the table has ended.
ROW_LIMIT = 2000


def rebuild_tables(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs with every flattened or one-cell-a-line task table given back as pipe rows."""
    result: list[Paragraph] = []
    index = 0
    while index < len(paragraphs):
        rebuilt = _cell_lines(paragraphs, index) or _flattened(paragraphs, index)
        if rebuilt is None:
            result.append(paragraphs[index])
            index += 1
        else:
            lines, index = rebuilt
            result.extend(lines)
    return result


def _kind(label: str) -> str:
    """A column's kind: its number, its units, its deadline, or free text (task, requirement, source)."""
    role = next((role for role, pattern in ROLES if pattern.search(label)), None)
    return {"number": "number", "lead": "units", "co": "units", "units": "units", "deadline": "deadline"}.get(role, "free")


def _is_header(labels: list[str]) -> bool:
    kinds = [_kind(label) for label in labels]
    return "units" in kinds and "free" in kinds


def _row_line(cells: list[Paragraph | str]) -> Paragraph:
    line = Paragraph.plain("")
    for cell in cells:
        line = line + (cell if isinstance(cell, Paragraph) else Paragraph.plain(cell)) + Paragraph.plain(" | ")
    return Paragraph(line.text.rstrip(), line.original.rstrip(), line.pieces)


# A table flattened into running text ---------------------------------------------------------------

@dataclass
class _Layout:
    labels: list[str]
    kinds: list[str]

    @property
    def units(self) -> list[int]:
        return [index for index, kind in enumerate(self.kinds) if kind == "units"]

    @property
    def before(self) -> list[int]:
        """Columns before the units, the number left out."""
        return [index for index in range(self.units[0]) if self.kinds[index] != "number"]

    @property
    def after(self) -> list[int]:
        return list(range(self.units[-1] + 1, len(self.kinds)))

    @property
    def deadline_first(self) -> bool:
        return bool(self.before) and self.kinds[self.before[-1]] == "deadline"

    @property
    def grouped(self) -> bool:
        """序号 numbers merged groups when two text columns precede the units: "1推进生态文明建设1、…"."""
        return "number" in self.kinds and sum(self.kinds[index] == "free" for index in self.before) >= 2


@dataclass
class _Row:
    number: int
    marker: tuple[int, int]
    task: tuple[int, int]
    deadline: tuple[int, int] | None
    units: list[tuple[int, int]]
    end: int
    trailing: tuple[int, int] = (0, 0)
    headings: list[tuple[int, int]] = field(default_factory=list)


def _flattened(paragraphs: list[Paragraph], index: int) -> tuple[list[Paragraph], int] | None:
    header = HEADER.search(paragraphs[index].text)
    if header is None:
        return None
    labels = [re.sub(r"\s", "", match.group(0)) for match in re.finditer(_LABEL, header.group(0))]
    if not _is_header(labels):
        return None
    layout = _Layout(labels, [_kind(label) for label in labels])
    stream = paragraphs[index].span(header.end(), len(paragraphs[index].text))
    bounds = [len(stream.text)]
    for paragraph in paragraphs[index + 1:]:
        stream = stream + Paragraph.plain(" ") + paragraph
        bounds.append(len(stream.text))
    rows = _rows(stream.text, layout)
    if len(rows) < MIN_ROWS:
        return None
    end = _close(stream.text, rows[-1], bounds)
    lines = [paragraphs[index].span(0, header.start())] if header.start() else []
    lines.append(Paragraph.plain(" | ".join(labels) + " |"))
    lines += _lines(stream, rows, layout)
    rest = stream.text[end:].strip()
    consumed = next(number for number, bound in enumerate(bounds) if bound >= end)
    if rest and bounds[consumed] > end:
        lines.append(stream.span(end, bounds[consumed]))
    return [line for line in lines if line.text.strip()], index + consumed + 1


def _rows(text: str, layout: _Layout) -> list[_Row]:
    """Rows one after another: the units area that follows the row's running number, the last such
    number before it (a list of sources in the row before may count 1、2、… too)."""
    rows: list[_Row] = []
    position, style = 0, None
    while True:
        row = _next_row(text, position, len(rows) + 1, style, layout)
        if row is None:
            return rows
        style = style or ("bare" if text[row.marker[1] - 1].isdigit() else "separated")
        if rows:
            rows[-1].trailing = (rows[-1].end, row.marker[0])
        rows.append(row)
        position = row.end


def _next_row(text: str, position: int, number: int, style: str | None, layout: _Layout) -> _Row | None:
    for start, deadline, units in _anchors(text[:position + ROW_LIMIT], position, layout):
        marker = _last_marker(text, position, start - MIN_TASK, number, style)
        if marker is None:
            continue
        task_end = deadline[0] if deadline and deadline[0] < start else start
        end = max(units[-1][1], deadline[1] if deadline else 0)
        return _Row(number, marker, (marker[1], task_end), deadline, units, end)
    return None


def _anchors(text: str, position: int, layout: _Layout):
    """Where a row's units stand, with the deadline written next to them when the header puts one there."""
    if layout.deadline_first:
        for deadline in DEADLINE_CELL.finditer(text, position):
            units = unit_run(text, deadline.end())
            if units:
                yield deadline.start(), deadline.span(), units
        return
    deadline_after = bool(layout.after) and layout.kinds[layout.after[0]] == "deadline"
    for start in range(position + 1, len(text)):
        if not (text[start] in "省市区县州" or text.startswith(ROLE_START, start) or text[start - 1].isspace()):
            continue
        units = unit_run(text, start)
        if units:
            deadline = DEADLINE_CELL.match(text, units[-1][1]) if deadline_after else None
            yield start, deadline.span() if deadline else None, units


def _last_marker(text: str, start: int, end: int, number: int, style: str | None) -> tuple[int, int] | None:
    separated = rf"(?<![\d.．]){number}\s*[、.．](?!\d)"
    bare = rf"(?<![\d.．]){number}(?![\d{_COUNTED}])\s*(?=[\u4e00-\u9fff“《(（])"
    pattern = {"separated": separated, "bare": bare}.get(style, f"{separated}|{bare}")
    found = None
    for match in re.compile(pattern).finditer(text, start, max(end, start)):
        found = match.span()
    return found


def _close(text: str, last: _Row, bounds: list[int]) -> int:
    """Where the table ends: at its note or the signature under it, else with the paragraph of its last row."""
    paragraph_end = next(bound for bound in bounds if bound >= last.end)
    stop = _TABLE_END.search(text, last.end, paragraph_end)
    end = stop.start() if stop else paragraph_end
    last.trailing = (last.end, end)
    return end


def _lines(stream: Paragraph, rows: list[_Row], layout: _Layout) -> list[Paragraph]:
    """Each row as a line of cells, the headings between rows as lines of their own; a merged group's
    cell (序号 and 主要工作任务) is repeated into every row of its group, as a reader repeats it."""
    text = stream.text
    ordinals: dict[str, int] = {}
    before = [(0, rows[0].marker[0])] + [row.trailing for row in rows[:-1]]
    for number, (row, span) in enumerate(zip(rows, before)):
        trailing_end, row.headings = _split_headings(text, span, ordinals, layout)
        if number:
            rows[number - 1].trailing = (span[0], trailing_end)
    lines, group = [], ("", "")
    for row in rows:
        for start, end in row.headings:
            heading = text[start:end].strip()
            found = _group(heading) if layout.grouped else None
            if found:
                group = found
            elif heading:
                lines.append(_row_line([heading] + [""] * (len(layout.kinds) - 1)))
        lines.append(_row_line(_cells(stream, row, layout, group)))
    return lines


def _split_headings(text: str, span: tuple[int, int], ordinals: dict[str, int],
                    layout: _Layout) -> tuple[int, list[tuple[int, int]]]:
    """The text between two rows is the first row's last cells, then the next rows' headings:
    一、/(一) with the next ordinal of their family, or a merged group's number (2分解推动…)."""
    start, end = span
    found = sorted((match.start(), style, cn_to_int(match.group(1))) for style, pattern in START_MARKERS
                   if style in _HEADING_STYLES for match in pattern.finditer(text, start, end))
    cuts: list[tuple[int, str, int]] = []
    for at, style, ordinal in found:
        before = text[at - 1] if at > start else "。"
        # Headings follow one another without a full stop: "一、着力…工作（一）围绕…".
        follows_heading = bool(cuts) and style != cuts[-1][1]
        if (before in "。;；!?！？ " or follows_heading) and ordinal in (ordinals.get(style, 0) + 1, 1):
            cuts.append((at, style, ordinal))
    if layout.grouped:
        for match in re.finditer(r"(?<![\d.．〔])(\d{1,2})(?![\d、.．" + _COUNTED + r"])\s*(?=[\u4e00-\u9fff])", text[:end]):
            if match.start() >= start:
                cuts.append((match.start(), "group", int(match.group(1))))
    cuts.sort()
    if not cuts:
        return end, []
    for _, style, ordinal in cuts:
        ordinals[style] = ordinal
    starts = [cut[0] for cut in cuts]
    return starts[0], list(zip(starts, starts[1:] + [end]))


def _group(heading: str) -> tuple[str, str] | None:
    match = re.match(r"(\d{1,2})\s*(\S.*)", heading)
    return (match.group(1), match.group(2)) if match else None


def _cells(stream: Paragraph, row: _Row, layout: _Layout, group: tuple[str, str]) -> list[Paragraph | str]:
    text = stream.text
    cells: list[Paragraph | str] = [""] * len(layout.kinds)
    own_number = "number" in layout.kinds and not layout.grouped
    task_start = row.task[0] if own_number else row.marker[0]
    free_before = [index for index in layout.before if layout.kinds[index] == "free"]
    if "number" in layout.kinds:
        cells[layout.kinds.index("number")] = group[0] if layout.grouped else str(row.number)
    if layout.grouped:
        cells[free_before[0]] = group[1]
    if free_before:
        cells[free_before[-1]] = stream.span(task_start, row.task[1])
    if row.deadline:
        deadline_column = next((index for index, kind in enumerate(layout.kinds) if kind == "deadline"), None)
        if deadline_column is not None:
            cells[deadline_column] = text[row.deadline[0]:row.deadline[1]]
    for column, names in zip(layout.units, _unit_cells(text, row.units, len(layout.units))):
        cells[column] = "、".join(text[start:end] for start, end in names)
    free_after = [index for index in layout.after if layout.kinds[index] == "free"]
    if free_after and row.trailing[1] > row.trailing[0]:
        cells[free_after[0]] = stream.span(*row.trailing)
    return [_stripped(cell) if isinstance(cell, Paragraph) else cell for cell in cells]


def _stripped(paragraph: Paragraph) -> Paragraph:
    start = len(paragraph.text) - len(paragraph.text.lstrip())
    return paragraph.span(start, start + len(paragraph.text.strip()))


def _unit_cells(text: str, units: list[tuple[int, int]], columns: int) -> list[list[tuple[int, int]]]:
    """The units area split into its columns: names run on without a separator before a list written
    with separators are the first column's ("省审改办省政府各部门、各直属机构" → 省审改办 | 省政府各部门、…)."""
    if columns == 1 or len(units) == 1:
        return [units]
    joined = [units[index + 1][0] == units[index][1] for index in range(len(units) - 1)]
    listed = next((index for index, is_joined in enumerate(joined) if not is_joined), None)
    if listed is None:
        return [units[:1], units[1:]]
    return [units[:listed], units[listed:]]


# A table written one cell a line ---------------------------------------------------------------------

_CELL_LINE = re.compile(r"^([^|]*)\|\s*$")


def _cell_lines(paragraphs: list[Paragraph], index: int) -> tuple[list[Paragraph], int] | None:
    """"序号 |", "类别 |", "项目名称 |" … then "1 |", "促进就业 |" …: rows begin at the running number."""
    end = index
    while end < len(paragraphs) and _CELL_LINE.match(paragraphs[end].text):
        end += 1
    cells = [_CELL_LINE.match(paragraphs[line].text).group(1).strip() for line in range(index, end)]
    width = next((count for count, cell in enumerate(cells) if cell.isdigit()), 0)
    labels = [re.sub(r"\s", "", cell) for cell in cells[:width]]
    if width < 3 or not _is_header(labels) or any(len(label) > 12 for label in labels):
        return None
    rows, number, current = [], 1, None
    for cell in cells[width:]:
        if cell == str(number):
            current = [cell]
            rows.append(current)
            number += 1
        elif current is not None:
            current.append(cell)
    if len(rows) < MIN_ROWS:
        return None
    kinds = [_kind(label) for label in labels]
    lines = [Paragraph.plain(" | ".join(labels) + " |")] + [_row_line(_aligned(row, kinds)) for row in rows]
    return lines, end


def _aligned(row: list[str], kinds: list[str]) -> list[str]:
    """A row whose merged cells were left out is moved right until its unit stands under the units
    column; cells beyond the header's width (a merged row's second line) join the task's text."""
    units_column = kinds.index("units")
    unit_at = next((index for index, cell in enumerate(row) if cell and is_body_name(cell)), None)
    if unit_at is not None and unit_at < units_column:
        row = row[:1] + [""] * (units_column - unit_at) + row[1:]
    if len(row) > len(kinds):
        task_column = next((index for index, kind in enumerate(kinds) if kind == "free" and row[index]), 1)
        extra = "；".join(cell for cell in row[len(kinds):] if cell)
        row = row[:len(kinds)]
        row[task_column] = "；".join(part for part in (row[task_column], extra) if part)
    return row + [""] * (len(kinds) - len(row))
