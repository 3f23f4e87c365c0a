"""Annual deliverables (年度任务) and quantitative targets (量化目标), and the years a plan covers.

A line or sentence opened by a year belongs to its task with that year ("2018年组织实施100项…");
a deadline dates its clause wherever it stands ("…于2024年6月底前完成"); "每年…" recurs every year of
the plan; a quantity the sentence commits to ("突破140家", "新增就业1万人") is a target even without
a year (see targets.py). A plan that covers one year dates what names no year: its deadlines without
one ("6月底前"), its table's 完成时限 cells ("3月", "全年"), its undated targets.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

from tracker.plans.parser.deadlines import (ONGOING, RECURRING, due_on, labelled_deadlines, scope_year,
                                            yearless_deadline)
from tracker.plans.parser.model import Deliverable, Target
from tracker.plans.parser.targets import targets_in

SENTENCE = re.compile(r"[^。;；!?！？\n]+[。;；!?！？]?")
CLAUSE = re.compile(r"[^,，]+[,，]?")


def _clauses(sentence: str) -> list[str]:
    return [clause for clause in CLAUSE.findall(sentence) if clause.strip()]


def task_deliverables(text: str, year_lines: list[str], deadline_cells: list[str] = ()) -> list[Deliverable]:
    """A task's deliverables: its year lines; the sentences of its text with a year, a deadline, 每年
    or a target; the deadline its tag or its table row writes under a label (完成时限)."""
    deliverables = []
    for line in year_lines:
        year, is_deadline = scope_year(line)
        targets = [target for clause in _clauses(line) for target in targets_in(clause, year)]
        deliverables.append(Deliverable(year, line.strip(), targets, is_deadline=is_deadline, due_on=due_on(line)))
    for sentence in SENTENCE.findall(text):
        deliverables.extend(_sentence_deliverables(sentence))
    # A tag's dated deadline ("完成时限:2025年6月底前") is read with its sentence; one without a year here.
    undated = [cell for cell in labelled_deadlines(text) if scope_year(cell)[0] is None]
    for cell in [*undated, *deadline_cells]:
        deliverables.append(_cell_deliverable(cell))
    return _without_repeated_deadlines(deliverables)


# A deadline with nothing to deliver but "完成": a tag's "(甲牵头,2026年底前完成)".
_BARE_DEADLINE = re.compile(r"^[(（]?\s*(?:\d{4}年)?(?:\d{1,2}月)?(?:年?底|末|上半年|下半年|年内|[上中下]旬)?前?(?:完成|落实|到位|办结)?\s*[)）]?$")


def _without_repeated_deadlines(deliverables: list[Deliverable]) -> list[Deliverable]:
    """A tag's bare deadline repeats the date of a deliverable the text already commits to by then."""
    def is_repeat(deliverable: Deliverable) -> bool:
        return (deliverable.is_deadline and not deliverable.targets and bool(_BARE_DEADLINE.match(deliverable.text))
                and any(other is not deliverable and other.year == deliverable.year and other.due_on == deliverable.due_on
                        and not _BARE_DEADLINE.match(other.text) for other in deliverables))
    return [deliverable for deliverable in deliverables if not is_repeat(deliverable)]


def _cell_deliverable(cell: str) -> Deliverable:
    """A 完成时限 as a table cell or a tag writes it: "2024年12月底前", "3月", "全年", "长期坚持"."""
    text = cell
    if ONGOING.match(cell):
        return Deliverable(None, text, recurring=True)
    year, _ = scope_year(cell)
    if year is not None:
        return Deliverable(year, text, is_deadline=True, due_on=due_on(cell))
    return Deliverable(None, text, is_deadline=True, deadline_text=cell if yearless_deadline(cell) else None)


def dated_by_cells(deliverables: list[Deliverable], cells: list[Deliverable]) -> list[Deliverable]:
    """A table row's deadline dates what its text commits to without a date: "压缩审批时间至30个工作日以内"
    under "2031年底前" is one deliverable, due then, with that target."""
    if len(cells) != 1:
        return deliverables + cells
    undated = [d for d in deliverables if d.year is None and not d.recurring and not d.deadline_text]
    cells[0].targets += [target for deliverable in undated for target in deliverable.targets]
    for target in cells[0].targets:
        target.year = target.year or cells[0].year
    return [d for d in deliverables if all(d is not other for other in undated)] + cells


def date_one_year(deliverables: list[Deliverable], year: int) -> None:
    """In a plan that covers one year, what names no year is that year's: "6月底前", "全年", targets."""
    for deliverable in deliverables:
        if deliverable.year is None and not deliverable.recurring:
            deliverable.year = year
            deliverable.due_on = due_on(deliverable.deadline_text, year) if deliverable.deadline_text else None
            for target in deliverable.targets:
                target.year = target.year or year


