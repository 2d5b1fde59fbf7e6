"""Extraction throughput on one core:
`python -m bench.extract [DIR ...] [--repeat N] [--extractor accurate|fast]`.

Reads every *.txt under the given folders (default: the PolNeAR dev split
beside this repository, else seeds/), runs the whole extraction on each in
the given mode (default fast), and prints articles per second, characters
per second, peak memory and, in accurate mode, the model's load time.
"""
from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from api.extract import ExtractionMode, extract_article

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "polnear" / "dev" / "text"


def _texts(folders: list[Path]) -> list[str]:
    files = sorted(p for folder in folders for p in folder.rglob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in files]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best is reported)")
    parser.add_argument("--extractor", choices=[m.value for m in ExtractionMode], default="fast",
                        help="accurate (the transformer tagger) or fast (rules and CRF)")
    args = parser.parse_args()
    mode = ExtractionMode(args.extractor)
    folders = args.folders or [DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else ROOT / "seeds"]
    texts = _texts(folders)
    if mode == ExtractionMode.ACCURATE:
        from api.extract.neural import load_neural

        started = time.perf_counter()
        load_neural()
        print(f"model load: {time.perf_counter() - started:.2f} s")
    extract = partial(extract_article, mode=mode)
    started = time.perf_counter()
    extract(texts[0])  # first call builds gazetteer and lexicon indexes
    warmup = time.perf_counter() - started
    best = min(_timed_pass(extract, texts) for _ in range(args.repeat))
    chars = sum(len(t) for t in texts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {', '.join(map(str, folders))} ({len(texts)} articles, {chars:,} characters); "
          f"extractor {mode.value}")
    print(f"first call (index build): {warmup:.2f} s")
    print(f"throughput: {len(texts) / best:.1f} articles/s, {chars / best / 1e6:.2f} M chars/s "
          f"(best of {args.repeat}, one core)")
    print(f"peak RSS: {peak_mb:.0f} MB")


def _timed_pass(extract: Callable[[str], object], texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        extract(text)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
