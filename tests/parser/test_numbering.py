"""Numbering styles and structure: the hierarchy comes from the markers a plan actually uses."""
from __future__ import annotations

import pytest

from tracker.plans.parser import parse_plan
from tracker.plans.parser.numbering import cn_to_int, is_preamble_title, title_of


def outline(text: str) -> tuple[list[tuple], list[tuple]]:
    parsed = parse_plan(text)
    return ([(s.number, s.title, s.level) for s in parsed.sections],
            [(t.path, t.title) for t in parsed.tasks])


@pytest.mark.parametrize("numeral, value", [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("一百零五", 105), ("7", 7)])
def test_chinese_numerals(numeral, value):
    assert cn_to_int(numeral) == value


def test_yi_then_paren_yi_then_arabic():
    text = ("一、总体要求\n(一)指导思想。坚持以人民为中心。\n二、重点任务\n(一)实施创新工程。\n1.建设创新平台。加快建设实验室。\n"
            "2、培育创新主体。壮大企业队伍。\n(二)优化创新生态。\n1 .完善政策体系。出台配套政策。")
    sections, tasks = outline(text)
    assert sections == [("一", "总体要求", 1), ("(一)", "指导思想", 2), ("二", "重点任务", 1),
                        ("(一)", "实施创新工程", 2), ("(二)", "优化创新生态", 2)]
    assert tasks == [(["二", "(一)", "1"], "建设创新平台"), (["二", "(一)", "2"], "培育创新主体"),
                     (["二", "(二)", "1"], "完善政策体系")]


def test_full_width_brackets_and_points():
    _, tasks = outline("一、主要任务\n（一）加强组织领导。各地要建立机制。\n（二）强化资金保障。统筹安排资金。\n（三）做好宣传引导。")
    assert tasks == [(["一", "(一)"], "加强组织领导"), (["一", "(二)"], "强化资金保障"), (["一", "(三)"], "做好宣传引导")]


def test_the_order_of_styles_is_learned_from_the_plan():
    # Here (一) is above 一、, the reverse of the usual order.
    _, tasks = outline("(一)重点工程\n一、建设平台。加快建设。\n二、培育主体。壮大队伍。\n(二)重点改革\n一、加强领导。建立机制。")
    assert tasks == [(["(一)", "一"], "建设平台"), (["(一)", "二"], "培育主体"), (["(二)", "一"], "加强领导")]


def test_chapters_sections_and_heading_sentences():
    text = ("第一章 发展基础\n第一节 发展成就\n综合实力迈向一流。全社会研发投入增长。\n"
            "第二章 重点任务\n第一节 强化创新平台\n打造重大科技基础设施集群。推进设施集群化发展。\n"
            "推动设施建设与前沿研究深度融合。聚焦交叉前沿领域。\n第二节 参与国家技术创新中心布局\n以打造科技创新中心为主线,整合科研力量。")
    sections, tasks = outline(text)
    assert tasks == [(["第二章", "第一节", "1"], "打造重大科技基础设施集群"),
                     (["第二章", "第一节", "2"], "推动设施建设与前沿研究深度融合"),
                     (["第二章", "第二节"], "参与国家技术创新中心布局")]
    assert ("第一节", "发展成就", 2) in sections


def test_yi_shi_er_shi():
    _, tasks = outline("五、主要任务\n一是在体制机制上求突破。建立评价标准。\n二是在资源配置上求突破。鼓励共建平台。")
    assert tasks == [(["五", "一是"], "在体制机制上求突破"), (["五", "二是"], "在资源配置上求突破")]


def test_yi_shi_inside_a_sentence_is_an_enumeration_not_tasks():
    _, tasks = outline("(一)创新支持方式。主要有:一是建立订单式研发机制;二是择优给予支持。\n(二)加强组织领导。")
    assert [title for _, title in tasks] == ["创新支持方式", "加强组织领导"]


def test_paren_arabic_and_circled_numbers_nest_deeper():
    _, tasks = outline("一、重点任务\n(一)建设平台。\n(1)建设实验室。加快建设。\n(2)建设中试基地。\n①建设概念验证中心。\n②建设孵化器。")
    assert tasks == [(["一", "(一)", "(1)"], "建设实验室"), (["一", "(一)", "(2)", "①"], "建设概念验证中心"),
                     (["一", "(一)", "(2)", "②"], "建设孵化器")]


def test_numbering_run_into_one_paragraph_is_split_where_sentences_end():
    text = ("行动方案(征求意见稿)一、总体思路以习近平新时代中国特色社会主义思想为指导,加快建设科技强市。二、发展目标通过三年的努力,"
            "实现目标。三、重点任务(一)实施创新能力提升工程,打造创新中心。1 .创新平台重构行动。积极推进实验室优化重组。"
            "(责任单位:市科技局)2 .产业创新能力提升行动。加强技术攻关。(二)实施主体培育工程。3 .企业扩量提质行动。强化主体地位。")
    sections, tasks = outline(text)
    assert [(number, title) for number, title, _ in sections] == [
        ("一", "总体思路"), ("二", "发展目标"), ("三", "重点任务"), ("(一)", "实施创新能力提升工程,打造创新中心"), ("(二)", "实施主体培育工程")]
    assert tasks == [(["三", "(一)", "1"], "创新平台重构行动"), (["三", "(一)", "2"], "产业创新能力提升行动"),
                     (["三", "(二)", "3"], "企业扩量提质行动")]


