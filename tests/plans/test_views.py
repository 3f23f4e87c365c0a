"""The plan pages: review, edit, publish, settings; only the office may use them."""
import pytest
import sqlalchemy as sa

from tracker.departments.models import Department
from tracker.plans import services
from tracker.plans.models import Plan, PlanStatus
from tracker.tasks.models import ReportingPeriod, Task
from tests.plans.conftest import SAMPLE_TEXT
from tracker.text import amount


@pytest.fixture
def draft(db, office, sample_parse):
    plan = services.create_draft(SAMPLE_TEXT, sample_parse, filename="plan.txt", by=office)
    db.session.commit()
    return plan


def _version(db, plan) -> str:
    db.session.expire_all()
    return str(db.session.get(Plan, plan.id).version)


def test_review_shows_the_tree_units_and_warnings(office_client, draft, directory):
    page = office_client.get(f"/plans/{draft.id}/review").get_data(as_text=True)
    assert "实施产业创新工程" in page and "产业创新能力提升行动" in page
    assert "市经信局" in page and "市经济和信息化局" in page  # printed name → directory name
    assert "是单位组" in page  # 苏南五市 as lead
    assert "任务未写明责任单位" in page
    assert "文本在句中结束" in page
    assert "关键技术攻关 10项" in page


def test_unknown_unit_is_offered_for_creation(office_client, db, draft, directory):
    draft.draft = {**draft.draft, "tasks": [dict(draft.draft["tasks"][0], co=["蚌投集团"]), *draft.draft["tasks"][1:]]}
    db.session.commit()
    page = office_client.get(f"/plans/{draft.id}/review").get_data(as_text=True)
    assert "未匹配的单位" in page and "蚌投集团" in page
    response = office_client.post_form(f"/plans/{draft.id}/departments",
                                       {"name": "蚌投集团", "action": "create", "department_id": 0,
                                        "version": _version(db, draft)})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Department).where(Department.name == "蚌投集团")) is not None
    assert "未匹配的单位" not in office_client.get(f"/plans/{draft.id}/review").get_data(as_text=True)


def test_a_name_another_department_holds_is_refused_with_a_message(office_client, db, make, draft, directory):
    make.department("市档案局", is_active=False)
    draft.draft = {**draft.draft, "tasks": [dict(draft.draft["tasks"][0], co=["市档案局"]), *draft.draft["tasks"][1:]]}
    db.session.commit()
    response = office_client.post_form(f"/plans/{draft.id}/departments",
                                       {"name": "市档案局", "action": "create", "department_id": 0,
                                        "version": _version(db, draft)}, follow_redirects=True)
    assert "已被其他单位使用" in response.get_data(as_text=True)


def test_split_without_a_sentence_chosen_gets_a_message(office_client, db, draft):
    response = office_client.post_form(f"/plans/{draft.id}/tasks/t1/split", {"version": _version(db, draft)},
                                       follow_redirects=True)
    assert "请先选择再提交" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Plan, draft.id).draft["tasks"]) == 3


def test_office_edits_a_task_then_publishes_it_under_its_new_lead(office_client, db, draft, directory):
    response = office_client.post_form(f"/plans/{draft.id}/tasks/t2", {
        "version": _version(db, draft), "number": "2", "title": "创新平台建设行动", "lead": "财政局",
        "co": "苏南五市", "deliverables-0-year": "2024", "deliverables-0-text": "新建研发机构5家",
        "deliverables-0-targets-0-name": "新建研发机构", "deliverables-0-targets-0-value": "5",
        "deliverables-0-targets-0-unit": "家",
    })
    assert response.status_code == 302 and response.location.endswith("#task-t2")
    response = office_client.post_form(f"/plans/{draft.id}/publish", {"version": _version(db, draft)})
    assert response.status_code == 302
    task = db.session.scalar(sa.select(Task).where(Task.number == "2"))
    assert task.lead_department == directory["finance"]
    assert [(m.year, m.text) for m in task.milestones] == [(2024, "新建研发机构5家")]
    assert [(t.name, t.value) for t in task.targets] == [("新建研发机构", 5)]
    assert db.session.get(Plan, draft.id).draft["tasks"][1]["deliverables"][0]["targets"][0]["value"] == 5
    page = office_client.get(response.location).get_data(as_text=True)
    section = page.split('data-testid="lead-市财政局"')[1].split("</section>")[0]
    assert "创新平台建设行动" in section
    assert "待指定牵头单位" in page and "科技服务能力提升行动" in page
    # The item's own page, whose history starts with the publication and its co-departments.
    item_page = office_client.get(f"/tasks/{task.id}")
    assert item_page.status_code == 200
    history = item_page.get_data(as_text=True).split('data-testid="history"')[1]
    assert "随方案发布" in history and "配合单位" in history
    assert all(city in history for city in ("南京市", "无锡市", "常州市", "苏州市", "镇江市"))


def test_a_page_older_than_the_draft_is_refused(office_client, db, draft):
    stale = _version(db, draft)
    office_client.post_form(f"/plans/{draft.id}/tasks/t1/exclude", {"version": stale})
    response = office_client.post_form(f"/plans/{draft.id}/tasks/t2/exclude", {"version": stale},
                                       follow_redirects=True)
    assert "已被他人修改" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [t["excluded"] for t in db.session.get(Plan, draft.id).draft["tasks"]] == [True, False, False]


