"""Text the store takes: no character a database refuses, article bodies within the size limit.

PostgreSQL cannot hold NUL (U+0000) in a text column, and neither database can hold a
lone surrogate (U+D800-U+DFFF without its other half: no UTF-8 encodes it). Text that
has one is refused before anything is extracted or written, naming the field and the
offset, never cleaned: statement offsets must index into the text the client sent, and
the same text sent again must be recognised as already stored.
"""
from __future__ import annotations

from collections.abc import Iterable

from api.characters import NUL, refused_at
from api.errors import QuotegraphError

LIMIT_VARIABLE = "QUOTEGRAPH_MAX_ARTICLE_CHARS"
# Characters of a name the tables index (a publisher, an actor's name or alias, a place):
# PostgreSQL refuses a b-tree index entry past 2,704 bytes, and a character takes up to 4.
MAX_NAME_CHARS = 300


class RefusedText(QuotegraphError):
    """A text field the store cannot take; `field` names it, `message` says why and what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def refused_character(field: str, value: str) -> str | None:
    """Why `value` cannot be stored, naming its first refused character and the offset
    (in characters, as statement offsets count), or None when it can."""
    found = refused_at(value)
    if found is None:
        return None
    offset, char = found
    if char == NUL:
        return f"{field} has a NUL character at offset {offset:,}; remove it"
    return (
        f"{field} has a lone surrogate (U+{ord(char):04X}) at offset {offset:,}, half of a "
        "UTF-16 pair that no UTF-8 text can hold; fix the text's encoding"
    )


def first_refused(fields: Iterable[tuple[str, str | None]]) -> RefusedText | None:
    """The first of (field, value) pairs holding a refused character, as an error."""
    for field, value in fields:
        problem = None if value is None else refused_character(field, value)
        if problem is not None:
            return RefusedText(field, problem)
    return None


def name_too_long(field: str, value: str) -> str | None:
    """Why a name longer than MAX_NAME_CHARS is refused, or None."""
    if len(value) <= MAX_NAME_CHARS:
        return None
    return (
        f"{field} has {len(value):,} characters; a name may have at most {MAX_NAME_CHARS:,}; "
        "send the name alone"
    )


def too_long(field: str, value: str, limit: int) -> str | None:
    """Why an article text past `limit` characters is refused (0: no limit), or None."""
    if not limit or len(value) <= limit:
        return None
    return (
        f"{field} has {len(value):,} characters; the limit is {limit:,} ({LIMIT_VARIABLE}); "
        "send a shorter article or split it"
    )
