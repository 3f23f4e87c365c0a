"""Webhooks (群机器人): plain JSON, 企业微信 (WeCom) and 钉钉 (DingTalk) group robots.

WeCom and DingTalk robots accept only their fixed message fields, so the idempotency key is
written into the text as well as sent in the X-Idempotency-Key header.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote_plus, urljoin, urlsplit

from flask_babel import gettext as _

from tracker.reminders.channels import DeliveryError, Notice
from tracker.reminders.channels.destinations import AllowList, resolve
from tracker.reminders.models import WebhookFormat

USER_AGENT = "tracker-webhook/1"


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    body: bytes
    headers: dict[str, str]


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def payload(notice: Notice, fmt: WebhookFormat) -> dict:
    link = [f"[{_('查看事项')}]({notice.url})"] if notice.url else []
    key_line = _("消息编号:%(key)s", key=notice.key)
    if fmt == WebhookFormat.WECOM:
        content = "\n".join([f"**{notice.title}**", f"> {notice.body}", *link,
                             f'<font color="comment">{key_line}</font>'])
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if fmt == WebhookFormat.DINGTALK:
        text = "\n\n".join([f"#### {notice.title}", notice.body, *link, key_line])
        return {"msgtype": "markdown", "markdown": {"title": notice.title, "text": text}}
    return {"idempotency_key": notice.key, "notification": notice.as_json()}


def build_request(notice: Notice, *, url: str, fmt: WebhookFormat, secret: str | None = None) -> WebhookRequest:
    if fmt == WebhookFormat.DINGTALK and secret:
        url = signed_dingtalk_url(url, secret)
    return WebhookRequest(
        url=url,
        body=json.dumps(payload(notice, fmt), ensure_ascii=False).encode(),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Idempotency-Key": notice.key,
            "User-Agent": USER_AGENT,
        },
    )


MAX_REDIRECTS = 3
_REDIRECTS = (301, 302, 303, 307, 308)


def _connect_pinned(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """A connection to the first of the checked `addresses` that answers, whatever the host name would
    resolve to now."""
    error: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failure:
            error = failure
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect_pinned(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The certificate is still checked against the host name."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.addresses = addresses

    def connect(self) -> None:
        sock = _connect_pinned(self.addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post_once(url: str, request: WebhookRequest, timeout: float, allowed: AllowList):
    """POST to `url` at an address that was checked: (status, Location, the first 64 KB of the answer)."""
    host, port, addresses = resolve(url, allowed)
    parts = urlsplit(url)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, addresses, timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=request.body, headers=request.headers)
        response = connection.getresponse()
        return response.status, response.getheader("Location"), response.read(65536)
    finally:
        connection.close()


def post(request: WebhookRequest, fmt: WebhookFormat, timeout: float, allowed: AllowList = AllowList()) -> None:
    """POST once to a public address (or one `allowed`), following at most three redirects, each checked
    as the first address was and sent the same message; a non-2xx answer or a robot's errcode other than
    0 is a failure."""
    url = request.url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            status, location, answer = _post_once(url, request, timeout, allowed)
            if status not in _REDIRECTS or not location:
                break
            url = urljoin(url, location)
        else:
            raise DeliveryError(f"more than {MAX_REDIRECTS} redirects")
    except (OSError, http.client.HTTPException) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}: {answer[:500].decode(errors='replace')}")
    if fmt in (WebhookFormat.WECOM, WebhookFormat.DINGTALK):
        _check_robot_answer(answer)


def _check_robot_answer(answer: bytes) -> None:
    try:
        result = json.loads(answer)
    except ValueError as error:
        raise DeliveryError(f"not a robot's answer: {answer[:200].decode(errors='replace')}") from error
    errcode = result.get("errcode", 0) if isinstance(result, dict) else None
    if errcode != 0:
        raise DeliveryError(f"errcode {errcode}: {result.get('errmsg', '') if isinstance(result, dict) else result}")