def test_plan_target_button_leaves_it_out(office_client, db, draft):
    page = office_client.get(f"/plans/{draft.id}/review").get_data(as_text=True)
    assert "方案指标与目标" in page and "全社会研发投入强度" in page
    response = office_client.post_form(f"/plans/{draft.id}/targets/0/exclude", {"version": _version(db, draft)})
    assert response.location.endswith("#measures")
    db.session.expire_all()
    assert db.session.get(Plan, draft.id).draft["targets"][0]["excluded"] is True
    office_client.post_form(f"/plans/{draft.id}/targets/0/include", {"version": _version(db, draft)})
    db.session.expire_all()
    assert db.session.get(Plan, draft.id).draft["targets"][0]["excluded"] is False
    assert office_client.post_form(f"/plans/{draft.id}/targets/9/exclude",
                                   {"version": _version(db, draft)}, follow_redirects=True).status_code == 200


def test_merge_and_split_buttons(office_client, db, draft):
    office_client.post_form(f"/plans/{draft.id}/tasks/t3/merge", {"version": _version(db, draft)})
    office_client.post_form(f"/plans/{draft.id}/tasks/t1/split", {"version": _version(db, draft), "at_sentence": "2"})
    db.session.expire_all()
    tasks = db.session.get(Plan, draft.id).draft["tasks"]
    assert [t["key"] for t in tasks] == ["t1", "t4", "t2"]
    assert tasks[1]["text"] == "2023年组织实施10项关键技术攻关。"
    assert tasks[2]["text"].endswith("完善常态化服务企业工作机制。")


def test_publishing_twice_through_the_page_is_refused(office_client, db, draft, directory):
    version = _version(db, draft)
    office_client.post_form(f"/plans/{draft.id}/publish", {"version": version})
    response = office_client.post_form(f"/plans/{draft.id}/publish", {"version": _version(db, draft)},
                                       follow_redirects=True)
    assert "已发布" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 3


def test_settings_page_sets_the_reporting_cycle(office_client, db, draft, directory):
    response = office_client.post_form(f"/plans/{draft.id}/settings", {
        "title": draft.title, "start_year": "2024", "end_year": "2025", "reporting_cycle": "dates",
        "reporting_due_day": "25", "reporting_dates": "2024-06-30\n2024-12-20"})
    assert response.status_code == 302
    page = office_client.get(f"/plans/{draft.id}/settings").get_data(as_text=True)
    assert "2024-06-30" in page and "2024-12-20" in page
    office_client.post_form(f"/plans/{draft.id}/publish", {"version": _version(db, draft)})
    assert db.session.scalars(sa.select(ReportingPeriod.label).order_by(ReportingPeriod.due_on)).all() == [
        "2024-06-30", "2024-12-20"]


def test_bad_dates_in_settings_get_a_message(office_client, draft):
    response = office_client.post_form(f"/plans/{draft.id}/settings", {
        "title": draft.title, "reporting_cycle": "dates", "reporting_due_day": "25", "reporting_dates": "6月30日"})
    assert "日期格式应为" in response.get_data(as_text=True)


def test_office_assigns_the_lead_of_an_unassigned_task(office_client, db, draft, directory):
    office_client.post_form(f"/plans/{draft.id}/publish", {"version": _version(db, draft)})
    task = db.session.scalar(sa.select(Task).where(Task.number == "3"))
    office_client.post_form(f"/plans/{draft.id}/tasks/{task.id}/lead", {"department_id": directory["science"].id,
                                                                       "version": task.version})
    db.session.expire_all()
    assert db.session.get(Task, task.id).lead_department == directory["science"]


def test_discarding_a_draft_lets_the_same_text_be_imported_again(office_client, db, draft, sample_parse, office):
    office_client.post_form(f"/plans/{draft.id}/discard", {"version": _version(db, draft)})
    db.session.expunge(draft)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0
    assert services.create_draft(SAMPLE_TEXT, sample_parse, by=office).status == PlanStatus.DRAFT


@pytest.mark.parametrize("role", ["liaison", "head", "reviewer", "leader"])
def test_only_the_office_and_admins_manage_plans(make, login_as, db, draft, directory, role):
    client = login_as(make.user(roles=[role], department=directory["science"]))
    assert client.get("/plans/").status_code == 403
    assert client.get(f"/plans/{draft.id}/review").status_code == 403
    assert client.post_form(f"/plans/{draft.id}/publish", {"version": _version(db, draft)}).status_code == 403
    assert db.session.get(Plan, draft.id).status == PlanStatus.DRAFT


def test_admin_may_manage_plans(admin_client, draft):
    assert admin_client.get(f"/plans/{draft.id}/review").status_code == 200
    assert draft.title in admin_client.get("/plans/").get_data(as_text=True)


def test_large_amounts_read_as_chinese_documents_write_them(db, office, office_client, sample_parse):
    assert (amount(3e10, "元"), amount(5e6, "元"), amount(1200, "家")) == ("300亿元", "500万元", "1,200家")
    sample_parse["tasks"][0]["deliverables"][0]["targets"] = [{"name": "研发投入", "value": 3e10, "unit": "元"}]
    plan = services.create_draft(SAMPLE_TEXT, sample_parse, filename="plan.txt", by=office)
    db.session.commit()
    page = office_client.get(f"/plans/{plan.id}/review").get_data(as_text=True)
    assert "研发投入 300亿元" in page and "30000000000" not in page
