"""Text the store takes: refused characters named with their offset, the article size limit."""
from __future__ import annotations

import pytest

from api.load.ingest import ArticleInput
from api.load.limits import RefusedText, first_refused, name_too_long, refused_character, too_long


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("plain text, é, 阿勒颇, \U0001F600 and \t\r\n controls", None),
        ("", None),
        ("\x00", "body has a NUL character at offset 0; remove it"),
        ("x" * 1234 + "\x00 and \x00", "body has a NUL character at offset 1,234; remove it"),
        ("ab\ud800cd", "body has a lone surrogate (U+D800) at offset 2, half of a UTF-16 pair "
         "that no UTF-8 text can hold; fix the text's encoding"),
        ("\U0001F600\udfff", "body has a lone surrogate (U+DFFF) at offset 1, half of a UTF-16 "
         "pair that no UTF-8 text can hold; fix the text's encoding"),
        ("\ud83d\x00", "body has a lone surrogate (U+D83D) at offset 0, half of a UTF-16 pair "
         "that no UTF-8 text can hold; fix the text's encoding"),
    ],
)
def test_refused_characters_are_named_with_their_offset(value: str, problem: str | None) -> None:
    assert refused_character("body", value) == problem


def test_the_first_field_holding_a_refused_character_is_named() -> None:
    refused = first_refused([("body", "fine"), ("title", None), ("url", "a\x00"), ("x", "\x00")])
    assert refused is not None
    assert (refused.field, refused.message) == ("url", "url has a NUL character at offset 1; remove it")
    assert first_refused([("body", "fine"), ("title", None)]) is None


@pytest.mark.parametrize(
    ("length", "limit", "problem"),
    [
        (200_000, 200_000, None),
        (5, 0, None),
        (912_345, 200_000, "body has 912,345 characters; the limit is 200,000 "
         "(QUOTEGRAPH_MAX_ARTICLE_CHARS); send a shorter article or split it"),
        (11, 10, "body has 11 characters; the limit is 10 (QUOTEGRAPH_MAX_ARTICLE_CHARS); "
         "send a shorter article or split it"),
    ],
)
def test_the_size_limit_counts_characters(length: int, limit: int, problem: str | None) -> None:
    assert too_long("body", "é" * length, limit) == problem


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": "He said\x00."}, "body", "body has a NUL character at offset 7; remove it"),
        ({"title": "\x00"}, "title", "title has a NUL character at offset 0; remove it"),
        ({"publisher": "AF\ud800P"}, "publisher", "publisher has a lone surrogate (U+D800) at "
         "offset 2, half of a UTF-16 pair that no UTF-8 text can hold; fix the text's encoding"),
        ({"url": "https://x\x00"}, "url", "url has a NUL character at offset 9; remove it"),
        ({"source": "a\udcff.txt"}, "source", "source has a lone surrogate (U+DCFF) at offset 1, "
         "half of a UTF-16 pair that no UTF-8 text can hold; fix the text's encoding"),
    ],
)
def test_an_article_input_cannot_hold_refused_text(
    fields: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(RefusedText) as caught:
        ArticleInput(**{"body": "Body.", "source": "test", **fields})  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.message) == (field, message)


def test_an_indexed_name_may_have_300_characters() -> None:
    assert name_too_long("publisher", "é" * 300) is None
    assert name_too_long("publisher", "é" * 1234) == (
        "publisher has 1,234 characters; a name may have at most 300; send the name alone"
    )
