"""Rules and CRF together: the rules' statements, plus what only the CRF saw.

Measured on held-out train articles, where a CRF span and a rule span
overlap but differ, the rule span is right about three times as often; so
rule statements stay as they are. The CRF adds the statements the rules
miss (beliefs and intentions without a lexicon cue, quotes without a
frame) when it is sure of them and a speaker can be found: the CRF's own
Source phrase nearest the span, else the speaker of the nearest verb cue.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from api.extract.actors import Mention, classify_name, parse_mention, person_names
from api.extract.article import parse_article
from api.extract.crf import RuleMarks, Tagged, Tagger, tag_article
from api.extract.cues import Cue, CueKind, find_cues
from api.extract.intervals import Intervals
from api.extract.places import find_places
from api.extract.quotes import Quote, QuoteKind, find_quotes, quote_at, quotes_overlapping
from api.extract.results import ActorKind, ArticleMeta, PlaceRef, Span
from api.extract.sentences import split_sentences
from api.extract.speakers import (
    LOOKBACK_MENTIONS,
    find_speaker,
    resolve_pronoun,
    signature_speaker,
    subject_before,
)
from api.extract.statements import Draft, find_statements, statement_kind

__all__ = [
    "RuleReading", "hybrid_drafts", "read_with_rules", "rule_marks", "tagged_speakers", "with_tagged",
]

_CUE_WINDOW = 200  # characters either side of a span searched for its cue or source
# A span the rules did not see at all must be this sure (mean label probability):
# below it, the CRF's own finds are more often wrong than right.
_MIN_NEW_CONFIDENCE = 0.8
_MIN_QUOTED_CONFIDENCE = 0.5
_PRONOUNS = frozenset("he she they i we it you".split())
_APPOSITIVE_CHARS = 80  # longest appositive read between the commas after a name
_APPOSITIVE_OPENER = re.compile(r"\s+(?:an?|the|of|from)\s")
_ASIDE = re.compile(r"\s*\([^()]*\)?\s*$")
_ADJOINING = frozenset({"", ",", ";", "-", "\u2014"})


def rule_marks(drafts: Sequence[Draft]) -> RuleMarks:
    """The rule statements' content, cue and speaker spans, as CRF features."""
    return RuleMarks(
        contents=[(d.content, d.kind.value) for d in drafts],
        cues=[d.cue.span for d in drafts if d.cue is not None],
        speakers=[d.speaker.span for d in drafts if d.speaker is not None],
    )


def hybrid_drafts(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    drafts: Sequence[Draft],
    tagger: Tagger,
) -> list[Draft]:
    """The rule statements unchanged, plus the CRF's sure spans that no rule
    statement touches and whose speaker can be found; in text order."""
    tagged = tag_article(text, paragraphs, quotes, rule_marks(drafts), tagger)
    return with_tagged(text, paragraphs, quotes, drafts, tagged,
                       quoted=_MIN_QUOTED_CONFIDENCE, unquoted=_MIN_NEW_CONFIDENCE)


def with_tagged(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    drafts: Sequence[Draft],
    tagged: Tagged,
    *,
    quoted: float,
    unquoted: float,
) -> list[Draft]:
    """`drafts` unchanged, plus the tagger's content spans no draft touches that are
    sure enough (`quoted` when they hold quoted speech, else `unquoted`) and whose
    speaker can be found (a tagged source phrase, else the nearest cue's speaker)."""
    read = Intervals(d.content for d in drafts)
    sentences = _Sentences(text, paragraphs, quotes)
    added = [
        _new_draft(text, sentences, quotes, tagged, c.span, paragraph)
        for c in tagged.contents
        if c.confidence >= (quoted if _quotes_speech(quotes, c.span) else unquoted)
        and (paragraph := sentences.paragraph_of(c.span.start)) is not None
        and not _rules_read_there(text, read, c.span)
        and not _names_a_title(quotes, c.span)
    ]
    found = [d for d in added if d.speaker is not None or _quotes_speech(quotes, d.content)]
    merged = sorted([*drafts, *found], key=lambda d: (d.content.start, d.content.end))
    return _resolve_new(merged)


