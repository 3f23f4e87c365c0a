"""PDF with a text layer, read with pdfminer (pdfplumber finds ruled tables): lines rebuilt from the
characters' places.

A PDF knows characters and where they stand, not paragraphs. So: tables the library finds (ruled
cells) are kept as tables; running heads and page numbers (what repeats at the top or bottom of
the pages) are dropped; a page set in two columns is read column by column; and lines are joined
into paragraphs again, breaking only where the layout or the text says a paragraph ends (an
indented or numbered line, a short line, a wider gap).
"""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

from tracker.plans.parser.errors import PlanFileError
from tracker.plans.parser.formats.blocks import NUMBERING_MARK, WIDE, Block, Paragraph, Span, Table, clean, expand
from tracker.plans.parser.formats.limits import Budget

HINT = "请上传带文字层的 PDF 或 Word 文件,或把正文复制粘贴到文本框里。"
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?[0-9０-９]+(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?[0-9０-９]+\s*页?)?[-—–－\s]*$")
_SENTENCE_END = "。！？；!?;"
# Share of the page height where running heads and page numbers stand.
_MARGIN = 0.12


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    column: tuple
    height: float = 0
    table: Table | None = None


def read_pdf(data: bytes, budget: Budget) -> list[Block]:
    try:
        lines, counts, pages = _read_pages(data, budget)
    except PlanFileError:
        raise
    except Exception as error:  # pdfminer raises whatever a malformed file provokes
        raise PlanFileError(_failure(error)) from error
    if counts["cid"] > counts["text"] // 3 and counts["cid"]:
        raise PlanFileError(f"这个 PDF 的文字使用了无法转换的字体编码,读不出文字。{HINT}")
    lines = _without_running_heads(lines, pages)
    if sum(len(line.text) for line in lines if line.table is None) < 20 and not any(line.table for line in lines):
        raise PlanFileError(f"这个 PDF 没有文字层(可能是扫描件或图片),无法读取其中的文字。{HINT}")
    return _paragraphs(lines)


