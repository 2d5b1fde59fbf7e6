"""Derive `cue_verbs.txt` from the Cue spans of an attribution corpus's train split.

A verb lemma is listed when its forms sit inside annotated Cue spans often
enough (support) and make up a large enough share of all its occurrences
(precision). Only lemmas are written, never article text. Regenerate with:

    python api/extract/data/derive_cues.py ../shared/corpora/polnear/train \
        > api/extract/data/cue_verbs.txt

The corpus folder holds text/NAME.txt, attributions/NAME_ANNOTATOR.ann (brat
standoff) and metadata.tsv naming each article's annotators, first canonical.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from api.extract.cues import inflections

MIN_SUPPORT = 5  # cue occurrences over all forms of the lemma
MIN_PRECISION = 0.3  # share of the lemma's occurrences that are cues
_WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")


def _canonical_annotations(corpus: Path) -> list[tuple[Path, Path]]:
    rows = (corpus / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    pairs = []
    for row in rows[1:]:
        fields = dict(zip(header, row.split("\t"), strict=False))
        name = fields.get("filename", "")
        annotator = fields.get("annotators", "").split("|")[0]
        text = corpus / "text" / f"{name}.txt"
        ann = corpus / "attributions" / f"{name}_{annotator}.ann"
        if text.exists() and ann.exists():
            pairs.append((text, ann))
    return pairs


def _cue_chars(ann: Path) -> set[int]:
    """Character offsets inside any Cue span."""
    chars: set[int] = set()
    for line in ann.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if not line.startswith("T") or len(cols) < 2 or not cols[1].startswith("Cue "):
            continue
        for piece in cols[1][4:].split(";"):
            start, end = piece.split()
            chars.update(range(int(start), int(end)))
    return chars


def count_forms(corpus: Path) -> tuple[Counter[str], Counter[str]]:
    """Per lower-cased word: occurrences inside Cue spans, and in all the text."""
    cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text_path, ann in _canonical_annotations(corpus):
        chars = _cue_chars(ann)
        for match in _WORD.finditer(text_path.read_text(encoding="utf-8")):
            word = match.group().lower()
            total[word] += 1
            if match.start() in chars:
                cue[word] += 1
    return cue, total


def lemma_guess(word: str, total: Counter[str]) -> str | None:
    """The base, seen in the text, whose inflections cover most occurrences
    and include `word` ("accused" -> "accuse", not "accused")."""
    bases = {word, word[:-1], word[:-2], word[:-3], word[:-1] + "e", word[:-2] + "e",
             word[:-3] + "e", word[:-3] + "y", word[:-4]}
    fitting = [b for b in bases if len(b) > 2 and total[b] and word in inflections(b)]
    return max(fitting, key=lambda b: (_coverage(b, total), -len(b)), default=None)


def _coverage(lemma: str, counts: Counter[str]) -> int:
    return sum(counts[form] for form in set(inflections(lemma)))


def _verbal(lemma: str, cue: Counter[str]) -> bool:
    """A past or -ing form is a cue somewhere: a verb, not a noun or adverb."""
    forms = inflections(lemma)
    return not lemma.endswith("ly") and any(cue[f] for f in forms[2:])


def cue_lemmas(cue: Counter[str], total: Counter[str]) -> list[tuple[str, int, int]]:
    """(lemma, cue count, total count) of every lemma passing both thresholds."""
    lemmas = {lemma for word in cue if (lemma := lemma_guess(word, total))}
    chosen = []
    for lemma in sorted(lemmas):
        hits, seen = _coverage(lemma, cue), _coverage(lemma, total)
        if hits >= MIN_SUPPORT and hits / seen >= MIN_PRECISION and _verbal(lemma, cue):
            chosen.append((lemma, hits, seen))
    return chosen


def main(argv: list[str]) -> None:
    cue, total = count_forms(Path(argv[1]))
    print(f"# derived by api/extract/data/derive_cues.py: support >= {MIN_SUPPORT}, "
          f"precision >= {MIN_PRECISION}; lemma, cue count, occurrences")
    for lemma, hits, seen in cue_lemmas(cue, total):
        print(f"{lemma}\t{hits}\t{seen}")


if __name__ == "__main__":
    main(sys.argv)
