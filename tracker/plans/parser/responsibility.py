"""Responsible units (责任单位): who leads a task (牵头) and who works with it (配合).

The genre names them in two ways. With a label: "(牵头单位:甲;配合单位:乙、丙)", in any bracket or
on a line of its own, 主办/协办 and 责任单位 alike. With a verb: "(甲牵头,乙、丙配合)", "(由甲牵头)",
"(甲会同乙负责)", "(甲、乙按职责分工负责)", "各地区、各部门负责。", a heading "甲牵头工作". Rules a
human reader applies: the first lead named leads and everybody else is co-responsible, once; where
no unit is called lead, the first listed leads (`first_listed`, for the office to confirm); a prefix
(省, 市) written once distributes over its list, a suffix written once too (各市、县人民政府); "等"
and "按职责分工" are not units; "…均包括/涉及…不再单独列出,下同" adds those units to that task and
every later one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.plans.parser.deadlines import DEADLINE_LABEL
from tracker.plans.parser.task_tables import ROLES
from tracker.plans.parser.units import RUN_SUFFIXES, SUFFIXES, is_body_name, is_unit_name, unit_run

# A label is a role's words before a colon, in the genre's many spellings: 牵头单位, 主要责任单位,
# 协同责任单位, 协办部门, 责任主体, 配合; and the leader's (责任县领导) whose name is a person's, not a unit's.
# What a label means is what a task table's header of the same words means (task_tables.ROLES).
_QUALIFIER = r"(?:主要|其他|具体|直接|第一)?"
_ROLE_WORDS = r"(?:牵头|主责|主办|负责|责任|协办|协同|协作|协助|配合|参与|支持)+"
_LEVEL = r"(?:[省市县区镇乡]级?)?"
_LABEL = rf"{_QUALIFIER}{_ROLE_WORDS}{_LEVEL}(?:单位|部门|主体|处室|科室|领导|人)?"
OPENERS = "(（【[〔［"
CLOSERS = {"(": ")", "（": "）", "【": "】", "[": "]", "〔": "〕", "［": "］"}
# "牵头单位为甲,配合单位为乙" says with 为 what a colon says.
_LABEL_END = r"\s*(?:[:：]|(?<=单位|部门)为)"
CLAUSE_OPEN = re.compile(rf"[{re.escape(OPENERS)}]\s*(?:{_LABEL}){_LABEL_END}")
BARE_CLAUSE = re.compile(rf"(?:^|(?<=[。;；\n]))\s*(?:{_LABEL}){_LABEL_END}")
BRACKETED_LABEL = re.compile(rf"【\s*({_LABEL})\s*】")
# What marks the lead in a list: "市发改委(牵头)", "市发改委*", "市发改委★".
LEAD_MARK = re.compile(r"\s*(?:[(（](?:牵头|牵头单位|主责|主办)[)）]|[*＊★☆])$")
# A label is known by its colon; a PDF copy may have dropped the space before it ("市科技局配合:").
# A deadline's label ends the list before it as a unit label does ("配合单位:乙 完成时限:年底").
LABELLED = re.compile(rf"[;；,，。\s]*({_LABEL}|{DEADLINE_LABEL}){_LABEL_END}\s*")

ADMIN_PREFIXES = "省市县区"
# Words that open with a level's character without naming the level: 市场监管总局 is national.
NOT_A_PREFIX = ("市场", "区域", "县域", "省份")
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
    "宁夏", "新疆", "香港", "澳门",
)
# Names that stand on their own and never take a prefix from the list around them.
FULL_NAME_START = ("中国", "中央", "国家", "全国", "国务院", "人民银行", "中科院", "中国科学院", "各", "有关", "相关", "全体")
# Companies, banks and universities are never a level's department: "蚌投集团" is not "市蚌投集团".
INSTITUTIONS = ("集团", "公司", "银行", "分行", "支行", "大学", "学院", "医院")
_UNIT_SPLIT = re.compile(r"[、/／]|(?<=[\u4e00-\u9fff])[A-Za-z](?=[\u4e00-\u9fff])|\s+|(?<=[\u4e00-\u9fff])(?:及|和|与|以及)(?=各|有关|相关)"
                         r"|等(?:和|及|以及|与)?(?=[\u4e00-\u9fff]{2})(?!(?:部门|单位|方面)$)")
_TRAILING = re.compile(r"(?:等单位|等部门|等|按职责分工|按照职责分工|按职责|分别|共同|负责|牵头|主办|协办|配合|参与|落实|推进|实施|抓好)+$")
_GROUP = re.compile(rf"^(?:各|有关|相关|全体)|[一二三四五六七八九十两]+个?(?:市|县|区|地|部门|单位)|成员单位$")
# "…下同", or "以下政策措施均需各县区人民政府落实,不再单独列出": said once, it holds for what follows.
CARRY_FORWARD = re.compile(r"下同|以下同|后同|以下[^,，。;；]{0,10}?(?:均|都)")
INCLUDED = re.compile(r"(?:均|都|皆)(?:包括|包含|含|涉及|需|须|由|请)|包括|包含")
NOT_UNITS = re.compile(r"不单独列出|不再列出|不再单独列出|不再做分工|不再分工|下同|以下同|后同")
# "排在第一位的为牵头单位", "主要责任单位第一个为牵头单位", "列第一位者为工作牵头单位": said once, anywhere.
FIRST_LEADS = re.compile(r"(?:第一位|首位|第一个|第一家|排名第一|排在第一|列第一)[^。;；]{0,8}?(?:为|是|系)[^。;；]{0,4}?(?:牵头|主办)")
REMARK = re.compile(rf"[(（][^()（）]*(?:{NOT_UNITS.pattern}|{FIRST_LEADS.pattern})[^()（）]*[)）]$")
# What shares a clause with the units without being one: deadlines, scores, other labels.
NOT_A_NAME = re.compile(r"[:：]|(?:19|20)\d\d|\d+\s*(?:月|日|分|年)|时限|时间|分值|前完成|底前|年底|年内|长期|持续推进")
# Verb forms: which verb makes a unit lead and which co-responsible.
# "为" makes the verb a role: "县发改局为牵头单位,县财政局为配合单位".
LEAD_VERB = re.compile(r"(?:为|是)?(?:共同|联合)?(?:牵头|主办)(?:负责|落实|推进|实施|抓总|单位|部门)?")
CO_VERB = re.compile(r"(?:为|是)?(?:配合|参与|协助|协同|协办|支持)(?:实施|落实|推进|单位|部门)?")
SHARED_VERB = re.compile(r"(?:按|按照|根据)?(?:各自)?(?:职责分工|职能分工|职责)?(?:分别|共同)?(?:负责|落实|承担)")
WITH_VERB = re.compile(r"会同")
_CLOSERS = ")）】]〕］"
# A bracket's character, or a short bracket inside it: "各县(市、区)人民政府" stands in a tag whole.
_IN_BRACKET = rf"(?:[^{re.escape(OPENERS + _CLOSERS)}]|[(（][^()（）]{{1,8}}[)）])"
VERB_CLAUSE = re.compile(rf"[{re.escape(OPENERS)}]({_IN_BRACKET}{{2,200}}?(?:牵头|主办|负责|配合|参与|落实|会同|协助)"
                         rf"{_IN_BRACKET}{{0,80}}?)[{re.escape(_CLOSERS)}]")
# A sentence that is only units and a verb: "由市发展改革委牵头。" "各地区、各部门负责。" "县示范区管委会牵头工作(8项)",
# "由市卫健委会同市医保局推进。"
VERB_SENTENCE = re.compile(rf"(?:^|(?<=[。;；\n]))\s*由?(?![{re.escape(OPENERS)}])([^。;；\n]{{2,120}}?(?:牵头|负责|配合|参与|会同)[^。;；\n]{{0,40}})(?=[。;；\n]|$)")
# A bracket ending a sentence with nothing but units in it: "(市人社局、市财政局)"; or one a cut left
# open at the very end ("(市政府办公室、市").
BARE_BRACKET = re.compile(rf"[{re.escape(OPENERS)}]({_IN_BRACKET}{{2,160}}?)"
                          rf"(?:[{re.escape(_CLOSERS)}](?=\s*(?:[。;；\n]|$))|\s*$)")
# "【甲、乙】修缮水库…": units in brackets before the words, as a ledger writes them.
OPENING_BRACKET = re.compile(rf"^\s*[{re.escape(OPENERS)}]({_IN_BRACKET}{{2,160}}?)[{re.escape(_CLOSERS)}]")
# After the units that open an item, what makes them its subject: "市公安局:负责…", "各区政府牵头…".
SUBJECT_VERB = re.compile(r"\s*(?:[:：]|(?:要|应|须)?(?:牵头|负责|统筹|主抓))")
SUFFIX_SHARED = re.compile(r"^各?[省市县区州旗]{1,2}$")
SHARED_SUFFIX = re.compile(r"(?:人民政府|政府|党委和政府|党委|管委会)$")


@dataclass
class Responsibility:
    """The units one task names: `lead` first, then `co`; `carried` are to be added to later tasks too.

    `spans` are where in the text the units were read; `first_listed` says the lead was only the
    first unit of a list that named no lead (the office should confirm it).
    """

    lead: str | None = None
    co: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    is_unclosed: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)
    first_listed: bool = False

    @property
    def is_empty(self) -> bool:
        return self.lead is None and not self.co


@dataclass
class Clause:
    """A stretch of text that names units: its content, where it stands, and how it names them."""

    content: str
    start: int
    end: int
    is_unclosed: bool = False
    # How it names them: "label" (牵头单位:…), "verb" (甲牵头,乙配合) or "bare" (甲、乙).
    form: str = "label"

    @property
    def is_labelled(self) -> bool:
        return self.form == "label"


def find_clauses(text: str) -> list[tuple[str, bool]]:
    """The labelled responsibility clauses in a text: their content, and whether the bracket was left open."""
    return [(clause.content, clause.is_unclosed) for clause in _clauses(text) if clause.is_labelled]


def _clauses(text: str) -> list[Clause]:
    # "【牵头单位】甲【配合单位】乙" reads as "牵头单位:甲 配合单位:乙"; the length is kept for the spans.
    text = BRACKETED_LABEL.sub(lambda match: f" {match.group(1)}：", text)
    clauses = _labelled_clauses(text)
    taken = [(clause.start, clause.end) for clause in clauses]
    for clause in _verb_clauses(text) + _bare_clauses(text):
        if not any(start <= clause.start < end or clause.start <= start < clause.end for start, end in taken):
            clauses.append(clause)
            taken.append((clause.start, clause.end))
    return sorted(clauses, key=lambda clause: clause.start) or _subject_clause(text)


def _subject_clause(text: str) -> list[Clause]:
    """A list of duties (职责分工) names no unit in a tag: each item opens with the unit whose duty it is."""
    start = len(text) - len(text.lstrip())
    spans = unit_run(text, start)
    if spans and SUBJECT_VERB.match(text, spans[-1][1]):
        return [Clause(text[start:spans[-1][1]], start, spans[-1][1], form="bare")]
    return []


def _labelled_clauses(text: str) -> list[Clause]:
    clauses = []
    position = 0
    while True:
        match = CLAUSE_OPEN.search(text, position)
        if match is None:
            break
        end, is_closed = _closing_bracket(text, match.start())
        clauses.append(Clause(text[match.start() + 1:end].strip(), match.start(), end + 1, not is_closed))
        position = end + 1
    if not clauses:
        for match in BARE_CLAUSE.finditer(text):
            stop = re.compile(r"[。\n]").search(text, match.end())
            end = stop.start() if stop else len(text)
            clauses.append(Clause(text[match.start():end].strip(), match.start(), end))
    return clauses


def _verb_clauses(text: str) -> list[Clause]:
    """"(甲牵头,乙配合)" in brackets, or a sentence of units and a verb, whose first words are a unit."""
    found = []
    for pattern in (VERB_CLAUSE, VERB_SENTENCE):
        for match in pattern.finditer(text):
            content = match.group(1).strip()
            if _verb_parts(content):
                found.append(Clause(content, match.start(), match.end(), form="verb"))
    for clause in _unclosed_at_end(text):
        if _verb_parts(clause.content):
            found.append(clause)
    return found


def _bare_clauses(text: str) -> list[Clause]:
    """Brackets of units alone ending a sentence, the first unit a public body's name."""
    found = []
    for match in [*OPENING_BRACKET.finditer(text), *BARE_BRACKET.finditer(text)]:
        is_unclosed = match.group(0)[-1] not in _CLOSERS
        content = _cut_fragment(match.group(1).strip()) if is_unclosed else match.group(1).strip()
        if content and match.start() and text[match.start() - 1] == content[-1]:
            continue  # another name of the name before it: "合肥先进计算中心(超级计算中心)"
        names = [LEAD_MARK.sub("", name) for group in _groups(content) for name in split_units(group)]
        if all(name in SUFFIXES for name in names):
            continue  # kinds of body qualifying the word before: "覆盖全部乡镇(街道)", "各县(市、区)"
        if is_body_name(names[0]) and all(map(is_unit_name, names)):
            found.append(Clause(content, match.start(), match.end(), is_unclosed, form="bare"))
    return found


