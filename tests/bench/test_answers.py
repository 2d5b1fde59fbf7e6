"""Answer checks: the same rows in the same order from every system, or the run stops."""
from __future__ import annotations

import datetime as dt

import orjson
import pytest

from bench.queries import (
    AnswerMismatch,
    Choice,
    canonical,
    check,
    marker,
    postgraphile_id,
    postgraphile_variables,
    quotegraph_variables,
    sql_arguments,
    sql_parameters,
)

EXPECTED = {"statements": {"nodes": [
    {"id": 7, "text": '"We will not accept a truce," Petrov said.', "speaker": {"name": "Anna Petrov"},
     "article": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
    {"id": 3, "text": "aid would reach Homs", "speaker": None,
     "article": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
]}}
QUOTEGRAPH = {"data": {"statements": {"nodes": [
    {"id": "U3RhdGVtZW50Ojc=", "text": '"We will not accept a truce," Petrov said.',
     "speaker": {"name": "Anna Petrov"}, "article": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
    {"id": "U3RhdGVtZW50OjM=", "text": "aid would reach Homs", "speaker": None,
     "article": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
]}}}
POSTGRAPHILE = {"data": {"searchStatements": {"nodes": [
    {"id": "WyJTdGF0ZW1lbnQiLDdd", "text": '"We will not accept a truce," Petrov said.',
     "actorBySpeakerId": {"name": "Anna Petrov"},
     "articleByArticleId": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
    {"id": "WyJTdGF0ZW1lbnQiLDNd", "text": "aid would reach Homs", "actorBySpeakerId": None,
     "articleByArticleId": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
]}}}
CHOICE = Choice(actor=4, word="truce", location=9, published_from=dt.date(2016, 1, 1),
                published_to=dt.date(2016, 12, 31), statement=7, quote=12)
# q6: the plain SQL builds Quotegraph's data (keys: the speaker's global id, the month);
# PostGraphile's groups come from a function, keys stringified as pg-aggregates does.
GROUPS_EXPECTED = {"location": {"statements": {"groupedAggregates": [
    {"keys": ["QWN0b3I6NA==", "2016-05-01"], "count": 3, "speaker": {"name": "Anna Petrov"}},
    {"keys": [None, "2016-05-01"], "count": 3, "speaker": None},
]}}}
GROUPS_POSTGRAPHILE = {"data": {"locationByRowId": {"speakerMonths": {"nodes": [
    {"keys": ["4", "2016-05-01"], "count": 3, "actorBySpeakerId": {"name": "Anna Petrov"}},
    {"keys": [None, "2016-05-01"], "count": 3, "actorBySpeakerId": None},
]}}}}
QUOTE_POSTGRAPHILE = {"data": {"quoteByRowId": {
    "text": "We will not accept a truce", "actorBySpeakerId": {"name": "Anna Petrov"},
    "firstStatement": {"articleByArticleId": {"title": "Talks stall", "publisher": "Harbour Gazette",
                                              "publishedAt": "2016-05-01"}},
    "appearancesInOrder": {"nodes": [{"text": "We will not accept a truce", "articleByArticleId": {
        "title": "Talks stall", "publisher": "Harbour Gazette", "publishedAt": "2016-05-01"}}]},
    "articleCount": 1, "publishers": ["Harbour Gazette"],
}}}


def test_quotegraph_and_postgraphile_answers_match_the_expected_rows() -> None:
    check("Quotegraph PG", "q3", orjson.dumps(QUOTEGRAPH), EXPECTED)
    check("PostGraphile V5", "q3", orjson.dumps(POSTGRAPHILE), EXPECTED)
    assert canonical(POSTGRAPHILE["data"]) == {"statements": [
        {"text": '"We will not accept a truce," Petrov said.', "speaker": {"name": "Anna Petrov"},
         "article": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
        {"text": "aid would reach Homs", "speaker": None,
         "article": {"title": "Talks stall", "publishedAt": "2016-05-01"}},
    ]}


def test_rows_in_another_order_are_rejected() -> None:
    nodes = QUOTEGRAPH["data"]["statements"]["nodes"]
    swapped = {"data": {"statements": {"nodes": [nodes[1], nodes[0]]}}}
    with pytest.raises(AnswerMismatch) as caught:
        check("Quotegraph PG", "q3", orjson.dumps(swapped), EXPECTED)
    assert str(caught.value) == (
        'Quotegraph PG q3: wrong answer; at data.statements[0].text: got "aid would reach Homs",'
        ' expected "\\"We will not accept a truce,\\" Petrov said."'
    )


def test_a_wrong_value_is_rejected_with_its_path() -> None:
    wrong = orjson.loads(orjson.dumps(POSTGRAPHILE))
    wrong["data"]["searchStatements"]["nodes"][1]["articleByArticleId"]["publishedAt"] = "2016-05-02"
    with pytest.raises(AnswerMismatch) as caught:
        check("PostGraphile V5", "q3", orjson.dumps(wrong), EXPECTED)
    assert str(caught.value) == ('PostGraphile V5 q3: wrong answer; at data.statements[1].article'
                                 '.publishedAt: got "2016-05-02", expected "2016-05-01"')


def test_errors_are_rejected_even_beside_data() -> None:
    body = orjson.dumps({"data": None, "errors": [{"message": "boom"}]})
    with pytest.raises(AnswerMismatch) as caught:
        check("PostGraphile V5", "q1", body, EXPECTED)
    assert str(caught.value) == (
        "PostGraphile V5 q1: errors instead of data: "
        "b'{\"data\":null,\"errors\":[{\"message\":\"boom\"}]}'"
    )


def test_a_body_that_is_not_json_is_rejected() -> None:
    with pytest.raises(AnswerMismatch) as caught:
        check("raw SQL limit", "q5", b"Internal Server Error", EXPECTED)
    assert str(caught.value) == "raw SQL limit q5: the response is not JSON: b'Internal Server Error'"


def test_the_marker_is_a_plain_run_of_the_first_text() -> None:
    assert marker(EXPECTED) == "We will not accept a truce"


def test_variables_name_the_same_rows_in_each_system() -> None:
    assert quotegraph_variables("q2", CHOICE) == {"id": "QWN0b3I6NA=="}  # "Actor:4"
    assert postgraphile_variables("q2", CHOICE) == {"id": 4}
    assert postgraphile_id("Statement", 7) == "WyJTdGF0ZW1lbnQiLDdd"  # ["Statement",7]
    assert quotegraph_variables("q4", CHOICE) == {"loc": "TG9jYXRpb246OQ==", "from": "2016-01-01",
                                                  "to": "2016-12-31"}
    assert sql_arguments("q4", CHOICE) == [9, "2016-01-01", "2016-12-31"]
    assert sql_parameters("q4", [9, "2016-01-01", "2016-12-31"]) == [
        9, dt.date(2016, 1, 1), dt.date(2016, 12, 31)]


def test_grouped_answers_match_with_keys_read_as_plain_values() -> None:
    check("PostGraphile V5", "q6", orjson.dumps(GROUPS_POSTGRAPHILE), GROUPS_EXPECTED)
    check("Quotegraph PG", "q6", orjson.dumps({"data": GROUPS_EXPECTED}), GROUPS_EXPECTED)
    assert canonical(GROUPS_EXPECTED) == {"location": {"statements": [
        {"keys": ["4", "2016-05-01"], "count": 3, "speaker": {"name": "Anna Petrov"}},
        {"keys": [None, "2016-05-01"], "count": 3, "speaker": None},
    ]}}


def test_a_group_of_another_speaker_or_month_is_rejected() -> None:
    wrong = orjson.loads(orjson.dumps(GROUPS_POSTGRAPHILE))
    wrong["data"]["locationByRowId"]["speakerMonths"]["nodes"][0]["keys"] = ["5", "2016-05-01"]
    with pytest.raises(AnswerMismatch) as caught:
        check("PostGraphile V5", "q6", orjson.dumps(wrong), GROUPS_EXPECTED)
    assert str(caught.value) == ('PostGraphile V5 q6: wrong answer; at data.location.statements[0]'
                                 '.keys[0]: got "5", expected "4"')
    # A text that merely looks like an id stays text: "2016" decodes to no "Type:N".
    assert canonical({"keys": ["2016", "QWN0b3I6NA", "TG9jYXRpb246OQ=="]}) == {
        "keys": ["2016", "QWN0b3I6NA", "9"]}


def test_a_quotes_answer_in_postgraphile_names() -> None:
    assert canonical(QUOTE_POSTGRAPHILE["data"]) == {"quote": {
        "text": "We will not accept a truce", "speaker": {"name": "Anna Petrov"},
        "firstSeen": {"article": {"title": "Talks stall", "publisher": "Harbour Gazette",
                                  "publishedAt": "2016-05-01"}},
        "appearances": [{"text": "We will not accept a truce", "article": {
            "title": "Talks stall", "publisher": "Harbour Gazette", "publishedAt": "2016-05-01"}}],
        "articleCount": 1, "publishers": ["Harbour Gazette"],
    }}


def test_groups_without_text_are_checked_by_the_first_speakers_name() -> None:
    assert marker(GROUPS_EXPECTED) == "Anna Petrov"


def test_the_new_queries_name_the_place_and_the_quote_in_each_system() -> None:
    assert quotegraph_variables("q6", CHOICE) == {"place": "TG9jYXRpb246OQ=="}  # "Location:9"
    assert postgraphile_variables("q6", CHOICE) == {"place": 9}
    assert sql_arguments("q6", CHOICE) == [9]
    assert quotegraph_variables("q7", CHOICE) == {"quote": "UXVvdGU6MTI="}  # "Quote:12"
    assert (postgraphile_variables("q7", CHOICE), sql_arguments("q7", CHOICE)) == (
        {"quote": 12}, [12])


def test_q7_without_quotes_stops_with_what_to_do() -> None:
    none = Choice(**{**CHOICE.__dict__, "quote": None})
    assert quotegraph_variables("q5", none) == {"id": "U3RhdGVtZW50Ojc="}
    with pytest.raises(AnswerMismatch) as caught:
        sql_arguments("q7", none)
    assert str(caught.value) == ("q7 needs a quote and the corpus has none (are statements "
                                 "clustered into quotes?); run the other queries with --queries")
