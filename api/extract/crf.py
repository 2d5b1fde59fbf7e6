"""The learned half of attribution: a CRF that tags content spans (BIO).

Its features stack the rule extractor's own reading (token inside a rule
content span, a rule cue, a rule speaker) on plain token features, so the
model learns where the rules are right and mends their span edges. The
model file is trained by `python -m api train-model` (api/training/crf.py) with
this same feature function, and loaded lazily, once per process.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

import pycrfsuite

from api.extract.cues import lemma_of
from api.extract.quotes import Quote
from api.extract.results import Span
from api.extract.windows import bio_runs

__all__ = [
    "MODEL_PATH", "Content", "RuleMarks", "Sequence_", "Tagged", "Tagger", "Token", "load_tagger",
    "paragraph_sequences", "source_spans", "spans_from_labels", "tag_article", "tokenize",
]

MODEL_PATH = Path(__file__).resolve().parent / "data" / "attribution.crfsuite"
# Content begins (B) and goes on (I); a source (S) is the speaker phrase.
OUTSIDE, BEGIN, INSIDE, SOURCE = "O", "B", "I", "S"

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+(?:['’.-]\w+)*|[^\w\s]")
_QUOTE_MARKS = frozenset('"“”‘’\'')
_ENDS = frozenset(".!?")
# Neighbour words two either side, rule tags one either side: wider windows and word
# bigrams scored no better on held-out train articles and slowed extraction.
_OFFSETS = (-2, -1, 1, 2)
# PolNeAR's longest paragraph has some 500 tokens (2,573 characters).
_MAX_SEQUENCE_TOKENS = 2000


class Tagger(Protocol):
    """What extraction needs of a tagger (pycrfsuite.Tagger has it)."""

    def tag(self, xseq: list[list[str]]) -> list[str]: ...

    def marginal(self, y: str, pos: int) -> float: ...


@dataclass(frozen=True)
class Content:
    """A content span the CRF found, with its mean label probability."""

    span: Span
    confidence: float


@dataclass(frozen=True)
class Tagged:
    """What the CRF found in one article: content spans and source phrases."""

    contents: tuple[Content, ...]
    sources: tuple[Span, ...]


@dataclass(frozen=True)
class Token:
    """One token: its offsets into the article text."""

    start: int
    end: int


@dataclass(frozen=True)
class Sequence_:
    """One paragraph's tokens and their feature lists (what the CRF reads)."""

    tokens: tuple[Token, ...]
    features: list[list[str]]


@dataclass(frozen=True)
class RuleMarks:
    """Where the rules put content, cues and speakers (character spans)."""

    contents: Sequence[tuple[Span, str]]  # span and statement kind
    cues: Sequence[Span]
    speakers: Sequence[Span]


def tokenize(text: str, start: int, end: int) -> tuple[Token, ...]:
    """Words and single punctuation marks of text[start:end], with offsets."""
    return tuple(Token(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end))


def paragraph_sequences(
    text: str, paragraphs: Sequence[Span], quotes: Sequence[Quote], marks: RuleMarks
) -> list[Sequence_]:
    """One feature sequence per paragraph; the runtime and training share it."""
    return list(_sequences(text, paragraphs, quotes, marks))


def _sequences(
    text: str, paragraphs: Sequence[Span], quotes: Sequence[Quote], marks: RuleMarks
) -> Iterator[Sequence_]:
    """The sequences one at a time: the features of a long article (some twenty
    strings a token) are never all held at once."""
    token_lists = [tokenize(text, p.start, p.end) for p in paragraphs]
    flat = [t for tokens in token_lists for t in tokens]
    rule = _rule_tags(flat, marks, quotes)
    at = 0
    for tokens in token_lists:
        # A paragraph longer than any real one (a text with no line breaks) is
        # tagged in pieces, so its features are never all held at once either.
        for piece in range(0, len(tokens), _MAX_SEQUENCE_TOKENS):
            some = tokens[piece : piece + _MAX_SEQUENCE_TOKENS]
            tags = rule[at + piece : at + piece + len(some)]
            yield Sequence_(some, _features(text, some, tags))
        at += len(tokens)


def _rule_tags(tokens: Sequence[Token], marks: RuleMarks, quotes: Sequence[Quote]) -> list[str]:
    """Per token: rule content tag, cue/speaker flag and quote state, as one string."""
    content = _span_labels(tokens, marks.contents)
    cue = _covered(tokens, marks.cues)
    speaker = _covered(tokens, marks.speakers)
    quoted = _covered(tokens, [q.span for q in quotes])
    role = ["C" if c else "S" if s else "-" for c, s in zip(cue, speaker, strict=True)]
    quote = ["Q" if q else "-" for q in quoted]
    return [f"{c}|{r}|{q}" for c, r, q in zip(content, role, quote, strict=True)]


def _span_labels(tokens: Sequence[Token], spans: Sequence[tuple[Span, str]]) -> list[str]:
    labels = ["O"] * len(tokens)
    starts = [t.start for t in tokens]
    for span, kind in sorted(spans, key=lambda s: s[0].start - s[0].end):
        first = True
        for i in _indices_within(starts, span):
            labels[i] = ("B" if first else "I") + kind[:1]
            first = False
    return labels


def _covered(tokens: Sequence[Token], spans: Sequence[Span]) -> list[bool]:
    flags = [False] * len(tokens)
    starts = [t.start for t in tokens]
    for span in spans:
        for i in _indices_within(starts, span):
            flags[i] = True
    return flags


def _indices_within(starts: Sequence[int], span: Span) -> range:
    from bisect import bisect_left

    return range(bisect_left(starts, span.start), bisect_left(starts, span.end))