def _unclosed_at_end(text: str) -> list[Clause]:
    """A bracket the copy's cut left open ("(市发展改革委牵头,市"): its content up to the last whole unit."""
    match = BARE_BRACKET.search(text)
    while match is not None and match.group(0)[-1] in _CLOSERS:
        match = BARE_BRACKET.search(text, match.end())
    if match is None:
        return []
    return [Clause(_cut_fragment(match.group(1).strip()), match.start(), match.end(), True, form="verb")]


def _cut_fragment(content: str) -> str:
    """The list without the piece the cut broke off ("市政府办公室、市" → "市政府办公室")."""
    pieces = re.split(r"([、,，;；])", content)
    if len(pieces) > 1 and not is_unit_name(pieces[-1].strip()):
        return "".join(pieces[:-2])
    return content


def _closing_bracket(text: str, start: int) -> tuple[int, bool]:
    depth = 0
    for index in range(start, len(text)):
        if text[index] in OPENERS:
            depth += 1
        elif text[index] in ")）】]〕］":
            depth -= 1
            if depth == 0:
                return index, True
    return len(text), False


def parse_responsibility(text: str, first_leads: bool = False) -> Responsibility:
    """All the units a task's text names, in its responsibility clauses.

    `first_leads`: the plan declared that the first unit listed leads (排在第一位的为牵头单位).
    """
    result = Responsibility()
    leads: list[str] = []
    responsible: list[str] = []
    co_units: list[str] = []
    first_leads = first_leads or bool(FIRST_LEADS.search(text))
    for clause in _clauses(text):
        result.is_unclosed |= clause.is_unclosed
        result.spans.append((clause.start, clause.end))
        parts = {"label": _labelled_parts, "verb": _verb_parts}.get(clause.form, _bare_parts)(clause.content)
        for role, content in parts:
            for group in _groups(content):
                included = INCLUDED.search(group)
                if included:
                    named = split_units(group[included.end():])
                    co_units.extend(named)
                    if CARRY_FORWARD.search(clause.content):
                        result.carried.extend(named)
                    continue
                for name in split_units(group):
                    marked = LEAD_MARK.search(name)
                    if marked:
                        leads.append(name[:marked.start()])
                    else:
                        {"lead": leads, "co": co_units}.get(role, responsible).append(name)
    ordered = _unique(leads + responsible + co_units)
    if ordered:
        result.lead = ordered[0]
        result.co = ordered[1:]
        result.first_listed = not leads and len(_unique(responsible)) > 1 and not first_leads
        result.first_listed |= not leads and not responsible
    result.carried = _unique(result.carried)
    return result


