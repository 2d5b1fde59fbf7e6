"""The accurate mode's tagger: fine-tuned MiniLM-L6 with BIO heads, run by onnxruntime.

One InferenceSession per process, opened lazily on first use with one
intra-op thread (servers and `seed --jobs` run one process per core). An
article is tokenized into wordpieces whose offsets index the text and cut
into overlapping windows (api/extract/windows.py); the windows of a batch of
articles run together, and each piece's labels come from the window where it
sits most central. Three outputs tag Content, Source and Cue (BIO); runs of
B/I become character spans of the text. Built by `python -m api train-model
--neural` (api/training/neural.py).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from api.characters import surrogates_replaced
from api.errors import QuotegraphError
from api.extract.results import Span
from api.extract.windows import HEADS, Window, bio_runs, owner_windows, windows
from api.model_files import MODEL_DIR, TAGGER_FILE, TOKENIZER_FILE, missing_file

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime
    from tokenizers import Tokenizer

__all__ = [
    "MODEL_DIR", "STRIDE", "TAGGER_FILE", "TOKENIZER_FILE", "WINDOW", "ModelMissingError",
    "NeuralTagged", "NeuralTagger", "Run", "check_model", "load_neural", "missing_file",
    "read_tokenizer", "runs_overlapping",
]

# Wordpieces per window (plus [CLS] and [SEP]: the 256 positions it was trained on)
# and the step between windows: each piece is read with at least
# (WINDOW - STRIDE) / 2 pieces of context on either side.
WINDOW = 254
STRIDE = 190
_BATCH = 8  # windows per onnxruntime call
_CLS, _SEP = 101, 102


class ModelMissingError(QuotegraphError):
    """The accurate mode was asked for but its model file is not there."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: no tagger model; the accurate extractor needs it. Build it with "
            f"`python -m api train-model --neural --corpus ../shared/corpora/polnear/train "
            f"--out {path.parent}` (needs `pip install -e '.[train]'`), or use the fast "
            f"extractor (QUOTEGRAPH_EXTRACTOR=fast, --extractor fast)"
        )
        self.path = path


@dataclass(frozen=True)
class Run:
    """One span a head tagged: characters, wordpiece count and mean probability."""

    span: Span
    pieces: int
    confidence: float


@dataclass(frozen=True)
class NeuralTagged:
    """What the model found in one article, each kind in text order."""

    contents: tuple[Run, ...]
    sources: tuple[Run, ...]
    cues: tuple[Run, ...]
    # Each wordpiece's start offset and the content head's B + I probability there.
    starts: tuple[int, ...] = ()
    content: tuple[float, ...] = ()

    def content_share(self, span: Span, without: Sequence[Span] = ()) -> float:
        """Mean content probability of the wordpieces that start inside `span` but
        in none of `without` (an attribution frame inside it); 0 for none."""
        first, last = bisect_left(self.starts, span.start), bisect_left(self.starts, span.end)
        kept = [self.content[i] for i in range(first, last)
                if not any(w.start <= self.starts[i] < w.end for w in without)]
        return sum(kept) / len(kept) if kept else 0.0


def runs_overlapping(runs: Sequence[Run], span: Span) -> Sequence[Run]:
    """The runs of one head (in text order, never overlapping one another, so their
    ends are sorted too) that share a character with `span`: found by bisection."""
    first = bisect_right(runs, span.start, key=lambda r: r.span.end)
    return runs[first : bisect_left(runs, span.end, key=lambda r: r.span.start)]


