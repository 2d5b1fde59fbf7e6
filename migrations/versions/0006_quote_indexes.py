"""quote indexes: what the clustering reads, not what nothing reads

`ix_quote_first_statement_id` is dropped: no query looks a quote up by its first
statement (the first statement is read by its own primary key), and every quote row
written paid for it. `ix_statement_quote_placed` is a partial index of the statements a
person placed in a quote (`quote_edited_at` set): each batch of new articles asks which of
its candidate quotes hold one, and without it that question walked every member of every
candidate quote.

Revision ID: 0006_quote_indexes
Revises: 0005_quotes
Create Date: 2026-12-07 01:40:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_quote_indexes'
down_revision: str | None = '0005_quotes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLACED = sa.text('quote_edited_at IS NOT NULL')


def upgrade() -> None:
    op.drop_index('ix_quote_first_statement_id', table_name='quote')
    op.create_index('ix_statement_quote_placed', 'statement', ['quote_id'], unique=False,
                    postgresql_where=_PLACED, sqlite_where=_PLACED)


def downgrade() -> None:
    op.drop_index('ix_statement_quote_placed', table_name='statement')
    op.create_index('ix_quote_first_statement_id', 'quote', ['first_statement_id'], unique=False)
