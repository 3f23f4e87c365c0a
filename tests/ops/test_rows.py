"""The engine-neutral row form: every kind of column survives a trip through JSON lines and the restore's insert,
on both engines."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from tracker.core.database import UTCDateTime
from tracker.extensions import db
from tracker.ops import rows
from tracker.ops.restore import inserter


def _table(name: str) -> sa.Table:
    return sa.Table(
        name, sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("amount", sa.Numeric(14, 4)), sa.Column("blob", sa.LargeBinary), sa.Column("doc", sa.JSON),
        sa.Column("day", sa.Date), sa.Column("at", UTCDateTime()), sa.Column("flag", sa.Boolean),
        sa.Column("ratio", sa.Float), sa.Column("big", sa.BigInteger), sa.Column("label", sa.String(50)),
    )


VALUES = [
    {"id": 1, "amount": Decimal("1234.5678"), "blob": b"\x00\xff%PDF", "doc": {"键": [1, 2.5, None]},
     "day": date(2026, 2, 28), "at": datetime(2026, 6, 23, 3, 0, 0, 123456), "flag": True,
     "ratio": 0.1 + 0.2, "big": 2**53 + 1, "label": "市科技局"},
    {"id": 2, "amount": None, "blob": None, "doc": sa.null(), "day": None, "at": None, "flag": None,
     "ratio": None, "big": None, "label": None},  # SQL NULL everywhere
    {"id": 3, "amount": Decimal("0"), "blob": b"", "doc": None, "day": date(1999, 12, 31),
     "at": datetime(2000, 1, 1), "flag": False, "ratio": -1e-300, "big": -1, "label": ""},  # JSON null in doc
]


def test_every_kind_of_column_comes_back_exactly(app):
    source, copy = _table("kinds_source"), _table("kinds_copy")
    with db.engine.begin() as connection:
        source.create(connection)
        copy.create(connection)
        connection.execute(source.insert(), VALUES)
        kinds = [column["kind"] for column in rows.describe(source)]
        lines = [json.dumps(rows.encoder(kinds)(row), ensure_ascii=False)
                 for row in connection.execute(rows.select_stored(source))]
        inserter(connection, copy, rows.describe(copy))([json.loads(line) for line in lines])
        stored = {name: list(connection.execute(rows.select_stored(table)))
                  for name, table in (("source", source), ("copy", copy))}
        typed = list(connection.execute(sa.select(copy).order_by(copy.c.id)))
        null_docs = connection.execute(sa.select(copy.c.id).where(copy.c.doc.is_(None))).scalars().all()
        source.drop(connection)
        copy.drop(connection)
    assert kinds == ["integer", "decimal", "bytes", "json", "date", "datetime", "boolean", "float", "integer", "text"]
    assert stored["copy"] == stored["source"]
    assert typed[0].amount == Decimal("1234.5678") and typed[0].blob == b"\x00\xff%PDF"
    assert typed[0].doc == {"键": [1, 2.5, None]} and typed[0].ratio == 0.1 + 0.2 and typed[0].big == 2**53 + 1
    assert typed[0].at.microsecond == 123456 and typed[2].flag is False and typed[2].blob == b""
    assert null_docs == [2], "SQL NULL stays SQL NULL, JSON null stays JSON null"
