"""Years, 每年, and targets with value and unit (万 and 亿 understood); the years a plan covers."""
from __future__ import annotations

import pytest

from tracker.plans.parser import parse_plan
from tracker.plans.parser.deadlines import scope_year
from tracker.plans.parser.deliverables import plan_years, task_deliverables
from tracker.plans.parser.targets import parse_quantity, targets_in
from tracker.plans.parser.model import Deliverable


def found(text: str) -> list[tuple]:
    return [(t.name, t.value, t.unit) for t in targets_in(text)]


def delivered(text: str) -> list[tuple]:
    return [(d.year, d.recurring, d.text, [(t.name, t.value, t.unit) for t in d.targets]) for d in task_deliverables(text, [])]


@pytest.mark.parametrize("number, multiplier, value", [
    ("1500", None, 1500), ("1", "万", 10_000), ("1.5", "万", 15_000), ("500", "亿", 50_000_000_000), ("3.8", None, 3.8),
    ("2", "千万", 20_000_000), ("0.5", "亿", 50_000_000),
])
def test_wan_and_yi_are_multiplied_out(number, multiplier, value):
    assert parse_quantity(number, multiplier) == value
    assert type(parse_quantity(number, multiplier)) is type(value)


@pytest.mark.parametrize("clause, year", [
    ("到2025年,", (2025, True)), ("力争到2025年国家级孵化器达到100家", (2025, True)), ("即到2025年力争", (2025, True)),
    ("截至2020年底,", (2020, True)), ("2018年组织实施100项", (2018, False)), ("2022年9月,市科技局起草", (None, False)),
    ("围绕2025年目标", (None, False)),
])
def test_the_year_a_clause_opens_with(clause, year):
    assert scope_year(clause) == year


def test_deadline_with_target_value_and_unit():
    assert delivered("加快培育企业。到2025年,高新技术企业达到1500家。") == [
        (2025, False, "到2025年,高新技术企业达到1500家", [("高新技术企业", 1500, "家")])]


@pytest.mark.parametrize("clause, targets", [
    ("累计转化科技成果超过1万项", [("转化科技成果", 10_000, "项")]),
    ("技术合同交易额超过500亿元", [("技术合同交易额", 50_000_000_000, "元")]),
    ("在肥就业大学毕业生20万人", [("在肥就业大学毕业生", 200_000, "人")]),
    ("实现高价值发明专利拥有量12件/万人", [("高价值发明专利拥有量", 12, "件/万人")]),
    ("研发投入占GDP比重达3.2%", [("研发投入占GDP比重", 3.2, "%")]),
    ("建设10个科技成果产业化基地、20个技术转移示范机构、30个科技公共服务平台",
     [("科技成果产业化基地", 10, "个"), ("技术转移示范机构", 20, "个"), ("科技公共服务平台", 30, "个")]),
    ("培育10个创新型产业集群以及50家五星级数字企业", [("创新型产业集群", 10, "个"), ("五星级数字企业", 50, "家")]),
    ("科技型中小企业、高新技术企业数分别达到1500家、1200家", [("科技型中小企业", 1500, "家"), ("高新技术企业数", 1200, "家")]),
    ("区域吸纳技术合同成交额、输出技术合同成交额均达1500亿元以上",
     [("区域吸纳技术合同成交额", 150_000_000_000, "元"), ("输出技术合同成交额", 150_000_000_000, "元")]),
    ("服务科技园区40家、企业3万家以上", [("服务科技园区", 40, "家"), ("企业", 30_000, "家")]),
    ("培育销售收入50亿元以上高新技术企业达3家以上", [("培育销售收入50亿元以上高新技术企业", 3, "家")]),
    ("备案30家左右省级众创空间", [("省级众创空间", 30, "家")]),
    ("选派800名科技镇长团成员参与相关工作", [("科技镇长团成员", 800, "名")]),
    ("累计发放“苏科贷”贷款超过250亿元", [("发放“苏科贷”贷款", 25_000_000_000, "元")]),
    ("累计建设科技成果转化中试(产业化)基地35个", [("建设科技成果转化中试(产业化)基地", 35, "个")]),
    ("省级以上科技孵化器和众创空间数量达280家(国家级120家以上)",
     [("省级以上科技孵化器和众创空间数量", 280, "家"), ("国家级", 120, "家")]),
    ("引进境外智力项目约500个", [("引进境外智力项目", 500, "个")]),
    ("居省会城市第3位", []),
    ("打造“科大硅谷”", []),
])
def test_targets(clause, targets):
    assert found(clause) == targets


