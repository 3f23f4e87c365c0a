"""/healthz, /readyz and /metrics: what a load balancer and Prometheus ask, and who may ask /metrics."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from flask import jsonify, request
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import _test_config
from tests.ops.support import empty_app
from tests.ops.conftest import PREVIOUS_REVISION
from tests.reminders.outbox_support import SmtpSink, make_notification
from tests.reminders.test_sweep_cli import _late_item
from tracker import create_app
from tracker.bench.mailsink import free_port
from tracker.config import PROJECT_ROOT
from tracker.core.clock import utcnow
from tracker.reminders.models import Channel, Delivery, DeliveryStatus
from tracker.reminders.scheduler import sweep_job

# 2025-09-29 09:00 in Beijing: the September report (due 09-25) is three working days late.
LATE = datetime(2025, 9, 29, 1, 0, tzinfo=timezone.utc)
TOKEN = "prometheus-scrape-token-0123456789"


@pytest.fixture
def ready(app, stamped):
    sweep_job(app, deliver=False)  # the scheduler's first pass, now
    return app


def test_healthz_answers_while_the_database_does_not(tmp_path):
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}", tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["failing"] == ["database"]
    assert scrape(app.test_client())[("tracker_database_up", ())] == 0


def test_readyz_is_ready_with_the_schema_at_head_and_the_scheduler_sweeping(ready, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready", "failing": [], "checks": dict.fromkeys(
        ["database", "migrations", "scheduler", "outbox"], "ok")}


def test_readyz_turns_unready_when_the_scheduler_stops(ready, client, app):
    interval = timedelta(minutes=app.config["SWEEP_INTERVAL_MINUTES"])
    sweep_job(app, deliver=False, now=utcnow() - 2 * interval + timedelta(minutes=1))
    assert client.get("/readyz").status_code == 200, "one missed sweep is not yet an outage"
    sweep_job(app, deliver=False, now=utcnow() - 2 * interval - timedelta(minutes=1))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unready" and body["failing"] == ["scheduler"]
    assert "tracker-scheduler" in body["checks"]["scheduler"] and body["checks"]["database"] == "ok"
    sweep_job(app, deliver=False)
    assert client.get("/readyz").status_code == 200


def test_readyz_is_unready_while_a_notice_waits_past_its_retry_window(ready, client, db, make):
    liaison = make.liaison(make.department(), email="kj@example.gov.cn")
    notice = make_notification(db, liaison, created_at=utcnow() - timedelta(hours=3))
    db.session.add(Delivery(notification_id=notice.id, channel=Channel.EMAIL, address=liaison.email,
                            created_at=notice.created_at, next_attempt_at=notice.created_at))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failing"] == ["outbox"]
    message = response.get_json()["checks"]["outbox"]
    assert "tracker-outbox" in message and "1 条消息未能发出,最早一条已等待 3 小时" in message
    assert "没有配置邮件服务器(TRACKER_SMTP_HOST 仍为 localhost)" in message


def test_the_office_and_the_admin_are_told_on_every_page_while_messages_wait(ready, db, make, office, admin_user,
                                                                              login_as):
    liaison = make.liaison(make.department(), email="kj@example.gov.cn")
    notice = make_notification(db, liaison, created_at=utcnow() - timedelta(hours=3))
    db.session.add(Delivery(notification_id=notice.id, channel=Channel.EMAIL, address=liaison.email,
                            created_at=notice.created_at, next_attempt_at=notice.created_at))
    db.session.commit()
    for user, page in ((office, "/"), (admin_user, "/admin/users")):
        text = login_as(user).get(page).get_data(as_text=True)
        assert 'data-testid="outbox-alarm"' in text and "1 条消息未能发出" in text, user.login
    assert "未能发出" not in login_as(liaison).get("/").get_data(as_text=True)


def test_readyz_names_a_schema_behind_the_code(ready, client):
    from flask_migrate import stamp

    stamp(revision=PREVIOUS_REVISION)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failing"] == ["migrations"]


def scrape(client, **kwargs) -> dict[tuple, float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def test_metrics_move_after_a_sweep_and_a_delivery(app, client, make, office):
    _late_item(make)
    before = scrape(client)
    with SmtpSink() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
        sweep_job(app, now=LATE)  # the scheduler's pass: notices, then the outbox sends the e-mail
    after = scrape(client)

    def grew(name, **labels) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("tracker_sweep_notices_created_total", level="1") == 2  # liaison and head, three days late
    assert grew("tracker_sweep_notices_created_total", level="2") == 1  # the office's 督办
    assert after[("tracker_sweep_last_notices_created", (("level", "1"),))] == 2
    assert after[("tracker_scheduler_heartbeat_timestamp_seconds", ())] == LATE.timestamp()
    assert after[("tracker_sweep_duration_seconds", ())] > 0
    assert grew("tracker_deliveries", channel="email", status="sent") == 1 == len(sink.envelopes)
    assert after[("tracker_deliveries", (("channel", "email"), ("status", "pending")))] == 0
    assert grew("tracker_http_requests_total", endpoint="ops.prometheus_metrics", method="GET", status="200") == 1
    assert grew("tracker_http_request_duration_seconds_count", endpoint="ops.prometheus_metrics") == 1


def test_metrics_report_the_oldest_pending_delivery_and_the_last_supervision_report(app, client, db, make):
    from tracker.reports.archive import archive
    from tracker.reports.models import ReportKind

    liaison = make.liaison(make.department(), email="kj@example.gov.cn")
    notice = make_notification(db, liaison, created_at=utcnow() - timedelta(minutes=10))
    db.session.add(Delivery(notification_id=notice.id, channel=Channel.EMAIL, address=liaison.email,
                            status=DeliveryStatus.FAILED, created_at=notice.created_at,
                            next_attempt_at=notice.created_at))
    report = archive(b"%PDF-1.7", kind=ReportKind.SUPERVISION, filename="通报.pdf", title="督查通报",
                     period_label="2025-09")
    db.session.commit()
    found = scrape(client)
    assert 600 <= found[("tracker_delivery_oldest_pending_age_seconds", ())] < 3600
    assert found[("tracker_deliveries", (("channel", "email"), ("status", "failed")))] == 1
    assert found[("tracker_supervision_report_last_archived_timestamp_seconds", ())] == pytest.approx(
        report.generated_at.timestamp())


def test_metrics_are_refused_from_afar_without_the_token(app, client):
    afar = {"REMOTE_ADDR": "203.0.113.7"}
    refused = client.get("/metrics", environ_base=afar)
    assert refused.status_code == 403 and "TRACKER_METRICS_TOKEN" in refused.get_json()["message"]
    app.config["METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics", environ_base=afar, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", environ_base=afar, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    # Relayed by a proxy the app was not told to trust: it arrives from 127.0.0.1, yet it is not local.
    relayed = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    assert relayed.status_code == 403


def test_behind_the_one_trusted_proxy_the_client_address_is_the_forwarded_one(tmp_path):
    empty_app(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path) | {"PROXY_COUNT": 1})
    app.add_url_rule("/_seen", "seen", lambda: jsonify(addr=request.remote_addr, scheme=request.scheme,
                                                       host=request.host))
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "dcdb.gov.cn"}
    assert client.get("/_seen", headers=forwarded).get_json() == {"addr": "203.0.113.7", "scheme": "https",
                                                                  "host": "dcdb.gov.cn"}
    assert client.get("/metrics", headers=forwarded).status_code == 403, "the client is 203.0.113.7, not nginx"
    assert client.get("/metrics", headers=forwarded | {"X-Forwarded-For": "127.0.0.1"}).status_code == 200
    spoofed = {"X-Forwarded-For": "127.0.0.1, 203.0.113.7"}  # the client's own claim comes first, nginx's last
    assert client.get("/_seen", headers=spoofed).get_json()["addr"] == "203.0.113.7"
    untrusted = create_app(_test_config(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path))
    untrusted.add_url_rule("/_seen", "seen", lambda: jsonify(addr=request.remote_addr))
    assert untrusted.test_client().get("/_seen", headers=forwarded).get_json() == {"addr": "127.0.0.1"}


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_under_gunicorn_metrics_add_up_every_workers_requests(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    empty_app(url, tmp_path)
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_PATH": str(tmp_path),
           "TRACKER_SECRET_KEY": TOKEN * 2, "TRACKER_BIND": f"127.0.0.1:{port}", "TRACKER_WORKERS": "3",
           "TRACKER_THREADS": "1", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                              cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # three workers importing the app on a busy machine
        while time.monotonic() < deadline and server.poll() is None:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)

        def counted() -> float:
            return sum(sample.value for family in text_string_to_metric_families(_get(base + "/metrics"))
                       for sample in family.samples if sample.name == "tracker_http_requests_total"
                       and sample.labels["endpoint"] == "ops.healthz")

        def workers_counting() -> int:
            return len({path.name.rsplit("_", 1)[-1] for path in (tmp_path / "metrics").glob("counter_*.db")})

        before, requests = counted(), 0
        # On a busy machine the first worker up may serve everything at first: ask until a second one answers.
        while requests < 2000 and (requests < 40 or workers_counting() < 2):
            _get(base + "/healthz")
            requests += 1
        assert workers_counting() > 1, "the requests were served by more than one worker"
        assert counted() - before == requests, (tmp_path / "gunicorn.log").read_text()[-2000:]
    finally:
        server.terminate()
        server.wait(30)
        log.close()
