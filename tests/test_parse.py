"""The parse stage: spaCy's tokens, except over runs without a space too long to be words."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsgraph import analyze
from newsgraph.nlp import (
    SENTENCE_COMPONENT,
    keep_titles,
    load,
    model_name,
    ruler_match,
    split_glued_quotes,
    text_of,
)
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


@pytest.mark.parametrize(
    "text",
    [
        "\u00a0\u00a0Two\u202fspaces\u3000and " + "z" * (LONG_RUN + 2) + "\u00a0end\u2009.",
        "Koval, Bondar said,\u00a0has opened a depot in\u2009Lviv.",
        "\u202a”Sorry,\u200b Koval!”\ufeff posted Bondar.",
    ],
)
def test_other_spaces_are_read_as_spaces_and_the_text_is_kept(text: str) -> None:
    doc = make_doc(load(), text)
    assert text_of(doc) == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc if not t.is_space)


def test_a_no_break_space_is_no_token_of_its_own() -> None:
    # spaCy made "\u00a0" a token, which cut "Bondar said," off from its clause.
    doc = make_doc(load(), "Koval, Bondar said,\u00a0has opened a depot in\u2009Lviv.")
    assert [t.text for t in doc] == [
        "Koval",
        ",",
        "Bondar",
        "said",
        ",",
        "has",
        "opened",
        "a",
        "depot",
        "in",
        "Lviv",
        ".",
    ]


def test_invisible_marks_are_read_as_spaces_but_not_those_inside_a_word() -> None:
    # a bidi mark glued "\u202a”Sorry" into one token; a soft hyphen or a joiner belongs to its word
    doc = make_doc(load(), "\u202a”Sorry, Koval!” posted Bon\u00addar in Lviv\u200d.")
    assert [t.text for t in doc if not t.is_space][:3] == ["”", "Sorry", ","]
    assert "Bon\u00addar" in [t.text for t in doc]


@pytest.mark.parametrize("glued", [",“", ":“", ',"', ";«"])
def test_a_quotation_mark_glued_to_the_punctuation_before_it_is_a_token_of_its_own(glued: str) -> None:
    text = f"Lytvyn said{glued}Look, the tram in Lviv runs again."
    words = [t.text for t in make_doc(load(), text)]
    assert words[:4] == ["Lytvyn", "said", glued[0], glued[1]] and words[4] == "Look"


def test_ordinary_text_is_tokenized_by_spacy_alone() -> None:
    nlp = load()
    text = 'Taras Boyko said: "The water will fall by Friday," in Lviv.'
    assert [t.text for t in make_doc(nlp, text)] == [t.text for t in nlp.make_doc(text)]


def test_a_military_title_keeps_its_full_stop_and_its_sentence() -> None:
    # spaCy's tokenizer splits "Lt." into "Lt" "." and its parser then ends the sentence there.
    nlp = load()
    doc = nlp("The convoy was led by Lt. Col. Andriy Dovzhenko of the 47th Brigade. It reached Kupiansk.")
    assert [s.text for s in doc.sents] == [
        "The convoy was led by Lt. Col. Andriy Dovzhenko of the 47th Brigade.",
        "It reached Kupiansk.",
    ]
    assert "Lt." in [t.text for t in doc] and "Col." in [t.text for t in doc]


def test_a_sentence_starts_after_every_line_break() -> None:
    # A line without a full stop (a heading, a caption) ran on into the paragraph after it, whose
    # subject the parser then hung on the line's last noun.
    nlp = load()
    line = "Exports fell, said Ivan Melnyk, head of the Odesa Grain Association"
    text = f"{line}\n\nKoval said the ships would return."
    koval = next(t for t in nlp(text) if t.text == "Koval")
    assert koval.is_sent_start and koval.dep_ == "nsubj" and koval.head.text == "said"


def test_no_sentence_starts_after_a_title() -> None:
    # The parser can end a sentence after "Navy Capt." and leave the name a sentence of its own; a
    # component before it marks the token after a title as no sentence start, which it keeps.
    nlp = load()
    names = nlp.pipe_names
    assert names.index(SENTENCE_COMPONENT) == names.index("parser") - 1
    text = "“The ships are ready,” said Navy Capt. Mykola Tkach, who commands the port at Izmail."
    doc = nlp(text)
    mykola = next(t for t in doc if t.text == "Mykola")
    assert doc[mykola.i - 1].text == "Capt." and mykola.is_sent_start is False
    assert len(list(doc.sents)) == 1
    # Not after "Jr." or "Sr.", which end a name and may end a sentence.
    doc = nlp("The case went to Petro Tkach Sr. He lost it.")
    assert next(t for t in doc if t.text == "He").is_sent_start


def test_a_wall_of_marks_is_analysed_in_seconds_not_minutes() -> None:
    # spaCy's tokenizer alone took three minutes on this (quadratic in the run's length).
    started = time.monotonic()
    article = analyze('Olena Kravets said in Lviv: "' + '"' * 20_000 + '" on Monday.')
    assert time.monotonic() - started < 60  # a hang guard, not a speed figure: it takes about 1 s
    assert article.error is None
    assert [e.name for e in article.entities if e.type == "PERSON"] == ["Olena Kravets"]


# --- the attribute ruler and the lemmatizer made fast (newsgraph.nlp.speed_up) ----------------------

CHECKED = (
    "ORTH",
    "TAG",
    "POS",
    "MORPH",
    "LEMMA",
    "DEP",
    "HEAD",
    "ENT_IOB",
    "ENT_TYPE",
    "SENT_START",
)  # fmt: skip


def _texts() -> list[str]:
    """Our own articles (examples, claims and cleaning fixtures) and words the ruler's rarer patterns
    and the lemmatizer's exceptions are about."""
    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "src" / "newsgraph" / "examples").glob("*.txt"))
    files += sorted((root / "tests" / "data" / "claims").glob("*.txt"))
    files += sorted((root / "tests" / "data" / "cleaning").glob("*.dirty.txt"))
    odd = (
        "Y'all ain't gonna get it, c'mon, let's go. I gotta say it: you ain't seen nothing. There is a "
        "man who gets it and got it.  \n\n  \t Do you? It did. Those were the days; that is all.\n"
    )
    return [f.read_text(encoding="utf-8") for f in files] + [odd, "", " ", "\n\n"]


