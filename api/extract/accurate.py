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

from collections.abc import Sequence
from dataclasses import dataclass, replace

from api.extract.crf import Content, Tagged
from api.extract.hybrid import with_tagged
from api.extract.neural import NeuralTagged, NeuralTagger, Run
from api.extract.quotes import Quote
from api.extract.results import Span, StatementKind
from api.extract.statements import Draft

__all__ = ["THRESHOLDS", "Thresholds", "accurate_drafts", "as_tagged"]


@dataclass(frozen=True)
class Thresholds:
    """Where the model overrules or extends the rules (chosen on held-out train)."""

    # Model spans shorter than this many wordpieces are mostly noun phrases ("the veto")
    # the rules cannot find a speaker for, or fragments of a statement the rules hold.
    min_pieces: int = 8
    quoted: float = 0.7  # mean B/I probability of a new span that holds quoted speech
    unquoted: float = 0.7  # ... of one that does not
    drop_below: float = 0.0  # a reported-speech rule statement below this is dropped
    reshape_above: float = 2.0  # a model span this sure sets the statement's boundaries


THRESHOLDS = Thresholds()


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
    thresholds: Thresholds | None = None,
) -> list[Draft]:
    """`drafts` (the fast reading's) checked against the model, plus the model's
    statements none of them touches."""
    limits = thresholds or THRESHOLDS
    found = tagger.tag(text)
    kept = [_reshaped(d, found.contents, limits) for d in drafts
            if d.kind != StatementKind.INDIRECT or found.content_share(d.content) >= limits.drop_below]
    return with_tagged(text, paragraphs, quotes, kept, as_tagged(found, limits.min_pieces),
                       quoted=limits.quoted, unquoted=limits.unquoted)


def _reshaped(draft: Draft, runs: Sequence[Run], limits: Thresholds) -> Draft:
    """An indirect statement with the boundaries of the one sure model span that
    covers most of it, unless that span would take in its speaker or cue."""
    if draft.kind != StatementKind.INDIRECT:
        return draft
    content = draft.content
    over = [r for r in runs if _overlap(r.span, content) > 0]
    if len(over) != 1 or over[0].confidence < limits.reshape_above:
        return draft
    span = over[0].span
    if span == content or 2 * _overlap(span, content) < max(_length(span), _length(content)):
        return draft
    frame = [m.span for m in (draft.speaker, draft.medium) if m is not None]
    if draft.cue is not None:
        frame.append(draft.cue.span)
    if any(_overlap(span, f) for f in frame):
        return draft
    return replace(draft, content=span)


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _length(span: Span) -> int:
    return span.end - span.start
