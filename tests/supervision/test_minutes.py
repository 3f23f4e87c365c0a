"""Minutes (会议纪要) read into decisions with their units and deadlines, in the three common layouts."""
from datetime import date

from tests.supervision.minutes_samples import INSTRUCTION, NUMBERED, PARAGRAPHS, TABLE
from tracker.plans.parser.minutes import meeting_day, parse_minutes, read_decision


def _items(minutes):
    return [(task.title, task.lead, task.co, [d.due_on for d in task.deliverables]) for task in minutes.tasks]


def test_numbered_decisions_after_hui_yi_yi_ding():
    minutes = parse_minutes(NUMBERED, date(2026, 3, 5))
    assert minutes.title == "科技创新联席会议第二次会议纪要"
    assert minutes.doc_number == "科创联办〔2026〕3号"
    # The 汇报 before 会议议定 is not a decision.
    assert _items(minutes) == [
        ("加快高新技术企业培育", "市科技局", ["市财政局"], [date(2026, 3, 31)]),
        ("研究制定人才引进配套政策", "市人社局", ["市科技局", "市财政局"], [date(2026, 6, 30)]),
        ("推进科技成果转化平台建设", "市发展改革委", [], [date(2026, 12, 31)]),
    ]
    assert minutes.warnings == []


def test_hui_yi_yao_qiu_paragraphs_that_name_who_acts():
    minutes = parse_minutes(PARAGRAPHS, date(2026, 4, 10))
    assert minutes.doc_number == "城更专〔2026〕7号"
    # 会议指出 names nobody and asks nothing: not an item.
    assert _items(minutes) == [
        ("完成老旧小区改造实施方案", "市住建局", ["市自然资源局"], [date(2026, 5, 31)]),
        ("加强施工扬尘管控", "市城管局", ["市生态环境局"], [date(2026, 9, 30)]),
        ("落实改造资金1.2亿元", "市财政局", ["市住建局"], [date(2026, 12, 31)]),
    ]


def test_a_decisions_table_read_by_its_header():
    minutes = parse_minutes(TABLE, date(2026, 2, 20))
    assert _items(minutes) == [
        ("完成政务数据共享平台二期建设", "市大数据局", ["市发展改革委", "市财政局"], [date(2026, 6, 30)]),
        ("推动高频政务服务事项“一网通办”", "市政务服务办", ["市大数据局"], [date(2026, 9, 30)]),
        ("制定公共数据开放目录", "市大数据局", [], [date(2026, 12, 31)]),
    ]
    assert (minutes.start_year, minutes.end_year) == (2026, 2026)


def test_a_decision_without_unit_or_deadline_is_flagged_for_the_office():
    minutes = parse_minutes("专题会议纪要\n会议议定：\n一、进一步优化营商环境。\n", date(2026, 5, 6))
    assert [task.title for task in minutes.tasks] == ["进一步优化营商环境"]
    assert {w.code for w in minutes.warnings} == {"no_deadline", "no_unit"}


def test_minutes_without_decisions_say_so():
    minutes = parse_minutes("会议纪要\n会议听取了汇报。\n", date(2026, 5, 6))
    assert minutes.tasks == [] and [w.code for w in minutes.warnings] == ["no_decision"]


def test_a_leaders_instruction_read_as_one_decision():
    decision = read_decision(INSTRUCTION, date(2026, 3, 10))
    assert (decision.lead, decision.co, decision.due) == ("科技局", ["财政局"], date(2026, 3, 31))
    assert decision.title == "研究提出意见"


def test_a_yearless_deadline_already_past_is_next_years():
    assert read_decision("市科技局牵头，2月底前完成", date(2026, 11, 3)).due == date(2027, 2, 28)


def test_the_meeting_day_is_the_first_full_date():
    assert meeting_day(NUMBERED) == date(2026, 3, 5)
    assert meeting_day("无日期") is None
