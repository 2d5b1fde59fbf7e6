"""Span: where something sits in an article's body, as character offsets."""

from __future__ import annotations

import strawberry

from api.schema.catalogue import column


@strawberry.type(
    description="A half-open range [start, end) of character offsets into Article.body."
)
class Span:
    # Inside a span, "start" and "end" name the two columns of the pair it is read from.
    start: int = column("start", "Offset of the first character.")
    end: int = column("end", "Offset just past the last character.")