def without_yearless(deliverables: list[Deliverable]) -> list[Deliverable]:
    """In a plan of several years, "6月底前完成…" names no year to date: only its targets are kept."""
    return [deliverable for deliverable in deliverables if not deliverable.deadline_text or deliverable.targets
            or deliverable.year is not None]


def _sentence_deliverables(sentence: str) -> list[Deliverable]:
    groups: list[tuple[Deliverable, list[str]]] = []
    current: tuple[Deliverable, list[str]] | None = None
    for clause in _clauses(sentence):
        year, is_deadline = scope_year(clause)
        is_recurring = year is None and bool(RECURRING.search(clause))
        yearless = year is None and not is_recurring and yearless_deadline(clause)
        if year is not None or is_recurring or yearless:
            deliverable = Deliverable(year, "", recurring=is_recurring, is_deadline=is_deadline or yearless,
                                      due_on=due_on(clause), deadline_text=clause.strip() if yearless else None)
            current = (deliverable, [])
            groups.append(current)
        elif current is None and targets_in(clause, strong_only=True):
            current = (Deliverable(None, ""), [])
            groups.append(current)
        if current is None:
            continue
        deliverable, clauses = current
        clauses.append(clause)
        scoped = deliverable.year is not None or deliverable.recurring or deliverable.deadline_text is not None
        named = [target.name for group, _ in groups for target in group.targets]
        deliverable.targets.extend(targets_in(clause, deliverable.year, strong_only=not scoped, subject=named[-1] if named else ""))
    for deliverable, clauses in groups:
        deliverable.text = "".join(clauses).strip().rstrip(",，。;；")
    return [deliverable for deliverable, _ in groups]


def plan_targets(paragraph: str, year: int | None = None, is_goal: bool = False, committed: bool = False) -> list[Target]:
    """Targets stated outside the tasks (发展目标): a year set by "到2025年", or a "全年"/"今年" (the
    plan's year, dated later), holds to the paragraph's end. `committed`: the text of a section of
    tasks, whose every commitment counts ("力争全区研发投入强度达到4.10%左右")."""
    targets = []
    scoped = committed
    for clause in CLAUSE.findall(paragraph.replace("。", "。,")):
        clause_year, _ = scope_year(clause)
        year = clause_year or year
        scoped = scoped or yearless_deadline(clause)
        if year is not None or is_goal or scoped:
            targets.extend(targets_in(clause.rstrip(",，"), year, strong_only=year is None and not is_goal))
    return targets


# A title naming one year and the work of that year: "2024年政务公开工作要点", "关于2024年实施47项民生实事的通知",
# or with the year in brackets after the work: "重点工作责任分解(2023年)".
_ONE_YEAR_WORK = (r"(?:版|分工|工作要点|要点|重点工作|民生实事|实事|工作任务|主要任务|任务分解|任务分工|分工方案"
                  r"|责任分解|分解表|工作计划|工作安排|工作方案|行动方案|行动计划|实施方案|政府工作报告)")
# "到2027年…行动方案" names the year it ends, not the one year it covers.
ONE_YEAR_TITLE = re.compile(rf"(?<![到至])((?:19|20)\d\d)\s*年(?:度|版)?.*?{_ONE_YEAR_WORK}"
                            rf"|{_ONE_YEAR_WORK}[^(（]*[(（]\s*((?:19|20)\d\d)\s*年度?\s*[)）]")
TEN_FIVE = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026, "十六五": 2031}
SPAN_WORDS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def plan_years(title: str, deliverables: list[Deliverable], deadline_years: list[int],
               publish_year: int | None, opening: str = "") -> tuple[int | None, int | None]:
    """The years a plan covers: from its title ((2022-2025年), "十四五", 三年…, one year's 工作要点),
    or from its opening sentence when it has no title ("2024年将着力办好十件实事"), else from its dates."""
    if opening and not ONE_YEAR_TITLE.search(title):
        title = f"{title} {opening}" if ONE_YEAR_TITLE.search(opening) else title
    span = re.search(r"((?:19|20)\d\d)\s*[-—–~～至到]\s*((?:19|20)\d\d)", title)
    if span:
        return int(span.group(1)), int(span.group(2))
    one_year = ONE_YEAR_TITLE.search(title)
    if one_year and len(set(re.findall(r"(?:19|20)\d\d(?=\s*年)", title))) == 1:
        year = int(one_year.group(1) or one_year.group(2))
        return year, year
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
