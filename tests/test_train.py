"""Training the attribution CRF from a tiny brat corpus written here."""
from __future__ import annotations

from pathlib import Path

from api.cli import main
from api.extract.crf import Token, load_tagger, tag_article
from api.extract.hybrid import read_with_rules, rule_marks
from api.extract.results import Span
from api.training.crf import Gold, gold_spans, labels_for, train_model

# Each article: a headline line, then a paragraph whose quotation is the content.
_ARTICLES = [
    ("Mayor speaks", "Dana Wells", "The budget is balanced"),
    ("Council meets", "Omar Reyes", "We need more buses"),
    ("Vote tonight", "Lena Park", "The bridge will open soon"),
    ("Schools plan", "Ivan Cole", "Teachers deserve a raise"),
    ("Parks news", "Rosa Diaz", "The lake is clean again"),
    ("Roads update", "Tom Hale", "Potholes are fixed"),
]


def _write_corpus(root: Path) -> None:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    rows = ["compartment\tfilename\tannotators"]
    for index, (title, speaker, quote) in enumerate(_ARTICLES):
        name = f"a{index}"
        text = f'{title}\n\n{speaker} said: "{quote}." The meeting ended early.\n'
        (root / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        content_start = text.index('"')
        content_end = text.index('"', content_start + 1) + 1
        source_start = text.index(speaker)
        ann = (
            f"T1\tSource {source_start} {source_start + len(speaker)}\t{speaker}\n"
            f"T2\tContent {content_start} {content_end}\t{text[content_start:content_end]}\n"
            "E1\tAttribution:T3 Content:T2 Source:T1\n"
        )
        (root / "attributions" / f"{name}_x1.ann").write_text(ann, encoding="utf-8")
        rows.append(f"train\t{name}\tx1")
    (root / "metadata.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_gold_spans_join_close_parts_and_keep_sources() -> None:
    ann = "T1\tSource 0 3\tYou\nT2\tContent 10 20;25 40\tx\nT3\tContent 50 60;300 310\ty\n"
    assert gold_spans(ann) == Gold(
        contents=[Span(10, 40), Span(50, 60), Span(300, 310)], sources=[Span(0, 3)]
    )


def test_labels_mark_content_begin_inside_and_source() -> None:
    tokens = [Token(0, 3), Token(4, 8), Token(9, 11), Token(12, 16)]
    gold = Gold(contents=[Span(9, 16)], sources=[Span(0, 3)])
    assert labels_for(tokens, gold) == ["S", "O", "B", "I"]


def test_trained_model_tags_a_new_quote_and_its_source(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus")
    out = tmp_path / "model.crfsuite"
    report = train_model(tmp_path / "corpus", out)
    assert (report.articles, report.sequences) == (6, 12)
    tagger = load_tagger(out)
    assert tagger is not None
    text = 'Fire drill\n\nAnna Berg said: "The station needs a new truck." The meeting ended early.\n'
    reading = read_with_rules(text)
    tagged = tag_article(text, reading.meta.paragraphs, reading.quotes,
                         rule_marks(reading.drafts), tagger)
    assert [text[c.span.start : c.span.end] for c in tagged.contents] == [
        '"The station needs a new truck."'
    ]
    assert [text[s.start : s.end] for s in tagged.sources] == ["Anna Berg"]


def test_train_model_command_writes_the_model_file(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus")
    out = tmp_path / "out" / "attribution.crfsuite"
    assert main(["train-model", "--corpus", str(tmp_path / "corpus"), "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_training_twice_writes_the_same_model(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus")
    first, second = tmp_path / "1.crfsuite", tmp_path / "2.crfsuite"
    train_model(tmp_path / "corpus", first)
    train_model(tmp_path / "corpus", second)
    assert first.read_bytes() == second.read_bytes()
