"""The accurate reading: the fast reading (rules and CRF) checked and extended by
the transformer tagger.

Which of the two to trust where was measured on the held-out tenth of train
(docs/extraction.md), never on dev:
- a rule statement in reported speech (not quoted) that the model reads as
  no content at all (mean content probability below `drop_below`) is dropped;
- where one sure model span covers most of such a statement but ends or
  starts elsewhere, the model's boundaries are kept, the rules' speaker and
  cue with them (`reshape_above`);
- a model content span that no statement touches is added when it is long
  enough and sure enough, its speaker read by the rules' speaker parsing from
  the model's own Source span nearest it (else the nearest cue's speaker),
  exactly as the CRF's finds are (api/extract/hybrid.py).
Quoted statements stay as the rules read them: quote marks are exact.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from api.extract.crf import Content, Tagged
from api.extract.hybrid import with_tagged
from api.extract.neural import NeuralTagged, NeuralTagger, Run
from api.extract.quotes import Quote
from api.extract.results import Span, StatementKind
from api.extract.statements import Draft, statement_kind

__all__ = ["THRESHOLDS", "Thresholds", "accurate_drafts", "as_tagged"]


@dataclass(frozen=True)
class Thresholds:
    """Where the model overrules or extends the rules (chosen on held-out train)."""

    # Model spans shorter than this many wordpieces are mostly noun phrases ("the veto")
    # the rules cannot find a speaker for, or fragments of a statement the rules hold.
    min_pieces: int = 5
    quoted: float = 0.7  # mean B/I probability of a new span that holds quoted speech
    unquoted: float = 0.7  # ... of one that does not
    drop_below: float = 0.25  # a rule statement not wholly quoted below this is dropped
    reshape_above: float = 0.85  # a model span this sure sets a statement's boundaries


THRESHOLDS = Thresholds()
_THAT = re.compile(r"that\s+", re.IGNORECASE)
_CLOSERS = frozenset(".,;:!?)]\"\u201d\u2019'\u2014\u2013-\n\r")


def as_tagged(found: NeuralTagged, least: int = THRESHOLDS.min_pieces) -> Tagged:
    """The model's long-enough content spans and its source phrases, as the CRF's are."""
    return Tagged(
        tuple(Content(r.span, r.confidence) for r in found.contents if r.pieces >= least),
        tuple(r.span for r in found.sources),
    )


def accurate_drafts(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    drafts: Sequence[Draft],
    tagger: NeuralTagger,
) -> list[Draft]:
    """`drafts` (the fast reading's) checked against the model, plus the model's
    statements none of them touches."""
    limits = THRESHOLDS
    found = tagger.tag(text)
    kept: dict[Span, Draft] = {}
    for draft in drafts:
        frame = _frame(draft)
        if (draft.kind != StatementKind.DIRECT
                and found.content_share(draft.content, frame) < limits.drop_below):
            continue
        over = found.contents_overlapping(draft.content)
        draft = _reshaped(text, draft, frame, over, quotes, limits)
        kept.setdefault(draft.content, draft)  # two rule pieces of one model span: one statement
    return with_tagged(text, paragraphs, quotes, list(kept.values()),
                       as_tagged(found, limits.min_pieces),
                       quoted=limits.quoted, unquoted=limits.unquoted)


def _frame(draft: Draft) -> list[Span]:
    """The attribution's own words: speaker, medium and cue."""
    frame = [m.span for m in (draft.speaker, draft.medium) if m is not None]
    return frame if draft.cue is None else [*frame, draft.cue.span]


def _reshaped(
    text: str, draft: Draft, frame: Sequence[Span], over: Sequence[Run], quotes: Sequence[Quote],
    limits: Thresholds,
) -> Draft:
    """A statement not wholly quoted takes the boundaries of the one sure model span
    (of `min_pieces` at least) among those `over` it that lies mostly inside it,
    unless that span would take in its `frame` (speaker, medium, cue); PolNeAR's leading "that" and
    closing stop are left out, as the rules do; its kind follows the quote marks of
    its new span."""
    if draft.kind == StatementKind.DIRECT:
        return draft
    content = draft.content
    if len(over) != 1 or over[0].confidence < limits.reshape_above or over[0].pieces < limits.min_pieces:
        return draft
    span = _trimmed(text, over[0].span)
    if span == content or 2 * span.overlap(content) < span.end - span.start:
        return draft
    if span.end != content.end and not _closes(text, span.end):
        return draft  # "... spreads in| Aleppo": the model stopped inside a phrase
    if any(span.overlap(f) for f in frame):
        return draft
    return replace(draft, content=span, kind=statement_kind(span, quotes))


def _closes(text: str, end: int) -> bool:
    """Whether a clause can end at `end`: a stop, comma, dash, bracket or quote mark
    follows (after spaces), or the line or text ends."""
    at = end
    while at < len(text) and text[at] in " \t":
        at += 1
    return at >= len(text) or text[at] in _CLOSERS


def _trimmed(text: str, span: Span) -> Span:
    """Without a leading "that" and trailing stops, commas and spaces."""
    start, end = span.start, span.end
    lead = _THAT.match(text, start, end)
    if lead is not None:
        start = lead.end()
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        end -= 1
    return Span(start, end) if end > start else span
