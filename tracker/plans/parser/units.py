"""Unit names (单位) known by their shape: what a Chinese government body's name ends with.

A plan names its units as it likes (省发展改革委, 区住建局, 人民银行平潭支行, 各乡镇人民政府,
工作专班); no list holds them all. A name is recognised by its ending (部、委、厅、局、办、署、院、中心、
政府、管委会、海关、支行 …) or as a role (各成员单位, 有关部门), then resolved against the directory
by the importer; one the directory does not know is proposed to the office, never dropped.
"""
from __future__ import annotations

import re

SUFFIXES = (
    "人民政府", "政府", "管委会", "管理委员会", "委员会", "办公室", "办公厅", "领导小组", "指挥部", "工作专班", "专班",
    "中心", "海关", "支行", "分行", "银行", "集团", "公司", "大学", "学院", "医院", "研究院", "科学院", "法院", "检察院",
    "党校", "工会", "妇联", "残联", "团委", "共青团", "科协", "侨联", "文联", "工商联", "红十字会", "协会", "商会", "联合会",
    "街道", "街办", "乡镇", "办事处", "国土所", "派出所", "所", "站", "队", "支队", "大队", "科室", "科", "室", "处", "股",
    "部门", "单位", "机构", "成员单位", "企业", "国企", "部", "委", "厅", "局", "办", "署", "院", "会", "社", "台", "馆",
    "中央", "地区", "各地", "市", "县", "区", "省", "州", "盟", "旗", "镇", "乡", "村", "社区", "新区", "园区", "开发区", "片区",
)
# A qualifier after a name: "各县(市、区)", "新区科技和人才局〈区科技局〉".
_QUALIFIER = re.compile(r"[(（〈<][^()（）〈〉]{1,12}[)）〉>]$")
ROLE_START = ("各", "有关", "相关", "全体", "其他", "其余")
# Words that end like a unit but are ideas, not bodies: "体制机制", "工作部署", "服务中心建设".
NOT_UNIT = re.compile(r"[,，。;；:：!?！？“”《》的]|[和及与]各|等(?=有关|相关|各|部|单位)|目标|任务|情况|方案|意见|通知|办法|建设$|机制$|部署$|体系$|工作$|任务$|措施$|要求$|制度$|水平$|能力$|服务$|社会$|群众$|企业家$")
VERBISH = re.compile(r"(?:加强|推进|推动|建立|完善|落实|开展|实施|提高|提升|加快|做好|负责|牵头|配合|参与|组织|支持|指导|统筹|督促|研究|制定"
                     r"|引导|鼓励|动员|发动|带动|促进|确保|要求|办好|抓好|用好|管好|编制|出台|发布|完成|建成|新建|改造|培育|打造|探索|清理|整合"
                     r"|强化|深化|优化|健全|应(?!急))")


# Endings only a public body has; a name with one of these, or with a level's prefix, is no building.
BODY_SUFFIXES = ("局", "委", "办", "厅", "部", "署", "政府", "管委会", "办公室", "委员会", "中心", "专班", "领导小组", "指挥部",
                 "海关", "支行", "分行", "街道", "街办", "乡镇", "法院", "检察院", "联", "总工会", "团委")


def is_body_name(name: str) -> bool:
    """A unit name that can only be a public body: a level's prefix (省市县区) or a body's ending."""
    plain = _QUALIFIER.sub("", name.strip())
    return is_unit_name(name) and (plain[0] in "省市县区州乡镇" and len(plain) >= 3 or plain.startswith(ROLE_START)
                                   or plain.endswith(BODY_SUFFIXES))


def is_unit_name(name: str) -> bool:
    """Whether `name` looks like a government body or a role ("各乡镇"), by its ending."""
    name = _QUALIFIER.sub("", name.strip())
    if not 2 <= len(name) <= 32 or NOT_UNIT.search(name):
        return False
    if VERBISH.search(name[:-1] if len(name) > 3 else ""):
        return False
    return name.endswith(SUFFIXES) or name.startswith(ROLE_START) and len(name) <= 16


