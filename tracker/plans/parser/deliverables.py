"""Annual deliverables (年度任务) and quantitative targets (量化目标), and the years a plan covers.

A line or sentence opened by a year belongs to its task with that year ("2018年组织实施100项…");
"到2025年…" sets a deadline; "每年…" recurs every year of the plan; a quantity with a target verb
("突破140家", "100名以上") is a target even without a year. Quantities read with 万 and 亿
multiplied out: "1万项" is 10000 项, "500亿元" is 50000000000 元.
"""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from tracker.plans.parser.model import Deliverable, Target

YEAR_SCOPE = re.compile(
    r"^[\u4e00-\u9fff]{0,3}?(?:到|至|截至|截止到?)\s*((?:19|20)\d\d)\s*年(?:底|末|前|之前|以前)?(?!\s*\d{1,2}\s*月)"
    r"|^(?:在|于|力争|争取|确保|计划)?((?:19|20)\d\d)\s*年"
    r"(?:\s*\d{1,2}\s*月份?(?:底|末|中旬|下旬|上旬)?(?:前|之前|以前)|(?:底|末|前|之前|以前|度)?(?!\s*\d{1,2}\s*月))"
)
# A deadline without its year ("6月底前完成"), dated by a plan that covers one year (工作要点).
MONTH_DEADLINE = re.compile(r"^(?:在|于|力争|争取|确保)?(\d{1,2})\s*月份?(?:底|末|中旬|下旬|上旬)?(?:前|之前|以前)")
RECURRING = re.compile(r"每年|每一年|年年")
MULTIPLIERS = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "千万": 10**7, "百万": 10**6,
               "十万": 10**5, "亿": 10**8, "万": 10**4, "千": 10**3}
UNITS = (
    r"[件个项篇家台]/(?:万|亿|百|千)?(?:人|元|户)|个百分点|平方公里|平方米|人次|人年|家次|项次|小时|公里|千米|千瓦|兆瓦|吉瓦|美元"
    r"|[元%‰吨亩个项家户件名人场支所座台套篇条种类次批处栋倍位部本期届轮天辆架株只间张份门款]"
)
QUANTITY = re.compile(
    r"(?<![\d.A-Za-z第])(?P<number>\d+(?:\.\d+)?)(?:\s*[-—–~～]\s*(?P<number_max>\d+(?:\.\d+)?))?\s*"
    rf"(?P<multiplier>{'|'.join(MULTIPLIERS)})?(?P<unit>{UNITS})(?P<qualifier>及以上|以上|左右|以内|以下)?"
)
COMPARATOR = re.compile(
    r"(?P<spread>分别|均|都)?(?:达到|达|突破|超过|超|不低于|不少于|不高于|不超过|提高到|提高至|提升到|提升至|增加到|增加至|增长到|增至"
    r"|保持在|控制在|稳定在|高于|低于|约为|约|为|在)\s*$"
)
STRONG_BEFORE = re.compile(r"(?<![可最高])(?:达到|达|突破|超过|不低于|不少于)\s*$")
SCOPE_WORDS = re.compile(
    r".*(?:力争|争取|确保|实现|累计|当年|每年|全市|全省|全区|全县|其中|努力|(?:到|至)?(?:19|20)\d\d年(?:底|末|前)?|[,，;；])"
)
NUMBER_FIRST_CUT = re.compile(r"(?<=..)(?:到|向|参与|申报|用于)")
CONNECTOR = re.compile(r"^(?:以及|及|和|与|、|,|，)+|(?:以及|及|和|与|、|,|，)+$")
SENTENCE = re.compile(r"[^。;；!?！？\n]+[。;；!?！？]?")
CLAUSE = re.compile(r"[^,，]+[,，]?")


def parse_quantity(number: str, multiplier: str | None) -> int | float:
    try:
        value = Decimal(number) * MULTIPLIERS.get(multiplier or "", 1)
    except InvalidOperation:
        return 0
    return int(value) if value == value.to_integral_value() else float(value)


