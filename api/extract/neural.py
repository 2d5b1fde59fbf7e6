"""The accurate mode's tagger: MiniLM vectors and a BiLSTM head, run by onnxruntime.

One pair of InferenceSessions per process, opened lazily on first use with
one intra-op thread (servers and `seed --jobs` run one process per core). An
article is tokenized into wordpieces whose offsets index the text, cut into
overlapping windows (api/extract/windows.py); the encoder runs the windows
of a batch of articles together, the head reads each window unpadded, and
each piece's labels come from the window where it sits most central. Three
outputs tag Content, Source and Cue (BIO); runs of B/I become character
spans of the text. Built by `python -m api train-model --neural`
(api/training/neural.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from api.errors import QuotegraphError
from api.extract.results import Span
from api.extract.windows import HEADS, Window, bio_runs, owner_windows, windows
from api.model_files import ENCODER_FILE, HEAD_FILE, MODEL_DIR, TOKENIZER_FILE, missing_file

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime
    from tokenizers import Tokenizer

__all__ = [
    "ENCODER_FILE", "HEAD_FILE", "MODEL_DIR", "STRIDE", "TOKENIZER_FILE", "WINDOW", "Encoder",
    "ModelMissingError", "NeuralTagged", "check_model", "missing_file", "NeuralTagger", "Run", "load_neural", "read_tokenizer",
]

# Wordpieces per window (plus [CLS] and [SEP]) and the step between windows:
# each piece is read with at least (WINDOW - STRIDE) / 2 pieces of context.
WINDOW = 382
STRIDE = 256
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


class Encoder:
    """Wordpieces and their contextual vectors (the int8 MiniLM)."""

    def __init__(self, session: onnxruntime.InferenceSession, tokenizer: Tokenizer) -> None:
        self._session = session
        self.tokenizer = tokenizer

    @classmethod
    def open(cls, model: Path, vocabulary: Path, *, threads: int = 1) -> Encoder:
        """The encoder session and its tokenizer."""
        return cls(_session(model, threads), read_tokenizer(vocabulary))

    def pieces(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Wordpiece ids and their character offsets into `text`."""
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return list(encoding.ids), [(a, b) for a, b in encoding.offsets]

    def vectors(self, pieces: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """[piece, hidden] per window, run _BATCH windows at a time."""
        out: list[np.ndarray] = []
        for at in range(0, len(pieces), _BATCH):
            out.extend(self._run(pieces[at : at + _BATCH]))
        return out

    def _run(self, pieces: Sequence[Sequence[int]]) -> list[np.ndarray]:
        import numpy as np

        width = max(len(p) for p in pieces) + 2
        ids = np.zeros((len(pieces), width), dtype=np.int64)
        mask = np.zeros((len(pieces), width), dtype=np.int64)
        for row, piece_ids in enumerate(pieces):
            ids[row, : len(piece_ids) + 2] = [_CLS, *piece_ids, _SEP]
            mask[row, : len(piece_ids) + 2] = 1
        (result,) = self._session.run(["vectors"], {"input_ids": ids, "attention_mask": mask})
        # [CLS], [SEP] and padding cut off
        return [np.ascontiguousarray(result[row, 1 : len(p) + 1]) for row, p in enumerate(pieces)]


class NeuralTagger:
    """Tags articles with the encoder and the head; one per process (see load_neural)."""

    def __init__(self, encoder: Encoder, head: onnxruntime.InferenceSession) -> None:
        self._encoder = encoder
        self._head = head

    @property
    def encoder(self) -> Encoder:
        """The wordpiece encoder (its windows are what the head tags)."""
        return self._encoder

    def tag(self, text: str) -> NeuralTagged:
        """Content, source and cue spans of one article."""
        return self.tag_many([text])[0]

    def tag_many(self, texts: Sequence[str]) -> list[NeuralTagged]:
        """Several articles, their windows batched together through the encoder."""
        read = [self._encoder.pieces(t) for t in texts]
        cuts = [windows(len(ids), WINDOW, STRIDE) for ids, _ in read]
        jobs = [ids[w.start : w.stop] for (ids, _), cut in zip(read, cuts, strict=True) for w in cut]
        vectors = self._encoder.vectors([j for j in jobs if j])
        probs = [self.probabilities(v) for v in vectors]
        out: list[NeuralTagged] = []
        at = 0
        for (ids, offsets), cut in zip(read, cuts, strict=True):
            count = len(cut) if ids else 0
            out.append(_decode(offsets, cut, probs[at : at + count]))
            at += count
        return out

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """[piece, head, O/B/I] for one window's vectors (unpadded: the BiLSTM reads
        each window from both ends)."""
        (result,) = self._head.run(["probabilities"], {"vectors": vectors[None]})
        return result[0]  # type: ignore[no-any-return]


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
    return NeuralTagged(heads[0], heads[1], heads[2])


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
    encoder = Encoder.open(folder / ENCODER_FILE, folder / TOKENIZER_FILE)
    return NeuralTagger(encoder, _session(folder / HEAD_FILE, 1))
