"""The genre's conventions, one test each, on text invented for the test (not copied from any plan)."""
from __future__ import annotations

import pytest

from tracker.plans.parser import parse_plan
from tracker.plans.parser.normalise import normalise
from tracker.plans.parser.numbering import cover_range
from tracker.plans.parser.responsibility import parse_responsibility, split_units
from tracker.plans.parser.units import is_unit_name


def units(text: str) -> tuple[str | None, list[str]]:
    found = parse_responsibility(text)
    return found.lead, found.co


def tasks(text: str) -> list[tuple]:
    return [(task.number, task.lead, task.co) for task in parse_plan(text).tasks]


# Responsibility ---------------------------------------------------------------------------------

@pytest.mark.parametrize("clause", [
    "(牵头单位:县水利局;配合单位:县财政局、县林业局)",
    "(牵头单位：县水利局，配合单位：县财政局、县林业局)",
    "[牵头单位:县水利局;参与单位:县财政局、县林业局]",
    "〔主办单位:县水利局;协办单位:县财政局、县林业局〕",
    "(牵头单位:县水利局;责任单位:县财政局、县林业局)",
    "(县水利局牵头,县财政局、县林业局配合)",
    "(由县水利局牵头,县财政局、县林业局参与)",
    "(县水利局会同县财政局、县林业局负责)",
    "(县水利局牵头负责,县财政局、县林业局按职责分工负责)",
    "(县水利局主办,县财政局、县林业局协办)",
])
def test_every_way_of_naming_a_lead_and_its_partners(clause):
    assert units(f"修缮一批小型水库。{clause}") == ("县水利局", ["县财政局", "县林业局"])


def test_joint_hosts_the_first_leads():
    assert units("稳定经济增长。(县发改委、县财政局主办)") == ("县发改委", ["县财政局"])


def test_a_name_with_its_other_name_in_angle_brackets():
    assert units("加强创新载体建设。(新区科技和人才局〈区科技局〉牵头)") == ("新区科技和人才局〈区科技局〉", [])


def test_labels_in_square_brackets_without_a_colon():
    assert units("修缮一批小型水库。【牵头单位】县水利局【配合单位】县财政局、各乡镇") == ("县水利局", ["县财政局", "各乡镇"])


@pytest.mark.parametrize("clause", ["(责任单位:县财政局、县水利局(牵头)、各乡镇)", "(县财政局、县水利局（牵头）、各乡镇)"])
def test_a_unit_marked_as_lead_in_its_list_leads_wherever_it_stands(clause):
    found = parse_responsibility(f"修缮一批小型水库。{clause}")
    assert (found.lead, found.co, found.first_listed) == ("县水利局", ["县财政局", "各乡镇"], False)


def test_a_sentence_of_units_and_a_verb_names_them():
    assert units("修缮一批小型水库。由县水利局牵头,各乡镇配合。") == ("县水利局", ["各乡镇"])


def test_units_sharing_the_work_lead_by_the_first_listed_and_say_so():
    found = parse_responsibility("修缮水库。(县水利局、县财政局按职责分工负责)")
    assert (found.lead, found.co, found.first_listed) == ("县水利局", ["县财政局"], True)


def test_everyone_responsible_is_a_role_lead():
    assert units("各地区、各部门负责。") == ("各地区", ["各部门"])


def test_several_tags_in_one_task_first_lead_leads_the_rest_co_once():
    text = "修缮水库(县水利局牵头,县财政局配合)。整治河道(县生态环境局牵头,县水利局、县财政局配合)。"
    assert units(text) == ("县水利局", ["县生态环境局", "县财政局"])


def test_joint_leads_first_named_leads():
    assert units("(县水利局、县农业农村局共同牵头,各乡镇配合)") == ("县水利局", ["县农业农村局", "各乡镇"])


def test_a_tag_sharing_its_brackets_with_a_deadline_or_a_score():
    assert units("建成污水厂。(牵头单位:县住建局;完成时限:2025年底前)") == ("县住建局", [])
    assert units("建成污水厂。(县住建局牵头,2025年6月底前完成)") == ("县住建局", [])