def tagged_speakers(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    drafts: Sequence[Draft],
    sources: Sequence[Span],
) -> list[Draft]:
    """`drafts`, each whose speaker none of the tagger's source phrases in its
    sentence holds (or which has none) taking the nearest of those phrases as
    its speaker, read as the CRF's finds are (a pronoun is resolved later).
    `sources` come in text order and never overlap."""
    split = _Sentences(text, paragraphs, quotes)
    out: list[Draft] = []
    for draft in drafts:
        index = split.paragraph_of(draft.content.start)
        if index is None:  # a pull quote, outside the body's paragraphs
            out.append(draft)
            continue
        paragraph, sentences = split.paragraphs[index], split.of(index)
        sentence = _sentence_at(sentences, paragraph, draft.content.start)
        inside = sources[bisect_left(sources, sentence.start, key=lambda s: s.start) :
                         bisect_right(sources, sentence.end, key=lambda s: s.end)]
        near = [s for s in inside if not s.overlap(draft.content)]
        speaker = draft.speaker
        if not near or (speaker is not None and any(
                (speaker.phrase or speaker.span).overlap(s) for s in near)):
            out.append(draft)
            continue
        found = _tagged_source(text, paragraph, sentences, near, draft.content)
        out.append(draft if found is None else
                   replace(draft, speaker=found, resolved=None if found.pronoun else found))
    return out


def _quotes_speech(quotes: Sequence[Quote], span: Span) -> bool:
    """The span holds quoted speech: said by someone, even when nobody is named."""
    return any(
        q.kind == QuoteKind.SPEECH and q.span.overlap(span)
        for q in quotes_overlapping(quotes, span.start, span.end)
    )


def _rules_read_there(text: str, read: Intervals, span: Span) -> bool:
    """Whether a rule statement overlaps the span or runs up to it across a comma at
    most: the rules ended their content there on purpose (a side clause follows)."""
    return (
        read.overlaps(span.start, span.end)
        or read.ends_between(_adjoining_edge(text, span.start, -1), span.start)
        or read.starts_between(span.end, _adjoining_edge(text, span.end, 1))
    )


def _adjoining_edge(text: str, at: int, step: int) -> int:
    """How far from `at` (leftwards for step -1) the text is only spaces and at
    most one mark of _ADJOINING: a statement ending (starting) there adjoins."""
    edge = _skip_spaces(text, at, step)
    mark = text[edge - 1] if step < 0 and edge > 0 else text[edge] if step > 0 and edge < len(text) else ""
    if mark and mark in _ADJOINING:
        edge = _skip_spaces(text, edge + step, step)
    return edge


def _skip_spaces(text: str, at: int, step: int) -> int:
    if step < 0:
        while at > 0 and text[at - 1].isspace():
            at -= 1
    else:
        while at < len(text) and text[at].isspace():
            at += 1
    return at


def _names_a_title(quotes: Sequence[Quote], span: Span) -> bool:
    """A nickname or title in quotes ("The Donald"): the quote finder says not speech."""
    q = quote_at(quotes, span.start)
    return q is not None and q.kind == QuoteKind.NAME and span.end <= q.span.end


class _Sentences:
    """The sentences of each paragraph, split once when first asked for."""

    def __init__(self, text: str, paragraphs: Sequence[Span], quotes: Sequence[Quote]) -> None:
        self.text, self.paragraphs, self.quotes = text, paragraphs, quotes
        self._split: dict[int, list[Span]] = {}

    def paragraph_of(self, position: int) -> int | None:
        """The index of the paragraph holding `position`; None outside every paragraph
        (a headline's furniture, or text with none: a tagger may still tag there)."""
        index = bisect_right(self.paragraphs, position, key=lambda p: p.start) - 1
        return index if index >= 0 and position < self.paragraphs[index].end else None

    def of(self, paragraph: int) -> list[Span]:
        if paragraph not in self._split:
            self._split[paragraph] = split_sentences(self.text, self.paragraphs[paragraph], self.quotes)
        return self._split[paragraph]


