"""The accurate reading: the transformer tagger's content spans, framed by the
rules (speaker, cue, medium) and filled in by them where the model is unsure.

Which of the two to trust where was measured on the held-out tenth of train
(docs/extraction.md), never on dev:
- quoted statements stay as the rules read them: quote marks are exact, and no
  model span that touches one is read; a statement in mixed speech keeps its
  quotations whatever the model reads;
- a model content span of `min_pieces` wordpieces or more, with a mean content
  probability of `sure` or more, is a statement: where it overlaps rule
  statements in reported speech it takes their place, with the speaker, cue
  and medium of the one it overlaps most; elsewhere its speaker is read by the
  rules' speaker parsing from the model's own Source span nearest it (else the
  nearest cue's speaker), exactly as the CRF's finds are (api/extract/hybrid.py);
- two model spans on either side of one rule statement's frame ("The plan,
  according to Jo Roe, would cost millions") are one statement, the rules'
  extent kept where it is wider;
- a rule statement in reported speech that no sure span overlaps stays, unless
  the model reads its words (its frame left out) as no content at all (mean
  content probability below `drop_below`).
On the held-out tenth the model's spans of 3+ pieces at 0.85+ are right 82% of
the time, the rules' reported statements 70%: so the model leads and the rules
frame and fill in.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from api.extract.crf import Content, Tagged
from api.extract.hybrid import tagged_speakers, with_tagged
from api.extract.intervals import Intervals
from api.extract.neural import NeuralTagger, Run, runs_overlapping
from api.extract.quotes import Quote, QuoteKind, quotes_within
from api.extract.results import Span, StatementKind
from api.extract.statements import Draft, statement_kind

__all__ = ["THRESHOLDS", "Thresholds", "accurate_drafts"]


@dataclass(frozen=True)
class Thresholds:
    """Where the model overrules or extends the rules (chosen on held-out train)."""

    # On the held-out tenth, spans at 0.85 or more match a gold statement 45% of the
    # time at 1-2 pieces, 64% at 3-4 and 83% at 5 or more; 3 scored best (5: -0.002).
    min_pieces: int = 3
    sure: float = 0.85  # mean B/I probability of a model span read as a statement
    drop_below: float = 0.25  # a rule statement not wholly quoted below this is dropped
    # A less sure span joins a sure one across the frame of a statement they share
    # ("The plan, according to Jo Roe, would cost millions").
    joined: float = 0.5


THRESHOLDS = Thresholds()
_THAT = re.compile(r"that\s+", re.IGNORECASE)


def _sure(run: Run, limits: Thresholds) -> bool:
    """A model content span long and sure enough to be read as a statement."""
    return run.pieces >= limits.min_pieces and run.confidence >= limits.sure


def accurate_drafts(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    drafts: Sequence[Draft],
    tagger: NeuralTagger,
) -> list[Draft]:
    """The model's sure content spans, each framed by the rule statement it
    overlaps most (else by its own source or the nearest cue), plus the quoted
    rule statements and the reported ones no sure span touches."""
    limits = THRESHOLDS
    found = tagger.tag(text)
    quoted = [d for d in drafts if d.kind == StatementKind.DIRECT]
    reported = [d for d in drafts if d.kind != StatementKind.DIRECT]
    exact = Intervals(d.content for d in quoted)
    likely = [r for r in found.contents
              if r.confidence >= limits.joined and not exact.overlaps(r.span.start, r.span.end)]
    # Each reported statement listed under the spans it overlaps (by bisection:
    # spans come in text order and never overlap one another).
    under: dict[Span, list[Draft]] = {}
    for draft in reported:
        for run in runs_overlapping(likely, draft.content):
            under.setdefault(run.span, []).append(draft)
    kept: dict[Span, Draft] = {d.content: d for d in quoted}
    new: list[Content] = []
    taken: set[int] = set()
    for unit in _units(likely, under):
        if not any(_sure(r, limits) for r in unit):
            continue
        span = _trimmed(text, Span(unit[0].span.start, unit[-1].span.end))
        framing = [d for run in unit for d in under.get(run.span, ())]
        if framing:
            best = max(framing, key=lambda d: d.content.overlap(span))
            if len(unit) > 1:  # joined across a frame: model and rules read one statement
                span = Span(min(span.start, best.content.start), max(span.end, best.content.end))
            if _drops_quoted_words(quotes, best, span):
                span = best.content
            kept.setdefault(span, replace(best, content=span, kind=statement_kind(span, quotes)))
            taken.update(id(d) for d in framing)
        else:
            new.append(Content(span, min(r.confidence for r in unit)))
    for draft in reported:
        if id(draft) in taken or found.content_share(draft.content, _frame(draft)) < limits.drop_below:
            continue
        kept.setdefault(draft.content, draft)
    ordered = sorted(kept.values(), key=lambda d: (d.content.start, d.content.end))
    ordered = tagged_speakers(text, paragraphs, quotes, ordered, [r.span for r in found.sources])
    return with_tagged(text, paragraphs, quotes, ordered,
                       Tagged(tuple(new), tuple(r.span for r in found.sources)),
                       quoted=limits.sure, unquoted=limits.sure)


def _drops_quoted_words(quotes: Sequence[Quote], draft: Draft, span: Span) -> bool:
    """Whether `span` would leave out words the statement quotes: quote marks are
    exact, so a statement in mixed speech keeps its quotations."""
    return draft.kind == StatementKind.MIXED and any(
        q.kind != QuoteKind.NAME and not (span.start <= q.span.start and q.span.end <= span.end)
        for q in quotes_within(quotes, draft.content.start, draft.content.end))


def _units(runs: Sequence[Run], under: dict[Span, list[Draft]]) -> list[list[Run]]:
    """The content spans in text order, those on either side of a statement's frame
    ("The plan, according to Jo Roe, would cost millions": two spans, the frame
    between them) together as one."""
    units: list[list[Run]] = []
    for run in runs:
        if units and _framed_between(units[-1][-1], run, under):
            units[-1].append(run)
        else:
            units.append([run])
    return units


def _framed_between(left: Run, right: Run, under: dict[Span, list[Draft]]) -> bool:
    """Whether a statement overlapping both spans has its frame between them."""
    gap = Span(left.span.end, right.span.start)
    shared = [d for d in under.get(left.span, ()) if any(d is e for e in under.get(right.span, ()))]
    return any(gap.start <= f.start and f.end <= gap.end for d in shared for f in _frame(d))


def _frame(draft: Draft) -> list[Span]:
    """The attribution's own words: speaker, medium and cue."""
    frame = [m.span for m in (draft.speaker, draft.medium) if m is not None]
    return frame if draft.cue is None else [*frame, draft.cue.span]


def _trimmed(text: str, span: Span) -> Span:
    """Without a leading "that" and trailing stops, commas and spaces, as the rules
    read PolNeAR's contents."""
    start, end = span.start, span.end
    lead = _THAT.match(text, start, end)
    if lead is not None:
        start = lead.end()
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        end -= 1
    return Span(start, end) if end > start else span
