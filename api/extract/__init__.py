"""Pure extraction of who said what, where, from one article's text."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from api.extract.actors import ActorTable, Mention, classify_name, name_spans
from api.extract.crf import load_tagger
from api.extract.hybrid import hybrid_drafts, read_with_rules
from api.extract.neural import ModelMissingError, load_neural
from api.extract.parts import with_parts
from api.extract.places import capital_country, is_country
from api.extract.results import (
    ActorKind,
    ActorRef,
    ArticleMeta,
    Extraction,
    PlaceRef,
    Span,
    StatementKind,
    StatementRef,
)
from api.extract.statements import Draft, free_people
from api.vocabulary import ExtractionMode

__all__ = [
    "ActorKind",
    "ActorRef",
    "ArticleMeta",
    "ExtractionMode",
    "Extraction",
    "ModelMissingError",
    "PlaceRef",
    "Span",
    "StatementKind",
    "StatementRef",
    "classify_name",
    "extract_article",
]

_NAME = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
# A state's name acts (rather than locates) as a subject, or after these words.
_ACTING_BEFORE = re.compile(r"\b(?:with|by|against|between|urged|told|warned|accused)\s+$")
_ACTING_AFTER = re.compile(
    r"(?:['’]s\b|\s+(?:has|have|had|will|would|could|should|may|might|must|is|was|were|"
    r"are|did|does|said|says|[a-z]+ed)\b)"
)


def extract_article(
    text: str, *, title: str | None = None, mode: ExtractionMode = ExtractionMode.FAST
) -> Extraction:
    """Statements, actors and places of one article; offsets index `text` unchanged.

    `mode` FAST reads with the rules and the CRF; ACCURATE adds the transformer
    tagger's finds (ModelMissingError, naming the file, when its model is absent)."""
    reading = read_with_rules(text, title=title)
    meta, quotes, places, people = reading.meta, reading.quotes, reading.places, reading.people
    drafts = reading.drafts
    tagger = load_tagger()
    if tagger is not None:  # without a model file, the rules alone (load_tagger warned once)
        drafts = hybrid_drafts(text, meta.paragraphs, quotes, drafts, tagger)
    if mode == ExtractionMode.ACCURATE:
        from api.extract.accurate import accurate_drafts

        drafts = accurate_drafts(text, meta.paragraphs, quotes, drafts, load_neural())
    drafts = with_parts(text, drafts, quotes)
    table = ActorTable()
    for draft in drafts:
        for mention in (draft.resolved, draft.medium):
            if mention is not None:
                table.add(mention)
    for person in free_people(people, drafts):
        table.add(person)
    for mention in _state_mentions(text, drafts):
        table.add(mention)
    extra = _pronoun_spans(table, drafts)
    for key, spans in name_spans(text, meta.paragraphs, table.actors()).items():
        extra.setdefault(key, []).extend(spans)
    actors = table.actors(extra)
    where = _MentionIndex(places), _MentionIndex(actors)
    statements = tuple(_statement(text, d, table, *where) for d in drafts)
    return Extraction(meta=meta, statements=statements, actors=actors, places=places)


def _state_mentions(text: str, drafts: Sequence[Draft]) -> list[Mention]:
    """States and capitals acting in reported content ("Moscow would hold talks")."""
    found: list[Mention] = []
    for draft in drafts:
        start, end = draft.content.start, draft.content.end
        for match in _NAME.finditer(text, start, end):
            name = match.group()
            if not (is_country(name) or capital_country(name)):
                continue
            before = text[max(0, match.start() - 12) : match.start()]
            if not (_ACTING_BEFORE.search(before) or _ACTING_AFTER.match(text, match.end())):
                continue
            found.append(Mention(Span(match.start(), match.end()), name, ActorKind.GOVERNMENT))
    return found


def _pronoun_spans(table: ActorTable, drafts: Sequence[Draft]) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = {}
    for draft in drafts:
        if draft.speaker is not None and draft.speaker.pronoun and draft.resolved is not None:
            spans.setdefault(table.key_of(draft.resolved), []).append(draft.speaker.span)
    return spans


class _MentionIndex:
    """Every mention of a list of places or actors, sorted by start, so a statement
    finds the keys mentioned inside it without scanning them all."""

    def __init__(self, refs: Sequence[PlaceRef | ActorRef]) -> None:
        self._keys = [r.key for r in refs]
        found = sorted((s.start, s.end, order) for order, r in enumerate(refs) for s in r.mentions)
        self._starts = [start for start, _, _ in found]
        self._found = found

    def inside(self, outer: Span) -> tuple[str, ...]:
        """Keys with a mention inside `outer`, in the order of the list."""
        first = bisect_left(self._starts, outer.start)
        last = bisect_left(self._starts, outer.end + 1)
        orders = {order for _, end, order in self._found[first:last] if end <= outer.end}
        return tuple(self._keys[order] for order in sorted(orders))


def _statement(
    text: str,
    draft: Draft,
    table: ActorTable,
    places: _MentionIndex,
    actors: _MentionIndex,
) -> StatementRef:
    content = draft.content
    cue = draft.cue
    return StatementRef(
        span=content,
        kind=draft.kind,
        cue=text[cue.span.start : cue.span.end] if cue is not None else None,
        cue_span=cue.span if cue is not None else None,
        speaker=table.key_of(draft.resolved) if draft.resolved is not None else None,
        speaker_span=draft.speaker.span if draft.speaker is not None else None,
        medium=table.key_of(draft.medium) if draft.medium is not None else None,
        locations=places.inside(content),
        mentions=actors.inside(content),
        parts=draft.parts,
    )

