"""Statements from short texts: direct, indirect, mixed, continued, media and tails."""
from __future__ import annotations

from api.extract import extract_article
from api.extract.quotes import find_quotes
from api.extract.results import Extraction, Span
from api.extract.statements import find_statements

Row = tuple[str, str | None, str | None, str | None, str]


def _rows(text: str) -> list[Row]:
    """kind, speaker name, cue, medium name, content text of each statement."""
    extraction: Extraction = extract_article(text)
    names = {actor.key: actor.name for actor in extraction.actors}
    return [
        (
            s.kind.value,
            names.get(s.speaker or ""),
            s.cue,
            names.get(s.medium or ""),
            s.span.text(text),
        )
        for s in extraction.statements
    ]


def test_direct_quote_before_speaker_and_cue() -> None:
    assert _rows('"We will stay," Lavrov said.') == [
        ("DIRECT", "Lavrov", "said", None, '"We will stay,"'),
    ]


def test_a_quotation_after_a_dateline_is_direct_speech_without_the_dateline() -> None:
    assert _rows('GENEVA (Reuters) - "We will stay," Lavrov said.') == [
        ("DIRECT", "Lavrov", "said", None, '"We will stay,"'),
    ]


def test_indirect_with_that_and_bare_clause() -> None:
    text = "The minister said that talks had failed. Officials believe the army will win."
    assert _rows(text) == [
        ("INDIRECT", "The minister", "said", None, "talks had failed"),
        ("INDIRECT", "Officials", "believe", None, "the army will win"),
    ]


def test_belief_and_praise_count_as_statements() -> None:
    assert _rows("Trump has praised Putin as a strong leader.") == [
        ("INDIRECT", "Trump", "has praised", None, "Putin as a strong leader"),
    ]


def test_mixed_is_one_statement() -> None:
    text = 'Jane Roe of the Green Party said any deal "would be unacceptable".'
    assert _rows(text) == [
        ("MIXED", "Jane Roe", "said", None, 'any deal "would be unacceptable"'),
    ]


def test_quote_split_around_its_attribution_and_next_paragraph() -> None:
    text = (
        '"We are ready," Jane Roe said, according to Reuters. "We will go."\n\n'
        '"Nothing will stop us."\n\n'
        "The weather was fine."
    )
    assert _rows(text) == [
        ("DIRECT", "Jane Roe", "said", "Reuters",
         '"We are ready," Jane Roe said, according to Reuters. "We will go."'),
        ("DIRECT", "Jane Roe", None, None, '"Nothing will stop us."'),
    ]


def test_pronoun_told_medium() -> None:
    text = 'Yasser Ali spoke first.\n\n"It is for them to leave," he told AFP.'
    extraction = extract_article(text)
    (statement,) = extraction.statements
    assert statement.speaker == "yasser ali"
    assert statement.speaker_span is not None and statement.speaker_span.text(text) == "he"
    assert (statement.cue, statement.medium) == ("told", "afp")


def test_interview_medium_and_statement_cue() -> None:
    text = (
        "Jane Roe said in an interview with Fox News that taxes would fall. "
        "Prices rose, according to a statement."
    )
    assert _rows(text) == [
        ("INDIRECT", "Jane Roe", "said", "Fox News", "taxes would fall"),
        ("INDIRECT", None, "according to", None, "Prices rose"),
    ]


def test_according_to_alone_names_the_source() -> None:
    assert _rows("According to opposition sources, rebels held the district.") == [
        ("INDIRECT", "opposition sources", "According to", None, "rebels held the district"),
    ]


def test_participle_shares_the_speaker_and_ends_the_first_content() -> None:
    text = "Jane Roe said talks failed, adding that a deal was near."
    assert _rows(text) == [
        ("INDIRECT", "Jane Roe", "said", None, "talks failed"),
        ("INDIRECT", "Jane Roe", "adding", None, "a deal was near"),
    ]


def test_closing_attribution_without_quotes() -> None:
    assert _rows("Rebels will not leave, the commander said.") == [
        ("INDIRECT", "the commander", "said", None, "Rebels will not leave"),
    ]
    assert _rows("Rebels will not leave, said Omar Ali, a commander.") == [
        ("INDIRECT", "Omar Ali", "said", None, "Rebels will not leave"),
    ]


