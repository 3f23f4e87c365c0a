"""The real plans in samples/plans-real, with expectations written by reading each one.

The two .html files are read here through a plain tag strip, since the .html reader is another
change's work.
"""
from __future__ import annotations

import functools
import html
import re

from tests.samples import REAL_PLANS
from tracker.plans.parser import parse_plan, read_plan_bytes


@functools.cache
def real(prefix: str):
    path = next(REAL_PLANS.glob(f"{prefix}_*"))
    if path.suffix == ".html":
        raw = path.read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", "", raw)))
    else:
        text = read_plan_bytes(path.read_bytes(), path.name)
    return parse_plan(text, filename=path.name)


def leads(prefix: str) -> dict[str, str | None]:
    return {task.number: task.lead for task in real(prefix).tasks}


def test_02_state_council_opinion_every_measure_with_its_lead():
    plan = real("02")
    assert len(plan.tasks) == 17
    assert leads("02")["(三)"] == "全国工商联"
    assert "各省级人民政府" in plan.tasks[2].co
    assert all(task.lead for task in plan.tasks)


def test_02_the_first_listed_leads_by_the_plan_s_own_convention_or_as_a_doubt():
    assert leads("02")["(四)"] == "商务部"


def test_09_first_listed_convention_stated_in_the_first_tag():
    plan = real("09")
    assert len(plan.tasks) == 21
    assert (leads("09")["1"], leads("09")["8"]) == ("税务总局", "市场监管总局")
    assert not any("first_listed_lead" in task.doubts for task in plan.tasks)


def test_06_pingtan_one_line_page_task_division():
    plan = real("06")
    assert len(plan.tasks) == 34
    first = plan.tasks[0]
    assert (first.lead, first.co) == ("区经济发展局", ["人民银行平潭支行", "区直各相关单位"])
    assert leads("06")["4"] == "区公安局"


def test_10_county_bureau_labels_and_inner_sections():
    assert list(leads("10").values()) == ["规划科", "用地科", "征地部", "法规科", "局监察室", "县环保局相关业务科室"]
    assert real("10").tasks[4].co == ["征地事务部", "财务科", "各国土所"]


def test_13_the_tag_after_the_last_sub_measure_is_its_task_s():
    plan = real("13")
    children = [task for task in plan.tasks if task.parent == "(二)"]
    assert [task.title for task in children][:3] == ["乡村旅游公路", "游客服务中心", "旅游厕所"]
    assert {task.lead for task in children} == {"区旅游发展委员会"}
    assert not any(task.title.startswith("强化组织保障") for task in plan.tasks)


def test_04_province_task_table_flattened_into_one_line_headings_between_rows():
    plan = real("04")
    assert [task.number for task in plan.tasks] == [str(number) for number in range(1, 43)]
    assert [s.number for s in plan.sections if s.level == 1] == ["一", "二", "三", "四"]
    assert plan.tasks[5].path == ["一", "(二)", "6"] and plan.tasks[5].title == "深入推进预决算公开"
    tasks = {task.number: task for task in plan.tasks}
    assert (tasks["3"].lead, tasks["3"].co[0]) == ("省审改办", "省政府各部门")
    assert (tasks["5"].lead, tasks["5"].co[:2]) == ("省工商局", ["省审改办", "省政府各部门"])
    assert tasks["27"].co[-1] == "省经济信息中心"
    # The requirement column that follows the units names other units; they are not this row's.
    assert "省教育厅" not in tasks["41"].co and tasks["35"].co == ["各设区市"]


def test_07_work_points_with_their_task_table_flattened_after_the_notice():
    plan = real("07")
    assert [task.number for task in plan.tasks] == [str(number) for number in range(1, 47)]
    # The work points' eleven items are the text the table breaks down, kept as sections.
    assert [s.number for s in plan.sections if s.is_preamble][-1] == "十一"
    groups = [(s.number, s.title) for s in plan.sections if not s.is_preamble]
    assert groups[:2] == [("1", "推进生态文明建设"), ("2", "分解推动2016年生态环保目标责任的落实")]
    tasks = {task.number: task for task in plan.tasks}
    assert (tasks["1"].title, tasks["1"].lead, tasks["1"].co) == ("建立生态文明建设领导机制", "区经发局", ["区环土局"])
    assert (tasks["14"].lead, tasks["14"].co) == ("区环土局", ["区农发局", "三十六脚湖水库管理处"])
    assert (tasks["41"].lead, tasks["41"].co) == ("区交建局", [])
    assert tasks["13"].lead == "相关乡镇人民政府" and tasks["7"].path == ["2", "7"]
    # "注:主要责任单位第一个为牵头单位" under the table settles every lead.
    assert not any("first_listed_lead" in task.doubts for task in plan.tasks)
