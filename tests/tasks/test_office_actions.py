"""督办 where the office looks: on the item page it names a lead where none is set, changes the lead, extends
the deadline with a reason and 催办s the lead's liaisons; every step is in the item's history; nobody else
gets the panel; the review queue opens to the office (to chase, not to decide)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tracker.audit.models import AuditEntry
from tracker.reminders.models import Channel, Delivery, Notification
from tracker.tasks.models import AssignmentRole, Task, TaskStatus


def _text(response) -> str:
    return response.get_data(as_text=True)


def _task(db, task_id: int) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task_id)


def _actions(db, task_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.task_id == task_id)
                                   .order_by(AuditEntry.id)))


def test_the_office_names_a_lead_where_the_item_asks_for_one(db, make, office, login_as):
    science = make.department("市科技局")
    task = make.task(make.plan(), lead=None, title="建设创新平台")
    client = login_as(office)
    page = _text(client.get(f"/tasks/{task.id}"))
    assert 'data-testid="office-actions"' in page and "指定牵头单位" in page
    response = client.post_form(f"/tasks/{task.id}/lead", {"department_id": science.id, "version": task.version})
    assert response.status_code == 302 and response.location.endswith("#office-actions")
    task = _task(db, task.id)
    assert task.lead_department.name == "市科技局"
    assert [(a.department.name, a.role) for a in task.assignments] == [("市科技局", AssignmentRole.LEAD)]
    assert "task.lead_assigned" in _actions(db, task.id)
    assert task.light_reason != "未明确牵头单位,请办公室指定"
    page = _text(client.get(f"/tasks/{task.id}"))
    assert "牵头单位已改为“市科技局”" in page and "更换牵头单位" in page


def test_the_office_changes_the_lead_and_the_former_lead_stays_co_responsible(db, item, login_as):
    client = login_as(item.office)
    version = item.task.version
    client.post_form(f"/tasks/{item.task.id}/lead", {"department_id": item.co.id, "version": version})
    task = _task(db, item.task.id)
    roles = {a.department.name: a.role for a in task.assignments}
    assert task.lead_department.name == "市财政局"
    assert roles == {"市财政局": AssignmentRole.LEAD, "市科技局": AssignmentRole.CO}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "task.lead_changed"))
    assert (entry.before, entry.after) == ({"lead": "市科技局"}, {"lead": "市财政局"})
    # A second office user's form, read before the change, is refused rather than undoing it.
    stale = client.post_form(f"/tasks/{task.id}/lead", {"department_id": item.lead.id, "version": version},
                             follow_redirects=True)
    assert "该记录已被他人修改" in _text(stale)
    assert _task(db, task.id).lead_department.name == "市财政局"
    # The new lead's liaison now reports; the old one contributes.
    assert "更换牵头单位" in _text(client.get(f"/tasks/{task.id}"))


def test_a_deadline_is_extended_only_later_and_with_a_reason_kept_in_the_history(db, make, item, login_as):
    item.task.due_on = date(2025, 6, 30)
    db.session.commit()
    client = login_as(item.office)
    url = f"/tasks/{item.task.id}/deadline"
    no_reason = client.post_form(url, {"due_on": "2025-09-30", "reason": "", "version": item.task.version},
                                 follow_redirects=True)
    assert "请填写延期的理由" in _text(no_reason)
    earlier = client.post_form(url, {"due_on": "2025-05-31", "reason": "提前", "version": item.task.version},
                               follow_redirects=True)
    assert "新的期限须晚于现在的期限" in _text(earlier)
    assert _task(db, item.task.id).due_on == date(2025, 6, 30)
    done = client.post_form(url, {"due_on": "2025-09-30", "reason": "省级批复推迟,经联席会议同意",
                                  "version": item.task.version}, follow_redirects=True)
    assert "期限已延至" in _text(done)
    assert _task(db, item.task.id).due_on == date(2025, 9, 30)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "task.deadline_extended"))
    assert entry.before == {"due_on": "2025-06-30"}
    assert entry.after == {"due_on": "2025-09-30", "reason": "省级批复推迟,经联席会议同意"}
    page = _text(client.get(f"/tasks/{item.task.id}"))
    assert "省级批复推迟,经联席会议同意" in page and "延期" in page


def test_urging_reaches_the_lead_liaisons_on_their_channels_and_is_audited(db, make, item, login_as):
    item.liaison.email, item.liaison.channel_preferences = "kjj@example.gov.cn", {"email": True}
    db.session.commit()
    client = login_as(item.office)
    page = client.post_form(f"/inbox/urge/{item.task.id}", {"message": "请于周五前报送"}, follow_redirects=True)
    assert "已向“市科技局”的 1 位联络员发出催办" in _text(page)
    notice = db.session.scalar(sa.select(Notification).where(Notification.subject_key == f"urge:{item.task.id}"))
    assert notice.recipient_id == item.liaison.id and notice.title.startswith("【催办】")
    assert "请于周五前报送" in notice.body
    assert db.session.scalar(sa.select(Delivery.address).where(Delivery.notification_id == notice.id,
                                                               Delivery.channel == Channel.EMAIL)) == "kjj@example.gov.cn"
    assert "task.urged" in _actions(db, item.task.id)
    # A second 催办 is a second notice, not swallowed by the first one's key.
    client.post_form(f"/inbox/urge/{item.task.id}", {"message": ""})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.recipient_id == item.liaison.id)) == 2
    inbox = _text(login_as(item.liaison).get("/inbox/"))
    assert "【催办】" in inbox and "请于周五前报送" in inbox


def test_an_item_without_a_lead_cannot_be_urged_until_one_is_named(db, make, office, login_as):
    task = make.task(make.plan(), lead=None)
    client = login_as(office)
    page = _text(client.post_form(f"/inbox/urge/{task.id}", {"message": ""}, follow_redirects=True))
    assert "该事项未明确牵头单位,无人可催办,请先指定牵头单位" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_only_the_office_directs_an_item(db, item, login_as):
    for user in (item.liaison, item.head, item.reviewer):
        client = login_as(user)
        assert 'data-testid="office-actions"' not in _text(client.get(f"/tasks/{item.task.id}"))
        assert client.post_form(f"/tasks/{item.task.id}/lead", {"department_id": item.co.id,
                                                                 "version": item.task.version}).status_code == 403
        assert client.post_form(f"/tasks/{item.task.id}/deadline", {"due_on": "2030-01-01", "reason": "x",
                                                                     "version": item.task.version}).status_code == 403
        assert client.post_form(f"/inbox/urge/{item.task.id}", {"message": ""}).status_code == 403
    # Another department's liaison is not told the item exists.
    assert login_as(item.stranger).post_form(f"/inbox/urge/{item.task.id}", {"message": ""}).status_code == 404
    assert _task(db, item.task.id).lead_department.name == "市科技局"


def test_the_review_queue_opens_to_the_office_to_chase_not_to_decide(db, item, login_as):
    client = login_as(item.office)
    page = client.get("/tasks/review")
    assert page.status_code == 200
    text = _text(page)
    assert 'data-testid="queue-read-only"' in text and "审核通过所选</button>" not in text
    assert 'href="/tasks/review"' in text  # the menu's 待审核
    assert client.post_form("/tasks/review/approve", {"report": "1:1"}).status_code == 403


def test_a_closed_item_is_reopened_before_it_is_directed(db, item, login_as):
    item.task.status = TaskStatus.CLOSED
    db.session.commit()
    client = login_as(item.office)
    assert 'data-testid="office-actions"' not in _text(client.get(f"/tasks/{item.task.id}"))
    assert client.post_form(f"/tasks/{item.task.id}/deadline", {"due_on": "2030-01-01", "reason": "x",
                                                                 "version": item.task.version}).status_code == 403
