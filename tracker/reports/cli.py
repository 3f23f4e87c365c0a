"""`flask reports …`: write supervision reports, dispatch sheets and ledgers (each also archived)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.reports.figures import PeriodError, resolve_period

reports_cli = click.Group("reports", help="督查通报与台账 / Reports and ledgers.")

period_option = click.option("--period", "period_label", default=None,
                             help="2025-03, 2025-Q1 or 2025; default: the last month that has ended")
out_option = click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                          help="file to write")


def _period(label):
    try:
        return resolve_period(label)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None


def _write(out: Path, content: bytes, archived) -> None:
    out.write_bytes(content)
    db.session.commit()
    click.echo(f"{out}\t{len(content)} bytes\tsha256 {archived.sha256}\tarchive #{archived.id}")


@reports_cli.command("supervision")
@period_option
@out_option
@click.option("--doc-number", default=None, help="文号, e.g. 督查通报〔2025〕3号")
@with_appcontext
def supervision_command(period_label, out, doc_number):
    """Write the supervision report (督查通报) PDF for a period and archive it."""
    from tracker.reports import supervision

    archived, content = supervision.generate(_period(period_label), doc_number=doc_number)
    _write(out, content, archived)


@reports_cli.command("dispatch")
@click.option("--department", "department_key", required=True, help="单位的编号或全称")
@period_option
@out_option
@with_appcontext
def dispatch_command(department_key, period_label, out):
    """Write one department's dispatch sheet (调度单) PDF and archive it."""
    from tracker.reports import dispatch

    try:
        department = dispatch.find_department(department_key)
    except dispatch.UnknownDepartment as error:
        raise click.BadParameter(str(error), param_hint="--department") from None
    archived, content = dispatch.generate(department, _period(period_label))
    _write(out, content, archived)


@reports_cli.command("ledger")
@period_option
@out_option
@with_appcontext
def ledger_command(period_label, out):
    """Write the ledger (台账) of every item as an Excel workbook and archive it."""
    from tracker.reports import ledger

    archived, content = ledger.generate(_period(period_label))
    _write(out, content, archived)
