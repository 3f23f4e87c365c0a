"""000, 001 and 004: the task headings found, the targets, and 001's indicator table (专栏二).

Expectations written from reading the plans.
"""
from __future__ import annotations

from tests.parser.conftest import deliverables_of


def plan_targets(parsed: dict) -> list[tuple]:
    return [(t["name"], t["value"], t["unit"], t["year"]) for t in parsed["targets"]]


# 000 ----------------------------------------------------------------------------------------------

HEADINGS_000 = [
    "实施基础研究十年行动", "实施关键核心技术攻关行动", "加快建设高能级创新平台", "建设科技成果孵化及产业化平台",
    "引进培育高精尖人才", "壮大技术转移人才队伍", "推进“双链融合”专员和科技特派员创新创业",
    "创新技术交易模式", "加强技术转移机构建设", "强化金融和科技融合", "建立天使投资基金群",
    "深入推进国家新一轮全面创新改革", "深化科技管理体制改革", "强化应用场景供给", "搭建以企业为主体的协同创新平台",
    "完善示范区建设政策",
    "打造“科大硅谷”科技体制改革“试验田”", "推动“羚羊”工业互联网等平台高效对接研发资源与企业", "激发各类人员创业动能",
    "抢抓“硬科技”创业机遇", "完善科技创新创业孵化全链条", "建立跨区域长效合作机制", "强化长三角协同创新与成果转化",
    "辐射带动皖西大别山革命老区振兴发展", "支持组建创新联合体", "支持龙头企业设立专业化众创空间", "支持传统产业转型升级",
    "促进农林业绿色深度发展",
]


def test_000_header(plan):
    parsed = plan("000")
    assert parsed["title"] == "关于加快推动合芜蚌国家科技成果转移转化示范区建设的实施方案(2022-2025年)"
    assert parsed["issuer"] == "安徽省科技厅"
    assert (parsed["start_year"], parsed["end_year"]) == (2022, 2025)


def test_000_tasks_are_the_paragraphs_opened_by_a_heading_sentence(plan):
    tasks = plan("000")["tasks"]
    assert [task["title"] for task in tasks] == HEADINGS_000
    assert [task["number"] for task in tasks] == [str(n) for n in range(1, 29)]
    # The strategic positions ("前沿科技成果集聚区。…") and the cities' areas are not tasks.
    assert not any(task["title"].endswith("区") for task in tasks)


def test_000_names_no_unit_so_every_task_is_unassigned_and_flagged(plan):
    for task in plan("000")["tasks"]:
        assert (task["lead"], task["co"]) == (None, [])
        assert [w["code"] for w in task["warnings"]] == ["no_unit"]


def test_000_paragraphs_between_tasks_without_a_heading_are_flagged(plan):
    flagged = [w["message"] for w in plan("000")["warnings"] if w["code"] == "unheaded_paragraph"]
    assert len(flagged) == 4
    assert "依托安徽创新馆建设科技大市场" in flagged[0]
    assert "完善“创新成果+园区+基金+资金”" in flagged[2]


def test_000_task_targets(plan):
    tasks = {task["title"]: task for task in plan("000")["tasks"]}
    assert deliverables_of(tasks["建设科技成果孵化及产业化平台"]) == [(2025, False, [("安徽省科技成果产业化基地", 10, "个")])]
    assert deliverables_of(tasks["强化应用场景供给"]) == [(None, True, [("新技术新产品新模式应用场景", 100, "个")])]
    assert deliverables_of(tasks["推进“双链融合”专员和科技特派员创新创业"]) == [(None, True, [])]
    assert deliverables_of(tasks["加强技术转移机构建设"]) == [(None, True, [])]
    assert deliverables_of(tasks["打造“科大硅谷”科技体制改革“试验田”"]) == [(None, True, [])]
    # "投资损失最高可达80%" is a policy's ceiling, not a target.
    assert deliverables_of(tasks["建立天使投资基金群"]) == []
    with_deliverables = [task["title"] for task in tasks.values() if task["deliverables"]]
    assert len(with_deliverables) == 5


def test_000_plan_targets(plan):
    assert plan_targets(plan("000")) == [
        ("科技成果产业化基地", 10, "个", 2025),
        ("技术转移示范机构", 20, "个", 2025),
        ("科技公共服务平台", 30, "个", 2025),
        ("研发投入占GDP比重", 3.2, "%", 2025),
        ("高新技术企业", 14000, "家", 2025),
        ("区域吸纳技术合同成交额", 150_000_000_000, "元", 2025),
        ("输出技术合同成交额", 150_000_000_000, "元", 2025),
        ("省级以上科技孵化器和众创空间数量", 280, "家", 2025),
        ("国家级", 120, "家", 2025),
        ("职业化技术经纪人", 1000, "名", 2025),
    ]