def _new_draft(
    text: str, split: _Sentences, quotes: Sequence[Quote], tagged: Tagged, span: Span,
    paragraph: int,
) -> Draft:
    where = split.paragraphs[paragraph]
    sentences = split.of(paragraph)
    speaker = _tagged_source(text, where, sentences, tagged.sources, span)
    cue = None
    if speaker is None:
        cue, speaker = _nearest_speaker(text, where, sentences, quotes, span)
    if speaker is None and _quotes_speech(quotes, span):
        speaker = _quote_speaker(text, where, sentences, span)
    return Draft(span, statement_kind(span, quotes), paragraph, cue=cue, speaker=speaker,
                 resolved=None if speaker is None or speaker.pronoun else speaker)


def _quote_speaker(
    text: str, paragraph: Span, sentences: Sequence[Span], span: Span
) -> Mention | None:
    """A quotation with no cue near: the name signing it after a dash, else the
    subject of its sentence's first verb."""
    signed = signature_speaker(text, span.end, paragraph.end)
    if signed is not None:
        return signed
    return subject_before(text, _sentence_at(sentences, paragraph, span.start), span.start)


def _tagged_source(
    text: str, paragraph: Span, sentences: Sequence[Span], sources: Sequence[Span], span: Span
) -> Mention | None:
    """The CRF's source phrase nearest the span, in its paragraph and inside one
    sentence, read as a mention."""
    # Sources come in text order and never overlap: only a window can be near.
    window = sources[bisect_left(sources, span.start - _CUE_WINDOW, key=lambda s: s.end) :
                     bisect_right(sources, span.end + _CUE_WINDOW, key=lambda s: s.start)]
    near = [s for s in window if paragraph.start <= s.start < paragraph.end
            and _distance(s, span) <= _CUE_WINDOW]
    if not near:
        return None
    near = [p for s in near for p in _sentence_pieces(text, sentences, s)
            if _distance(p, span) <= _CUE_WINDOW]
    if not near:
        return None
    best = min(near, key=lambda p: _distance(p, span))
    phrase = _closed_appositive(text, sentences, best)
    name = text[phrase.start : phrase.end]
    parsed = None if name.lower() in _PRONOUNS else _source_mention(text, phrase)
    if parsed is not None:
        return parsed
    # A phrase no parse reads ("who", "one of three members who") stays as tagged.
    return Mention(phrase, name, classify_name(name), pronoun=name.lower() in _PRONOUNS)


def _source_mention(text: str, phrase: Span) -> Mention | None:
    """The phrase read as a speaker; "At the debate, Clinton": the person after a
    comma, when what comes before it names nobody."""
    mention = parse_mention(text, phrase)
    comma = text.rfind(",", phrase.start, phrase.end)
    if comma < 0 or (mention is not None and mention.kind == ActorKind.PERSON):
        return mention
    after = parse_mention(text, Span(comma + 1, phrase.end))
    if after is not None and after.kind == ActorKind.PERSON and not after.pronoun:
        return after
    return mention


def _sentence_pieces(text: str, sentences: Sequence[Span], source: Span) -> list[Span]:
    """A source run cut at sentence ends: the CRF's labels may run across one
    ("..., noted. Prime Minister Jo Roe"), a speaker never does."""
    overlapping = sentences[bisect_right(sentences, source.start, key=lambda s: s.end) :
                            bisect_left(sentences, source.end, key=lambda s: s.start)]
    pieces = [Span(max(s.start, source.start), min(s.end, source.end)) for s in overlapping]
    return [p for p in pieces if p.start < p.end and text[p.start : p.end].strip(" .,;:")]


