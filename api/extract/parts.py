"""Parts: the pieces of a statement's content that were said, without its attribution.

A quotation interrupted by its attribution (`"A," he said, "b."` or
`"A," he said. "B."`) is one statement whose outer span runs from A to b;
its parts are the words inside the marks, A and b, and its text joins them.
A direct statement's one part is the inside of its marks; reported speech
crossing its attribution (`The plan, the mayor said, would fail`) keeps the
words either side of the frame. Every other statement has one part, its span.

Parts are joined with one space where the words run on: the earlier part ends
a sentence (. ! ? …), or ends a clause (, ; : or a dash) and the next part goes
on in lower case (`"A," he said, "and b."` gives `A, and b.`). Anywhere else
" … " (space, ellipsis, space) marks the words left out: `"A," he said. "B."`
gives `A, … B.`.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from api.extract.quotes import Quote, QuoteKind
from api.extract.results import Span, StatementKind
from api.extract.statements import Draft

__all__ = ["ELISION", "SEPARATOR", "joined_text", "with_parts"]

SEPARATOR = " "
ELISION = " \u2026 "
_CLOSING_MARKS = "\"'\u201d\u2019\u00bb"
_SENTENCE_END = frozenset(".!?\u2026")
_CLAUSE_END = frozenset(",;:\u2014\u2013-")
_GOES_ON = re.compile(r"\W*[a-z]")
# Speaker and medium phrases further than this from the cue are not its frame.
_FRAME_REACH = 60
# After "the mayor said": a short setting up to the comma that closes the frame.
_FRAME_TAIL = re.compile(r"[^,\"\u201c\u201d.;:!?()\[\]\n]{0,40}?,\s*")
# A clause on the speaker ("say some Democrats, who cringe"), not what was said.
_RELATIVE = re.compile(r"(?:who|whom|whose|which)\b")
# All that follows the frame is a short noun phrase: the speaker's appositive.
_APPOSITIVE = re.compile(r"(?:an?|the|its|his|her|their)\s+(?:\S+\s+){0,4}\S+")
_TRIM = " \t\n\u00a0"


class _Quotes:
    """The article's quotations (in text order, never overlapping), found by bisection so
    that a long article with many statements and quotations stays linear."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self._quotes = sorted(quotes, key=lambda q: q.span.start)
        self._starts = [q.span.start for q in self._quotes]

    def within(self, span: Span) -> list[Quote]:
        found: list[Quote] = []
        index = bisect.bisect_left(self._starts, span.start)
        while index < len(self._quotes) and self._quotes[index].span.end <= span.end:
            found.append(self._quotes[index])
            index += 1
        return found

    def at(self, position: int) -> Quote | None:
        index = bisect.bisect_right(self._starts, position) - 1
        quote = self._quotes[index] if index >= 0 else None
        return quote if quote is not None and position < quote.span.end else None


def with_parts(text: str, drafts: Sequence[Draft], quotes: Sequence[Quote]) -> list[Draft]:
    """Each draft with its parts; a content made of quotations only becomes DIRECT."""
    index = _Quotes(quotes)
    found: list[Draft] = []
    for draft in drafts:
        quoted = _quoted_parts(text, draft, index)
        if quoted:
            found.append(replace(draft, kind=StatementKind.DIRECT, parts=quoted))
        else:
            found.append(replace(draft, parts=_parts_around_frame(text, draft, index)))
    return found


def _parts_around_frame(text: str, draft: Draft, quotes: _Quotes) -> tuple[Span, ...]:
    """The content either side of the attribution inside it, else the content."""
    frame = _frame(text, draft, quotes)
    if frame is None:
        return (draft.content,)
    pieces = [_trimmed(text, draft.content.start, frame.start),
              _trimmed(text, frame.end, draft.content.end)]
    after = pieces[1]
    if after is not None and _APPOSITIVE.fullmatch(text, after.start, after.end):
        pieces.pop()  # ", said David Gilbert, its president": who said it, not what
    found = tuple(p for p in pieces if p is not None)
    return found or (draft.content,)


def joined_text(text: str, parts: Sequence[Span]) -> str:
    """What was said: the parts' text joined by SEPARATOR or ELISION (see the module)."""
    joined = ""
    for index, part in enumerate(parts):
        said = text[part.start : part.end]
        if index > 0:
            joined += SEPARATOR if _runs_on(joined, said) else ELISION
        joined += said
    return joined


def _runs_on(before: str, after: str) -> bool:
    last = before.rstrip(_CLOSING_MARKS)[-1:]  # "" is in neither set
    return last in _SENTENCE_END or (last in _CLAUSE_END and _GOES_ON.match(after) is not None)


def _quoted_parts(text: str, draft: Draft, quotes: _Quotes) -> tuple[Span, ...]:
    """The insides of the quotations a content is made of, when it is nothing but
    quotations and the attribution between them; else none."""
    content = draft.content
    inside = [q for q in quotes.within(content) if q.kind != QuoteKind.NAME]
    if not inside or inside[0].span.start != content.start or inside[-1].span.end != content.end:
        return ()
    if len(inside) > 1 and not _cue_between(draft, inside):
        return ()
    said = (_trimmed(text, q.inner.start, q.inner.end) for q in inside)
    return tuple(s for s in said if s is not None)


def _cue_between(draft: Draft, quotes: Sequence[Quote]) -> bool:
    """Two quotations make one statement only around its own attribution."""
    if draft.cue is None:
        return False
    cue = draft.cue.span
    pairs = itertools.pairwise(quotes)
    return any(a.span.end <= cue.start and cue.end <= b.span.start for a, b in pairs)


def _frame(text: str, draft: Draft, quotes: _Quotes) -> Span | None:
    """The attribution set off by commas inside the content (`, the mayor said,`,
    `, according to Reuters,`, `," he said on Monday, "`): its cue, its speaker and
    medium, the commas and a short setting. None unless the cue and a speaker are
    inside the content and the frame is a parenthesis: "Clinton seemed to be ready"
    (no speaker) or "..., say some Democrats, who cringe" (a relative clause follows)
    are left whole."""
    content, cue = draft.content, draft.cue
    if cue is None or not _within(cue.span, content) or quotes.at(cue.span.start):
        return None
    pieces = [cue.span]
    for mention in (draft.speaker, draft.medium):
        phrase = None if mention is None else mention.phrase or mention.span
        if phrase is not None and _within(phrase, content) and _distance(phrase, cue.span) <= _FRAME_REACH:
            pieces.append(phrase)
    if len(pieces) == 1:
        return None
    start = _opening_comma(text, content.start, min(p.start for p in pieces))
    tail = _FRAME_TAIL.match(text, max(p.end for p in pieces), content.end)
    if start is None or tail is None or _RELATIVE.match(text, tail.end(), content.end):
        return None
    return Span(start, tail.end())


def _opening_comma(text: str, lo: int, start: int) -> int | None:
    """Where the frame starting at `start` opens: at its comma, or after the closing
    marks of a quotation that ends in one. None without a comma."""
    while start > lo and text[start - 1] in _TRIM:
        start -= 1
    marks = start
    while marks > lo and text[marks - 1] in _CLOSING_MARKS:
        marks -= 1
    if marks > lo and text[marks - 1] == ",":
        return start if marks < start else marks - 1
    return None


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return Span(start, end) if start < end else None


def _within(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


def _distance(a: Span, b: Span) -> int:
    return max(0, a.start - b.end, b.start - a.end)
