"""The Node interface and opaque global ids: base64 of "Type:pk", e.g. "Article:12"."""

from __future__ import annotations

import base64
import binascii

import strawberry

from api.schema.catalogue import GlobalId, reads
from api.schema.errors import InvalidArgument

NODE_TYPES = ("Article", "Actor", "Statement", "Location", "Quote")
# Keys are 32-bit INTEGER columns on PostgreSQL: a larger one was never handed out.
MAX_PK = 2**31 - 1


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id; pass it to `node(id:)` to fetch this object again.",
        metadata=reads(GlobalId()),
    )


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    """The global id of row `pk` of `type_name`."""
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) of a global id; InvalidArgument if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(global_id.encode("ascii")).decode("utf-8")
        type_name, pk = raw.split(":", 1)
        if type_name in NODE_TYPES and pk.isdigit() and 0 < int(pk) <= MAX_PK:
            return type_name, int(pk)
    except (ValueError, UnicodeError, binascii.Error):
        pass
    raise InvalidArgument(f"{global_id!r} is not a Quotegraph id; use an `id` returned by the API")


def pk_of(global_id: str, type_name: str) -> int:
    """The primary key of a global id that must name a `type_name`."""
    found, pk = from_global_id(global_id)
    if found != type_name:
        raise InvalidArgument(f"{global_id!r} identifies {_a(found)}, not {_a(type_name)}")
    return pk


def _a(type_name: str) -> str:
    return f"an {type_name}" if type_name[0] in "AEIOU" else f"a {type_name}"