# The least text a sentence needs before its tag to be an item of its own (not a tag split over lines).
ITEM_TEXT = 4
_SENTENCE_END = re.compile(r"\s*[。;；!?！？]?")


def tagged_sentences(text: str, first_leads: bool = False) -> list[tuple[str, str, Responsibility]]:
    """An item whose sentences carry tags of their own ("修缮水库(甲牵头)。整治河道(乙牵头)。"): each run
    of sentences up to and with its tag, the run's words before the tag, and the units the tag names.
    Nothing unless two tags or more each close a run of words; words after the last tag join its run."""
    clauses = _clauses(text)
    runs: list[tuple[str, str, Responsibility]] = []
    start = 0
    for clause in clauses:
        words = text[start:clause.start]
        if len(re.sub(r"\W", "", words)) < ITEM_TEXT:
            return []
        end = _SENTENCE_END.match(text, clause.end).end()
        run = text[start:end]
        runs.append((run, words, parse_responsibility(run, first_leads)))
        start = end
    if len(runs) < 2:
        return []
    rest = text[start:]
    if rest.strip():
        run, words, responsibility = runs[-1]
        runs[-1] = (run + rest, words, responsibility)
    return [(run.strip().lstrip(",，、;；").strip(), _title(words), responsibility) for run, words, responsibility in runs]


