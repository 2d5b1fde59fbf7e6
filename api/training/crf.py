"""Train the attribution CRF from a brat corpus: `python -m api train-model`.

Reads NAME.txt under CORPUS/text and the canonical annotator's
NAME_ANNOTATOR.ann under CORPUS/attributions (the first annotator listed in
CORPUS/metadata.tsv, as the reference scorer does), reads each text with
the rules and the runtime feature function (api.extract.crf), labels tokens
inside gold Content spans B/I, and trains a CRF (L-BFGS, L1+L2). Training
is deterministic: files in name order, fixed parameters.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from api.errors import QuotegraphError
from api.extract.crf import BEGIN, INSIDE, OUTSIDE, SOURCE, Token, paragraph_sequences
from api.extract.hybrid import read_with_rules, rule_marks
from api.extract.results import Span

__all__ = ["Gold", "TrainReport", "annotated_files", "gold_spans", "labels_for", "train_model"]

# Parts of one discontinuous Content closer than this are one span: the gap
# is a "he said" frame inside a single statement.
_JOIN_GAP = 80
_PARAMS: dict[str, float | int | bool] = {
    "c1": 0.1,  # L1 prunes rare features: a small model file
    "c2": 0.01,
    "max_iterations": 150,
    "feature.minfreq": 3,
    "feature.possible_transitions": True,
}


@dataclass(frozen=True)
class Gold:
    """One article's annotated Content spans and Source phrases."""

    contents: list[Span]
    sources: list[Span]


@dataclass(frozen=True)
class TrainReport:
    """What one training run read and wrote."""

    articles: int
    sequences: int
    seconds: float
    model_bytes: int


def train_model(corpus: Path, out: Path, *, names: Sequence[str] | None = None) -> TrainReport:
    """Train on every annotated article of `corpus` (or only `names`) and write `out`."""
    started = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params(_PARAMS)
    articles = sequences = 0
    for text, gold in _articles(corpus, names):
        articles += 1
        reading = read_with_rules(text)
        marks = rule_marks(reading.drafts)
        for seq in paragraph_sequences(text, reading.meta.paragraphs, reading.quotes, marks):
            trainer.append(seq.features, labels_for(seq.tokens, gold))
            sequences += 1
    if not sequences:
        raise QuotegraphError(f"{corpus}: no annotated articles (want text/*.txt and attributions/*.ann)")
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return TrainReport(articles, sequences, time.perf_counter() - started, out.stat().st_size)


def _articles(corpus: Path, names: Sequence[str] | None) -> Iterator[tuple[str, Gold]]:
    for _name, text, ann in annotated_files(corpus, names):
        yield text, gold_spans(ann)


def annotated_files(
    corpus: Path, names: Sequence[str] | None = None
) -> Iterator[tuple[str, str, str]]:
    """(name, text, canonical .ann text) of each annotated article, in name order."""
    annotators = _first_annotators(corpus / "metadata.tsv")
    wanted = set(names) if names is not None else None
    for path in sorted((corpus / "text").glob("*.txt")):
        if wanted is not None and path.stem not in wanted:
            continue
        ann = _pick_ann(corpus / "attributions", path.stem, annotators.get(path.stem, ""))
        if ann is not None:
            yield path.stem, path.read_text(encoding="utf-8"), ann.read_text(encoding="utf-8")


def _first_annotators(metadata: Path) -> dict[str, str]:
    if not metadata.is_file():
        return {}
    rows = metadata.read_text(encoding="utf-8").splitlines()
    head = rows[0].split("\t") if rows else []
    records = (dict(zip(head, row.split("\t"), strict=False)) for row in rows[1:])
    return {r["filename"]: r.get("annotators", "").split("|")[0] for r in records if "filename" in r}


def _pick_ann(folder: Path, stem: str, annotator: str) -> Path | None:
    candidates = sorted(folder.glob(f"{stem}_*.ann"))
    for candidate in candidates:
        if annotator and candidate.stem.endswith("_" + annotator):
            return candidate
    return candidates[0] if candidates else None


def gold_spans(ann: str) -> Gold:
    """Content spans and Source parts of a brat .ann text; close content parts joined."""
    gold = Gold([], [])
    for line in ann.splitlines():
        cols = line.split("\t")
        if not (line.startswith("T") and len(cols) >= 2):
            continue
        kind, _, field = cols[1].partition(" ")
        if kind == "Content":
            gold.contents.extend(_joined(sorted(_parts(field))))
        elif kind == "Source":
            gold.sources.extend(_parts(field))
    return gold


def _joined(parts: Sequence[Span]) -> list[Span]:
    spans: list[Span] = []
    current = parts[0]
    for part in parts[1:]:
        if part.start - current.end <= _JOIN_GAP:
            current = Span(current.start, max(current.end, part.end))
        else:
            spans.append(current)
            current = part
    return [*spans, current]


def _parts(field: str) -> list[Span]:
    pairs = (part.split() for part in field.split(";"))
    return [Span(int(a), int(b)) for a, b in pairs]


def labels_for(tokens: Sequence[Token], gold: Gold) -> list[str]:
    """B/I/S/O per token; where contents nest, the outermost one labels the tokens,
    and a source inside a content stays content."""
    labels = [OUTSIDE] * len(tokens)
    owner: list[Span | None] = [None] * len(tokens)
    for span in sorted(gold.contents, key=lambda s: s.start - s.end):  # longest first
        inside = [i for i, t in enumerate(tokens) if span.start <= t.start < span.end]
        if any(owner[i] is not None for i in inside):
            continue
        for i in inside:
            owner[i] = span
            labels[i] = INSIDE if i > 0 and owner[i - 1] == span else BEGIN
    for span in gold.sources:
        for i, token in enumerate(tokens):
            if span.start <= token.start < span.end and owner[i] is None:
                labels[i] = SOURCE
    return labels
