"""The canonical benchmark queries, for Quotegraph, PostGraphile and plain SQL, and their checks.

Each query has the same shape in the three systems. Variables are chosen from the
loaded data (`choose`); the expected answer is the plain-SQL result, and every
system's response must equal it once the systems' naming differences are
folded away (`canonical`): same rows, same order, same values. Ids are left out
of the comparison because each system encodes them its own way.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from bench.dataset import asyncpg_dsn

NAMES = ("q1", "q2", "q3", "q4", "q5", "q6", "q7")
Json = Any  # decoded JSON: dicts, lists, str, int, float, bool, None

QUOTEGRAPH = {
    "q1": "{ articles(first: 50) { nodes { id title publishedAt statements(first: 10) { nodes"
          " { id text kind speaker { id name title affiliation { name } } } }"
          " locations { nodes { name } } } } }",
    "q2": "query($id: ID!) { actor(id: $id) { name statements(first: 50) { nodes { text kind"
          " article { title publishedAt } locations { name } } } } }",
    "q3": "query($q: String!) { statements(filter: {search: $q}, first: 20) { nodes"
          " { id text speaker { name } article { title publishedAt } } } }",
    "q4": "query($loc: ID!, $from: Date, $to: Date) { statements(filter: {locationId: $loc,"
          " publishedFrom: $from, publishedTo: $to}, first: 50) { nodes { text speaker { name }"
          " article { publishedAt } } } }",
    "q5": "query($id: ID!) { node(id: $id) { id ... on Statement { text kind"
          " speaker { name title } } } }",
    "q6": "query($place: ID!) { location(id: $place) { statements { groupedAggregates(groupBy:"
          " [SPEAKER, PUBLISHED_AT_TRUNCATED_TO_MONTH], first: 20) { keys count speaker { name } }"
          " } } }",
    "q7": "query($quote: ID!) { quote(id: $quote) { text speaker { name } firstSeen { article"
          " { title publisher publishedAt } } appearances(first: 20) { nodes { text article"
          " { title publisher publishedAt } } } articleCount publishers } }",
}
# PostGraphile V5 (Amber preset) names; the cross-table orders come from the SQL
# functions in bench/peer.py (rankedLocations, namedLocations, feed, ...).
POSTGRAPHILE = {
    "q1": "{ allArticles(first: 50, orderBy: [PUBLISHED_AT_DESC, ROW_ID_DESC]) { nodes { id title"
          " publishedAt statementsByArticleId(first: 10, orderBy: [START_ASC, ROW_ID_ASC])"
          " { nodes { id text kind actorBySpeakerId { id name title actorByAffiliationId"
          " { name } } } } rankedLocations { nodes { name } } } } }",
    "q2": "query($id: Int!) { actorByRowId(rowId: $id) { name feed(first: 50) { nodes { text kind"
          " articleByArticleId { title publishedAt } namedLocations { nodes { name } } } } } }",
    "q3": "query($q: String!) { searchStatements(q: $q, first: 20) { nodes { id text"
          " actorBySpeakerId { name } articleByArticleId { title publishedAt } } } }",
    "q4": "query($loc: Int!, $from: Date, $to: Date) { statementsAt(loc: $loc, publishedFrom:"
          " $from, publishedTo: $to, first: 50) { nodes { text actorBySpeakerId { name }"
          " articleByArticleId { publishedAt } } } }",
    "q5": "query($id: ID!) { node(id: $id) { id ... on Statement { text kind"
          " actorBySpeakerId { name title } } } }",
    "q6": "query($place: Int!) { locationByRowId(rowId: $place) { speakerMonths(first: 20)"
          " { nodes { keys count actorBySpeakerId { name } } } } }",
    "q7": "query($quote: Int!) { quoteByRowId(rowId: $quote) { text actorBySpeakerId { name }"
          " firstStatement { articleByArticleId { title publisher publishedAt } } appearancesInOrder(first: 20)"
          " { nodes { text articleByArticleId { title publisher publishedAt } } } articleCount"
          " publishers } }",
}
# PostGraphile's field names -> Quotegraph's, for `canonical`.
RENAMES = {
    "allArticles": "articles", "statementsByArticleId": "statements",
    "actorBySpeakerId": "speaker", "actorByAffiliationId": "affiliation",
    "rankedLocations": "locations", "namedLocations": "locations", "actorByRowId": "actor",
    "feed": "statements", "articleByArticleId": "article", "searchStatements": "statements",
    "statementsAt": "statements", "locationByRowId": "location", "speakerMonths": "statements",
    "quoteByRowId": "quote", "firstStatement": "firstSeen", "appearancesInOrder": "appearances",
}

# The columns and expressions Quotegraph's indexes are built on (migration 0003_search), so the
# plain SQL (and PostGraphile's functions, bench/peer.py) can use the same indexes.
_SORT = "coalesce({a}.published_at, DATE '-infinity')"
_SPEAKER = ("(SELECT json_build_object({fields}) FROM actor sp WHERE sp.id = s.speaker_id)")
_FEED = (
    "SELECT st.*, ar.title AS a_title, ar.published_at AS a_published,"
    " coalesce(ar.published_at, DATE '-infinity') AS a_sort"
    " FROM statement st JOIN article ar ON ar.id = st.article_id"
    " WHERE st.deleted_at IS NULL AND {where}"
    " ORDER BY a_sort DESC, st.article_id DESC, st.start, st.id LIMIT {limit}"
)
_FEED_ORDER = "s.a_sort DESC, s.article_id DESC, s.start, s.id"
_STATEMENT_LOCATIONS = (
    "(SELECT coalesce(json_agg(json_build_object('name', l.name) ORDER BY l.name_key, l.id),"
    " '[]') FROM statement_location sl JOIN location l ON l.id = sl.location_id"
    " WHERE sl.statement_id = s.id)"
)
# q6's groups: largest first, ties by speaker id then month, the null group last.
_GROUP_ORDER = "count DESC, speaker_id NULLS LAST, month NULLS LAST"
# q7: a quote's visible appearances, in first-seen order (earliest article, undated last,
# then article, then reading order); `d` is the article's date with undated as infinity.
_APPEARANCES = ("statement st JOIN article ar ON ar.id = st.article_id"
                " WHERE st.quote_id = q.id AND st.deleted_at IS NULL")
_FIRST_SEEN = "d, {s}.article_id, {s}.start, {s}.id"
_ARTICLE = ("json_build_object('title', {a}.title, 'publisher', {a}.publisher,"
            " 'publishedAt', {a}.published_at)")
# One statement per query, building Quotegraph's `data` object (the raw limit and the
# expected answers).
SQL = {
    "q1": (
        "SELECT json_build_object('articles', json_build_object('nodes', coalesce(json_agg(x.j"
        " ORDER BY x.a_sort DESC, x.id DESC), '[]'))) FROM (SELECT a.id,"
        " coalesce(a.published_at, DATE '-infinity') AS a_sort, json_build_object('id', a.id,"
        " 'title', a.title, 'publishedAt', a.published_at, 'statements', json_build_object("
        "'nodes', (SELECT coalesce(json_agg(json_build_object('id', s.id, 'text', s.text,"
        " 'kind', s.kind, 'speaker', (SELECT json_build_object('id', sp.id, 'name', sp.name,"
        " 'title', sp.title, 'affiliation', (SELECT json_build_object('name', af.name)"
        " FROM actor af WHERE af.id = sp.affiliation_id)) FROM actor sp"
        " WHERE sp.id = s.speaker_id)) ORDER BY s.start, s.id), '[]') FROM (SELECT * FROM"
        " statement st WHERE st.article_id = a.id AND st.deleted_at IS NULL"
        " ORDER BY st.start, st.id LIMIT 10) s)), 'locations', json_build_object('nodes',"
        " (SELECT coalesce(json_agg(json_build_object('name', l.name) ORDER BY al.mentions DESC,"
        " l.name_key, l.id), '[]') FROM article_location al JOIN location l"
        " ON l.id = al.location_id WHERE al.article_id = a.id))) AS j FROM article a"
        " ORDER BY coalesce(a.published_at, DATE '-infinity') DESC, a.id DESC LIMIT 50) x"
    ),
    "q2": (
        "SELECT json_build_object('actor', (SELECT json_build_object('name', ac.name,"
        " 'statements', json_build_object('nodes', (SELECT coalesce(json_agg(json_build_object("
        "'text', s.text, 'kind', s.kind, 'article', json_build_object('title', s.a_title,"
        f" 'publishedAt', s.a_published), 'locations', {_STATEMENT_LOCATIONS})"
        f" ORDER BY {_FEED_ORDER}), '[]') FROM ("
        + _FEED.format(where="st.speaker_id = $1", limit=50)
        + ") s))) FROM actor ac WHERE ac.id = $1))"
    ),
    "q3": (
        "SELECT json_build_object('statements', json_build_object('nodes', coalesce(json_agg("
        "json_build_object('id', s.id, 'text', s.text, 'speaker', "
        + _SPEAKER.format(fields="'name', sp.name")
        + ", 'article', json_build_object('title', s.a_title, 'publishedAt', s.a_published))"
        f" ORDER BY {_FEED_ORDER}), '[]'))) FROM ("
        + _FEED.format(where="st.words @@ to_tsquery('simple', $1 || ':*')",
                       limit=20)
        + ") s"
    ),
    "q4": (
        "SELECT json_build_object('statements', json_build_object('nodes', coalesce(json_agg("
        "json_build_object('text', s.text, 'speaker', "
        + _SPEAKER.format(fields="'name', sp.name")
        + ", 'article', json_build_object('publishedAt', s.a_published))"
        f" ORDER BY {_FEED_ORDER}), '[]'))) FROM ("
        + _FEED.format(
            where="EXISTS (SELECT 1 FROM statement_location sl WHERE sl.statement_id = st.id"
                  " AND sl.location_id = $1) AND ar.published_at >= $2"
                  " AND ar.published_at <= $3"
                  f" AND {_SORT.format(a='ar')} BETWEEN $2 AND $3", limit=50)
        + ") s"
    ),
    "q5": (
        "SELECT json_build_object('node', (SELECT json_build_object('id', s.id, 'text', s.text,"
        " 'kind', s.kind, 'speaker', " + _SPEAKER.format(fields="'name', sp.name, 'title', sp.title")
        + ") FROM statement s WHERE s.id = $1 AND s.deleted_at IS NULL))"
    ),
    "q6": (
        "SELECT json_build_object('location', (SELECT json_build_object('statements',"
        " json_build_object('groupedAggregates', (SELECT coalesce(json_agg(json_build_object("
        "'keys', json_build_array(encode(convert_to('Actor:' || g.speaker_id, 'UTF8'), 'base64'),"
        " g.month), 'count', g.count, 'speaker', (SELECT json_build_object('name', sp.name)"
        f" FROM actor sp WHERE sp.id = g.speaker_id)) ORDER BY {_GROUP_ORDER}), '[]') FROM ("
        "SELECT s.speaker_id, date_trunc('month', ar.published_at)::date AS month,"
        " count(*) AS count FROM statement_location sl JOIN statement s ON s.id = sl.statement_id"
        " JOIN article ar ON ar.id = s.article_id WHERE sl.location_id = $1"
        f" AND s.deleted_at IS NULL GROUP BY s.speaker_id, month ORDER BY {_GROUP_ORDER} LIMIT 20"
        ") g))) FROM location l WHERE l.id = $1))"
    ),
    "q7": (
        "SELECT json_build_object('quote', (SELECT json_build_object('text', q.text, 'speaker',"
        " (SELECT json_build_object('name', sp.name) FROM actor sp WHERE sp.id = q.speaker_id),"
        " 'firstSeen', (SELECT json_build_object('article', " + _ARTICLE.format(a="ar") + ")"
        " FROM statement fs JOIN article ar ON ar.id = fs.article_id"
        " WHERE fs.id = q.first_statement_id), 'appearances', json_build_object('nodes', (SELECT"
        " coalesce(json_agg(json_build_object('text', a.text, 'article', "
        + _ARTICLE.format(a="a") + f") ORDER BY {_FIRST_SEEN.format(s='a')}), '[]') FROM ("
        "SELECT st.text, st.article_id, st.start, st.id, ar.title, ar.publisher,"
        " ar.published_at, coalesce(ar.published_at, DATE 'infinity') AS d"
        f" FROM {_APPEARANCES} ORDER BY {_FIRST_SEEN.format(s='st')} LIMIT 20) a)),"
        " 'articleCount', q.article_count, 'publishers', (SELECT coalesce(json_agg(p.publisher"
        f" ORDER BY {_FIRST_SEEN.format(s='p')}), '[]') FROM (SELECT DISTINCT ON (ar.publisher)"
        " ar.publisher, coalesce(ar.published_at, DATE 'infinity') AS d, st.article_id,"
        f" st.start, st.id FROM {_APPEARANCES} AND ar.publisher IS NOT NULL"
        f" ORDER BY ar.publisher, {_FIRST_SEEN.format(s='st')}) p)) FROM quote q WHERE q.id = $1))"
    ),
}


class AnswerMismatch(Exception):
    """A system answered a benchmark query wrongly: the run must stop."""


@dataclass(frozen=True)
class Choice:
    """The rows the variables name, chosen from the data."""

    actor: int  # the most quoted speaker
    word: str  # a whole word of moderate frequency, never part of a longer word
    location: int  # the location with the most statements
    published_from: dt.date
    published_to: dt.date
    statement: int  # a statement with a speaker, from the middle of the table
    quote: int | None  # the quote with the most appearances (None: no quotes yet)


def quotegraph_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def postgraphile_id(type_name: str, pk: int) -> str:
    """PostGraphile V5's node id: base64 of the JSON list [type name, primary key]."""
    return base64.b64encode(json.dumps([type_name, pk], separators=(",", ":")).encode()).decode()


