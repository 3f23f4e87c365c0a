"""`flask backup create FILE`: one archive with every table's rows, the evidence files and the archived reports.

The archive is a tar file:

* `tables/NN-<table>.jsonl.gz`: one member per table, in dependency order (parents first), one JSON
  array per row in primary-key order, gzip-compressed (tracker.ops.rows gives the engine-neutral form);
* `files/evidence/<name>` and `files/reports/<name>`: the evidence files and archived reports the
  rows name, as they are on disk;
* `manifest.json` (last): the format, the schema revision, each table's columns, kinds and row count,
  and the SHA-256 and size of every member, so a restore can refuse a damaged archive before writing.

The rows come from one consistent state of the database while the app keeps running: on SQLite a
copy made with SQLite's online backup API, on PostgreSQL one REPEATABLE READ READ ONLY transaction.
Files are written once and never changed, so the ones the snapshot names can be read afterwards.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.ops import rows
from tracker.ops.revisions import database_revisions
from tracker.reports.models import ArchivedReport
from tracker.tasks.models import Evidence

FORMAT = "tracker-backup/1"
MANIFEST = "manifest.json"
FETCH_ROWS = 5_000
CHUNK = 1 << 20
# Where each kind of file lives (a config key) and the rows that name them.
FILE_FOLDERS = {"evidence": ("EVIDENCE_FOLDER", Evidence), "reports": ("ARCHIVE_FOLDER", ArchivedReport)}


class BackupError(Exception):
    """The backup cannot be made; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    size_bytes: int
    seconds: float


@contextmanager
def snapshot(workdir: Path) -> Iterator[sa.Connection]:
    """A connection that sees one state of the database, however long the caller reads and whatever others write."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        copy_path = workdir / "snapshot.sqlite"
        source, target = engine.raw_connection(), sqlite3.connect(copy_path)
        try:
            source.driver_connection.backup(target)  # all pages in one step: one state of the file
        finally:
            target.close()
            source.close()
        copy = sa.create_engine(f"sqlite:///{copy_path}")
        try:
            with copy.connect() as connection:
                yield connection
        finally:
            copy.dispose()
    else:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with connection.begin():
                yield connection


class _Hashing(io.RawIOBase):
    """Reads through `stream`, hashing what passes: a file is read once to archive and to check it."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.sha256 = stream, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.sha256.update(data)
        buffer[:len(data)] = data
        return len(data)


def _write_table(connection: sa.Connection, table: sa.Table, path: Path) -> int:
    """The table's rows as gzip-compressed JSON lines in `path`; how many."""
    encode = rows.encoder([column["kind"] for column in rows.describe(table)])
    count = 0
    result = connection.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(rows.select_stored(table))
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for partition in result.partitions():
            out.writelines(json.dumps(encode(row), ensure_ascii=False, separators=(",", ":")) + "\n"
                           for row in partition)
            count += len(partition)
    return count


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _add_tables(tar: tarfile.TarFile, connection: sa.Connection, workdir: Path, log) -> list[dict]:
    entries = []
    for index, table in enumerate(db.metadata.sorted_tables, start=1):
        member = f"tables/{index:02d}-{table.name}.jsonl.gz"
        path = workdir / "table.jsonl.gz"
        count = _write_table(connection, table, path)
        entries.append({"name": table.name, "member": member, "rows": count, "columns": rows.describe(table),
                        "sha256": _sha256_of(path), "size": path.stat().st_size})
        tar.add(path, arcname=member)
        path.unlink()
        log(f"  {table.name}: {count:,}")
    return entries


def _add_files(tar: tarfile.TarFile, connection: sa.Connection) -> list[dict]:
    """Every evidence file and archived report the snapshot's rows name, checked against their recorded SHA-256."""
    entries = []
    for folder_name, (config_key, model) in FILE_FOLDERS.items():
        folder = Path(current_app.config[config_key])
        for stored_name, recorded in connection.execute(
                sa.select(model.stored_name, model.sha256).order_by(model.id)):
            path = folder / stored_name
            try:
                with path.open("rb") as handle:
                    stat = os.fstat(handle.fileno())
                    reader = _Hashing(handle)
                    info = tarfile.TarInfo(f"files/{folder_name}/{stored_name}")
                    info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
                    tar.addfile(info, reader)
            except FileNotFoundError:
                raise BackupError(_("文件 %(path)s 不存在,但数据库仍引用它;请从旧备份中找回该文件后再备份。",
                                    path=path)) from None
            if reader.sha256.hexdigest() != recorded:
                raise BackupError(_("文件 %(path)s 的 SHA-256 与数据库记录不符(文件已被改动);请从旧备份中找回原文件后再备份。",
                                    path=path))
            entries.append({"folder": folder_name, "name": stored_name, "member": info.name, "sha256": recorded,
                            "size": info.size})
    return entries


def _add_json(tar: tarfile.TarFile, name: str, content: dict) -> None:
    data = json.dumps(content, ensure_ascii=False, indent=1).encode()
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))


def create_backup(out: Path, log=lambda line: None) -> BackupResult:
    """Write the archive to `out` (replaced only once complete)."""
    started = time.perf_counter()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".tracker-backup-") as work:
        workdir = Path(work)
        partial = workdir / "partial.tar"
        with snapshot(workdir) as connection:
            revisions = database_revisions(connection)
            if len(revisions) != 1:
                raise BackupError(_("数据库没有记录结构版本(alembic_version);请先运行 flask --app wsgi db upgrade。"))
            log(_("一致快照已建立,正在写入各表……"))
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                tables = _add_tables(tar, connection, workdir, log)
                files = _add_files(tar, connection)
                manifest = {"format": FORMAT, "created_at": utcnow().isoformat(), "revision": revisions[0],
                            "engine": db.engine.dialect.name, "tables": tables, "files": files}
                _add_json(tar, MANIFEST, manifest)
        os.replace(partial, out)
    return BackupResult(out, len(tables), sum(t["rows"] for t in tables), len(files), out.stat().st_size,
                        time.perf_counter() - started)
