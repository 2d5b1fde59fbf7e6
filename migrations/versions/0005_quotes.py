"""quotes: the same words of the same speaker across statements and articles

A `quote` table, `statement.quote_id` (with `quote_edited_at`, set by a person's
correction) and `quote_fingerprint`, the candidate index of the matching
(api/load/quotes.py). Columns are added in place, not by a batch copy of `statement`,
which would drop the full-text triggers of 0003_search.

Revision ID: 0005_quotes
Revises: 0004_statement_parts
Create Date: 2026-12-06 22:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005_quotes'
down_revision: str | None = '0004_statement_parts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('first_statement_id', sa.Integer(), nullable=True),
    sa.Column('first_seen', sa.Date(), nullable=True),
    sa.Column('appearances', sa.Integer(), nullable=False),
    sa.Column('article_count', sa.Integer(), nullable=False),
    sa.Column('edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['speaker_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_quote_speaker_id'), 'quote', ['speaker_id'], unique=False)
    op.create_index(op.f('ix_quote_first_statement_id'), 'quote', ['first_statement_id'], unique=False)
    op.create_index(op.f('ix_quote_first_seen'), 'quote', ['first_seen'], unique=False)
    op.create_index(op.f('ix_quote_appearances'), 'quote', ['appearances'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with REFERENCES in place; Alembic only offers a batch copy.
        op.execute('ALTER TABLE statement ADD COLUMN quote_id INTEGER REFERENCES quote (id)')
    else:
        op.add_column('statement', sa.Column('quote_id', sa.Integer(), nullable=True))
        op.create_foreign_key('statement_quote_id_fkey', 'statement', 'quote', ['quote_id'], ['id'])
    op.add_column('statement', sa.Column('quote_edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index(op.f('ix_statement_quote_id'), 'statement', ['quote_id'], unique=False)

    op.create_table('quote_fingerprint',
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('hash', 'statement_id')
    )
    op.create_index(op.f('ix_quote_fingerprint_statement_id'), 'quote_fingerprint', ['statement_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_quote_fingerprint_statement_id'), table_name='quote_fingerprint')
    op.drop_table('quote_fingerprint')
    op.drop_index(op.f('ix_statement_quote_id'), table_name='statement')
    op.drop_column('statement', 'quote_edited_at')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('statement_quote_id_fkey', 'statement', type_='foreignkey')
    op.drop_column('statement', 'quote_id')
    op.drop_index(op.f('ix_quote_appearances'), table_name='quote')
    op.drop_index(op.f('ix_quote_first_seen'), table_name='quote')
    op.drop_index(op.f('ix_quote_first_statement_id'), table_name='quote')
    op.drop_index(op.f('ix_quote_speaker_id'), table_name='quote')
    op.drop_table('quote')
