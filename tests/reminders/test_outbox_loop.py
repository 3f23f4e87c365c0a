"""`flask reminders deliver --loop`: the outbox sender process of deploy/, sending until systemd stops it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.reminders.outbox_support import SmtpSink, make_notification
from tracker.config import PROJECT_ROOT
from tracker.core.clock import utcnow
from tracker.reminders.models import Channel, Delivery, DeliveryStatus

WAIT_SECONDS = 60


def _sender(app, sink, tmp_path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env |= {"TRACKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "TRACKER_INSTANCE_PATH": str(tmp_path),
            "TRACKER_SECRET_KEY": "outbox-loop-test-" + "0" * 48, "TRACKER_SMTP_HOST": "127.0.0.1",
            "TRACKER_SMTP_PORT": str(sink.port)}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "deliver", "--loop",
                             "--interval", "0.2"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_the_sender_keeps_sending_and_stops_cleanly_on_sigterm(app, db, make, tmp_path):
    liaison = make.liaison(make.department(), email="kj@example.gov.cn")

    def queue(subject: str) -> None:
        notice = make_notification(db, liaison, subject_key=subject, created_at=utcnow())
        db.session.add(Delivery(notification_id=notice.id, channel=Channel.EMAIL, address=liaison.email,
                                created_at=notice.created_at, next_attempt_at=notice.created_at))
        db.session.commit()

    with SmtpSink() as sink:
        queue("report:1:0")
        sender = _sender(app, sink, tmp_path)
        try:
            assert _wait_for(lambda: len(sink.envelopes) == 1), "the first pass sends what was queued"
            queue("report:2:0")
            assert _wait_for(lambda: len(sink.envelopes) == 2), "a later pass sends what came since"
            sender.send_signal(signal.SIGTERM)
            output, _ = sender.communicate(timeout=WAIT_SECONDS)
        finally:
            if sender.poll() is None:
                sender.kill()
                sender.communicate()
    assert sender.returncode == 0, output
    assert "outbox sender stopped" in output
    db.session.expire_all()
    statuses = {delivery.status for delivery in db.session.query(Delivery)}
    assert statuses == {DeliveryStatus.SENT}