def _read_pages(data: bytes, budget: Budget) -> tuple[list[_Line], Counter, int]:
    """Characters through pdfminer directly (three times faster than through pdfplumber's objects);
    pdfplumber only for the pages with ruling lines, to find their tables."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    lines, counts, plumbed = [], Counter(), None
    number = -1
    for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data))):
        budget.check_time()
        interpreter.process_page(page)
        layout = device.get_result()
        chars, ruled = _chars(layout)
        tables = []
        if ruled:
            plumbed = plumbed or _plumbed(data)
            tables = plumbed.pages[number].find_tables()
        lines.extend(_page_lines(chars, tables, layout, number, counts, budget))
    if plumbed is not None:
        plumbed.close()
    return lines, counts, number + 1


def _plumbed(data: bytes):
    import pdfplumber

    return pdfplumber.open(io.BytesIO(data))


def _chars(layout) -> tuple[list[dict], bool]:
    """The page's characters in pdfplumber's terms (top measured from the top), and whether the
    page has the lines and boxes a ruled table is drawn with."""
    from pdfminer.layout import LTChar, LTContainer, LTCurve

    chars, ruled, stack = [], False, [layout]
    height = layout.y1
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            chars.append({"text": item.get_text(), "x0": item.x0, "x1": item.x1, "top": height - item.y1,
                          "bottom": height - item.y0, "size": item.size, "upright": item.upright})
        elif isinstance(item, LTCurve):
            ruled = True
        elif isinstance(item, LTContainer):
            stack.extend(item)
    return chars, ruled


def _failure(error: Exception) -> str:
    if "password" in f"{type(error).__name__} {error}".lower() or "encrypt" in str(error).lower():
        return f"这个 PDF 已加密或设置了打开密码,无法读取。请取消密码后再上传,或{HINT[1:]}"
    return f"无法打开这个 PDF 文件,文件可能已损坏。{HINT}"


def _page_lines(chars: list[dict], tables: list, layout, number: int, counts: Counter, budget: Budget) -> list[_Line]:
    boxes = [table.bbox for table in tables]
    chars = [char for char in chars if char["upright"] and not _inside(char, boxes)]
    counts["cid"] += sum(1 for char in chars if char["text"].startswith("(cid:"))
    counts["text"] += len(chars)
    rows = _rows([char for char in chars if not char["text"].startswith("(cid:")])
    gutter = _gutter(rows, float(layout.width))
    lines = [_line(row, number, column, float(layout.height))
             for band in _bands(rows, gutter) for column, group in band for row in group]
    budget.spend(len(lines))
    for table in tables:
        budget.spend(len(table.rows))
        x0, top, x1, bottom = table.bbox
        place = next((index for index, line in enumerate(lines) if line.top > top), len(lines))
        lines.insert(place, _Line("", x0, x1, top, bottom, 0, number, (number, 0), float(layout.height), Table(_table(table))))
    return lines


def _inside(char, boxes) -> bool:
    middle_x, middle_y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes)


def _rows(chars: list[dict]) -> list[list[dict]]:
    """Characters in rows by their vertical middle, each row left to right, doubled glyphs (fake bold) once."""
    rows: list[list[dict]] = []
    for char in sorted(chars, key=lambda char: ((char["top"] + char["bottom"]) / 2, char["x0"])):
        middle = (char["top"] + char["bottom"]) / 2
        if rows and abs(middle - _middle(rows[-1])) <= max(char["size"], 1) * 0.5:
            rows[-1].append(char)
        else:
            rows.append([char])
    result = []
    for row in rows:
        row.sort(key=lambda char: char["x0"])
        kept = [char for index, char in enumerate(row) if not (
            index and char["text"] == row[index - 1]["text"] and abs(char["x0"] - row[index - 1]["x0"]) < 1)]
        result.append(kept)
    return result


def _middle(row: list[dict]) -> float:
    return (row[0]["top"] + row[0]["bottom"]) / 2


def _gutter(rows: list[list[dict]], width: float) -> float | None:
    """The x of the white band between two columns, if the page is set in two: few rows run
    through it, and many rows have text on each side of it. The middle of the band, where it is
    wider than one step."""
    if len(rows) < 6:
        return None
    scores = {}
    for step in range(35, 66):
        x = width * step / 100
        apart = [row for row in rows if not _crosses(row, x)]
        left = sum(1 for row in apart if row[0]["x0"] < x)
        right = sum(1 for row in apart if row[-1]["x1"] > x)
        if min(left, right) >= len(rows) * 0.25 and len(rows) - len(apart) <= len(rows) * 0.25:
            scores[x] = len(rows) - len(apart)
    if not scores:
        return None
    fewest = min(scores.values())
    best = [x for x, crossing in scores.items() if crossing == fewest]
    return best[len(best) // 2]


def _crosses(row: list[dict], x: float) -> bool:
    """Whether the row's text runs through x, rather than having a gap there."""
    for before, after in zip(row, row[1:]):
        if before["x1"] <= x <= after["x0"] and after["x0"] - before["x1"] > before["size"]:
            return False
    return row[0]["x0"] < x < row[-1]["x1"] or any(char["x0"] < x < char["x1"] for char in row)


def _bands(rows: list[list[dict]], gutter: float | None):
    """Rows in reading order: with a gutter, each run of rows between full-width rows is read left
    column first; full-width rows (a title across both columns) stand where they are."""
    if gutter is None:
        yield [(0, rows)]
        return
    band: list[list[dict]] = []
    for row in rows:
        if _crosses(row, gutter):
            yield from _split_band(band, gutter)
            band = []
            yield [(0, [row])]
        else:
            band.append(row)
    yield from _split_band(band, gutter)


def _split_band(band: list[list[dict]], gutter: float):
    left = [[char for char in row if char["x1"] <= gutter] for row in band]
    right = [[char for char in row if char["x1"] > gutter] for row in band]
    yield [(1, [row for row in left if row]), (2, [row for row in right if row])]


def _line(row: list[dict], page: int, column: int, height: float) -> _Line:
    pieces = [row[0]["text"]]
    for before, after in zip(row, row[1:]):
        gap = after["x0"] - before["x1"]
        if gap > before["size"] * 0.3 and not (WIDE.match(before["text"]) and WIDE.match(after["text"])):
            pieces.append(" ")
        pieces.append(after["text"])
    sizes = Counter(round(char["size"]) for char in row)
    return _Line(clean("".join(pieces)), row[0]["x0"], row[-1]["x1"], min(char["top"] for char in row),
                 max(char["bottom"] for char in row), sizes.most_common(1)[0][0], page, (page, column), height)


