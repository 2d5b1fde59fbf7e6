"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-24 17:07:21.904189
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['affiliation_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_affiliation_id'), ['affiliation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_name_key'), ['name_key'], unique=False)

    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('standfirst', sa.Text(), nullable=True),
    sa.Column('published_at', sa.Date(), nullable=True),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('reading_time_minutes', sa.Integer(), nullable=True),
    sa.Column('captions', sa.JSON(), nullable=True),
    sa.Column('credit_line', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_content_hash'), ['content_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_article_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_publisher'), ['publisher'], unique=False)

    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('country_code', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_location_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_parent_id'), ['parent_id'], unique=False)

    op.create_table('actor_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('alias_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('actor_id', 'alias_key', name='uq_actor_alias')
    )
    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_alias_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_alias_alias_key'), ['alias_key'], unique=False)

    op.create_table('article_actor',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.PrimaryKeyConstraint('article_id', 'actor_id')
    )
    with op.batch_alter_table('article_actor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_actor_actor_id'), ['actor_id'], unique=False)

    op.create_table('article_location',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.PrimaryKeyConstraint('article_id', 'location_id')
    )
    with op.batch_alter_table('article_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_location_location_id'), ['location_id'], unique=False)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('cue', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.Column('medium_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('speaker_start', sa.Integer(), nullable=True),
    sa.Column('speaker_end', sa.Integer(), nullable=True),
    sa.Column('speaker_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.ForeignKeyConstraint(['medium_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['speaker_id'], ['actor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_statement_article_start', ['article_id', 'start'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_medium_id'), ['medium_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('statement_location',
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('statement_id', 'location_id')
    )
    with op.batch_alter_table('statement_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_location_location_id'), ['location_id'], unique=False)

    op.create_table('statement_mention',
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('statement_id', 'actor_id')
    )
    with op.batch_alter_table('statement_mention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_mention_actor_id'), ['actor_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('statement_mention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_mention_actor_id'))

    op.drop_table('statement_mention')
    with op.batch_alter_table('statement_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_location_location_id'))

    op.drop_table('statement_location')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_statement_medium_id'))
        batch_op.drop_index(batch_op.f('ix_statement_kind'))
        batch_op.drop_index('ix_statement_article_start')
        batch_op.drop_index(batch_op.f('ix_statement_article_id'))

    op.drop_table('statement')
    with op.batch_alter_table('article_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_location_location_id'))

    op.drop_table('article_location')
    with op.batch_alter_table('article_actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_actor_actor_id'))

    op.drop_table('article_actor')
    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_alias_alias_key'))
        batch_op.drop_index(batch_op.f('ix_actor_alias_actor_id'))

    op.drop_table('actor_alias')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_parent_id'))
        batch_op.drop_index(batch_op.f('ix_location_name_key'))
        batch_op.drop_index(batch_op.f('ix_location_name'))
        batch_op.drop_index(batch_op.f('ix_location_kind'))
        batch_op.drop_index(batch_op.f('ix_location_key'))
        batch_op.drop_index(batch_op.f('ix_location_country_code'))

    op.drop_table('location')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_publisher'))
        batch_op.drop_index(batch_op.f('ix_article_published_at'))
        batch_op.drop_index(batch_op.f('ix_article_content_hash'))

    op.drop_table('article')
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_name_key'))
        batch_op.drop_index(batch_op.f('ix_actor_name'))
        batch_op.drop_index(batch_op.f('ix_actor_kind'))
        batch_op.drop_index(batch_op.f('ix_actor_affiliation_id'))

    op.drop_table('actor')
