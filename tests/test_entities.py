"""Entities merged within an article, and the transliteration-aware name comparison."""

from __future__ import annotations

import pytest

from newsgraph.analyze.entities import entity_at, entity_named
from newsgraph.analyze.names import same_name, translit_key
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


def test_two_people_sharing_a_surname_stay_apart() -> None:
    article = analyse("Anna Koval and Mykola Koval both run farms near Poltava. Anna Koval sells grain.")
    names = sorted(e.name for e in article.entities if e.type == "PERSON")
    assert names == ["Anna Koval", "Mykola Koval"]


def test_ids_follow_first_mention_and_mentions_point_into_the_text() -> None:
    article = analyse("Olena Markiv runs the port of Odesa. The Ministry of Infrastructure backs Markiv.")
    assert [e.id for e in article.entities] == [f"e{i}" for i in range(1, len(article.entities) + 1)]
    for e in article.entities:
        assert e.stage == "entities.v1"
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
