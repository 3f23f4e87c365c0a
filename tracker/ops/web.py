"""What the app does for operations on every request, and the probes: /healthz, /readyz and /metrics.

Every request gets an id (the caller's X-Request-ID when it sends a sane one, else a new one), sent
back in X-Request-ID, and one log line with its duration and user id; it is counted in /metrics.
Behind a reverse proxy (deploy/: nginx), TRACKER_PROXY_COUNT proxies' X-Forwarded-* headers are
trusted (werkzeug's ProxyFix), so request.remote_addr is the real client, for the login throttle,
the audit log and /metrics' loopback rule.
"""
from __future__ import annotations

import hmac
import logging
import re
import time
import uuid
from ipaddress import ip_address

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.extensions import csrf
from tracker.ops import metrics
from tracker.ops.health import readiness
from tracker.ops.logs import configure_logging

log = logging.getLogger("tracker.requests")
bp = Blueprint("ops", __name__)
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def install(app: Flask) -> None:
    proxies = int(app.config["PROXY_COUNT"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    configure_logging(app)
    app.before_request(start_request)
    app.after_request(finish_request)
    csrf.exempt(bp)
    app.register_blueprint(bp)


def start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    """The user the request was served as, if the view looked them up: the API's token user, or the one Flask-Login
    loaded (kept in g._login_user). Asking current_user here would load a user for every static file."""
    user = g.get("api_user") or g.get("_login_user")
    return getattr(user, "id", None)


def finish_request(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    response.headers[REQUEST_ID_HEADER] = request_id
    endpoint = request.endpoint or "-"
    metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    fields = {"request_id": request_id, "method": request.method, "path": request.path,
              "status": response.status_code, "duration_ms": round(seconds * 1000, 1), "user_id": _user_id(),
              "remote_addr": request.remote_addr, "endpoint": endpoint}
    log.info("%s %s %s %.1f ms user=%s id=%s", request.method, request.path, response.status_code,
             seconds * 1000, fields["user_id"] or "-", request_id, extra={"fields": fields})
    return response


@bp.get("/healthz")
def healthz():
    """The process lives and answers: nothing else is asked (a database outage is /readyz's business)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready to serve: database, schema, scheduler and outbox; 503 naming what is not."""
    checks = readiness()
    failing = [check.name for check in checks if not check.ok]
    body = {"status": "unready" if failing else "ready", "failing": failing,
            "checks": {check.name: "ok" if check.ok else check.message for check in checks}}
    return jsonify(body), 503 if failing else 200


def metrics_allowed() -> bool:
    """A bearer token equal to METRICS_TOKEN, or loopback. A request relayed by a proxy the app does not trust
    (X-Forwarded-For with TRACKER_PROXY_COUNT 0) is not taken as local, though it arrives from 127.0.0.1."""
    token = current_app.config.get("METRICS_TOKEN")
    if token and hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return True
    if "X-Forwarded-For" in request.headers and not int(current_app.config["PROXY_COUNT"]):
        return False
    try:
        return ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def prometheus_metrics():
    if not metrics_allowed():
        return jsonify(error="Forbidden", message=_("监控指标只回答本机,或带 Authorization: Bearer "
                                                    "<TRACKER_METRICS_TOKEN> 的请求。")), 403
    return Response(metrics.exposition(), mimetype="text/plain; version=0.0.4; charset=utf-8")
