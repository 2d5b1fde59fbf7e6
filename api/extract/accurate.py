"""The accurate reading: the fast reading (rules and CRF) plus the transformer's finds.

Which of the two to trust where was measured on the held-out tenth of
train (docs/extraction.md): the rules' statements stay as they are, and a
content span of the model that no statement touches is added when it is
long enough and sure enough, its speaker read by the rules' speaker parsing
from the model's own Source span nearest it (else the nearest cue's
speaker), exactly as the CRF's finds are (api/extract/hybrid.py).
"""
from __future__ import annotations

from collections.abc import Sequence

from api.extract.crf import Content, Tagged
from api.extract.hybrid import with_tagged
from api.extract.neural import NeuralTagged, NeuralTagger
from api.extract.quotes import Quote
from api.extract.results import Span
from api.extract.statements import Draft

__all__ = ["MIN_PIECES", "accurate_drafts", "as_tagged"]

# Model spans shorter than this many wordpieces are mostly noun phrases ("the veto")
# the rules cannot find a speaker for, or fragments of a statement the rules hold.
MIN_PIECES = 8
_MIN_QUOTED = 0.7  # mean B/I probability of a span that holds quoted speech
_MIN_UNQUOTED = 0.7


def as_tagged(found: NeuralTagged) -> Tagged:
    """The model's long-enough content spans and its source phrases, as the CRF's are."""
    return Tagged(
        tuple(Content(r.span, r.confidence) for r in found.contents if r.pieces >= MIN_PIECES),
        tuple(r.span for r in found.sources),
    )


def accurate_drafts(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    drafts: Sequence[Draft],
    tagger: NeuralTagger,
) -> list[Draft]:
    """`drafts` (the fast reading's) plus the model's statements none of them touches."""
    tagged = as_tagged(tagger.tag(text))
    return with_tagged(text, paragraphs, quotes, drafts, tagged,
                       quoted=_MIN_QUOTED, unquoted=_MIN_UNQUOTED)
