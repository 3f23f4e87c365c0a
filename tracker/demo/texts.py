"""The demo's Chinese wording: progress narratives (进展情况), return reasons (退回理由) and problems
raised for coordination (需协调事项), varied by task so that no two items read alike.

Pure functions of a seeded random.Random: the same seed writes the same text.
"""
from __future__ import annotations

import random
import re

ACTIONS = [
    "召开专题推进会{n}次,研究解决具体问题{m}个",
    "组织开展实地调研{n}次,走访企业和单位{m}家",
    "会同相关单位梳理重点项目{m}个,建立项目清单和工作台账",
    "印发年度工作要点,明确责任分工和时间节点",
    "组织{m}家企业参加供需对接活动,达成合作意向{n}项",
    "完成{m}个项目的申报评审,拟支持项目{n}个",
    "开展政策宣讲{n}场,覆盖市场主体{m}家次",
    "争取上级专项资金{n}千万元,带动社会投入{m}千万元",
    "推动{n}个重点平台加快建设,新增入驻团队{m}个",
    "建立月度调度机制,督促{m}个县区和园区落实工作任务",
]
NEXT_STEPS = [
    "继续加强调度,确保年度任务按期完成",
    "加快推进在建项目,及时协调解决存在的困难",
    "进一步完善工作机制,强化部门协同",
    "做好年度总结评估,谋划明年重点工作",
    "加大政策宣传力度,扩大政策覆盖面",
    "督促各责任单位按时报送进展,确保数据准确",
]
LAG_CAUSES = [
    "项目前期手续办理周期较长",
    "配套资金到位较慢",
    "相关企业投资意愿下降",
    "专业人才招引难度较大",
    "跨部门审批事项衔接不畅",
]
RETURN_REASONS = [
    "进展情况表述过于笼统,请补充本期具体工作量和数据后重新报送。",
    "指标完成值与上期数据口径不一致,请核实并说明统计口径。",
    "未对照年度任务说明完成进度,请补充。",
    "请补充下一步工作计划及完成时限。",
    "佐证材料与报送内容不对应,请核实后重新报送。",
]
COORDINATION = [
    "项目用地指标尚未落实,需市自然资源和规划局协调解决。",
    "专项资金拨付进度较慢,需市财政局协调加快拨付。",
    "跨部门数据共享机制尚未建立,需联席会议办公室牵头协调。",
    "企业反映人才公寓等配套保障不足,需相关县区协调解决。",
    "部分审批事项涉及省级权限,需联席会议办公室协调省有关部门。",
]
RESOLUTIONS = [
    "已召开专题协调会,明确由相关单位限期办结。",
    "已报请分管领导同意,相关事项纳入下月联席会议研究。",
    "经协调,相关单位已落实保障措施。",
]
_NUMBER_END = re.compile(r"[,。;、]+$")


def short(text: str, limit: int = 28) -> str:
    """A task's title or a deliverable as a sentence can quote it."""
    text = _NUMBER_END.sub("", (text or "").strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(value: float, unit: str) -> str:
    return f"{value:.1f}{unit}" if unit == "%" or not float(value).is_integer() else f"{value:,.0f}{unit}"


def narrative(rng: random.Random, *, month: int, title: str, deliverable: str | None,
              targets: list[tuple[str, float, float, str]], lagging: bool, completed: bool) -> str:
    """进展情况 for one period: what was done, figures against targets, and what comes next.

    `targets` are (name, reached, plan target, unit).
    """
    parts = [f"{month}月,围绕“{short(title)}”,"
             + ";".join(a.format(n=rng.randint(1, 6), m=rng.randint(3, 40)) for a in rng.sample(ACTIONS, 2)) + "。"]
    if deliverable:
        parts.append(f"对照年度任务“{short(deliverable, 36)}”,相关工作正有序推进。")
    for name, reached, target, unit in targets[:2]:
        share = 100 * reached / target if target else 0
        parts.append(f"截至{month}月底,{short(name, 20)}达到{number(reached, unit)},"
                     f"为目标值{number(target, unit)}的{share:.0f}%。")
    if completed:
        parts.append("本任务各项目标均已完成,相关佐证材料已上传,申请销号。")
    elif lagging:
        parts.append(f"受{rng.choice(LAG_CAUSES)}影响,进度滞后于计划,已制定赶超措施。")
    parts.append(f"下一步,将{rng.choice(NEXT_STEPS)}。")
    return "".join(parts)


def milestone_narrative(rng: random.Random, text: str) -> str:
    return f"年度任务“{short(text, 40)}”已按要求完成," + rng.choice(ACTIONS).format(
        n=rng.randint(2, 8), m=rng.randint(5, 60)) + ",相关材料已归档。"


def evidence_text(title: str, department: str, day: str) -> str:
    """A closing report (销号佐证材料) as a plain text file."""
    return (f"销号佐证材料\n\n任务:{title}\n牵头单位:{department}\n日期:{day}\n\n"
            "一、任务完成情况:本任务确定的各项工作目标已全部完成。\n"
            "二、主要成效:相关制度文件已印发实施,重点项目已建成投用。\n"
            "三、附件:工作总结、验收意见、相关文件复印件。\n")
