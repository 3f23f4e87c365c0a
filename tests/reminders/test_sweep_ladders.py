"""The other ladders and the ladder's life: reopened items, returned reports, milestones, edited policies."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.reminders.sweep_support import beijing, file_report, received, simulate
from tracker.reminders import policies
from tracker.reminders.models import Notification, StepCondition, StepTarget
from tracker.tasks import reviews
from tracker.tasks.models import MilestoneStatus, TaskStatus

D = date


@pytest.fixture
def item(make, office, reviewer):
    kjj = make.department("市科技局")
    plan = make.plan("科技创新行动方案")
    september = make.period(plan, "2025-09", starts_on=D(2025, 9, 1), ends_on=D(2025, 9, 30), due_on=D(2025, 9, 25))
    october = make.period(plan, "2025-10", starts_on=D(2025, 10, 1), ends_on=D(2025, 10, 31), due_on=D(2025, 10, 25))
    task = make.task(plan, lead=kjj, number="(三)", title="建设科技成果转化平台")
    return dict(plan=plan, task=task, september=september, october=october, office=office, reviewer=reviewer,
                liaison=make.liaison(kjj, "kjj"), head=make.head(kjj, "kjj_head"))


def test_a_reopened_item_starts_the_ladder_again(db, item):
    task = item["task"]

    def close():
        task.status = TaskStatus.CLOSED  # as an approved completion claim (销号) leaves it

    def reopen():
        reviews.reopen_task(task, "复核发现尚未完成", by=item["office"], expected_version=task.version,
                            now=beijing(D(2025, 10, 29), 8))

    file_report(task, item["september"], item["liaison"], D(2025, 9, 20))
    simulate(db, D(2025, 10, 20), D(2025, 10, 31), {D(2025, 10, 28): close, D(2025, 10, 29): reopen})
    got = sorted((day, who, step) for day, who, _, step in received(db))
    assert got == [
        (D(2025, 10, 22), "kjj", "remind"), (D(2025, 10, 24), "kjj", "due"),
        (D(2025, 10, 27), "kjj", "late-liaison"), (D(2025, 10, 27), "kjj_head", "late-head"),
        # closed on 10-28: nothing; reopened on 10-29: the ladder again, from where the item stands today
        (D(2025, 10, 29), "kjj", "late-liaison"), (D(2025, 10, 29), "kjj_head", "late-head"),
        (D(2025, 10, 29), "office", "late-office"),
        (D(2025, 10, 31), "通报", "late-report"),
    ]
    subjects = set(db.session.scalars(sa.select(Notification.subject_key).where(
        Notification.step_key == "late-liaison")))
    period_id = item["october"].id
    assert subjects == {f"report:{task.id}:{period_id}:0", f"report:{task.id}:{period_id}:1"}


def test_a_returned_report_chases_the_liaison_then_the_head(db, item):
    task, liaison = item["task"], item["liaison"]
    state = {}

    def file():
        state["report"] = file_report(task, item["september"], liaison, D(2025, 9, 24))

    def give_back():
        report = state["report"]
        reviews.return_report(report, "佐证材料不全,请补充。", by=item["reviewer"], expected_version=report.version,
                              now=beijing(D(2025, 10, 10), 8))

    def file_again():
        report = state["report"]
        from tests.reminders.sweep_support import ReportInput, reporting
        reporting.save_report(task, item["september"], ReportInput(progress_status=report.progress_status,
                                                                   narrative="已补充佐证。"),
                              by=liaison, expected_version=report.version, now=beijing(D(2025, 10, 15), 8))
        reporting.submit_report(task, item["september"], by=liaison, expected_version=report.version,
                                now=beijing(D(2025, 10, 15), 8))

    simulate(db, D(2025, 9, 22), D(2025, 10, 17),
             {D(2025, 9, 24): file, D(2025, 10, 10): give_back, D(2025, 10, 15): file_again})
    got = sorted((day, who, step) for day, who, _, step in received(db) if step.startswith("returned"))
    # returned on 10-10 (before that day's pass): +1 working day is 10-11, a Saturday worked (调休); +3 is 10-14.
    assert got == [(D(2025, 10, 11), "kjj", "returned-liaison"), (D(2025, 10, 14), "kjj_head", "returned-head")]
    head_notice = db.session.scalar(sa.select(Notification).where(Notification.step_key == "returned-head"))
    assert head_notice.subject_key == f"returned:{state['report'].id}:1"
    assert "退回3个工作日" in head_notice.title and head_notice.workdays_late == 3
    assert {step for *_, step in received(db)} == {"remind", "returned-liaison", "returned-head"}


def test_milestones_past_due_remind_liaison_then_office(db, item, make):
    task = item["task"]
    open_one = make.milestone(task, text="建成省级以上研发平台3个", due_on=D(2025, 9, 30))
    make.milestone(task, text="完成科技成果转化100项", due_on=D(2025, 9, 30), status=MilestoneStatus.SUBMITTED)
    make.milestone(task, text="组织实施攻关项目10项", due_on=D(2025, 9, 30), status=MilestoneStatus.APPROVED)
    for period in (item["september"], item["october"]):
        file_report(task, period, item["liaison"], D(2025, 9, 20))
    simulate(db, D(2025, 9, 26), D(2025, 10, 20))
    got = sorted((day, who, step) for day, who, _, step in received(db))
    assert got == [(D(2025, 10, 9), "kjj", "milestone-liaison"), (D(2025, 10, 11), "office", "milestone-office")]
    notice = db.session.scalar(sa.select(Notification).where(Notification.step_key == "milestone-office"))
    assert notice.milestone_id == open_one.id and notice.subject_key == f"milestone:{open_one.id}:0"
    assert notice.title == "【督办】(三)建设科技成果转化平台:年度任务逾期3个工作日"
    assert "建成省级以上研发平台3个" in notice.body and notice.escalation_level == 2


def test_a_milestone_due_before_the_plan_was_published_is_not_chased(db, item, make):
    task = item["task"]
    make.milestone(task, text="2018年组织实施100项攻关项目", due_on=D(2025, 9, 30))
    item["plan"].published_at = beijing(D(2025, 10, 8))  # imported a week after that deliverable fell due
    for period in (item["september"], item["october"]):
        file_report(task, period, item["liaison"], D(2025, 10, 8))
    simulate(db, D(2025, 10, 8), D(2025, 10, 20))
    assert [step for _, _, _, step in received(db)] == []


def test_editing_a_policy_leaves_sent_notices_alone(db, item):
    simulate(db, D(2025, 9, 22), D(2025, 9, 26))
    before = {(n.id, n.step_key, n.title, n.body) for n in db.session.scalars(sa.select(Notification))}
    assert {step for _, step, *_ in before} == {"remind", "due", "late-liaison", "late-head"}

    policy = policies.copy_for_plan(item["plan"], by=item["office"])
    rows = [{name: getattr(step, name) for name in policies.STEP_FIELDS} for step in policy.steps]
    for row in rows:
        if row["key"] == "remind":
            row["offset_workdays"] = -5  # already sent: must not fire again under its old key
        if row["key"] == "late-office":
            row["offset_workdays"] = 2
    rows.append({"key": None, "position": 99, "condition": StepCondition.REPORT_NOT_SUBMITTED,
                 "offset_workdays": 2, "target": StepTarget.LIAISON, "escalation_level": 1, "repeat_count": 1,
                 "repeat_interval_workdays": 1})
    policies.save_steps(policy, rows, by=item["office"])
    db.session.commit()

    after = {(n.id, n.step_key, n.title, n.body) for n in db.session.scalars(sa.select(Notification))}
    assert after == before
    simulate(db, D(2025, 9, 28), D(2025, 9, 28))  # +2 working days: the edited office step and the new one
    new = {(who, step[:2]) for day, who, _, step in received(db) if day == D(2025, 9, 28)}
    assert new == {("office", "la"), ("kjj", "s-")}
    assert {(n.id, n.step_key, n.title, n.body) for n in db.session.scalars(
        sa.select(Notification).where(Notification.id.in_([i for i, *_ in before])))} == before


def test_an_item_without_a_lead_department_brings_the_office_a_notice_asking_for_one(db, item, make):
    orphan = make.task(item["plan"], lead=None, number="(四)", title="完善科技金融服务体系")
    make.milestone(orphan, text="设立科技成果转化基金", due_on=D(2025, 9, 30))
    file_report(item["task"], item["september"], item["liaison"], D(2025, 9, 20))
    simulate(db, D(2025, 9, 22), D(2025, 10, 20))

    got = sorted((day, who, step) for day, who, task_id, step in received(db) if task_id == orphan.id)
    # Nobody in a department to remind on the due day or one day late; 3 and 5 working days late (28 Sep
    # and 11 Oct 2025 were adjusted working days) the office and the listing, as for any item.
    assert got == [(D(2025, 9, 29), "office", "late-office"), (D(2025, 10, 9), "通报", "late-report"),
                   (D(2025, 10, 11), "office", "milestone-office")]
    notice = db.session.scalar(sa.select(Notification).where(Notification.task_id == orphan.id,
                                                             Notification.step_key == "late-office"))
    assert notice.title == "【督办】(四)完善科技金融服务体系:2025-09期报送已逾期3个工作日"
    assert "牵头单位:未明确" in notice.body and "请办公室指定牵头单位" in notice.body
    assert notice.department_id is None
