"""/api/v1: the same reads and writes as the pages, the same permissions, versions and 409 on stale writes."""
from __future__ import annotations

import io

import sqlalchemy as sa

from tests.tasks.conftest import PDF
from tracker.auth.models import ApiToken
from tracker.auth.services import revoke_token
from tracker.tasks.models import Contribution, ProgressReport, ReportState


def _report_url(item) -> str:
    return f"/api/v1/tasks/{item.task.id}/reports/{item.period.id}"


def test_requests_without_a_valid_token_are_refused(client, db, item, bearer):
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer trk_nonsense"}).status_code == 401
    headers = bearer(item.liaison)
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    revoke_token(db.session.scalar(sa.select(ApiToken)))
    db.session.commit()
    response = client.get("/api/v1/tasks", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_printed_by_the_cli_works(client, runner, item):
    result = runner.invoke(args=["users", "token", item.liaison.login])
    token = result.output.strip()
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json["total"] == 1


def test_task_list_is_paged_and_narrowed_to_what_the_caller_may_see(client, make, item, bearer):
    for n in range(3):
        make.task(item.plan, lead=item.lead, title=f"科技局任务{n}")
    make.task(item.plan, lead=make.department("市审计局"), title="别人的任务")
    mine = client.get("/api/v1/tasks?per_page=2&page=2", headers=bearer(item.liaison)).json
    assert mine["total"] == 4 and len(mine["items"]) == 2
    titles = [t["title"] for t in client.get("/api/v1/tasks?per_page=50", headers=bearer(item.liaison)).json["items"]]
    assert "别人的任务" not in titles
    everything = client.get("/api/v1/tasks", headers=bearer(item.office)).json
    assert everything["total"] == 5
    first = everything["items"][0]
    assert {"id", "title", "light", "version", "lead_department", "plan"} <= first.keys()


def test_period_filter_adds_the_report_state(client, item, bearer):
    response = client.get("/api/v1/tasks?period=2025-03&report=missing", headers=bearer(item.office)).json
    assert response["total"] == 1 and response["items"][0]["report_state"] is None


def test_an_item_the_caller_may_not_see_is_404_without_its_data(client, item, bearer):
    headers = bearer(item.stranger)
    for url in (f"/api/v1/tasks/{item.task.id}", _report_url(item),
                f"/api/v1/tasks/{item.task.id}/contributions/{item.period.id}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and "培育高新技术企业" not in response.get_data(as_text=True)
    response = client.put(_report_url(item), json={"version": 0, "narrative": "冒名"}, headers=headers)
    assert response.status_code == 404


def test_item_detail(client, make, item, bearer):
    make.milestone(item.task, text="2025年认定100家")
    detail = client.get(f"/api/v1/tasks/{item.task.id}", headers=bearer(item.co_liaison)).json
    assert detail["title"] == "培育高新技术企业" and detail["targets"][0]["value"] == 1200
    assert {d["name"]: d["role"] for d in detail["departments"]} == {"市科技局": "lead", "市财政局": "co"}
    assert detail["milestones"][0]["text"] == "2025年认定100家"
    assert detail["periods_due"]["last"]["label"] == "2025-03" or detail["periods_due"]["next"]["label"] == "2025-03"


def test_save_read_and_submit_a_report(client, db, item, bearer):
    headers = bearer(item.liaison)
    blank = client.get(_report_url(item), headers=headers).json
    assert (blank["id"], blank["version"]) == (None, 0)
    saved = client.put(_report_url(item), headers=headers, json={
        "version": 0, "progress_status": "in_progress", "percent_complete": 84, "narrative": "已认定1010家",
        "target_values": [{"target_id": item.target.id, "value": 1010}]})
    assert saved.status_code == 200, saved.json
    assert (saved.json["version"], saved.json["state"], saved.json["target_values"]) == (
        1, "draft", [{"target_id": item.target.id, "value": 1010}])
    # Fields left out keep their value.
    again = client.put(_report_url(item), headers=headers, json={"version": 1, "narrative": "已认定1012家"}).json
    assert (again["version"], again["percent_complete"], again["narrative"]) == (2, 84, "已认定1012家")
    submitted = client.post(_report_url(item) + "/submit", headers=headers, json={"version": 2})
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"
    assert db.session.scalar(sa.select(ProgressReport.state)) == ReportState.SUBMITTED


def test_stale_version_gets_409_and_the_current_record(client, db, item, bearer):
    headers = bearer(item.liaison)
    client.put(_report_url(item), headers=headers, json={"version": 0, "narrative": "甲"})
    client.put(_report_url(item), headers=headers, json={"version": 1, "narrative": "乙"})
    response = client.put(_report_url(item), headers=headers, json={"version": 1, "narrative": "丙"})
    assert response.status_code == 409
    assert (response.json["current"]["version"], response.json["current"]["narrative"]) == (2, "乙")
    assert client.post(_report_url(item) + "/submit", headers=headers, json={"version": 1}).status_code == 409
    assert db.session.scalar(sa.select(ProgressReport.narrative)) == "乙"


def test_steps_the_workflow_refuses_are_422_with_the_reason(client, item, bearer):
    headers = bearer(item.liaison)
    client.put(_report_url(item), headers=headers, json={"version": 0, "narrative": ""})
    incomplete = client.post(_report_url(item) + "/submit", headers=headers, json={"version": 1})
    assert incomplete.status_code == 422 and "进展状态" in incomplete.json["message"]
    foreign = client.put(_report_url(item), headers=headers,
                         json={"version": 1, "target_values": [{"target_id": item.target.id + 1, "value": 1}]})
    assert foreign.status_code == 422 and "指标不属于此事项" in foreign.json["message"]


def test_who_may_write_is_decided_as_for_the_pages(client, item, bearer):
    for user in (item.co_liaison, item.reviewer, item.office, item.head):
        response = client.put(_report_url(item), headers=bearer(user), json={"version": 0, "narrative": "越权"})
        assert response.status_code == 403, user.login


def test_contribution_is_saved_and_submitted_by_the_co_department(client, db, item, bearer):
    url = f"/api/v1/tasks/{item.task.id}/contributions/{item.period.id}"
    headers = bearer(item.co_liaison)
    saved = client.put(url, headers=headers, json={"version": 0, "narrative": "已拨付资金", "submit": True})
    assert saved.status_code == 200 and (saved.json["state"], saved.json["version"]) == ("submitted", 1)
    stale = client.put(url, headers=headers, json={"version": 0, "narrative": "旧"})
    assert stale.status_code == 409 and stale.json["current"]["narrative"] == "已拨付资金"
    assert client.put(url, headers=bearer(item.liaison), json={"version": 0, "narrative": "x"}).status_code == 403
    assert db.session.scalar(sa.select(Contribution.narrative)) == "已拨付资金"


def test_evidence_upload_and_download_follow_the_item(client, item, bearer):
    headers = bearer(item.liaison)
    client.put(_report_url(item), headers=headers, json={"version": 0, "narrative": "附名单"})
    uploaded = client.post(_report_url(item) + "/evidence", headers=headers,
                           data={"file": (io.BytesIO(PDF), "名单.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 201
    url = uploaded.json["items"][0]["url"]
    for user in (item.liaison, item.co_liaison, item.reviewer):
        with client.get(url, headers=bearer(user)) as response:
            assert response.status_code == 200 and response.data == PDF
    with client.get(url, headers=bearer(item.stranger)) as refused:
        assert refused.status_code == 404 and PDF not in refused.data
    wrong = client.post(_report_url(item) + "/evidence", headers=headers,
                        data={"file": (io.BytesIO(b"MZ"), "x.exe")}, content_type="multipart/form-data")
    assert wrong.status_code == 422 and "不支持的文件类型" in wrong.json["message"]
