"""The speed-ups that must not change what the stages find: the date grammar's word prefilter and the
per-Doc caches of `Doc.text`, `Doc.ents` and `Doc.sents`.

The sentences here are written for these tests: the people are invented, the places are real.
"""

from __future__ import annotations

import gc
import re
import weakref
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph import nlp as nlp_module
from newsgraph.analyze import timex

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    """The bundled examples and the claims test articles: real-sized news texts."""
    files = sorted((ROOT / "src" / "newsgraph" / "examples").glob("*.txt"))
    files += sorted((ROOT / "tests" / "data" / "claims").glob("*.txt"))
    return [f.read_text(encoding="utf-8") for f in files]


def _found(text: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.rule) for f in timex.scan(text)]


def _scan_both(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    filtered = _found(text)
    saved = timex._NEEDS_CASED
    timex._NEEDS_CASED = {}
    try:
        return filtered, _found(text)
    finally:
        timex._NEEDS_CASED = saved


def test_every_rule_with_words_names_only_rules_that_exist() -> None:
    names = {rule.name for rule in timex.RULES}
    assert set(timex._NEEDS) <= names
    assert all(groups and all(group for group in groups) for groups in timex._NEEDS.values())


def test_every_match_holds_the_words_its_rule_needs() -> None:
    # The prefilter is only sound if no match can do without its words: check every match of every
    # rule over real articles and over sentences made to hit each rule.
    made = (
        "On Monday, June 5, 2023 at 10:30 a.m. the talks resumed; last week, two days ago, this year, "
        "the next day, that same day, the day before, in the coming weeks, in the near term, Q3 2021, "
        "the third quarter of 2022, the first half of 2021, the 1990s, the twenties, the 21st century, "
        "this century, year-end, the end of 2024, for the full year, in spring 2020, nineteen ninety-six, "
        "the year two thousand, Christmas Eve 2021, New Year's Day, Good Friday, the week of May 3, "
        "over the weekend, the end of the month, now, currently, recently, 2022-06-21 and 6/21/22, "
        "Tues. evening, Sept. 4, 4 Sept 2020, at 22:15 Kyiv time, noon, midnight, this morning."
    )
    for text in [*_texts(), made]:
        for rule in timex.RULES:
            for m in rule.pattern.finditer(text):
                written, lower = m.group(0), m.group(0).lower()
                for group in timex._NEEDS_CASED.get(rule.name, ()):
                    assert any(w in (written if cased else lower) for w, cased in group), (rule.name, written)


def test_the_prefilter_finds_what_every_rule_finds_in_real_articles() -> None:
    for text in _texts():
        filtered, every_rule = _scan_both(text)
        assert filtered == every_rule


def test_the_prefilter_skips_rules_without_their_words(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    real = timex.RULES

    class Spy:
        def __init__(self, rule: timex.Rule) -> None:
            self.rule = rule

        def __getattr__(self, name: str) -> Any:
            if name == "pattern":
                ran.append(self.rule.name)
            return getattr(self.rule, name)

    monkeypatch.setattr(timex, "RULES", tuple(Spy(r) for r in real))
    assert _found("The council met in Vitebsk.") == []
    assert "quarter" not in ran and "holiday" not in ran and "weekday" not in ran
    assert "year" in ran  # a rule without words always runs


def test_letters_that_fold_to_ascii_turn_the_prefilter_off() -> None:
    # IGNORECASE matches the long s to "s" and the dotless i to "i", but `str.lower` keeps them:
    # the word test would miss "laſt week" and "thıs year", so every rule runs on such a text.
    for text in ("Prices rose la\u017ft week in Gomel.", "Olena Marchuk said th\u0131s year was hard.", ""):
        filtered, every_rule = _scan_both(text)
        assert filtered == every_rule
    assert _found("Prices rose la\u017ft week in Gomel.") != []


# Words that trip the rules' word tests, their look-alikes in other cases, and the letters that fold.
VOCABULARY = [
    "last", "next", "this", "week", "weekend", "May", "MAY", "may", "Sept.", "sept", "Tues.", "tues",
    "Monday", "quarter", "Q2", "q2", "2021", "'90s", "twenties", "ago", "day", "the", "end", "of", "year",
    "Christmas", "christmas", "spring", "nineteen", "ninety", "now", "a.m.", "10", ":", "30", ",", "-",
    "/", "\u017f", "\u0131", "\u212a", "\n", "later",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=14).map(" ".join))
def test_the_prefilter_never_changes_what_scan_finds(text: str) -> None:
    filtered, every_rule = _scan_both(text)
    assert filtered == every_rule


def _plain(rule: timex.Rule) -> re.Pattern[str]:
    return re.compile(timex.PLAIN_PATTERNS[rule.pattern.pattern], re.IGNORECASE)


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def test_the_first_character_guard_keeps_every_match_of_every_rule() -> None:
    # Every rule got a guard, and with or without it a rule matches the same spans and groups,
    # including at letters that IGNORECASE folds (the Kelvin sign is a "k", the long s an "s").
    odd = (
        "THE 5TH OF MAY, \u212aharkiv la\u017ft week, th\u0131s year, \u0130n May, "
        "2\u20133 June 2021 at 7:30 PM"
    )
    for rule in timex.RULES:
        assert rule.pattern.pattern.startswith("(?=["), rule.name
        plain = _plain(rule)
        for text in [*_texts(), odd]:
            assert _matches(rule.pattern, text) == _matches(plain, text), rule.name


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=14).map(" ".join))
def test_the_guard_never_changes_a_match(text: str) -> None:
    for rule in timex.RULES:
        assert _matches(rule.pattern, text) == _matches(_plain(rule), text), rule.name


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        (r"(?<!\w)(?:the|a)\s+day", {"t", "a"}),
        (r"\b(?:[0-2]\d|noon)", {"0-2", "n"}),
        (r"(?:early\s+)?(?-i:May)", {"e", "M"}),
        (r"(?:\s|x)?\d", {r"\s", "x", r"\d"}),
        (r"(?:the\s+)?", None),  # a match can be empty: no guard
        (r"[^a]bc", None),  # a negated set: not told
        (r".x", None),
        (r"(a)\1", {"a"}),
        ("", None),
    ],
)
def test_first_characters(pattern: str, first: set[str] | None) -> None:
    assert timex._first_characters(pattern) == first