def _closed_appositive(text: str, sentences: Sequence[Span], phrase: Span) -> Span:
    """ "Jo Roe, a spokesperson for the": an appositive opened in the phrase ends
    at its closing comma inside the sentence, whether the phrase runs past that
    comma (", noted") or stops short of it; a closing aside in brackets goes."""
    aside = _ASIDE.search(text, phrase.start, phrase.end)  # "Sen. Jo Roe (R-Ga.)"
    if aside is not None and aside.start() > phrase.start:
        phrase = Span(phrase.start, aside.start())
    opening = text.find(",", phrase.start, phrase.end)
    if opening < 0:
        return phrase
    closing = text.find(",", opening + 1, phrase.end)
    if closing >= 0:
        return Span(phrase.start, closing)
    if not _APPOSITIVE_OPENER.match(text, opening + 1, phrase.end):
        return phrase
    sentence = _sentence_at(sentences, phrase, phrase.start)
    closing = text.find(",", phrase.end, min(sentence.end, opening + _APPOSITIVE_CHARS))
    return Span(phrase.start, closing) if closing >= 0 else phrase


def _sentence_at(sentences: Sequence[Span], paragraph: Span, position: int) -> Span:
    """The sentence holding `position`, else the whole paragraph (sentences in order)."""
    index = bisect_right(sentences, position, key=lambda s: s.start) - 1
    return sentences[index] if index >= 0 and position < sentences[index].end else paragraph


def _distance(a: Span, b: Span) -> int:
    return max(0, a.start - b.end, b.start - a.end)


def _nearest_speaker(
    text: str, paragraph: Span, sentences: Sequence[Span], quotes: Sequence[Quote], span: Span
) -> tuple[Cue | None, Mention | None]:
    """The cue nearest the span (outside it) in its paragraph, and that cue's speaker."""
    lo = max(paragraph.start, span.start - _CUE_WINDOW)
    hi = min(paragraph.end, span.end + _CUE_WINDOW)
    # A cue inside someone's quotation reports their words, not the span outside it.
    cues = [c for c in find_cues(text, lo, hi)
            if c.kind == CueKind.VERB and not c.span.overlap(span)
            and not _quoted_elsewhere(quotes, c.span, span)]
    cues.sort(key=lambda c: _distance(c.span, span))
    for cue in cues:
        speaker = find_speaker(text, _sentence_at(sentences, paragraph, cue.span.start), cue, quotes)
        if speaker is not None:
            return cue, speaker
    return None, None


def _quoted_elsewhere(quotes: Sequence[Quote], cue: Span, span: Span) -> bool:
    """Whether the cue sits inside a quotation that does not hold the span."""
    q = quote_at(quotes, cue.start)
    return q is not None and cue.end <= q.span.end and not q.span.overlap(span)


def _resolve_new(drafts: Sequence[Draft]) -> list[Draft]:
    """Pronoun speakers the rules did not resolve: the nearest earlier named speaker."""
    out: list[Draft] = []
    named: list[Mention] = []
    for draft in drafts:
        if draft.speaker is not None and draft.resolved is None and draft.speaker.pronoun:
            draft = replace(draft, resolved=resolve_pronoun(draft.speaker, named[-LOOKBACK_MENTIONS:]))
        if draft.resolved is not None and not draft.resolved.pronoun:
            named.append(draft.resolved)
        out.append(draft)
    return out


@dataclass(frozen=True)
class RuleReading:
    """What the rules read in one article, before actors get keys."""

    meta: ArticleMeta
    quotes: tuple[Quote, ...]
    places: tuple[PlaceRef, ...]
    people: list[Mention]
    drafts: list[Draft]


def read_with_rules(text: str, *, title: str | None = None) -> RuleReading:
    """The rule pipeline up to statements; extraction and training both start here."""
    meta = parse_article(text, title=title)
    quotes = tuple(find_quotes(text, meta.paragraphs))
    # A pull quote is a statement too (find_statements): the places it names count.
    places = tuple(find_places(text, sorted([*meta.paragraphs, *meta.pull_quotes])))
    skip = [q.span for q in quotes] + [m for p in places for m in p.mentions]
    people = person_names(text, meta.paragraphs, skip)
    drafts = find_statements(text, meta.paragraphs, quotes, people, meta.pull_quotes)
    return RuleReading(meta, quotes, places, people, drafts)
