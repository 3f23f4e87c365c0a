"""The channel pages: my preferences, the office's webhooks (with test message) and delivery log (with retry)."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.reminders.outbox_support import NOW, HttpSink, SmtpSink, make_notification
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.bench.mailsink import free_port
from tracker.reminders.models import Delivery, DeliveryStatus, WebhookEndpoint, WebhookFormat
from tracker.reminders.outbox import deliver_pending, enqueue_deliveries

SECRET = "SECabcdef0123456789secret"


@pytest.fixture
def department(make):
    return make.department("市科技局")


@pytest.fixture
def liaison(make, department):
    return make.liaison(department, "kjj_lly", name="王联络", email="wang@kjj.example.gov.cn")


def audit_entries(db, action: str) -> list[AuditEntry]:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_user_turns_email_off_and_sets_a_minimum_level(db, login_as, liaison, make, department):
    other = make.liaison(department, "other", email="other@example.gov.cn")
    client = login_as(liaison)
    page = client.get("/inbox/preferences").get_data(as_text=True)
    assert "站内消息始终开启" in page
    response = client.post_form("/inbox/preferences", {"email_min_level": "2"}, follow_redirects=True)
    assert "已保存通知设置" in response.get_data(as_text=True)

    db.session.expire_all()
    assert db.session.get(User, liaison.id).channel_preferences == {"email": False, "email_min_level": 2}
    assert db.session.get(User, other.id).channel_preferences == {"email": True}
    [entry] = audit_entries(db, "user.channel_preferences")
    assert entry.object_id == liaison.id and entry.after == {"email": False, "email_min_level": 2}
    counts = enqueue_deliveries([make_notification(db, db.session.get(User, liaison.id), level=3, commit=False)])
    assert counts["email"] == 0


def test_preferences_need_the_csrf_token(db, login_as, liaison):
    response = login_as(liaison).post("/inbox/preferences", data={"email_min_level": "2"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, liaison.id).channel_preferences == {"email": True}


@pytest.mark.parametrize("url", ["/inbox/webhooks", "/inbox/webhooks/new", "/inbox/deliveries"])
def test_a_liaison_may_not_see_the_office_pages(login_as, liaison, url):
    assert login_as(liaison).get(url).status_code == 403


def test_a_liaison_may_not_add_test_or_retry(db, login_as, liaison, department):
    endpoint = WebhookEndpoint(name="群", department_id=department.id, url="http://127.0.0.1:9/hook")
    db.session.add(endpoint)
    db.session.commit()
    client = login_as(liaison)
    response = client.post_form("/inbox/webhooks/new", {"name": "偷偷加的", "department_id": "0",
                                                         "url": "http://127.0.0.1:9/x", "format": "json"})
    assert response.status_code == 403
    assert client.post_form(f"/inbox/webhooks/{endpoint.id}/test").status_code == 403
    enqueue_deliveries([make_notification(db, liaison, commit=False)])
    db.session.commit()
    delivery_id = db.session.scalar(sa.select(Delivery.id))
    assert client.post_form(f"/inbox/deliveries/{delivery_id}/retry").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 1


def test_the_office_adds_a_dingtalk_robot_whose_secret_is_never_shown_back(db, office_client, department):
    with HttpSink() as sink:
        response = office_client.post_form("/inbox/webhooks/new", {
            "name": "科技局钉钉群", "department_id": str(department.id), "url": sink.url,
            "format": "dingtalk", "secret": SECRET, "is_active": "y",
        }, follow_redirects=True)
        listing = response.get_data(as_text=True)
        assert "科技局钉钉群" in listing and "钉钉群机器人" in listing
        endpoint = db.session.scalar(sa.select(WebhookEndpoint))
        form_page = office_client.get(f"/inbox/webhooks/{endpoint.id}").get_data(as_text=True)
        for page in (listing, form_page):
            assert SECRET not in page and SECRET[:10] not in page
            assert "SEC…et" in page

        tested = office_client.post_form(f"/inbox/webhooks/{endpoint.id}/test", follow_redirects=True)
        assert "测试消息已发送到“科技局钉钉群”" in tested.get_data(as_text=True)
    [request] = sink.received
    assert "sign=" in request.path and "timestamp=" in request.path
    assert request.json["markdown"]["title"] == "测试消息"
    assert endpoint.secret == SECRET
    [entry] = audit_entries(db, "webhook.save")
    assert SECRET not in json.dumps(entry.after, ensure_ascii=False)
    assert entry.after["url"] == sink.url and entry.after["format"] == "dingtalk"


def test_an_edit_without_a_new_secret_keeps_the_old_one(db, office_client, department):
    endpoint = WebhookEndpoint(name="钉钉群", department_id=department.id, url="https://oapi.dingtalk.com/robot/send",
                               format=WebhookFormat.DINGTALK, secret=SECRET)
    db.session.add(endpoint)
    db.session.commit()
    response = office_client.post_form(f"/inbox/webhooks/{endpoint.id}", {
        "name": "钉钉督办群", "department_id": "0", "url": endpoint.url, "format": "dingtalk", "is_active": "y",
        "version": "1",
    })
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(WebhookEndpoint, endpoint.id)
    assert (saved.name, saved.department_id, saved.secret) == ("钉钉督办群", None, SECRET)


def test_a_failing_test_message_says_so_without_the_robots_answer(db, office_client, department):
    with HttpSink(answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as sink:
        endpoint = WebhookEndpoint(name="企业微信群", department_id=department.id, url=sink.url,
                                   format=WebhookFormat.WECOM)
        db.session.add(endpoint)
        db.session.commit()
        page = office_client.post_form(f"/inbox/webhooks/{endpoint.id}/test",
                                       follow_redirects=True).get_data(as_text=True)
    # The answer goes to the server's log: shown on the page, it would tell what listens where.
    assert "测试消息发送失败" in page and "93000" not in page and "invalid webhook url" not in page


def test_the_office_sees_a_failed_email_and_retries_it_once_the_server_is_back(db, app, office_client, liaison):
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    notice = make_notification(db, liaison)
    enqueue_deliveries([notice])
    db.session.commit()
    assert deliver_pending(now=NOW)["failed"] == 1

    log = office_client.get("/inbox/deliveries").get_data(as_text=True)
    assert "“科技创新任务”进展未报送" in log
    assert "wang@kjj.example.gov.cn" in log and f"127.0.0.1:{port}" in log and "失败,将重试" in log

    with SmtpSink(port=port) as smtp:
        response = office_client.post_form(f"/inbox/deliveries/{db.session.scalar(sa.select(Delivery.id))}/retry",
                                           follow_redirects=True)
    assert "已重新发送" in response.get_data(as_text=True)
    assert [e.rcpt_tos for e in smtp.envelopes] == [["wang@kjj.example.gov.cn"]]
    db.session.expire_all()
    delivery = db.session.scalar(sa.select(Delivery))
    assert delivery.status == DeliveryStatus.SENT
    assert audit_entries(db, "delivery.retry")
    sent_log = office_client.get("/inbox/deliveries?show=sent").get_data(as_text=True)
    assert 'data-status="sent"' in sent_log


def test_an_abandoned_delivery_stays_visible_to_the_office(db, app, office_client, liaison):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), DELIVERY_MAX_ATTEMPTS=1)
    enqueue_deliveries([make_notification(db, liaison)])
    db.session.commit()
    assert deliver_pending(now=NOW)["abandoned"] == 1
    log = office_client.get("/inbox/deliveries").get_data(as_text=True)
    assert 'data-status="abandoned"' in log and "已停止重试" in log and "立即重试" in log
