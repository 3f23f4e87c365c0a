"""The outbox: deliveries created with the notice, sent over real SMTP on loopback, retried, never lost."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.reminders.outbox_support import NOW, HttpSink, SmtpSink, make_notification
from tracker.bench.mailsink import free_port
from tracker.reminders.models import Channel, Delivery, DeliveryStatus, StepTarget, WebhookEndpoint, WebhookFormat
from tracker.reminders.outbox import deliver_pending, enqueue_deliveries


@pytest.fixture
def smtp(app):
    with SmtpSink() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, BASE_URL="https://dcdb.example.gov.cn")
        yield sink


@pytest.fixture
def department(make):
    return make.department("市科技局")


@pytest.fixture
def liaison(make, department):
    return make.liaison(department, "kjj_lly", name="王联络", email="wang@kjj.example.gov.cn")


@pytest.fixture
def task(make, department):
    return make.task(lead=department, title="培育高新技术企业")


def enqueue(db, *notices, **kwargs):
    counts = enqueue_deliveries(list(notices), **kwargs)
    db.session.commit()
    return counts


def deliveries(db) -> list[Delivery]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Delivery).order_by(Delivery.id)).all()


def test_email_goes_end_to_end_with_chinese_subject_body_and_message_id(db, smtp, liaison, task):
    notice = make_notification(db, liaison, task=task)
    assert enqueue(db, notice) == {"inbox": 1, "email": 1, "webhook": 0}

    assert deliver_pending(now=NOW) == {"sent": 1, "failed": 0, "abandoned": 0}

    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["wang@kjj.example.gov.cn"]
    [message] = smtp.messages
    assert message["Subject"] == "【督查督办】“培育高新技术企业”进展未报送"
    assert str(message["From"]) == "督查督办系统 <tracker@localhost>"
    assert "王联络" in str(message["To"]) and "wang@kjj.example.gov.cn" in str(message["To"])
    [delivery] = deliveries(db)
    assert message["Message-ID"] == f"<notification-{notice.id}.delivery-{delivery.id}@tracker.dcdb.example.gov.cn>"
    assert message["X-Idempotency-Key"] == f"notification-{notice.id}"
    text = message.get_body(("plain",)).get_content()
    assert "王联络,您好" in text and "已逾期1个工作日" in text
    assert f"https://dcdb.example.gov.cn/tasks/{task.id}" in text
    assert f'href="https://dcdb.example.gov.cn/tasks/{task.id}"' in message.get_body(("html",)).get_content()
    assert delivery.status == DeliveryStatus.SENT and delivery.delivered_at is not None and delivery.attempts == 1


def test_enqueueing_twice_creates_each_delivery_once(db, smtp, liaison, task):
    notice = make_notification(db, liaison, task=task)
    assert enqueue(db, notice)["email"] == 1
    assert enqueue(db, notice)["email"] == 0
    assert len(deliveries(db)) == 1


@pytest.mark.parametrize(
    ("preferences", "level", "expect_email"),
    [
        ({"email": True}, 0, True),
        ({"email": False}, 3, False),
        ({"email": True, "email_min_level": 2}, 1, False),
        ({"email": True, "email_min_level": 2}, 2, True),
        ({}, 0, True),
    ],
)
def test_email_follows_the_recipients_preferences(db, smtp, liaison, task, preferences, level, expect_email):
    liaison.channel_preferences = preferences
    db.session.commit()
    counts = enqueue(db, make_notification(db, liaison, task=task, level=level))
    deliver_pending(now=NOW)
    assert counts["inbox"] == 1
    assert counts["email"] == int(expect_email)
    assert len(smtp.envelopes) == int(expect_email)


def test_a_user_without_an_address_gets_only_the_inbox(db, make, department, task):
    user = make.liaison(department, "no_mail")
    assert enqueue(db, make_notification(db, user, task=task)) == {"inbox": 1, "email": 0, "webhook": 0}
    assert deliveries(db) == []


def test_smtp_down_fails_then_is_retried_and_sent_when_the_server_is_back(db, app, liaison, task):
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, DELIVERY_RETRY_SECONDS=60)
    notice = make_notification(db, liaison, task=task)
    enqueue(db, notice)

    assert deliver_pending(now=NOW) == {"sent": 0, "failed": 1, "abandoned": 0}
    [delivery] = deliveries(db)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert f"127.0.0.1:{port}" in delivery.last_error
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60)

    with SmtpSink(port=port) as sink:
        assert deliver_pending(now=NOW + timedelta(seconds=30)) == {"sent": 0, "failed": 0, "abandoned": 0}
        assert deliver_pending(now=NOW + timedelta(seconds=61))["sent"] == 1
    [message] = sink.messages
    assert message["X-Idempotency-Key"] == f"notification-{notice.id}"
    [delivery] = deliveries(db)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2 and delivery.last_error is None


def test_retries_back_off_exponentially_and_give_up_after_the_last_attempt(db, app, liaison, task):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), DELIVERY_RETRY_SECONDS=10,
                      DELIVERY_MAX_ATTEMPTS=4)
    enqueue(db, make_notification(db, liaison, task=task))
    moment, waits = NOW, []
    for _ in range(3):
        assert deliver_pending(now=moment)["failed"] == 1
        [delivery] = deliveries(db)
        waits.append((delivery.next_attempt_at - moment).total_seconds())
        moment = delivery.next_attempt_at
    assert waits == [10, 20, 40]
    assert deliver_pending(now=moment) == {"sent": 0, "failed": 0, "abandoned": 1}
    [delivery] = deliveries(db)
    assert delivery.status == DeliveryStatus.ABANDONED and delivery.attempts == 4
    assert deliver_pending(now=moment + timedelta(days=30)) == {"sent": 0, "failed": 0, "abandoned": 0}


def test_a_slow_smtp_server_holds_up_nothing_but_its_own_delivery(db, app, make, department, task):
    hook = WebhookEndpoint(name="科技局工作群", department_id=department.id, url="", format=WebhookFormat.JSON)
    with SmtpSink(delay=5) as slow_smtp, HttpSink() as fast_http:
        hook.url = fast_http.url
        db.session.add(hook)
        db.session.commit()
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=slow_smtp.port, SMTP_TIMEOUT_SECONDS=0.5,
                          DELIVERY_WORKERS=2)
        liaison = make.liaison(department, "lly", email="lly@example.gov.cn")
        # One e-mail (to the slow server) and six group-robot messages (the liaison's and five others).
        notices = [make_notification(db, liaison, task=task)]
        notices += [make_notification(db, None, task=make.task(lead=department), department=department)
                    for _ in range(5)]
        enqueue(db, *notices)
        outcome = deliver_pending(now=NOW)
        assert outcome == {"sent": 6, "failed": 1, "abandoned": 0}
        assert len(fast_http.received) == 6
    [failed] = [d for d in deliveries(db) if d.status == DeliveryStatus.FAILED]
    assert failed.channel == Channel.EMAIL and "timed out" in failed.last_error


def test_a_slow_webhook_holds_up_nothing_but_its_own_delivery(db, app, make, department, smtp, task):
    app.config.update(WEBHOOK_TIMEOUT_SECONDS=0.5, DELIVERY_WORKERS=2)
    with HttpSink(delay=5) as slow_http:
        db.session.add(WebhookEndpoint(name="慢机器人", department_id=department.id, url=slow_http.url))
        db.session.commit()
        users = [make.liaison(department, f"l{i}", email=f"l{i}@example.gov.cn") for i in range(6)]
        enqueue(db, *[make_notification(db, user, task=task) for user in users])
        outcome = deliver_pending(now=NOW)
    assert outcome == {"sent": 6, "failed": 1, "abandoned": 0}
    assert len(smtp.envelopes) == 6
    [failed] = [d for d in deliveries(db) if d.status == DeliveryStatus.FAILED]
    assert failed.channel == Channel.WEBHOOK and "timed out" in failed.last_error


def test_a_sender_sends_its_messages_over_one_connection(db, app, make, department, smtp, task):
    app.config.update(DELIVERY_WORKERS=1)
    users = [make.liaison(department, f"l{i}", email=f"l{i}@example.gov.cn") for i in range(6)]
    enqueue(db, *[make_notification(db, user, task=task) for user in users])
    assert deliver_pending(now=NOW)["sent"] == 6
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp.envelopes) == [f"l{i}@example.gov.cn" for i in range(6)]
    assert len(set(smtp.peers)) == 1


def test_a_connection_the_server_dropped_is_opened_again_and_the_message_sent(app, smtp):
    from tracker.reminders.channels.email import OutgoingEmail, SmtpSession, SmtpSettings

    def message(to):
        return OutgoingEmail("tracker@localhost", to, f"To: {to}\r\nSubject: reminder\r\n\r\nplease report\r\n".encode())

    with SmtpSession(SmtpSettings.from_config(app.config)) as session:
        session.send(message("a@example.gov.cn"))
        smtp.stop()  # the server goes away (a restart, an idle timeout) and comes back on the same port
        smtp.start()
        session.send(message("b@example.gov.cn"))
    assert [envelope.rcpt_tos for envelope in smtp.envelopes] == [["a@example.gov.cn"], ["b@example.gov.cn"]]
    assert len(set(smtp.peers)) == 2


def test_limit_caps_how_many_are_sent_in_one_run(db, app, make, department, smtp, task):
    users = [make.liaison(department, f"l{i}", email=f"l{i}@example.gov.cn") for i in range(5)]
    enqueue(db, *[make_notification(db, user, task=task) for user in users])
    assert deliver_pending(now=NOW, limit=2)["sent"] == 2
    assert deliver_pending(now=NOW)["sent"] == 3
    assert len(smtp.envelopes) == 5


def test_a_large_sweep_enqueues_every_delivery_once(db, make, department, liaison):
    db.session.add(WebhookEndpoint(name="科技局工作群", department_id=department.id, url="http://127.0.0.1:9/hook"))
    notices = [make_notification(db, liaison, subject_key=f"report:{i}:0", commit=False) for i in range(1200)]
    db.session.flush()
    assert enqueue(db, *notices) == {"inbox": 1200, "email": 1200, "webhook": 1200}
    assert enqueue(db, *notices) == {"inbox": 1200, "email": 0, "webhook": 0}
    assert len(deliveries(db)) == 2400


def test_two_senders_at_once_send_each_delivery_exactly_once(db, app, make, department, smtp):
    users = [make.liaison(department, f"l{i}", email=f"l{i}@example.gov.cn") for i in range(5)]
    notices = [make_notification(db, users[i % 5], subject_key=f"report:{i}:0", commit=False) for i in range(60)]
    db.session.flush()
    enqueue(db, *notices)
    smtp.delay = 0.01
    results = []

    def sender():
        with app.app_context():
            results.append(deliver_pending(now=NOW))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result["sent"] for result in results) == 60
    keys = [message["X-Idempotency-Key"] for message in smtp.messages]
    assert sorted(keys) == sorted(f"notification-{n.id}" for n in notices)


def test_an_email_with_a_long_chinese_title_reads_back_whole_with_short_lines_and_no_defects(app):
    from email import message_from_bytes, policy

    from tracker.reminders.channels import Notice
    from tracker.reminders.channels.email import build_email

    title = "关于" + "加快推进全市重点产业链高质量发展" * 6 + "的提醒"
    notice = Notice(key="notification-7", title=title, body="请于12月8日前报送。\n如有困难请说明。",
                    url="https://dcdb.example.gov.cn/tasks/7?from=mail&x=<1>")
    with app.app_context():
        mail = build_email(notice, to="li@example.gov.cn", recipient_name="李四",
                           sender="督查督办系统 <tracker@localhost>", msg_id="<n7@tracker>")

    assert (mail.envelope_from, mail.to) == ("tracker@localhost", "li@example.gov.cn")
    lines = mail.data.split(b"\r\n")
    assert max(map(len, lines)) <= 78 and not any(b"\n" in line or b"\r" in line for line in lines)
    parsed = message_from_bytes(mail.data, policy=policy.default)
    assert [part.defects for part in parsed.walk()] == [[], [], []]
    assert parsed["Subject"] == f"【督查督办】{title}"
    assert str(parsed["To"]) == "李四 <li@example.gov.cn>"
    text = parsed.get_body(("plain",)).get_content()
    assert text.startswith("李四,您好") and "如有困难请说明。" in text and notice.url in text
    assert 'href="https://dcdb.example.gov.cn/tasks/7?from=mail&amp;x=&lt;1&gt;"' in parsed.get_body(("html",)).get_content()


LEASE, MESSAGES = timedelta(seconds=2), 40


class SteppingClock:
    """Time for a test: each reading is `step` later than the one before; `then(moment, action)` runs
    `action` once, at the first reading past `moment`."""

    def __init__(self, start, step):
        self.now, self.step, self.pending = start, step, []

    def then(self, moment, action) -> None:
        self.pending.append((moment, action))

    def __call__(self):
        self.now += self.step
        due = [entry for entry in self.pending if entry[0] <= self.now]
        for entry in due:
            self.pending.remove(entry)
            entry[1]()
        return self.now


def test_a_second_sender_never_resends_what_a_slow_first_sender_still_holds(db, app, make, department, smtp, task):
    """The first sender's work (40 messages, 0.1 s each on its clock) outlasts a lease (2 s): it stops each
    batch at half a lease and claims again from the clock, so the second sender, starting once a first
    claim would have lapsed, finds nothing of it to take."""
    app.config.update(DELIVERY_LEASE_SECONDS=LEASE.total_seconds(), DELIVERY_WORKERS=1, DELIVERY_BATCH=50)
    users = [make.liaison(department, f"l{i}", email=f"l{i}@example.gov.cn") for i in range(MESSAGES)]
    enqueue(db, *[make_notification(db, user, task=task) for user in users])
    # A message costs two readings (the batch's stop check and its delivered_at): 0.1 s of the clock.
    clock = SteppingClock(NOW, timedelta(seconds=0.05))
    sent = {}

    def second_sender():
        def run():
            with app.app_context():
                sent["second"] = deliver_pending(now=clock.now, clock=lambda: clock.now)["sent"]
        # Its own thread and session, while the first sender is between two messages.
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(60)

    clock.then(NOW + LEASE * 1.2, second_sender)
    sent["first"] = deliver_pending(now=NOW, clock=clock)["sent"]
    keys = [message["X-Idempotency-Key"] for message in smtp.messages]

    assert len(keys) == len(set(keys)) == MESSAGES
    assert sent["first"] + sent["second"] == MESSAGES and sent["first"] > MESSAGES // 2
    assert {delivery.status for delivery in deliveries(db)} == {DeliveryStatus.SENT}


def test_an_address_that_is_not_one_fails_with_a_readable_error_and_a_name_cannot_add_headers(db, smtp, make,
                                                                                           department, task):
    typo = make.liaison(department, "typo", name="王联络", email="wang@kjj.example.gov.cn")
    typo.email = "王联络@科技局"  # saved before accounts were checked (create_user refuses it now)
    forger = make.liaison(department, "forger", name="Li\r\nBcc: spy@example.com", email="li@example.gov.cn")
    enqueue(db, make_notification(db, typo, task=task), make_notification(db, forger, task=task))

    assert deliver_pending(now=NOW) == {"sent": 1, "failed": 1, "abandoned": 0}
    failed = next(d for d in deliveries(db) if d.status == DeliveryStatus.FAILED)
    assert failed.address == "王联络@科技局" and "not an e-mail address" in failed.last_error
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["li@example.gov.cn"]
    [message] = smtp.messages
    [to] = message["To"].addresses
    assert message["Bcc"] is None and to.addr_spec == "li@example.gov.cn" and to.display_name.startswith("Li ")