# Endings after which a name written on without a separator ("区经发局区环土局") may be followed by another.
RUN_SUFFIXES = BODY_SUFFIXES + ("处", "站", "所", "队", "科", "室", "院", "公司", "银行", "集团", "学校", "部门", "单位", "机构")
NAME_LIMIT = 24
_SEPARATOR = re.compile(r"\s*[、,，]\s*")
# "省政府各部门", "区直各单位": 各 after a government or a level belongs to the same name.
_HOLDS_ON = ("政府", "直", "级")
_LEVEL_START = "省市区县州"


def unit_run(text: str, start: int) -> list[tuple[int, int]]:
    """The unit names written one after another from `start`, as a flattened table writes a cell:
    "区经发局区环土局", "省审改办省政府各部门、各直属机构，平潭综合实验区管委会"; nothing unless the
    first is a public body's name.

    The names are the best-scored reading (`_name_score`): two names where one would do must each be
    a body's name. A name run on without a separator must end like a body ("三十六脚湖水库管理处",
    not "平潭综合实验区"), and a list written with separators ends at a name run on without one, which
    opens the next column.
    """
    best: dict[tuple[int, bool], tuple[float, list[tuple[int, int]]]] = {(start, False): (0, [])}
    frontier = [(start, False)]
    finished: list[tuple[float, list[tuple[int, int]]]] = []
    while frontier:
        position, listed = frontier.pop(0)
        score, spans = best[(position, listed)]
        finished.append((score, spans))
        separated = bool(spans) and spans[-1][1] != position
        for end in _readings(text, position):
            name = text[position:end]
            if spans and not separated and (listed or not name.endswith(RUN_SUFFIXES)):
                continue
            if spans and not separated and name.startswith("各") and text[spans[-1][0]:spans[-1][1]].endswith(_HOLDS_ON):
                continue
            total = score + _name_score(name)
            separator = _SEPARATOR.match(text, end)
            state = (separator.end(), True) if separator and separator.end() < len(text) else (end, listed)
            if total > best.get(state, (float("-inf"),))[0]:
                best[state] = (total, spans + [(position, end)])
                frontier.append(state)
    score, spans = max(finished, key=lambda found: (found[0], found[1][-1][1] if found[1] else 0))
    if score <= 0 or not is_body_name(text[spans[0][0]:spans[0][1]]):
        return []
    return spans


_SUFFIX_ENDINGS = frozenset(suffix[-1] for suffix in SUFFIXES)
# Characters no name starts with: the words around names in running text.
_NOT_NAME_START = "的了和与及等对把在为从向于是好将要应按由并或"


def _readings(text: str, start: int) -> list[int]:
    """Where a name starting at `start` may end; never inside a verb ("各设区市|办好", not "各设区市办|好")."""
    if start >= len(text) or not "\u4e00" <= text[start] <= "\u9fff" or text[start] in _NOT_NAME_START:
        return []
    return [end for end in range(start + 3, min(len(text), start + NAME_LIMIT) + 1)
            if text[end - 1] in _SUFFIX_ENDINGS and text[start:end].endswith(SUFFIXES) and is_unit_name(text[start:end])
            and not VERBISH.match(text, end - 1) and not _TWO_NAMES.search(text[start:end]) and not _SEPARATOR.search(text, start, end)]


# A body's name with more written after it is two names run together ("区经发局区环土局", "管委会各级各部").
_TWO_NAMES = re.compile(rf"(?:局|管委会|委员会|办公室)(?=.)|(?:委|办|厅|部门)(?=[{_LEVEL_START}各])|政府(?=[{_LEVEL_START}])|[市县区]省"
                        rf"|(?<=[^{_LEVEL_START}各设])[{_LEVEL_START}][^{_LEVEL_START}]{{1,6}}(?:局|委|办|厅)$"
                        rf"|^[{_LEVEL_START}][^{_LEVEL_START}各]+[{_LEVEL_START}]$")


def _name_score(name: str) -> float:
    """How much a reading looks like one public body's name: its ending, its level or role, its length."""
    score = -2.0
    score += 3 if name.endswith(RUN_SUFFIXES) else 1
    score += 2 if name.startswith(ROLE_START) else 1 if name[0] in _LEVEL_START else 0
    score -= 1 if len(name) > 14 else 0
    score -= 3 if name in SUFFIXES else 0
    return score