# 001 ----------------------------------------------------------------------------------------------

HEADINGS_001 = {
    ("第三章", "第二节"): ["打造重大科技基础设施集群", "推动设施建设与交叉前沿研究深度融合"],
    ("第三章", "第三节"): ["建设全国重要的科创资源集聚中心", "建设全国重要的科技成果转化交易中心", "建设高效的科技创新活力区"],
    ("第三章", "第四节"): ["参与国家技术创新中心布局"],
    ("第四章", "第一节"): ["创建国家基础学科研究中心", "布局前沿交叉研究平台", "争创国家级和省级创新平台"],
    ("第四章", "第二节"): ["建设高水平大学和科研机构", "鼓励企业加强基础研究和应用基础研究", "壮大高水平基础研究人才队伍"],
    ("第四章", "第三节"): ["完善问题凝练机制", "构建多元化投入机制", "探索技术攻关机制"],
    ("第五章", "第一节"): ["全面增强企业自主研发能力", "发挥企业家在技术创新中的重要作用", "加大对企业技术创新支持力度"],
    ("第五章", "第二节"): ["加强高新技术企业梯队培育", "大力培育创新型企业", "培育平台型领军企业"],
    ("第五章", "第三节"): ["支持科技领军企业组建创新联合体"],
    ("第六章", "第一节"): ["建立健全成果转化体制机制", "创新科技成果转化支持方式"],
    ("第六章", "第二节"): ["高水平建设安徽科技大市场", "优化资本赋能机制", "推进科技成果转化平台建设", "着力提升高质量科技服务能力"],
    ("第六章", "第三节"): ["提升科技成果转化落地能力"],
    ("第七章", "第一节"): ["明确关键核心技术攻坚方向", "创新关键核心技术攻坚机制", "建设关键核心技术攻坚平台"],
    ("第七章", "第二节"): ["推动战略性新兴产业提质扩量", "加快未来产业前瞻布局", "助力传统产业转型升级"],
    ("第七章", "第三节"): ["建设数字赋能设施和技术平台", "数字赋能产业高质量发展", "布局“元宇宙”技术发展"],
    ("第八章", "第一节"): ["开展“双碳”技术攻关", "开展环境污染监控技术攻关", "开展城市绿色生态技术攻关"],
    ("第八章", "第二节"): ["加强医药和医疗器械技术攻关", "加强临床医疗和公共防疫技术攻关", "加强人口健康技术攻关"],
    ("第八章", "第三节"): ["加强公共安全科技创新应用"],
    ("第八章", "第四节"): ["开展社会治理科技创新应用"],
    ("第八章", "第五节"): ["争创国家级农业科技创新平台", "布局一批技术创新中心"],
    ("第九章", "第一节"): ["加强人才政策创新", "探索争取国家“技术移民”试点", "完善科研人才双向流动机制"],
    ("第九章", "第二节"): ["加大高水平人才培养力度", "着力提升招才引智水平"],
    ("第九章", "第三节"): ["加强人才创新创业平台载体建设", "打造一流人才服务体系"],
    ("第十章", "第一节"): ["积极融入全球科技创新网络"],
    ("第十章", "第二节"): ["扎实推进长三角科技创新一体化发展"],
    ("第十章", "第三节"): ["深化合芜蚌国家自主创新示范区建设"],
    ("第十章", "第四节"): ["引领带动合肥都市圈科创一体化"],
    ("第十一章", "第一节"): ["壮大科技创新服务机构", "发挥国家“双创”示范基地载体作用", "培养科技服务人才"],
    ("第十一章", "第二节"): ["加强知识产权创造", "强化知识产权保护机制", "促进知识产权有效运用"],
    ("第十一章", "第三节"): ["促进科技金融深度融合", "鼓励风险投资和耐心资本发展"],
    ("第十一章", "第四节"): ["营造创新创业浓厚氛围", "提升全民科学素质"],
    ("第十二章", "第一节"): ["坚持党的全面领导"],
    ("第十二章", "第二节"): ["加强统筹协调能力"],
    ("第十二章", "第三节"): ["深化科技创新改革"],
    ("第十二章", "第四节"): ["加大科技创新投入"],
    ("第十二章", "第五节"): ["规范监督评估体系"],
}

