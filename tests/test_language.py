"""Language identification, and English-only stages passing other languages by untouched."""

from __future__ import annotations

from newsgraph.api import analyze
from newsgraph.language import identify

UKRAINIAN = (
    "Ремонтні бригади відновили електропостачання в більшості районів Харкова. "
    "Голова міської енергетичної компанії Віктор Лисенко сказав, що світло повернулося."
)
ENGLISH = "Repair crews restored electricity to most districts of Kharkiv, said Viktor Lysenko on Friday."


def test_identifies_languages() -> None:
    assert identify(ENGLISH) is not None and identify(ENGLISH)[0] == "en"  # type: ignore[index]
    found = identify(UKRAINIAN)
    assert found is not None and found[0] == "uk" and found[1] > 0.9


def test_too_little_text_is_not_guessed() -> None:
    assert identify("OK") is None
    assert identify("") is None


def test_a_non_english_article_is_kept_marked_and_not_mangled() -> None:
    article = analyze(UKRAINIAN)
    assert article.error is None
    assert article.language == "uk"
    assert article.text == UKRAINIAN
    assert article.stages == ["clean.v2", "language.v1"]  # the English-only stages passed it by
    assert article.entities == [] and article.quotes == []


def test_an_english_article_goes_through_every_stage() -> None:
    article = analyze(ENGLISH, published="2022-11-18")
    assert article.language == "en"
    assert "quotes.v11" in article.stages
    assert any(e.name == "Viktor Lysenko" for e in article.entities)


def test_an_unsure_guess_keeps_the_stages_running() -> None:
    # A results table: names and numbers, no prose. Whatever the identifier guesses, the article
    # must not lose its English analysis to a low-probability guess.
    table = "ATHLETICS - RESULTS . BERLIN 1996-08-30\n" + "\n".join(
        f"{i}. Kipkorir Tergat ( Kenya ) 13:0{i}.2{i}" for i in range(1, 9)
    )
    article = analyze(table, as_is=True)
    assert article.language in (None, "en") or "entities.v6" in article.stages
