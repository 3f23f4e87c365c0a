"""003: 苏南 regional plan in traditional characters, machine-converted with Taiwan wording.

(三)…(二十三) tasks under 一、…八、, each with (責任部門:…) whose first unit leads and whose 省
prefix is written once for a list ("省科技廳、發展改革委"), and each followed by its 2018 line.
Expectations written from reading the plan.
"""
from __future__ import annotations

import pytest

from tests.parser.conftest import deliverables_of

SUNAN = "苏南五市"
TASKS = [
    ("(三)", "二", "超前部署前瞻性产业", "省科技厅", ["省发展改革委", "省经济和信息化委", SUNAN],
     [("产业前瞻性技术攻关项目", 100, "项"), ("省级战略性新兴产业资金项目", 30, "项"), ("重点专项工程", 20, "项")]),
    ("(四)", "二", "着力发展优势产业", "省经济和信息化委", ["省科技厅", SUNAN],
     [("重大科技成果转化项目", 100, "项"), ("产业科技创新中心试点", 2, "家"), ("创新型产业集群", 10, "个"),
      ("五星级数字企业", 50, "家"), ("“互联网+小微企业”信息化应用服务站", 10, "家")]),
    ("(五)", "二", "布局建设科技成果产业化基地", SUNAN, ["省科技厅", "省教育厅", "中科院南京分院"],
     [("特色战略性新兴产业科技成果产业化基地", 10, "个"), ("苏南五市各布局建设", 2, "个")]),
    ("(六)", "三", "深化与大院大所产学研合作", "省科技厅", ["省发展改革委", "省教育厅", "中科院南京分院", SUNAN],
     [("产学研合作项目", 10_000, "项"), ("新型研发机构", 2, "家")]),
    ("(七)", "三", "加强与重点国家产业创新合作", "省科技厅", ["省商务厅", SUNAN],
     [("跨国合作技术转移项目", 40, "个"), ("海外研发中心", 5, "家"), ("国际科技合作基地", 2, "家"), ("离岸创新创业基地", 3, "个")]),
    ("(八)", "三", "加快集聚高层次创新创业人才", "省委组织部", ["省科技厅", "省人力资源社会保障厅", "省公安厅", SUNAN],
     [("海外人才合作交流中心", 3, "个"), ("创新创业领军人才", 3000, "名"), ("科技镇长团成员", 800, "名")]),
    ("(九)", "三", "开展技术转移品牌活动", "省科技厅", ["省知识产权局", SUNAN],
     [("产学研专题对接等活动", 300, "场")]),
    ("(十)", "四", "推进苏南国家自创区一体化创新服务平台建设", "省科技厅", [SUNAN],
     [("开展各类服务活动", 150, "场")]),
    ("(十一)", "四", "加快建设省产业技术研究院", "省产业技术研究院", [SUNAN],
     [("项目经理及团队", 15, "个"), ("专业研究所", 6, "家"), ("海外产业技术研发机构", 2, "家")]),
    ("(十二)", "五", "加快省技术产权交易市场建设", "省科技厅", [SUNAN],
     [("科技中介服务机构", 100, "家"), ("技术经理和技术经纪人", 300, "名"), ("技术合同交易额", 50_000_000_000, "元"),
      ("服务企业", 30_000, "家")]),
    ("(十三)", "五", "发挥省科技创新联盟和技术转移联盟作用", "省科技厅", [SUNAN],
     [("技术转移等服务活动", 300, "场"), ("服务科技园区", 40, "家"), ("企业", 30_000, "家")]),
    ("(十四)", "五", "加强技术转移和知识产权运营服务机构建设", "省科技厅", ["省知识产权局", SUNAN],
     [("国家技术转移示范机构", 5, "个"), ("国家技术转移人才培养基地", 1, "个"), ("高价值专利培育示范中心", 3, "家")]),
    ("(十五)", "六", "深入实施“创业中国”苏南示范工程", "省科技厅", ["省发展改革委", "省教育厅", SUNAN],
     [("省级众创空间", 30, "家"), ("省级众创社区试点", 15, "家"), ("省级双创示范基地", 15, "家"), ("国家双创示范基地", 3, "家")]),
    ("(十六)", "六", "大力发展科技金融", "省科技厅",
     ["省财政厅", "省知识产权局", "省金融办", "人民银行南京分行", "江苏银监局", "江苏证监局", "江苏保监局", "中科院南京分院", SUNAN],
     [("科技金融专营机构", 12, "家"), ("发放“苏科贷”贷款", 25_000_000_000, "元"), ("创业投资管理资金规模", 195_000_000_000, "元")]),
    ("(十七)", "六", "完善科技基础设施", "省科技厅", ["省教育厅", "省财政厅", SUNAN],
     [("省级重点实验室", 2, "家"), ("大型科学仪器设备平均利用率", 90, "%")]),
    ("(十八)", "六", "严格知识产权保护", "省知识产权局", [SUNAN],
     [("产业知识产权保护中心", 1, "家"), ("查处知识产权假冒侵权案件", 1000, "件")]),
    ("(十九)", "七", "推进政策先行先试和机制模式创新", "省科技厅",
     ["省发展改革委", "省教育厅", "省财政厅", "省国税局", "省地税局", SUNAN],
     [("科技税收减免额", 22_000_000_000, "元")]),
    ("(二十)", "七", "创新高校院所科技成果转化体制机制", "省教育厅", ["省科技厅", "省财政厅", "省人力资源社会保障厅", SUNAN],
     []),
    ("(二十一)", "八", "加强组织领导", "省政府办公厅", [SUNAN], []),
    ("(二十二)", "八", "加大投入力度", "省科技厅", ["省教育厅", "省财政厅", SUNAN], []),
    ("(二十三)", "八", "优化发展环境", SUNAN, ["省科技厅", "省教育厅", "省人力资源社会保障厅"], []),
]