def test_an_enumeration_after_a_colon_is_not_split_into_items():
    _, tasks = outline("(一)完善政策。重点包括:(一)人才政策;(二)资金政策。\n(二)加强宣传。")
    assert [title for _, title in tasks] == ["完善政策", "加强宣传"]


def test_paragraphs_opened_by_a_heading_sentence_are_tasks_without_numbering():
    text = ("为加快实施创新驱动发展战略,制定本实施方案。\n前沿科技成果集聚区。以战略需求为导向,开展有组织科研。\n"
            "实施基础研究十年行动。建立任务清单,设立战略性基础研究计划。\n实施关键核心技术攻关行动。梳理“卡脖子”清单。\n"
            "依托创新馆建设科技大市场,加快建设分市场。\n创新技术交易模式。推进线上平台互嵌。")
    parsed = parse_plan(text)
    assert [t.title for t in parsed.tasks] == ["实施基础研究十年行动", "实施关键核心技术攻关行动", "创新技术交易模式"]
    assert [t.number for t in parsed.tasks] == ["1", "2", "3"]
    assert [w.code for w in parsed.warnings if w.code == "unheaded_paragraph"] == ["unheaded_paragraph"]


def test_a_single_heading_sentence_is_text_not_a_task():
    _, tasks = outline("第一节 开展社会治理科技创新应用\n推进城市数字化。构建城市大脑。")
    assert tasks == [(["第一节"], "开展社会治理科技创新应用")]


def test_a_section_that_says_nothing_is_not_a_task():
    _, tasks = outline("第三章 强化战略科技力量\n第一节 (略)\n第二节 推动科学中心建设\n加快建设研究平台,推动设施集群化。")
    assert tasks == [(["第三章", "第二节"], "推动科学中心建设")]


def test_contacts_are_not_a_task():
    _, tasks = outline("八、重点任务\n(一)强化责任落实。\n九、政策咨询部门和联系电话\n联系方式:市科技局成果转化科")
    assert [title for _, title in tasks] == ["强化责任落实"]


@pytest.mark.parametrize("title", ["总体要求", "总体要求与建设目标", "指导思想", "基本原则", "发展目标", "《行动方案》制定背景和依据",
                                   "《行动方案》制定意义和总体考虑", "研判和起草过程", "发展成就", "发展环境", "2035年远景目标",
                                   "总则", "附则"])
def test_preamble_titles(title):
    assert is_preamble_title(title)


@pytest.mark.parametrize("title", ["重点任务", "保障措施", "优化科技金融发展环境", "夯实产业发展基础", "2025年量化目标任务",
                                   "推进重点战略性新兴产业创新布局", "创新举措"])
def test_task_titles_are_not_preamble(title):
    assert not is_preamble_title(title)


@pytest.mark.parametrize("segment, title", [
    ("超前部署前瞻性产业。围绕纳米技术,实施重点研发计划。", "超前部署前瞻性产业"),
    ("实施创新能力提升工程,打造区域科技创新中心。1 .创新", "实施创新能力提升工程,打造区域科技创新中心"),
    ("2025年量化目标任务:当年吸纳技术合同成交额超过100亿元", "2025年量化目标任务"),
    ("总体思路以习近平新时代中国特色社会主义思想为指导,全面贯彻", "总体思路"),
    ("总体要求与建设目标", "总体要求与建设目标"),
    ("围绕纳米技术、石墨烯、物联网、未来网络、人工智能、大数据等前瞻性产业,实施重点研发计划,掌握成果。", "围绕纳米技术、石墨烯、物联网、未来网络、人工智能、大数据等前瞻性产业"),
])
def test_titles_are_the_heading_sentence_or_first_clause(segment, title):
    assert title_of(segment) == title


def test_tasks_keep_their_full_text_and_sections_their_intro():
    parsed = parse_plan("三、重点任务\n围绕制约发展的瓶颈推进以下任务。\n(一)加强组织领导。建立工作机制。\n各地要明确专人负责。\n(二)强化资金保障。")
    assert parsed.sections[0].text == "围绕制约发展的瓶颈推进以下任务。"
    assert parsed.tasks[0].text == "加强组织领导。建立工作机制。\n各地要明确专人负责。"
    assert parsed.tasks[1].text == "强化资金保障。"


def test_no_tasks_is_a_warning():
    parsed = parse_plan("这是一段没有任何编号和任务的文字,只是说明。")
    assert parsed.tasks == []
    assert [w.code for w in parsed.warnings] == ["no_tasks"]