def test_noun_cue_with_possessive() -> None:
    text = "Jane Roe spoke. It followed Roe's announcement that taxes would rise."
    assert _rows(text) == [
        ("INDIRECT", "Jane Roe", "announcement", None, "taxes would rise"),
    ]


def test_noun_cue_with_possessive_pronoun() -> None:
    text = "Jane Roe spoke. Nobody missed her warning that taxes would rise."
    assert _rows(text) == [
        ("INDIRECT", "Jane Roe", "warning", None, "taxes would rise"),
    ]


def test_nickname_and_title_quotes_are_not_statements() -> None:
    assert _rows('Donald "The Donald" Trump read "Stealing America" on Monday.') == []


def test_a_pull_quote_is_its_signer_s_statement_without_its_marks() -> None:
    line = "It is for the Russians to leave Aleppo and for the militias to leave Syria too"
    text = f'"{line}," said Yasser Ali.\n\n\u201c{line}.\u201d\n\n\u2014 Yasser Ali'
    assert _rows(text) == [
        ("DIRECT", "Yasser Ali", "said", None, f'"{line},"'),
        ("DIRECT", "Yasser Ali", "\u2014", None, line),
    ]


def test_a_dash_line_under_a_paragraph_that_repeats_nothing_signs_no_statement() -> None:
    text = "The talks will resume on Friday in Geneva, officials said.\n\nA new paragraph.\n- Jo Roe"
    assert _rows(text) == [
        ("INDIRECT", "officials", "said", None, "The talks will resume on Friday in Geneva"),
    ]


def test_transcript_turn() -> None:
    assert _rows("TAPPER: Do you think he can win?") == [
        ("DIRECT", "Tapper", ":", None, "Do you think he can win"),
    ]


def test_hearer_and_clause_after_threatened() -> None:
    text = "Russia has threatened fighters they will be treated as terrorists."
    assert _rows(text) == [
        ("INDIRECT", "Russia", "has threatened", None, "they will be treated as terrorists"),
    ]


def test_locations_and_mentions_fall_inside_the_content() -> None:
    text = "Lavrov said Moscow would hold talks with Washington in Geneva."
    extraction = extract_article(text)
    (statement,) = extraction.statements
    assert set(statement.mentions) == {"moscow", "washington"}
    places = {p.key: p.name for p in extraction.places}
    assert "Geneva" in {places[key] for key in statement.locations}


def test_attribution_inside_one_quoted_sentence_gives_one_statement() -> None:
    text = '"After that," she said, "we will index the minimum wage."'
    assert _rows(text) == [("DIRECT", None, "said", None, text[:-1] + '"')]


def test_words_leading_into_a_closing_quote_belong_to_the_content() -> None:
    assert _rows('The failure was "heartbreaking," the senator said.') == [
        ("MIXED", "the senator", "said", None, 'The failure was "heartbreaking,"'),
    ]


def test_according_to_in_mid_sentence() -> None:
    assert _rows("Other gaps, according to the poll, include age.") == [
        ("INDIRECT", "the poll", "according to", None, "Other gaps, according to the poll, include age"),
    ]


def test_reported_clause_stops_at_a_side_clause() -> None:
    assert _rows("Aides said the plan failed, which surprised nobody.") == [
        ("INDIRECT", "Aides", "said", None, "the plan failed"),
    ]


def test_single_word_object_is_content_but_an_adverb_is_not() -> None:
    assert _rows("Business leaders decried it. He said again.") == [
        ("INDIRECT", "Business leaders", "decried", None, "it"),
    ]


def test_continued_reports_only_a_quotation() -> None:
    text = 'Jane Roe continued, "We will win." The talks continued for hours.'
    assert _rows(text) == [("DIRECT", "Jane Roe", "continued", None, '"We will win."')]


def test_statement_mentions_an_actor_by_surname() -> None:
    text = "Sergei Lavrov spoke on Monday. Officials said Lavrov would visit Iran."
    extraction = extract_article(text)
    (statement,) = extraction.statements
    assert statement.span.text(text) == "Lavrov would visit Iran"
    assert "sergei lavrov" in statement.mentions