def read_tokenizer(path: Path) -> Tokenizer:
    """The wordpiece tokenizer, with no truncation or padding (windows do that)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _session(path: Path, threads: int) -> onnxruntime.InferenceSession:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class NeuralTagger:
    """Tags articles with the model; one per process (see load_neural)."""

    def __init__(self, session: onnxruntime.InferenceSession, tokenizer: Tokenizer) -> None:
        self._session = session
        self.tokenizer = tokenizer

    @classmethod
    def open(cls, model: Path, vocabulary: Path, *, threads: int = 1) -> NeuralTagger:
        """The model's session and its tokenizer."""
        return cls(_session(model, threads), read_tokenizer(vocabulary))

    def pieces(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Wordpiece ids and their character offsets into `text`. A lone surrogate,
        which no UTF-8 tokenizer takes, is read as U+FFFD: one character for one, so
        the offsets still index `text`."""
        encoding = self.tokenizer.encode(surrogates_replaced(text), add_special_tokens=False)
        return list(encoding.ids), [(a, b) for a, b in encoding.offsets]

    def tag(self, text: str) -> NeuralTagged:
        """Content, source and cue spans of one article."""
        return self.tag_many([text])[0]

    def tag_many(self, texts: Sequence[str]) -> list[NeuralTagged]:
        """Several articles, their windows batched together through the model."""
        read = [self.pieces(t) for t in texts]
        cuts = [windows(len(ids), WINDOW, STRIDE) if ids else [] for ids, _ in read]
        jobs = [ids[w.start : w.stop] for (ids, _), cut in zip(read, cuts, strict=True) for w in cut]
        probs = self.probabilities(jobs)
        out: list[NeuralTagged] = []
        at = 0
        for (_, offsets), cut in zip(read, cuts, strict=True):
            out.append(_decode(offsets, cut, probs[at : at + len(cut)]))
            at += len(cut)
        return out

    def probabilities(self, pieces: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """[piece, head, O/B/I] per window of wordpiece ids, _BATCH windows a call
        (windows of like length together, so little is padding)."""
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
        out: list[np.ndarray | None] = [None] * len(pieces)
        for at in range(0, len(order), _BATCH):
            rows = order[at : at + _BATCH]
            for row, result in zip(rows, self._run([pieces[r] for r in rows]), strict=True):
                out[row] = result
        return out  # type: ignore[return-value]

    def _run(self, pieces: Sequence[Sequence[int]]) -> list[np.ndarray]:
        import numpy as np

        width = max(len(p) for p in pieces) + 2
        ids = np.zeros((len(pieces), width), dtype=np.int64)
        mask = np.zeros((len(pieces), width), dtype=np.int64)
        for row, piece_ids in enumerate(pieces):
            ids[row, : len(piece_ids) + 2] = [_CLS, *piece_ids, _SEP]
            mask[row, : len(piece_ids) + 2] = 1
        (result,) = self._session.run(["probabilities"], {"input_ids": ids, "attention_mask": mask})
        # [CLS], [SEP] and padding cut off
        return [np.ascontiguousarray(result[row, 1 : len(p) + 1]) for row, p in enumerate(pieces)]


def _decode(
    offsets: Sequence[tuple[int, int]], cut: Sequence[Window], probs: Sequence[np.ndarray]
) -> NeuralTagged:
    if not offsets:
        return NeuralTagged((), (), ())
    import numpy as np

    owners = owner_windows(cut)
    merged = np.stack([probs[owners[i]][i - cut[owners[i]].start] for i in range(len(offsets))])
    labels = merged.argmax(-1)  # [piece, head]
    heads = [_runs(offsets, merged[:, h], labels[:, h].tolist()) for h in range(len(HEADS))]
    content = merged[:, 0, 1:].sum(-1).tolist()
    return NeuralTagged(heads[0], heads[1], heads[2], tuple(a for a, _ in offsets), tuple(content))


def _runs(offsets: Sequence[tuple[int, int]], probs: np.ndarray, labels: list[int]) -> tuple[Run, ...]:
    out: list[Run] = []
    for run in bio_runs(labels):
        sure = float(probs[run.start : run.stop, 1:].sum(-1).mean())
        span = Span(offsets[run.start][0], offsets[run.stop - 1][1])
        out.append(Run(span, len(run), sure))
    return tuple(out)


def check_model(folder: Path = MODEL_DIR) -> None:
    """ModelMissingError, naming the file, unless every model file is there."""
    missing = missing_file(folder)
    if missing is not None:
        raise ModelMissingError(missing)


@cache
def load_neural(folder: Path = MODEL_DIR) -> NeuralTagger:
    """The tagger, opened once per process; ModelMissingError names the missing file."""
    check_model(folder)
    return NeuralTagger.open(folder / TAGGER_FILE, folder / TOKENIZER_FILE)
