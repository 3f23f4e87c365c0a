"""Quantitative targets (量化目标): what a sentence commits to reach, how much, in which unit.

A quantity is a target when the sentence commits to it: after a verb of achievement ("新增城镇就业
4.3万人", "建设10个基地"), with a comparator ("高新技术企业达到1500家"), a floor or a ceiling ("不低于
90%", "控制在5%以内", "压缩至15个工作日"), a change ("增长6.2%", "下降15%") or a qualifier ("100名以
上"); in a sentence scoped by a year or 每年, every quantity is. Not a target: a policy's amounts
("给予最高20万元奖励", "按每人1500元的标准"), a starting value ("由670元提高到700元": 700 is the
target), a threshold that names a kind of thing ("存栏1500头以上生猪养殖场"). Quantities are read with
万 and 亿 multiplied out. Several names share their values with 分别 ("A、B和C分别达到45%、25%和15%"),
and years can be those names ("2025年、2026年分别达到100家、150家").
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from tracker.plans.parser.model import Target

MULTIPLIERS = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "千万": 10**7, "百万": 10**6,
               "十万": 10**5, "亿": 10**8, "万": 10**4, "千": 10**3}
UNITS = (
    r"[件个项篇家台]/(?:万|亿|百|千)?(?:人|元|户)|元/(?:人|户|月|年|平方米|吨)|(?:微克|毫克)/(?:立方米|升)|吨标准煤(?:/万元)?|千克|公斤|个百分点|个工作日|工作日|平方公里|平方米|立方米"
    r"|千瓦时|人次|人年|家次|项次|户次|场次|小时|分钟|公里|千米|千瓦|兆瓦|吉瓦|公顷|美元"
    r"|[元%‰吨亩个项家户件名人场支所座台套篇条种类次批处栋倍位部本期届轮天辆架株只间张份门款根米例棵]"
)
# A count of 万 or 亿 needs no unit ("为3.078万60岁以上老年人接种").
QUANTITY = re.compile(
    r"(?<![\d.A-Za-z第])(?P<number>\d+(?:\.\d+)?)(?:\s*[-—–~～]\s*(?P<number_max>\d+(?:\.\d+)?))?\s*"
    rf"(?:(?P<multiplier>{'|'.join(MULTIPLIERS)})?(?P<unit>{UNITS})|(?P<count>万亿|亿|万))"
    r"(?P<qualifier>及以上|以上|左右|以内|以下)?"
)
# Words before a value that say it is to be reached, and what bound they set.
AT_LEAST = r"不低于|不少于|至少|超过|突破|高于|多于|≥|>|＞"
AT_MOST = r"≤|<|＜|不高于|不超过|控制在|压缩至|压缩到|降至|降到|降低到|下降到|减少到|减少至|低于|少于|缩短至|缩短到"
REACHING = r"达到|达|提高到|提高至|提升到|提升至|增加到|增加至|增长到|增至|保持在|稳定在|约为|约|至|到|为|在|实现|超"
RISING = r"增长|增加|提高|提升|增幅|上升"
FALLING = r"下降|降低|减少|压减|缩短|降幅"
# What commits a sentence to the value after it; 为 and 在 alone do not ("为1000名妇女…", "在3个领域…").
COMMITTING = re.compile(rf"(?:{AT_LEAST}|{AT_MOST}|{RISING}|{FALLING}|达到|达|提高到|提高至|提升到|提升至|增加到|增加至|增长到|增至"
                        r"|保持在|稳定在|约为|约|至|到|实现|≥|≤|>|<|＞|＜)(?:[^,，;；\d]{1,10}的)?\s*$")
COMPARATOR = re.compile(
    rf"(?P<spread>分别|(?<!年)均|都)?(?:(?P<min>{AT_LEAST})|(?P<max>{AT_MOST})|(?P<up>{RISING})|(?P<down>{FALLING})|{REACHING})\s*$"
)
# Verbs of achievement: a quantity they govern is a target ("新增…4100人", "建设10个…", "培训…1万人次").
ACHIEVING = re.compile(
    r"新增|新建|新改建|建成|建设|建立|完成|培训|改造|改扩建|扩建|创建|培育|引进|实施|开展|举办|举行|发放|打造|招引|招聘|接种|提供"
    r"|组织|筛查|配置|整治|排查|帮扶|资助|救助|吸纳|带动|安置|淘汰|关停|造林|植树|修建|铺设|安装|覆盖|推广|认定|选派|吸引|签约"
    r"|开工|竣工|投产|治理|设立|组建|招收|储备|申报|争创|创成|新开|开通|培养|引育|出台|制定|修订|化解|处置|利用|收集|检查|抽查"
    r"|督查|走访|慰问|召开|编制|种植|投资|融资|减负|减免|整合|承办|上线|认证|评定|选聘|招募|兴建|新办|引导|安排|盘活|筹集"
)
# Words that make the quantity after them a policy's amount or a starting value, not a target.
POLICY = re.compile(r"(?:给予|奖励|补助|补贴|资助|按照?|按每|最高|最多|最低|可达|由|从)[^,，;；\d]{0,8}$")
STARTS_FROM = re.compile(r"\s*(?:的标准|标准|提高到|提高至|提升到|提升至|增加到|增加至|增长到|降至|降低到|下降到|压缩至|调整为|调整到)")
# Words that place what follows in the past or around the plan: "已建成", "现有", "围绕9个县区".
NOT_COMMITTED = re.compile(r"已|已经|现有|共有|目前|围绕|聚焦|涉及|包括|其中|对标|位居|居全|排名")
SCOPE_WORDS = re.compile(
    r".*(?:力争|争取|确保|实现|累计|当年|每年|全年|全市|全省|全区|全县|其中|努力|(?:到|至)?(?:19|20)\d\d年(?:\d{1,2}月)?(?:底|末)?(?:前|之前|以前)?(?:(?:完成|实现)(?!率))?|[,，;；])"
)
# Scope words after the name, nothing after them: "5G基站累计(达到2万个)".
TRAILING_SCOPE = re.compile(r"(?:力争|争取|确保|实现|累计|当年|全年|努力)+$")
NUMBER_FIRST_CUT = re.compile(r"(?<=..)(?:到|向|参与|申报|用于)")
CONNECTOR = re.compile(r"^(?:以及|及|和|与|、|,|，)+|(?:以及|及|和|与|、|,|，)+$")
NAME_LIST = re.compile(r"、|和|及|与")
YEAR_AT_END = re.compile(r"(?:到|至)?((?:19|20)\d\d)年?(?:底|末)?$")
YEAR_AT_START = re.compile(r"^(?:到|至)?((?:19|20)\d\d)年?(?:底|末)?")


def parse_quantity(number: str, multiplier: str | None) -> int | float:
    try:
        value = Decimal(number) * MULTIPLIERS.get(multiplier or "", 1)
    except InvalidOperation:
        return 0
    return int(value) if value == value.to_integral_value() else float(value)


def targets_in(clause: str, year: int | None = None, strong_only: bool = False, subject: str = "") -> list[Target]:
    """The targets a clause states; with `strong_only`, only those it commits to by its words.
    `subject` names a value whose clause names nothing ("…2025年达到100家,2026年达到150家")."""
    parts = clause.split("、")
    if len(parts) > 1 and all(_quantities(part) for part in parts) and "分别" not in clause:
        return [target for part in parts for target in _part_targets(part, year, strong_only, subject)]
    return _part_targets(clause, year, strong_only, subject)


def _quantities(text: str) -> list[re.Match]:
    return [match for match in QUANTITY.finditer(text) if not _is_threshold(text, match) and not _is_start(text, match)]


def _is_threshold(text: str, match: re.Match) -> bool:
    """"存栏1500头以上生猪养殖场", "销售收入50亿元以上高新技术企业": the amount names a kind of thing;
    not after a verb of achievement ("选派100名以上专员") or inside quotes ("“40条”")."""
    if _after_unmatched(text[:match.start()], "“", "”") != text[:match.start()] and "”" in text[match.end():match.end() + 8]:
        return True
    following = text[match.end():match.end() + 1]
    if match.group("qualifier") not in ("以上", "以下", "及以上") or not re.match(r"[\u4e00-\u9fff]", following) or following == "的":
        return False
    before = text[:match.start()]
    return bool(re.search(r"[\u4e00-\u9fff、]$", before)) and not re.search(r"[年底前末]$", before) \
        and not re.search(rf"(?:{ACHIEVING.pattern})$|{COMMITTING.pattern}", before)


def _is_start(text: str, match: re.Match) -> bool:
    """"由670元提高到700元", "按1500元的标准": the first is where it starts, the second a policy's rate."""
    before = text[:match.start()]
    if COMMITTING.search(before) and not re.search(r"(?:最高|最多|可)\s*(?:达到|达)?\s*$", before):
        return False
    return bool(STARTS_FROM.match(text, match.end())) or bool(POLICY.search(before))


