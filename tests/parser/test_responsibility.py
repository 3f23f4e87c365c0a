"""Responsible units: who leads, who works with, and the rules a human reader applies to the lists."""
from __future__ import annotations

import pytest

from tracker.plans.parser import parse_plan
from tracker.plans.parser.responsibility import distribute_prefix, is_group, parse_responsibility, split_units


def units(text: str) -> tuple[str | None, list[str]]:
    found = parse_responsibility(text)
    return found.lead, found.co


@pytest.mark.parametrize("clause", [
    "(责任单位:市科技局、市财政局、市教育局)",
    "（责任单位：市科技局、市财政局、市教育局）",
    "(责任部门:市科技局、市财政局、市教育局)",
    "(牵头单位:市科技局;配合单位:市财政局、市教育局)",
    "（牵头单位：市科技局；配合单位：市财政局、市教育局）",
    "(牵头:市科技局 配合:市财政局、市教育局)",
    "(牵头部门:市科技局,配合部门:市财政局、市教育局)",
    "【牵头单位：市科技局；参与单位：市财政局、市教育局】",
    "（牵头：市科技局配合：市财政局、市教育局）",
])
def test_clause_forms(clause):
    assert units(f"加强组织领导,建立工作机制。{clause}") == ("市科技局", ["市财政局", "市教育局"])


def test_a_clause_on_its_own_line_without_brackets():
    assert units("加强组织领导。\n责任单位:市科技局、市财政局") == ("市科技局", ["市财政局"])


def test_co_units_named_before_the_lead_still_follow_it():
    assert units("(配合单位:市财政局;牵头单位:市科技局)") == ("市科技局", ["市财政局"])


def test_prefix_written_once_distributes_over_the_list():
    assert units("(责任部门:省科技厅、发展改革委、经济和信息化委、教育厅,中科院南京分院,苏南五市)") == (
        "省科技厅", ["省发展改革委", "省经济和信息化委", "省教育厅", "中科院南京分院", "苏南五市"])


def test_prefix_stops_at_the_comma_that_ends_its_list():
    assert units("(责任部门:省委组织部,省科技厅、人力资源社会保障厅、公安厅,苏南五市)") == (
        "省委组织部", ["省科技厅", "省人力资源社会保障厅", "省公安厅", "苏南五市"])


def test_a_list_that_writes_each_prefix_is_left_as_written():
    assert distribute_prefix(["市地方金融监管局", "中国人民银行蚌埠市中心支行", "蚌埠银保监分局", "蚌投集团", "市科技局"]) == [
        "市地方金融监管局", "中国人民银行蚌埠市中心支行", "蚌埠银保监分局", "蚌投集团", "市科技局"]


@pytest.mark.parametrize("name", ["人民银行南京分行", "江苏银监局", "中国人民银行南京分行", "各县区政府", "苏南五市", "有关单位", "县(市)区政府"])
def test_names_that_stand_on_their_own_take_no_prefix(name):
    assert distribute_prefix(["省科技厅", name]) == ["省科技厅", name]


@pytest.mark.parametrize("written, names", [
    ("市科技局、市市场监管局等按职责分工", ["市科技局", "市市场监管局"]),
    ("市教育局等、蚌投集团按职责分工", ["市教育局", "蚌投集团"]),
    ("市科技局牵头", ["市科技局"]),
    ("市发改委等部门", ["市发改委"]),
    ("各县区政府V市高新区、市经开区管委会", ["各县区政府", "市高新区", "市经开区管委会"]),
])
def test_deng_and_by_division_of_duties_are_not_units(written, names):
    assert split_units(written) == names


@pytest.mark.parametrize("name, expected", [
    ("苏南五市", True), ("各县区政府", True), ("各有关单位", True), ("相关部门", True), ("市联席会议成员单位", True),
    ("市科技局", False), ("省发展改革委", False), ("中科院南京分院", False),
])
def test_group_names(name, expected):
    assert is_group(name) is expected


def test_included_everywhere_and_carried_to_every_later_task():
    text = ("三、重点任务\n1 .创新平台行动。推进实验室建设。(责任单位:市科技局、市发展改革委等按职责分工,责任单位均包括各县区政府、"
            "市高新区管委会,不单独列出,下同。)\n2 .产业创新行动。加强技术攻关。(责任单位:市经济和信息化局)\n"
            "3 .科技服务行动。培育服务机构。")
    tasks = parse_plan(text).tasks
    assert [(t.lead, t.co) for t in tasks] == [
        ("市科技局", ["市发展改革委", "各县区政府", "市高新区管委会"]),
        ("市经济和信息化局", ["各县区政府", "市高新区管委会"]),
        (None, ["各县区政府", "市高新区管委会"]),
    ]
    assert [w.code for w in tasks[2].warnings] == ["no_unit"]


