"""Text as copied from the web → clean simplified paragraphs, each keeping its unconverted original.

Repairs, in order: odd characters and pinyin glosses; an archiver's header and the site's chrome around the text
(breadcrumbs, share buttons, 来源/附件下载); a page dumped on one line split back into its paragraphs;
spaces inside words (PDF copies); dates that lost 年/月 and document numbers that lost 〕; web-page
boilerplate lines; page-break markers cut into sentences ("实\\n\\n2、施产业…"); lines broken inside a
paragraph; then traditional → simplified (OpenCC tw2sp).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from tracker.plans.parser.formats.blocks import row_line
from tracker.plans.parser.model import ParseWarning
from tracker.plans.parser.task_tables import is_header

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK}]")
# Sentence ends: a paragraph ending with one of these was not cut by a page break.
TERMINAL = "。!?;:！？；：)）”’」』】》|"

_WIDTH = {code: code - 0xFEE0 for code in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u3000\u00a0\u2002\u2003\u2009\t"), " ")
_WORD_GAP = re.compile(r"(?<=(.)) +(?=(.))")

_YEAR_MONTH = re.compile(r"(?<![\d年月.])((?:19|20)\d\d)(\d{1,2})月")
_YEAR_MONTH_DAY = re.compile(r"(?<![\d年月.])((?:19|20)\d\d)(\d{1,5})日")
_MONTH_DAY = re.compile(r"(?<![\d年月.第])(\d{3,4})日")
_DOC_NUMBER_BRACKET = re.compile(r"〔((?:19|20)\d\d)(?=\d{1,4}[号號])")

NOISE_LINES = [
    re.compile(r"^第\d+页/共\d+页$"),
    re.compile(r"\.(?:docx?|pdf|wps|txt)(?:_第\d+页)?$", re.IGNORECASE),
    re.compile(r"^(?:上传人|文档编号|上传时间|浏览次数|信息来源|发布时间|发布日期|字号|当前位置|分享到|责任编辑)[:：]"),
    re.compile(r"copyright|版权所有|ICP备|经营许可证|免费预览|展开阅读全文|相关资源|猜你喜欢|相关搜索|资源描述|由会员分享"
               r"|下载相关举报|扫一扫|打印本页|关闭窗口|上一篇|下一篇", re.IGNORECASE),
    re.compile(r"^本站.{0,40}(?:上传|下载|版权|交易)"),
    re.compile(r"^(?:客服|打印|关闭|返回顶部|【打印】|【关闭】)$"),
]
_PAGE_MARKER = re.compile(r"^(\d{1,3})、")
_STRUCTURE_START = re.compile(
    rf"^(?:第[{CJK}\d]{{1,4}}[章节篇]|[(（][一二三四五六七八九十\d]{{1,3}}[)）]|[一二三四五六七八九十]{{1,3}}[、是.．]"
    r"|\d{1,2}\s*[、.．](?!\d)|专栏|(?:19|20)\d\d年|[①-⑳])"
)


@dataclass
class Paragraph:
    """A paragraph of simplified text and the unconverted text it came from.

    `pieces` aligns them: (text_start, text_end, original_start, original_end), in order. OpenCC
    turns some phrases into ones of another length (智慧財產權 → 知识产权), so a span of the text is
    found in the original piece by piece, each piece a clause between punctuation.
    """

    text: str
    original: str
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)

    @classmethod
    def plain(cls, text: str) -> Paragraph:
        return cls(text, text, [(0, len(text), 0, len(text))])

    def original_span(self, start: int, end: int) -> str:
        if self.text == self.original:
            return self.original[start:end]
        return self.original[self._to_original(start):self._to_original(end)]

    def _to_original(self, position: int) -> int:
        for text_start, text_end, original_start, original_end in self.pieces:
            if position <= text_end:
                width = text_end - text_start
                if width == 0:
                    return original_start
                offset = position - text_start
                if width == original_end - original_start:
                    return original_start + offset
                return original_start + round(offset * (original_end - original_start) / width)
        return len(self.original)

    def __add__(self, other: Paragraph) -> Paragraph:
        shift_text, shift_original = len(self.text), len(self.original)
        shifted = [(a + shift_text, b + shift_text, c + shift_original, d + shift_original) for a, b, c, d in other.pieces]
        return Paragraph(self.text + other.text, self.original + other.original, self.pieces + shifted)

    def span(self, start: int, end: int) -> Paragraph:
        """The paragraph's text[start:end], with the original it came from."""
        if self.text == self.original:
            return Paragraph.plain(self.text[start:end])
        original_start, original_end = self._to_original(start), self._to_original(end)
        pieces = [(max(a, start) - start, min(b, end) - start, max(c, original_start) - original_start,
                   min(d, original_end) - original_start) for a, b, c, d in self.pieces if b > start and a < end]
        return Paragraph(self.text[start:end], self.original[original_start:original_end], pieces)

    def without_prefix(self, length: int) -> Paragraph:
        original_length = self._to_original(length)
        pieces = [
            (max(a - length, 0), b - length, max(c - original_length, 0), d - original_length)
            for a, b, c, d in self.pieces
            if b > length
        ]
        return Paragraph(self.text[length:], self.original[original_length:], pieces)


