"""Deadlines (完成时限): the year by which a clause's work is due, and the day where the text says it.

"2024年底前…", "2025年6月底前…", "于2024年12月31日前…" and "到2027年…" date the clause they stand in
("到2027年" and "…底前" are deadlines); a clause opened by a year ("2018年组织实施…") is that year's
work. A deadline without its year ("6月底前", "年底前", "全年", "上半年", "三季度末") is dated by a
plan that covers one year. A task table's 完成时限 cell, or a tag's ("完成时限:2024年12月底前"), dates
its row or task; "长期坚持" and "持续推进" recur every year.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

YEAR_SCOPE = re.compile(
    r"^[\u4e00-\u9fff]{0,3}?(?:到|至|截至|截止到?)\s*((?:19|20)\d\d)\s*年(?:底|末|前|之前|以前)?(?!\s*\d{1,2}\s*月)"
    r"|^(?:在|于|力争|争取|确保|计划|力争在|力争于|确保在|确保于|争取在)?((?:19|20)\d\d)\s*年"
    r"(?:\s*\d{1,2}\s*月份?(?:\s*\d{1,2}\s*日)?(?:底|末|中旬|下旬|上旬)?(?:前|之前|以前)|(?:底|末|前|之前|以前|度)?(?!\s*\d{1,2}\s*月))"
)
# A deadline standing anywhere in a clause: "…工作于2024年6月底前完成", "…在2025年12月31日前建成".
DEADLINE = re.compile(
    r"((?:19|20)\d\d)\s*年\s*(?:(\d{1,2})\s*月份?(?:\s*(\d{1,2})\s*日)?|(?P<period>第?[一二三四1-4]季度|上半年|下半年|年(?=底|末)))?"
    r"\s*(?P<part>底|末|中旬|上旬|下旬)?\s*(?:前|之前|以前)"
)
# A year between a target's name and its value: "高新技术企业数量2025年达到100家", "市财政2025年统筹安排5000万元".
YEAR_OF_VALUE = re.compile(r"((?:19|20)\d\d)\s*年(?:底|末)?\s*(?=分别|均|达到|达|突破|超过|不低于|不少于|控制在|实现|提高到|增长|下降"
                           r"|(?:统筹|计划)?(?:安排|新增|完成|建成|培育|引进))")
# A deadline without its year, at the head of a clause: "6月底前完成…", "年底前建成…", "上半年…".
YEARLESS = re.compile(
    r"^(?:在|于|力争|争取|确保|力争在|力争于)?(?:(?P<month>\d{1,2})\s*月份?(?:\s*(?P<day>\d{1,2})\s*日)?(?P<part>底|末|中旬|下旬|上旬)?"
    r"(?:前|之前|以前|$)|(?P<relative>年底前|年底|年内|全年|今年|当年|上半年|下半年|[一二三四1-4]季度(?:末|底)?(?:前)?|第[一二三四]季度))"
)
# A deadline as a task table's cell writes it: "3月", "2024年12月底前", "全年", "长期坚持".
DEADLINE_CELL = re.compile(
    r"(?:(?:19|20)\d\d\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?份?(?:底|末|中旬|上旬|下旬)?(?:前|之前|以前)?"
    r"|(?:19|20)\d\d\s*年(?:底|末)?(?:前|之前|以前)?|全年|年底前|年内|长期坚持|持续推进|长期|持续|每月|每季度|每年|常态化"
)
RECURRING = re.compile(r"每年|每一年|年年")
ONGOING = re.compile(r"^(?:长期坚持|持续推进|长期|持续|常态化|每年|每季度|每月)")
# The deadline a tag or a table's row writes under its label.
DEADLINE_LABEL = r"(?:完成时限|完成时间|时间节点|时限要求|完成期限|截止时间|时限)"
LABELLED = re.compile(rf"{DEADLINE_LABEL}\s*[:：]\s*([^;；,，)）\]】〕]+)")
QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def scope_year(clause: str) -> tuple[int | None, bool]:
    """The year a clause opens with, and whether it is a deadline ("到2025年") or that year's work."""
    match = YEAR_SCOPE.match(clause.strip())
    if match is None:
        deadline = DEADLINE.search(clause) or YEAR_OF_VALUE.search(clause)
        return (int(deadline.group(1)), True) if deadline else (None, False)
    if match.group(1):
        return int(match.group(1)), True
    return int(match.group(2)), bool(DEADLINE.match(clause.strip(), match.start(2)))


def due_on(clause: str, year: int | None = None) -> date | None:
    """The day a deadline names: "2025年6月底前" → 2025-06-30, "12月31日前" → 12-31 of `year`;
    None where it names a year only."""
    match = DEADLINE.search(clause)
    if match and match.group(2):
        return _day(int(match.group(1)), int(match.group(2)), match.group(3), match.group("part"))
    if match and match.group("period") and match.group("period") != "年":
        return _period_end(int(match.group(1)), match.group("period"))
    yearless = YEARLESS.match(clause.strip())
    if yearless is None or year is None:
        return None
    if yearless.group("month"):
        return _day(year, int(yearless.group("month")), yearless.group("day"), yearless.group("part"))
    return _period_end(year, yearless.group("relative"))


def _period_end(year: int, period: str) -> date:
    """The last day of a part of the year: "上半年", "三季度", "第四季度"; of the year otherwise."""
    if period == "上半年":
        return date(year, 6, 30)
    quarter = re.search(r"[一二三四1-4]", period)
    if "季度" in period and quarter:
        return _day(year, QUARTERS[quarter.group(0)], None, None)
    return date(year, 12, 31)


def _day(year: int, month: int, day: str | None, part: str | None) -> date | None:
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day and 1 <= int(day) <= last:
        return date(year, month, int(day))
    return date(year, month, {"上旬": 10, "中旬": 20}.get(part or "", last))


def yearless_deadline(clause: str) -> bool:
    """Whether a clause opens with a deadline that names no year ("6月底前", "年底前", "全年")."""
    match = YEARLESS.match(clause.strip())
    return match is not None and not (match.group("month") and not 1 <= int(match.group("month")) <= 12)


def labelled_deadlines(text: str) -> list[str]:
    """Deadlines a tag writes under a label: "(牵头单位:县住建局;完成时限:2025年底前)" → ["2025年底前"]."""
    return [match.group(1).strip() for match in LABELLED.finditer(text)]
