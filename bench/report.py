"""The results table: printed, written as Markdown, and summed up in one line."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

QUOTEGRAPH_PG = "Quotegraph PG"
POSTGRAPHILE = "PostGraphile V5"
COLUMNS = ("system", "query", "c", "req/s", "p50 ms", "p99 ms", "SQL/req", "RSS MB")


@dataclass(frozen=True)
class Row:
    """One measured case."""

    system: str
    query: str
    concurrency: int
    per_second: float
    p50_ms: float
    p99_ms: float
    statements: int | None  # None: could not be determined
    rss_mb: float

    def cells(self) -> tuple[str, ...]:
        sql = "n/a" if self.statements is None else str(self.statements)
        return (self.system, self.query, str(self.concurrency), f"{self.per_second:.1f}",
                _ms(self.p50_ms), _ms(self.p99_ms), sql, f"{self.rss_mb:.0f}")


def _ms(value: float) -> str:
    return "timeout" if math.isinf(value) else f"{value:.1f}"


def ratios(rows: Sequence[Row]) -> dict[tuple[str, int], float]:
    """Quotegraph-PG / PostGraphile throughput, by (query, concurrency)."""
    found = {(r.system, r.query, r.concurrency): r.per_second for r in rows}
    result = {}
    for system, query, concurrency in found:
        peer = found.get((POSTGRAPHILE, query, concurrency))
        if system == QUOTEGRAPH_PG and peer:
            result[(query, concurrency)] = found[(system, query, concurrency)] / peer
    return dict(sorted(result.items()))


def processes_line(rows: Sequence[Row], processes: Mapping[str, int]) -> str:
    """Each system's server processes (workers), in the order the rows first name them,
    so the ratios are read knowing both sides had the same number of cores to use."""
    systems = dict.fromkeys(row.system for row in rows)
    counts = ", ".join(f"{system} {processes[system]}" for system in systems if system in processes)
    return f"processes: {counts}"


def text_table(rows: Sequence[Row], processes: Mapping[str, int]) -> str:
    """The process counts, aligned columns, then the ratios."""
    cells = [COLUMNS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(line, widths, strict=True))) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(0, processes_line(rows, processes))
    lines.extend(f"ratio {QUOTEGRAPH_PG}/{POSTGRAPHILE} {query} c={c}: {value:.2f}"
                 for (query, c), value in ratios(rows).items())
    return "\n".join(lines)


def markdown(rows: Sequence[Row], heading: str, processes: Mapping[str, int]) -> str:
    """The same table in Markdown, for docs/performance.md."""
    lines = [heading, "", processes_line(rows, processes), "", "| " + " | ".join(COLUMNS) + " |",
             "|" + "|".join("---" if i < 2 else "---:" for i in range(len(COLUMNS))) + "|"]
    lines.extend("| " + " | ".join(row.cells()) + " |" for row in rows)
    found = ratios(rows)
    if found:
        lines += ["", f"| query | c | {QUOTEGRAPH_PG} / {POSTGRAPHILE} |", "|---|---:|---:|"]
        lines.extend(f"| {q} | {c} | {v:.2f} |" for (q, c), v in found.items())
    return "\n".join(lines) + "\n"


def summary(rows: Sequence[Row], queries: Sequence[str]) -> str:
    """`min_ratio=R q1_sql=N`: the smallest ratio over `queries` at c=8, q1's statements
    on Quotegraph-PG (n/a where not measured)."""
    found = ratios(rows)
    at_eight = [found[(q, 8)] for q in queries if (q, 8) in found]
    ratio = f"{min(at_eight):.2f}" if at_eight and len(at_eight) == len(queries) else "n/a"
    q1 = [r.statements for r in rows if r.system == QUOTEGRAPH_PG and r.query == "q1"]
    sql = str(q1[0]) if q1 and q1[0] is not None else "n/a"
    return f"min_ratio={ratio} q1_sql={sql}"