def _title(words: str) -> str:
    """A sentence item's heading: the first clause of the sentence its tag closes, at most 40 characters."""
    sentence = [part for part in re.split(r"[。;；!?！？]", words) if part.strip()][-1]
    return re.split(r"[,，:：]", sentence.strip(), maxsplit=1)[0][:40]


def _groups(content: str) -> list[str]:
    """Comma-separated lists within a clause, brackets kept whole: "各县(市、区)人民政府" is one name."""
    groups, depth, current = [], 0, []
    for char in content:
        depth += char in OPENERS
        depth -= char in ")）】]〕］"
        if depth <= 0 and char in ",，;；。":
            groups.append("".join(current))
            current = []
            depth = 0
        else:
            current.append(char)
    groups.append("".join(current))
    return [group for group in groups if group.strip()]


def _verb_parts(content: str) -> list[tuple[str, str]]:
    """"甲、乙牵头,丙配合" → [("lead", "甲、乙"), ("co", "丙")]; nothing unless every list is units."""
    parts: list[tuple[str, str]] = []
    for group in _groups(content):
        group = group.strip().removeprefix("由")
        if FIRST_LEADS.search(group) or NOT_UNITS.fullmatch(group):
            continue
        with_match = WITH_VERB.search(group)
        if with_match:
            leading = group[:with_match.start()]
            if leading and not all(map(is_unit_name, split_units(leading))):
                return []
            parts.append(("lead", leading))
            group, role = _units_before_action(group[with_match.end():]), "co"
        else:
            found = _verb_role(group)
            if found is None:
                return [] if not parts else parts
            role, group = found
        names = split_units(group)
        # An unknown unit is proposed, never dropped: the list need only look like a list of units.
        if not names or not is_unit_name(names[0]) or sum(map(is_unit_name, names)) * 2 < len(names):
            return []
        parts.append((role, group))
    return parts


