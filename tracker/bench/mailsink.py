"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives: where the bench's e-mail goes."""
from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    def __init__(self):
        self.messages: list = []
        self.port = free_port()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def __enter__(self) -> MailSink:
        # Imported here: aiosmtpd comes with the test extra, and only the sweep figures need it.
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
