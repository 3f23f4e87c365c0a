"""Word .docx, read as a stream of its main part so that no file can grow without being counted.

Paragraphs and tables in reading order (also inside content controls); merged cells (gridSpan,
vMerge) repeated into every slot they cover; list numbers that Word generates (w:numPr) written
back into the text from numbering.xml, since the text itself lacks them; headers, footers,
footnotes, comments and deleted text left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree

from tracker.plans.parser.errors import PlanFileError
from tracker.plans.parser.formats.archive import open_archive, read_part
from tracker.plans.parser.formats.blocks import Block, Paragraph, Span, Table, clean, expand
from tracker.plans.parser.formats.limits import Budget
from tracker.plans.parser.formats.numerals import format_number

KIND = "Word(.docx)"
HINT = "请在 Word 中打开后另存为 .docx 再上传。"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
MAIN_DOCUMENT = re.compile(r'Type="[^"]*/officeDocument"[^>]*Target="/?([^"]+)"|Target="/?([^"]+)"[^>]*Type="[^"]*/officeDocument"')
_PARSER = {"resolve_entities": False, "no_network": True, "huge_tree": False}


def read_docx(data: bytes, budget: Budget) -> list[Block]:
    archive = open_archive(data, budget.limits, KIND, HINT)
    main = _main_part(archive)
    numbering = Numbering(_xml(archive, "word/numbering.xml"), _xml(archive, "word/styles.xml"))
    try:
        with archive.open(main) as stream:
            return list(_body_blocks(stream, numbering, budget))
    except KeyError:
        raise PlanFileError(f"这个文件里没有 Word 正文,不是 {KIND} 文件。{HINT}") from None
    except lxml.etree.LxmlError as error:
        raise PlanFileError(f"无法读取这个 {KIND} 文件的正文,文件可能已损坏。{HINT}") from error


def _main_part(archive) -> str:
    relations = read_part(archive, "_rels/.rels", KIND, HINT) or b""
    found = MAIN_DOCUMENT.search(relations.decode("utf-8", "replace"))
    return (found.group(1) or found.group(2)) if found else "word/document.xml"


def _xml(archive, name: str):
    data = read_part(archive, name, KIND, HINT)
    if not data:
        return None
    try:
        return lxml.etree.fromstring(data, lxml.etree.XMLParser(**_PARSER))
    except lxml.etree.LxmlError:
        return None


def _body_blocks(stream, numbering: Numbering, budget: Budget):
    events = lxml.etree.iterparse(stream, events=("end",), tag=(f"{W}p", f"{W}tbl"), **_PARSER)
    for _, element in events:
        if element.tag == f"{W}p":
            budget.spend()
        if _is_nested(element):
            continue
        if element.tag == f"{W}tbl":
            yield _table(element, budget)
        else:
            yield from _paragraphs(element, numbering)
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]


def _is_nested(element) -> bool:
    """Inside a table or a text box: read with what contains it."""
    return any(ancestor.tag in (f"{W}tbl", f"{W}p") for ancestor in element.iterancestors())


def _text(paragraph) -> str:
    if not len(paragraph):
        return ""
    for fallback in list(paragraph.iter(FALLBACK)):
        fallback.getparent().remove(fallback)
    pieces = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        tag = node.tag[len(W):]
        if tag == "t":
            pieces.append(node.text or "")
        else:
            pieces.append({"tab": "\t", "noBreakHyphen": "-"}.get(tag, "\n"))
    return "".join(pieces)


def _paragraphs(paragraph, numbering: Numbering):
    properties = paragraph.find(f"{W}pPr")
    label = numbering.label(properties)
    text = _text(paragraph)
    lines = [line for line in map(clean, text.split("\n")) if line] if text else []
    if not lines:
        return
    lines[0] = label + lines[0]
    centred, look = _look(paragraph, properties)
    for line in lines:
        yield Paragraph(line, centred, look)


def _look(paragraph, properties) -> tuple[bool, tuple]:
    justification = properties.find(f"{W}jc") if properties is not None else None
    centred = justification is not None and justification.get(f"{W}val") == "center"
    style = properties.find(f"{W}pStyle") if properties is not None else None
    size = paragraph.find(f"{W}r/{W}rPr/{W}sz")
    bold = paragraph.find(f"{W}r/{W}rPr/{W}b")
    return centred, (style.get(f"{W}val") if style is not None else "",
                     size.get(f"{W}val") if size is not None else "", bold is not None)


def _table(table, budget: Budget) -> Table:
    rows: list[list[Span]] = []
    continued: dict[int, Span] = {}
    for row in table.iterchildren(f"{W}tr"):
        budget.spend()
        spans, column = [], _grid_skip(row, "gridBefore")
        spans.extend(Span("") for _ in range(column))
        for cell in row.iterchildren(f"{W}tc", f"{W}sdt"):
            cell = cell if cell.tag == f"{W}tc" else cell.find(f".//{W}tc")
            if cell is None:
                continue
            width = _int(cell.find(f"{W}tcPr/{W}gridSpan"), 1)
            merge = cell.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val") != "restart" and column in continued:
                # The cell above already covers this one: lengthen it instead of adding a cell.
                continued[column].rows += 1
                spans.append(None)
            else:
                span = Span(_cell_text(cell), 1, width)
                continued[column] = span
                spans.append(span)
            column += width
        spans.extend(Span("") for _ in range(_grid_skip(row, "gridAfter")))
        rows.append(spans)
    return Table(expand([[span for span in row if span is not None] for row in rows]))


def _cell_text(cell) -> str:
    return clean(" ".join(_text(paragraph) for paragraph in cell.iter(f"{W}p")))


def _grid_skip(row, name: str) -> int:
    return _int(row.find(f"{W}trPr/{W}{name}"), 0)


def _int(element, default: int) -> int:
    try:
        return min(max(int(element.get(f"{W}val")), 0), 200) if element is not None else default
    except (TypeError, ValueError):
        return default


@dataclass
class Level:
    format: str = "decimal"
    text: str = ""
    start: int = 1


class Numbering:
    """Word's list numbering: counts each list's levels as the paragraphs come, as Word does
    (list instances of one abstract list run on unless an instance restarts a level)."""

    def __init__(self, numbering, styles):
        self.levels: dict[str, dict[int, Level]] = {}
        self.lists: dict[str, tuple[str, dict[int, int]]] = {}
        self.styles: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root) -> None:
        for abstract in root.iterfind(f"{W}abstractNum"):
            levels = self.levels.setdefault(abstract.get(f"{W}abstractNumId"), {})
            for level in abstract.iterfind(f"{W}lvl"):
                levels[_int_attr(level, "ilvl")] = Level(
                    _val(level.find(f"{W}numFmt"), "decimal"), _val(level.find(f"{W}lvlText"), ""),
                    _int_attr(level.find(f"{W}start"), "val", 1))
        for instance in root.iterfind(f"{W}num"):
            overrides = {_int_attr(override, "ilvl"): _int_attr(override.find(f"{W}startOverride"), "val", 1)
                         for override in instance.iterfind(f"{W}lvlOverride") if override.find(f"{W}startOverride") is not None}
            self.lists[instance.get(f"{W}numId")] = (_val(instance.find(f"{W}abstractNumId"), ""), overrides)

    def _read_styles(self, root) -> None:
        based_on = {}
        for style in root.iterfind(f"{W}style"):
            name = style.get(f"{W}styleId")
            based_on[name] = _val(style.find(f"{W}basedOn"), None)
            found = style.find(f"{W}pPr/{W}numPr")
            if found is not None:
                self.styles[name] = (_val(found.find(f"{W}numId"), ""), _int_attr(found.find(f"{W}ilvl"), "val", 0))
        for name, parent in based_on.items():
            seen = {name}
            while name not in self.styles and parent and parent not in seen and parent in based_on:
                if parent in self.styles:
                    self.styles[name] = self.styles[parent]
                seen.add(parent)
                parent = based_on[parent]

    def label(self, properties) -> str:
        """The number Word shows before this paragraph, "" when it has none."""
        if properties is None:
            return ""
        found = properties.find(f"{W}numPr")
        style = properties.find(f"{W}pStyle")
        number_id, level = self.styles.get(_val(style, ""), ("", 0))
        if found is not None:
            number_id = _val(found.find(f"{W}numId"), number_id)
            level = _int_attr(found.find(f"{W}ilvl"), "val", level)
        if number_id not in self.lists:
            return ""
        abstract, overrides = self.lists[number_id]
        levels = self.levels.get(abstract, {})
        if level not in levels or levels[level].format in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(abstract, {})
        if number_id not in self.started:
            self.started.add(number_id)
            for overridden, start in overrides.items():
                counters[overridden] = start - 1
                counters.update({deeper: levels[deeper].start - 1 for deeper in levels if deeper > overridden})
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [deeper for deeper in counters if deeper > level]:
            del counters[deeper]
        return re.sub(r"%(\d)", lambda mark: self._shown(levels, counters, int(mark.group(1)) - 1), levels[level].text)

    @staticmethod
    def _shown(levels: dict[int, Level], counters: dict[int, int], level: int) -> str:
        if level not in levels:
            return ""
        return format_number(counters.get(level, levels[level].start), levels[level].format)


def _val(element, default):
    return element.get(f"{W}val", default) if element is not None else default


def _int_attr(element, name: str, default: int = 0) -> int:
    try:
        return int(element.get(f"{W}{name}")) if element is not None else default
    except (TypeError, ValueError):
        return default
