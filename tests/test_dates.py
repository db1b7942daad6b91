"""The dates stage: date expressions found and given TIMEX3-style values anchored on publication.

The sentences here are written for these tests: the people are invented, the places are real.
Unless a case says otherwise the article was published on Tuesday 2022-06-21.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED, scores
from newsgraph import nlp as nlp_module
from newsgraph.analyze import timex
from newsgraph.analyze.dates import STAGE_ID, extract_dates, find_dates
from newsgraph.article import Article, DateMention
from newsgraph.pipeline import Pipeline, get_stage

TBAQ = SHARED / "datasets" / "time" / "tbaq"
PUBLISHED = "2022-06-21"
# What a value may look like: a (possibly year-less) date, time, week, month, quarter, half,
# season, year, decade, century, or a PAST/PRESENT/FUTURE reference.
TIMEX_VALUE = re.compile(
    r"(?:[\dX]{4}-[\dX]{2}-[\dX]{2}(?:T(?:\d\d:\d\d|MO|AF|EV|NI))?|\d{4}-W\d\d(?:-WE)?|[\dX]{4}-[\dX]{2}"
    r"|\d{4}-[QH]\d|\d{4}-(?:SP|SU|FA|WI)|\d{2,4}|(?:PAST|PRESENT|FUTURE)_REF)"
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    return nlp_module.load()


def dates_in(nlp: Any, text: str, published: str | None = PUBLISHED) -> list[DateMention]:
    article = Article.from_raw(text, published=published, as_is=True)
    article.doc = nlp(text)
    result = extract_dates(article)
    assert isinstance(result, Article)
    return result.dates


def only(dates: list[DateMention], text: str) -> DateMention:
    found = [d for d in dates if d.text == text]
    assert len(found) == 1, f"expected one mention {text!r}, got {[(d.text, d.value) for d in dates]}"
    return found[0]


def test_stage_declares_what_it_needs_and_gives() -> None:
    s = get_stage("dates")
    assert s.id == STAGE_ID == "dates.v2"
    assert s.requires == ("doc",)
    assert s.assigns == ("dates",)
    assert "ner" in s.components


# --------------------------------------------------------------------------- values and relations

CASES = [
    # text, published, mention, value, end_value, relation
    ("The forum in Grodno will be held on June 30 and July 1.", PUBLISHED,
     "June 30 and July 1", "2022-06-30", "2022-07-01", "on"),
    ("The exercises near Brest were extended until June 25.", PUBLISHED,
     "June 25", "2022-06-25", None, "until"),
    ("Belarus has been holding exercises near Gomel since the beginning of June.", PUBLISHED,
     "the beginning of June", "2022-06", None, "since"),
    # A bare month-day is the nearest plausible date, and the past tense keeps it in the past.
    ("After February 24, troops in Mozyr were put on high alert.", PUBLISHED,
     "February 24", "2022-02-24", None, "after"),
    ("Marta Kovalenko met the governor of Lviv last week.", PUBLISHED, "last week", "2022-W24", None, "on"),
    ("Ivan Petrenko arrived in Warsaw on Thursday.", PUBLISHED, "Thursday", "2022-06-16", None, "on"),
    ("Ivan Petrenko will arrive in Warsaw on Thursday.", PUBLISHED, "Thursday", "2022-06-23", None, "on"),
    ("The bridge in Odesa was built in 2014.", PUBLISHED, "2014", "2014", None, "on"),
    ("The port of Mykolaiv was shelled in May 2021.", PUBLISHED, "May 2021", "2021-05", None, "on"),
    ("Yesterday the mayor of Kharkiv visited the front.", PUBLISHED, "Yesterday", "2022-06-20", None, "on"),
    ("Two days ago Olena Savchuk was in Kyiv.", PUBLISHED, "Two days ago", "2022-06-19", None, "on"),
    ("The talks in Vilnius resume next month.", PUBLISHED, "next month", "2022-07", None, "on"),
    ("This year has been hard for Mariupol.", PUBLISHED, "This year", "2022", None, "on"),
    ("Today the council of Lutsk meets again.", PUBLISHED, "Today", "2022-06-21", None, "on"),
    ("The summit opens at 14:00 on Monday in Riga.", PUBLISHED,
     "14:00 on Monday", "2022-06-20T14:00", None, "on"),
    ("The conference in Tallinn runs on July 5-7.", PUBLISHED, "July 5-7", "2022-07-05", "2022-07-07", "on"),
    ("Petro Hnatiuk lived in Chernihiv between 1994 and 1997.", PUBLISHED,
     "1994 and 1997", "1994", "1997", "on"),
    ("Sanctions on Minsk have grown since the 1990s.", PUBLISHED, "the 1990s", "199", None, "since"),
    ("The ministry in Kyiv expects a deal by June 25, 2023.", PUBLISHED,
     "June 25, 2023", "2023-06-25", None, "until"),
    ("Talks in Geneva are planned around Christmas.", PUBLISHED, "Christmas", "2022-12-25", None, "around"),
    ("The Dnipro plant closed last summer.", PUBLISHED, "last summer", "2021-SU", None, "on"),
    # A deadline lies ahead even in the past tense, with a clock time before its day.
    ("The council in Sumy extended the deadline until 9 a.m. Tuesday.", "2022-06-20",
     "9 a.m. Tuesday", "2022-06-21T09:00", None, "until"),
    # Financial news: "a year earlier" is the same quarter a year before (TimeBank's convention).
    ("Zaporizhstal reported a third-quarter loss, against a profit a year earlier.", "1989-10-26",
     "a year earlier", "1988-Q3", None, "on"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "published", "mention", "value", "end_value", "relation"), CASES)
def test_date_is_found_and_valued(
    nlp: Any, text: str, published: str, mention: str, value: str, end_value: str | None, relation: str
) -> None:
    date = only(dates_in(nlp, text, published), mention)
    assert (date.value, date.end_value, date.relation) == (value, end_value, relation)
    assert date.stage == STAGE_ID


def test_dates_of_the_seed_kind_of_article(nlp: Any) -> None:
    text = (
        "Vladimir Putin will travel to Grodno, where he will meet the leaders of the Forum of the Regions, "
        "which will be held on June 30 and July 1. Belarus has been holding exercises since the beginning "
        "of June. Now these exercises have been extended until June 25. Recall that after February 24, "
        "Belarusian troops were put on high alert several times."
    )
    values = {d.text: (d.value, d.end_value, d.relation) for d in dates_in(nlp, text)}
    assert values["June 30 and July 1"] == ("2022-06-30", "2022-07-01", "on")
    assert values["the beginning of June"] == ("2022-06", None, "since")
    assert values["June 25"] == ("2022-06-25", None, "until")
    assert values["February 24"] == ("2022-02-24", None, "after")


def test_offsets_point_at_the_mention(nlp: Any) -> None:
    text = (
        "On Friday, Hanna Lysenko said the Sumy bridge reopens on July 4 at 9 a.m. "
        "after repairs that began in March."
    )
    dates = dates_in(nlp, text)
    assert dates
    for d in dates:
        assert text[d.start : d.end] == d.text
        assert d.value is None or TIMEX_VALUE.fullmatch(d.value), d.value


# --------------------------------------------------------------------------- words that are no dates


def test_no_date_from_may_we_march_or_now(nlp: Any) -> None:
    text = (
        "We may march on Minsk now, said Anna March. Theresa Mayhew may agree. "
        "The marchers said we can go now."
    )
    dates = dates_in(nlp, text)
    assert not [d for d in dates if d.text.lower() in ("may", "we", "march", "mayhew", "marchers")]
    # "now" is at most the present as such (TIMEX3 PRESENT_REF), never a calendar date.
    assert all(d.value == timex.PRESENT_REF for d in dates if d.text.lower() == "now")
    assert not [d for d in dates if d.value and d.value[:1].isdigit()]


@pytest.mark.parametrize(
    "text",
    [
        "The 52-year-old mayor of Poltava resigned.",
        "The battalion lost 1500 soldiers near Izium.",
        "Ministers meet quarterly in Warsaw.",
        "The talks lasted five years.",
        "Oksana Shevchuk watched High Noon in Lviv.",
    ],
)
def test_ages_counts_and_durations_are_no_dates(nlp: Any, text: str) -> None:
    assert [(d.text, d.value) for d in dates_in(nlp, text)] == []


# --------------------------------------------------------------------------- no publication date


def test_without_publication_date_relative_dates_have_no_value(nlp: Any) -> None:
    text = "Yesterday Oksana Bilyk left Rivne; she returns on June 30, as she did in 2014 and last week."
    values = {d.text: d.value for d in dates_in(nlp, text, published=None)}
    assert values["Yesterday"] is None
    assert values["last week"] is None
    assert values["June 30"] == "XXXX-06-30"  # the calendar date without its year
    assert values["2014"] == "2014"


# --------------------------------------------------------------------------- the normaliser alone


def value_of(text: str, published: dt.date | None, tense: timex.Tense | None = None) -> str | None:
    found = timex.scan(text)
    assert len(found) == 1, [f.text for f in found]
    return timex.resolve(found[0], timex.Context(published=published, tense=tense))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Thanksgiving", "2022-11-24"),
        ("last Thanksgiving", "2021-11-25"),
        ("last Friday", "2022-06-17"),
        ("next Monday", "2022-06-27"),
        ("the third quarter of 1984", "1984-Q3"),
        ("Q1 2023", "2023-Q1"),
        ("the first half of 2020", "2020-H1"),
        ("the 19th century", "18"),
        ("mid-1990s", "199"),
        ("nineteen ninety-six", "1996"),
        ("2022-06-30", "2022-06-30"),
        ("06/30/2022", "2022-06-30"),
        ("the 30th of June", "2022-06-30"),
        ("late last year", "2021"),
        ("last night", "2022-06-20TNI"),
        ("recently", "PAST_REF"),
        ("the near future", "FUTURE_REF"),
    ],
)
def test_normaliser_values(text: str, value: str) -> None:
    assert value_of(text, dt.date(2022, 6, 21)) == value


def test_tense_decides_the_year_of_a_bare_month() -> None:
    published = dt.date(2022, 6, 21)
    assert value_of("in September", published, "past") == "2021-09"
    assert value_of("in September", published, "future") == "2022-09"
    assert value_of("in May", published, None) == "2022-05"


@given(st.dates(min_value=dt.date(1600, 1, 1), max_value=dt.date(2099, 12, 31)), st.dates())
def test_full_dates_do_not_depend_on_the_anchor(day: dt.date, published: dt.date) -> None:
    text = f"{day:%B} {day.day}, {day.year}"
    assert value_of(text, published) == day.isoformat()


_WORDS = (
    "on", "in", "since", "until", "last", "next", "this", "the", "of", "and", "-", ",", "May", "may",
    "June", "Feb.", "Jan", "30", "31", "29", "2", "1989", "2022", "'90s", "1990s", "Monday", "Friday",
    "night", "week", "weekend", "month", "year", "quarter", "third", "third-quarter", "period", "a", "two",
    "days", "ago", "later", "before", "yesterday", "today", "now", "current", "recently", "future", "at",
    "14:00", "p.m.", "noon", "Christmas", "Easter", "spring", "fall", "early", "late", "mid-", "end",
    "beginning", "that", "day", "following", "Q3", "2/30/2022", "2022-02-30", "nineteen", "ninety-six",
    "century", "19th", "first", "half",
)  # fmt: skip


@given(
    st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join),
    st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))),
)
def test_any_mix_of_date_words_gives_spans_and_wellformed_values(
    text: str, published: dt.date | None
) -> None:
    for m in find_dates(text, None, published):
        assert 0 <= m.start < m.end <= len(text)
        for value in (m.value, m.end_value):
            assert value is None or TIMEX_VALUE.fullmatch(value), (text, value)


# --------------------------------------------------------------------------- the pipeline


def test_runs_in_a_built_pipeline() -> None:
    pipeline = Pipeline.build(["parse", "dates"], on_error="raise")
    article = pipeline(
        Article.from_raw("Lesia Marchuk flew to Kraków on March 3.", published=PUBLISHED, as_is=True)
    )
    assert [(d.text, d.value) for d in article.dates] == [("March 3", "2022-03-03")]
    assert article.stages == ["parse.v5", "dates.v2"]


# --------------------------------------------------------------------------- the quality gate


@pytest.mark.shared
def test_timebank_scores_do_not_fall() -> None:
    """The first 40 TimeBank documents through the command line, as the shared scorer runs it.

    Measured on this subset: te3_value_f 0.8842, te3_span_f 0.9558 (again 2026-12, dates.v1). The
    minimums sit a little below; raise them when the stage improves, never lower them quietly.
    """
    if not TBAQ.is_dir():
        pytest.skip(f"needs TBAQ at {TBAQ} and the scorers beside it; the shared folder is absent")
    metrics = scores(
        "score_time.py", "--dataset", "te3", "--te3", str(TBAQ), "--tml-dir", "TimeBank", limit=40
    )
    assert metrics["te3_value_f"] >= 0.88
    assert metrics["te3_span_f"] >= 0.95
