"""`flask plans …`: parse and import plans from files."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.extensions import db


plans_cli = click.Group("plans", help="解析与导入方案 / Parse and import plans.")


def read_plan_file(path: str) -> tuple[str, str]:
    # Imported here: the parser loads OpenCC's dictionaries, which no other command needs.
    from tracker.plans.parser import PlanFileError, read_plan_bytes

    data = Path(path).read_bytes()
    try:
        return read_plan_bytes(data, Path(path).name), Path(path).name
    except PlanFileError as error:
        raise click.ClickException(error.message) from None


@plans_cli.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print the parse as one JSON object")
def parse(file, as_json):
    """Parse FILE without touching the database."""
    from tracker.plans.parser import parse_plan

    text, filename = read_plan_file(file)
    result = parse_plan(text, filename=filename).to_dict()
    if as_json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    click.echo(result["title"])
    for task in result["tasks"]:
        co = "、".join(task["co"])
        click.echo(f"{task['number']}\t{task['title']}\t{task['lead'] or '-'}\t{co}")
    for warning in result["warnings"]:
        click.echo(f"! {warning['message']}", err=True)


@plans_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--allow-same-title", is_flag=True, help="import even if a plan with the same title and 文号 exists")
@with_appcontext
def import_command(file, allow_same_title):
    """Import FILE as a draft for review; print its id, title and task count, then its warnings."""
    from tracker.plans import drafts
    from tracker.plans.services import PlanRefused, import_plan

    text, filename = read_plan_file(file)
    try:
        plan = import_plan(text, filename=filename, allow_same_title=allow_same_title)
    except PlanRefused as refused:
        raise click.ClickException(refused.message) from None
    db.session.commit()
    click.echo(f"{plan.id}\t{plan.title}\t{len(drafts.live_tasks(plan.draft))}")
    for warning in plan.draft.get("warnings", []):
        click.echo(f"! {warning['message']}", err=True)
