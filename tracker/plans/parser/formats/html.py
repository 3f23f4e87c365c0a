"""Web pages and page fragments as saved from a government site, read with lxml's HTML parser.

Scripts, styles, navigation, hidden elements and the site's furniture are dropped; where the page
marks its article (gov.cn's UCAP-CONTENT and the like) only the article is read, with the page's
own heading put first if the article lacks it. A table laid out for data becomes rows; a table
used to lay the page out (one cell a row, or tables inside its cells) is read as the paragraphs
in it.
"""
from __future__ import annotations

import re

import lxml.etree
import lxml.html

from tracker.plans.parser.formats.blocks import Block, Paragraph, Span, Table, clean, expand
from tracker.plans.parser.formats.limits import Budget
from tracker.plans.parser.formats.text import decode

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", re.I)
_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "nav", "iframe", "object", "embed", "svg",
            "form", "button", "select", "input", "textarea", "aside", "map", "audio", "video", "canvas", "header", "footer"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
           "main", "blockquote", "pre", "address", "center", "figure", "figcaption", "hr", "table", "tr", "td", "th",
           "caption", "tbody", "thead", "tfoot", "body", "html", "fieldset", "legend", "details", "summary"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_FURNITURE = re.compile(r"breadcrumb|crumb|share|bshare|weixin|print|position|location|footer|header|navbar|menu|"
                        r"sidebar|related|xgwj|fenxiang|dayin|guanbi", re.I)
_ARTICLE_IDS = ("UCAP-CONTENT", "zoom", "Zoom", "fontzoom", "content", "article", "zwnr", "Content")
_ARTICLE_CLASSES = ("TRS_Editor", "pages_content", "article-content", "article_con", "zw", "content", "Custom_UnionStyle")
_CENTRED = re.compile(r"text-align\s*:\s*center", re.I)
_LOOK = re.compile(r"font-(?:size|weight)\s*:\s*([^;\"']+)", re.I)


def read_html(data: bytes, budget: Budget) -> list[Block]:
    text = decode(data, _declared_encoding(data[:4096]))
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    if not text.strip():
        return []
    try:
        root = lxml.html.document_fromstring(text)
    except lxml.etree.ParserError:
        # libxml2 parses anything; what it refuses holds no element at all.
        return []
    article = _article(root)
    blocks = _Walker(budget).blocks(article)
    heading = _page_heading(root, article)
    if heading and not any(isinstance(block, Paragraph) and heading in block.text for block in blocks[:5]):
        blocks.insert(0, Paragraph(heading, True))
    return blocks


def _declared_encoding(head: bytes) -> str | None:
    found = _DECLARED.search(head)
    return (found.group(1) or found.group(2)).decode("ascii") if found else None


def _article(root):
    for name in _ARTICLE_IDS:
        found = root.xpath("//*[@id=$name]", name=name)
        if found and _text_length(found[0]) > 200:
            return found[0]
    for name in _ARTICLE_CLASSES:
        found = root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $name)]", name=f" {name} ")
        if found and _text_length(found[0]) > 200:
            return found[0]
    return root


def _text_length(element) -> int:
    return len("".join(element.itertext()).strip())


def _page_heading(root, article) -> str | None:
    if article is root:
        return None
    headings = [heading for heading in root.iter("h1") if not _is_inside(heading, article)]
    return clean(headings[0].text_content()) if headings else None


def _is_inside(element, container) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def _skipped(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in _SKIPPED or element.get("hidden") is not None:
        return True
    if _HIDDEN.search(element.get("style") or ""):
        return True
    marks = f"{element.get('id') or ''} {element.get('class') or ''}"
    return bool(marks.strip()) and bool(_FURNITURE.search(marks)) and _text_length(element) < 300


class _VisibleWalk:
    """A walk of start and end events over the elements a reader sees; `skip_subtree` as lxml's."""

    def __init__(self, root):
        self.root = root
        self.walk = lxml.etree.iterwalk(root, events=("start", "end"))

    def __iter__(self):
        for event, element in self.walk:
            if event == "start" and element is not self.root and _skipped(element):
                self.walk.skip_subtree()
                continue
            yield event, element

    def skip_subtree(self) -> None:
        self.walk.skip_subtree()


class _Walker:
    """Walks the tree without recursion (pages nest deeply), collecting paragraphs and data tables."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.out: list[Block] = []
        self.pieces: list[str] = []
        self.owner = None

    def blocks(self, article) -> list[Block]:
        walk = _VisibleWalk(article)
        for event, element in walk:
            if event == "start":
                self._start(element, walk)
            else:
                self._end(element)
        self._flush()
        return self.out

    def _start(self, element, walk) -> None:
        tag = element.tag
        if tag == "br":
            self._flush()
        elif tag in _BLOCKS:
            self._flush()
            self.owner = element
            if tag == "table" and _is_data_table(element):
                rows = _rows(element)
                self.budget.spend(len(rows))
                self.out.append(Table(expand(_table_spans(rows))))
                walk.skip_subtree()
                return
        self.pieces.append(element.text or "")

    def _end(self, element) -> None:
        if element.tag in _BLOCKS:
            self._flush()
            self.owner = element.getparent()
        self.pieces.append(element.tail or "")

    def _flush(self) -> None:
        text = clean("".join(self.pieces))
        self.pieces = []
        if text:
            self.budget.spend()
            self.out.append(Paragraph(text, *_look(self.owner)))


def _look(element) -> tuple[bool, tuple]:
    """Whether the paragraph is centred, and its font as far as its own and its children's styles tell."""
    if element is None or not isinstance(element.tag, str):
        return False, ()
    styles = [element.get("style") or ""] + [child.get("style") or "" for child in element.iterchildren() if isinstance(child.tag, str)]
    centred = (element.tag in {"center", "h1", "h2"} or (element.get("align") or "").lower() == "center"
               or bool(_CENTRED.search(styles[0])))
    look = tuple(sorted({value.strip().lower() for style in styles for value in _LOOK.findall(style)}))
    return centred, (element.tag,) + look


def _rows(table) -> list:
    """The table's own rows, not those of tables nested in its cells."""
    return [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]


def _cells(row) -> list:
    return [cell for cell in row if isinstance(cell.tag, str) and cell.tag in {"td", "th"}]


def _is_data_table(table) -> bool:
    rows = _rows(table)
    if any(cell.find(".//table") is not None for row in rows for cell in _cells(row)):
        return False
    filled = [sum(1 for cell in _cells(row) if _cell_text(cell)) for row in rows]
    return len(rows) >= 2 and max(filled, default=0) >= 2


def _cell_text(cell) -> str:
    pieces = []
    for event, element in _VisibleWalk(cell):
        if event == "start":
            pieces.append(" " if element.tag in _BLOCKS or element.tag == "br" else "")
            pieces.append(element.text or "")
        elif element is not cell:
            pieces.append(" " if element.tag in _BLOCKS else "")
            pieces.append(element.tail or "")
    return clean("".join(pieces))


def _span(cell, name: str) -> int:
    try:
        return max(int(re.sub(r"\D", "", cell.get(name) or "1") or 1), 1)
    except ValueError:
        return 1


def _table_spans(rows: list) -> list[list[Span]]:
    return [[Span(_cell_text(cell), _span(cell, "rowspan"), _span(cell, "colspan")) for cell in _cells(row)]
            for row in rows]
