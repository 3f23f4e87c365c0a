"""Numbering and structure: which paragraphs open sections and tasks, and how they nest.

The hierarchy is inferred from the markers a plan actually uses, in the order they appear: a style
not yet open nests under the innermost open one; a style already open closes everything below it
and starts a sibling. So 一、 > (一) > 1. in one plan and 第一章 > 第一节 > heading sentences in
another come out right without being told. Un-numbered tasks are paragraphs opened by a heading
sentence ("实施基础研究十年行动。…").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.plans.parser.model import ParseWarning
from tracker.plans.parser.task_tables import Cell, TaskTable, cells, find_task_tables, row_parts, units_clause

CN_DIGITS = "一二三四五六七八九十"
CN_NUMERAL = f"[{CN_DIGITS}百零〇]"

# Markers that open a paragraph, most specific first.
START_MARKERS = [
    ("chapter", re.compile(rf"第\s*({CN_NUMERAL}+|\d+)\s*(?:章|部分|篇)\s*")),
    ("section", re.compile(rf"第\s*({CN_NUMERAL}+|\d+)\s*节\s*")),
    ("article", re.compile(rf"第\s*({CN_NUMERAL}+|\d+)\s*条\s*")),
    ("cn_paren", re.compile(rf"[(（]\s*([{CN_DIGITS}]{{1,3}})\s*[)）]\s*")),
    ("arabic_paren", re.compile(r"[(（]\s*(\d{1,2})\s*[)）]\s*")),
    ("cn", re.compile(rf"([{CN_DIGITS}]{{1,3}})\s*[、.．](?![{CN_DIGITS}\d])\s*")),
    ("cn_shi", re.compile(rf"([{CN_DIGITS}]{{1,3}})是(?=[^\s,，。;；])")),
    ("arabic", re.compile(r"(\d{1,2})\s*[、.．](?![\d%])\s*")),
    ("circled", re.compile(r"([①-⑳])\s*")),
]
# Markers also recognised inside a paragraph, where a copy ran several items together. 一是… is not:
# inside a sentence it is an enumeration, not an item.
INLINE_STYLES = ("chapter", "section", "cn_paren", "cn", "arabic")
_INLINE = re.compile("|".join(f"(?P<{style}>{pattern.pattern})" for style, pattern in START_MARKERS if style in INLINE_STYLES))
_MARKER_BY_STYLE = dict(START_MARKERS)
SENTENCE_END_BEFORE = "。!?！？)）:："
SECTION_STYLES = {"chapter", "section"}
# Items that are one paragraph (or one table row) and hold nothing below them.
SINGLE_PARAGRAPH_STYLES = {"heading", "table_row"}
TABLE_STYLES = {"table_row", "table_group"}
BOX_START = re.compile(rf"^专栏\s*({CN_NUMERAL}+|\d+)")

# The usual headings of a plan's parts, which a copy may run into the text that follows them.
HEADING_WORDS = re.compile(
    r"(?:总体思路|总体要求|总体目标|指导思想|基本原则|发展目标|主要目标|工作目标|建设目标|重点任务|主要任务|重点工作"
    r"|保障措施|组织实施|实施步骤|工作措施|工作要求|组织保障|政策措施|工作任务|进度安排|时间安排|职责分工)(?![与和及、])"
)
_TITLE_END = re.compile(r"[。;；!?！？:：]")
_CLAUSE_END = re.compile(r"[,，。;；!?！？:：]")
_HEADING_SENTENCE_END = re.compile(r"[。!?！？]")
TITLE_LIMIT = 40
HEADING_SENTENCE_LIMIT = 32

# Words that open a task's heading sentence: verbs and the adverbs that precede them. A heading
# sentence opened by a noun ("综合创新能力迈向一流。") reports rather than assigns.
ACTION_WORDS = frozenset("""
实施 加快 加强 加大 建设 建立 健全 完善 推进 推动 促进 提升 提高 强化 深化 深入 打造 培育 引进 壮大 支持
鼓励 创新 优化 发挥 激发 抢抓 辐射 搭建 构建 开展 落实 组织 扩大 探索 发展 保障 营造 做好 做强 做大 做优
聚焦 突出 统筹 布局 着力 大力 积极 全面 持续 切实 集聚 开辟 拓展 培养 设立 组建 争创 创建 参与 引领 扎实
坚持 明确 规范 形成 实现 服务 畅通 巩固 拓宽 增强 整合 谋划 建成 推行 开发 研究 制定 出台 用好 抓好 办好
严格 依托 围绕 瞄准 对接 融入 共建 全力 主动 稳步 有序 协同 精准 夯实 筑牢 打通 破除 释放 激活 汇聚 凝聚
改革 加速 助力 赋能 推广 共享 招引 引导 落地 保护 运用 普及 弘扬 宣传 降低 减轻 简化 放宽 下放 试点 部署
抓实 做实 攻克 突破 提质 扩容 增加 补齐 贯彻 确保 提供 给予 设置 深耕 强力 争取 优先 重点 实行 打响 擦亮
树立 打破 破解 统一 维护 防范 化解 严厉 严把 压实 细化 分解
""".split())
LONG_ACTION_WORDS = ("高水平", "高标准", "高质量", "进一步", "全方位", "多渠道")

PREAMBLE_ENDING = re.compile(r"(?:要求|目标|思路|原则|思想|成就|环境|形势|基础|背景|意义|依据|考虑|过程|现状|定位|概况|回顾|说明|总则|附则)$")
NOT_PREAMBLE = re.compile(r"任务|措施|行动|工程|举措")
NOT_TASK = re.compile(r"联系方式|联系电话|联系人|附件|附表|名词解释|编制说明|^[(（]?略[)）]?$")
YEAR_LINE = re.compile(r"^(?:到|至|截至)?(?:19|20)\d\d\s*年(?!\s*\d{1,2}\s*月)")


@dataclass
class Part:
    """A stretch of one paragraph that belongs to a node."""

    paragraph: int
    start: int
    end: int
    # "title": the node's own heading line; "year": a deliverable line; "box": 专栏; "deadline": a
    # task table's 完成时限 cell.
    kind: str = "body"


@dataclass
class Node:
    style: str
    number: str
    title: str = ""
    ordinal: int | None = None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    is_preamble: bool = False
    path: list[str] = field(default_factory=list)
    # Units a task table names in its own columns, written as the clause a plan's text would hold.
    units_text: str = ""
    # Paragraphs without a heading sentence that followed a heading task, waiting to learn whether
    # another heading task follows them (then the office should look at them).
    pending_orphans: list[int] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Box:
    """A 专栏 box: its paragraphs [start, end) and the node it stands in."""

    title: str
    start: int
    end: int
    owner: Node


@dataclass
class Outline:
    root: Node
    boxes: list[Box]
    warnings: list[ParseWarning]


def cn_to_int(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105."""
    if numeral.isdigit():
        return int(numeral)
    values = {char: index + 1 for index, char in enumerate(CN_DIGITS[:9])} | {"零": 0, "〇": 0}
    total, current = 0, 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = values.get(char, 0)
    return total + current