def test_prefix_written_once_and_suffix_written_once():
    assert split_units("区住建局、城管局") == ["区住建局", "区城管局"]
    assert split_units("各市、县人民政府") == ["各市人民政府", "各县人民政府"]


def test_role_units_and_a_trailing_deng():
    assert units("(牵头单位:乡村振兴工作专班;配合单位:领导小组办公室、各成员单位、各乡镇、各县区政府等)") == (
        "乡村振兴工作专班", ["领导小组办公室", "各成员单位", "各乡镇", "各县区政府"])


def test_deng_between_a_list_and_a_role():
    assert split_units("县交通局、县水利局等县有关部门和各乡镇") == ["县交通局", "县水利局", "县有关部门", "各乡镇"]


def test_a_bracket_of_words_that_are_not_units_is_no_tag():
    assert units("推进改革(试点先行,逐步推开)。") == (None, [])


def test_a_bracket_of_units_alone_ending_a_sentence_names_them_first_listed_leading():
    found = parse_responsibility("修缮一批小型水库。(县水利局、县财政局)")
    assert (found.lead, found.co, found.first_listed) == ("县水利局", ["县财政局"], True)
    assert units("提高补助标准。(县医疗保障局)\n") == ("县医疗保障局", [])


@pytest.mark.parametrize("text", ["建设一批平台(国家级实验室、省级研究院)。", "覆盖全部乡镇(县区)内的村庄。",
                                  "推进“一网通办”(以下简称示范区)。", "建设合肥先进计算中心(超级计算中心)。"])
def test_a_bracket_of_names_that_need_not_be_bodies_is_no_tag(text):
    assert units(text) == (None, [])


@pytest.mark.parametrize("cut, lead", [("(县政府办公室、县", "县政府办公室"), ("(县水利局牵头,县", "县水利局"),
                                       ("(县水利局、县财政局牵头,各乡", "县水利局")])
def test_a_tag_cut_off_by_the_copy_still_names_its_lead_and_says_it_is_open(cut, lead):
    task = parse_plan(f"(一)修缮水库。加固坝体。{cut}").tasks[0]
    assert task.lead == lead and "unclosed_clause" in task.doubts


@pytest.mark.parametrize("name", ["县水利局", "省发展改革委", "市政府办公室", "人民银行某某支行", "某某海关", "区管委会",
                                  "县融媒体中心", "各乡镇人民政府", "领导小组办公室", "招商工作专班", "各成员单位"])
def test_unit_names_by_their_shape(name):
    assert is_unit_name(name)


@pytest.mark.parametrize("words", ["体制机制", "工作部署", "加强组织领导", "逐步推开", "2025年底前"])
def test_words_that_are_not_unit_names(words):
    assert not is_unit_name(words)


def test_units_every_later_measure_needs_said_once_with_yixia():
    text = ("1.设立专项资金。(责任单位:县工信局。以下政策措施均需各乡镇人民政府、园区管委会落实,不再单独列出)\n"
            "2.培育上云企业。(责任单位:县工信局、县财政局)")
    assert tasks(text) == [("1", "县工信局", ["各乡镇人民政府", "园区管委会"]),
                           ("2", "县工信局", ["县财政局", "各乡镇人民政府", "园区管委会"])]


def test_first_listed_convention_declared_once_holds_for_the_whole_plan():
    text = ("一、重点任务\n(一)修缮水库。加固坝体。(责任单位:县水利局、县财政局)\n(二)整治河道。清理淤泥。(责任单位:县生态环境局、各乡镇)\n"
            "注:排在第一位的为牵头单位,下同。")
    parsed = parse_plan(text)
    assert [(t.lead, t.co, t.doubts) for t in parsed.tasks] == [
        ("县水利局", ["县财政局"], []), ("县生态环境局", ["各乡镇"], [])]


def test_without_the_convention_the_first_listed_lead_is_a_doubt():
    parsed = parse_plan("(一)修缮水库。加固坝体。(责任单位:县水利局、县财政局)")
    assert parsed.tasks[0].doubts == ["first_listed_lead"]
    assert parsed.tasks[0].confidence < 1