def test_a_range_keeps_both_ends():
    target = targets_in("建设2-3家新型研发机构")[0]
    assert (target.name, target.value, target.value_max, target.unit, target.text) == ("新型研发机构", 2, 3, "家", "2-3家")


def test_every_year_recurs():
    assert delivered("完善工作机制,力争每年打造100个新技术新产品新模式应用场景。") == [
        (None, True, "力争每年打造100个新技术新产品新模式应用场景", [("新技术新产品新模式应用场景", 100, "个")])]


def test_every_year_without_a_number_is_still_a_recurring_deliverable():
    assert delivered("每年招引一批青年科技人才创新创业团队。") == [(None, True, "每年招引一批青年科技人才创新创业团队", [])]


def test_one_sentence_with_every_year_then_a_deadline():
    assert delivered("引进人才,每年推荐6个团队申报政策支持,到2025年,实现院士工作站40家以上。") == [
        (None, True, "每年推荐6个团队申报政策支持", [("团队", 6, "个")]),
        (2025, False, "到2025年,实现院士工作站40家以上", [("院士工作站", 40, "家")]),
    ]


def test_a_target_verb_makes_a_target_without_a_year():
    assert delivered("全市科技特派员工作站等服务载体突破140家。") == [
        (None, False, "全市科技特派员工作站等服务载体突破140家", [("科技特派员工作站等服务载体", 140, "家")])]


@pytest.mark.parametrize("text", ["投资损失最高可达80%。", "围绕9个县区科技分市场构建体系。", "聚焦3个关键领域。"])
def test_numbers_that_are_not_targets(text):
    assert delivered(text) == []


def test_a_year_line_after_a_task_belongs_to_it():
    text = ("(三)超前部署前瞻性产业。实施重点研发计划。(责任部门:省科技厅)\n2018年组织实施100项产业前瞻性技术攻关项目。\n"
            "(四)着力发展优势产业。(责任部门:省经济和信息化委)\n2018年新增2家产业科技创新中心试点。")
    tasks = parse_plan(text).tasks
    assert [[(d.year, d.text) for d in task.deliverables] for task in tasks] == [
        [(2018, "2018年组织实施100项产业前瞻性技术攻关项目。")], [(2018, "2018年新增2家产业科技创新中心试点。")]]
    assert "2018年" not in tasks[0].text
    assert tasks[0].deliverables[0].targets[0].year == 2018


def test_targets_in_the_goals_are_the_plans():
    parsed = parse_plan("一、发展目标\n到2025年,高新技术企业达到1500家,技术合同成交额突破100亿元。\n二、重点任务\n(一)加强领导。")
    assert [(t.name, t.value, t.unit, t.year) for t in parsed.targets] == [
        ("高新技术企业", 1500, "家", 2025), ("技术合同成交额", 10_000_000_000, "元", 2025)]


def _annual(year: int) -> Deliverable:
    return Deliverable(year, f"{year}年…")


