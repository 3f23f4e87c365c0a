"""Importing a draft, editing it and publishing it, on hand-written parses."""
from datetime import date

import pytest
import sqlalchemy as sa

from tracker.audit.models import AuditEntry
from tracker.plans import services
from tracker.plans.models import Plan, PlanStatus, ReportingCycle
from tracker.tasks import office as office_steps
from tracker.tasks.errors import WorkflowError
from tracker.tasks.models import AssignmentRole, Indicator, Milestone, ReportingPeriod, Target, Task
from tests.plans.conftest import SAMPLE_TEXT


def _draft(db, parse, office, text=SAMPLE_TEXT, **kwargs):
    plan = services.create_draft(text, parse, filename="plan.txt", by=office, **kwargs)
    db.session.commit()
    return plan


def test_draft_keeps_text_digest_and_parse_and_assigns_nothing(db, office, sample_parse):
    plan = _draft(db, sample_parse, office)
    assert plan.status == PlanStatus.DRAFT and plan.source_text == SAMPLE_TEXT
    assert plan.source_sha256 == services.source_digest(SAMPLE_TEXT.replace("\n", "\r\n") + "  \n")
    assert [t["title"] for t in plan.draft["tasks"]] == ["产业创新能力提升行动", "创新平台建设行动", "科技服务能力提升行动"]
    assert (plan.start_year, plan.end_year, plan.issuing_body) == (2023, 2025, "蚌埠市人民政府")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.plan_id == plan.id)) == "plan.imported"


def test_the_same_text_twice_is_refused(db, office, sample_parse):
    first = _draft(db, sample_parse, office)
    with pytest.raises(services.DuplicatePlan) as refused:
        services.create_draft(SAMPLE_TEXT + "\n", sample_parse, by=office, allow_same_title=True)
    assert refused.value.identical and refused.value.existing == first
    assert "已经导入过" in refused.value.message


def test_same_title_and_doc_number_needs_confirmation(db, office, sample_parse):
    sample_parse["doc_number"] = "蚌政〔2023〕12号"
    first = _draft(db, sample_parse, office)
    with pytest.raises(services.DuplicatePlan) as refused:
        services.create_draft(SAMPLE_TEXT + "(修订)", sample_parse, by=office)
    assert not refused.value.identical and refused.value.existing == first
    second = _draft(db, sample_parse, office, text=SAMPLE_TEXT + "(修订)", allow_same_title=True)
    assert second.id != first.id
    sample_parse["doc_number"] = "蚌政〔2024〕1号"
    assert _draft(db, sample_parse, office, text=SAMPLE_TEXT + "(2024)").doc_number == "蚌政〔2024〕1号"


def test_edits_are_stored_and_audited(db, office, sample_parse):
    plan = _draft(db, sample_parse, office)
    services.edit_task(plan, "t3", number="3", title="科技服务能力提升行动", lead="市财政局", co=["市科技局"],
                       deliverables=[{"year": 2024, "text": "引育服务机构20家", "recurring": False, "due_on": None,
                                      "targets": [{"name": "服务机构", "value": 20.0, "unit": "家"}]}], by=office)
    db.session.commit()
    db.session.expire_all()
    task = db.session.get(Plan, plan.id).draft["tasks"][2]
    assert (task["lead"], task["co"], task["deliverables"][0]["year"]) == ("市财政局", ["市科技局"], 2024)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "plan.task_edited"))
    assert entry.after["lead"] == "市财政局" and entry.actor_id == office.id