def _part_targets(text: str, year: int | None, strong_only: bool, subject: str = "") -> list[Target]:
    matches = _quantities(text)
    targets: list[Target] = []
    consumed = 0
    index = 0
    while index < len(matches):
        match = matches[index]
        next_start = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        if strong_only and not _is_committed(text, match):
            consumed = match.end()
            index += 1
            continue
        name = _number_first_name(text[match.end():next_start])
        if name and _sizes_a_project(match, name):
            consumed = next_start
            index += 1
            continue
        if name:
            targets.append(_target(name, match, year, text))
            consumed = next_start
            index += 1
            continue
        names, spread = _name_first(text[consumed:match.start()])
        if spread == "分别" and len(names) > 1:
            run = matches[index:index + len(names)]
            targets.extend(_shared(names, run, year, text, text[consumed:match.start()]))
            consumed = run[-1].end()
            index += len(run)
            continue
        names = names if spread in ("均", "都") else ["、".join(names) or subject]
        targets.extend(_target(name, match, year, text) for name in names if name)
        consumed = match.end()
        index += 1
    return targets


def _shared(names: list[str], run: list[re.Match], year: int | None, text: str, before: str) -> list[Target]:
    """"A、B和C分别达到45%、25%和15%" → one target each. Where the list is of years ("企业数量2025年、
    2026年分别达到…", "2025年、2026年企业数量分别达到…"), each value is that year's, all of one name."""
    trailing = [YEAR_AT_END.search(name) for name in names]
    leading = [YEAR_AT_START.match(name) for name in names]
    if all(trailing):
        subject = names[0][:trailing[0].start()]
        return [_target(subject, quantity, int(found.group(1)), text) for found, quantity in zip(trailing, run)]
    if all(leading):
        subject = names[-1][leading[-1].end():]
        return [_target(subject, quantity, int(found.group(1)), text) for found, quantity in zip(leading, run)]
    return [_target(name, quantity, year, text) for name, quantity in zip(names, run)]


