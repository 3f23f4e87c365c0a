"""E-mail over SMTP (邮件): one message per delivery, recognisable on resend by its Message-ID."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from html import escape
from urllib.parse import urlsplit

from flask_babel import gettext as _

from tracker.reminders.channels import DeliveryError, Notice

TLS_MODES = ("none", "starttls", "ssl")


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


def build_email(notice: Notice, *, to: str, recipient_name: str, sender: str, msg_id: str) -> Message:
    """The message, plain text and HTML, headers in RFC 2047 words where Chinese.

    Built with the email package's MIME classes rather than EmailMessage: a quarter of the time, which
    is most of what sending one of a sweep's thousands of reminders costs this process."""
    message = MIMEMultipart("alternative")
    message["Subject"] = Header(_("【督查督办】%(title)s", title=notice.title), "utf-8")
    message["From"] = formataddr(parseaddr(sender), charset="utf-8")
    message["To"] = formataddr((recipient_name, to), charset="utf-8") if recipient_name else to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = msg_id
    message["X-Idempotency-Key"] = notice.key
    greeting = _("%(name)s,您好:", name=recipient_name) if recipient_name else _("您好:")
    footer = _("此邮件由督查督办系统自动发送,请勿直接回复。")
    link_line = _("查看事项:%(url)s", url=notice.url) if notice.url else ""
    text = "\n\n".join(part for part in (greeting, notice.body, link_line, footer) if part)
    link_html = f'<p><a href="{escape(notice.url)}">{escape(_("查看事项"))}</a></p>' if notice.url else ""
    html = (f"<html><body><p>{escape(greeting)}</p><p>{escape(notice.body)}</p>{link_html}"
            f'<p style="color:#888">{escape(footer)}</p></body></html>')
    message.attach(MIMEText(text + "\n", "plain", "utf-8"))
    message.attach(MIMEText(html + "\n", "html", "utf-8"))
    return message


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

    def send(self, message: Message) -> None:
        try:
            self._send_reconnecting(message)
        except (smtplib.SMTPException, OSError) as error:
            if not isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                                      smtplib.SMTPDataError)):
                self.close()  # the connection's state is unknown: the next message opens a new one
            settings = self.settings
            raise DeliveryError(f"SMTP {settings.host}:{settings.port}: {type(error).__name__}: {error}") from error

    def _send_reconnecting(self, message: Message) -> None:
        if self.connection is not None:
            try:
                self.connection.send_message(message)
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                self.close()
        self.connection = _connect(self.settings)
        self.connection.send_message(message)

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