def _units_before_action(text: str) -> str:
    """The units "会同" brings in, without what they do together: "乙、丙研究制定细则" → "乙、丙"."""
    text = SHARED_VERB.sub("", LEAD_VERB.sub("", text))
    spans = unit_run(text, 0)
    return text[:spans[-1][1]] if spans else text


def _bare_parts(content: str) -> list[tuple[str, str]]:
    return [("responsible", group) for group in _groups(content)]


def _verb_role(group: str) -> tuple[str, str] | None:
    """The role a list's verb gives, and the list before the verb."""
    lead = LEAD_VERB.search(group)
    if lead:
        return "lead", group[:lead.start()]
    tail = max(len(group) - 8, 0)
    for role, pattern in (("co", CO_VERB), ("responsible", SHARED_VERB)):
        match = pattern.search(group, tail)
        if match:
            return role, _TRAILING.sub("", group[:match.start()])
    return None


def _labelled_parts(clause: str) -> list[tuple[str, str]]:
    """Each unit label and the list after it: 牵头 labels lead, 配合 labels co, 责任单位 alone is a list
    (co-responsible beside a 牵头 label); a leader's, a deadline's label only ends the list before it."""
    matches = list(LABELLED.finditer(clause))
    roles = [label_role(match.group(1)) for match in matches]
    parts = []
    for number, (match, role) in enumerate(zip(matches, roles)):
        content = clause[match.end():matches[number + 1].start() if number + 1 < len(matches) else len(clause)]
        if role == "units":
            role = "co" if "lead" in roles else "responsible"
        if role in ("lead", "co", "responsible"):
            parts.append((role, content))
    return parts


