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


def test_a_first_name_is_not_a_role() -> None:
    roles = roles_of(
        "Oksana Lytvyn lives in Lviv. Oksana Lytvyn believes that the war will go on.", "Oksana Lytvyn"
    )
    assert all(r != "Oksana" for r, _ in roles)


@pytest.mark.parametrize(
    ("demonym", "country"),
    [("Belarusian", "Belarus"), ("Russian", "Russia"), ("Ukrainian", "Ukraine"), ("Polish", "Poland"),
     ("French", "France"), ("Lithuanian", "Lithuania")],
)  # fmt: skip
def test_demonyms(demonym: str, country: str) -> None:
    assert country_of_demonym(demonym) == country


@pytest.mark.parametrize("country", ["Pakistan", "Japan", "Belarus", "Russia"])
def test_a_country_name_is_no_demonym(country: str) -> None:
    assert country_of_demonym(country) is None