def test_units_not_listed_again_hold_for_every_later_task():
    text = ("(一)修缮水库。加固坝体。(责任单位:县水利局。各项任务均涉及各乡镇人民政府,不再单独列出,下同)\n"
            "(二)整治河道。清理淤泥。(责任单位:县生态环境局)")
    assert tasks(text) == [("(一)", "县水利局", ["各乡镇人民政府"]), ("(二)", "县生态环境局", ["各乡镇人民政府"])]


# Structure ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "一、重点任务\n(一)修缮水库。加固坝体。\n(二)整治河道。清理淤泥。",
    "第一章 重点任务\n第一条 修缮水库。加固坝体。\n第二条 整治河道。清理淤泥。",
    "一、重点任务\n1．修缮水库。加固坝体。\n2．整治河道。清理淤泥。",
    "一、重点任务\n１.修缮水库。加固坝体。\n２.整治河道。清理淤泥。",
    "一、重点任务\n（１）修缮水库。加固坝体。\n（２）整治河道。清理淤泥。",
    "一、重点任务\n①修缮水库。加固坝体。\n②整治河道。清理淤泥。",
    "一、重点任务\n一是修缮水库。加固坝体。\n二是整治河道。清理淤泥。",
])
def test_every_numbering_family(text):
    titles = [task.title for task in parse_plan(text).tasks]
    assert titles == ["修缮水库", "整治河道"]


def test_a_body_without_line_breaks_takes_its_structure_from_the_numbering():
    text = ("一、重点任务（一）修缮水库。加固坝体。（责任单位：县水利局）（二）整治河道。清理淤泥。（责任单位：县生态环境局）"
            "二、保障措施（一）加强领导。各单位要高度重视。")
    assert tasks(text) == [("(一)", "县水利局", []), ("(二)", "县生态环境局", [])]


def test_a_page_dumped_on_one_line_is_split_where_its_paragraphs_were():
    paragraph = "各乡镇要高度重视水利工作,切实加强组织领导,落实工作责任,确保各项任务按期完成。" * 5
    line = " ".join(["当前位置:首页 水利专题 时间:2021-03-01 09:00 微信 微博 QQ空间", paragraph, "一、修缮水库。" + paragraph,
                     "二、整治河道。" + paragraph, "来源:县水利局 附件下载"])
    texts = [p.text for p in normalise(line).paragraphs]
    assert texts[0].startswith("各乡镇要高度重视") and texts[1].startswith("一、修缮水库") and texts[2].startswith("二、整治河道")
    assert not any("QQ空间" in text or "附件下载" in text for text in texts)


def test_items_run_on_after_a_colon_are_read():
    assert [t.title for t in parse_plan("现将工作要点明确如下:一、修缮水库。加固坝体。二、整治河道。清理淤泥。").tasks] == [
        "修缮水库", "整治河道"]


def test_a_text_and_the_task_table_breaking_it_down_in_one_file_the_rows_are_the_tasks():
    rows = [f"{n} | {task} | {unit} |" for n, (task, unit) in enumerate(
        [("加固坝体", "县水利局"), ("疏浚渠道", "县水利局"), ("清理淤泥", "县住建局"), ("修复岸坡", "县林业局"),
         ("建设步道", "县文旅局")], 1)]
    text = "\n".join(["某县2024年水利工作要点", "一、修缮水库。加固坝体,疏浚渠道。", "二、整治河道。清理淤泥,修复岸坡,建设步道。",
                      "附件:分工表", "序号 | 工作任务 | 牵头单位 |", *rows])
    parsed = parse_plan(text)
    assert [(t.number, t.lead) for t in parsed.tasks] == [("1", "县水利局"), ("2", "县水利局"), ("3", "县住建局"),
                                                         ("4", "县林业局"), ("5", "县文旅局")]
    assert [(s.number, s.is_preamble) for s in parsed.sections] == [("一", True), ("二", True)]
    assert parsed.tasks[0].path == ["1"]