def test_publish_creates_the_items_in_one_go(db, office, sample_parse, directory):
    plan = _draft(db, sample_parse, office)
    result = services.publish_plan(plan, by=office, now=None)
    db.session.commit()
    tasks = db.session.scalars(sa.select(Task).order_by(Task.position)).all()
    assert [(t.number, t.title, t.position) for t in tasks] == [
        ("1", "产业创新能力提升行动", 1), ("2", "创新平台建设行动", 2), ("3", "科技服务能力提升行动", 3)]
    first = tasks[0]
    assert first.lead_department == directory["science"]
    assert {d.name for d in first.co_departments} == {"市经济和信息化局", "市发展改革委"}
    assert first.section.title == "实施产业创新工程" and first.due_on == date(2025, 12, 31)
    assert [(m.year, m.due_on, m.is_recurring) for m in first.milestones] == [
        (2023, date(2023, 12, 31), False), (2023, date(2023, 12, 31), True),
        (2024, date(2024, 12, 31), True), (2025, date(2025, 12, 31), True)]
    targets = db.session.scalars(sa.select(Target).order_by(Target.year, Target.value)).all()
    assert [(t.name, t.value, t.unit, t.year) for t in targets][:2] == [("关键技术攻关", 10, "项", 2023),
                                                                        ("新增高新技术企业", 100, "家", 2023)]
    indicators = db.session.scalars(sa.select(Indicator).order_by(Indicator.position)).all()
    assert [(i.name, i.baseline, i.target, i.unit, i.target_year) for i in indicators] == [
        ("高新技术企业数", 400, 1000, "家", 2025), ("行动", None, 10, "项", 2025), ("全社会研发投入强度", None, 3, "%", 2025)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportingPeriod)) == 36
    assert plan.status == PlanStatus.PUBLISHED and plan.published_by_id == office.id
    assert [t.number for t in result.unassigned] == ["2", "3"]


def test_a_group_as_lead_leaves_the_lead_to_the_office_and_its_members_co_responsible(db, office, sample_parse,
                                                                                      directory):
    plan = _draft(db, sample_parse, office)
    services.publish_plan(plan, by=office)
    db.session.commit()
    task = db.session.scalar(sa.select(Task).where(Task.number == "2"))
    assert task.lead_department is None
    assert {a.department.name: a.role for a in task.assignments} == {
        **{c.name: AssignmentRole.CO for c in directory["cities"]}, "市财政局": AssignmentRole.CO}


def test_a_group_as_co_fans_out_to_its_members(db, office, sample_parse, directory):
    sample_parse["tasks"][0]["co"] = ["苏南五市", "南京市"]
    plan = _draft(db, sample_parse, office)
    services.publish_plan(plan, by=office)
    task = db.session.scalar(sa.select(Task).where(Task.number == "1"))
    assert sorted(d.name for d in task.co_departments) == sorted(c.name for c in directory["cities"])
    assert len(task.assignments) == 6


def test_publishing_twice_is_refused(db, office, sample_parse, directory):
    plan = _draft(db, sample_parse, office)
    services.publish_plan(plan, by=office)
    db.session.commit()
    with pytest.raises(services.PlanRefused, match="已发布"):
        services.publish_plan(plan, by=office)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 3


def test_unknown_units_block_publishing_until_created_or_linked(db, office, sample_parse, directory):
    sample_parse["tasks"][0]["co"] = ["蚌投集团", "市住建局"]
    plan = _draft(db, sample_parse, office)
    with pytest.raises(services.PlanRefused, match="蚌投集团、市住建局"):
        services.publish_plan(plan, by=office)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0
    services.create_department(plan, "蚌投集团", by=office)
    housing = services.create_department(plan, "市住房和城乡建设局", by=office)
    assert housing.level == "city"
    services.publish_plan(plan, by=office)
    task = db.session.scalar(sa.select(Task).where(Task.number == "1"))
    assert {d.name for d in task.co_departments} == {"蚌投集团", "市住房和城乡建设局"}


def test_linking_a_name_makes_it_an_alias(db, office, sample_parse, directory):
    sample_parse["tasks"][1]["lead"] = "市科委"
    plan = _draft(db, sample_parse, office)
    services.link_department(plan, "市科委", directory["science"], by=office)
    db.session.commit()
    assert "市科委" in [a.alias for a in directory["science"].aliases]
    assert services.match_departments(plan)["市科委"].department == directory["science"]


