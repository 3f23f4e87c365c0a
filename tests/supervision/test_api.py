"""批示件 and 督办单 under /api/v1, with the pages' permissions."""
from __future__ import annotations

from tests.api.conftest import bearer  # noqa: F401  (the shared fixture)
from tests.supervision.conftest import register
from tracker.supervision.models import NoticeKind
from tracker.supervision.services import issue_notice
from tracker.tasks.models import Light


def _notice(db, people):
    task = register(db, people).task
    task.light = Light.RED
    db.session.commit()
    notice = issue_notice(task, kind=NoticeKind.NOTICE, lateness="逾期未报送", requirement="请说明原因",
                          reply_due_on=None, issuing_office="联席会议办公室", by=people.office)
    db.session.commit()
    return notice


def test_items_carry_their_source_and_filter_by_it(client, db, people, bearer):
    task = register(db, people).task
    body = client.get("/api/v1/tasks?source=instruction", headers=bearer(people.office)).get_json()
    assert [(i["id"], i["source"]) for i in body["items"]] == [(task.id, "instruction")]
    assert client.get("/api/v1/tasks?source=meeting", headers=bearer(people.office)).get_json()["items"] == []
    assert client.get("/api/v1/tasks?source=other", headers=bearer(people.office)).status_code == 400


def test_instructions_as_the_items_the_caller_may_see(client, db, people, bearer):
    register(db, people)
    items = client.get("/api/v1/instructions", headers=bearer(people.leader)).get_json()["items"]
    assert [(i["leader"], i["task"]["lead_department"]["name"]) for i in items] == [("王明", "市科技局")]
    assert client.get("/api/v1/instructions", headers=bearer(people.stranger)).get_json()["items"] == []


def test_the_ledger_and_the_reply_with_the_pages_permissions(client, db, people, bearer):
    notice = _notice(db, people)
    office = client.get("/api/v1/notices", headers=bearer(people.office)).get_json()["items"]
    assert [n["number"] for n in office] == [notice.number]
    assert client.get("/api/v1/notices", headers=bearer(people.stranger)).get_json()["items"] == []
    assert client.get(f"/api/v1/notices/{notice.id}", headers=bearer(people.stranger)).status_code == 404
    reply = {"version": notice.version, "text": "已整改"}
    assert client.post(f"/api/v1/notices/{notice.id}/reply", json=reply,
                       headers=bearer(people.office)).status_code == 403
    assert client.post(f"/api/v1/notices/{notice.id}/reply", json=reply | {"version": 99},
                       headers=bearer(people.head)).status_code == 409
    answered = client.post(f"/api/v1/notices/{notice.id}/reply", json=reply, headers=bearer(people.head))
    assert answered.status_code == 200 and answered.get_json()["reply_text"] == "已整改"
    again = client.post(f"/api/v1/notices/{notice.id}/reply", json=reply | {"version": answered.get_json()["version"]},
                        headers=bearer(people.head))
    assert again.status_code == 422
    answered_list = client.get("/api/v1/notices?state=answered", headers=bearer(people.liaison)).get_json()["items"]
    assert [n["id"] for n in answered_list] == [notice.id]


def test_the_new_paths_are_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/instructions", "/notices", "/notices/{notice_id}", "/notices/{notice_id}/reply"} <= set(paths)
    source = [p for p in paths["/tasks"]["get"]["parameters"] if p["name"] == "source"]
    assert source[0]["schema"]["enum"] == ["plan", "instruction", "meeting"]
