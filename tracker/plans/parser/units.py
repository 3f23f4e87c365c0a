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
_QUALIFIER = re.compile(r"[(（][^()（）]{1,12}[)）]$")
ROLE_START = ("各", "有关", "相关", "全体", "其他", "其余")
# Words that end like a unit but are ideas, not bodies: "体制机制", "工作部署", "服务中心建设".
NOT_UNIT = re.compile(r"[,，。;；:：!?！？“”《》]|建设$|机制$|部署$|体系$|工作$|任务$|措施$|要求$|制度$|水平$|能力$|服务$|社会$|群众$|企业家$")
VERBISH = re.compile(r"(?:加强|推进|推动|建立|完善|落实|开展|实施|提高|提升|加快|做好|负责|牵头|配合|参与|组织|支持|指导|统筹|督促|研究|制定"
                     r"|引导|鼓励|动员|发动|带动|促进|确保|要求)")


# Endings only a public body has; a name with one of these, or with a level's prefix, is no building.
BODY_SUFFIXES = ("局", "委", "办", "厅", "部", "署", "政府", "管委会", "办公室", "委员会", "中心", "专班", "领导小组", "指挥部",
                 "海关", "支行", "分行", "街道", "街办", "乡镇", "法院", "检察院", "联", "总工会", "团委")


def is_body_name(name: str) -> bool:
    """A unit name that can only be a public body: a level's prefix (省市县区) or a body's ending."""
    plain = _QUALIFIER.sub("", name.strip())
    return is_unit_name(name) and (plain[0] in "省市县区州" and len(plain) >= 3 or plain.startswith(ROLE_START)
                                   or plain.endswith(BODY_SUFFIXES))


def is_unit_name(name: str) -> bool:
    """Whether `name` looks like a government body or a role ("各乡镇"), by its ending."""
    name = _QUALIFIER.sub("", name.strip())
    if not 2 <= len(name) <= 32 or NOT_UNIT.search(name):
        return False
    if VERBISH.search(name[:-1] if len(name) > 3 else ""):
        return False
    return name.endswith(SUFFIXES) or name.startswith(ROLE_START) and len(name) <= 16
