"""The results table, its ratios and the summary line."""
from __future__ import annotations

import math

from bench.report import Row, markdown, processes_line, ratios, summary, text_table
from bench.statements import count_lines

ROWS = [
    Row("Quotegraph PG", "q1", 8, 30.0, 250.0, 400.0, 5, 310.4),
    Row("PostGraphile V5", "q1", 8, 60.0, 120.0, 200.0, 1, 230.0),
    Row("Quotegraph PG", "q5", 8, 900.0, 8.0, 20.0, 2, 312.0),
    Row("PostGraphile V5", "q5", 8, 600.0, 12.0, 30.0, 1, 231.0),
    Row("raw SQL limit", "q5", 8, 4000.0, 1.5, 5.0, None, 188.0),
]
PROCESSES = {"Quotegraph PG": 2, "PostGraphile V5": 2, "raw SQL limit": 2, "Quotegraph SQLite": 2}


def test_ratios_are_quotegraph_over_postgraphile_per_query() -> None:
    assert ratios(ROWS) == {("q1", 8): 0.5, ("q5", 8): 1.5}


def test_summary_line() -> None:
    assert summary(ROWS, ["q1", "q5"]) == "min_ratio=0.50 q1_sql=5"
    assert summary(ROWS, ["q1", "q3"]) == "min_ratio=n/a q1_sql=5"  # q3 has no ratio


def test_the_header_names_each_measured_systems_processes_in_row_order() -> None:
    assert processes_line(ROWS, PROCESSES) == (
        "processes: Quotegraph PG 2, PostGraphile V5 2, raw SQL limit 2")
    uneven = {**PROCESSES, "PostGraphile V5": 1}
    assert processes_line(ROWS[:2], uneven) == "processes: Quotegraph PG 2, PostGraphile V5 1"


def test_text_table() -> None:
    assert text_table(ROWS[:2], PROCESSES) == (
        "processes: Quotegraph PG 2, PostGraphile V5 2\n"
        "system           query  c  req/s  p50 ms  p99 ms  SQL/req  RSS MB\n"
        "---------------  -----  -  -----  ------  ------  -------  ------\n"
        "Quotegraph PG    q1     8   30.0   250.0   400.0        5     310\n"
        "PostGraphile V5  q1     8   60.0   120.0   200.0        1     230\n"
        "ratio Quotegraph PG/PostGraphile V5 q1 c=8: 0.50"
    )


def test_a_case_with_no_completed_request_shows_timeout() -> None:
    row = Row("Quotegraph SQLite", "q1", 8, 0.0, math.inf, math.inf, 5, 350.0)
    assert row.cells() == ("Quotegraph SQLite", "q1", "8", "0.0", "timeout", "timeout", "5", "350")


def test_markdown() -> None:
    assert markdown(ROWS[3:], "### Run", PROCESSES) == (
        "### Run\n\n"
        "processes: PostGraphile V5 2, raw SQL limit 2\n\n"
        "| system | query | c | req/s | p50 ms | p99 ms | SQL/req | RSS MB |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|\n"
        "| PostGraphile V5 | q5 | 8 | 600.0 | 12.0 | 30.0 | 1 | 231 |\n"
        "| raw SQL limit | q5 | 8 | 4000.0 | 1.5 | 5.0 | n/a | 188 |\n"
    )


def test_statement_lines_of_one_database_are_counted() -> None:
    log = (
        "2026-11-24 22:23:45.013 UTC [18190] postgres@quotegraph_bench LOG:  execute"
        " __asyncpg_stmt_1__: SELECT json_build_object('articles',\n"
        "\tcontinued line of the same statement\n"
        "2026-11-24 22:23:45.036 UTC [18190] postgres@quotegraph_bench LOG:  statement: BEGIN\n"
        "2026-11-24 22:23:45.040 UTC [18191] postgres@qg_fts LOG:  statement: SELECT 1\n"
        "2026-11-24 22:23:45.044 UTC [18186] postgres@quotegraph_bench LOG:  duration: 1.2 ms\n"
        "2026-11-24 22:23:45.050 UTC [18186] postgres@quotegraph_bench LOG:  execute 986e33f9:"
        " select __article_result__.*\n"
    )
    assert count_lines(log, "quotegraph_bench") == 3