def display_number(style: str, numeral: str) -> str:
    return {
        "chapter": f"第{numeral}章",
        "section": f"第{numeral}节",
        "article": f"第{numeral}条",
        "cn_paren": f"({numeral})",
        "arabic_paren": f"({numeral})",
        "cn_shi": f"{numeral}是",
    }.get(style, numeral)


def match_start_marker(text: str, position: int = 0) -> tuple[str, re.Match] | None:
    for style, pattern in START_MARKERS:
        match = pattern.match(text, position)
        if match and match.end() < len(text):
            return style, match
    return None


def is_action_start(text: str) -> bool:
    return text[:2] in ACTION_WORDS or text.startswith(LONG_ACTION_WORDS)


def heading_sentence_end(text: str) -> int | None:
    """Where a heading sentence ends: a short first sentence of one clause ("实施基础研究十年行动。")."""
    match = _HEADING_SENTENCE_END.search(text, 0, HEADING_SENTENCE_LIMIT + 1)
    if match is None or match.start() < 2:
        return None
    if re.search(r"[,，;；:：]", text[:match.start()]):
        return None
    return match.start()


def title_of(segment: str) -> str:
    """A numbered item's heading: its first sentence, or first clause, or its first words."""
    text = segment.strip()
    words = HEADING_WORDS.match(text)
    if words:
        return words.group(0)
    end = _TITLE_END.search(text)
    if end and end.start() <= TITLE_LIMIT:
        return text[:end.start()].strip()
    if end is None and not _CLAUSE_END.search(text) and len(text) <= 50:
        return text
    clause = _CLAUSE_END.search(text)
    if clause and clause.start() <= TITLE_LIMIT:
        return text[:clause.start()].strip()
    return text[:TITLE_LIMIT].strip()