def test_inverted_speaker_keeps_title_and_party() -> None:
    text = '"We will win," said Rep. Jerry Nadler, a Democrat from New York.'
    extraction = extract_article(text)
    actors = {actor.key: actor for actor in extraction.actors}
    nadler = actors["jerry nadler"]
    assert (nadler.title, nadler.affiliation) == ("Rep.", "democratic party")
    assert actors["democratic party"].kind.value == "ORGANIZATION"
    (statement,) = extraction.statements
    assert (statement.kind.value, statement.speaker) == ("DIRECT", "jerry nadler")


def test_according_to_a_statement_from_an_author() -> None:
    assert _rows("Prices rose, according to a statement from the Finance Ministry.") == [
        ("INDIRECT", "Finance Ministry", "according to", None, "Prices rose"),
    ]


def _speakers(text: str) -> list[tuple[str | None, str | None, str]]:
    """Resolved speaker name, speaker mention as written, content text."""
    extraction = extract_article(text)
    names = {actor.key: actor.name for actor in extraction.actors}
    return [
        (
            names.get(s.speaker or ""),
            s.speaker_span.text(text) if s.speaker_span else None,
            s.span.text(text),
        )
        for s in extraction.statements
    ]


def test_she_skips_the_man_named_last() -> None:
    assert _speakers("Jane Roe met Mark Doe in Ohio. She said the talks had failed.") == [
        ("Jane Roe", "She", "the talks had failed"),
    ]


def test_he_skips_the_woman_named_last() -> None:
    assert _speakers("Mark Doe met Jane Roe in Ohio. He said the talks had failed.") == [
        ("Mark Doe", "He", "the talks had failed"),
    ]


def test_a_pronoun_teaches_the_gender_of_an_ambiguous_first_name() -> None:
    # "Pat" and "Robin" say nothing; once "He" stood for Pat Lee, "She" cannot.
    text = "Robin Roe arrived late. Pat Lee spoke first. He said talks failed. She said they had not."
    assert _speakers(text) == [
        ("Pat Lee", "He", "talks failed"),
        ("Robin Roe", "She", "they had not"),
    ]


def test_the_senator_is_the_senator_named_before() -> None:
    text = (
        "Sen. Jane Roe and Gov. Mark Doe spoke in Iowa. "
        "The senator said taxes must rise. The president said no."
    )
    assert _speakers(text) == [
        ("Jane Roe", "The senator", "taxes must rise"),
        ("The president", "The president", "no"),
    ]


def test_the_role_must_agree_with_every_word_of_the_title() -> None:
    text = (
        "Democratic nominee Jane Roe met Republican nominee Mark Doe. "
        "The Democratic nominee said she would win."
    )
    assert _speakers(text) == [("Jane Roe", "The Democratic nominee", "she would win")]


def test_hedged_clause_is_content_without_a_source() -> None:
    text = "Clinton seemed to waver on trade. The court is expected to rule soon."
    assert _rows(text) == [
        ("INDIRECT", None, "seemed", None, "Clinton seemed to waver on trade"),
        ("INDIRECT", None, "is expected", None, "The court is expected to rule soon"),
    ]


def test_phrasal_cues_report_the_object_of_their_particle() -> None:
    text = "Ann Lee called for a ban on fracking. She was referring to the plant."
    assert _rows(text) == [
        ("INDIRECT", "Ann Lee", "called for", None, "a ban on fracking"),
        ("INDIRECT", "Ann Lee", "was referring to", None, "the plant"),
    ]


def test_owned_noun_cue_with_its_preposition() -> None:
    assert _speakers("Mark Doe renewed his push for a wall on the border.") == [
        ("Mark Doe", "his", "a wall on the border"),
    ]
    assert _speakers("Jane Roe's calls for a special prosecutor drew fire.") == [
        ("Jane Roe", "Jane Roe", "a special prosecutor"),
    ]


def test_but_that_carries_the_reported_clause_on() -> None:
    text = "Lee said the staff erred, but that the ban was wrong. Lee said it rained, but the sun came out."
    assert [row[4] for row in _rows(text)] == [
        "the staff erred, but that the ban was wrong", "it rained"
    ]