def label_role(label: str) -> str:
    """What a label's words name, as a task table's header of the same words would."""
    return next((role for role, pattern in ROLES if pattern.search(label)), "other")


def split_units(text: str) -> list[str]:
    """A list of units as written ("省科技厅、发展改革委") → full names, the prefix and suffix distributed."""
    names = []
    for raw in _split_outside_brackets(text):
        name = _TRAILING.sub("", _without_remark(_strip_unmatched_closer(raw.strip(" \t.。;；:："))))
        if name and not NOT_UNITS.search(name) and not NOT_A_NAME.search(name):
            names.append(name)
    return distribute_prefix(distribute_suffix([part for name in names for part in _joined(name)]))


_JOIN = re.compile(r"以及|和|及|与")


def _joined(name: str) -> list[str]:
    """"区教育局和区数据局" is two bodies; "县工业和信息化局", "各县党委和政府" are one."""
    for match in _JOIN.finditer(name):
        left, right = name[:match.start()], name[match.end():]
        if left.endswith(RUN_SUFFIXES) and is_body_name(left) and right not in SUFFIXES and is_body_name(right):
            return [left, *_joined(right)]
    return [name]


def _split_outside_brackets(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for match in re.finditer(rf"[{re.escape(OPENERS)}]|[)）】\]〕］]|{_UNIT_SPLIT.pattern}", text):
        token = match.group(0)
        if token in OPENERS:
            depth += 1
        elif token in ")）】]〕］":
            depth = max(depth - 1, 0)
        elif depth == 0:
            pieces.append(text[start:match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


def distribute_suffix(names: list[str]) -> list[str]:
    """各市、县人民政府 → 各市人民政府、各县人民政府: a level named bare shares the next name's ending."""
    result = list(names)
    for index in range(len(result) - 2, -1, -1):
        following = SHARED_SUFFIX.search(result[index + 1])
        if SUFFIX_SHARED.match(result[index]) and following:
            group = "各" if result[index].startswith("各") else ""
            result[index] = result[index] + following.group(0)
            if group and not result[index + 1].startswith(group):
                result[index + 1] = group + result[index + 1]
    return result


def _without_remark(name: str) -> str:
    """"市卫生健康委(列第一位为牵头单位,下同)": the last unit of a list may carry the document's remark
    on the whole list in its brackets; the unit stays, the remark goes."""
    remark = REMARK.search(name)
    return name[:remark.start()] if remark and remark.start() else name


def _strip_unmatched_closer(name: str) -> str:
    while name.endswith((")", "）")) and name.count("(") + name.count("（") < name.count(")") + name.count("）"):
        name = name[:-1]
    return name


def distribute_prefix(names: list[str]) -> list[str]:
    """省科技厅、发展改革委 → 省科技厅、省发展改革委, unless the list writes each prefix itself."""
    if len(names) < 2 or names[0][0] not in ADMIN_PREFIXES or len(names[0]) < 3 or names[0].startswith(NOT_A_PREFIX):
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