def is_preamble_title(title: str) -> bool:
    """Background, guiding ideas, principles and goals (指导思想、基本原则、发展目标…) are not tasks."""
    text = re.sub(r"《[^》]*》", "", title).strip(" 。:")
    if "指导思想" in text or re.search(r"的(?:总体要求|基本原则|主要目标|总体目标|指导思想)$", text):
        return True
    if len(text) > 16 or NOT_PREAMBLE.search(text):
        return False
    last = re.split(r"[与和及、]", text)[-1]
    return bool(PREAMBLE_ENDING.search(last)) and (len(last) <= 4 or not is_action_start(last))


ADDRESSEE = re.compile(r"^[^。]{0,80}?(?:各|有关)[^。:：]{0,80}[:：]")
SIGNATURE_DATE = re.compile(r"(?:(?:19|20)\d\d|[二〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$")
COVER_SEARCH = 15


def cover_range(paragraphs: list[str]) -> range:
    """The notice (通知) in front of a plan: its addressee line to its signature date.

    Its numbered paragraphs ("一、各责任单位要高度重视…") are instructions about the plan, not tasks.
    Only a notice with a plan after it counts: a signature at the very end closes the plan itself.
    """
    addressee = next((index for index, text in enumerate(paragraphs[:COVER_SEARCH]) if ADDRESSEE.match(text)), None)
    if addressee is None:
        return range(0)
    for index in range(addressee + 1, len(paragraphs)):
        text = paragraphs[index].strip("() （）此件公开发布")
        if len(paragraphs[index]) <= 40 and SIGNATURE_DATE.search(text):
            after = paragraphs[index + 1:]
            if sum(1 for line in after if match_start_marker(line)) >= 2:
                return range(addressee, index + 1)
            return range(0)
    return range(0)


def build_outline(paragraphs: list[str]) -> Outline:
    return _OutlineBuilder(paragraphs).build()


