"""search: FTS5 trigram tables kept by triggers (SQLite), pg_trgm GIN indexes (PostgreSQL)

The search box finds items, progress reports, coordination issues and evidence file names by any
substring; the index is filled from the rows already there.

Revision ID: 3b7e9d1c5a28
Revises: 5d2a8c6e1f47
Create Date: 2026-12-07 23:55:00

"""
from alembic import op

from tracker.search.models import install_search_index, remove_search_index


# revision identifiers, used by Alembic.
revision = '3b7e9d1c5a28'
down_revision = '7b3e9d2c4a18'
branch_labels = None
depends_on = None


def upgrade():
    install_search_index(op.get_bind())


def downgrade():
    remove_search_index(op.get_bind())
