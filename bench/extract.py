"""Extraction throughput on one core: `python -m bench.extract [DIR ...] [--repeat N]`.

Reads every *.txt under the given folders (default: the PolNeAR dev split
beside this repository, else seeds/), runs the whole extraction on each,
and prints articles per second, characters per second and peak memory.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from api.extract import extract_article

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "polnear" / "dev" / "text"


def _texts(folders: list[Path]) -> list[str]:
    files = sorted(p for folder in folders for p in folder.rglob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in files]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best is reported)")
    args = parser.parse_args()
    folders = args.folders or [DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else ROOT / "seeds"]
    texts = _texts(folders)
    started = time.perf_counter()
    extract_article(texts[0])  # first call builds gazetteer and lexicon indexes
    warmup = time.perf_counter() - started
    best = min(_timed_pass(texts) for _ in range(args.repeat))
    chars = sum(len(t) for t in texts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {', '.join(map(str, folders))} ({len(texts)} articles, {chars:,} characters)")
    print(f"first call (index build): {warmup:.2f} s")
    print(f"throughput: {len(texts) / best:.1f} articles/s, {chars / best / 1e6:.2f} M chars/s "
          f"(best of {args.repeat}, one core)")
    print(f"peak RSS: {peak_mb:.0f} MB")


def _timed_pass(texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        extract_article(text)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