def test_included_without_xia_tong_is_for_that_task_only():
    text = ("1 .创新平台行动。推进实验室建设。(责任单位:市科技局,责任单位均包括各县区政府)\n"
            "2 .产业创新行动。加强技术攻关。(责任单位:市经济和信息化局)")
    assert [(t.lead, t.co) for t in parse_plan(text).tasks] == [("市科技局", ["各县区政府"]), ("市经济和信息化局", [])]


def test_a_task_naming_no_unit_is_unassigned_and_flagged():
    parsed = parse_plan("(一)加强组织领导。建立工作机制。\n(二)强化资金保障。(责任单位:市财政局)")
    first = parsed.tasks[0]
    assert (first.lead, first.co) == (None, [])
    assert [(w.code, w.task) for w in first.warnings] == [("no_unit", "(一)")]
    assert "加强组织领导" in first.warnings[0].message
    assert [w.code for w in parsed.warnings] == ["no_unit"]


def test_sub_measures_of_a_tagged_task_are_its_child_items_and_take_its_units():
    text = "(一)实施创新平台工程。建设一批平台。(牵头单位:市科技局;配合单位:市财政局)\n1.建设实验室。加快建设。\n2.建设中试基地。加快建设。"
    assert [(t.number, t.parent, t.lead, t.co, t.warnings) for t in parse_plan(text).tasks] == [
        ("(一)", None, "市科技局", ["市财政局"], []),
        ("1", "(一)", "市科技局", ["市财政局"], []), ("2", "(一)", "市科技局", ["市财政局"], [])]


def test_a_task_without_units_takes_those_its_section_names():
    text = "一、创新平台(市科技局牵头)\n(一)建设实验室。加快建设。\n(二)建设中试基地。加快建设。"
    tasks = parse_plan(text).tasks
    assert [(t.number, t.lead, t.doubts) for t in tasks] == [
        ("(一)", "市科技局", ["inherited_lead"]), ("(二)", "市科技局", ["inherited_lead"])]


def test_an_unclosed_clause_keeps_what_is_there_and_warns():
    task = parse_plan("(一)加强组织领导。(责任单位:市科技局、市财政局、").tasks[0]
    assert (task.lead, task.co) == ("市科技局", ["市财政局"])
    assert "unclosed_clause" in [w.code for w in task.warnings]


def test_brackets_inside_a_clause():
    assert units("(责任单位:市发展改革委(市粮食局)、市科技局)") == ("市发展改革委(市粮食局)", ["市科技局"])


def test_traditional_clause_is_read_after_conversion():
    task = parse_plan("(三)超前部署前瞻性產業。實施重點研發計畫。(責任部門:省科技廳、發展改革委,蘇南五市)\n" * 2).tasks[0]
    assert (task.lead, task.co, task.groups) == ("省科技厅", ["省发展改革委", "苏南五市"], ["苏南五市"])


def test_a_remark_in_the_last_units_brackets_keeps_the_unit_and_its_convention():
    text = ("1.扩大有效投资。(责任单位:区发改局、区财政局、区住建局(列第一位的为牵头单位,下同))\n"
            "2.稳定就业。(责任单位:区人社局、区教育局)")
    tasks = parse_plan(text).tasks
    assert [(t.lead, t.co) for t in tasks] == [
        ("区发改局", ["区财政局", "区住建局"]),
        ("区人社局", ["区教育局"]),
    ]
    assert "first_listed_lead" not in tasks[1].doubts


@pytest.mark.parametrize("tag, lead, co", [
    ("主要责任单位:镇农业站\n其他责任单位:镇财政所,镇水利站", "镇农业站", ["镇财政所", "镇水利站"]),
    ("牵头单位:镇农业站\n协同责任单位:镇财政所、镇水利站", "镇农业站", ["镇财政所", "镇水利站"]),
    ("牵头部门:镇农业站 协办部门:镇财政所 完成时限:2025年9月底", "镇农业站", ["镇财政所"]),
    ("(包抓镇领导:孙某;牵头单位:镇农业站;配合单位:镇财政所)", "镇农业站", ["镇财政所"]),
    ("责任领导:孙某\n责任单位:镇农业站、镇财政所", "镇农业站", ["镇财政所"]),
])
def test_labels_in_the_genres_spellings_and_a_leaders_name_is_no_unit(tag, lead, co):
    tasks = parse_plan(f"一、农业\n1.建成高标准农田500亩。\n{tag}\n2.修缮灌渠。(责任单位:镇水利站)").tasks
    assert (tasks[0].lead, tasks[0].co) == (lead, co)
    assert tasks[1].lead == "镇水利站"


