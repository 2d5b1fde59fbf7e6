"""The bulk ingest benchmark: what it loads and the figures it prints."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bench import ingest
from tests.conftest import SEED_FILE


def testmachine_busy_seconds_count_the_cpu_this_process_burns() -> None:
    before = ingest.machine_busy_seconds()
    if before is None:
        pytest.skip("no /proc/stat: the machine's CPU is read on Linux only")
    started = time.process_time()
    while time.process_time() - started < 0.3:
        pass
    after = ingest.machine_busy_seconds()
    assert after is not None and after - before >= 0.25


def test_it_loads_repeated_copies_and_prints_the_machine_cost(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = Path(SEED_FILE).parent
    assert ingest.main(["--articles", "3", "--corpus", str(folder), "--jobs", "1",
                        "--database-url", postgres_url]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^loaded 3 article\(s\), 66 statement\(s\), 0 error\(s\) in ", out, re.M)
    assert re.search(r"^machine CPU per article: [\d.]+ ms \(every process, PostgreSQL's "
                     r"included\), [\d.]+x the extraction's$", out, re.M)
