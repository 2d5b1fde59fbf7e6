"""Quotation spans: curly, straight and TeX-style double marks, across paragraphs.

Only double marks open a quotation; single marks are apostrophes too often
to be trusted, so a nested 'quote' simply stays inside its parent. A mark
that cannot be paired is dropped and the scan resumes after it, so one stray
mark never swallows the rest of the article.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from api.extract.results import Span


class QuoteKind(StrEnum):
    SPEECH = "SPEECH"  # a sentence or more: can be a statement on its own
    PARTIAL = "PARTIAL"  # a few words carried inside reported speech
    NAME = "NAME"  # a nickname or title ("The Donald", "Stealing America")


@dataclass(frozen=True)
class Quote:
    """One quotation: `span` includes the marks, `inner` does not."""

    span: Span
    inner: Span
    kind: QuoteKind


_MARK = re.compile(r'``|\'\'|["\u201c\u201d\u201e\u00ab\u00bb]')
_OPENERS = frozenset({"\u201c", "``", "\u201e", "\u00ab"})
# '' closes a TeX-style `` quote but also opens and closes on its own (NYT style).
_CLOSERS = frozenset({"\u201d", "\u00bb"})
_SMALL_WORDS = frozenset("a an the of and or in on at to for from with by de la".split())


def find_quotes(text: str, paragraphs: Sequence[Span]) -> tuple[Quote, ...]:
    """Every quotation in the paragraphs; one may run over several paragraphs."""
    spans: list[Span] = []
    carried: int | None = None  # open mark continued into the next paragraph
    for index, paragraph in enumerate(paragraphs):
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        found, carried = _scan_paragraph(text, paragraph, carried, following)
        spans.extend(found)
    return tuple(_classify(text, span) for span in spans)


def _scan_paragraph(
    text: str, paragraph: Span, carried: int | None, following: Span | None
) -> tuple[list[Span], int | None]:
    """Pair marks in one paragraph; return the quotes and an open mark to carry on."""
    found: list[Span] = []
    start = paragraph.start
    if carried is not None:
        first = _MARK.match(text, paragraph.start)
        start = first.end() if first else paragraph.start
    opened = _pair_marks(text, start, paragraph.end, carried, found)
    if opened is not None and following is not None and _opens_with_mark(text, following):
        return found, opened
    # An opening mark that never closes is dropped: marks after it all opened
    # again (else they would have closed it), so nothing else was swallowed.
    return found, None


def _pair_marks(
    text: str, start: int, end: int, opened: int | None, found: list[Span]
) -> int | None:
    for mark in _MARK.finditer(text, start, end):
        role = _role(text, mark)
        if role == "open" or (role == "either" and opened is None):
            opened = mark.start()
        elif opened is not None:
            found.append(Span(opened, mark.end()))
            opened = None
    return opened


def _role(text: str, mark: re.Match[str]) -> str:
    """'open', 'close' or 'either' for one mark, from the mark and its neighbours."""
    before = text[mark.start() - 1] if mark.start() > 0 else " "
    after = text[mark.end()] if mark.end() < len(text) else " "
    # A curly mark typed the wrong way round ("...here,“") is read by its place.
    if mark.group() in _OPENERS:
        return "close" if after.isspace() and not before.isspace() else "open"
    if mark.group() in _CLOSERS:
        return "open" if before.isspace() and after.isalnum() else "close"
    if (before.isspace() or before in "([{\u2014-") and not after.isspace():
        return "open"
    if after.isspace() or after in ".,;:!?)]}\u2014-":
        return "close"
    return "either"


def _opens_with_mark(text: str, paragraph: Span) -> bool:
    mark = _MARK.match(text, paragraph.start)
    return mark is not None and _role(text, mark) != "close"


def _classify(text: str, span: Span) -> Quote:
    inner = _inner(text, span)
    body = text[inner.start : inner.end].strip()
    words = re.findall(r"[\w'’-]+", body)
    if len(words) >= 6 or re.search(r"[.!?,\u2026\u2014]$|[.!?]\s", body):
        kind = QuoteKind.SPEECH
    elif words and all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words):
        kind = QuoteKind.NAME
    else:
        kind = QuoteKind.PARTIAL
    return Quote(span, inner, kind)


def _inner(text: str, span: Span) -> Span:
    opening = _MARK.match(text, span.start)
    start = opening.end() if opening else span.start
    end = span.end - (2 if text[span.end - 2 : span.end] == "''" else 1)
    return Span(start, max(start, end))


# `find_quotes` returns quotations in text order and never overlapping, so their
# starts and their ends are both sorted: the look-ups below bisect instead of
# scanning every quotation (an article may hold thousands).


def quote_at(quotes: Sequence[Quote], position: int) -> Quote | None:
    """The quotation containing `position`, if any (`quotes` as `find_quotes` gives them)."""
    index = bisect_right(quotes, position, key=_start) - 1
    if index >= 0 and position < quotes[index].span.end:
        return quotes[index]
    return None


def quotes_overlapping(quotes: Sequence[Quote], start: int, end: int) -> Sequence[Quote]:
    """The quotations sharing at least one character with [start, end), in order."""
    return quotes[bisect_right(quotes, start, key=_end) : bisect_left(quotes, end, key=_start)]


def quotes_within(quotes: Sequence[Quote], start: int, end: int) -> Sequence[Quote]:
    """The quotations lying wholly inside [start, end), in order."""
    return quotes[bisect_left(quotes, start, key=_start) : bisect_right(quotes, end, key=_end)]


def _start(quote: Quote) -> int:
    return quote.span.start


def _end(quote: Quote) -> int:
    return quote.span.end
