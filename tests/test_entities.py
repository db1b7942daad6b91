"""Entities merged within an article, and the transliteration-aware name comparison."""

from __future__ import annotations

import pytest

from newsgraph.analyze.entities import entity_at, entity_named
from newsgraph.analyze.names import given_name_gender, same_name, translit_key
from newsgraph.article import Article
from newsgraph.pipeline import Pipeline


@pytest.mark.parametrize(
    ("a", "b"),
    [("Lukashenko", "Lukashenka"), ("Kyiv", "Kiev"), ("Gomel", "Homel"), ("Grodno", "Hrodna"),
     ("Zelensky", "Zelenskyy"), ("Kharkiv", "Kharkov"), ("Gennady", "Hennadiy"), ("Lviv", "Lvov")],
)  # fmt: skip
def test_spellings_of_one_name(a: str, b: str) -> None:
    assert same_name(a, b)


@pytest.mark.parametrize(
    ("a", "b"), [("Gudkov", "Zhdanov"), ("Mark", "Mary"), ("Petrov", "Popov"), ("Ivan", "Iva")]
)
def test_different_names(a: str, b: str) -> None:
    assert not same_name(a, b)


def test_translit_key_ignores_case_and_accents() -> None:
    assert translit_key("Kairytė") == translit_key("KAIRYTE")


def analyse(text: str) -> Article:
    return Pipeline.build(["parse", "entities"], on_error="raise")(Article.from_raw(text, as_is=True))


def test_surname_mentions_join_the_full_name() -> None:
    article = analyse(
        "Ukrainian economist Taras Hnatyuk spoke in Lviv on Monday. Later Hnatyuk met the mayor. "
        "Critics of Hnatiuk say the plan is too slow."
    )
    people = [e for e in article.entities if e.type == "PERSON"]
    assert [p.name for p in people] == ["Taras Hnatyuk"]
    assert {m.text for m in people[0].mentions} >= {"Taras Hnatyuk", "Hnatyuk", "Hnatiuk"}
    assert "Hnatiuk" in people[0].aliases


def test_a_word_before_a_name_that_is_also_a_given_name_stays_out_of_it() -> None:
    # "In" is a given name too; here it is the preposition
    article = analyse("Ivan Koval runs the port of Odesa.\n\nIn Koval’s words, the port is lost.")
    people = [e for e in article.entities if e.type == "PERSON"]
    assert [p.name for p in people] == ["Ivan Koval"]
    assert {m.text for m in people[0].mentions} == {"Ivan Koval", "Koval"}


def test_a_name_written_with_a_no_break_space_is_named_with_a_plain_one() -> None:
    text = "Ukrainian economist Taras\u00a0Hnatyuk spoke in Lviv on Monday. Taras Hnatyuk met the mayor."
    article = analyse(text)
    (person,) = [e for e in article.entities if e.type == "PERSON"]
    assert person.name == "Taras Hnatyuk" and "\u00a0" not in "".join(person.aliases)
    assert person.mentions[0].text == "Taras\u00a0Hnatyuk"
    assert all(text[m.start : m.end] == m.text for m in person.mentions)


def test_two_people_sharing_a_surname_stay_apart() -> None:
    article = analyse("Anna Koval and Mykola Koval both run farms near Poltava. Anna Koval sells grain.")
    names = sorted(e.name for e in article.entities if e.type == "PERSON")
    assert names == ["Anna Koval", "Mykola Koval"]


@pytest.mark.parametrize(
    ("title", "person"), [("Mr.", "Ivan Koval"), ("Mrs.", "Oksana Koval"), ("Ms.", "Oksana Koval")]
)
def test_a_title_s_gender_picks_among_people_of_one_surname(title: str, person: str) -> None:
    text = (
        f"Oksana Koval and her husband, Ivan Koval, run a farm near Poltava. {title} Koval sells the grain."
    )
    article = analyse(text)
    mention = text.rindex("Koval")
    entity = entity_at(article, mention, mention + len("Koval"))
    assert entity is not None and entity.name == person


def test_a_title_of_the_other_gender_is_someone_else_of_that_surname() -> None:
    text = "Hillary Clinton spoke in Ohio. Mr. Clinton, campaigning in Iowa, said the race was close."
    article = analyse(text)
    mention = text.rindex("Clinton")
    entity = entity_at(article, mention, mention + len("Clinton"))
    assert entity is not None and entity.name == "Clinton"
    assert sorted(e.name for e in article.entities if e.type == "PERSON") == ["Clinton", "Hillary Clinton"]


