"""`flask backup restore FILE`: fill an empty database, of either engine, from an archive of tracker.ops.backup.

Before writing anything the restore refuses, saying why: an archive that is not one or is damaged
(a member missing or not matching its SHA-256), a database at another schema revision than the
archive's (`flask db upgrade` brings an empty one to the code's), and a database that holds data.
Then the files go to their folders and the rows into the tables, table by table in dependency order,
streamed from the archive in batches (never a whole table in memory), all in one transaction; on
PostgreSQL the id sequences continue after the restored ids. Rows that point at a later row of their
own table (a department under one created after it) get that column once every row is in.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from tracker.core.database import reset_sequences
from tracker.extensions import db
from tracker.ops import rows
from tracker.ops.backup import CHUNK, FILE_FOLDERS, FORMAT, MANIFEST
from tracker.ops.revisions import database_revisions

BATCH_ROWS = 5_000
# Rows the schema itself creates (the page cache's counter): an empty database has them, the archive's replace them.
SEEDED_TABLES = {"data_generations"}


class RestoreRefused(Exception):
    """The archive cannot be restored here; nothing was written. The message says why and what to do."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    seconds: float


def _damaged(reason: str) -> RestoreRefused:
    return RestoreRefused(_("备份文件已损坏,未做任何恢复:%(reason)s", reason=reason))


def open_archive(path: Path) -> tuple[tarfile.TarFile, dict]:
    """The archive and its manifest, or RestoreRefused when it is no tracker backup."""
    try:
        tar = tarfile.open(path, "r:")
    except FileNotFoundError:
        raise RestoreRefused(_("找不到备份文件 %(path)s。", path=path)) from None
    except tarfile.TarError as error:
        raise _damaged(_("不是 tar 归档(%(error)s)", error=error)) from None
    try:
        manifest = json.loads(_member(tar, MANIFEST).read())
    except RestoreRefused:
        tar.close()
        raise
    except (ValueError, tarfile.TarError, EOFError, OSError):
        tar.close()
        raise _damaged(_("清单 manifest.json 无法读取")) from None
    if manifest.get("format") != FORMAT:
        tar.close()
        raise RestoreRefused(_("这不是本系统的备份文件(格式为 %(format)s)。", format=manifest.get("format")))
    return tar, manifest


def _member(tar: tarfile.TarFile, name: str):
    try:
        handle = tar.extractfile(name)
    except (KeyError, tarfile.TarError):
        handle = None
    if handle is None:
        raise _damaged(_("缺少 %(member)s", member=name))
    return handle


def _check_revision(manifest: dict, connection: sa.Connection) -> None:
    revisions = database_revisions(connection)
    if not revisions:
        raise RestoreRefused(_("目标数据库还没有表结构:请先运行 flask --app wsgi db upgrade,再恢复。"))
    if revisions != (manifest["revision"],):
        raise RestoreRefused(_(
            "备份的数据库结构版本是 %(archive)s,目标数据库是 %(target)s:请用与备份时相同版本的程序恢复到空数据库,"
            "恢复后再运行 flask --app wsgi db upgrade。", archive=manifest["revision"], target=", ".join(revisions)))


def _check_empty(connection: sa.Connection) -> None:
    for table in db.metadata.sorted_tables:
        if table.name in SEEDED_TABLES:
            continue
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
            count = connection.scalar(sa.select(sa.func.count()).select_from(table))
            raise RestoreRefused(_(
                "目标数据库不是空的(表 %(table)s 已有 %(count)d 行),为免覆盖数据,未做任何恢复:"
                "请恢复到新建的空数据库(建库后运行 flask --app wsgi db upgrade)。", table=table.name, count=count))


def _check_members(tar: tarfile.TarFile, manifest: dict) -> None:
    """Every member the manifest lists is there with its SHA-256; the tables' columns are this schema's."""
    for entry in manifest["tables"]:
        table = db.metadata.tables.get(entry["name"])
        if table is None or entry["columns"] != rows.describe(table):
            raise _damaged(_("表 %(table)s 的列与当前结构不符", table=entry["name"]))
    for entry in manifest["tables"] + manifest["files"]:
        digest, handle = hashlib.sha256(), _member(tar, entry["member"])
        try:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        except (tarfile.TarError, OSError, EOFError):
            raise _damaged(_("%(member)s 不完整", member=entry["member"])) from None
        if digest.hexdigest() != entry["sha256"]:
            raise _damaged(_("%(member)s 的 SHA-256 与清单不符", member=entry["member"]))


def _restore_files(tar: tarfile.TarFile, manifest: dict) -> None:
    """Each file into its folder under its stored name; one already there with the same content is kept."""
    for entry in manifest["files"]:
        folder = Path(current_app.config[FILE_FOLDERS[entry["folder"]][0]])
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(entry["name"]).name
        if target.exists():
            if hashlib.sha256(target.read_bytes()).hexdigest() == entry["sha256"]:
                continue
            raise RestoreRefused(_("文件 %(path)s 已存在且内容不同,未覆盖:请恢复到空的文件目录。", path=target))
        partial = target.with_name(target.name + ".partial")
        with partial.open("wb") as out:
            handle = _member(tar, entry["member"])
            while chunk := handle.read(CHUNK):
                out.write(chunk)
        os.chmod(partial, 0o444 if entry["folder"] == "reports" else 0o644)
        os.replace(partial, target)