def scope_year(clause: str) -> tuple[int | None, bool]:
    """The year a clause opens with, and whether it is a deadline ("到2025年") or that year's work."""
    match = YEAR_SCOPE.match(clause.strip())
    if match is None:
        return None, False
    if match.group(1):
        return int(match.group(1)), True
    return int(match.group(2)), False


def targets_in(clause: str, year: int | None = None, strong_only: bool = False) -> list[Target]:
    """The quantitative targets a clause states; with `strong_only`, only those with a target verb."""
    parts = re.split(r"、", clause)
    if len(parts) > 1 and all(_quantities(part) for part in parts):
        return [target for part in parts for target in _part_targets(part, year, strong_only)]
    return _part_targets(clause, year, strong_only)


def _quantities(text: str) -> list[re.Match]:
    return [match for match in QUANTITY.finditer(text) if not _is_threshold(text, match)]


def _is_threshold(text: str, match: re.Match) -> bool:
    """"销售收入50亿元以上高新技术企业" names a kind of firm; the amount is not a target."""
    following = text[match.end():match.end() + 1]
    return match.group("unit") == "元" and match.group("qualifier") in ("以上", "以下", "及以上") and bool(
        re.match(r"[\u4e00-\u9fff]", following))


def _part_targets(text: str, year: int | None, strong_only: bool) -> list[Target]:
    matches = _quantities(text)
    targets: list[Target] = []
    consumed = 0
    index = 0
    while index < len(matches):
        match = matches[index]
        next_start = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        after = text[match.end():next_start]
        if strong_only and not _is_strong(text, match):
            consumed = match.end()
            index += 1
            continue
        name = _number_first_name(after)
        if name:
            targets.append(_target(name, match, year))
            consumed = next_start
            index += 1
            continue
        names, spread = _name_first(text[consumed:match.start()])
        if spread == "分别" and len(names) > 1:
            run = [match] + [later for later in matches[index + 1:index + len(names)]]
            targets.extend(_target(name, quantity, year) for name, quantity in zip(names, run))
            consumed = run[-1].end()
            index += len(run)
            continue
        targets.extend(_target(name, match, year) for name in (names if spread in ("均", "都") else ["、".join(names)]) if name)
        consumed = match.end()
        index += 1
    return targets


def _is_strong(text: str, match: re.Match) -> bool:
    return match.group("qualifier") in ("以上", "及以上", "左右") or bool(STRONG_BEFORE.search(text[:match.start()]))


def _number_first_name(after: str) -> str:
    """The name that follows a quantity ("建设10个科技成果产业化基地")."""
    text = re.split(r"[,，;；。!?()（）]", after, maxsplit=1)[0]
    if not text or text[0] in "、和及与的":
        return ""
    cut = NUMBER_FIRST_CUT.search(text)
    if cut:
        text = text[:cut.start()]
    return CONNECTOR.sub("", text).strip()


def _name_first(before: str) -> tuple[list[str], str | None]:
    """The name that precedes a quantity ("高新技术企业达到1200家"); several with 分别/均."""
    comparator = COMPARATOR.search(before)
    spread = comparator.group("spread") if comparator else None
    text = before[:comparator.start()] if comparator else before
    text = _after_unmatched(text, "“", "”")
    text = _after_unmatched(text, "(（", ")）")
    scope = SCOPE_WORDS.match(text)
    if scope:
        text = text[scope.end():]
    text = CONNECTOR.sub("", text.strip()).strip()
    names = [name for name in text.split("、") if name] if spread else [text]
    return names, spread


def _after_unmatched(text: str, openers: str, closers: str) -> str:
    """The text after the last bracket or quote left open: what precedes it is another phrase."""
    open_at: list[int] = []
    for index, char in enumerate(text):
        if char in openers:
            open_at.append(index)
        elif char in closers and open_at:
            open_at.pop()
    return text[open_at[-1] + 1:] if open_at else text


def _target(name: str, match: re.Match, year: int | None) -> Target:
    multiplier = match.group("multiplier")
    number_max = match.group("number_max")
    unit = match.group("unit")
    return Target(
        name=name,
        value=parse_quantity(match.group("number"), multiplier),
        unit=unit,
        text=match.group(0),
        value_max=parse_quantity(number_max, multiplier) if number_max else None,
        year=year,
    )