@pytest.mark.parametrize(
    ("text", "word", "person"),
    [
        ("Oksana Koval opened the port with her husband, Ivan Koval. “It is open,” Oksana said.", "Oksana",
         "Oksana Koval"),
        ("Taras Bondar spoke in Lviv. His daughter, Marta Bondar, spoke next. “We win,” Marta said.", "Marta",
         "Marta Bondar"),
    ],
)  # fmt: skip
def test_a_first_name_alone_is_the_one_person_named_in_full_with_it(
    text: str, word: str, person: str
) -> None:
    article = analyse(text)
    at = text.rindex(word)
    entity = entity_at(article, at, at + len(word))
    assert entity is not None and entity.name == person


def test_a_first_name_two_people_share_or_a_big_city_joins_no_one() -> None:
    text = "Ivan Koval and Ivan Bondar met in Lviv. Ivan said little. Paris Hilton later flew to Paris."
    article = analyse(text)
    at = text.index("Ivan said")
    entity = entity_at(article, at, at + 4)
    assert entity is None or entity.name == "Ivan"
    at = text.rindex("Paris")
    entity = entity_at(article, at, at + 5)
    assert entity is not None and entity.name == "Paris" and entity.type == "GPE"


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Oksana", "female"),
        ("Taras", "male"),
        ("Hillary", "female"),
        ("Jean", None),
        ("Kim", None),
        ("", None),
    ],
)
def test_a_first_name_tells_a_gender_only_when_it_is_clear(name: str, gender: str | None) -> None:
    assert given_name_gender(name) == gender


def test_ids_follow_first_mention_and_mentions_point_into_the_text() -> None:
    article = analyse("Olena Markiv runs the port of Odesa. The Ministry of Infrastructure backs Markiv.")
    assert [e.id for e in article.entities] == [f"e{i}" for i in range(1, len(article.entities) + 1)]
    for e in article.entities:
        assert e.stage == "entities.v6"
        for m in e.mentions:
            assert article.text[m.start : m.end] == m.text
    # the leading "The" is not part of the name, and the name stops before the verb
    assert any(e.name == "Ministry of Infrastructure" and e.type == "ORG" for e in article.entities)


def test_lookups_by_span_and_by_name() -> None:
    text = "Olena Markiv runs the port. Markiv says it works."
    article = analyse(text)
    at = text.rindex("Markiv")
    found = entity_at(article, at, at + 6)
    assert found is not None and found.name == "Olena Markiv"
    assert entity_named(article, "Markiv") is found
    assert entity_named(article, "Olena Markiv") is found
    assert entity_named(article, "Nobody Here") is None


def test_an_organisation_name_with_its_complement_is_kept_whole() -> None:
    text = (
        "Ivan Dmytrenko, member of the Verkhovna Rada Committee on National Security and Defense, "
        "spoke in Kyiv on Monday."
    )
    orgs = [e.name for e in analyse(text).entities if e.type == "ORG"]
    assert "Verkhovna Rada Committee on National Security and Defense" in orgs
    assert "National Security and Defense" not in orgs


def test_names_before_region_are_places() -> None:
    article = analyse("There are now up to seven battalions on the border in the Brest and Gomel regions.")
    types = {e.name: e.type for e in article.entities}
    assert types.get("Brest") == "GPE" and types.get("Gomel") == "GPE"


def test_a_phrase_ending_in_an_organisation_word_is_no_person() -> None:
    article = analyse("The General Staff of the Armed Forces of Ukraine reported it. Olena Markiv agreed.")
    assert all(e.type != "PERSON" or e.name == "Olena Markiv" for e in article.entities)


def test_a_small_town_after_a_locative_is_a_place() -> None:
    article = analyse("About 300 trucks remain at the Medininkai crossing, the union said.")
    assert any(e.name == "Medininkai" and e.type == "GPE" for e in article.entities)


def test_a_capital_used_for_its_government_is_a_place() -> None:
    article = analyse("“Minsk wants to show strength before the meeting,” Markus Lindqvist says.")
    assert any(e.name == "Minsk" and e.type == "GPE" for e in article.entities)


