"""The Python API: keywords and settings combine, neither undoes the other."""

from __future__ import annotations

from newsgraph import Settings, analyze

TEXT = "Repair crews restored electricity to most districts of Kharkiv, said Viktor Lysenko on Friday."


def test_analyze_keeps_what_its_settings_say() -> None:
    article = analyze(TEXT, settings=Settings(published="2022-11-18", as_is=True))
    assert article.published == "2022-11-18"
    assert article.text == TEXT


def test_analyze_keywords_add_to_the_settings() -> None:
    article = analyze(TEXT, published="2022-11-18", settings=Settings())
    assert article.published == "2022-11-18"
    assert any(d.value == "2022-11-18" for d in article.dates)  # "on Friday" anchored on the date
