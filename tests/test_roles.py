"""Roles read from how the article introduces a person."""

from __future__ import annotations

import pytest

from newsgraph.analyze.roles import country_of_demonym
from newsgraph.article import Article
from newsgraph.pipeline import Pipeline


def roles_of(text: str, name: str) -> list[tuple[str, str | None]]:
    article = Pipeline.build(["parse", "entities", "roles"], on_error="raise")(
        Article.from_raw(text, as_is=True)
    )
    entity = next(e for e in article.entities if e.name == name)
    return [(r.role, r.of) for r in entity.roles]


def test_premodifier_role() -> None:
    assert ("military analyst", None) in roles_of(
        "The exercises are a show, military analyst Taras Hnatyuk said on Monday.", "Taras Hnatyuk"
    )


def test_premodifier_role_with_a_country() -> None:
    assert ("opposition politician", "Belarus") in roles_of(
        "Belarusian opposition politician Pavel Darashenka says the border is calm.", "Pavel Darashenka"
    )


def test_appositive_role_with_its_organisation() -> None:
    assert ("spokeswoman", "State Border Guard Service") in roles_of(
        "“We are ready,” said Ieva Kairyte, spokeswoman for the State Border Guard Service.", "Ieva Kairyte"
    )


def test_a_relative_clause_after_the_organisation_is_not_part_of_it() -> None:
    text = (
        '"The night shifts mean more ships can leave Odesa," said Olexandr Gritsenko, an analyst at '
        "the Eastern Grid Institute who studies the port's power supply."
    )
    assert roles_of(text, "Olexandr Gritsenko") == [("analyst", "Eastern Grid Institute")]


def test_a_first_name_is_not_a_role() -> None:
    roles = roles_of(
        "Oksana Lytvyn lives in Lviv. Oksana Lytvyn believes that the war will go on.", "Oksana Lytvyn"
    )
    assert all(r != "Oksana" for r, _ in roles)


@pytest.mark.parametrize(
    ("demonym", "country"),
    [("Belarusian", "Belarus"), ("Russian", "Russia"), ("Ukrainian", "Ukraine"), ("Polish", "Poland"),
     ("French", "France"), ("Lithuanian", "Lithuania"), ("Saudi", "Saudi Arabia"),
     ("Emirati", "United Arab Emirates")],
)  # fmt: skip
def test_demonyms(demonym: str, country: str) -> None:
    assert country_of_demonym(demonym) == country


@pytest.mark.parametrize("country", ["Pakistan", "Japan", "Belarus", "Russia"])
def test_a_country_name_is_no_demonym(country: str) -> None:
    assert country_of_demonym(country) is None


def described(text: str) -> dict[str, list[str]]:
    """{person: [descriptions tied to them]} after the roles and descriptions stages."""
    article = Pipeline.build(["parse", "entities", "roles", "descriptions"], on_error="raise")(
        Article.from_raw(text, as_is=True)
    )
    for e in article.entities:
        for d in e.descriptions:
            assert article.text[d.start : d.end] == d.text
    return {e.name: [d.text for d in e.descriptions] for e in article.entities if e.type == "PERSON"}


TWO_LEADERS = (
    "Ivan Sokolov will travel to Grodno, where he will meet the self-proclaimed president of Belarus, "
    "Pavel Darashenka. Sokolov wants troops. The Belarusian dictator promises but does nothing. "
    "Sokolov spoke again on Monday. The Russian president was angry, and the self-proclaimed leader "
    "stayed silent."
)


def test_descriptions_go_to_the_person_the_article_ties_them_to() -> None:
    found = described(TWO_LEADERS)
    assert "The Belarusian dictator" in found["Pavel Darashenka"]
    assert "the self-proclaimed leader" in found["Pavel Darashenka"]
    assert "The Russian president" in found["Ivan Sokolov"]
    assert "the self-proclaimed president of Belarus" in found["Pavel Darashenka"]


def test_a_description_is_not_a_name_mention() -> None:
    article = Pipeline.build(["parse", "entities", "roles", "descriptions"], on_error="raise")(
        Article.from_raw(TWO_LEADERS, as_is=True)
    )
    mentions = {m.text for e in article.entities for m in e.mentions}
    assert not any("dictator" in m or "president" in m for m in mentions)


def test_a_role_match_resolves_the_spokesman() -> None:
    found = described(
        "“We are ready,” said Ieva Kairyte, spokeswoman for the State Border Guard Service. Tomas Zukas, "
        "a farmer, disagreed. Zukas left. The spokeswoman added that the queue was shorter."
    )
    assert found["Ieva Kairyte"] == ["The spokeswoman"]
    assert found["Tomas Zukas"] == []


def test_an_ambiguous_description_stays_unresolved() -> None:
    found = described("Anna Koval met Mykola Petrenko in Lviv. The official said nothing.")
    assert all(ds == [] for ds in found.values())


def test_entity_described_finds_the_person_behind_a_description() -> None:
    from newsgraph.analyze.entities import entity_described

    article = Pipeline.build(["parse", "entities", "roles", "descriptions"], on_error="raise")(
        Article.from_raw(TWO_LEADERS, as_is=True)
    )
    at = TWO_LEADERS.index("The Belarusian dictator")
    found = entity_described(article, at, at + len("The Belarusian dictator"))
    assert found is not None and found.name == "Pavel Darashenka"
    assert entity_described(article, 0, 4) is None


@pytest.mark.parametrize("text", ["", "The president.", "the the the", "The spokesman said. " * 200])
def test_descriptions_without_people_are_left_alone(text: str) -> None:
    assert all(ds == [] for ds in described(text).values())
