"""`flask reminders …` and `flask scheduler …`."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.core.clock import parse_moment, utcnow
from tracker.reminders.outbox import deliver_pending
from tracker.reminders.outbox_cli import deliver_command
from tracker.reminders.scheduler import build_scheduler
from tracker.reminders.sweep import run_sweep

reminders_cli = click.Group("reminders", help="提醒与升级 / Reminders and escalations.")
reminders_cli.add_command(deliver_command)
scheduler_cli = click.Group("scheduler", help="定时任务进程 / The scheduler process.")


@reminders_cli.command("sweep", help="执行一次提醒与升级 / Run one reminder and escalation pass.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", help="act as if it were this time (Beijing if no zone)")
@click.option("--json", "as_json", is_flag=True, help='print {"created": N, "by_level": {...}, "by_channel": {...}, "settled": N}')
@with_appcontext
def sweep_command(now_text, as_json):
    now = parse_moment(now_text) if now_text else None
    result = run_sweep(now)
    # Sending happens in real time (a retry or a lapsed claim is timed by the clock), but a sweep at a
    # simulated future moment must still send what it just created.
    deliver_pending(now=max(now, utcnow()) if now else None)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    levels = ", ".join(f"{level}: {count}" for level, count in result.as_json()["by_level"].items()) or "-"
    channels = ", ".join(f"{channel}: {count}" for channel, count in result.by_channel.items()) or "-"
    click.echo(f"created: {result.created}  by level: {levels}  by channel: {channels}")


@scheduler_cli.command("run", help="运行定时任务进程(每个部署只运行一个) / Run the scheduler (one per deployment).")
@click.option("--deliver/--no-deliver", default=True, show_default=True,
              help="also send the outbox every minute; --no-deliver when `reminders deliver --loop` runs beside it")
@with_appcontext
def run_command(deliver):
    scheduler = build_scheduler(current_app._get_current_object(), deliver=deliver)
    click.echo("scheduler started (Asia/Shanghai); Ctrl-C to stop")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
