"""Writing many rows at once, alike on both engines."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tracker.core.database import chunks
from tracker.extensions import db

# Rows a PostgreSQL INSERT sends as arrays at once (see insert_ignoring_duplicates).
PG_ARRAY_CHUNK = 10_000


def insert_ignoring_duplicates(table: sa.Table, rows: list[dict], unique: list[str], returning) -> list[sa.Row]:
    """INSERT … ON CONFLICT (unique) DO NOTHING of many rows; the `returning` columns of the rows it created.

    SQLite: one executemany, which SQLAlchemy sends as multi-row INSERTs of a statement compiled once.
    PostgreSQL: one array per column, unnested by the server. psycopg reads a statement's placeholders
    in Python and remembers only short statements, so the multi-row VALUES of 1,000 rows × 18 columns
    cost a fifth of a second each to prepare: 0.8 s for a sweep's 4,000 notices, against 0.1 s on SQLite.
    """
    if not rows:
        return []
    if db.session.get_bind().dialect.name != "postgresql":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=unique).returning(*returning)
        return db.session.execute(statement, rows).all()
    names = list(rows[0])
    created = []
    for chunk in chunks(rows, PG_ARRAY_CHUNK):
        arrays = [sa.bindparam(f"{name}_values", [row[name] for row in chunk],
                               type_=postgresql.ARRAY(table.c[name].type)) for name in names]
        source = sa.select(sa.func.unnest(*arrays).table_valued(*names).render_derived())
        statement = (postgresql.insert(table).from_select(names, source)
                     .on_conflict_do_nothing(index_elements=unique).returning(*returning))
        created += db.session.execute(statement).all()
    return created