@dataclass
class Normalised:
    paragraphs: list[Paragraph]
    # Every line as read, repaired and converted but before boilerplate was dropped: title, issuer
    # and document number are often on exactly those lines (an attachment's file name, a page header).
    all_lines: list[str]
    converted_from_traditional: bool
    is_truncated: bool
    warnings: list[ParseWarning]


def normalise(text: str) -> Normalised:
    warnings: list[ParseWarning] = []
    text = drop_pinyin(clean_characters(tab_rows(text)))
    is_traditional = looks_traditional(text)
    head, text = split_archive_header(text)
    lines = [close_word_gaps(line.strip()) for raw in spaced_rows(text.split("\n")) for line in split_dumped_line(strip_site_chrome(raw))]
    lines, repaired = repair_dates(lines)
    lines = [piece for line in lines for piece in split_signature(line)]
    if repaired:
        warnings.append(ParseWarning("dates_repaired", f"已补全 {repaired} 处缺少“年”“月”的日期(如“20221229日”→“2022年12月29日”),请核对。"))
    paragraphs = [to_simplified(line) if is_traditional else Paragraph.plain(line) for line in lines if line]
    all_lines = [line.strip() for line in head] + [paragraph.text for paragraph in paragraphs]
    is_truncated = any(_PREVIEW_CUT.search(line) for line in all_lines)
    paragraphs = [paragraph for paragraph in paragraphs if not is_noise_line(paragraph.text)]
    paragraphs, joined = join_page_breaks(paragraphs)
    if joined:
        warnings.append(ParseWarning("page_breaks", f"已去除 {joined} 处分页标记(如“2、”),被分页截断的句子已重新接上。"))
    paragraphs = join_broken_lines(paragraphs)
    # Official texts end with a short signature or date line; a copy cut off ends in a long sentence.
    if paragraphs and len(paragraphs[-1].text) >= 40 and _ends_mid_sentence(paragraphs[-1].text):
        is_truncated = True
    if is_traditional:
        warnings.append(ParseWarning("converted", "原文为繁体字,已转换为简体字显示,原文已保留。"))
    return Normalised(paragraphs, all_lines, is_traditional, is_truncated, warnings)


# Cells a line must hold to be a row of a table copied with its tabs.
TAB_ROW_CELLS = 3


def tab_rows(text: str) -> str:
    """Cells copied from a spreadsheet or a Word table stand between tabs: such a line is a table row,
    its cells kept apart as a table's reader keeps them, not run together by the spaces tabs become."""
    lines = []
    for line in text.split("\n"):
        cells = line.strip("\t\r ").split("\t")
        lines.append(row_line([cell.strip() for cell in cells]) if sum(1 for cell in cells if cell.strip()) >= TAB_ROW_CELLS else line)
    return "\n".join(lines)


