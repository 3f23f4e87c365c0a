"""Real servers on loopback for the channel tests (aiosmtpd, http.server) and a notice factory."""
from __future__ import annotations

import asyncio
import email
import email.policy
import itertools
import json
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tracker.bench.mailsink import free_port
from tracker.reminders.models import Notification, StepTarget

# 2025-03-26 09:00 in Beijing: the March report (due 03-25) is one working day late.
NOW = datetime(2025, 3, 26, 1, 0, tzinfo=timezone.utc)
_seq = itertools.count(1)


def make_notification(db, recipient=None, *, task=None, target=StepTarget.LIAISON, level=0, department=None,
                      step_key="late-1", subject_key=None, created_at=NOW, commit=True) -> Notification:
    department_id = getattr(department, "id", None) or getattr(recipient, "department_id", None)
    notice = Notification(
        subject_key=subject_key or f"report:{getattr(task, 'id', next(_seq))}:0",
        step_key=step_key,
        recipient_key=f"user:{recipient.id}" if recipient else "office",
        recipient_id=getattr(recipient, "id", None),
        task_id=getattr(task, "id", None),
        department_id=department_id,
        escalation_level=level,
        target=target,
        title=f"“{getattr(task, 'title', '科技创新任务')}”进展未报送",
        body=f"“{getattr(task, 'title', '科技创新任务')}”2025年3月进展应于2025-03-25报送,已逾期1个工作日,请尽快报送。",
        link=f"/tasks/{task.id}" if task else None,
        due_on=date(2025, 3, 25),
        workdays_late=1,
        created_at=created_at,
    )
    db.session.add(notice)
    if commit:
        db.session.commit()
    return notice


class SmtpSink:
    """aiosmtpd on a free loopback port, keeping every message it accepts; optionally slow."""

    def __init__(self, delay: float = 0.0, port: int | None = None):
        self.delay = delay
        self.port = port or free_port()
        self.envelopes: list = []
        self.peers: list = []  # the client's address for each message: one per connection it opened
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        return "250 OK"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SmtpServerProcess:
    """The same SMTP server in a process of its own, spooling each message to a file.

    For tests where the sender is another process too: the server then keeps pace as a real one would.
    """

    def __init__(self, spool, delay: float = 0.0):
        self.spool = spool
        self.delay = delay
        self.port = free_port()
        self.process = None

    def __enter__(self) -> SmtpServerProcess:
        self.spool.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reminders.outbox_support", str(self.port), str(self.spool), str(self.delay)],
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout.readline().strip() == b"ready"
        return self

    def __exit__(self, *exc) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()

    @property
    def count(self) -> int:
        return sum(1 for _ in self.spool.glob("*.eml"))

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(self.spool.glob("*.eml"))]


class _SpoolingSink(SmtpSink):
    def __init__(self, spool, delay: float, port: int):
        super().__init__(delay, port)
        self.spool = spool

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        # Written under a temporary name and renamed, so a reader never sees half a message.
        name = uuid.uuid4().hex
        (self.spool / f"{name}.tmp").write_bytes(envelope.content)
        (self.spool / f"{name}.tmp").rename(self.spool / f"{name}.eml")
        return "250 OK"


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class HttpSink:
    """A webhook receiver on loopback: records each POST and answers with `status`, `headers` and `answer`."""

    status: int = 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    delay: float = 0.0
    headers: dict = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)

    def __post_init__(self):
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sink.received.append(Received(self.path, dict(self.headers), body))
                if sink.delay:
                    time.sleep(sink.delay)
                payload = json.dumps(sink.answer).encode()
                try:
                    self.send_response(sink.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in sink.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{self.host}:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


if __name__ == "__main__":
    from pathlib import Path

    port, spool, delay = int(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    _SpoolingSink(spool, delay, port).start()
    print("ready", flush=True)
    threading.Event().wait()