def test_plan_header(plan):
    parsed = plan("003")
    assert parsed["title"] == "苏南国家科技成果转移转化示范区建设实施方案"
    assert (parsed["start_year"], parsed["end_year"]) == (2018, 2020)
    assert parsed["converted_from_traditional"] is True
    assert parsed["issuer"] is None  # the only issuer named is that of a cited document


def test_tasks_are_three_to_twenty_three(plan):
    assert [task["number"] for task in plan("003")["tasks"]] == [task[0] for task in TASKS]


@pytest.mark.parametrize("number, section, title, lead, co, targets", TASKS, ids=[task[0] for task in TASKS])
def test_task(plan, number, section, title, lead, co, targets):
    task = next(task for task in plan("003")["tasks"] if task["number"] == number)
    assert task["path"] == [section, number]
    assert task["title"] == title
    assert task["lead"] == lead
    assert task["co"] == co
    assert deliverables_of(task) == [(2018, False, targets)]
    assert task["deliverables"][0]["text"].startswith("2018年")
    assert task["warnings"] == []


def test_groups_stay_as_written(plan):
    assert all(task["groups"] == [SUNAN] for task in plan("003")["tasks"])


def test_taiwan_wording_is_read_as_mainland_and_the_original_kept(plan):
    task = next(task for task in plan("003")["tasks"] if task["number"] == "(十四)")
    assert "知识产权运营交易中心" in task["text"]
    assert "智慧財產權運營交易中心" in task["text_original"]
    assert "(責任部門:省科技廳、知識產權局,蘇南五市)" in task["text_original"]
    assert not any(char in task["text"] for char in "財產權機構")


def test_machine_converted_words_read_as_the_mainland_wrote_them(plan):
    tasks = {task["number"]: task for task in plan("003")["tasks"]}
    assert "新增2家产业科技创新中心试点" in tasks["(四)"]["deliverables"][0]["text"]
    assert "“互联网+小微企业”信息化应用服务站" in tasks["(四)"]["deliverables"][0]["text"]
    assert "推广应用省技术产权交易市场“技联线上”" in tasks["(九)"]["text"]
    assert "开展区域性股权市场" in tasks["(十二)"]["text"]
    assert "深化一所两制、合同科研" in tasks["(十一)"]["text"]


def test_goals_are_plan_targets_not_tasks(plan):
    parsed = plan("003")
    preamble = [(s["number"], s["title"]) for s in parsed["sections"] if s["is_preamble"]]
    assert preamble == [("一", "总体要求与建设目标"), ("(一)", "总体要求"), ("(二)", "建设目标")]
    assert [(t["name"], t["value"], t["unit"], t["year"]) for t in parsed["targets"]] == [
        ("科技成果产业化基地", 10, "个", 2020),
        ("国家技术转移示范机构", 20, "个", 2020),
        ("科技公共服务平台", 30, "个", 2020),
        ("专业化众创空间", 300, "个", 2020),
        ("技术市场合同交易额", 100_000_000_000, "元", 2020),
    ]