@pytest.mark.parametrize("title, deliverables, deadlines, published, years", [
    ("实施方案(2022-2025年)", [], [], None, (2022, 2025)),
    ("合肥市“十四五”科技创新发展规划", [], [], None, (2021, 2025)),
    ("蚌埠市加快建设科技强市三年行动方案", [], [2025, 2025], 2023, (2023, 2025)),
    ("示范区建设实施方案", [_annual(2018), _annual(2018)], [2020], None, (2018, 2020)),
    ("淮北市加快科技成果转移转化行动方案", [], [2025], 2023, (2023, 2025)),
    ("某方案", [], [], None, (None, None)),
    ("县政府重点工作任务分解(2024年)", [], [2025], None, (2024, 2024)),
    ("区政府工作要点(2023年度)", [], [], None, (2023, 2023)),
    ("某县2026年优化营商环境攻坚行动方案", [], [], None, (2026, 2026)),
    ("某市推动设备更新到2027年行动方案", [], [2027], 2024, (2024, 2027)),
])
def test_plan_years(title, deliverables, deadlines, published, years):
    assert plan_years(title, deliverables, deadlines, published) == years


# Deadlines ----------------------------------------------------------------------------------------

def dated(text: str) -> list[tuple]:
    return [(d.year, d.recurring, d.due_on.isoformat() if d.due_on else None) for d in task_deliverables(text, [])]


@pytest.mark.parametrize("text, found", [
    ("2024年底前建成污水处理厂。", [(2024, False, None)]),
    ("2025年6月底前完成坝体加固。", [(2025, False, "2025-06-30")]),
    ("确保于2024年12月31日前全部完工。", [(2024, False, "2024-12-31")]),
    ("排查病险水库,整改工作于2025年6月底前完成。", [(2025, False, "2025-06-30")]),
    ("到2027年,全面建成现代水网。", [(2027, False, None)]),
    ("每年开展一次汛前检查。", [(None, True, None)]),
    ("2026年第三季度前完成清淤。", [(2026, False, "2026-09-30")]),
    ("渠道衬砌于2026年上半年前完工。", [(2026, False, "2026-06-30")]),
    ("2025年年底前完成验收。", [(2025, False, None)]),
])
def test_deadlines_with_their_year_wherever_they_stand(text, found):
    assert dated(text) == found


def test_a_deadline_is_a_deadline_an_opening_year_is_that_year_s_work():
    assert scope_year("2025年6月底前完成坝体加固") == (2025, True)
    assert scope_year("2018年组织实施100项攻关项目") == (2018, False)


def deliverables_of(text: str) -> list[list[tuple]]:
    return [[(d.year, d.recurring, d.due_on.isoformat() if d.due_on else None, [(t.value, t.unit) for t in d.targets])
             for d in task.deliverables] for task in parse_plan(text).tasks]


def test_deadlines_without_a_year_in_a_plan_that_covers_one_year():
    text = ("某县2024年水利工作要点\n(一)修缮水库。6月底前完成坝体加固,年底前完成验收。(县水利局牵头)\n"
            "(二)整治河道。上半年完成清淤。三季度末前修复岸坡。(县住建局牵头)\n(三)稳定就业。全年新增城镇就业1万人。(县人社局牵头)")
    assert deliverables_of(text) == [
        [(2024, False, "2024-06-30", []), (2024, False, "2024-12-31", [])],
        [(2024, False, "2024-06-30", []), (2024, False, "2024-09-30", [])],
        [(2024, False, "2024-12-31", [(10000, "人")])],
    ]


def test_yearless_deadlines_in_a_plan_of_several_years_are_not_dated():
    text = "某县水利三年行动方案(2024-2026年)\n(一)修缮水库。6月底前完成坝体加固。(县水利局牵头)"
    assert deliverables_of(text) == [[]]


def test_a_table_s_deadline_column_dates_its_rows():
    text = "\n".join(["某县2024年水利重点工作分工表", "序号 | 工作任务 | 牵头单位 | 完成时限 |",
                      "1 | 修缮小型水库 | 县水利局 | 2024年12月底前 |", "2 | 整治城区河道 | 县住建局 | 长期坚持 |",
                      "3 | 建设污水管网 | 县住建局 | 3月 |"])
    assert deliverables_of(text) == [[(2024, False, "2024-12-31", [])], [(None, True, None, [])],
                                     [(2024, False, "2024-03-31", [])]]


