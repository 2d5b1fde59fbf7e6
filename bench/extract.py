"""Extraction throughput on one core:
`python -m bench.extract [DIR ...] [--repeat N] [--extractor accurate|fast]`.

Reads every *.txt under the given folders (default: the PolNeAR dev split
beside this repository, else seeds/), runs the whole extraction on each in
the given mode (default fast), and prints articles per second, characters
per second, peak memory and, in accurate mode, the model's load time.

`python -m bench.extract --scaling` instead extracts the synthetic shapes of
bench/shapes.py at 10 KB, 100 KB and 1 MB, each case in a fresh process (so
its peak RSS is its own), and prints CPU seconds, peak RSS and, per shape, the
1 MB / 100 KB time ratio: about 10 when extraction is linear. `--extractor`
applies here too (fast by default).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from api.extract import ExtractionMode, extract_article
from bench.shapes import SHAPES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "polnear" / "dev" / "text"
SCALING_SIZES = (10_000, 100_000, 1_000_000)


def _texts(folders: list[Path]) -> list[str]:
    files = sorted(p for folder in folders for p in folder.rglob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in files]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best is reported)")
    parser.add_argument("--scaling", action="store_true",
                        help="time the synthetic shapes of bench/shapes.py at 10 KB, 100 KB, 1 MB")
    parser.add_argument("--sizes", type=_sizes, default=SCALING_SIZES,
                        help="with --scaling: comma-separated sizes in characters")
    parser.add_argument("--shapes", type=_shapes, default=tuple(SHAPES),
                        help="with --scaling: comma-separated shape names")
    parser.add_argument("--case", nargs=3, metavar=("SHAPE", "SIZE", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--extractor", choices=[m.value for m in ExtractionMode], default="fast",
                        help="accurate (the transformer tagger) or fast (rules and CRF)")
    args = parser.parse_args()
    if args.case is not None:
        print(json.dumps(measure(args.case[0], int(args.case[1]), ExtractionMode(args.case[2]))))
        return
    mode = ExtractionMode(args.extractor)
    if args.scaling:
        scaling(args.shapes, args.sizes, mode)
        return
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


def measure(shape: str, size: int, mode: ExtractionMode = ExtractionMode.FAST) -> dict[str, float]:
    """One case in this process: CPU seconds of one extraction and the peak RSS."""
    extract_article('Warm up. "We will win," said John Smith.', mode=mode)  # builds the indexes
    text = SHAPES[shape](size)
    started = time.process_time()
    found = extract_article(text, mode=mode)
    seconds = time.process_time() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"chars": len(text), "seconds": seconds, "peak_mb": peak_mb,
            "statements": len(found.statements)}


def scaling(shapes: tuple[str, ...], sizes: tuple[int, ...],
            mode: ExtractionMode = ExtractionMode.FAST) -> None:
    """Each shape at each size in a fresh process; one table row per case."""
    print(f"{'shape':<16}{'size':>10}{'chars':>10}{'CPU s':>9}{'peak MB':>9}{'statements':>12}")
    for shape in shapes:
        times: dict[int, float] = {}
        for size in sizes:
            row = _subprocess_case(shape, size, mode)
            times[size] = row["seconds"]
            print(f"{shape:<16}{size:>10,}{int(row['chars']):>10,}{row['seconds']:>9.2f}"
                  f"{row['peak_mb']:>9.0f}{int(row['statements']):>12,}", flush=True)
        if len(sizes) >= 2:
            low, high = sizes[-2], sizes[-1]
            ratio = times[high] / max(times[low], 1e-9)
            print(f"{shape:<16}time {high:,} / {low:,} = {ratio:.1f} (size ratio {high / low:.0f})")


def _subprocess_case(shape: str, size: int, mode: ExtractionMode) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.extract", "--case", shape, str(size), mode.value]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    row: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return row


def _sizes(raw: str) -> tuple[int, ...]:
    return tuple(int(part) for part in raw.split(","))


def _shapes(raw: str) -> tuple[str, ...]:
    names = tuple(raw.split(","))
    unknown = [n for n in names if n not in SHAPES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown shape(s) {unknown}; choose from {list(SHAPES)}")
    return names


def _timed_pass(extract: Callable[[str], object], texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        extract(text)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
