"""The noise of real copies: spaces in words, lost 年/月, page markers, broken lines, web boilerplate, traditional characters."""
from __future__ import annotations

import pytest

from tracker.plans.parser import parse_plan
from tracker.plans.parser.normalise import (Paragraph, close_word_gaps, drop_pinyin, looks_traditional, normalise, repair_dates,
                                            to_simplified)


@pytest.mark.parametrize("copied, clean", [
    ("乘势而上开启全面建设社会主义现代化国家新征 程", "乘势而上开启全面建设社会主义现代化国家新征程"),
    ("全社会研发投入占 GDP 比重达 3.52%,居省会城市第 3;", "全社会研发投入占GDP比重达3.52%,居省会城市第3;"),
    ("由2015 年 104.93 亿元增长到 230.69 亿元", "由2015年104.93亿元增长到230.69亿元"),
    ("支持 In Cell Touch 面板电磁屏蔽", "支持In Cell Touch面板电磁屏蔽"),
    ("( ITER )计划", "(ITER)计划"),
    ("发布时间:2023-01-10 11:03", "发布时间:2023-01-10 11:03"),
])
def test_spaces_inside_words_are_closed(copied, clean):
    assert close_word_gaps(copied) == clean


def test_pinyin_glosses_of_a_mirror_site_are_dropped_latin_in_brackets_kept():
    assert drop_pinyin("工作報(bào)告(PM2.5)提出(a)新增學位6120個(gè)") == "工作報告(PM2.5)提出(a)新增學位6120個"


@pytest.mark.parametrize("copied, repaired", [
    ("20229月,市科技局起草", "2022年9月,市科技局起草"),
    ("20221229日,《行动方案》印发", "2022年12月29日,《行动方案》印发"),
    ("2022623日,省政府下发", "2022年6月23日,省政府下发"),
    ("202297日,对应省政府方案", "2022年9月7日,对应省政府方案"),
    ("202081821日,习近平总书记", "2020年8月18—21日,习近平总书记"),
])
def test_dates_that_lost_year_and_month(copied, repaired):
    assert repair_dates([copied]) == ([repaired], 1)


def test_month_day_runs_are_repaired_once_a_full_date_showed_the_loss():
    lines, count = repair_dates(["20221218日经市政府常务会议审议通过,1224日经市委常委会审议通过,108日书面征求意见。"])
    assert lines == ["2022年12月18日经市政府常务会议审议通过,12月24日经市委常委会审议通过,10月8日书面征求意见。"]
    assert count == 3


def test_day_counts_are_left_alone_without_evidence_of_loss():
    assert repair_dates(["整改期限为120日,逾期不改的约谈。2025年目标"]) == (["整改期限为120日,逾期不改的约谈。2025年目标"], 0)


def test_document_number_that_lost_its_bracket():
    assert repair_dates(["(皖政〔202264号)"])[0] == ["(皖政〔2022〕64号)"]


def test_page_markers_cut_into_sentences_are_removed_and_the_sentences_joined():
    chunk = "这是一页很长的方案正文,内容连续不断地写下去" * 8
    text = f"1、{chunk}实\n\n2、施产业技术攻关项目{chunk}产业创新中心\n\n3、、制造业创新中心等{chunk}。"
    paragraphs = [paragraph.text for paragraph in normalise(text).paragraphs]
    assert len(paragraphs) == 1
    assert "实施产业技术攻关项目" in paragraphs[0]
    assert "产业创新中心、制造业创新中心" in paragraphs[0]
    assert not paragraphs[0].startswith("1、")


def test_a_real_list_opened_by_1_2_3_is_kept():
    text = "1、加强组织领导。各地要建立工作机制。\n2、强化资金保障。统筹安排专项资金。\n3、做好宣传引导。营造良好氛围。"
    assert [p.text for p in normalise(text).paragraphs] == text.split("\n")


def test_a_long_line_broken_mid_sentence_is_joined_to_the_next():
    text = ("着力提升招才引智水平。加强外国专家工作室和引才引智示范基地建设,着力引进一批诺贝尔奖级科学家。加大海外人才\n"
            "离岸创新创业基地空间载体和服务站的支持力度。\n第二节 建设人才队伍")
    assert [p.text for p in normalise(text).paragraphs] == [
        "着力提升招才引智水平。加强外国专家工作室和引才引智示范基地建设,着力引进一批诺贝尔奖级科学家。加大海外人才离岸创新创业基地空间载体和服务站的支持力度。",
        "第二节建设人才队伍",
    ]


def test_short_title_lines_are_not_joined():
    text = "关于印发加快推动科技成果\n转移转化示范区建设实施方案\n的通知"
    assert len(normalise(text).paragraphs) == 3