def test_a_deadline_sharing_the_tag_dates_the_task():
    task = parse_plan("(一)修缮水库。加固坝体。(牵头单位:县水利局;完成时限:2025年6月底前)").tasks[0]
    assert [(d.year, d.due_on.isoformat()) for d in task.deliverables] == [(2025, "2025-06-30")]


def test_a_tag_s_deadline_repeating_the_text_s_is_one_deliverable():
    task = parse_plan("(一)修缮水库。2025年底前完成病险水库除险加固。(县水利局牵头,2025年底前完成)").tasks[0]
    assert [(d.year, d.text) for d in task.deliverables] == [(2025, "2025年底前完成病险水库除险加固")]


# Targets ------------------------------------------------------------------------------------------

def bounds(clause: str) -> list[tuple]:
    return [(t.name, t.value, t.unit, t.bound, t.change) for t in targets_in(clause)]


@pytest.mark.parametrize("clause, found", [
    ("农村自来水普及率不低于90%", [("农村自来水普及率", 90, "%", "min", None)]),
    ("每年培训高素质农民不少于2000人", [("培训高素质农民", 2000, "人", "min", None)]),
    ("城镇调查失业率控制在5.5%以内", [("城镇调查失业率", 5.5, "%", "max", None)]),
    ("工程建设项目审批时间压缩至15个工作日", [("工程建设项目审批时间", 15, "个工作日", "max", None)]),
    ("单位地区生产总值能耗降低13.5%", [("单位地区生产总值能耗降低", 13.5, "%", None, "decrease")]),
    ("地区生产总值增长6.2%", [("地区生产总值增长", 6.2, "%", None, "increase")]),
    ("社会消费品零售总额突破1200亿元", [("社会消费品零售总额", 120_000_000_000, "元", "min", None)]),
    ("新增城镇就业4.3万人", [("新增城镇就业", 43_000, "人", None, None)]),
    ("细颗粒物年均浓度控制在28微克/立方米以内", [("细颗粒物年均浓度", 28, "微克/立方米", "max", None)]),
    ("万元产值能耗控制在0.38吨标准煤/万元", [("万元产值能耗", 0.38, "吨标准煤/万元", "max", None)]),
    ("充电桩累计达到3000个", [("充电桩", 3000, "个", None, None)]),
])
def test_floors_ceilings_changes_and_counts(clause, found):
    assert bounds(clause) == found


def test_a_count_of_wan_needs_no_unit_and_the_verb_may_follow_whom_it_serves():
    assert [(t.value, t.unit) for t in targets_in("为3.078万60岁以上老年人免费接种流感疫苗", strong_only=True)] == [(30_780, None)]


def test_a_share_of_something_reached():
    assert [(t.value, t.unit) for t in targets_in("充分就业社区数量达到城市社区的60%", strong_only=True)] == [(60, "%")]


def test_a_year_between_a_subject_and_its_commitment_scopes_the_value():
    assert [(d.year, [t.value for t in d.targets]) for d in task_deliverables("市财政2025年统筹安排5000万元,用于支持科技企业。", [])] == [
        (2025, [50_000_000])]


def test_compound_targets_share_their_values_in_order():
    assert found("城镇覆盖率、农村覆盖率和园区覆盖率分别达到45%、25%和15%") == [
        ("城镇覆盖率", 45, "%"), ("农村覆盖率", 25, "%"), ("园区覆盖率", 15, "%")]


@pytest.mark.parametrize("clause", ["高新技术企业数量2025年、2026年、2027年分别达到100家、150家和200家",
                                    "2025年、2026年、2027年高新技术企业数量分别达到100家、150家和200家"])