def test_scan_of_a_huge_text_and_of_an_empty_one() -> None:
    assert timex.scan("") == []
    huge = "Olena Marchuk arrived in Brest on Monday. " * 5000
    found = timex.scan(huge)
    assert len(found) == 5000 and {f.rule for f in found} == {"weekday"}


# --- the per-Doc caches ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp() -> Any:
    return nlp_module.load()


def test_the_caches_give_what_the_doc_gives(nlp: Any) -> None:
    doc = nlp("Olena Marchuk met the mayor of Brest on Monday. They spoke about the bridge.")
    assert nlp_module.text_of(doc) == doc.text
    assert nlp_module.text_of(doc) is nlp_module.text_of(doc)
    assert [(e.start, e.end, e.label_) for e in nlp_module.ents_of(doc)] == [
        (e.start, e.end, e.label_) for e in doc.ents
    ]
    assert [(s.start, s.end) for s in nlp_module.sents_of(doc)] == [(s.start, s.end) for s in doc.sents]
    assert len(nlp_module.sents_of(doc)) == 2


def test_the_caches_hold_each_doc_apart_and_let_it_go(nlp: Any) -> None:
    one, two = nlp("Taras Levchenko spoke in Lviv."), nlp("")
    assert nlp_module.text_of(one) == "Taras Levchenko spoke in Lviv."
    assert [e.text for e in nlp_module.ents_of(one)] == [e.text for e in one.ents]
    assert nlp_module.text_of(two) == "" and nlp_module.ents_of(two) == () and nlp_module.sents_of(two) == ()
    assert nlp_module.ents_of(one)[0].doc is one
    texts = len(nlp_module._TEXTS)
    gone, gone_too = weakref.ref(one), weakref.ref(two)
    del one, two
    # Entities and sentences hold their Doc: it stays only until a few other Docs pass.
    for n in range(nlp_module._RECENT):
        other = nlp(f"Meeting number {n} was held in Brest.")
        nlp_module.ents_of(other), nlp_module.sents_of(other)
    del other
    gc.collect()
    assert gone() is None and gone_too() is None
    assert len(nlp_module._TEXTS) <= texts - 2  # their texts went with them
    assert len(nlp_module._ENTS) == len(nlp_module._SENTS) == nlp_module._RECENT


def test_a_toponyms_key_is_built_once_and_a_replaced_one_gets_its_own() -> None:
    from dataclasses import replace

    from newsgraph.analyze.places import Toponym

    t = Toponym(0, 9, "Vitebsk's", "GPE", 1)
    assert t.key == "vitebsk" and t.key is t.key
    other = replace(t, text="US", end=2)
    assert other.key == "us!" and t.key == "vitebsk"
    assert replace(t, cue="region").key == "vitebsk /region"