def test_later_cue_with_its_own_subject_ends_the_first_content() -> None:
    text = "Jane Roe said the fund should close, and she added that it would stop taking gifts."
    assert _speakers(text) == [
        ("Jane Roe", "Jane Roe", "the fund should close"),
        ("Jane Roe", "she", "it would stop taking gifts"),
    ]


def test_outlet_beyond_the_known_list_is_the_medium() -> None:
    assert _rows("Mark Doe told the Des Moines Register that he would run.") == [
        ("INDIRECT", "Mark Doe", "told", "Des Moines Register", "he would run"),
    ]


def _contents(text: str) -> list[str]:
    paragraphs = [Span(0, len(text))]
    drafts = find_statements(text, paragraphs, find_quotes(text, paragraphs))
    return [d.content.text(text) for d in drafts]


def test_quote_split_around_he_said_is_one_statement() -> None:
    text = '"We are ready," Jane Roe said. "We will go." Later "Fine," she said. Nothing more.'
    assert _contents(text) == ['"We are ready," Jane Roe said. "We will go."', 'Later "Fine,"']


def test_a_quote_that_closes_its_sentence_is_not_joined_to_the_next() -> None:
    text = '"We are ready." Jane Roe said it twice. "We will go."'
    assert _contents(text) == ['"We are ready."', "it twice", '"We will go."']


def test_one_sentence_split_by_its_attribution_is_one_statement() -> None:
    text = '"Every time you say that," Jane Roe said, turning to him, "you help the other side."'
    assert _contents(text) == [text]


def test_a_second_quote_opening_a_new_sentence_after_a_comma_is_its_own() -> None:
    text = '"We are ready," Jane Roe said, adding: "We will go."'
    assert _contents(text) == ['"We are ready,"', '"We will go."']


def test_a_setting_phrase_before_that_is_not_content() -> None:
    text = "Jane Roe said at an event in Colorado Springs that a bomb had gone off."
    assert _contents(text) == ["a bomb had gone off"]


def test_headline_name_and_colon_give_a_claim() -> None:
    assert _rows("Jane Roe: Taxes Must Rise\n\nRoe spoke on Monday.") == [
        ("INDIRECT", "Jane Roe", ":", None, "Taxes Must Rise"),
    ]


def test_question_put_to_someone_has_no_source() -> None:
    text = "Asked whether he would run, Mark Doe said he had not decided. Roe was asked about the plan."
    assert _rows(text) == [
        ("INDIRECT", None, "Asked", None, "whether he would run"),
        ("INDIRECT", "Mark Doe", "said", None, "he had not decided"),
        ("INDIRECT", None, "was asked", None, "about the plan"),
    ]


def test_object_of_praise_ends_before_the_next_verb_or_an_aside() -> None:
    text = (
        "Jane Roe praised Doe for cutting taxes but stopped short of endorsing him. "
        "Doe criticized the plan, a costly mess. Roe said prices rose, and wages fell."
    )
    assert [row[4] for row in _rows(text)] == [
        "Doe for cutting taxes", "the plan", "prices rose, and wages fell"
    ]


def test_quotes_a_sentence_apart_are_not_joined() -> None:
    text = '"We are ready," Jane Roe said. She left. "We will go."'
    assert _contents(text) == ['"We are ready,"', '"We will go."']


def test_an_honorific_belongs_only_to_the_name_right_after_it() -> None:
    assert _speakers("Ms. Robin Roe and Pat Lee met. He said talks failed.") == [
        ("Pat Lee", "He", "talks failed"),
    ]


def test_a_quotation_signed_with_a_dash_is_the_signer_s() -> None:
    text = "Voices\n\n\u201cWe will win this fight, whatever it costs.\u201d \u2015\u00a0Ana Ruiz\n"
    assert _rows(text) == [
        ("DIRECT", "Ana Ruiz", "\u2015", None, "\u201cWe will win this fight, whatever it costs.\u201d"),
    ]