def _features(text: str, tokens: Sequence[Token], tags: Sequence[str]) -> list[list[str]]:
    words = [_word(text[t.start : t.end]) for t in tokens]
    context = _sentence_context(words, tags)
    n = len(tokens)
    # Built column by column (one pass per neighbour offset): the hot loop of extraction.
    cols = [["b"] * n, ["r=" + t for t in tags]]
    for k, d in enumerate(_OFFSETS):
        cols.append(_shifted([w.near[k] for w in words], d, f"{d}edge"))
        if abs(d) == 1:
            cols.append(_shifted([f"{d}r={t}" for t in tags], d, ""))
    rows = [[*w.own, *c, *z] for w, c, z in zip(words, context, zip(*cols, strict=True), strict=True)]
    for i in {*range(min(2, n)), *range(max(0, n - 2), n)}:
        rows[i] = [f for f in rows[i] if f]  # no neighbour there: no feature
    return rows


def _shifted(column: list[str], offset: int, edge: str) -> list[str]:
    """column[i + offset] at i, `edge` where that falls outside the sequence."""
    n = len(column)
    pad = [edge] * min(abs(offset), n)
    if offset < 0:
        return [*pad, *column[: n + offset]] if n + offset > 0 else pad
    return [*column[offset:], *pad]


def _sentence_context(words: Sequence[_Word], tags: Sequence[str]) -> list[tuple[str, str, str]]:
    """Per token: how far the last cue is to its left in the sentence, whether a cue
    follows, and where in its sentence it sits (content hangs off cues)."""
    n = len(words)
    is_cue = [tags[i][3] == "C" or words[i].cue for i in range(n)]
    starts = [
        i == 0 or (words[i - 1].text in _ENDS and not words[i].text[:1].islower()) for i in range(n)
    ]
    left: list[str] = []
    last: int | None = None
    begun = 0
    for i in range(n):
        if starts[i]:
            last, begun = None, i
        left.append("cl=" + (_bucket(i - last) if last is not None else "none"))
        if is_cue[i]:
            last = i
        left[-1] += "|p" + _bucket(i - begun)
    right = [""] * n
    ahead = False
    for i in range(n - 1, -1, -1):
        right[i] = "cr=" + ("y" if ahead else "n")
        ahead = (ahead and not starts[i]) or is_cue[i]
        if starts[i]:
            ahead = False
    return [(left[i], right[i], "ss" if starts[i] else "in") for i in range(n)]


def _bucket(distance: int) -> str:
    return str(distance) if distance < 4 else "4-7" if distance < 8 else "8-15" if distance < 16 else "16+"


@dataclass(frozen=True)
class _Word:
    """What a word form contributes, whatever its position (cached per form)."""

    text: str
    lower: str
    own: tuple[str, ...]
    near: tuple[str, ...]  # its feature as the neighbour at each of _OFFSETS
    cue: bool


@lru_cache(maxsize=1 << 16)
def _word(word: str) -> _Word:
    # crfsuite reads features as UTF-8: a lone surrogate (valid in a Python str,
    # not in UTF-8) would fail the tagger, so it becomes "?" in the features.
    word = word.encode("utf-8", "replace").decode("utf-8")
    lower = word.lower()
    lemma = lemma_of(lower) if word[:1].isalpha() else None
    shape = "Q" if word in _QUOTE_MARKS else "A" if word[:1].isupper() else (
        "a" if word[:1].isalpha() else "d" if word[:1].isdigit() else "p"
    )
    own: tuple[str, ...] = ("w=" + lower, "s3=" + lower[-3:], "sh=" + shape)
    if lemma:
        own = (*own, "cue=" + lemma)
    near = tuple(f"{d}w={lower}" for d in _OFFSETS)
    return _Word(word, lower, own, near, lemma is not None)


def spans_from_labels(tokens: Sequence[Token], labels: Sequence[str]) -> list[Span]:
    """Content spans from BIO labels: a B, or an I after another label, starts one."""
    return [_span(tokens, run) for run in bio_runs(labels, BEGIN, INSIDE)]


def source_spans(tokens: Sequence[Token], labels: Sequence[str]) -> list[Span]:
    """Runs of S labels: the speaker phrases the CRF sees."""
    runs: list[range] = []
    for i, label in enumerate(labels):
        if label != SOURCE:
            continue
        if runs and runs[-1].stop == i:
            runs[-1] = range(runs[-1].start, i + 1)
        else:
            runs.append(range(i, i + 1))
    return [_span(tokens, run) for run in runs]


def _span(tokens: Sequence[Token], run: range) -> Span:
    return Span(tokens[run.start].start, tokens[run.stop - 1].end)


@cache
def load_tagger(path: Path = MODEL_PATH) -> Tagger | None:
    """The trained tagger, opened once; None (and one warning) when the file is missing."""
    if not path.is_file():
        log.warning("no attribution model at %s; extracting with rules only "
                    "(build it with `python -m api train-model`)", path)
        return None
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger  # type: ignore[no-any-return]


def tag_article(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    marks: RuleMarks,
    tagger: Tagger,
) -> Tagged:
    """Content spans (with confidence) and source phrases the tagger finds, in text order."""
    contents: list[Content] = []
    sources: list[Span] = []
    for seq in _sequences(text, paragraphs, quotes, marks):
        labels = tagger.tag(seq.features)
        for run in bio_runs(labels, BEGIN, INSIDE):
            sure = sum(tagger.marginal(labels[i], i) for i in run) / len(run)
            contents.append(Content(_span(seq.tokens, run), sure))
        sources.extend(source_spans(seq.tokens, labels))
    return Tagged(tuple(contents), tuple(sources))
