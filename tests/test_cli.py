"""`python -m api`: each command, its help, and its errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from api.model_files import missing_file
from tests.conftest import ROOT, SEED_FILE

SCORER_KEYS = {
    "start", "end", "speaker", "speaker_start", "speaker_end", "kind", "cue", "medium", "text",
    "parts",
}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--help"], "serve migrate, seed an empty database"),
        (["serve", "--help"], "--workers WORKERS"),
        (["migrate", "--help"], "usage: python -m api migrate"),
        (["seed", "--help"], "[PATH ...]"),
        (["reextract", "--help"], "Prints how many statements were added, changed and removed."),
        (["extract", "--help"], "FILE [FILE ...]"),
        (["export-schema", "--help"], "--out OUT"),
    ],
)
def test_every_command_has_help(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())


def test_extract_json_prints_one_scorer_record_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--json", str(SEED_FILE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    body = SEED_FILE.read_text(encoding="utf-8")
    assert record["file"] == SEED_FILE.name
    assert record["statements"], "the seed has statements"
    for statement in record["statements"]:
        assert set(statement) == SCORER_KEYS
        parts = statement["parts"]
        assert statement["start"] <= parts[0][0] and parts[-1][1] <= statement["end"]
        assert statement["kind"] in {"direct", "indirect", "mixed"}
    # The scorer reads the outer span; "parts" and "text" leave the attribution out.
    hamawi = next(s for s in record["statements"] if s["text"].startswith("This is our land"))
    assert [body[a:b] for a, b in hamawi["parts"]] == [
        "This is our land and the land of our ancestors, and we will stay on it, and defend it,"
        " God willing,",
        "The revolution will continue until victory.",
    ]
    assert body[hamawi["start"] : hamawi["end"]].count('he said. "') == 1


def test_extract_reports_a_bad_file_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["extract", "--json", str(empty), str(SEED_FILE)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"error: {empty}: the file is empty; an article needs at least a headline and a body\n"
    assert json.loads(captured.out)["file"] == SEED_FILE.name


def test_seed_twice_loads_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["seed", str(SEED_FILE)]) == 0
    first = capsys.readouterr().err.splitlines()[-1]
    assert main(["seed", str(SEED_FILE)]) == 0
    second = capsys.readouterr().err.splitlines()[-1]
    assert first.startswith("seeded 1 new article(s) with ")
    assert first.endswith(" statement(s); 0 already present; 0 file(s) refused")
    assert second == "seeded 0 new article(s) with 0 statement(s); 1 already present; 0 file(s) refused"


def test_bad_setting_stops_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    assert main(["migrate"]) == 2
    assert capsys.readouterr().err.startswith("error: DATABASE_URL: 'mysql://root@localhost/x' is not")


def test_export_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "schema.graphql").read_text(encoding="utf-8")


TOO_LONG = (
    "the text has 6,010 characters; the limit is 5,000 (QUOTEGRAPH_MAX_ARTICLE_CHARS); "
    "send a shorter article or split it"
)


def _long_article(folder: Path) -> Path:
    path = folder / "long.txt"
    path.write_text("Headline\n\n" + "He said so. " * 500, encoding="utf-8")
    return path


def test_extract_refuses_an_article_past_the_size_limit_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUOTEGRAPH_MAX_ARTICLE_CHARS", "5000")
    long = _long_article(tmp_path)
    assert main(["extract", "--json", str(long), str(SEED_FILE)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"error: {long}: {TOO_LONG}\n"
    assert json.loads(captured.out)["file"] == SEED_FILE.name


def test_seed_refuses_an_article_past_the_size_limit_and_loads_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("QUOTEGRAPH_MAX_ARTICLE_CHARS", "5000")
    folder = tmp_path / "articles"
    folder.mkdir()
    long = _long_article(folder)
    (folder / SEED_FILE.name).write_bytes(SEED_FILE.read_bytes())
    assert main(["seed", "--jobs", "1", str(folder)]) == 1
    first, *_, last = capsys.readouterr().err.splitlines()
    assert first == f"error: {long}: {TOO_LONG}"
    assert last.startswith("seeded 1 new article(s) with ")
    assert last.endswith(" statement(s); 0 already present; 1 file(s) refused")


@pytest.mark.skipif(missing_file() is None, reason="the accurate model is shipped: the command runs")
def test_extract_accurate_without_the_model_names_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["extract", "--json", "--extractor", "accurate", str(SEED_FILE)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {missing_file()}: no tagger model; the accurate extractor needs it.")
    assert "--extractor fast" in err


def test_extract_fast_is_the_rules_and_crf(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["extract", "--json", "--extractor", "fast", str(SEED_FILE)]) == 0
    fast = capsys.readouterr().out
    monkeypatch.setenv("QUOTEGRAPH_EXTRACTOR", "fast")
    assert main(["extract", "--json", str(SEED_FILE)]) == 0
    assert capsys.readouterr().out == fast
    assert len(json.loads(fast)["statements"]) == 22
