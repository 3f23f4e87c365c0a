"""`flask reminders sweep` killed with SIGKILL part-way, then rerun: the same notices, each delivered once."""
from __future__ import annotations

import os
import json
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.reminders.outbox_support import SmtpServerProcess
from tracker.core.clock import utcnow
from tracker.reminders.models import Delivery, DeliveryStatus, Notification

PROJECT = Path(__file__).resolve().parents[2]
ITEMS = 60
WORKERS, BATCH = 2, 3
LEASE_SECONDS = 1


def _flask(app, smtp_port: int, tmp_path, output, *command: str) -> subprocess.Popen:
    env = {**os.environ, "TRACKER_ENV": "testing", "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
           "TRACKER_DATABASE_URL": app.config["DATABASE_URL"], "TRACKER_SMTP_HOST": "127.0.0.1",
           "TRACKER_SMTP_PORT": str(smtp_port), "TRACKER_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
           "TRACKER_DELIVERY_WORKERS": str(WORKERS), "TRACKER_DELIVERY_BATCH": str(BATCH)}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *command],
                            cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT)


def _sweep(app, smtp_port: int, tmp_path, output) -> subprocess.Popen:
    return _flask(app, smtp_port, tmp_path, output, "reminders", "sweep", "--now", "2025-09-26T09:00", "--json")


def _deliver(app, smtp_port: int, tmp_path, output, now: datetime) -> subprocess.Popen:
    return _flask(app, smtp_port, tmp_path, output, "reminders", "deliver", "--now", now.isoformat())


def test_a_killed_sweep_rerun_gives_the_same_notices_each_delivered(app, db, make, tmp_path):
    departments = [make.department() for _ in range(6)]
    for i, department in enumerate(departments):
        make.liaison(department, f"lly{i}", email=f"lly{i}@example.gov.cn")
        make.head(department)
    plan = make.plan()
    make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), due_on=date(2025, 9, 25))
    for i in range(ITEMS):
        make.task(plan, lead=departments[i % len(departments)])

    with SmtpServerProcess(tmp_path / "mail", delay=0.1) as smtp:
        with open(tmp_path / "first.log", "wb") as output:
            first = _sweep(app, smtp.port, tmp_path, output)
            deadline = time.monotonic() + 60
            while smtp.count < 5 and time.monotonic() < deadline and first.poll() is None:
                time.sleep(0.01)
            first.send_signal(signal.SIGKILL)
            first.wait()
        assert first.returncode == -signal.SIGKILL, (tmp_path / "first.log").read_text()
        assert 5 <= smtp.count < ITEMS
        with open(tmp_path / "second.log", "wb") as output:
            second = _sweep(app, smtp.port, tmp_path, output)
            second.wait(timeout=120)
        out = (tmp_path / "second.log").read_text()
        assert second.returncode == 0, out
        # What the killed run had claimed is sent by the outbox's next pass, once its claims have lapsed.
        after_lease = utcnow() + timedelta(seconds=LEASE_SECONDS + 1)
        with open(tmp_path / "outbox.log", "wb") as output:
            outbox = _deliver(app, smtp.port, tmp_path, output, after_lease)
            outbox.wait(timeout=120)
        assert outbox.returncode == 0, (tmp_path / "outbox.log").read_text()
        messages = smtp.messages

    assert json.loads(out.splitlines()[-1])["created"] == 0  # the first run had committed every notice
    db.session.expire_all()
    steps = db.session.execute(sa.select(Notification.step_key, sa.func.count()).group_by(Notification.step_key)).all()
    assert dict(steps) == {"late-liaison": ITEMS, "late-head": ITEMS}
    assert db.session.scalars(sa.select(Delivery.status)).all() == [DeliveryStatus.SENT] * ITEMS
    keys = {message["X-Idempotency-Key"] for message in messages}
    # Only the batches in flight when the process died, sent but not yet recorded, can arrive twice.
    assert len(keys) == ITEMS and ITEMS <= len(messages) <= ITEMS + WORKERS * BATCH