def spaced_rows(lines: list[str]) -> list[str]:
    """A task table copied as text with spaces between its cells: a header of labels ("序号 工作任务
    牵头单位 …"), then the rows that have as many cells. They become table rows as `tab_rows` makes
    them, before the spaces inside words are closed and the cells would run together."""
    result, width = [], 0
    for line in lines:
        chunks = [] if "|" in line else line.split()
        if width and len(chunks) == width:
            result.append(row_line(chunks))
            continue
        width = len(chunks) if len(chunks) >= TAB_ROW_CELLS and is_header(chunks) else 0
        result.append(row_line(chunks) if width else line)
    return result


# An archiver's copy of a web page: "标题: …", "原文链接: …" lines, then a rule before the page's text.
_ARCHIVE_RULE = re.compile(r"^\s*=+\s*正文\s*=+\s*$", re.MULTILINE)
# The site's chrome that a copy of a government page carries in its text.
SITE_CHROME = [
    re.compile(r"当前位置\s*[:：].{0,300}?时间\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"当前位置\s*[:：]\s*\S+"),
    re.compile(r"(?:\s*(?:微信|微博|QQ空间|分享到\s*[:：]?))+(?=\s|$)"),
    re.compile(r"\s*来源\s*[:：]\s*\S{1,20}\s*附件下载\s*$|\s*附件下载\s*$"),
    re.compile(r"【\s*(?:打印|关闭|字体|大|中|小|收藏)\s*】"),
]
# A page dumped on one line keeps its paragraphs apart by spaces between Chinese characters.
_PARAGRAPH_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
DUMPED_LINE_LENGTH = 500
PARAGRAPH_GAP_SPACING = 50


# A notice's signature run into the plan that follows it: "…管委会 2016年3月30日平潭…工作要点 党中央…".
_SIGNATURE = re.compile(r"^(\S{2,30}?(?:委员会|委員會|管委会|管委會|办公室|辦公室|办公厅|辦公廳|人民政府|政府|局|委|厅|廳))\s*"
                        r"((?:19|20)\d\d年\d{1,2}月\d{1,2}日)(?!印发|印發)(?=\S{10})")


def split_signature(line: str) -> list[str]:
    signature = _SIGNATURE.match(line)
    return [line] if signature is None else [line[:signature.end()], line[signature.end():]]


def split_archive_header(text: str) -> tuple[list[str], str]:
    """The archiver's header lines (kept for the title) and the page's text after its rule."""
    rule = _ARCHIVE_RULE.search(text)
    if rule is None or rule.start() > 2000:
        return [], text
    return text[:rule.start()].split("\n"), text[rule.end():]


def strip_site_chrome(line: str) -> str:
    """Chrome inside a page dumped on one line; a line of its own is dropped whole as noise later."""
    if len(line) < DUMPED_LINE_LENGTH:
        return line
    for pattern in SITE_CHROME:
        line = pattern.sub(" ", line)
    return line


def split_dumped_line(line: str) -> list[str]:
    """A long line holding a whole page: its paragraphs are where the spaces between words were."""
    gaps = len(_PARAGRAPH_GAP.findall(line))
    # A PDF copy's spaces fall inside words, every few dozen characters; a page's fall between paragraphs.
    if len(line) < DUMPED_LINE_LENGTH or gaps < 2 or len(line) / gaps < PARAGRAPH_GAP_SPACING:
        return [line]
    pieces: list[str] = []
    for piece in _PARAGRAPH_GAP.split(line):
        # A label spread over its table cell ("工 作 任 务") is one word, not four paragraphs.
        if pieces and (len(piece) == 1 or last_length == 1):
            pieces[-1] += piece
        else:
            pieces.append(piece)
        last_length = len(piece)
    return pieces


_PREVIEW_CUT = re.compile(r"免费预览|展开阅读全文|剩余\d*页未读|下载后查看完整|阅读全文")


def clean_characters(text: str) -> str:
    """Line ends, invisible characters, odd spaces and full-width digits and letters made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return text.translate(_INVISIBLE).translate(_SPACES).translate(_WIDTH)


# Mirror sites gloss characters with their pinyin: "報(bào)告" is 報告. Only a tone-marked syllable
# counts, so "(a)" or "(PM2.5)" stay.
_PINYIN_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")


def drop_pinyin(text: str) -> str:
    return _PINYIN_GLOSS.sub("", text)


def close_word_gaps(line: str) -> str:
    """Drop the spaces a PDF copy leaves inside words ("新征 程"); keep those between Latin words."""
    return _WORD_GAP.sub(lambda m: " " if m.group(1).isascii() and m.group(1).isalnum()
                         and m.group(2).isascii() and m.group(2).isalnum() else "", line)


def looks_traditional(text: str) -> bool:
    """Traditional characters are almost all outside GB2312, which holds the simplified ones."""
    counts = Counter(text)
    han = {char: count for char, count in counts.items() if "\u4e00" <= char <= "\u9fff"}
    outside = sum(count for char, count in han.items() if not _in_gb2312(char))
    return outside >= 10 and outside >= sum(han.values()) * 0.03


@lru_cache(maxsize=8192)
def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("tw2sp")


@lru_cache(maxsize=1)
def _character_converter():
    import opencc

    return opencc.OpenCC("tw2s")


# Mainland words that a simplified → Taiwan machine conversion turned into Taiwan ones, which tw2sp
# leaves as they are: "转化应用" became "轉化套用", "技术合同" became "技術契約".
MACHINE_CONVERSION_WORDS = {"套用": "应用", "智能型": "智能", "契约": "合同"}
_MACHINE_WORDS = re.compile("|".join(MACHINE_CONVERSION_WORDS))
# Words tw2sp reads as Taiwan computing terms (新增 → 添加, 執行 → 运行, 文件 → 文档) that in a plan
# mean what they mean on the mainland: only their characters are converted.
CHARACTERS_ONLY = re.compile("(許可權|新增|整合|建立|區域性|區域|線上|資料|執行|文件|開啟|行程|查詢|物件|智慧城市|智慧社區|智慧交通|智慧醫療|智慧教育|智慧養老|智慧農業|智慧政務|智慧應急|智慧園區|智慧校園|智慧旅遊)")
_CLAUSE = re.compile(r"[^,，。;；:：、!?！？()（）“”《》\s]+|.", re.DOTALL)


def _convert_clause(clause: str) -> str:
    parts = CHARACTERS_ONLY.split(clause)
    converted = "".join(
        (_character_converter() if index % 2 else _converter()).convert(part) for index, part in enumerate(parts) if part)
    return _MACHINE_WORDS.sub(lambda m: MACHINE_CONVERSION_WORDS[m.group(0)], converted)


def to_simplified(line: str) -> Paragraph:
    text_parts, pieces = [], []
    text_length = 0
    for match in _CLAUSE.finditer(line):
        piece = _convert_clause(match.group(0))
        pieces.append((text_length, text_length + len(piece), match.start(), match.end()))
        text_parts.append(piece)
        text_length += len(piece)
    return Paragraph("".join(text_parts), line, pieces)


def repair_dates(lines: list[str]) -> tuple[list[str], int]:
    """Put back the 年 and 月 a copy lost: 20229月 → 2022年9月, 20221229日 → 2022年12月29日.

    Bare month-day runs (720日 → 7月20日) are repaired only once a full date showed the loss, since
    "120日" may well mean 120 days. A document number that lost 〕 (皖政〔202264号) is mended too.
    """
    count = 0

    def counted(repair):
        def replace(match: re.Match) -> str:
            nonlocal count
            repaired = repair(match)
            if repaired is None:
                return match.group(0)
            count += 1
            return repaired
        return replace

    year_month = counted(lambda m: f"{m.group(1)}年{int(m.group(2))}月" if _is_month(m.group(2)) else None)
    year_month_day = counted(lambda m: f"{m.group(1)}年{_month_day(m.group(2))}" if _month_day(m.group(2)) else None)
    month_day = counted(lambda m: _month_day(m.group(1)))

    lines = [_YEAR_MONTH_DAY.sub(year_month_day, _YEAR_MONTH.sub(year_month, line)) for line in lines]
    if count:
        lines = [_MONTH_DAY.sub(month_day, line) for line in lines]
    lines = [_DOC_NUMBER_BRACKET.sub(r"〔\1〕", line) for line in lines]
    return lines, count


def _is_month(digits: str) -> bool:
    return not digits.startswith("0") and 1 <= int(digits) <= 12


def _month_day(digits: str) -> str | None:
    """Split "1229" into 12月29日, "81821" into 8月18—21日; None when no split is a valid date."""
    for month_length in (1, 2):
        month, rest = digits[:month_length], digits[month_length:]
        if not rest or not _is_month(month):
            continue
        if len(rest) <= 2 and not rest.startswith("0") and 1 <= int(rest) <= 31:
            return f"{int(month)}月{int(rest)}日"
        if len(rest) == 4 and not rest.startswith("0") and 1 <= int(rest[:2]) < int(rest[2:]) <= 31:
            return f"{int(month)}月{int(rest[:2])}—{int(rest[2:])}日"
    return None


def is_noise_line(line: str) -> bool:
    """Boilerplate of the web page a plan was copied from: page counters, file names, footers."""
    return len(line) <= 300 and any(pattern.search(line) for pattern in NOISE_LINES)


def join_page_breaks(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], int]:
    """Undo page-break markers: a run of paragraphs opened by 1、 2、 3、… that cut sentences in two.

    A real list opened by 1、 2、 3、 has items that end their sentences; page breaks fall anywhere,
    so most chunks before a marker end mid-sentence, and the chunks are page-long.
    """
    runs = _consecutive_marker_runs(paragraphs)
    if not runs:
        return paragraphs, 0
    removed = 0
    in_run = {index: run for run in runs for index in run}
    result: list[Paragraph] = []
    for index, paragraph in enumerate(paragraphs):
        if index not in in_run:
            result.append(paragraph)
            continue
        marker = _PAGE_MARKER.match(paragraph.text)
        chunk = paragraph.without_prefix(marker.end())
        removed += 1
        if index != in_run[index][0] and result and _ends_mid_sentence(result[-1].text):
            result[-1] = result[-1] + chunk
        else:
            result.append(chunk)
    return result, removed


def _consecutive_marker_runs(paragraphs: list[Paragraph]) -> list[list[int]]:
    runs: list[list[int]] = []
    current: list[int] = []
    previous_number = None
    for index, paragraph in enumerate(paragraphs):
        match = _PAGE_MARKER.match(paragraph.text)
        number = int(match.group(1)) if match else None
        if number is not None and current and number == previous_number + 1 and index == current[-1] + 1:
            current.append(index)
        else:
            if len(current) >= 3:
                runs.append(current)
            current = [index] if number is not None else []
        previous_number = number
    if len(current) >= 3:
        runs.append(current)
    return [run for run in runs if _is_page_break_run(paragraphs, run)]


def _is_page_break_run(paragraphs: list[Paragraph], run: list[int]) -> bool:
    cut = sum(1 for index in run[:-1] if _ends_mid_sentence(paragraphs[index].text))
    average_length = sum(len(paragraphs[index].text) for index in run) / len(run)
    return cut * 2 >= len(run) - 1 and average_length >= 150


def _ends_mid_sentence(text: str) -> bool:
    return bool(text) and text[-1] not in TERMINAL and (CJK_CHAR.match(text[-1]) is not None or text[-1] in "、,，")


def join_broken_lines(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a long line that stops mid-sentence to the next, unless the next opens a new item."""
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        if result and _continues(result[-1].text, paragraph.text):
            result[-1] = result[-1] + paragraph
        else:
            result.append(paragraph)
    return result


def _continues(previous: str, line: str) -> bool:
    return (
        len(previous) >= 40
        and _ends_mid_sentence(previous)
        and "|" not in previous
        and "|" not in line
        and not _STRUCTURE_START.match(line)
    )
