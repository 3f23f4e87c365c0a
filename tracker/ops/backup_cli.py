"""`flask backup create FILE` and `flask backup restore FILE`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from tracker.ops.backup import BackupError, create_backup
from tracker.ops.restore import RestoreRefused, restore_backup

backup_cli = click.Group("backup", help="备份与恢复(也用于从 SQLite 迁到 PostgreSQL) / Back up and restore "
                                        "(also how SQLite moves to PostgreSQL).")


def _echo(line: str) -> None:
    click.echo(line, err=True)


def _refusing(work, refusal: type[Exception]):
    """`work()`'s result; its refusal printed as it is (the reason and what to do), with exit status 1."""
    try:
        return work()
    except refusal as error:
        _echo(str(error))
        raise SystemExit(1) from None


@backup_cli.command("create", help="把全部数据、佐证材料和存档通报写入一个备份文件 / Write every table, evidence file "
                                   "and archived report to one archive.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def create_command(file: Path):
    result = _refusing(lambda: create_backup(file, log=_echo), BackupError)
    click.echo(_("备份已写入 %(path)s:%(tables)d 张表共 %(rows)d 行,%(files)d 个文件,%(mb).1f MB,用时 %(seconds).1f 秒。",
                 path=result.path, tables=result.tables, rows=result.rows, files=result.files,
                 mb=result.size_bytes / 2**20, seconds=result.seconds))


@backup_cli.command("restore", help="把备份恢复到空数据库(先运行 db upgrade) / Restore an archive into an empty "
                                    "database (run db upgrade first).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path):
    result = _refusing(lambda: restore_backup(file, log=_echo), RestoreRefused)
    click.echo(_("已恢复 %(tables)d 张表共 %(rows)d 行和 %(files)d 个文件,用时 %(seconds).1f 秒。",
                 tables=result.tables, rows=result.rows, files=result.files, seconds=result.seconds))