def test_the_notice_in_front_of_a_plan_is_not_tasks():
    text = ("各乡镇人民政府,县直各单位:\n现将《某县水利三年行动方案》印发给你们,请认真贯彻落实。\n"
            "一、提高认识。各单位要高度重视。\n二、加强督查。县政府督查室要跟踪问效。\n某县人民政府办公室\n2023年3月1日\n"
            "某县水利三年行动方案\n一、重点任务\n(一)修缮水库。加固坝体。(县水利局牵头)\n(二)整治河道。清理淤泥。(县生态环境局牵头)")
    assert tasks(text) == [("(一)", "县水利局", []), ("(二)", "县生态环境局", [])]


def test_a_signature_closing_the_plan_is_no_notice():
    paragraphs = ["各乡镇:", "一、修缮水库。加固坝体。", "二、整治河道。清理淤泥。", "某县水利局", "2023年3月1日"]
    assert cover_range(paragraphs) == range(0)


def test_the_overall_requirements_of_an_action_are_no_task():
    text = "一、深化水利改革的总体要求\n1.指导思想。以新发展理念为指导。\n2.目标任务。到2025年全面完成改革。\n二、主要任务\n(一)修缮水库。加固坝体。"
    assert [t.title for t in parse_plan(text).tasks] == ["修缮水库"]


def test_goals_with_a_lead_for_each_are_tasks_goals_without_are_not():
    tagged = ("一、主要预期目标\n1.地区生产总值增长6%。\n牵头单位:县发改局\n2.一般公共预算收入增长5%。\n牵头单位:县财政局")
    assert tasks(tagged) == [("1", "县发改局", []), ("2", "县财政局", [])]
    assert tasks("一、发展目标\n1.地区生产总值增长6%。\n2.一般公共预算收入增长5%。") == []


def test_safeguards_without_a_tag_are_not_tasks_with_a_tag_they_are():
    assert tasks("五、保障措施\n(一)加强领导。各单位要高度重视。\n(二)强化督查。定期通报。") == []
    assert tasks("五、保障措施\n(一)加强领导。建立联席会议制度。(县政府办公室牵头)") == [("(一)", "县政府办公室", [])]
    assert tasks("四、抓好组织实施\n各乡镇要高度重视,确保落地见效。") == []
    assert tasks("三、实施步骤\n(一)动员阶段(2026年3月底前)。制定方案。\n(二)整治阶段(2026年4月—10月)。全面整治。") == []


def test_a_tag_after_the_last_sub_measure_is_its_task_s():
    text = ("(二)完善水利设施。分期建设一批设施。\n1.小型水库。加固坝体。\n2.灌溉渠道。疏浚渠道。"
            "(责任单位:县水利局、县财政局、各乡镇)")
    parsed = parse_plan(text)
    assert [(t.number, t.parent, t.lead) for t in parsed.tasks] == [
        ("(二)", None, "县水利局"), ("1", "(二)", "县水利局"), ("2", "(二)", "县水利局")]


def test_tagged_sentences_inside_an_item_are_its_child_items():
    parsed = parse_plan("(三)加强水利建设。修缮小型水库20座,加固坝体(县水利局牵头,县财政局配合)。"
                        "整治河道10公里(县生态环境局牵头)。清理淤泥。")
    assert [(t.number, t.parent, t.title, t.lead, t.co) for t in parsed.tasks] == [
        ("(三)", None, "加强水利建设", "县水利局", ["县生态环境局", "县财政局"]),
        ("(三)-1", "(三)", "修缮小型水库20座", "县水利局", ["县财政局"]),
        ("(三)-2", "(三)", "整治河道10公里", "县生态环境局", [])]
    assert parsed.tasks[2].text == "整治河道10公里(县生态环境局牵头)。清理淤泥。"
    assert [t.value for d in parsed.tasks[1].deliverables for t in d.targets] == []


def test_one_tag_written_over_two_lines_makes_no_child_items():
    parsed = parse_plan("1.地区生产总值增长6%左右。\n牵头单位:县发改局\n责任单位:县统计局,各乡镇")
    assert [(t.number, t.lead, t.co) for t in parsed.tasks] == [("1", "县发改局", ["县统计局", "各乡镇"])]