def test_excluded_tasks_are_not_published_and_nothing_left_is_refused(db, office, sample_parse, directory):
    plan = _draft(db, sample_parse, office)
    for key in ("t1", "t2", "t3"):
        services.exclude_task(plan, key, True, by=office)
    with pytest.raises(services.PlanRefused, match="没有任务"):
        services.publish_plan(plan, by=office)
    services.exclude_task(plan, "t2", False, by=office)
    assert [t.number for t in services.publish_plan(plan, by=office).tasks] == ["2"]


def test_an_indicator_keeps_its_printed_text_and_unit(db, office, sample_parse, directory):
    sample_parse["indicators"] = [{"name": "技术合同交易额", "unit": "元", "baseline": 57213000000, "target": 1.2e11,
                                   "year": 2025, "baseline_text": "572.13", "target_text": "1200左右",
                                   "unit_text": "亿元", "baseline_year": 2020, "category": "创新服务"}]
    services.publish_plan(_draft(db, sample_parse, office), by=office)
    indicator = db.session.scalar(sa.select(Indicator).where(Indicator.name == "技术合同交易额"))
    assert (indicator.baseline, indicator.baseline_text, indicator.baseline_year) == (57213000000, "572.13亿元", 2020)
    assert (indicator.target, indicator.target_text, indicator.unit) == (1.2e11, "1200左右亿元", "元")


def test_a_misread_plan_target_can_be_left_out(db, office, sample_parse, directory):
    plan = _draft(db, sample_parse, office)
    services.exclude_measure(plan, "targets", 0, True, by=office)
    services.publish_plan(plan, by=office)
    assert db.session.scalars(sa.select(Indicator.name).order_by(Indicator.position)).all() == [
        "高新技术企业数", "全社会研发投入强度"]


def test_settings_change_the_periods_of_a_published_plan(db, office, sample_parse, directory):
    plan = _draft(db, sample_parse, office)
    services.publish_plan(plan, by=office)
    services.update_settings(plan, title=plan.title, doc_number=None, issuing_body=None, start_year=2024,
                             end_year=2025, reporting_cycle=ReportingCycle.QUARTERLY, reporting_due_day=20,
                             reporting_dates=[], by=office)
    db.session.commit()
    periods = db.session.scalars(sa.select(ReportingPeriod).order_by(ReportingPeriod.starts_on)).all()
    assert [p.label for p in periods][:2] == ["2024-Q1", "2024-Q2"] and len(periods) == 8
    assert periods[0].due_on == date(2024, 3, 20)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "plan.settings_changed"))
    assert entry.after["reporting_cycle"] == "quarterly" and entry.before["start_year"] == 2023


def test_office_assigns_a_lead_to_an_unassigned_task(db, office, sample_parse, directory):
    plan = _draft(db, sample_parse, office)
    task = services.publish_plan(plan, by=office).unassigned[0]
    office_steps.assign_lead(task, directory["cities"][0], by=office, expected_version=task.version)
    db.session.commit()
    assert task.lead_department.name == "南京市"
    roles = {a.department.name: a.role for a in task.assignments}
    assert roles["南京市"] == AssignmentRole.LEAD and roles["无锡市"] == AssignmentRole.CO
    with pytest.raises(WorkflowError, match="单位组不能作为牵头单位"):
        office_steps.assign_lead(task, directory["group"], by=office, expected_version=task.version)


def test_milestones_follow_a_date_the_office_set(db, office, sample_parse, directory):
    sample_parse["tasks"][0]["deliverables"][0]["due_on"] = "2023-06-30"
    plan = _draft(db, sample_parse, office)
    services.publish_plan(plan, by=office)
    assert db.session.scalar(sa.select(Milestone.due_on).where(Milestone.is_recurring.is_(False))) == date(2023, 6, 30)
