"""002: 蚌埠 three-year plan copied from a document-sharing site.

One page-long paragraph per page, each opened by a page marker ("2、") cut into a sentence; 一、 >
(一) > "1 ." numbering run into the text; (责任单位:…) after every task; a note that three units
are responsible for every task ("…不单独列出,下同"); the copy stops in the middle of task 10.
Every expectation below was written from reading the plan, not from the parser's output.
"""
from __future__ import annotations

import pytest

from tests.parser.conftest import deliverables_of

EVERYWHERE = ["各县区政府", "市高新区", "市经开区管委会"]  # "责任单位均包括…,不单独列出,下同"

TASKS = [
    ("1", ["三", "(一)", "1"], "创新平台体系重构行动", "市科技局",
     ["市经济和信息化局", "市发展改革委", "市市场监管局"],
     [(2025, False, [("创建国家、省级高水平研发平台", 10, "家"), ("高价值发明专利拥有量", 12, "件/万人")])]),
    ("2", ["三", "(一)", "2"], "产业创新能力提升行动", "市发展改革委",
     ["市经济和信息化局", "市科技局", "市财政局", "市招商和对外合作中心", "蚌投集团"],
     [(2025, False, [("实施产业技术攻关项目", 100, "项"), ("战略性新兴产业产值年均增速", 15, "%")])]),
    ("3", ["三", "(二)", "3"], "创新型企业扩量提质行动", "市科技局",
     ["市财政局", "市税务局", "市经济和信息化局", "市发展改革委", "市地方金融监管局"],
     [(2025, False, [("科技型中小企业", 1500, "家"), ("高新技术企业", 1200, "家"), ("专精特新中小企业数", 400, "家"),
                     ("培育销售收入50亿元以上高新技术企业", 3, "家"), ("推动科创企业上市", 2, "家")])]),
    ("4", ["三", "(二)", "4"], "企业研发能力提升行动", "市经济和信息化局",
     ["市科技局", "市发展改革委", "市住房城乡建设局", "市招商和对外合作中心"],
     [(2025, False, [("规模以上工业企业建有研发机构比例", 38, "%"), ("规模以上工业企业有研发活动企业占比", 55, "%"),
                     ("企业研发投入占全社会研发投入", 75, "%")])]),
    ("5", ["三", "(三)", "5"], "科技成果转化应用行动", "市科技局",
     ["市经济和信息化局", "市财政局", "市发展改革委", "市卫生健康委", "市教育局", "蚌投集团"],
     [(2025, False, [("企业吸纳技术合同成交额", 30_000_000_000, "元"), ("转化科技成果", 10_000, "项")])]),
    ("6", ["三", "(三)", "6"], "创新创业载体提效行动", "市科技局",
     ["市经济和信息化局", "市发展改革委", "市人力资源和社会保障局"],
     []),
    ("7", ["三", "(四)", "7"], "科创项目招引落地行动", "市招商和对外合作中心",
     ["市发展改革委", "市科技局", "市经济和信息化局", "市人力资源和社会保障局", "蚌投集团"],
     []),
    ("8", ["三", "(四)", "8"], "科技人才引育留用行动", "市委组织部",
     ["市人力资源和社会保障局", "市科技局"],
     [(None, True, [("建设创新创业团队", 20, "支")]),
      (None, True, [("团队", 6, "个")]),
      (2025, False, [("院士工作站、博士后科研工作站", 40, "家")]),
      (None, False, [("双链融合专员", 100, "名")]),
      (None, False, [("科技特派员工作站、创新创业示范基地等服务载体", 140, "家")])]),
    ("9", ["三", "(五)", "9"], "科技金融服务能力提升行动", "市地方金融监管局",
     ["中国人民银行蚌埠市中心支行", "蚌埠银保监分局", "蚌投集团", "市科技局"],
     [(None, True, [("举办科技金融银企对接活动", 3, "场")])]),
    ("10", ["三", "(五)", "10"], "科技服务能力提升行动", None,
     [],
     [(2025, False, [("科技服务机构", 150, "家")])]),
]


def test_plan_header(plan):
    parsed = plan("002")
    assert parsed["title"] == "蚌埠市加快建设科技强市三年行动方案"
    assert (parsed["start_year"], parsed["end_year"]) == (2023, 2025)
    assert parsed["doc_number"] is None
    assert parsed["converted_from_traditional"] is False


def test_every_task_is_found_in_order(plan):
    assert [task["number"] for task in plan("002")["tasks"]] == [str(n) for n in range(1, 11)]


@pytest.mark.parametrize("number, path, title, lead, co, deliverables", TASKS, ids=[task[0] for task in TASKS])
def test_task(plan, number, path, title, lead, co, deliverables):
    task = next(task for task in plan("002")["tasks"] if task["number"] == number)
    assert task["path"] == path
    assert task["title"] == title
    assert task["lead"] == lead
    assert task["co"] == co + EVERYWHERE
    assert deliverables_of(task) == deliverables


def test_ranges_keep_their_upper_bound(plan):
    task9 = plan("002")["tasks"][8]
    target = task9["deliverables"][0]["targets"][0]
    assert (target["value"], target["value_max"], target["text"]) == (3, 5, "3-5场")


def test_sections_are_the_outline_above_the_tasks(plan):
    sections = [(s["number"], s["title"], s["level"], s["is_preamble"]) for s in plan("002")["sections"]]
    assert sections == [
        ("一", "总体思路", 1, True),
        ("二", "发展目标", 1, True),
        ("三", "重点任务", 1, False),
        ("(一)", "实施创新能力提升工程,打造区域科技创新中心", 2, False),
        ("(二)", "实施创新主体培育工程,打造科创企业“森林”", 2, False),
        ("(三)", "实施科技成果转化工程,打造科技成果转化新高地", 2, False),
        ("(四)", "实施科创“双招双引”工程,培育创新发展新动能", 2, False),
        ("(五)", "实施创新服务体系建设工程,开辟科技“新赛道”", 2, False),
    ]


def test_page_markers_are_gone_and_cut_sentences_rejoined(plan):
    tasks = plan("002")["tasks"]
    assert "支持大院大所和领军企业牵头组建产业研究院、产业创新中心、制造业创新中心等高水平研发平台" in tasks[0]["text"]
    assert "智能传感、生物化工四大集群" in tasks[1]["text"]
    assert "(责任单位:市科技局、市经济和信息化局、市发展改革委、市人力资源和社会保障局等按职责分工)" in tasks[5]["text"]
    assert not any(task["text"].startswith(("2、", "3、")) for task in tasks)
    assert any(w["code"] == "page_breaks" for w in plan("002")["warnings"])


def test_web_page_noise_is_not_in_the_plan(plan):
    everything = " ".join(task["text"] for task in plan("002")["tasks"]) + " ".join(s["text"] for s in plan("002")["sections"])
    for noise in ("上传人", "第1页", "免费预览", "copyright", "客服", "文档C2C"):
        assert noise not in everything


def test_truncated_copy_warns_and_keeps_the_last_task(plan):
    parsed = plan("002")
    last = parsed["tasks"][-1]
    assert last["text"].endswith("学习先发地区的服务理念、")
    codes = {w["code"] for w in last["warnings"]}
    assert codes == {"no_unit", "truncated"}
    assert any(w["code"] == "truncated" and w["task"] == "10" for w in parsed["warnings"])


def test_group_names_are_marked(plan):
    assert plan("002")["tasks"][0]["groups"] == ["各县区政府"]