def test_year_by_year_targets_with_one_name(clause):
    assert [(t.name, t.value, t.year) for t in targets_in(clause)] == [
        ("高新技术企业数量", 100, 2025), ("高新技术企业数量", 150, 2026), ("高新技术企业数量", 200, 2027)]


def test_year_by_year_targets_clause_by_clause_keep_their_name():
    assert [(d.year, [(t.name, t.value) for t in d.targets]) for d in
            task_deliverables("高新技术企业数量2025年达到100家,2026年达到150家,2027年达到200家。", [])] == [
        (2025, [("高新技术企业数量", 100)]), (2026, [("高新技术企业数量", 150)]), (2027, [("高新技术企业数量", 200)])]


@pytest.mark.parametrize("clause", [
    "对新认定的高新技术企业给予最高20万元奖励", "按每人1500元的标准发放补贴", "实施存栏1500头以上生猪养殖场标准化改造",
    "重点实施3万吨正极材料项目", "落实科技创新“40条政策”", "围绕9个重点产业链开展招商",
])
def test_amounts_that_are_no_targets(clause):
    assert targets_in(clause, strong_only=True) == []


def test_a_raise_s_target_is_where_it_ends_not_where_it_starts():
    assert [(t.value, t.unit) for t in targets_in("补助标准由每人每年670元提高到700元", strong_only=True)] == [(700, "元")]


def test_targets_in_a_one_year_plan_s_goals_take_its_year():
    parsed = parse_plan("某县2024年工作要点\n一、主要目标\n全年新增城镇就业1万人以上,城镇调查失业率控制在5.5%以内。\n"
                        "二、重点任务\n(一)稳定就业。开展技能培训。(县人社局牵头)")
    assert [(t.value, t.year, t.bound) for t in parsed.targets] == [(10000, 2024, "min"), (5.5, 2024, "max")]


def test_a_task_table_s_year_columns_are_each_year_s_deliverables():
    text = "\n".join(["序号 | 重点任务 | 2024年目标 | 2025年目标 | 责任单位 |",
                      "1 | 培育高新技术企业 | 新增50家 | 新增80家 | 县科技局 |", "2 | 建设污水管网 | 建成20公里 |  | 县住建局 |"])
    assert [[(d.year, d.text, [(t.value, t.unit) for t in d.targets]) for d in task.deliverables] for task in parse_plan(text).tasks] == [
        [(2024, "新增50家", [(50, "家")]), (2025, "新增80家", [(80, "家")])], [(2024, "建成20公里", [(20, "公里")])]]


def test_a_table_row_s_deadline_dates_what_its_text_commits_to():
    text = "\n".join(["序号 | 工作任务 | 牵头单位 | 完成时限 |", "1 | 压缩审批时间至30个工作日以内。 | 县审批局 | 2025年底前 |"])
    task = parse_plan(text).tasks[0]
    assert [(d.year, d.text, [(t.value, t.unit, t.year, t.bound) for t in d.targets]) for d in task.deliverables] == [
        (2025, "2025年底前", [(30, "个工作日", 2025, "max")])]


@pytest.mark.parametrize("text, expected", [
    ("2027年底前完成县级部门上网率95%", [("县级部门上网率", 95, "%")]),
    ("2026年9月底前完成闲置土地处置120亩", [("闲置土地处置", 120, "亩")]),
    ("2026年完成率达到98%", [("完成率", 98, "%")]),
])
def test_a_deadline_before_the_name_is_not_part_of_it(text, expected):
    assert found(text) == expected


def test_a_heading_on_its_own_line_states_its_item_s_target():
    task = parse_plan("一、主要预期目标\n(一)城镇新增就业3000人以上\n责任单位:县人社局\n(二)其他。(县财政局)").tasks[0]
    assert [(t.name, t.value, t.unit, t.bound) for d in task.deliverables for t in d.targets] == [("城镇新增就业", 3000, "人", "min")]