def _table(table) -> list[list[str]]:
    """The table's cells; a cell pdfplumber leaves empty because a merged cell covers it takes the
    text of the merged cell, found above it (a unit shared by several rows) or else to its left."""
    extracted = table.extract()
    rows: list[list[str]] = []
    for row_index, row in enumerate(extracted):
        cells = []
        for column, value in enumerate(row):
            if value is None:
                above = rows[row_index - 1][column] if row_index and column < len(rows[row_index - 1]) else None
                value = above if above is not None else (cells[-1] if cells else "")
            cells.append(clean(value))
        rows.append(cells)
    return expand([[Span(cell) for cell in row] for row in rows])


def _without_running_heads(lines: list[_Line], pages: int) -> list[_Line]:
    """Lines in the top or bottom margin that are page numbers or repeat on many pages."""
    candidates = []
    for page in range(pages):
        text_lines = [line for line in lines if line.page == page and line.table is None]
        candidates.extend(line for line in text_lines[:2] + text_lines[-2:] if _in_margin(line))
    keys = Counter(_key(line) for line in {id(line): line for line in candidates}.values())
    repeated = {key for key, count in keys.items() if count >= 2 and count >= pages * 0.4}
    dropped = {id(line) for line in candidates if _key(line) in repeated or _PAGE_NUMBER.match(line.text)}
    return [line for line in lines if id(line) not in dropped]


def _in_margin(line: _Line) -> bool:
    return line.top < line.height * _MARGIN or line.bottom > line.height * (1 - _MARGIN)


def _key(line: _Line) -> str:
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s", "", line.text))


def _paragraphs(lines: list[_Line]) -> list[Block]:
    edges: dict[tuple, tuple[float, float]] = {}
    for line in lines:
        # A row across both columns (column 0) is measured against the page's whole text block.
        for key in {line.column, (line.page, 0)}:
            left, right = edges.get(key, (line.x0, line.x1))
            edges[key] = (min(left, line.x0), max(right, line.x1))
    indents = any(_indent(line, edges) >= 0.8 * line.size for line in lines if line.table is None)
    blocks: list[Block] = []
    previous: _Line | None = None
    for line in lines:
        if line.table is not None:
            _add_table(blocks, line.table)
            previous = None
        elif previous is not None and _continues(previous, line, edges, indents):
            block = blocks[-1]
            joiner = "" if WIDE.match(block.text[-1]) or WIDE.match(line.text[0]) else " "
            block.text += joiner + line.text
            previous = line
        else:
            blocks.append(Paragraph(line.text, _is_centred(line, edges), (line.size,)))
            previous = line
    return blocks


def _indent(line: _Line, edges) -> float:
    return line.x0 - edges[line.column][0]


def _continues(previous: _Line, line: _Line, edges, indents: bool) -> bool:
    """Whether a line goes on with the paragraph of the line before it."""
    if NUMBERING_MARK.match(line.text) or _indent(line, edges) >= 0.8 * line.size or abs(previous.size - line.size) >= 1:
        return False
    # A line that stops short ends its paragraph; where paragraphs are indented the indent says
    # more, and a line of digits or Latin letters may stop a little short without ending anything.
    if previous.x1 < edges[previous.column][1] - (3 if indents else 1.5) * previous.size:
        return False
    if previous.column == line.column and line.top - previous.bottom > 0.8 * line.size:
        return False
    return indents or previous.text[-1] not in _SENTENCE_END


def _is_centred(line: _Line, edges) -> bool:
    left, right = edges[line.page, 0]
    before, after = line.x0 - left, right - line.x1
    return before > 2 * line.size and abs(before - after) < 2 * line.size


def _add_table(blocks: list[Block], table: Table) -> None:
    """A table that goes on over a page break is one table; its header, repeated on the new page, once."""
    before = blocks[-1] if blocks else None
    if isinstance(before, Table) and before.rows and table.rows and len(before.rows[0]) == len(table.rows[0]):
        before.rows.extend(table.rows[1:] if table.rows[0] == before.rows[0] else table.rows)
    else:
        blocks.append(table)