def test_the_fast_ruler_and_lemmatizer_give_what_spacy_gives() -> None:
    import spacy

    ours = load()
    stock = spacy.load(model_name())
    keep_titles(stock)  # the same tokens and sentence marks before the parser: only speed differs
    split_glued_quotes(stock)
    assert ours.get_pipe("attribute_ruler").match is not type(ours.get_pipe("attribute_ruler")).match
    texts = _texts()
    for mine, theirs in zip(ours.pipe(texts), stock.pipe(texts), strict=True):
        assert (mine.to_array(list(CHECKED)) == theirs.to_array(list(CHECKED))).all(), mine.text[:60]
        assert [(t.lemma_, str(t.morph), t.pos_) for t in mine] == [
            (t.lemma_, str(t.morph), t.pos_) for t in theirs
        ]


def test_the_fast_ruler_finds_the_matches_spacy_finds_without_a_parse() -> None:
    # Without the parser, patterns on DEP see an empty label, as spaCy's Matcher does.
    nlp = load()
    ruler = nlp.get_pipe("attribute_ruler")
    fast = ruler_match(ruler)
    assert fast is not None
    with nlp.select_pipes(disable=["parser", "attribute_ruler", "lemmatizer", "ner"]):
        docs = list(nlp.pipe(_texts()))
    for doc in docs:
        assert fast(doc) == type(ruler).match(ruler, doc)
