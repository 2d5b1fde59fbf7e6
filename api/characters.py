"""Characters no stored or queried text may hold, found in one place.

PostgreSQL cannot hold NUL (U+0000) in a text column, and no UTF-8 text (so neither
database) can hold a lone surrogate (U+D800-U+DFFF without its other half). The store's
checks (`api.load.limits`) and the query's argument check (`api.schema.characters`) both
find them here; each words its own error. The tagger's tokenizer, which reads UTF-8, gets
them replaced here (`api.extract.neural`). Imports nothing of the package.
"""
from __future__ import annotations

import re

NUL = "\x00"
# Every surrogate left in a Python string is a lone one: a pair decodes to one character.
_REFUSED = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def refused_at(text: str, allow_nul: bool = False) -> tuple[int, str] | None:
    """(offset, character) of the first refused character of `text` (NUL too unless
    `allow_nul`), or None; the offset counts characters, as statement offsets do."""
    found = (_SURROGATE if allow_nul else _REFUSED).search(text)
    return None if found is None else (found.start(), found.group())


def surrogates_replaced(text: str) -> str:
    """`text` with each lone surrogate read as U+FFFD: one character for one, so
    offsets into the result index `text` too (for readers that want UTF-8)."""
    return _SURROGATE.sub(REPLACEMENT, text)
