"""search: statement text indexed for word-prefix search on both databases

PostgreSQL gets a GIN expression index on the statement text's words; SQLite an FTS5
external-content table kept in step with `statement` by triggers. Both split text into
runs of letters and digits, so a search finds the same statements on either database
(the loaders' `_statement_filters` holds the matching query).

Both also get ix_article_feed, the feed's order of articles (newest first, undated last):
a first page of a common word, or of a busy place in a date range, walks it and stops
after a page instead of sorting every match.

Revision ID: 0003_search
Revises: 0002_corrections
Create Date: 2026-11-24 22:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0003_search'
down_revision: str | None = '0002_corrections'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words of a statement, kept in the generated column statement.words (PostgreSQL),
# which api/loaders/ searches. Non-alphanumerics become spaces first because the
# default parser keeps 'example.com', '-5' or '3.5' whole, where FTS5 splits them.
_PG_WORDS = "to_tsvector('simple', regexp_replace(text, '[^[:alnum:]]+', ' ', 'g'))"

# Character for character `_published()` in api/loaders/, for the same reason (asyncpg
# sends the undated sentinel, date.min, as -infinity).
_FEED = "ix_article_feed ON article (coalesce(published_at, '0001-01-01') DESC, id DESC)"
_PG_FEED = "ix_article_feed ON article ((coalesce(published_at, '-infinity'::date)) DESC, id DESC)"

_SQLITE_UP = (
    # remove_diacritics 0: 'café' and 'cafe' stay distinct, as on PostgreSQL.
    """CREATE VIRTUAL TABLE statement_fts USING fts5(
        text, content='statement', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER statement_fts_insert AFTER INSERT ON statement BEGIN
        INSERT INTO statement_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER statement_fts_delete AFTER DELETE ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER statement_fts_update AFTER UPDATE OF text ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO statement_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    "INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')",
    f"CREATE INDEX {_FEED}",
)
_SQLITE_DOWN = (
    "DROP INDEX IF EXISTS ix_article_feed",
    "DROP TRIGGER IF EXISTS statement_fts_update",
    "DROP TRIGGER IF EXISTS statement_fts_delete",
    "DROP TRIGGER IF EXISTS statement_fts_insert",
    "DROP TABLE IF EXISTS statement_fts",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for statement in _SQLITE_UP:
            op.execute(statement)
    else:
        # Stored, so neither a search through the index nor a walk down the feed that
        # checks each statement recomputes the words (the regexp costs ~10 us a row).
        op.execute(f"ALTER TABLE statement ADD COLUMN words tsvector "
                   f"GENERATED ALWAYS AS ({_PG_WORDS}) STORED")
        op.execute("CREATE INDEX ix_statement_text_words ON statement USING gin (words)")
        op.execute(f"CREATE INDEX {_PG_FEED}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for statement in _SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_article_feed")
        op.execute("DROP INDEX IF EXISTS ix_statement_text_words")
        op.execute("ALTER TABLE statement DROP COLUMN IF EXISTS words")
