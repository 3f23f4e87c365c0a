"""Responsible units (责任单位): who leads a task (牵头) and who works with it (配合).

Rules a human reader applies: the first unit listed leads and the rest are co-responsible; a
prefix (省, 市) written once distributes over the list that follows it; "等" and "按职责分工" are
not units; group names (苏南五市, 各县区政府) stay as written; "…均包括…不单独列出,下同" adds those
units to that task and every later one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LEAD_LABELS = ("责任单位", "责任部门", "牵头单位", "牵头部门", "责任主体", "主责单位", "负责单位", "牵头")
CO_LABELS = ("配合单位", "配合部门", "参与单位", "协办单位", "协同单位", "配合", "参与")
_LABEL = "|".join(sorted(LEAD_LABELS + CO_LABELS, key=len, reverse=True))
CLAUSE_OPEN = re.compile(rf"[(（【]\s*(?:{_LABEL})\s*[:：]")
BARE_CLAUSE = re.compile(rf"(?:^|(?<=[。;；\n]))\s*(?:{_LABEL})\s*[:：]")
# A label is known by its colon; a PDF copy may have dropped the space before it ("市科技局配合:").
LABELLED = re.compile(rf"[;；,，。\s]*({_LABEL})\s*[:：]\s*")
CLOSERS = {"(": ")", "（": "）", "【": "】"}

ADMIN_PREFIXES = "省市县区"
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
    "宁夏", "新疆", "香港", "澳门",
)
# Names that stand on their own and never take a prefix from the list around them.
FULL_NAME_START = ("中国", "中央", "国家", "全国", "国务院", "人民银行", "中科院", "中国科学院", "各", "有关", "相关", "全体")
# Companies, banks and universities are never a level's department: "蚌投集团" is not "市蚌投集团".
INSTITUTIONS = ("集团", "公司", "银行", "分行", "支行", "大学", "学院", "医院")
_UNIT_SPLIT = re.compile(r"[、/／]|(?<=[\u4e00-\u9fff])[A-Za-z](?=[\u4e00-\u9fff])|\s+")
_TRAILING = re.compile(r"(?:等单位|等部门|等|按职责分工|按照职责分工|分别负责|负责|牵头|配合|参与|落实)+$")
_GROUP = re.compile(rf"^(?:各|有关|相关|全体)|[一二三四五六七八九十两]+个?(?:市|县|区|地|部门|单位)|成员单位$")
CARRY_FORWARD = re.compile(r"下同|以下同|后同")
INCLUDED = re.compile(r"(?:均|都|皆)(?:包括|包含|含)|包括|包含")
NOT_UNITS = re.compile(r"不单独列出|不再列出|不再单独列出|下同|以下同|后同")


@dataclass
class Responsibility:
    """The units one task names: `lead` first, then `co`; `carried` are to be added to later tasks too."""

    lead: str | None = None
    co: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    is_unclosed: bool = False

    @property
    def is_empty(self) -> bool:
        return self.lead is None and not self.co


def find_clauses(text: str) -> list[tuple[str, bool]]:
    """The responsibility clauses in a text: their content, and whether the bracket was left open."""
    clauses = []
    position = 0
    while True:
        match = CLAUSE_OPEN.search(text, position)
        if match is None:
            break
        end, is_closed = _closing_bracket(text, match.start())
        clauses.append((text[match.start() + 1:end].strip(), not is_closed))
        position = end + 1
    if not clauses:
        for match in BARE_CLAUSE.finditer(text):
            stop = re.compile(r"[。\n]").search(text, match.end())
            clauses.append((text[match.start():stop.start() if stop else len(text)].strip(), False))
    return clauses


def _closing_bracket(text: str, start: int) -> tuple[int, bool]:
    opener = text[start]
    closer = CLOSERS[opener]
    depth = 0
    for index in range(start, len(text)):
        if text[index] in "(（【":
            depth += 1
        elif text[index] in ")）】":
            depth -= 1
            if depth == 0:
                return index, True
    return len(text), False


def parse_responsibility(text: str) -> Responsibility:
    """All the units a task's text names, in its responsibility clauses."""
    result = Responsibility()
    units: list[str] = []
    co_units: list[str] = []
    for clause, is_unclosed in find_clauses(text):
        result.is_unclosed |= is_unclosed
        for label, content in _labelled_parts(clause):
            target = co_units if label in CO_LABELS else units
            for group in re.split(r"[,，;；。]", content):
                included = INCLUDED.search(group)
                if included:
                    named = split_units(group[included.end():])
                    co_units.extend(named)
                    if CARRY_FORWARD.search(clause):
                        result.carried.extend(named)
                    continue
                target.extend(split_units(group))
    ordered = _unique(units + co_units)
    if ordered:
        result.lead = ordered[0]
        result.co = ordered[1:]
    result.carried = _unique(result.carried)
    return result


def _labelled_parts(clause: str) -> list[tuple[str, str]]:
    matches = list(LABELLED.finditer(clause))
    return [
        (match.group(1), clause[match.end():matches[number + 1].start() if number + 1 < len(matches) else len(clause)])
        for number, match in enumerate(matches)
    ]


def split_units(text: str) -> list[str]:
    """A list of units as written ("省科技厅、发展改革委") → full names, the prefix distributed."""
    names = []
    for raw in _UNIT_SPLIT.split(text):
        name = _TRAILING.sub("", _strip_unmatched_closer(raw.strip(" \t.。;；:：")))
        if name and not NOT_UNITS.fullmatch(name) and not NOT_UNITS.search(name):
            names.append(name)
    return distribute_prefix(names)


def _strip_unmatched_closer(name: str) -> str:
    while name.endswith((")", "）")) and name.count("(") + name.count("（") < name.count(")") + name.count("）"):
        name = name[:-1]
    return name


def distribute_prefix(names: list[str]) -> list[str]:
    """省科技厅、发展改革委 → 省科技厅、省发展改革委, unless the list writes each prefix itself."""
    if len(names) < 2 or names[0][0] not in ADMIN_PREFIXES or len(names[0]) < 3:
        return names
    prefix = names[0][0]
    if any(name.startswith(prefix) for name in names[1:]):
        return names
    return [names[0]] + [name if _stands_alone(name) else prefix + name for name in names[1:]]


def _stands_alone(name: str) -> bool:
    return (
        name[0] in ADMIN_PREFIXES
        or name.startswith(FULL_NAME_START)
        or name.startswith(PROVINCES)
        or bool(re.search(r"[省市县区州]", name[:-1]))
        or name.endswith(INSTITUTIONS)
        or is_group(name)
    )


def is_group(name: str) -> bool:
    """Groups of units (苏南五市, 各县区政府, 有关单位) fan out to their members when work is assigned."""
    return bool(_GROUP.search(name))


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
