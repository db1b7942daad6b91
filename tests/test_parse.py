"""The parse stage: spaCy's tokens, except over runs without a space too long to be words."""

from __future__ import annotations

import time

import pytest

from newsgraph import analyze
from newsgraph.nlp import load
from newsgraph.parse import LONG_RUN, make_doc


@pytest.mark.parametrize(
    "text",
    [
        "Olena Kravets said on Monday that the bridge in Lviv would reopen.",
        '"' * 2000,
        "He wrote " + "x" * (LONG_RUN + 1) + " and left.\n\n" + '"' * LONG_RUN + " end",
        "   " + "y" * (3 * LONG_RUN + 7) + "   ",
        "\n\n" + "q" * LONG_RUN,
        "w" * (LONG_RUN - 1),
        "",
    ],
)
def test_the_doc_keeps_the_text_exactly(text: str) -> None:
    doc = make_doc(load(), text)
    assert doc.text == text
    assert all(len(t.text) <= max(LONG_RUN, 1) or t.is_space for t in doc if not t.is_space)


def test_ordinary_text_is_tokenized_by_spacy_alone() -> None:
    nlp = load()
    text = 'Taras Boyko said: "The water will fall by Friday," in Lviv.'
    assert [t.text for t in make_doc(nlp, text)] == [t.text for t in nlp.make_doc(text)]


def test_a_wall_of_marks_is_analysed_in_seconds_not_minutes() -> None:
    # spaCy's tokenizer alone took three minutes on this (quadratic in the run's length).
    started = time.monotonic()
    article = analyze('Olena Kravets said in Lviv: "' + '"' * 20_000 + '" on Monday.')
    assert time.monotonic() - started < 60  # a hang guard, not a speed figure: it takes about 1 s
    assert article.error is None
    assert [e.name for e in article.entities if e.type == "PERSON"] == ["Olena Kravets"]
