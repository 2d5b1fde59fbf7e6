"""The synthetic corpus: deterministic, shaped as promised, and loadable by the real path."""
from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from pathlib import Path

from api.load.seed import read_articles
from bench.corpus import article, corpus, digest, load, main, pairwise_scores, rereports

# sha256 over the 20 texts and publishers for the default seed: any change to the templates
# changes it (the texts alone are pinned by ARTICLE_7 and the lengths below).
DIGEST_20 = "cc15b12d36eee2d1a5860487d4a30fc2cdcdf07269f5e36b85cce0b7a84bfe0c"
ARTICLE_7 = "acd6dbc9f3564bf7f370c4b6850f6aaccdd5f4eba502d4f9adb02d328d2c12ba"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_same_count_and_seed_give_the_same_texts() -> None:
    assert (digest(20), digest(20)) == (DIGEST_20, DIGEST_20)  # the second after caching


def test_another_seed_gives_other_texts() -> None:
    assert digest(20, seed=6) != DIGEST_20


def test_an_article_depends_only_on_its_index() -> None:
    """Article 7 is the same text asked for alone, first, or after the seven before it."""
    alone = article(7).body
    in_order = list(corpus(8))[7].body
    assert (alone.splitlines()[0], _sha256(alone), _sha256(in_order)) == (
        "Talks on blockade stall as fighting spreads near Aleppo", ARTICLE_7, ARTICLE_7
    )


def test_articles_have_news_lengths_and_a_header() -> None:
    items = list(corpus(20))
    words = [len(item.body.split()) for item in items]
    assert (min(words), max(words), sum(words)) == (460, 812, 12284)
    lines = items[0].body.splitlines()
    assert lines[:5] == [
        "Sokolov defends blockade as pressure mounts in Algiers",
        "",
        "Leaders in Russia traded warnings over the blockade as diplomats gathered in Moscow.",
        "3 min read",
        "26 March, 2017",
    ]


def test_each_article_names_a_publisher_from_its_own_stream() -> None:
    """Drawn apart from the text (article 7's is what it was before publishers came);
    article 5's outlet is the same asked for alone."""
    assert [item.publisher for item in corpus(8)] == [
        "Evening Ledger", "Harbour Gazette", "Valley Courier", "Capital Dispatch",
        "Evening Ledger", "Harbour Gazette", "Evening Ledger", "Coastal Herald",
    ]
    assert article(5).publisher == "Harbour Gazette"


def test_the_cli_writes_files_the_seed_command_reads(tmp_path: Path) -> None:
    assert main(["--articles", "3", "--out", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("*.txt"))
    assert [f.name for f in files] == ["bench-5-000000.txt", "bench-5-000001.txt",
                                       "bench-5-000002.txt"]
    assert [read_articles(f)[0].body for f in files] == [a.body for a in corpus(3)]


def test_loading_20_articles_into_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    assert load(url, list(corpus(20)), jobs=2) == 498
    with sqlite3.connect(tmp_path / "bench.db") as conn:
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("article", "statement", "actor", "location")}
        dates = conn.execute("SELECT count(*), min(published_at), max(published_at) FROM article"
                             " WHERE published_at IS NOT NULL").fetchone()
        top = conn.execute("SELECT a.name, count(*) FROM statement s JOIN actor a"
                           " ON a.id = s.speaker_id GROUP BY a.id ORDER BY 2 DESC LIMIT 2").fetchall()
    # '"B," she added.' after a split quotation is its own statement (docs/extraction.md):
    # more statements, and "Amnesty International" and "Doctors Without Borders" are no
    # longer stored as PERSON actors
    # 498 since the CRF retrain of 2026-12-07: it reads a repeated sentence the rules drop as a
    # repeat ("Rahimi said that Lebanon would not ...", after "Okafor insisted that ...")
    assert counts == {"article": 20, "statement": 498, "actor": 95, "location": 44}
    assert dates == (20, "2014-04-10", "2019-04-20")  # every date line parsed, years apart
    assert top == [("Yasmin Sokolov", 84), ("Natalia Okafor", 48)]  # Zipf: one speaks most


def test_rereports_say_where_each_statement_is_planted_and_what_it_reports() -> None:
    """Each planted statement's words are where it says in its article's body; the truth groups
    a quotation's appearances, and the texts are the same on every call."""
    articles, planted = rereports(12)
    again, planted_again = rereports(12)
    bodies = {item.source: item.body for item in articles}
    assert [a.body for a in again] == [a.body for a in articles] and planted_again == planted
    assert all(bodies[p.source][p.at : p.at + len(p.written)] == p.written for p in planted)
    labels = Counter(p.label for p in planted)
    assert (len(articles), len(planted), len(labels)) == (23, 46, 19)
    # 12 quotations in 2 to 5 articles, 3 second quotations of their speakers, 4 stock phrases
    assert sorted(n for label, n in labels.items() if label.startswith("q")) == [
        1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5,
    ]
    assert [n for label, n in labels.items() if label.startswith("stock:")] == [1, 1, 1, 1]


def test_pairwise_scores_count_pairs_put_together() -> None:
    truth = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}
    found: dict[str, int | None] = {"a": 1, "b": 1, "c": None, "d": 1, "e": 2}
    # together: (a,b) right, (a,d) and (b,d) wrong; truly together: ab ac bc de
    assert pairwise_scores(truth, found) == (1 / 3, 1 / 4)
    assert pairwise_scores(truth, {k: None for k in truth}) == (1.0, 0.0)