class _OutlineBuilder:
    def __init__(self, paragraphs: list[str]):
        self.paragraphs = paragraphs
        self.root = Node("root", "")
        self.stack = [self.root]
        self.last_ordinal: dict[str, int] = {}
        self.boxes: list[Box] = []
        self.warnings: list[ParseWarning] = []
        self.box_ends = self._box_ranges()
        in_box = {index for start, end in self.box_ends.items() for index in range(start, end)}
        self.task_tables = find_task_tables(paragraphs, in_box)
        self.headings = self._heading_paragraphs(in_box)
        self.cover = cover_range(paragraphs)

    def build(self) -> Outline:
        box_ends = self.box_ends
        index = 0
        while index < len(self.paragraphs):
            if index in box_ends:
                self._add_box(index, box_ends[index])
                index = box_ends[index]
                continue
            if index in self.cover:
                self.root.parts.append(Part(index, 0, len(self.paragraphs[index])))
                index += 1
                continue
            if index in self.task_tables:
                # An annex (附件) stands outside the sections of the text before it.
                if any(re.match(r"附\s*件", text) for text in self.paragraphs[max(index - 2, 0):index]):
                    del self.stack[1:]
                self._add_task_table(self.task_tables[index])
                index = self.task_tables[index].end
                continue
            self._read_paragraph(index)
            index += 1
        self._merge_lone_headings(self.root)
        self._mark(self.root, [])
        return Outline(self.root, self.boxes, self.warnings)

    # Reading paragraphs -------------------------------------------------------------------------

    def _read_paragraph(self, index: int) -> None:
        text = self.paragraphs[index]
        start = match_start_marker(text)
        if start:
            style, match = start
            self._open(style, match)
            self._read_inline(index, match.end(), fresh=True)
        elif index in self.headings:
            self._open_heading(index)
        elif YEAR_LINE.match(text) and self.top is not self.root:
            self.top.parts.append(Part(index, 0, len(text), "year"))
        else:
            if self.top.style in SINGLE_PARAGRAPH_STYLES:
                self.stack.pop()
            if self.top.children and self.top.children[-1].style == "heading":
                self.top.pending_orphans.append(index)
            self._read_inline(index, 0, fresh=False)

    def _read_inline(self, index: int, position: int, fresh: bool) -> None:
        """Split the rest of a paragraph at markers a copy ran into it; the pieces go to their nodes."""
        text = self.paragraphs[index]
        while True:
            found = self._next_inline_marker(text, position, fresh)
            end = found[1].start() if found else len(text)
            if fresh:
                segment = text[position:end]
                self.top.title = title_of(segment)
                kind = "title" if segment.strip() == self.top.title else "body"
                self.top.parts.append(Part(index, position, end, kind))
            elif end > position:
                self.top.parts.append(Part(index, position, end))
            if found is None:
                return
            style, match = found
            self._open(style, match)
            position, fresh = match.end(), True

    def _next_inline_marker(self, text: str, position: int, fresh: bool) -> tuple[str, re.Match] | None:
        for candidate in _INLINE.finditer(text, position):
            at = candidate.start()
            if at == position:
                continue
            style = candidate.lastgroup
            before = text[at - 1]
            runs_on_from_heading = fresh and at - position <= 15 and not re.search(r"[^\w“”\"]", text[position:at])
            if before not in SENTENCE_END_BEFORE and not runs_on_from_heading:
                continue
            match = _MARKER_BY_STYLE[style].match(text, at)
            if match is None or match.end() >= len(text):
                continue
            ordinal = cn_to_int(match.group(1))
            in_stack = any(node.style == style for node in self.stack)
            if ordinal == self.last_ordinal.get(style, 0) + 1 or (ordinal == 1 and not in_stack):
                return style, match
        return None

    # Opening nodes ------------------------------------------------------------------------------

    @property
    def top(self) -> Node:
        return self.stack[-1]

    def _open(self, style: str, match: re.Match) -> Node:
        numeral = match.group(1)
        ordinal = ord(numeral) - ord("①") + 1 if style == "circled" else cn_to_int(numeral)
        node = Node(style, display_number(style, numeral), ordinal=ordinal)
        self.last_ordinal[style] = ordinal
        self._push(node)
        return node

    def _open_heading(self, index: int) -> None:
        text = self.paragraphs[index]
        node = Node("heading", "", title=text[:heading_sentence_end(text)])
        self._push(node)
        node.parts.append(Part(index, 0, len(text)))

    def _push(self, node: Node) -> None:
        if self.top.style in SINGLE_PARAGRAPH_STYLES and node.style != self.top.style:
            self.stack.pop()
        if any(open_node.style == node.style for open_node in self.stack):
            while self.stack.pop().style != node.style:
                pass
        parent = self.top
        if node.style == "heading":
            self._flag_orphans(parent)
        parent.pending_orphans.clear()
        node.parent = parent
        parent.children.append(node)
        self.stack.append(node)

    def _flag_orphans(self, parent: Node) -> None:
        for index in parent.pending_orphans:
            preview = self.paragraphs[index][:24]
            self.warnings.append(ParseWarning(
                "unheaded_paragraph",
                f"段落“{preview}……”夹在任务之间却没有标题句,未作为任务导入;如果它是一项任务,请在审核时拆分出来。",
            ))

    # Heading sentences and boxes ----------------------------------------------------------------

    def _heading_paragraphs(self, in_box: set[int]) -> set[int]:
        """Paragraphs opened by a heading sentence: an action's, or any one between two of those."""
        readable = [index for index in range(len(self.paragraphs)) if index not in in_box]
        shaped, strict = set(), set()
        for index in readable:
            text = self.paragraphs[index]
            if not match_start_marker(text) and heading_sentence_end(text) is not None:
                shaped.add(index)
                if is_action_start(text):
                    strict.add(index)
        between = {index for before, index, after in zip(readable, readable[1:], readable[2:])
                   if index in shaped and before in strict and after in strict}
        return strict | between

    def _box_ranges(self) -> dict[int, int]:
        """专栏 boxes: the 专栏 line and the table rows, fragments and notes that follow it."""
        ranges = {}
        index = 0
        while index < len(self.paragraphs):
            if BOX_START.match(self.paragraphs[index]):
                end = index + 1
                while end < len(self.paragraphs) and self._continues_box(self.paragraphs[end]):
                    end += 1
                ranges[index] = end
                index = end
            else:
                index += 1
        return ranges

    @staticmethod
    def _continues_box(text: str) -> bool:
        if BOX_START.match(text) or match_start_marker(text) and not text.rstrip().endswith("|"):
            return False
        return "|" in text or len(text) <= 20 or bool(re.match(r"(?:备注|注|资料来源|说明)[:：]", text))

    def _add_box(self, start: int, end: int) -> None:
        owner = self.top
        self.boxes.append(Box(self.paragraphs[start][:60], start, end, owner))
        for index in range(start, end):
            owner.parts.append(Part(index, 0, len(self.paragraphs[index]), "box"))

    def _add_task_table(self, table: TaskTable) -> None:
        """Each row with a task is a task; its unit and deadline columns are read as the text would be.

        A row holding only a numbered heading (一、…) opens a section. A task column merged over
        several rows (主要工作任务 over its 具体工作措施, repeated into each row by the reader) names
        a group: a section opened where its text changes. A row is numbered by the marker its task
        opens with (1、), else by its 序号 where that changes from row to row, else by its place.
        """
        lines = range(table.start + 1, table.end)
        grid = [cells(self.paragraphs[index]) for index in lines]
        years = {position for position, _ in _year_columns(self.paragraphs[table.start])}
        task_columns = [position for position in table.columns["task"] if position not in years]
        groups = _group_columns(task_columns, [row for row in grid if _row_heading(row) is None])
        numbers = [parts["number"][0].text if parts.get("number") else "" for parts in
                   (row_parts(self.paragraphs[index], table) for index in lines)]
        group_text = None
        for offset, (index, row) in enumerate(zip(lines, grid)):
            heading = _row_heading(row)
            if heading is not None:
                self._close_table()
                node = self._open(*heading)
                node.title = title_of(heading[1].string[heading[1].end():])
                continue
            present = [(position, row[position]) for position in task_columns if position < len(row) and row[position].text]
            tasks = [cell for position, cell in present if position not in groups]
            if not tasks:
                continue
            group = next((cell.text for position, cell in present if position == min(groups, default=None)), None)
            if group and group != group_text:
                self._push(Node("table_group", numbers[offset] or str(offset + 1), title=title_of(group)))
                group_text = group
            # The group's words stay in the row's text too: "推进生态文明建设" is part of what the row asks.
            tasks += [cell for position, cell in present if position in groups]
            self._push(self._table_row(index, table, tasks, numbers, offset))
        self._close_table()

    def _close_table(self) -> None:
        while self.top.style in TABLE_STYLES:
            self.stack.pop()

    def _table_row(self, index: int, table: TaskTable, tasks: list, numbers: list[str], offset: int) -> Node:
        parts = row_parts(self.paragraphs[index], table)
        marker = match_start_marker(tasks[0].text)
        own = marker[1] if marker and marker[0] in SUB_MEASURE_MARKERS else None
        if own:
            number = own.group(1)
        elif numbers[offset] and numbers.count(numbers[offset]) == 1:
            number = numbers[offset]
        else:
            number = str(offset + 1)
        skip = own.end() if own else 0
        node = Node("table_row", number, title=title_of(tasks[0].text[skip:]), units_text=units_clause(parts))
        node.parts = [Part(index, cell.start + (skip if cell is tasks[0] else 0), cell.end) for cell in tasks]
        node.parts += [Part(index, cell.start, cell.end, "deadline") for cell in parts.get("deadline", [])]
        row = cells(self.paragraphs[index])
        node.parts += [Part(index, row[position].start, row[position].end, f"{YEAR_COLUMN}{year}")
                       for position, year in _year_columns(self.paragraphs[table.start]) if position < len(row) and row[position].text]
        return node

    # After reading ------------------------------------------------------------------------------

    def _merge_lone_headings(self, node: Node) -> None:
        """A single heading sentence among a node's children is the node's own text, not a task."""
        headings = [child for child in node.children if child.style == "heading"]
        if len(headings) == 1:
            node.children.remove(headings[0])
            node.parts = sorted(node.parts + headings[0].parts, key=lambda part: (part.paragraph, part.start))
        for child in node.children:
            self._merge_lone_headings(child)

    def _mark(self, node: Node, path: list[str]) -> None:
        seen: dict[str, int] = {}
        heading_count = 0
        for child in node.children:
            child.is_preamble = node.is_preamble or is_preamble_title(child.title)
            if child.style == "heading":
                heading_count += 1
                child.number = str(heading_count)
            key = child.number
            seen[key] = seen.get(key, 0) + 1
            child.path = path + [key if seen[key] == 1 else f"{key}#{seen[key]}"]
            self._mark(child, child.path)