def quotegraph_variables(name: str, choice: Choice) -> dict[str, Json]:
    if name == "q7":
        return {"quote": quotegraph_id("Quote", _quote(choice))}
    variables: dict[str, dict[str, Json]] = {
        "q1": {},
        "q2": {"id": quotegraph_id("Actor", choice.actor)},
        "q3": {"q": choice.word},
        "q4": {"loc": quotegraph_id("Location", choice.location),
               "from": choice.published_from.isoformat(), "to": choice.published_to.isoformat()},
        "q5": {"id": quotegraph_id("Statement", choice.statement)},
        "q6": {"place": quotegraph_id("Location", choice.location)},
    }
    return variables[name]


def postgraphile_variables(name: str, choice: Choice) -> dict[str, Json]:
    if name == "q7":
        return {"quote": _quote(choice)}
    variables: dict[str, dict[str, Json]] = {
        "q1": {},
        "q2": {"id": choice.actor},
        "q3": {"q": choice.word},
        "q4": {"loc": choice.location, "from": choice.published_from.isoformat(),
               "to": choice.published_to.isoformat()},
        "q5": {"id": postgraphile_id("Statement", choice.statement)},
        "q6": {"place": choice.location},
    }
    return variables[name]


def sql_arguments(name: str, choice: Choice) -> list[Json]:
    """Positional arguments of `SQL[name]`, JSON-friendly (dates as ISO strings)."""
    if name == "q7":
        return [_quote(choice)]
    arguments: dict[str, list[Json]] = {
        "q1": [],
        "q2": [choice.actor],
        "q3": [choice.word],
        "q4": [choice.location, choice.published_from.isoformat(), choice.published_to.isoformat()],
        "q5": [choice.statement],
        "q6": [choice.location],
    }
    return arguments[name]