def test_items_with_tags_of_their_own_make_their_heading_a_section_whose_tag_they_inherit():
    parsed = parse_plan("一、水利建设(由县水利局牵头实施)\n县财政今年安排500万元。\n1.修缮水库。加固坝体。(责任单位:县水利局、各乡镇)"
                        "\n2.整治河道。清理淤泥。")
    assert [s.number for s in parsed.sections] == ["一"]
    assert [(t.number, t.lead, t.co, t.parent) for t in parsed.tasks] == [
        ("1", "县水利局", ["各乡镇"], None), ("2", "县水利局", [], None)]


def test_a_heading_naming_its_lead_is_a_section_its_items_inherit():
    parsed = parse_plan("一、县水利局牵头工作(2项)\n1.修缮小型水库。\n2.疏浚灌溉渠道。")
    assert [(s.number, s.title) for s in parsed.sections] == [("一", "县水利局牵头工作(2项)")]
    assert [(t.number, t.lead, t.doubts) for t in parsed.tasks] == [
        ("1", "县水利局", ["inherited_lead"]), ("2", "县水利局", ["inherited_lead"])]


# Deliverables -----------------------------------------------------------------------------------

def test_deadlines_with_a_month_and_a_year():
    task = parse_plan("(一)修缮水库。2025年6月底前完成坝体加固。(县水利局牵头)").tasks[0]
    assert [d.year for d in task.deliverables] == [2025]


def test_a_deadline_without_a_year_in_a_one_year_plan():
    parsed = parse_plan("某县2024年水利工作要点\n(一)修缮水库。6月底前完成坝体加固。(县水利局牵头)\n(二)整治河道。2024年底前清理淤泥。")
    assert [d.year for d in parsed.tasks[0].deliverables] == [2024]


@pytest.mark.parametrize("sentence, value", [
    ("到2025年,灌溉面积不低于30万亩。", 300000),
    ("到2025年,水质达标率控制在90%以上。", 90),
    ("到2025年,审批时间压缩至15个工作日以内。", 15),
])
def test_floors_ceilings_and_compressions(sentence, value):
    parsed = parse_plan(f"二、发展目标\n{sentence}\n三、重点任务\n(一)修缮水库。加固坝体。")
    assert value in [target.value for target in parsed.targets]


# Trust --------------------------------------------------------------------------------------------

def test_each_task_shows_where_its_units_were_read():
    task = parse_plan("(一)修缮水库。加固坝体。(县水利局牵头,县财政局配合)").tasks[0]
    assert task.source == {"sentence": "修缮水库。", "units": "(县水利局牵头,县财政局配合)", "units_from": "own"}
    assert (task.doubts, task.confidence) == ([], 1.0)


def test_a_task_without_a_lead_is_the_most_doubtful():
    parsed = parse_plan("(一)修缮水库。加固坝体。(县水利局牵头)\n(二)整治河道。清理淤泥。")
    second = parsed.tasks[1]
    assert second.doubts == ["no_lead"] and second.confidence < parsed.tasks[0].confidence


def test_a_plan_that_yields_no_task_says_what_was_read():
    parsed = parse_plan("我县水利工作取得明显成效。\n下一步将继续努力。")
    assert parsed.tasks == []
    assert parsed.reading["paragraphs"] == 2 and parsed.reading["numbering"] == []
    assert any(w.code == "no_tasks" and "2 段" in w.message for w in parsed.warnings)


def test_a_numbered_task_with_its_tag_above_sub_measures_keeps_them_as_its_items():
    parsed = parse_plan("一、产业\n1.壮大建材产业。(责任单位:县工信局)\n2.发展物流。(责任单位:县商务局、县交通局)\n"
                        "(1)建设物流园。\n(2)培育物流企业5家。")
    assert [(t.number, t.parent, t.lead, t.co) for t in parsed.tasks] == [
        ("1", None, "县工信局", []), ("2", None, "县商务局", ["县交通局"]),
        ("(1)", "2", "县商务局", ["县交通局"]), ("(2)", "2", "县商务局", ["县交通局"])]