def _late_columns(table: sa.Table) -> list[str]:
    """Columns pointing at rows of the same table, which may come later in it."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _rows(tar: tarfile.TarFile, entry: dict):
    """The member's rows, each the list of its JSON values (the archive's form)."""
    with gzip.open(_member(tar, entry["member"]), "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _batches(values, size: int = BATCH_ROWS):
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _copy_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# Each kind's JSON value as PostgreSQL's COPY text format reads it: ISO 8601 datetimes and dates as written,
# floats in Python's shortest exact form, bytea in hex.
COPY_TEXT = {
    "text": _copy_escaped, "json": _copy_escaped, "integer": str, "float": repr, "decimal": str,
    "datetime": str, "date": str, "boolean": lambda value: "t" if value else "f",
    "bytes": lambda value: "\\\\x" + base64.b64decode(value).hex(),
}


def inserter(connection: sa.Connection, table: sa.Table, columns: list[dict]):
    """A function inserting batches of rows in the archive's form (lists of JSON values, `columns` their names
    and kinds) into `table`.

    PostgreSQL: COPY in its text format, written straight from the JSON values (making Python datetimes and
    having psycopg adapt them took most of the time). SQLite: one executemany of plain tuples, each value
    decoded, then bound by SQLAlchemy's own processor for the column (SQLAlchemy's executemany spent four
    times as long per row building its parameters as SQLite spent inserting them).
    """
    names = [column["name"] for column in columns]
    quoted = ", ".join(f'"{name}"' for name in names)
    if connection.dialect.name == "postgresql":
        statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
        texts = [COPY_TEXT[column["kind"]] for column in columns]

        def copy(batch: list[list]) -> None:
            data = "".join("\t".join("\\N" if value is None else text(value) for text, value in zip(texts, values))
                           + "\n" for values in batch)
            with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as writer:
                writer.write(data)

        return copy
    dialect, stored = connection.dialect, rows.storage_table(table)
    converters = []
    for position, column in enumerate(columns):
        decode = rows.DECODERS[column["kind"]]
        process = stored.c[column["name"]].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None or column["kind"] in ("datetime", "date", "decimal", "bytes"):
            converters.append((position, decode, process or (lambda value: value)))
    statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" for _ in names)})'

    def insert(batch: list[list]) -> None:
        for values in batch:
            for position, decode, process in converters:
                if values[position] is not None:
                    values[position] = process(decode(values[position]))
        connection.exec_driver_sql(statement, [tuple(values) for values in batch])

    return insert


def _load_table(connection: sa.Connection, tar: tarfile.TarFile, entry: dict) -> tuple[int, list[dict]]:
    """Insert the table's rows; (how many, the late columns' values to set once all rows are in)."""
    table = db.metadata.tables[entry["name"]]
    names = [column["name"] for column in entry["columns"]]
    late = [names.index(name) for name in _late_columns(table)]
    keys = [names.index(column.name) for column in table.primary_key.columns]
    insert, deferred, count = inserter(connection, table, entry["columns"]), [], 0
    if table.name in SEEDED_TABLES:
        connection.execute(table.delete())
    for batch in _batches(_rows(tar, entry)):
        for values in batch:
            if any(values[i] is not None for i in late):
                deferred.append({**{f"key_{i}": values[i] for i in keys},
                                 **{f"late_{names[i]}": values[i] for i in late}})
                for i in late:
                    values[i] = None
        insert(batch)
        count += len(batch)
    return count, deferred


def _set_late(connection: sa.Connection, table: sa.Table, deferred: list[dict]) -> None:
    names = [column.name for column in table.columns]
    stored = rows.storage_table(table)
    condition = sa.and_(*(stored.c[column.name] == sa.bindparam(f"key_{names.index(column.name)}")
                          for column in table.primary_key.columns))
    late = _late_columns(table)
    statement = stored.update().where(condition).values({name: sa.bindparam(f"late_{name}") for name in late})
    connection.execute(statement, deferred)


def restore_backup(path: Path, log=lambda line: None) -> RestoreResult:
    started = time.perf_counter()
    tar, manifest = open_archive(path)
    with tar, db.engine.connect() as connection:
        _check_revision(manifest, connection)
        _check_empty(connection)
        connection.rollback()
        log(_("正在校验备份文件……"))
        _check_members(tar, manifest)
        _restore_files(tar, manifest)
        total, late = 0, {}
        with connection.begin():
            for entry in manifest["tables"]:
                count, deferred = _load_table(connection, tar, entry)
                if deferred:
                    late[entry["name"]] = deferred
                total += count
                log(f"  {entry['name']}: {count:,}")
            for name, deferred in late.items():
                _set_late(connection, db.metadata.tables[name], deferred)
            if connection.dialect.name == "postgresql":
                reset_sequences(connection, db.metadata.sorted_tables)
    return RestoreResult(len(manifest["tables"]), total, len(manifest["files"]), time.perf_counter() - started)
