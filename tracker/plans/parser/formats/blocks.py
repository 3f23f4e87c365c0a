"""The common shape of every reader's output: paragraphs and tables, rendered to normalised text.

A table becomes one line a row, `cell | cell | cell |`, the form the task-table and indicator
readers take in; a merged cell is repeated into every row and column it covers so that each row
has every column, except a row that is one cell across the whole table (a section heading inside
a table), which keeps its text in the first column only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field



@dataclass
class Paragraph:
    text: str
    # How it looks, where the format says: centred, and a signature of its font, so that a title
    # broken over two centred lines of the same look can be joined again.
    centred: bool = False
    look: tuple = ()


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Span:
    """A cell as a format describes it: its text and how many rows and grid columns it covers."""

    text: str
    rows: int = 1
    columns: int = 1


Block = Paragraph | Table

_SPACE = re.compile(r"\s+")
# Chinese characters and full-width punctuation: between two of them a line break is no space.
WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_BREAK_BETWEEN_WIDE = re.compile(rf"(?<={WIDE.pattern})[ \t]*[\r\n][\s]*(?={WIDE.pattern})")
# What opens a numbered item or a part of its own: never the second half of a broken title, never
# the rest of a PDF line's sentence.
NUMBERING_MARK = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,3}[.、．](?!\d)|"
                            r"[①-⑳]|第[一二三四五六七八九十百\d]+[章节条部分]|[一二三四五六七八九十]是|附件|专栏)")
_DOC_NUMBER = re.compile(r"〔\d{4}〕|\[\d{4}\]|\d{4}年\d{1,2}月\d{1,2}日")
_TITLE_LIMIT = 60
# No plan's table is wider; a wider span is a broken or hostile file.
MAX_COLUMNS = 200


def clean(text: str) -> str:
    """Whitespace as a reader sees it: a line break between two Chinese characters is no space
    (CSS segment-break rule), any other run of whitespace is one space."""
    text = _BREAK_BETWEEN_WIDE.sub("", text.replace("\xa0", " ").replace("\u3000", " "))
    return _SPACE.sub(" ", text).strip()


def expand(rows: list[list[Span]]) -> list[list[str]]:
    """Lay spans out on the grid: each covered slot gets the span's text."""
    grid: dict[tuple[int, int], str] = {}
    full_width: set[int] = set()
    for row_index, row in enumerate(rows):
        column = 0
        for span in row:
            while (row_index, column) in grid:
                column += 1
            for down in range(min(max(span.rows, 1), len(rows) - row_index)):
                for across in range(min(max(span.columns, 1), MAX_COLUMNS - column)):
                    grid[row_index + down, column + across] = span.text
            column += max(span.columns, 1)
        if len(row) == 1:
            full_width.add(row_index)
    width = max((column + 1 for _, column in grid), default=0)
    expanded = []
    for row_index in range(len(rows)):
        cells = [grid.get((row_index, column), "") for column in range(width)]
        if row_index in full_width and width > 1 and len(set(cells)) == 1:
            cells = [cells[0]] + [""] * (width - 1)
        expanded.append(cells)
    return expanded


def trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows without the columns and rows that are empty throughout."""
    rows = [row for row in rows if any(cell for cell in row)]
    used = [index for index in range(max((len(row) for row in rows), default=0))
            if any(index < len(row) and row[index] for row in rows)]
    return [[row[index] if index < len(row) else "" for index in used] for row in rows]


def render(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in _joined_titles(blocks):
        if isinstance(block, Table):
            lines.extend(_table_lines(trimmed(block.rows)))
        elif block.text:
            lines.append(block.text)
    return "\n".join(lines)


def _table_lines(rows: list[list[str]]) -> list[str]:
    """Rows as lines; a row of one filled cell above the first full row or below the last (the
    table's title, a note under it) is a paragraph of its own."""
    full = [index for index, row in enumerate(rows) if sum(1 for cell in row if cell) > 1]
    first, last = (full[0], full[-1]) if full else (len(rows), -1)
    return [row_line(row) if first <= index <= last else " ".join(cell for cell in row if cell)
            for index, row in enumerate(rows)]


def row_line(row: list[str]) -> str:
    # A pipe inside a cell would shift every later column; its full-width twin keeps the meaning.
    return " | ".join(cell.replace("|", "｜") for cell in row) + " |"


def _joined_titles(blocks: list[Block]) -> list[Block]:
    """A title broken over consecutive centred lines of one look is one paragraph again."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (isinstance(block, Paragraph) and isinstance(previous, Paragraph) and _is_title_piece(previous)
                and _is_title_piece(block) and block.look == previous.look
                and len(previous.text) + len(block.text) <= _TITLE_LIMIT and not NUMBERING_MARK.match(block.text)
                and not re.fullmatch(r"附\s*件\s*\d*", previous.text)):
            joined[-1] = Paragraph(previous.text + block.text, True, block.look)
        else:
            joined.append(block)
    return joined


def _is_title_piece(paragraph: Paragraph) -> bool:
    text = paragraph.text
    return (paragraph.centred and 0 < len(text) < _TITLE_LIMIT and not _DOC_NUMBER.search(text)
            and text[-1] not in "。；;：:！？!?")
