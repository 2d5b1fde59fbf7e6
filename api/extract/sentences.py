"""Sentence spans inside paragraphs, never breaking inside a quotation."""
from __future__ import annotations

import re
from collections.abc import Sequence

from api.extract.quotes import Quote
from api.extract.results import Span

_BREAK = re.compile(r"[.!?\u2026]+['\"\u201d\u2019)]*\s+(?=['\"\u201c\u2018(`]*[A-Z0-9])")
# Abbreviations that end in a period without ending the sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr rep reps sen sens gov gen lt col sgt capt st jr sr prof rev
    u.s u.n u.k d.c a.m p.m inc corp co ltd no vs etc jan feb mar apr aug sept
    sep oct nov dec ft mt pres atty supt cmdr adm maj""".split()
)


def split_sentences(text: str, paragraph: Span, quotes: Sequence[Quote]) -> list[Span]:
    """Sentences of one paragraph, in order; whitespace between them is left out."""
    sentences: list[Span] = []
    start = paragraph.start
    for match in _BREAK.finditer(text, paragraph.start, paragraph.end):
        if _inside_quote(match.end(), quotes) or after_abbreviation(text, match.start()):
            continue
        end = match.end() - len(match.group()) + len(match.group().rstrip())
        sentences.append(Span(start, end))
        start = match.end()
    if start < paragraph.end:
        sentences.append(Span(start, paragraph.end))
    return [s for s in sentences if text[s.start : s.end].strip()]


def last_sentence_start(text: str, start: int, end: int) -> int:
    """Where the last sentence between `start` and `end` begins, quotation marks or
    not: a cue inside a quotation ("... guarantees. We have said") has its subject
    after the break, though `split_sentences` keeps the quotation whole."""
    begin = start
    for match in _BREAK.finditer(text, start, end):
        if not after_abbreviation(text, match.start()):
            begin = match.end()
    return begin


def _inside_quote(position: int, quotes: Sequence[Quote]) -> bool:
    # The next sentence would start inside a quotation: the quote goes on.
    return any(q.span.start < position < q.span.end for q in quotes)


def after_abbreviation(text: str, period: int) -> bool:
    """Whether the period at `period` ends an abbreviation or an initial."""
    word = re.search(r"([A-Za-z.]+)$", text[max(0, period - 12) : period])
    if word is None:
        return False
    token = word.group(1).lower().strip(".")
    return token in _ABBREVIATIONS or len(token) == 1