INDICATORS_001 = [
    # (category, name, unit, baseline, target, target as written)
    ("创新策源", "研究与试验发展(R&D)经费支出占GDP比重", "%", 3.52, 3.8, "3.8左右"),
    ("创新策源", "基础研究经费占全社会研发投入经费的比重", "%", 13.68, 15, "15左右"),
    ("创新策源", "高被引科学家数量", "人次", 30, 50, "50"),
    ("创新策源", "国家级重点实验室、工程实验室、企业技术中心等创新载体", "个", 104, 120, "120"),
    ("创新发展", "规模以上工业企业研发投入占主营业务收入比例", "%", 2.06, 2.3, "2.3左右"),
    ("创新发展", "国家高新技术企业数", "户", 3328, 10000, "10000"),
    ("创新发展", "战略性新兴产业产值占规模以上工业产值比重", "%", 55, 60, "60"),
    ("创新发展", "每万人口高价值专利拥有量", "件", None, 15, "15"),
    ("创新服务", "吸纳和输出技术合同交易额", "元", 57_213_000_000, 120_000_000_000, "1200"),
    ("创新服务", "国家级科技企业孵化器、众创空间", "家", 38, 100, "100"),
    ("创新生态", "全市公民具备基本科学素质比例", "%", 14.5, 22, "22"),
    ("创新生态", "每万名就业人员中研发人员", "人年", 144.6, 150, "150"),
    ("创新生态", "隐形独角兽企业数量", None, 33, 100, "100"),
]


def test_001_header(plan):
    parsed = plan("001")
    assert parsed["title"] == "合肥市“十四五”科技创新发展规划"
    assert parsed["issuer"] == "合肥市人民政府办公室"
    assert (parsed["start_year"], parsed["end_year"]) == (2021, 2025)


def test_001_task_headings_by_chapter_and_section(plan):
    found: dict[tuple, list[str]] = {}
    for task in plan("001")["tasks"]:
        found.setdefault(tuple(task["path"][:2]), []).append(task["title"])
    assert found == HEADINGS_001


def test_001_background_principles_and_goals_are_not_tasks(plan):
    preamble = {s["title"] for s in plan("001")["sections"] if s["is_preamble"]}
    assert {"发展成就", "发展环境", "指导思想", "基本原则", "发展目标"} <= preamble
    assert "坚持战略引领" in preamble  # a principle, though it reads like a heading sentence


def test_001_indicator_table_of_box_two(plan):
    indicators = plan("001")["indicators"]
    assert [(i["category"], i["name"], i["unit"], i["baseline"], i["target"], i["target_text"]) for i in indicators] == INDICATORS_001
    assert {(i["year"], i["baseline_year"]) for i in indicators} == {(2025, 2020)}
    money = indicators[8]
    assert (money["unit_text"], money["baseline_text"]) == ("亿元", "572.13")
    assert indicators[11]["baseline_text"] == "*144.6"


def test_001_review_table_of_the_last_plan_is_not_this_plans_indicators(plan):
    assert not any(i["name"].startswith("发明专利授权量") for i in plan("001")["indicators"])


def test_001_task_targets(plan):
    tasks = {task["title"]: task for task in plan("001")["tasks"]}
    assert deliverables_of(tasks["加强高新技术企业梯队培育"]) == [
        (None, False, [("年均入库", 3000, "户")]),
        (2025, False, [("国家高新技术企业", 10000, "户")]),
        (None, True, []),
    ]
    assert deliverables_of(tasks["建立健全成果转化体制机制"]) == [
        (2025, False, [("吸纳输出技术合同交易总额年均增长", 15, "%")]),
        (None, True, [("就地转化科技成果", 3000, "项"), ("高校、科研院所科技成果", 1000, "项")]),
        (None, True, [("新产品、新技术、新模式示范应用场景", 100, "个")]),
    ]
    assert deliverables_of(tasks["创新科技成果转化支持方式"]) == [
        (None, True, [("新技术、新产品、新模式示范应用场景", 100, "个")])]
    assert deliverables_of(tasks["推进科技成果转化平台建设"]) == [
        (None, True, []),
        (None, True, [("新增孵化器和众创空间", 30, "家"), ("培育国家级后备梯队", 20, "家")]),
        (2025, False, [("国家级科技企业孵化器和众创空间", 100, "家")]),
    ]
    assert deliverables_of(tasks["明确关键核心技术攻坚方向"]) == [(None, True, [("科技重大专项", 10, "个")])]
    assert deliverables_of(tasks["布局一批技术创新中心"]) == [(2025, False, [("争创国家、省级技术创新中心", 1, "家")])]
    assert deliverables_of(tasks["着力提升招才引智水平"]) == [
        (None, True, [("引进培育高层次创新创业人才团队", 100, "个"), ("高层次创新创业人才", 2000, "名"),
                      ("在肥就业大学毕业生", 200_000, "人")]),
        (2025, False, [("在肥外国高端人才", 200, "名"), ("引进境外智力项目", 500, "个"), ("引进各类境外人才", 20_000, "人次")]),
    ]
    assert deliverables_of(tasks["积极融入全球科技创新网络"]) == [
        (None, False, [("中科院大科学培育计划项目", 1, "项")]), (None, False, [("引进外籍专家", 100, "名")])]
    # "重点实施3万吨高镍三元正极材料…等项目": the size of a project, not a target.
    assert deliverables_of(tasks["助力传统产业转型升级"]) == []
    assert sum(1 for task in tasks.values() if task["deliverables"]) == 8


