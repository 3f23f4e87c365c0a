"""`flask reminders …` and `flask scheduler …`."""
from __future__ import annotations

import click

reminders_cli = click.Group("reminders", help="提醒与升级 / Reminders and escalations.")
scheduler_cli = click.Group("scheduler", help="定时任务进程 / The scheduler process.")
