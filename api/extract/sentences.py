"""Sentence spans inside paragraphs, never breaking inside a quotation."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from api.extract.quotes import Quote
from api.extract.results import Span

# The look-behind starts a match only at the first mark of a run ("!!!!"), so a
# long run that breaks nothing is tried once, not once per mark.
_BREAK = re.compile(r"(?<![.!?\u2026])[.!?\u2026]+['\"\u201d\u2019)]*\s+(?=['\"\u201c\u2018(`]*[A-Z0-9])")
# Abbreviations that end in a period without ending the sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr rep reps sen sens gov gen lt col sgt capt st jr sr prof rev
    u.s u.n u.k d.c a.m p.m inc corp co ltd no vs etc jan feb mar apr aug sept
    sep oct nov dec ft mt pres atty supt cmdr adm maj""".split()
)


# A wire dateline opening a paragraph ("GENEVA - ", "WASHINGTON (AP) — ", "BEIRUT, Dec 5
# (Reuters) - "): capitals (four letters at least, so "US - China talks" keeps its
# subject), an optional date and agency, then a spaced dash. It is no part of the first
# sentence: a quotation right after it starts the sentence.
_DATELINE = re.compile(
    r"(?=(?:[^a-zA-Z]*[A-Z]){4})[A-Z][A-Z.'\u2019-]*(?: [A-Z][A-Z.'\u2019-]*){0,3}"
    r"(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?(?: \([A-Za-z .&-]{2,30}\))?"
    r" ?[-\u2013\u2014]{1,2} (?=\S)"
)


def split_sentences(text: str, paragraph: Span, quotes: Sequence[Quote]) -> list[Span]:
    """Sentences of one paragraph, in order; whitespace between them is left out, and so
    is a dateline opening the paragraph."""
    sentences: list[Span] = []
    dateline = _DATELINE.match(text, paragraph.start, paragraph.end)
    start = paragraph.start if dateline is None else dateline.end()
    for match in _BREAK.finditer(text, paragraph.start, paragraph.end):
        if _inside_quote(match.end(), quotes) or after_abbreviation(text, match.start()):
            continue
        end = match.end() - len(match.group()) + len(match.group().rstrip())
        sentences.append(Span(start, end))
        start = match.end()
    if start < paragraph.end:
        sentences.append(Span(start, paragraph.end))
    return [p for s in sentences if text[s.start : s.end].strip() for p in _bounded(text, s)]


# No PolNeAR sentence is longer than 1,516 characters. A longer run of text has no
# sentence breaks that can be trusted (a list, a transcript without punctuation);
# cutting it into pieces keeps every per-sentence scan short, so extraction stays
# linear in the length of the article.
MAX_SENTENCE_CHARS = 2000
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def _bounded(text: str, sentence: Span) -> Iterator[Span]:
    """The sentence itself, or pieces of at most MAX_SENTENCE_CHARS cut after a space."""
    start = sentence.start
    while sentence.end - start > MAX_SENTENCE_CHARS:
        space = _LAST_SPACE.match(text, start + 1, start + MAX_SENTENCE_CHARS)
        cut = space.end() if space is not None else start + MAX_SENTENCE_CHARS
        yield Span(start, cut)
        start = cut
    yield Span(start, sentence.end)


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
    index = bisect_left(quotes, position, key=lambda q: q.span.start) - 1
    return index >= 0 and position < quotes[index].span.end


def after_abbreviation(text: str, period: int) -> bool:
    """Whether the period at `period` ends an abbreviation or an initial."""
    word = re.search(r"([A-Za-z.]+)$", text[max(0, period - 12) : period])
    if word is None:
        return False
    token = word.group(1).lower().strip(".")
    return token in _ABBREVIATIONS or len(token) == 1
