"""`flask reminders deliver`: send what the outbox holds (e-mail, webhooks) that is due."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from tracker.clock import parse_moment
from tracker.reminders.outbox import deliver_pending


@click.command("deliver", help="发送到期的邮件与 Webhook 消息 / Send the due e-mails and webhook messages.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", help="act as if it were this time (Beijing if no zone)")
@click.option("--limit", type=click.IntRange(min=1), help="send at most this many")
@click.option("--json", "as_json", is_flag=True, help='print {"sent": N, "failed": N, "abandoned": N}')
@with_appcontext
def deliver_command(now_text, limit, as_json):
    outcome = deliver_pending(now=parse_moment(now_text) if now_text else None, limit=limit)
    if as_json:
        click.echo(json.dumps(outcome))
    else:
        click.echo("  ".join(f"{status}: {count}" for status, count in outcome.items()))
