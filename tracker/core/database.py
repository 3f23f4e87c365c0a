"""The declarative base and the column types every area shares."""
from __future__ import annotations

import enum
import sqlite3
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tracker.core.clock import as_utc, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite under gunicorn's threads: WAL lets pages read while a report is written, NORMAL sync is
    safe in WAL, and a writer waits for the lock instead of failing at once."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")


# The largest id (and page number) a 4-byte INTEGER column holds on both engines.
MAX_ID = 2**31 - 1


def bounded_int(value) -> int | None:
    """A positive whole number a query can use, from a query string or form; None for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


# Values in one IN (…) list, at most: under every engine's limit on bound parameters.
IN_LIST_SIZE = 500


def chunks(values: list, size: int = IN_LIST_SIZE) -> list[list]:
    """`values` in slices of `size`, for IN lists and batched statements over thousands of ids."""
    return [values[start:start + size] for start in range(0, len(values), size)]


def reset_sequences(connection: sa.Connection, tables) -> None:
    """PostgreSQL: after rows were written with their ids, each table's id sequence continues after the highest."""
    for table in tables:
        id_column = table.c.get("id")
        if id_column is None or not id_column.primary_key or not id_column.autoincrement:
            continue
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table.name}\"")


class UTCDateTime(sa.types.TypeDecorator):
    """Stored as naive UTC so that SQLite and PostgreSQL behave alike; read back as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def enum_column(enum_cls: type[enum.Enum], **kwargs) -> sa.Enum:
    """A StrEnum stored as its value in a VARCHAR, identical on both engines."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        **kwargs,
    )


class Versioned:
    """Optimistic concurrency: every UPDATE checks and bumps `version`, so a stale write fails."""

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @sa.orm.declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