def _quote(choice: Choice) -> int:
    if choice.quote is None:
        raise AnswerMismatch("q7 needs a quote and the corpus has none (are statements "
                             "clustered into quotes?); run the other queries with --queries")
    return choice.quote


def sql_parameters(name: str, arguments: Sequence[Json]) -> list[object]:
    """`sql_arguments` as asyncpg wants them (dates as dates)."""
    if name == "q4":
        return [arguments[0], dt.date.fromisoformat(arguments[1]),
                dt.date.fromisoformat(arguments[2])]
    return list(arguments)


def body(query: str, variables: dict[str, Json]) -> bytes:
    """A GraphQL-over-HTTP request body."""
    return orjson.dumps({"query": query, "variables": variables})


def canonical(value: Json) -> Json:
    """A response's data with PostGraphile names mapped to Quotegraph's, connections reduced
    to their node lists (and a statement list to its groups), ids dropped and group keys
    read as plain values: what must be equal across systems."""
    if isinstance(value, dict):
        if set(value) in ({"nodes"}, {"groupedAggregates"}):
            return canonical(next(iter(value.values())))
        return {RENAMES.get(k, k): _keys(v) if k == "keys" else canonical(v)
                for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def _keys(keys: Json) -> Json:
    """Group keys as plain values: Quotegraph's global ids ("QWN0b3I6NA==") become their
    primary keys ("4"), as pg-aggregates-style keys give them."""
    return [_key(key) for key in keys] if isinstance(keys, list) else keys


def _key(key: Json) -> Json:
    if not isinstance(key, str):
        return key
    try:
        decoded = base64.urlsafe_b64decode(key.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return key
    match = re.fullmatch(r"[A-Z][A-Za-z]*:(\d+)", decoded)
    return match.group(1) if match else key


def check(system: str, name: str, response: bytes, expected: Json) -> None:
    """AnswerMismatch unless `response` is a GraphQL response whose data equals `expected`."""
    try:
        decoded = orjson.loads(response)
    except orjson.JSONDecodeError:
        raise AnswerMismatch(f"{system} {name}: the response is not JSON: {response[:300]!r}") from None
    if not isinstance(decoded, dict) or decoded.get("errors") or "data" not in decoded:
        raise AnswerMismatch(f"{system} {name}: errors instead of data: {response[:500]!r}")
    got, want = canonical(decoded["data"]), canonical(expected)
    if got != want:
        raise AnswerMismatch(f"{system} {name}: wrong answer; {_first_difference(got, want)}")


def _first_difference(got: Json, want: Json, path: str = "data") -> str:
    if isinstance(got, dict) and isinstance(want, dict) and set(got) == set(want):
        for key in want:
            if got[key] != want[key]:
                return _first_difference(got[key], want[key], f"{path}.{key}")
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return f"at {path}: got {_short(got)}, expected {_short(want)}"


def _short(value: Json) -> str:
    text = json.dumps(value)
    return text if len(text) <= 200 else f"{text[:200]}... ({len(text)} characters)"


def marker(expected: Json) -> str:
    """A plain substring every correct response body contains: the start of the first
    text in the answer, else of the first name (q6's speakers), letters, digits and
    spaces only, so no JSON escaping differs."""
    text = _first_text(expected, "text") or _first_text(expected, "name")
    if text is None:
        raise AnswerMismatch(f"the expected answer holds no text or name: {_short(expected)}")
    run = re.search(r"[A-Za-z0-9][A-Za-z0-9 ]{7,}", text)
    if run is None:
        raise AnswerMismatch(f"no plain run of letters in {text!r} to check bodies by")
    return run.group(0)[:32]


def _first_text(value: Json, key: str) -> str | None:
    if isinstance(value, dict):
        if isinstance(value.get(key), str):
            return str(value[key])
        children: list[Json] = list(value.values())
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        found = _first_text(child, key)
        if found is not None:
            return found
    return None


# --- from the data ---------------------------------------------------------------------

CANDIDATE_WORDS = ("convoy", "blockade", "referendum", "embargo", "truce", "pipeline", "summit",
                   "inquiry", "accord", "deployment", "evacuation", "ceasefire")


async def connect(database_url: str) -> asyncpg.Connection:
    """A connection whose json values decode with orjson."""
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    await conn.set_type_codec("json", encoder=lambda v: orjson.dumps(v).decode(),
                              decoder=orjson.loads, schema="pg_catalog")
    return conn


async def choose(conn: asyncpg.Connection) -> Choice:
    """Variables that make every query return a full, non-trivial page."""
    undated = await conn.fetchval("SELECT count(*) FROM article WHERE published_at IS NULL")
    if undated:
        # PostGraphile's PUBLISHED_AT_DESC puts NULLs first, Quotegraph last.
        raise AnswerMismatch(f"{undated} articles have no date; the corpus dates every article")
    actor = await conn.fetchval(
        "SELECT speaker_id FROM statement WHERE speaker_id IS NOT NULL"
        " GROUP BY speaker_id ORDER BY count(*) DESC, speaker_id LIMIT 1")
    location = await conn.fetchval(
        "SELECT location_id FROM statement_location GROUP BY location_id"
        " ORDER BY count(*) DESC, location_id LIMIT 1")
    dates = await conn.fetch(
        "SELECT percentile_disc(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY ar.published_at) AS d"
        " FROM statement_location sl JOIN statement s ON s.id = sl.statement_id"
        " JOIN article ar ON ar.id = s.article_id WHERE sl.location_id = $1", location)
    statement = await conn.fetchval(
        "SELECT id FROM statement WHERE speaker_id IS NOT NULL AND deleted_at IS NULL"
        " ORDER BY id OFFSET (SELECT count(*) / 2 FROM statement) LIMIT 1")
    quote = await conn.fetchval("SELECT id FROM quote ORDER BY appearances DESC, id LIMIT 1")
    published_from, published_to = dates[0]["d"]
    return Choice(actor, await _word(conn), location, published_from, published_to, statement,
                  quote)


async def _word(conn: asyncpg.Connection) -> str:
    """The candidate closest to 2% of statements whose substring and whole-word matches
    agree, so substring search and word-prefix (FTS) search give the same answer."""
    total = await conn.fetchval("SELECT count(*) FROM statement")
    best: tuple[float, str] | None = None
    for word in CANDIDATE_WORDS:
        substring, whole = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE lower(text) LIKE '%' || $1 || '%'),"
            " count(*) FILTER (WHERE text ~* ('\\m' || $1 || '\\M')) FROM statement", word)
        if substring == whole and substring >= 20:
            distance = abs(substring / total - 0.02)
            best = min(best, (distance, word)) if best else (distance, word)
    if best is None:
        raise AnswerMismatch("no candidate word fits q3 (whole-word only, at least 20 statements)")
    return best[1]


async def expected(conn: asyncpg.Connection, choice: Choice, names: Sequence[str]) -> dict[str, Json]:
    """The plain-SQL answer of each query: Quotegraph's `data` object."""
    answers: dict[str, Json] = {}
    for name in names:
        params = sql_parameters(name, sql_arguments(name, choice))
        answers[name] = await conn.fetchval(SQL[name], *params)
    return answers


