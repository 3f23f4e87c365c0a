"""Webhooks to a real HTTP server on loopback: plain JSON, 企业微信 and 钉钉 robots, failures retried."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
import sqlalchemy as sa

from tests.reminders.outbox_support import NOW, HttpSink, make_notification
from tracker.reminders.models import Delivery, DeliveryStatus, StepTarget, WebhookEndpoint, WebhookFormat
from tracker.reminders.outbox import deliver_pending, enqueue_deliveries

SECRET = "SEC0123456789abcdef"


@pytest.fixture
def department(make):
    return make.department("市科技局")


@pytest.fixture
def liaison(make, department):
    return make.liaison(department, "kjj_lly", name="王联络")


@pytest.fixture
def task(make, department):
    return make.task(lead=department, title="培育高新技术企业")


def robot(db, sink, fmt=WebhookFormat.JSON, department=None, secret=None, name="工作群") -> WebhookEndpoint:
    endpoint = WebhookEndpoint(name=name, department_id=getattr(department, "id", None), url=sink.url,
                               format=fmt, secret=secret)
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


def send(db, *notices, now=NOW):
    counts = enqueue_deliveries(list(notices))
    db.session.commit()
    return counts, deliver_pending(now=now)


def only_delivery(db) -> Delivery:
    db.session.expire_all()
    [delivery] = db.session.scalars(sa.select(Delivery)).all()
    return delivery


def test_plain_json_carries_the_idempotency_key_and_the_notice(db, app, department, liaison, task):
    app.config["BASE_URL"] = "https://dcdb.example.gov.cn"
    with HttpSink(answer={}) as sink:
        robot(db, sink, department=department)
        notice = make_notification(db, liaison, task=task)
        counts, sent = send(db, notice)
    assert counts["webhook"] == 1 and sent["sent"] == 1
    [request] = sink.received
    assert request.headers["X-Idempotency-Key"] == f"notification-{notice.id}"
    assert request.headers["Content-Type"].startswith("application/json")
    body = request.json
    assert body["idempotency_key"] == f"notification-{notice.id}"
    assert body["notification"]["id"] == notice.id
    assert body["notification"]["title"] == "“培育高新技术企业”进展未报送"
    assert body["notification"]["url"] == f"https://dcdb.example.gov.cn/tasks/{task.id}"
    assert body["notification"]["due_on"] == "2025-03-25" and body["notification"]["workdays_late"] == 1


def test_wecom_robot_gets_a_markdown_message_with_the_key_in_the_text(db, department, liaison, task):
    with HttpSink() as sink:
        robot(db, sink, WebhookFormat.WECOM, department=department)
        notice = make_notification(db, liaison, task=task)
        send(db, notice)
    body = sink.received[0].json
    assert body["msgtype"] == "markdown" and set(body) == {"msgtype", "markdown"}
    content = body["markdown"]["content"]
    assert content.startswith("**“培育高新技术企业”进展未报送**")
    assert "已逾期1个工作日" in content and f"notification-{notice.id}" in content
    assert only_delivery(db).status == DeliveryStatus.SENT


def test_dingtalk_robot_gets_a_signed_url_that_verifies(db, department, liaison, task):
    with HttpSink() as sink:
        robot(db, sink, WebhookFormat.DINGTALK, department=department, secret=SECRET)
        notice = make_notification(db, liaison, task=task)
        send(db, notice)
    [request] = sink.received
    query = parse_qs(urlsplit(request.path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    # parse_qs already undid the URL-encoding once; the robot compares against the plain base64.
    assert query["sign"][0] == expected
    assert unquote_plus(request.path.split("sign=")[1]) == expected
    body = request.json
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "“培育高新技术企业”进展未报送"
    assert f"notification-{notice.id}" in body["markdown"]["text"]


@pytest.mark.parametrize("fmt", [WebhookFormat.WECOM, WebhookFormat.DINGTALK])
def test_a_robot_errcode_is_a_failure_kept_for_retry(db, department, liaison, task, fmt):
    with HttpSink(answer={"errcode": 310000, "errmsg": "sign not match"}) as sink:
        robot(db, sink, fmt, department=department, secret=SECRET)
        _, outcome = send(db, make_notification(db, liaison, task=task))
    assert outcome == {"sent": 0, "failed": 1, "abandoned": 0}
    delivery = only_delivery(db)
    assert delivery.status == DeliveryStatus.FAILED and "310000" in delivery.last_error
    assert "sign not match" in delivery.last_error


def test_a_non_2xx_answer_is_a_failure_then_sent_with_the_same_key(db, app, department, liaison, task):
    app.config["DELIVERY_RETRY_SECONDS"] = 30
    with HttpSink(status=503, answer={"error": "busy"}) as sink:
        robot(db, sink, department=department)
        notice = make_notification(db, liaison, task=task)
        _, outcome = send(db, notice)
        assert outcome["failed"] == 1
        assert "HTTP 503" in only_delivery(db).last_error
        sink.status = 200
        assert deliver_pending(now=NOW + timedelta(seconds=31))["sent"] == 1
    keys = [request.headers["X-Idempotency-Key"] for request in sink.received]
    assert keys == [f"notification-{notice.id}"] * 2


def test_office_robots_get_the_office_notices_and_department_robots_their_own(db, make, department, liaison, task):
    other = make.department("市财政局")
    office = make.user("office", roles=["office"])
    with HttpSink() as office_sink, HttpSink() as own_sink, HttpSink() as other_sink:
        robot(db, office_sink, name="督办群")
        robot(db, own_sink, department=department)
        robot(db, other_sink, department=other)
        liaison_notice = make_notification(db, liaison, task=task)
        office_notice = make_notification(db, office, task=task, target=StepTarget.OFFICE, department=department,
                                          step_key="late-3", level=2)
        counts, _ = send(db, liaison_notice, office_notice)
    assert counts["webhook"] == 2
    assert [r.json["notification"]["id"] for r in own_sink.received] == [liaison_notice.id]
    assert [r.json["notification"]["id"] for r in office_sink.received] == [office_notice.id]
    assert other_sink.received == []


def test_a_department_robot_hears_once_of_a_step_sent_to_liaison_and_head(db, make, department, liaison, task):
    head = make.head(department, "kjj_head")
    with HttpSink() as sink:
        robot(db, sink, department=department)
        notices = [make_notification(db, user, task=task, step_key="late-1") for user in (liaison, head)]
        counts, _ = send(db, notices[0])
        counts_again, _ = send(db, notices[1])
    assert counts["webhook"] + counts_again["webhook"] == 1
    assert len(sink.received) == 1


def test_an_inactive_robot_gets_nothing(db, department, liaison, task):
    with HttpSink() as sink:
        endpoint = robot(db, sink, department=department)
        endpoint.is_active = False
        db.session.commit()
        counts, _ = send(db, make_notification(db, liaison, task=task))
    assert counts["webhook"] == 0 and sink.received == []
