"""The accurate mode's tagger: windows, labels, decoding, the shipped model and its export."""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer
from tokenizers.models import WordPiece
from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer

from api.extract import ExtractionMode, ModelMissingError, extract_article
from api.extract.neural import (
    WINDOW,
    NeuralTagged,
    NeuralTagger,
    Run,
    check_model,
    load_neural,
    runs_overlapping,
)
from api.extract.results import Span
from api.extract.windows import BEGIN, INSIDE, OUTSIDE, Window, bio_labels, bio_runs, windows
from api.model_files import MODEL_DIR, missing_file

SHIPPED = missing_file() is None
HAS_TORCH = importlib.util.find_spec("torch") is not None
VOCAB = ["[UNK]", "the", "mayor", "said", "city", "deserves", "better", "we", "will", "not",
         "accept", "this", "plan", ",", ".", '"', "maria", "fern", "##andez"]
# The fake head tags these words as content, "said" as a cue, Maria Fernandez as source.
CONTENT = {"city", "deserves", "better", "we", "will", "not", "accept", "this", "plan"}
SAID = '"We will not accept this plan," said Maria Fernandez. "The city deserves better."'


def test_windows_cover_every_piece_once_from_its_most_central_window() -> None:
    assert windows(5, 8, 4) == [Window(0, 5, 0, 5)]
    assert windows(20, 8, 4) == [
        Window(0, 8, 0, 6), Window(4, 12, 6, 10), Window(8, 16, 10, 14), Window(12, 20, 14, 20),
    ]
    assert windows(10, 8, 4) == [Window(0, 8, 0, 5), Window(2, 10, 5, 10)]


def test_bio_labels_longest_span_wins_and_runs_read_back() -> None:
    offsets = [(0, 3), (4, 8), (9, 12), (13, 17), (18, 22)]
    labels = bio_labels(offsets, [Span(4, 17), Span(9, 12), Span(18, 22)])
    assert labels == [OUTSIDE, BEGIN, INSIDE, INSIDE, BEGIN]
    assert bio_runs(labels) == [range(1, 4), range(4, 5)]
    assert bio_runs([INSIDE, OUTSIDE, INSIDE, INSIDE]) == [range(0, 1), range(2, 4)]