@pytest.mark.parametrize("line", [
    "第1页 / 共19页", "蚌埠市加快建设科技强市三年行动方案.docx_第2页", "上传人:lao****ou 文档编号:174571",
    "浏览次数: 信息来源: 市科学技术局 发布时间:2023-01-10 11:03 字号:", "展开阅读全文", "copyright@ 2008-2022 001doc.com网站版权所有",
    "经营许可证编号:宁ICP备2022001085号", "客服", "淮政〔2022〕46号淮北市人民政府关于印发行动方案的通知.pdf",
])
def test_web_page_boilerplate_is_dropped(line):
    assert [p.text for p in normalise(f"{line}\n(一)加强组织领导。").paragraphs] == ["(一)加强组织领导。"]


def test_preview_limit_of_a_sharing_site_means_truncated():
    assert normalise("(一)加强组织领导。\n亲,该文档总共19页,到这儿已超出免费预览范围").is_truncated


def test_a_text_ending_mid_sentence_is_truncated_one_ending_in_a_full_stop_or_a_signature_is_not():
    assert normalise("(一)加强组织领导。鼓励市内科技服务机构加强与长三角、京津冀、珠三角等先发地区服务机构协同合作,学习先发地区的服务理念、").is_truncated
    assert not normalise("(一)加强组织领导。建立健全工作机制。").is_truncated
    assert not normalise("(一)加强组织领导。建立健全工作机制。\n淮北市人民政府办公室\n2022年12月29日").is_truncated


def test_traditional_is_detected_from_characters_outside_gb2312():
    assert looks_traditional("為紮實推進蘇南國家科技成果轉移轉化示範區建設,加快提升創新型省份建設水平")
    assert not looks_traditional("为扎实推进苏南国家科技成果转移转化示范区建设,加快提升创新型省份建设水平")
    assert not looks_traditional("一位名叫喆的同志,堃")  # a few rare characters do not make a text traditional


def test_taiwan_phrases_become_mainland_ones_and_the_original_is_kept():
    paragraph = to_simplified("掌握一批具有自主智慧財產權的重大原創成果,推廣套用網際網路技術。")
    assert paragraph.text == "掌握一批具有自主知识产权的重大原创成果,推广应用互联网技术。"
    start = paragraph.text.index("知识产权")
    assert paragraph.original_span(start, start + 4) == "智慧財產權"
    assert paragraph.original_span(0, len(paragraph.text)) == paragraph.original


@pytest.mark.parametrize("traditional, simplified", [
    ("新增2家試點", "新增2家试点"), ("整合行政執法力量", "整合行政执法力量"), ("探索建立基金", "探索建立基金"),
    ("區域性股權市場", "区域性股权市场"), ("執行政策", "执行政策"), ("印發文件", "印发文件"), ("技術契約交易額", "技术合同交易额"),
    ("智慧型製造", "智能制造"), ("最佳化升級", "优化升级"),
])
def test_words_the_mainland_uses_are_not_read_as_taiwan_computing_terms(traditional, simplified):
    assert to_simplified(traditional).text == simplified


def test_simplified_text_is_not_converted():
    parsed = parse_plan("(一)加强组织领导。套用统一模板编制台账。(责任单位:市科技局)")
    assert parsed.converted_from_traditional is False
    assert parsed.tasks[0].text == parsed.tasks[0].text_original == "加强组织领导。套用统一模板编制台账。(责任单位:市科技局)"


def test_joined_paragraphs_keep_their_original_aligned():
    first, second = to_simplified("推進產業發展,"), to_simplified("智慧財產權保護")
    joined = first + second
    assert joined.text == "推进产业发展,知识产权保护"
    assert joined.original_span(7, 11) == "智慧財產權"
    assert joined.without_prefix(7).original == "智慧財產權保護"
    assert Paragraph.plain("abc").original_span(1, 2) == "b"


def test_a_task_table_copied_with_tabs_keeps_its_cells():
    text = "序号\t工作任务\t牵头单位\t配合单位\n1\t改造县医院病区\t县卫健局\t县发改局、县住建局\n2\t修缮城区道路\t县住建局\t县城管局\n"
    tasks = parse_plan(text).tasks
    assert [(t.text, t.lead, t.co) for t in tasks] == [
        ("改造县医院病区", "县卫健局", ["县发改局", "县住建局"]), ("修缮城区道路", "县住建局", ["县城管局"])]


def test_a_task_table_copied_with_spaces_keeps_its_cells_where_a_header_counts_them():
    text = ("序号 工作任务 牵头单位 配合单位\n1 改造县医院病区 县卫健局 县发改局、县住建局\n2 修缮城区道路 县住建局 县城管局\n"
            "注 以上任务年底前完成。")
    tasks = parse_plan(text).tasks
    assert [(t.text, t.lead, t.co) for t in tasks] == [
        ("改造县医院病区", "县卫健局", ["县发改局", "县住建局"]), ("修缮城区道路", "县住建局", ["县城管局"])]
