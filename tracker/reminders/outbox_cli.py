"""`flask reminders deliver`: send what the outbox holds (e-mail, webhooks) that is due; `--loop` keeps sending."""
from __future__ import annotations

import json
import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.core.clock import parse_moment
from tracker.extensions import db
from tracker.reminders.outbox import deliver_pending

log = logging.getLogger(__name__)


@click.command("deliver", help="发送到期的邮件与 Webhook 消息 / Send the due e-mails and webhook messages.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", help="act as if it were this time (Beijing if no zone)")
@click.option("--limit", type=click.IntRange(min=1), help="send at most this many")
@click.option("--json", "as_json", is_flag=True, help='print {"sent": N, "failed": N, "abandoned": N}')
@click.option("--loop", is_flag=True, help="keep sending every --interval seconds until SIGTERM or Ctrl-C (the outbox "
                                           "sender process)")
@click.option("--interval", type=click.FloatRange(min=0.05), metavar="SECONDS",
              help="seconds between passes with --loop (default: DELIVERY_INTERVAL_SECONDS, 60)")
@with_appcontext
def deliver_command(now_text, limit, as_json, loop, interval):
    if loop:
        send_until_stopped(interval or float(current_app.config["DELIVERY_INTERVAL_SECONDS"]))
        return
    outcome = deliver_pending(now=parse_moment(now_text) if now_text else None, limit=limit)
    if as_json:
        click.echo(json.dumps(outcome))
    else:
        click.echo("  ".join(f"{status}: {count}" for status, count in outcome.items()))


def send_until_stopped(interval: float) -> None:
    """One pass every `interval` seconds; SIGTERM (systemd's stop) or SIGINT ends the loop after the pass in flight,
    whose claims are recorded, so a stop never leaves deliveries claimed until their lease lapses."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"outbox sender started, a pass every {interval:g} s; SIGTERM or Ctrl-C to stop")
    while not stop.is_set():
        try:
            outcome = deliver_pending()
            if any(outcome.values()):
                log.info("outbox pass: %s", outcome)
        except Exception:  # noqa: BLE001 — a database hiccup must not end the sender; the next pass retries
            log.exception("outbox pass failed")
        finally:
            db.session.remove()
        stop.wait(interval)
    click.echo("outbox sender stopped")
