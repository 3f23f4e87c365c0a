"""Rows in an engine-neutral form: what a backup writes and a restore reads, the same from SQLite and PostgreSQL.

Each column is read as it is stored, not as the models present it: an enum as its text, a UTC
datetime naive, a JSON column as its JSON text (so that SQL NULL and JSON null stay apart). Each value
then becomes a JSON value by its column's kind: datetimes and dates in ISO 8601, decimals as text,
bytes in base64, floats as JSON numbers (Python writes the shortest form that reads back exactly).
"""
from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from tracker.core.database import UTCDateTime

# Kinds, from the most specific SQLAlchemy type: (kind, the type the column is stored as).
_KINDS = (
    (sa.JSON, "json", sa.Text),
    (UTCDateTime, "datetime", sa.DateTime),
    (sa.DateTime, "datetime", sa.DateTime),
    (sa.Date, "date", sa.Date),
    (sa.Boolean, "boolean", sa.Boolean),
    (sa.Enum, "text", sa.Text),
    (sa.Float, "float", sa.Float),
    (sa.Numeric, "decimal", lambda: sa.Numeric(asdecimal=True)),
    (sa.Integer, "integer", sa.BigInteger),
    (sa.LargeBinary, "bytes", sa.LargeBinary),
    (sa.String, "text", sa.Text),
)


def kind_of(column_type: sa.types.TypeEngine) -> str:
    return _kind(column_type)[0]


def _kind(column_type) -> tuple[str, sa.types.TypeEngine]:
    for python_type, kind, storage in _KINDS:
        if isinstance(column_type, python_type):
            return kind, storage()
    raise TypeError(f"no engine-neutral form for column type {column_type!r}")


def storage_table(table: sa.Table) -> sa.Table:
    """`table` with every column typed as stored: inserts through it move values unconverted."""
    return sa.Table(table.name, sa.MetaData(),
                    *(sa.Column(column.name, _kind(column.type)[1], primary_key=column.primary_key)
                      for column in table.columns))


def select_stored(table: sa.Table) -> sa.Select:
    """Every row of `table` as stored, in primary-key order. JSON is read as text: PostgreSQL's driver would
    otherwise parse it, and SQL NULL and JSON null would both come back as None."""
    stored = storage_table(table)
    columns = [sa.cast(column, sa.Text).label(column.name) if kind_of(table.c[column.name].type) == "json"
               else column for column in stored.columns]
    return sa.select(*columns).order_by(*stored.primary_key.columns)


def describe(table: sa.Table) -> list[dict]:
    """The manifest's column list: name and kind, in the order each row lists its values."""
    return [{"name": column.name, "kind": kind_of(column.type)} for column in table.columns]


ENCODERS = {
    "datetime": datetime.isoformat,
    "date": date.isoformat,
    "decimal": str,
    "bytes": lambda value: base64.b64encode(value).decode("ascii"),
    "boolean": bool,
    "float": float,
    "integer": int,
    "text": str,
    "json": str,
}
DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "boolean": bool,
    "float": float,
    "integer": int,
    "text": str,
    "json": str,
}


def encoder(kinds: list[str]):
    """A function turning one stored row into a list of JSON values."""
    functions = [ENCODERS[kind] for kind in kinds]

    def encode(row) -> list:
        return [None if value is None else function(value) for function, value in zip(functions, row)]

    return encode