def test_001_plan_targets(plan):
    assert plan_targets(plan("001")) == [
        ("国家高新技术企业", 10000, "户", 2025),
        ("国家级孵化器众创空间", 100, "家", 2025),
        ("科技成果转化", 5000, "项", 2025),
        ("全社会研发投入中企业投入占比", 80, "%", 2025),
        ("吸纳和输出技术合同交易总额", 120_000_000_000, "元", None),
        ("研究与试验发展(R&D)经费支出年均增长", 12, "%", None),
        ("研究与试验发展(R&D)投入强度", 3.8, "%", None),
    ]


def test_001_line_broken_by_the_copy_is_one_paragraph(plan):
    task = next(task for task in plan("001")["tasks"] if task["title"] == "着力提升招才引智水平")
    assert "加大海外人才离岸创新创业基地空间载体" in task["text"]


def test_001_spaces_of_the_pdf_copy_are_gone_but_latin_words_keep_theirs(plan):
    tasks = {task["title"]: task for task in plan("001")["tasks"]}
    assert "乘势而上" not in tasks["打造重大科技基础设施集群"]["text"]
    assert "在量子科技、战略能源、先进环境技术等领域" in tasks["打造重大科技基础设施集群"]["text"]
    assert "In Cell Touch面板" in tasks["助力传统产业转型升级"]["text"]


# 004 ----------------------------------------------------------------------------------------------

HEADINGS_004 = {
    "五": ["在体制机制上求突破", "在资源配置上求突破", "在应用场景上求突破", "在集聚要素上求突破", "在优化服务上求突破"],
    "六": ["推进扶持配套与宣传推介相结合", "推进明确职责和联合联动相结合", "推进动态分析与绩效评价相结合"],
    "七": ["以改革创新消除体制机制障碍", "以要素保障增强成果转化活力", "以主导产业引导成果转化方", "以场景应用深化成果转化成效"],
    "八": ["强化责任落实", "强化协调联动", "强化政策支持", "强化考核激励"],
}


def test_004_header(plan):
    parsed = plan("004")
    assert parsed["title"] == "淮北市加快科技成果转移转化行动方案"
    assert parsed["doc_number"] == "淮政〔2022〕46号"
    assert parsed["issuer"] == "淮北市人民政府"
    assert (parsed["start_year"], parsed["end_year"]) == (2023, 2025)


def test_004_tasks_numbered_yi_shi_er_shi(plan):
    found: dict[str, list[str]] = {}
    for task in plan("004")["tasks"]:
        found.setdefault(task["path"][0], []).append(task["title"])
    assert found == HEADINGS_004
    assert [task["number"] for task in plan("004")["tasks"]][:5] == ["一是", "二是", "三是", "四是", "五是"]


def test_004_background_meaning_drafting_goals_and_contacts_are_not_tasks(plan):
    sections = {s["number"]: s for s in plan("004")["sections"] if s["level"] == 1}
    assert [number for number, s in sections.items() if s["is_preamble"]] == ["一", "二", "三", "四"]
    assert sections["九"]["title"] == "政策咨询部门和联系电话"


def test_004_plan_targets(plan):
    assert plan_targets(plan("004")) == [
        ("吸纳技术合同成交额", 10_000_000_000, "元", 2025),
        ("转化科技成果", 300, "项", 2025),
        ("培育高新技术企业", 500, "家", 2025),
        ("科技型中小企业", 500, "家", 2025),
        ("建设科技成果转化中试(产业化)基地", 35, "个", 2025),
    ]


def test_004_dates_that_lost_year_and_month_are_repaired(plan):
    parsed = plan("004")
    texts = parsed["preamble"] + " ".join(s["text"] for s in parsed["sections"])
    for repaired in ("2022年9月,市科技局起草", "2022年12月29日,《行动方案》", "2022年6月23日,省政府下发", "7月20日,省政府",
                     "2020年8月18—21日,习近平总书记", "2022年9月7日", "9月24日", "10月8日", "2022年12月18日", "12月24日",
                     "(皖政〔2022〕64号)"):
        assert repaired in texts
    assert any(w["code"] == "dates_repaired" for w in parsed["warnings"])