def test_a_colon_closing_the_paragraph_introduces_the_next_quotation() -> None:
    text = 'Jane Roe continued:\n\n"The health issue is partisan, and it will stay that way."'
    assert _rows(text) == [
        ("DIRECT", "Jane Roe", "continued", None,
         '"The health issue is partisan, and it will stay that way."'),
    ]


def test_a_transcript_turn_may_open_with_a_quotation_mark() -> None:
    text = 'Debate night\n\n"PENCE: Well, look, this is serious business for all of us.'
    assert _rows(text) == [
        ("DIRECT", "Pence", ":", None, "Well, look, this is serious business for all of us"),
    ]


def test_a_quotation_a_few_words_after_its_cue_belongs_to_the_cue() -> None:
    assert _rows('Japan branded North Korea an "outlaw nation in the neighborhood."') == [
        ("MIXED", "Japan", "branded", None, 'North Korea an "outlaw nation in the neighborhood."'),
    ]


def test_the_object_of_a_verb_of_blame_is_never_its_inverted_speaker() -> None:
    text = 'Chris Christie, who has campaigned for Trump since February, blasted Clinton as a "disgrace."'
    assert _rows(text) == [
        ("MIXED", "Chris Christie", "blasted", None, 'Clinton as a "disgrace."'),
    ]


def test_attribution_in_mid_sentence_reports_the_whole_sentence() -> None:
    text = "If the vote fails again, Jane Roe said, the council will have to resign."
    assert _rows(text) == [
        ("INDIRECT", "Jane Roe", "said", None,
         "If the vote fails again, Jane Roe said, the council will have to resign"),
    ]


def test_object_content_stops_before_its_date() -> None:
    assert _rows("The union endorsed the mayor in late March.") == [
        ("INDIRECT", "The union", "endorsed", None, "the mayor"),
    ]
    # A reported clause keeps its date: it may be part of what was said.
    assert _rows("The mayor said she would resign in March.") == [
        ("INDIRECT", "The mayor", "said", None, "she would resign in March"),
    ]


def test_relative_clause_inside_the_reported_subject_does_not_end_it() -> None:
    text = "Aides said the bridge, which the council funded, is unsafe."
    assert _rows(text) == [
        ("INDIRECT", "Aides", "said", None, "the bridge, which the council funded, is unsafe"),
    ]


def test_reported_clause_stops_before_and_with_a_new_subject() -> None:
    text = "The mayor said the budget was balanced, and she left the room."
    assert _rows(text) == [
        ("INDIRECT", "The mayor", "said", None, "the budget was balanced"),
    ]


def test_adjective_cue_before_that_clause() -> None:
    assert _rows("Jane Roe is confident that the bill will pass.") == [
        ("INDIRECT", "Jane Roe", "is confident", None, "the bill will pass"),
    ]


def test_verb_after_comma_and_shares_the_sentence_subject() -> None:
    text = "Jane Roe visited the plant on Monday, and criticized the plan to close it."
    assert _rows(text) == [
        ("INDIRECT", "Jane Roe", "criticized", None, "the plan to close it"),
    ]


def test_a_named_poll_reports_the_standings() -> None:
    text = "Jane Roe led by ten points in a Gallup poll. Roe surged in the polls."
    assert _rows(text) == [
        ("INDIRECT", "a Gallup poll", "in", None, "Jane Roe led by ten points"),
    ]


def test_gerund_after_a_preposition_shares_the_clause_subject() -> None:
    assert _rows("Jo Roe ended the debate by saying that taxes would fall.") == [
        ("INDIRECT", "Jo Roe", "saying", None, "taxes would fall"),
    ]


def test_participle_after_a_comma_inside_a_quoted_term() -> None:
    text = "Jo Roe touted her \u201cbig plan,\u201d promising to cut taxes for everyone."
    assert _rows(text)[-1] == ("INDIRECT", "Jo Roe", "promising", None, "to cut taxes for everyone")


def test_a_digest_item_s_statement_leaves_out_the_source_it_cites() -> None:
    text = "Morning Email\n\nBernie Sanders said his rival is in \u201cserious trouble.\u201d [NYT.]"
    assert _rows(text) == [("MIXED", "Bernie Sanders", "said", None, "his rival is in \u201cserious trouble.\u201d")]