SUB_MEASURE_MARKERS = ("arabic", "arabic_paren", "circled")
HEADING_MARKERS = ("chapter", "section", "cn", "cn_paren")


def _row_heading(row: list[Cell]) -> tuple[str, re.Match] | None:
    """A table row that holds nothing but a numbered heading ("一、优化政务服务 |  |  |")."""
    texts = [cell.text for cell in row if cell.text]
    marker = match_start_marker(texts[0]) if len(texts) == 1 else None
    return marker if marker and marker[0] in HEADING_MARKERS else None


# A column headed by a year ("2024年", "2025年目标") holds each row's work for that year.
YEAR_COLUMN = "year_column:"
_YEAR_HEADER = re.compile(r"^((?:19|20)\d\d)\s*年(?:度)?(?:目标|任务|工作)?(?:目标|任务)?$")


def _year_columns(header: str) -> list[tuple[int, int]]:
    return [(position, int(match.group(1))) for position, cell in enumerate(cells(header))
            if (match := _YEAR_HEADER.match(re.sub(r"\s", "", cell.text)))]


def _group_columns(positions: list[int], grid: list[list[Cell]]) -> set[int]:
    """Task columns merged over several rows: an entry repeated in the next row, and fewer different
    entries than the column naming the tasks."""
    columns = {position: [row[position].text for row in grid if position < len(row)] for position in positions}
    distinct = {position: len(set(filter(None, texts))) for position, texts in columns.items()}
    most = max(distinct.values(), default=0)
    return {position for position, texts in columns.items() if 0 < distinct[position] < most
            and any(text and text == following for text, following in zip(texts, texts[1:]))}


def is_task(node: Node) -> bool:
    """Tasks are the leaves of the outline, outside the preamble, that say something to do."""
    if node.style == "root" or node.children or node.is_preamble or NOT_TASK.search(node.title):
        return False
    if node.style in SECTION_STYLES:
        return any(part.kind in ("body", "box", "year") for part in node.parts)
    return bool(node.title)