class _Session:
    """Stands in for onnxruntime: content B/I on CONTENT words, cue on "said", source on
    "maria fern ##andez"; [CLS], [SEP] and padding outside."""

    def run(self, _names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids = feeds["input_ids"]
        probs = np.zeros((*ids.shape, 3, 3), dtype=np.float32)
        probs[..., OUTSIDE] = 1.0
        roles = [(0, CONTENT), (1, {"maria", "fern", "##andez"}), (2, {"said"})]
        for row in range(ids.shape[0]):
            words = [VOCAB[i] if i < len(VOCAB) else "" for i in ids[row].tolist()]
            for head, words_of in roles:
                for i, word in enumerate(words):
                    if word in words_of and feeds["attention_mask"][row, i]:
                        inside = i > 0 and words[i - 1] in words_of
                        probs[row, i, head] = 0.0
                        probs[row, i, head, INSIDE if inside else BEGIN] = 0.9
                        probs[row, i, head, OUTSIDE] = 0.1
        return [probs]


def _tagger() -> NeuralTagger:
    tokenizer = Tokenizer(WordPiece({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tokenizer.normalizer = BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = BertPreTokenizer()
    return NeuralTagger(_Session(), tokenizer)  # type: ignore[arg-type]


def test_decoded_spans_are_character_offsets_into_the_text() -> None:
    found = _tagger().tag(SAID)
    assert [SAID[r.span.start : r.span.end] for r in found.contents] == [
        "We will not accept this plan", "city deserves better"]
    assert [(r.span, r.pieces) for r in found.sources] == [(Span(37, 52), 3)]
    assert [SAID[r.span.start : r.span.end] for r in found.cues] == ["said"]
    assert found.contents[0].confidence == pytest.approx(0.9)


def test_long_articles_are_read_in_windows_and_merged_back() -> None:
    text = " ".join([SAID] * 40)  # 880 pieces: five windows
    tagger = _tagger()
    found = tagger.tag(text)
    assert len(found.contents) == 80 and len(found.cues) == 40
    assert {text[r.span.start : r.span.end] for r in found.contents} == {
        "We will not accept this plan", "city deserves better"}
    assert [t.contents for t in tagger.tag_many([SAID, "", text])] == [
        tagger.tag(SAID).contents, (), found.contents]
    assert len(tagger.pieces(text)[0]) > 3 * WINDOW


def test_a_missing_model_is_named_with_the_command_that_builds_it(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError) as caught:
        check_model(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'tagger.onnx'}: no tagger model;")
    assert "python -m api train-model --neural" in str(caught.value)
    assert "QUOTEGRAPH_EXTRACTOR=fast" in str(caught.value)


@pytest.mark.skipif(SHIPPED, reason="the model is shipped: accurate mode works")
def test_accurate_mode_without_the_model_fails_naming_the_file() -> None:
    with pytest.raises(ModelMissingError) as caught:
        extract_article(SAID, mode=ExtractionMode.ACCURATE)
    assert caught.value.path == missing_file()


@pytest.mark.skipif(not SHIPPED, reason=f"no model shipped in {MODEL_DIR} (see docs/extraction.md)")
def test_shipped_model_tags_hand_written_sentences() -> None:
    def read(text: str) -> tuple[list[str], list[str], list[str]]:
        found = load_neural().tag(text)
        return tuple(  # type: ignore[return-value]
            [text[r.span.start : r.span.end] for r in runs]
            for runs in (found.contents, found.sources, found.cues))

    # PolNeAR joins a quotation split by its attribution into one content, as the model
    # does; the rules' parts (api/extract/parts.py) then leave the frame out.
    assert read(SAID) == ([SAID], ["Maria Fernandez"], ["said"])
    reported = "The plan would cost the city millions, according to Jean Dupont."
    assert read(reported) == (["The plan would cost the city millions"], ["Jean Dupont"],
                              ["according to"])
    assert read("The weather was mild on Tuesday.") == ([], [], [])


@pytest.mark.skipif(not HAS_TORCH, reason="torch is a training-only extra: pip install -e '.[train]'")
def test_onnx_export_agrees_with_torch(tmp_path: Path) -> None:
    import onnxruntime
    import torch

    from api.training.neural import encoder_dir, export_tagger, quantize, tagger_model

    torch.manual_seed(0)
    model = tagger_model(encoder_dir()).eval()
    export_tagger(model, tmp_path / "tagger.onnx")
    ids = torch.tensor([[101, 1000, 2000, 3000, 102, 0], [101, 1010, 2020, 3030, 4040, 102]])
    mask = (ids != 0).long()
    with torch.no_grad():
        expected = model(ids, mask).softmax(-1).numpy()
    feeds = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
    (got,) = onnxruntime.InferenceSession(str(tmp_path / "tagger.onnx")).run(["probabilities"], feeds)
    assert got.shape == (2, 6, 3, 3)
    assert np.abs(got - expected).max() < 1e-4
    quantize(tmp_path / "tagger.onnx", tmp_path / "tagger.int8.onnx")
    (small,) = onnxruntime.InferenceSession(str(tmp_path / "tagger.int8.onnx")).run(
        ["probabilities"], feeds)
    assert (tmp_path / "tagger.int8.onnx").stat().st_size < (tmp_path / "tagger.onnx").stat().st_size / 3
    assert np.abs(small - expected)[mask.numpy() == 1].max() < 0.2


def test_runs_overlapping_a_span_are_found_by_bisection() -> None:
    runs = tuple(Run(Span(a, b), 1, 0.9) for a, b in [(0, 5), (10, 20), (30, 40)])
    assert runs_overlapping(runs, Span(5, 10)) == ()
    assert runs_overlapping(runs, Span(4, 11)) == runs[:2]
    assert runs_overlapping(runs, Span(20, 30)) == ()
    assert runs_overlapping(runs, Span(19, 31)) == runs[1:]
    assert runs_overlapping(runs, Span(0, 50)) == runs


def test_content_share_leaves_the_attribution_out() -> None:
    found = NeuralTagged((), (), (), starts=(0, 5, 10, 15), content=(1.0, 0.0, 1.0, 0.5))
    assert found.content_share(Span(0, 20)) == pytest.approx(0.625)
    assert found.content_share(Span(0, 20), without=[Span(5, 10)]) == pytest.approx(2.5 / 3)
    assert found.content_share(Span(1, 4)) == 0.0


def test_the_accurate_reading_grows_linearly_with_the_text() -> None:
    from api.extract.accurate import accurate_drafts
    from api.extract.hybrid import read_with_rules

    def seconds(paragraphs: int, repeat: int) -> float:
        text = "\n\n".join(["Maria Fernandez said we will not accept this plan."] * paragraphs)
        reading = read_with_rules(text)
        tagger = _tagger()
        best = float("inf")
        for _ in range(repeat):
            started = time.process_time()
            drafts = accurate_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts,
                                     tagger)
            best = min(best, time.process_time() - started)
        # Every statement is read, reshaped by the model's span (without its stop).
        assert len(drafts) == paragraphs
        assert {text[d.content.start : d.content.end] for d in drafts} == {"we will not accept this plan"}
        return best

    seconds(50, 1)  # warm
    small, large = seconds(500, 3), seconds(5000, 2)
    # 10 when linear (12-18 seen, allocation growing the collector's work); one overlap
    # scan per statement made it over 60.
    assert large / small < 30


def test_lone_surrogates_reach_the_tokenizer_as_one_replacement_each() -> None:
    from api.characters import surrogates_replaced

    text = "a\ud800b \U0001f600 \udfff"
    assert surrogates_replaced(text) == "a\ufffdb \U0001f600 \ufffd"
    said = '"We will win," said \ud800 Maria Fernandez.'
    _, offsets = _tagger().pieces(said)
    # The tokenizer drops U+FFFD; the offsets after it still index the text as given.
    assert [said[a:b] for a, b in offsets[-4:]] == ["Maria", "Fern", "andez", "."]


def test_spans_overlap_by_their_shared_characters() -> None:
    assert Span(0, 10).overlap(Span(5, 20)) == 5
    assert Span(5, 20).overlap(Span(0, 10)) == 5
    assert Span(0, 5).overlap(Span(5, 9)) == 0
    assert Span(0, 5).overlap(Span(7, 9)) == 0
