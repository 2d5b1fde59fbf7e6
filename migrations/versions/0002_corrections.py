"""corrections: the correction table, edit marks and statement tombstones

Revision ID: 0002_corrections
Revises: 0001
Create Date: 2026-11-24 20:38:35.047566
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002_corrections'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('token_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.create_index('ix_correction_entity', ['entity_type', 'entity_id'], unique=False)

    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_statement_deleted_at'), ['deleted_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_deleted_at'))
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.drop_column('merged')

    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.drop_index('ix_correction_entity')

    op.drop_table('correction')
