"""statement parts: what was said, without the attribution that interrupts it

A nullable JSON column: NULL reads as the one part [start, end), so rows stored
before it need no data written (api/store/models.py, docs/extraction.md). Re-extraction
fills it where the parts differ from the span.

Revision ID: 0004_statement_parts
Revises: 0003_search
Create Date: 2026-12-02 00:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_statement_parts'
down_revision: str | None = '0003_search'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases (SQLite 3.35+ drops a column in place): a batch
# copy of `statement` would drop the full-text triggers of 0003_search with it.
def upgrade() -> None:
    op.add_column('statement', sa.Column('parts', sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    op.drop_column('statement', 'parts')
