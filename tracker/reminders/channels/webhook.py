"""Webhooks (群机器人): plain JSON, 企业微信 (WeCom) and 钉钉 (DingTalk) group robots.

WeCom and DingTalk robots accept only their fixed message fields, so the idempotency key is
written into the text as well as sent in the X-Idempotency-Key header.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote_plus

from flask_babel import gettext as _

from tracker.reminders.channels import DeliveryError, Notice
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


def post(request: WebhookRequest, fmt: WebhookFormat, timeout: float) -> None:
    """POST once; a non-2xx answer, or a robot's errcode other than 0, is a failure."""
    http_request = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as response:
            status, answer = response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}: {error.read(500).decode(errors='replace')}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from error
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
