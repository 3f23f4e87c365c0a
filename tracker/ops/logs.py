"""Log lines of the app's own loggers (tracker.*): plain text, or one JSON object a line with TRACKER_LOG_FORMAT=json.

Both go to standard error, which systemd's journal (deploy/) collects. A request's line carries its
fields (request id, method, path, status, duration, user) as JSON keys, or after the message as text.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from flask import Flask

LOGGER = "tracker"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _OwnHandler(logging.StreamHandler):
    """The handler configure_logging installs, told apart from any a test or a server adds."""


def configure_logging(app: Flask) -> None:
    """One handler on the `tracker` logger, in the configured format; a second app replaces it, never doubles it."""
    fmt = str(app.config.get("LOG_FORMAT") or "text").lower()
    if fmt not in ("text", "json"):
        raise ValueError(f"TRACKER_LOG_FORMAT must be text or json, not {fmt!r}")
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, _OwnHandler)]:
        logger.removeHandler(handler)
    handler = _OwnHandler()
    handler.setFormatter(JsonLines() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
