"""E-mail over SMTP (邮件): one message per delivery, recognisable on resend by its Message-ID."""
from __future__ import annotations

import base64
import secrets
import smtplib
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache
from html import escape
from urllib.parse import urlsplit

from flask_babel import gettext as _

from tracker.core.addresses import CONTROL, is_deliverable
from tracker.reminders.channels import DeliveryError, Notice

TLS_MODES = ("none", "starttls", "ssl")
CRLF = "\r\n"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    username: str | None
    password: str | None
    timeout: float
    sender: str

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        tls = str(config.get("SMTP_TLS") or "none").lower()
        if tls not in TLS_MODES:
            raise ValueError(f"SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
        return cls(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            tls=tls,
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            timeout=float(config["SMTP_TIMEOUT_SECONDS"]),
            sender=config["MAIL_SENDER"],
        )


def message_id(notification_id: int, delivery_id: int, base_url: str) -> str:
    """Stable across retries and crashes, so the receiver (and the office) can tell a resend."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"<notification-{notification_id}.delivery-{delivery_id}@tracker.{host}>"


@dataclass(frozen=True)
class OutgoingEmail:
    """A message ready for SMTP: the envelope's sender and recipient, and the bytes of the DATA command."""

    envelope_from: str
    to: str
    data: bytes


def build_email(notice: Notice, *, to: str, recipient_name: str, sender: str, msg_id: str) -> OutgoingEmail:
    """The message, plain text and HTML alternatives in base64, headers in RFC 2047 words where Chinese.

    Written out as the MIME text itself rather than built with the email package's classes and flattened
    by its generator: those took two thirds of the sending process's time for each of a sweep's thousands
    of reminders (folding each header again, choosing a boundary by scanning the body). What the package
    is needed for, encoding words and addresses, it still does.
    """
    to = _deliverable(to)
    recipient_name = CONTROL.sub(" ", recipient_name or "").strip()
    greeting = _("%(name)s,您好:", name=recipient_name) if recipient_name else _("您好:")
    footer = _("此邮件由督查督办系统自动发送,请勿直接回复。")
    link_line = _("查看事项:%(url)s", url=notice.url) if notice.url else ""
    text = "\n\n".join(part for part in (greeting, notice.body, link_line, footer) if part)
    link_html = f'<p><a href="{escape(notice.url)}">{escape(_("查看事项"))}</a></p>' if notice.url else ""
    html = (f"<html><body><p>{escape(greeting)}</p><p>{escape(notice.body)}</p>{link_html}"
            f'<p style="color:#888">{escape(footer)}</p></body></html>')
    # "-" is not in base64's alphabet, so no line of a part can be taken for the boundary.
    boundary = f"=_{secrets.token_hex(12)}"
    headers = (
        ("Subject", Header(_("【督查督办】%(title)s", title=notice.title), "utf-8", header_name="Subject")
                    .encode(linesep=CRLF)),
        ("From", _from_header(sender)),
        ("To", formataddr((recipient_name, to), charset="utf-8") if recipient_name else to),
        ("Date", formatdate(localtime=False)),
        ("Message-ID", msg_id),
        ("X-Idempotency-Key", notice.key),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    )
    lines = [f"{name}: {value}" for name, value in headers]
    lines += ["", f"--{boundary}", _text_part(text + "\n", "plain"), f"--{boundary}", _text_part(html + "\n", "html"),
              f"--{boundary}--", ""]
    return OutgoingEmail(envelope_from=_envelope_address(sender), to=to, data=CRLF.join(lines).encode("ascii"))


def _deliverable(address: str) -> str:
    """The address, or a DeliveryError the office can read in the delivery log (for addresses saved
    before the user form checked them, or written by a script)."""
    if not is_deliverable(address):
        raise DeliveryError(f"not an e-mail address this server can deliver to: {address!r}")
    return address


# One sender for thousands of messages: parsed and encoded once.
@lru_cache(maxsize=8)
def _from_header(sender: str) -> str:
    return formataddr(parseaddr(sender), charset="utf-8")


@lru_cache(maxsize=8)
def _envelope_address(sender: str) -> str:
    return parseaddr(sender)[1]


def _text_part(content: str, subtype: str) -> str:
    """A UTF-8 text part in base64: lines of 76 characters, so no line of the message is too long for SMTP."""
    body = base64.encodebytes(content.encode("utf-8")).decode("ascii").rstrip("\n").replace("\n", CRLF)
    return f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}Content-Transfer-Encoding: base64{CRLF}{CRLF}{body}'


class SmtpSession:
    """One sender's SMTP connection, opened at its first message and kept for the next ones: a connection,
    greeting and QUIT per message cost more than the message. Every socket operation is bounded by the
    timeout. A connection the server dropped while idle is reopened once; a message refused is an error
    for that message only (smtplib resets the transaction, the connection stays usable)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def send(self, message: OutgoingEmail) -> None:
        try:
            self._send_reconnecting(message)
        except (smtplib.SMTPException, OSError) as error:
            if not isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                                      smtplib.SMTPDataError)):
                self.close()  # the connection's state is unknown: the next message opens a new one
            settings = self.settings
            raise DeliveryError(f"SMTP {settings.host}:{settings.port}: {type(error).__name__}: {error}") from error

    def _send_reconnecting(self, message: OutgoingEmail) -> None:
        if self.connection is not None:
            try:
                self.connection.sendmail(message.envelope_from, [message.to], message.data)
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                self.close()
        self.connection = _connect(self.settings)
        self.connection.sendmail(message.envelope_from, [message.to], message.data)

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls == "ssl":
        connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout)
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.tls == "starttls":
            connection.starttls()
        if settings.username:
            connection.login(settings.username, settings.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def check_connection(settings: SmtpSettings) -> None:
    """Connect, negotiate TLS and log in as a send would, then quit: raises what a send would meet."""
    _connect(settings).quit()