def _is_committed(text: str, match: re.Match) -> bool:
    """A comparator, a change or a qualifier, or a verb of achievement before it in the clause."""
    before = text[:match.start()]
    if match.group("qualifier") in ("以上", "及以上", "左右", "以内", "以下"):
        return True
    if COMMITTING.search(before) and not re.search(r"(?:最高|最多|可)\s*(?:达到|达)?\s*$", before):
        return True
    governed = before[max(before.rfind("、"), 0):]
    if re.fullmatch(r"\s*为\s*", before):
        # "为3.078万60岁以上老年人免费接种…": the verb follows whom it serves.
        governed = text[match.end():]
    return bool(ACHIEVING.search(governed)) and not NOT_COMMITTED.search(governed)


COUNTS = set("个家项座所名人户条件场支台套处批次栋部本期届轮辆架株只间张份门款根例棵位篇种类")
PROJECTS = re.compile(r"(?:项目|工程|生产线|装置|基地|产业园)$")


def _sizes_a_project(match: re.Match, name: str) -> bool:
    """"实施3万吨高镍三元正极材料项目": a measure before a project names its size, not a target."""
    return match.group("unit") not in COUNTS and match.group("unit") not in ("元", "美元") and bool(PROJECTS.search(name))


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
    # A change names what changes with its verb: "交易总额年均增长(15%)".
    is_change = comparator is not None and (comparator.group("up") or comparator.group("down")) and not spread
    text = before[:comparator.start()] if comparator and not is_change else before
    text = _after_unmatched(text, "“", "”")
    text = _after_unmatched(text, "(（", ")）")
    scope = SCOPE_WORDS.match(text) if not (spread and (YEAR_AT_END.search(text) or YEAR_AT_START.match(text))) else None
    if scope:
        # "高新技术企业数量2025年(达到…)": the name stands before the year that scopes it.
        year_last = YEAR_AT_END.search(text[:scope.end()])
        text = text[scope.end():] or (SCOPE_WORDS.sub("", text[:year_last.start()]) if year_last else TRAILING_SCOPE.sub("", text))
    text = CONNECTOR.sub("", text.strip()).strip()
    names = [name for name in NAME_LIST.split(text) if name] if spread else [text]
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


def _target(name: str, match: re.Match, year: int | None, text: str) -> Target:
    multiplier = match.group("multiplier")
    number_max = match.group("number_max")
    bound, change = _bound(text[:match.start()], match.group("qualifier"))
    multiplier = multiplier or match.group("count")
    return Target(
        name=name,
        value=parse_quantity(match.group("number"), multiplier),
        unit=match.group("unit"),
        text=match.group(0),
        value_max=parse_quantity(number_max, multiplier) if number_max else None,
        year=year,
        bound=bound,
        change=change,
    )


def _bound(before: str, qualifier: str | None) -> tuple[str | None, str | None]:
    """A floor ("min"), a ceiling ("max") or neither; and whether the value is a rise or a fall."""
    comparator = COMPARATOR.search(before)
    groups = comparator.groupdict() if comparator else {}
    change = "increase" if groups.get("up") else "decrease" if groups.get("down") else None
    if groups.get("min") or qualifier in ("以上", "及以上"):
        return "min", change
    if groups.get("max") or qualifier in ("以内", "以下"):
        return "max", change
    return None, change
