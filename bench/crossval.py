"""Cross-validated extraction scores on PolNeAR train:
`python -m bench.crossval [--corpus DIR] [--folds K] [--work DIR] [--epochs N]`.

Deals the annotated train files (in name order) into K folds. For each fold,
trains the CRF (`api.training.crf`) and the transformer tagger
(`api.training.neural`, its own held-out tenth picking the epoch) on the other
folds, extracts the fold's files in both modes with those models, and scores
them with the reference scorer (`../shared/tools/eval_attribution.py`),
printing its last line per fold and mode. Rules and thresholds are the
shipped ones (fit by hand on train, so the figures are a little flattered).
Needs the train extra; about an hour on two cores for two folds.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import api.extract as extraction
from api.cli import scorer_record
from api.extract import ExtractionMode
from api.extract.crf import load_tagger
from api.extract.neural import load_neural
from api.training.crf import annotated_files, train_model
from api.training.neural import TrainConfig, train_neural

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crossval", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "polnear" / "train")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "crossval",
                        help="models, fold folders and predictions (kept, so a fold's models are reused)")
    parser.add_argument("--epochs", type=int, default=TrainConfig().epochs)
    parser.add_argument("--scorer", type=Path, default=SHARED / "tools" / "eval_attribution.py")
    args = parser.parse_args()
    names = [name for name, _, _ in annotated_files(args.corpus)]
    for fold in range(args.folds):
        scored = [n for i, n in enumerate(names) if i % args.folds == fold]
        trained = [n for n in names if n not in set(scored)]
        work = args.work / f"fold{fold}"
        gold = _gold_folder(args.corpus, scored, work / "gold")
        crf, neural = work / "attribution.crfsuite", work / "neural"
        if not crf.is_file():
            train_model(args.corpus, crf, names=trained)
        if not (neural / "tagger.onnx").is_file():
            report = train_neural(args.corpus, neural, TrainConfig(epochs=args.epochs), names=trained)
            print(f"fold {fold}: tagger trained on {report.articles} files in "
                  f"{report.seconds / 60:.1f} min, epoch {report.best_epoch} kept", flush=True)
        for mode in ExtractionMode:
            out = work / f"{mode.value}.jsonl"
            _extract(gold, crf, neural, mode, out)
            done = subprocess.run([sys.executable, str(args.scorer), str(gold), str(out)],
                                  capture_output=True, text=True, check=True)
            print(f"fold {fold} ({len(scored)} files, trained on {len(trained)}) {mode.value}: "
                  f"{done.stdout.splitlines()[-1]}", flush=True)


def _gold_folder(corpus: Path, stems: list[str], folder: Path) -> Path:
    """A folder of links to the fold's texts and annotations, as the scorer reads it."""
    for sub in ("text", "attributions"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    wanted = set(stems)
    for path in [*(corpus / "text").glob("*.txt"), *(corpus / "attributions").glob("*.ann")]:
        stem = path.stem if path.suffix == ".txt" else path.stem.rsplit("_", 1)[0]
        link = folder / path.parent.name / path.name
        if stem in wanted and not link.exists():
            link.symlink_to(path.resolve())
    (folder / "metadata.tsv").write_bytes((corpus / "metadata.tsv").read_bytes())
    return folder


def _extract(gold: Path, crf: Path, neural: Path, mode: ExtractionMode, out: Path) -> None:
    """Each text of `gold` read in `mode` with the fold's models, as `extract --json` writes it."""
    # Extraction opens the shipped models; the fold's stand in for them here.
    crf_tagger, neural_tagger = load_tagger(crf), load_neural(neural)
    lines = []
    with (patch.object(extraction, "load_tagger", lambda: crf_tagger),
          patch.object(extraction, "load_neural", lambda: neural_tagger)):
        for path in sorted((gold / "text").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            found = extraction.extract_article(text, mode=mode)
            lines.append(json.dumps(scorer_record(path.name, text, found), ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
