"""A sender killed with SIGKILL part-way loses nothing: the rerun sends the rest, resends keep their Message-ID."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.reminders.outbox_support import SmtpServerProcess, make_notification
from tracker.core.clock import utcnow
from tracker.reminders.models import Delivery, DeliveryStatus
from tracker.reminders.outbox import enqueue_deliveries

PROJECT = Path(__file__).resolve().parents[2]
NOTICES = 200
LEASE_SECONDS = 1
WORKERS, BATCH = 4, 5


def run_deliver(app, smtp_port: int, tmp_path, output, *, now: datetime | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "TRACKER_ENV": "testing",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "TRACKER_DATABASE_URL": app.config["DATABASE_URL"],
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(smtp_port),
        "TRACKER_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        "TRACKER_DELIVERY_WORKERS": str(WORKERS),
        "TRACKER_DELIVERY_BATCH": str(BATCH),
    }
    at = ["--now", now.isoformat()] if now else []
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "deliver", "--json", *at],
        cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )


def test_killed_sender_resumes_and_every_email_arrives_with_a_stable_message_id(db, app, make, tmp_path):
    department = make.department("市科技局")
    users = [make.liaison(department, f"lly{i}", email=f"lly{i}@example.gov.cn") for i in range(10)]
    notices = [make_notification(db, users[i % 10], step_key=f"step-{i}", commit=False) for i in range(NOTICES)]
    db.session.flush()
    assert enqueue_deliveries(notices)["email"] == NOTICES
    db.session.commit()
    keys = {f"notification-{n.id}" for n in notices}

    with SmtpServerProcess(tmp_path / "mail", delay=0.05) as smtp:
        with open(tmp_path / "first.log", "wb") as output:
            first = run_deliver(app, smtp.port, tmp_path, output)
            deadline = time.monotonic() + 60
            while smtp.count < NOTICES // 4 and time.monotonic() < deadline and first.poll() is None:
                time.sleep(0.01)
            first.send_signal(signal.SIGKILL)
            first.wait()
        assert first.returncode == -signal.SIGKILL, (tmp_path / "first.log").read_text()
        arrived_before_kill = smtp.count
        assert NOTICES // 4 <= arrived_before_kill < NOTICES

        # The next pass, once the killed sender's claims have lapsed.
        after_lease = utcnow() + timedelta(seconds=LEASE_SECONDS + 1)
        with open(tmp_path / "second.log", "wb") as output:
            second = run_deliver(app, smtp.port, tmp_path, output, now=after_lease)
            second.wait(timeout=120)
        out = (tmp_path / "second.log").read_text()
        assert second.returncode == 0, out
        messages = smtp.messages

    db.session.expire_all()
    statuses = db.session.scalars(sa.select(Delivery.status)).all()
    assert statuses == [DeliveryStatus.SENT] * NOTICES
    assert json.loads(out.splitlines()[-1])["sent"] >= NOTICES - arrived_before_kill
    message_ids = defaultdict(set)
    for message in messages:
        message_ids[message["X-Idempotency-Key"]].add(message["Message-ID"])
    assert set(message_ids) == keys
    assert all(len(ids) == 1 for ids in message_ids.values())
    # Only the batches in flight when the process died, sent but not yet recorded, can arrive twice.
    assert NOTICES <= len(messages) <= NOTICES + WORKERS * BATCH
