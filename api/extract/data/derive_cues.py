"""Derive the cue word lists from the Cue spans of an attribution corpus's train split.

`cue_verbs.txt`: a verb lemma is listed when its forms sit inside annotated
Cue spans often enough (support) and make up a large enough share of all its
occurrences (precision). `cue_that_words.txt`: nouns and adjectives that,
right before "that", are a Cue often enough ("concern that", "confident
that"). Only words are written, never article text. Regenerate from the
repository root, verbs first (the "that" list leaves out words the verb list reads):

    PYTHONPATH=. python api/extract/data/derive_cues.py ../shared/corpora/polnear/train verbs \
        > api/extract/data/cue_verbs.txt
    PYTHONPATH=. python api/extract/data/derive_cues.py ../shared/corpora/polnear/train that \
        > api/extract/data/cue_that_words.txt

The corpus folder holds text/NAME.txt, attributions/NAME_ANNOTATOR.ann (brat
standoff) and metadata.tsv naming each article's annotators, first canonical.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from api.extract.cues import inflections, lemma_of

MIN_SUPPORT = 5  # cue occurrences over all forms of the lemma
MIN_PRECISION = 0.3  # share of the lemma's occurrences that are cues
THAT_SUPPORT = 3  # "word that" inside a Cue span
THAT_PRECISION = 0.4
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


def count_forms(corpus: Path, pattern: re.Pattern[str] = _WORD) -> tuple[Counter[str], Counter[str]]:
    """Per lower-cased word: occurrences inside Cue spans, and in all the text."""
    cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text_path, ann in _canonical_annotations(corpus):
        chars = _cue_chars(ann)
        for match in pattern.finditer(text_path.read_text(encoding="utf-8")):
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


# A lower-case word right before "that" (names and weekdays are capitalised).
_BEFORE_THAT = re.compile(r"\b[a-z]+(?=\s+that\b)")


def that_words(cue: Counter[str], total: Counter[str]) -> list[tuple[str, int, int]]:
    """(word, cue count, total count) of nouns and adjectives cueing a that-clause;
    verb forms are the verb list's, and "-ly" adverbs only modify a cue."""
    return [
        (word, hits, total[word])
        for word, hits in sorted(cue.items())
        if hits >= THAT_SUPPORT and hits / total[word] >= THAT_PRECISION
        and lemma_of(word) is None and not word.endswith("ly")
    ]


def main(argv: list[str]) -> None:
    if argv[2:] == ["that"]:
        cue, total = count_forms(Path(argv[1]), _BEFORE_THAT)
        print(f"# derived by api/extract/data/derive_cues.py: before \"that\", support >= "
              f"{THAT_SUPPORT}, precision >= {THAT_PRECISION}; word, cue count, occurrences")
        for word, hits, seen in that_words(cue, total):
            print(f"{word}\t{hits}\t{seen}")
        return
    cue, total = count_forms(Path(argv[1]))
    print(f"# derived by api/extract/data/derive_cues.py: support >= {MIN_SUPPORT}, "
          f"precision >= {MIN_PRECISION}; lemma, cue count, occurrences")
    for lemma, hits, seen in cue_lemmas(cue, total):
        print(f"{lemma}\t{hits}\t{seen}")


if __name__ == "__main__":
    main(sys.argv)
