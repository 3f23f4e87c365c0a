"""`flask backup create` / `restore`: every row and file back in an empty database, and each refusal says why."""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from tests.conftest import postgres_database
from tests.ops.conftest import HEAD_REVISION, PREVIOUS_REVISION
from tests.ops.support import contents, empty_app, file_hashes, populate
from tracker.departments.services import save_department
from tracker.extensions import db as _db
from tracker.ops.backup import MANIFEST

def _worker(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture
def target_url(engine_name, tmp_path, request) -> str:
    if engine_name == "postgresql":
        return postgres_database(f"restore_{_worker(request)}")
    return f"sqlite:///{tmp_path / 'target.sqlite'}"


@pytest.fixture
def target(target_url, tmp_path):
    """An empty database at head, as `flask db upgrade` leaves it, with empty file folders."""
    app = empty_app(target_url, tmp_path / "target")
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def archive(app, make, stamped, runner, tmp_path):
    populate(make)
    path = tmp_path / "tracker-backup.tar"
    result = runner.invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    assert "备份已写入" in result.output
    return path


def _restore(app, path):
    """`flask backup restore` against `app` (whose context must be the current one: commands use the current app)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["backup", "restore", str(path)])


def _is_empty(app) -> bool:
    with app.app_context():
        found = contents()
    return all(not rows for name, rows in found.items() if name != "data_generations")


def test_restore_brings_back_every_row_and_file_and_new_rows_get_new_ids(app, archive, target):
    source, files = contents(), file_hashes(app)
    result = _restore(target, archive)
    assert result.exit_code == 0, result.stderr
    assert "已恢复" in result.stdout
    with target.app_context():
        assert contents() == source
        assert file_hashes(target) == files
        highest = _db.session.scalar(sa.select(sa.func.max(sa.column("id"))).select_from(sa.table("departments")))
        added = save_department(None, name="新设单位")
        _db.session.commit()
        assert added.id == highest + 1  # PostgreSQL's sequences continue after the restored ids


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(app, archive):
    before = contents()
    result = _restore(app, archive)
    assert result.exit_code == 1
    assert "目标数据库不是空的" in result.stderr and "未做任何恢复" in result.stderr
    assert contents() == before


def test_restore_refuses_a_database_at_another_schema_revision(archive, target):
    with target.app_context():
        stamp(revision=PREVIOUS_REVISION)
    result = _restore(target, archive)
    assert result.exit_code == 1
    assert f"目标数据库是 {PREVIOUS_REVISION}" in result.stderr
    assert _is_empty(target)


def test_restore_asks_for_db_upgrade_on_a_database_without_tables(archive, target_url, tmp_path):
    bare = empty_app(target_url, tmp_path / "bare", migrate=False)
    result = _restore(bare, archive)
    with bare.app_context():
        _db.engine.dispose()
    assert result.exit_code == 1
    assert "flask --app wsgi db upgrade" in result.stderr


def _flip_byte_in(path, member_prefix: str) -> str:
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith(member_prefix))
    with path.open("r+b") as handle:
        handle.seek(member.offset_data + min(20, member.size - 1))
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    return member.name


@pytest.mark.parametrize("member_prefix", ["tables/", "files/evidence/"])
def test_restore_refuses_a_damaged_archive_before_writing_anything(archive, target, member_prefix):
    damaged = _flip_byte_in(archive, member_prefix)
    result = _restore(target, archive)
    assert result.exit_code == 1
    assert "备份文件已损坏" in result.stderr and damaged in result.stderr and "SHA-256" in result.stderr
    assert _is_empty(target)
    assert not any(Path(target.config["EVIDENCE_FOLDER"]).glob("*"))


def test_restore_refuses_an_archive_missing_a_member_or_cut_short(archive, target, tmp_path):
    partial = tmp_path / "partial.tar"
    with tarfile.open(archive) as source, tarfile.open(partial, "w") as copy:
        for member in source.getmembers():
            if not member.name.startswith("files/reports/"):
                copy.addfile(member, source.extractfile(member))
    result = _restore(target, partial)
    assert result.exit_code == 1 and "缺少 files/reports/" in result.stderr

    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    result = _restore(target, cut)
    assert result.exit_code == 1 and "备份文件已损坏" in result.stderr

    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("这不是备份")
    result = _restore(target, not_an_archive)
    assert result.exit_code == 1 and "不是 tar 归档" in result.stderr
    assert _is_empty(target)


def test_backup_of_a_database_never_migrated_asks_for_db_upgrade(app, runner, tmp_path):
    with _db.engine.begin() as connection:  # another test of this worker may have migrated its database
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    result = runner.invoke(args=["backup", "create", str(tmp_path / "x.tar")])
    assert result.exit_code == 1
    assert "flask --app wsgi db upgrade" in result.output
    assert not (tmp_path / "x.tar").exists()


def test_the_manifest_counts_each_tables_rows_and_names_the_revision(archive, app):
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        names = tar.getnames()
    source = contents()
    assert [t["name"] for t in manifest["tables"]] == [t.name for t in _db.metadata.sorted_tables]
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {name: len(rows) for name, rows in source.items()}
    assert manifest["revision"] == HEAD_REVISION and names[-1] == MANIFEST
    assert {f["folder"] for f in manifest["files"]} == {"evidence", "reports"}