def _clauses(sentence: str) -> list[str]:
    return [clause for clause in CLAUSE.findall(sentence) if clause.strip()]


def task_deliverables(text: str, year_lines: list[str]) -> list[Deliverable]:
    """A task's deliverables: its year lines, then the sentences of its text with a year, 每年 or target."""
    deliverables = []
    for line in year_lines:
        year, is_deadline = scope_year(line)
        targets = [target for clause in _clauses(line) for target in targets_in(clause, year)]
        deliverables.append(Deliverable(year, line.strip(), targets, is_deadline=is_deadline))
    for sentence in SENTENCE.findall(text):
        deliverables.extend(_sentence_deliverables(sentence))
    return deliverables


def month_deliverables(text: str, year: int) -> list[Deliverable]:
    """Deadlines that name a month but not the year ("6月底前完成…"), in a plan that covers `year` alone."""
    found = []
    for sentence in SENTENCE.findall(text):
        for clause in _clauses(sentence):
            month = MONTH_DEADLINE.match(clause.strip())
            if month and 1 <= int(month.group(1)) <= 12:
                found.append(Deliverable(year, clause.strip().rstrip(",，。;；"), targets_in(clause, year)))
    return found


def _sentence_deliverables(sentence: str) -> list[Deliverable]:
    groups: list[tuple[Deliverable, list[str]]] = []
    current: tuple[Deliverable, list[str]] | None = None
    for clause in _clauses(sentence):
        year, is_deadline = scope_year(clause)
        is_recurring = year is None and bool(RECURRING.search(clause))
        if year is not None or is_recurring:
            current = (Deliverable(year, "", recurring=is_recurring, is_deadline=is_deadline), [])
            groups.append(current)
        elif current is None and targets_in(clause, strong_only=True):
            current = (Deliverable(None, ""), [])
            groups.append(current)
        if current is None:
            continue
        deliverable, clauses = current
        clauses.append(clause)
        scoped = deliverable.year is not None or deliverable.recurring
        deliverable.targets.extend(targets_in(clause, deliverable.year, strong_only=not scoped))
    for deliverable, clauses in groups:
        deliverable.text = "".join(clauses).strip().rstrip(",，。;；")
    return [deliverable for deliverable, _ in groups]


def plan_targets(paragraph: str, year: int | None = None, is_goal: bool = False) -> list[Target]:
    """Targets stated outside the tasks (发展目标): a year set by "到2025年" holds to the paragraph's end."""
    targets = []
    for clause in CLAUSE.findall(paragraph.replace("。", "。,")):
        clause_year, _ = scope_year(clause)
        year = clause_year or year
        if year is not None or is_goal:
            targets.extend(targets_in(clause.rstrip(",，"), year))
    return targets


TEN_FIVE = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026, "十六五": 2031}
SPAN_WORDS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def plan_years(title: str, deliverables: list[Deliverable], deadline_years: list[int],
               publish_year: int | None) -> tuple[int | None, int | None]:
    """The years a plan covers: from its title ((2022-2025年), "十四五", 三年…), else from its dates."""
    span = re.search(r"((?:19|20)\d\d)\s*[-—–~～至到]\s*((?:19|20)\d\d)", title)
    if span:
        return int(span.group(1)), int(span.group(2))
    for name, start in TEN_FIVE.items():
        if name in title:
            return start, start + 4
    end = Counter(deadline_years).most_common(1)[0][0] if deadline_years else None
    annual = [deliverable.year for deliverable in deliverables if deliverable.year and not deliverable.is_deadline]
    if end is None and annual:
        end = max(annual)
    length = re.search(r"([一两二三四五1-5])\s*年(?:行动|实施|工作|计划|攻坚)", title)
    if end is not None and length:
        return end - SPAN_WORDS[length.group(1)] + 1, end
    if annual:
        return min(annual), max(end or 0, max(annual))
    if end is not None and publish_year and publish_year <= end:
        return publish_year, end
    return end, end