@pytest.mark.parametrize("tag, lead, co", [
    ("由区卫健委会同区医保局推进。", "区卫健委", ["区医保局"]),
    ("牵头单位为区数据局,配合单位为区工信局、区融媒体中心。", "区数据局", ["区工信局", "区融媒体中心"]),
    ("(区文旅局牵头,各镇(街道)落实)", "区文旅局", ["各镇(街道)"]),
])
def test_verb_forms_with_a_bracket_inside_or_a_copula(tag, lead, co):
    task = parse_plan(f"1.保护历史街区。{tag}\n2.修缮祠堂。(责任单位:区住建局)").tasks[0]
    assert (task.lead, task.co) == (lead, co)


def test_a_kind_of_body_in_brackets_after_a_word_is_no_unit():
    task = parse_plan("1.推进光纤入户,到2026年覆盖全部乡镇(街道)。(县数据局、县电信公司负责)\n2.其他。(县财政局)").tasks[0]
    assert (task.lead, task.co) == ("县数据局", ["县电信公司"])


@pytest.mark.parametrize("sentence, lead, co", [
    ("由县教育局牵头,会同县财政局研究校车补助办法,2026年9月底前出台。", "县教育局", ["县财政局"]),
    ("县教育局会同县财政局、县交通运输局等部门制定校车补助办法。", "县教育局", ["县财政局", "县交通运输局"]),
    ("县教育局会同有关部门抓好落实。", "县教育局", ["有关部门"]),
])
def test_with_names_the_partners_before_what_they_do_together(sentence, lead, co):
    task = parse_plan(f"1.保障学生上学路。{sentence}\n2.改造操场。(责任单位:县体育局)").tasks[0]
    assert (task.lead, task.co) == (lead, co)


def test_with_after_a_word_that_is_no_unit_names_nobody():
    task = parse_plan("1.保障学生上学路。积极会同县财政局研究校车补助办法。\n2.改造操场。(责任单位:县体育局)").tasks[0]
    assert task.lead is None


def test_units_in_brackets_before_the_words_are_the_task_s():
    task = parse_plan("1.【镇农业站、镇财政所】修缮灌渠20公里。\n2.其他。(镇水利站)").tasks[0]
    assert (task.lead, task.co) == ("镇农业站", ["镇财政所"])


@pytest.mark.parametrize("written, names", [
    ("镇农业站和镇财政所", ["镇农业站", "镇财政所"]),
    ("县委组织部、县委宣传部及县文明办", ["县委组织部", "县委宣传部", "县文明办"]),
    ("县工业和信息化局", ["县工业和信息化局"]),
    ("县自然资源和规划局", ["县自然资源和规划局"]),
    ("各县党委和政府", ["各县党委和政府"]),
])
def test_and_joins_two_bodies_but_not_the_words_of_one_name(written, names):
    assert split_units(written) == names


def test_a_list_of_duties_names_each_item_s_unit_first():
    text = ("一、职责分工\n(一)县文旅局:负责景区提质,配合县交通局建设旅游公路。\n(二)县交通局负责旅游公路建设。\n"
            "(三)各乡镇人民政府:做好辖区环境整治。\n(四)加强宣传引导,营造良好氛围。")
    assert [(task.lead, task.co) for task in parse_plan(text).tasks] == [
        ("县文旅局", []), ("县交通局", []), ("各乡镇人民政府", []), (None, [])]


def test_a_child_item_cut_at_a_comma_starts_with_its_words():
    children = parse_plan("(二)盘活园区。开展亩产评价(县工信局负责),推进低效用地再开发(县自然资源局负责)。").tasks[1:]
    assert [child.text for child in children] == ["盘活园区。开展亩产评价(县工信局负责)", "推进低效用地再开发(县自然资源局负责)。"]


def test_an_item_s_heading_line_heads_its_tagged_sentences_without_joining_the_first():
    text = "(四)改造老旧管网。\n更换供水管道20公里。(县水务局负责)\n改造燃气管道15公里。(县住建局负责)"
    children = parse_plan(text).tasks[1:]
    assert [(child.text, child.lead) for child in children] == [
        ("更换供水管道20公里。(县水务局负责)", "县水务局"), ("改造燃气管道15公里。(县住建局负责)", "县住建局")]


@pytest.mark.parametrize("tag, lead, co", [
    ("(县统计局、县发改局*、县财政局)", "县发改局", ["县统计局", "县财政局"]),
    ("(责任单位:县统计局、县发改局★)", "县发改局", ["县统计局"]),
    ("(县发改局为牵头单位,县财政局、县统计局为配合单位)", "县发改局", ["县财政局", "县统计局"]),
])
def test_a_star_marks_the_lead_and_for_makes_a_verb_a_role(tag, lead, co):
    task = parse_plan(f"1.编制项目储备库。{tag}\n2.其他。(县水利局)").tasks[0]
    assert (task.lead, task.co) == (lead, co)