def test_a_prefixed_name_is_an_adjective_not_a_mention() -> None:
    article = analyse("The pro-Beijing camp won six seats in Hong Kong, Olena Markiv said.")
    assert not any(m.text == "Beijing" for e in article.entities for m in e.mentions)
    assert any(e.name == "Hong Kong" and e.type == "GPE" for e in article.entities)


@pytest.mark.parametrize(
    "text", ["", "   \n\n  ", "Minsk", "the of on for", "- - -", "A" * 5000, "Ministry of"]
)
def test_odd_inputs_do_not_break_the_stage(text: str) -> None:
    article = analyse(text)
    for e in article.entities:
        for m in e.mentions:
            assert article.text[m.start : m.end] == m.text


def test_names_in_a_results_table_are_teams() -> None:
    article = analyse("Results of matches on Saturday:\nFulham 1 Carlisle 0\nPort Vale 4 1 2 1 4 4 5\n")
    types = {e.name: e.type for e in article.entities}
    assert types.get("Fulham") == "ORG" and types.get("Carlisle") == "ORG" and types.get("Port Vale") == "ORG"


def test_names_are_cut_at_figures_brackets_and_line_ends() -> None:
    article = analyse(
        "Surrey 468 ( Taras Hnatyuk 94 , Olena Markiv 70 ) .\nImage: Mykola Koval.\nKoval said so."
    )
    texts = {m.text for e in article.entities for m in e.mentions}
    assert not any(any(c.isdigit() for c in t) or "\n" in t or "(" in t for t in texts)
    assert "Image" not in texts  # a label before a colon, not a person
    assert {"Olena Markiv", "Mykola Koval"} <= texts


def test_an_abbreviation_with_dots_is_a_name() -> None:
    article = analyse("Citing privacy rules, U.S. officials have not said why the team was turned away.")
    assert any(e.name == "U.S." and e.type == "GPE" for e in article.entities)


def test_a_name_the_model_cut_in_two_is_joined() -> None:
    article = analyse("Valeska Paris, a former member, was born in Switzerland. Paris says she left.")
    person = entity_named(article, "Valeska Paris")
    assert person is not None and person.type == "PERSON"
    assert [m.text for m in person.mentions] == ["Valeska Paris", "Paris"]


def types(article: Article) -> dict[str, str]:
    """Every mention's text and its entity's type."""
    return {m.text: e.type for e in article.entities for m in e.mentions}


def test_names_in_a_headline_and_a_dateline_in_capitals() -> None:
    article = analyse(
        "LITHUANIA WATCHES DRILLS NEAR VITEBSK\nMINSK 2023-03-05\n"
        "Border guard Ieva Kairyte said the drills near Vitebsk were larger than last year. "
        "Analyst Tomas Vaitkus said the watch would go on."
    )
    found = types(article)
    assert found["LITHUANIA"] == "GPE"
    assert found["MINSK"] == "GPE"
    assert found["VITEBSK"] == found["Vitebsk"] == "GPE"
    assert "WATCHES" not in found and "DRILLS" not in found  # words of the headline, not names


def test_a_standings_row_in_capitals_names_a_team() -> None:
    article = analyse("HOCKEY TABLE\nCHICAGO 41 22 .651 -\nBOSTON 38 25 .603 3\n")
    found = types(article)
    assert found["CHICAGO"] == found["BOSTON"] == "ORG"


def test_a_word_the_article_writes_in_lower_case_is_no_name_in_capitals() -> None:
    article = analyse("A NICE DAY FOR THE MARKET\nTraders said it was a nice day, with prices up in Kyiv.")
    assert "NICE" not in types(article)


@pytest.mark.parametrize(
    "text",
    [
        "Shelling hit the town of Smilavichy on Monday, officials in Minsk said.",
        "Smilavichy, east of Minsk, lost power. Repairs in Smilavichy began on Tuesday.",
    ],
)
def test_a_name_the_article_places_is_a_place(text: str) -> None:
    found = types(analyse(text))
    assert found.get("Smilavichy", "GPE") == "GPE"


def test_one_name_relabelled_is_one_entity() -> None:
    article = analyse(
        "The Vilnius Institute of Eastern Studies published a report on Monday. Its director, Tomas "
        "Vaitkus, said Oxfam had helped. Oxfam staff visited Polotsk in May, and Vaitkus thanked Oxfam."
    )
    assert len([e for e in article.entities if e.name == "Oxfam" and e.type == "ORG"]) == 1
