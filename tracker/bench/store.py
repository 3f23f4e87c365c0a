"""Where the benchmark's database lives, and the cache of built datasets.

SQLite: a file in the run's work directory. PostgreSQL: a database (default `tracker_bench`) dropped
and created afresh on the server. Building the scale-1 dataset takes minutes, so a built database is
kept under the cache directory (SQLite: a file; PostgreSQL: a template database) keyed by scale, the
build date, the schema's DDL and this generator's source: any model or generator change, or a new
day, builds afresh. Each run works on a copy, so the sweeps that add notifications never touch it.
"""
from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from tracker.bench import dataset
from tracker.extensions import db
from tracker.search import models as search_models


def cache_key(engine: str, scale: float, today: date) -> str:
    from tracker import models  # noqa: F401  (every table, so that any model change makes a new key)

    dialect = postgresql.dialect() if engine == "postgresql" else sqlite.dialect()
    digest = hashlib.sha256()
    digest.update(Path(dataset.__file__).read_bytes())
    # The search index is installed with the tables but described by no model: its DDL counts too.
    digest.update(Path(search_models.__file__).read_bytes())
    digest.update(f"{engine}:{scale!r}:{today.isoformat()}".encode())
    for table in db.metadata.sorted_tables:
        digest.update(str(CreateTable(table).compile(dialect=dialect)).encode())
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            digest.update(str(CreateIndex(index).compile(dialect=dialect)).encode())
    return digest.hexdigest()[:10]


def scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


class SQLiteStore:
    engine = "sqlite"

    def __init__(self, workdir: Path, cache_dir: Path | None):
        self.path = workdir / "bench.sqlite"
        self.cache_dir = cache_dir

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def fresh(self) -> None:
        self.path.unlink(missing_ok=True)

    def cached(self, key: str, scale: float) -> dataset.Meta | None:
        meta, file = self._cache_paths(key, scale)
        if self.cache_dir is None or not (meta.exists() and file.exists()):
            return None
        shutil.copyfile(file, self.path)
        return dataset.Meta.from_json(meta.read_text())

    def keep(self, key: str, scale: float, meta: dataset.Meta) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.cache_dir.glob(f"sqlite-{scale_tag(scale)}-*"):
            stale.unlink()
        meta_path, file = self._cache_paths(key, scale)
        shutil.copyfile(self.path, file)
        meta_path.write_text(meta.to_json())

    def _cache_paths(self, key: str, scale: float) -> tuple[Path, Path]:
        stem = self.cache_dir / f"sqlite-{scale_tag(scale)}-{key}" if self.cache_dir else Path("-")
        return stem.with_suffix(".json"), stem.with_suffix(".sqlite")

    def size_bytes(self) -> int:
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


class PostgresStore:
    engine = "postgresql"

    def __init__(self, server_url: str, name: str, cache_dir: Path | None):
        self.server_url = server_url.rstrip("/")
        self.name = name
        self.cache_dir = cache_dir

    @property
    def url(self) -> str:
        return f"{self.server_url.rsplit('/', 1)[0]}/{self.name}"

    def _admin(self) -> sa.Engine:
        base = self.server_url.rsplit("/", 1)[0]
        return sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                                isolation_level="AUTOCOMMIT")

    def _execute(self, *statements: str) -> None:
        engine = self._admin()
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)
        finally:
            engine.dispose()

    def _query(self, statement: str, **params) -> list:
        engine = self._admin()
        try:
            with engine.connect() as connection:
                return connection.execute(sa.text(statement), params).all()
        finally:
            engine.dispose()

    def fresh(self, template: str | None = None) -> None:
        clause = f' TEMPLATE "{template}"' if template else ""
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"{clause}')

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _cache_names(self, key: str, scale: float) -> tuple[Path, str]:
        tag = scale_tag(scale)
        meta = self.cache_dir / f"postgresql-{tag}-{key}.json" if self.cache_dir else Path("-")
        return meta, f"tracker_bench_cache_{tag}_{key}"

    def cached(self, key: str, scale: float) -> dataset.Meta | None:
        meta, template = self._cache_names(key, scale)
        if self.cache_dir is None or not meta.exists():
            return None
        if not self._query("SELECT 1 FROM pg_database WHERE datname = :name", name=template):
            return None
        self.fresh(template)
        return dataset.Meta.from_json(meta.read_text())

    def keep(self, key: str, scale: float, meta: dataset.Meta) -> None:
        """The built database becomes the template that later runs copy (CREATE DATABASE … TEMPLATE)."""
        if self.cache_dir is None:
            return
        meta_path, template = self._cache_names(key, scale)
        stale = self._query("SELECT datname FROM pg_database WHERE datname LIKE :pattern",
                            pattern=f"tracker_bench_cache_{scale_tag(scale)}_%")
        self._execute(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for (name,) in stale))
        self._execute(f'CREATE DATABASE "{template}" TEMPLATE "{self.name}"')
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for old in self.cache_dir.glob(f"postgresql-{scale_tag(scale)}-*.json"):
            old.unlink()
        meta_path.write_text(meta.to_json())

    def size_bytes(self) -> int:
        [(size,)] = self._query("SELECT pg_database_size(:name)", name=self.name)
        return int(size)
