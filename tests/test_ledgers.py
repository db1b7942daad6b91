"""The ledgers across articles: claims by subject and place with disagreements between sources, and
predictions per speaker; in the store (SQLite and PostgreSQL), the CLI, the REST API and the pages.

The fixture articles are ours: fictional people, real places. Three sources count personnel in the
Gomel region within a week: "up to 4000" and "about 3500" are compatible, "9000" is not. Battalions
in the Brest region: "up to seven Belarusian battalions" and "more than seven battalions" are not;
"12 Russian battalions" counts something else. tests/data/ledgers/*.txt are the same story as text,
analysed for real by the pipeline.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsgraph.api import analyze_articles
from newsgraph.article import Article, DateMention
from newsgraph.cli import main
from newsgraph.errors import StoreError
from newsgraph.store import Filters, Page, Store, open_store
from newsgraph.store.ledgers import (
    ABOUT_TOLERANCE,
    Interval,
    LedgerRow,
    find_disagreements,
    interval,
    lemma,
    subject_key,
    window_days,
)
from test_store import (
    location,  # noqa: F401 - a fixture, parametrised over the backends
    record,
    span,
)

DATA = Path(__file__).parent / "data" / "ledgers"
GOMEL = ("Gomel Region", "Gomel region", "region", 628281, 52.5, 30.0, "BY")
BREST = ("Brest Region", "Brest region", "region", 629631, 52.53, 25.42, "BY")
MAZYR = ("Mazyr", "Mazyr", "city", 625324, 52.04, 29.22, "BY")
BELARUS = ("Belarus", "Belarus", "country", 630336, 53.0, 28.0, "BY")
INF = math.inf


def claim(text: str, cid: str, part: str, **fields: Any) -> dict[str, Any]:
    start, end = span(text, part)
    return {"id": cid, "text": part, "start": start, "end": end, **fields}


def prediction(text: str, pid: str, part: str, **fields: Any) -> dict[str, Any]:
    start, end = span(text, part)
    return {"id": pid, "text": part, "start": start, "end": end, **fields}


def command_article() -> Article:
    text = (
        "Colonel Petro Vasylenko of the Northern Operational Command said: “There are up to 4000 "
        "personnel in the Gomel region and up to seven Belarusian battalions in the Brest region. "
        "Five tanks stand in Mazyr.” Vasylenko said Belarus will not join the war."
    )
    return record(
        text,
        source="https://command.example.org/2023/06/10/border",
        published="2023-06-10",
        title="Command: up to 4000 personnel near the border",
        entities=[("e1", "Petro Vasylenko", "PERSON", ["Petro Vasylenko", "Vasylenko"], [])],
        quotes=[("q1", "“There are up to 4000 personnel", "direct", "e1", "Petro Vasylenko")],
        places=[GOMEL, BREST, MAZYR, BELARUS],
        claims=[
            claim(text, "c1", "up to 4000 personnel", value=4000, qualifier="up_to", unit="personnel",
                  subject="personnel", place=0, quote="q1", source_entity="e1"),
            claim(text, "c2", "up to seven Belarusian battalions", value=7, qualifier="up_to",
                  unit="battalion", subject="Belarusian battalions", place=1, source_entity="e1"),
            claim(text, "c3", "Five tanks", value=5, unit="tank", subject="tanks", place=2,
                  source_entity="e1"),
        ],
        predictions=[
            prediction(text, "p1", "Belarus will not join the war", speaker="e1", stance="unlikely",
                       about="Belarus join the war"),
        ],
    )  # fmt: skip


def analyst_article() -> Article:
    text = (
        "Military analyst Marta Levchenko counted about 3500 personnel in the Gomel region and 12 "
        "Russian battalions in the Brest region. Levchenko expects that Minsk will send troops only if "
        "Moscow insists."
    )
    return record(
        text,
        source="https://analysis.example.com/levchenko-count",
        published="2023-06-12",
        title="An analyst counts the forces",
        entities=[("e1", "Marta Levchenko", "PERSON", ["Marta Levchenko", "Levchenko"], [])],
        places=[GOMEL, BREST],
        claims=[
            claim(text, "c1", "about 3500 personnel", value=3500, qualifier="about", unit="personnel",
                  subject="personnel", place=0, source_entity="e1"),
            claim(text, "c2", "12 Russian battalions", value=12, unit="battalion",
                  subject="Russian battalions", place=1, source_entity="e1"),
        ],
        predictions=[
            prediction(text, "p1", "Minsk will send troops only if Moscow insists", speaker="e1",
                       stance="conditional", about="Minsk send troops"),
        ],
    )  # fmt: skip


def guard_article() -> Article:
    text = (
        "Ihor Tkachenko of the State Border Guard Service said there are 9000 personnel in the Gomel "
        "region and more than seven battalions in the Brest region."
    )
    return record(
        text,
        source="https://guard.example.net/news/build-up",
        published="2023-06-14",
        title="Border guard reports a build-up",
        entities=[("e1", "Ihor Tkachenko", "PERSON", ["Ihor Tkachenko", "Tkachenko"], [])],
        places=[GOMEL, BREST],
        claims=[
            claim(text, "c1", "9000 personnel", value=9000, unit="personnel", subject="personnel",
                  place=0, source_entity="e1"),
            claim(text, "c2", "more than seven battalions", value=7, qualifier="more_than",
                  unit="battalion", subject="battalions", place=1, source_entity="e1"),
        ],
    )  # fmt: skip


def same_source_article() -> Article:
    # Vasylenko again, spelled Vasilenko, four days on: his own figures never "disagree" with his own.
    text = "Petro Vasilenko said that 30 tanks stand in Mazyr. Vasilenko said Minsk will probably stay out."
    return record(
        text,
        source="https://command.example.org/2023/06/14/tanks",
        published="2023-06-14",
        title="Command: more tanks in Mazyr",
        entities=[("e1", "Petro Vasilenko", "PERSON", ["Petro Vasilenko", "Vasilenko"], [])],
        places=[MAZYR],
        claims=[
            claim(text, "c1", "30 tanks", value=30, unit="tank", subject="tanks", place=0,
                  source_entity="e1"),
        ],
        predictions=[
            prediction(text, "p1", "Minsk will probably stay out", speaker="e1", stance="likely",
                       about="Minsk stay out"),
        ],
    )  # fmt: skip


def late_article() -> Article:
    # The article itself is the source (no entity), seven weeks later: outside the default window.
    text = (
        "At least 20000 personnel were in the Gomel region in late July, and 3 to 5 battalions in the "
        "Brest region."
    )
    return record(
        text,
        source="https://late.example.org/july",
        published="2023-07-30",
        title="July: the build-up peaks",
        places=[GOMEL, BREST],
        claims=[
            claim(text, "c1", "At least 20000 personnel", value=20000, qualifier="at_least",
                  unit="personnel", subject="personnel", place=0),
            claim(text, "c2", "3 to 5 battalions", value=3, upper=5, unit="battalion",
                  subject="battalions", place=1),
        ],
    )  # fmt: skip


def fixture_articles() -> list[Article]:
    return [command_article(), analyst_article(), guard_article(), same_source_article(), late_article()]


@pytest.fixture
def store(location: str) -> Iterator[Store]:  # noqa: F811 - the backend fixture
    with open_store(location) as s:
        report = s.ingest(fixture_articles())
        assert report.stored == 5 and not report.failed
        yield s


def pairs(store: Store, **kwargs: Any) -> set[tuple[str, str, str, str]]:
    found = store.disagreements(Filters(**kwargs.pop("filters", {})), Page(limit=100), **kwargs)
    assert found.total == len(found.items)
    return {
        (d.subject_key, d.place_name or "", d.first.source_name, d.second.source_name) for d in found.items
    }


# -- intervals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "upper", "qualifier", "low", "high", "label"),
    [
        (4000, None, "up_to", 0, 4000, "[0, 4,000]"),
        (4000, None, "less_than", 0, 4000, "[0, 4,000)"),
        (40, None, "at_least", 40, None, "[40, inf)"),
        (7, None, "more_than", 7, None, "(7, inf)"),
        (3500, None, "about", 3500 * (1 - ABOUT_TOLERANCE), 3500 * (1 + ABOUT_TOLERANCE), "[2,800, 4,200]"),
        (9000, None, "exactly", 9000, 9000, "[9,000, 9,000]"),
        (9000, None, None, 9000, 9000, "[9,000, 9,000]"),
        (3, 5, None, 3, 5, "[3, 5]"),
        (3, 5, "up_to", 0, 5, "[0, 5]"),
        (3, 5, "about", 2.4, 6, "[2.4, 6]"),
        (-5, None, "up_to", -5, -5, "[-5, -5]"),
        (10, 2, None, 10, 10, "[10, 10]"),  # an upper bound below the value is ignored
    ],
)
def test_the_interval_of_each_qualifier(
    value: float, upper: float | None, qualifier: str | None, low: float, high: float | None, label: str
) -> None:
    got = interval(value, upper, qualifier)
    assert got is not None
    assert got.low == pytest.approx(low) and (
        got.high == pytest.approx(high) if high is not None else got.high is None
    )
    assert got.label() == label


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf])
def test_no_interval_without_a_finite_value(value: float | None) -> None:
    assert interval(value, None, "about") is None


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        (("up_to", 4000), ("about", 3500), True),  # the brief's example
        (("up_to", 4000), ("exactly", 9000), False),
        (("about", 3500), (None, 9000), False),
        (("up_to", 7), ("more_than", 7), False),  # touching, but 7 is not "more than 7"
        (("up_to", 7), ("at_least", 7), True),  # exactly 7 fits both
        (("less_than", 7), ("at_least", 7), False),
        (("at_least", 20000), ("at_least", 3), True),
        (("more_than", 100), ("less_than", 50), False),
        (("about", 100), ("about", 150), True),  # [80, 120] and [120, 180] touch at 120
        (("about", 100), ("about", 160), False),
    ],
)
def test_intervals_overlap_only_when_some_value_fits_both(
    a: tuple[str | None, float], b: tuple[str | None, float], compatible: bool
) -> None:
    first, second = interval(a[1], None, a[0]), interval(b[1], None, b[0])
    assert first is not None and second is not None
    assert first.overlaps(second) is compatible and second.overlaps(first) is compatible


def test_open_ends_are_exclusive() -> None:
    assert not Interval(low=0, high=5, high_open=True).overlaps(Interval(low=5, high=None))
    assert Interval(low=0, high=5).overlaps(Interval(low=5, high=5))


@pytest.mark.parametrize(
    ("word", "expected"),
    [("battalions", "battalion"), ("casualties", "casualty"), ("troops", "troop"), ("personnel", "personnel"),
     ("tanks", "tank"), ("servicemen", "serviceman"), ("vehicles", "vehicle"), ("Gas", "gas"),
     ("crosses", "cross")],
)  # fmt: skip
def test_lemma(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_subject_keys_take_the_unit_else_the_head_noun() -> None:
    assert subject_key("battalion", "Belarusian battalions") == ("battalion", frozenset({"belarusian"}))
    assert subject_key(None, "the Russian troops") == ("troop", frozenset({"russian"}))
    assert subject_key("personnel", "personnel") == ("personnel", frozenset())
    assert subject_key(None, None) == ("", frozenset())
    assert subject_key(None, "123 !!") == ("", frozenset())


@pytest.mark.parametrize("bad", [-1, 36_501, "seven", "", "7 days", 10**12])
def test_a_bad_window_is_refused_with_one_line(bad: object) -> None:
    with pytest.raises(StoreError, match="E311 bad value for window"):
        window_days(bad)  # type: ignore[arg-type]


# -- the store, on both backends -------------------------------------------------------------------


def test_incompatible_figures_of_different_sources_are_flagged(store: Store) -> None:
    assert pairs(store) == {
        ("personnel", "Gomel Region", "Petro Vasylenko", "Ihor Tkachenko"),  # up to 4000 / 9000
        ("personnel", "Gomel Region", "Marta Levchenko", "Ihor Tkachenko"),  # about 3500 / 9000
        ("battalion", "Brest Region", "Petro Vasylenko", "Ihor Tkachenko"),  # up to 7 / more than 7
    }


def test_a_disagreement_carries_both_claims_and_the_reason(store: Store) -> None:
    found = store.disagreements(Filters(), Page(), subject="battalions")
    assert found.total == 1
    d = found.items[0]
    assert (d.first.value, d.first.qualifier, d.second.value, d.second.qualifier) == (
        7,
        "up_to",
        7,
        "more_than",
    )
    assert d.first.article_id == command_article().id and d.second.article_id == guard_article().id
    assert d.gap_days == 4 and d.window_days == 7
    assert d.reason == "[0, 7] and (7, inf) do not overlap"
    assert d.first.source_kind == "entity" and d.first.source_id is not None


def test_compatible_figures_are_not_flagged(store: Store) -> None:
    # "up to 4000" and "about 3500": [0, 4000] and [2800, 4200] overlap.
    command, analyst = command_article().id, analyst_article().id
    rows = store.claims_ledger(Filters(), Page(limit=100), subject="personnel").items
    by_article = {r.article_id: r for r in rows}
    assert by_article[command].interval == "[0, 4,000]" and by_article[analyst].interval == "[2,800, 4,200]"
    found = store.disagreements().items
    assert found and not any({d.first.article_id, d.second.article_id} == {command, analyst} for d in found)


def test_other_modifiers_count_something_else(store: Store) -> None:
    # "12 Russian battalions" is not compared with "up to seven Belarusian battalions".
    assert not any("Levchenko" in (d.first.source_name + d.second.source_name) for d in
                   store.disagreements(Filters(), Page(), subject="battalion").items)  # fmt: skip


def test_one_source_under_two_spellings_never_disagrees_with_itself(store: Store) -> None:
    tanks = store.claims_ledger(Filters(), Page(), subject="tanks").items
    assert [r.value for r in tanks] == [5, 30]
    assert len({r.source_id for r in tanks}) == 1 and tanks[0].source_kind == "entity"
    assert not any(r.disputed for r in tanks)


def test_the_window_decides_which_claims_are_compared(store: Store) -> None:
    assert len(pairs(store, window=1)) == 0  # two days apart at the least
    assert len(pairs(store, window=2)) == 1  # Levchenko (12th) and Tkachenko (14th)
    wide = pairs(store, window=100)  # the late article (at least 20000; 3 to 5 battalions) joins in
    assert ("personnel", "Gomel Region", "Petro Vasylenko", "late.example.org") in wide
    assert ("battalion", "Brest Region", "Marta Levchenko", "late.example.org") in wide  # [12, 12] / [3, 5]
    assert ("battalion", "Brest Region", "Petro Vasylenko", "late.example.org") not in wide  # [0, 7] / [3, 5]
    assert ("battalion", "Brest Region", "Ihor Tkachenko", "late.example.org") in wide  # (7, inf) / [3, 5]


def test_the_ledger_is_ordered_by_subject_place_and_day_with_sources(store: Store) -> None:
    result = store.claims_ledger(Filters(), Page(limit=100))
    assert result.total == 10 == len(result.items)
    keys = [(r.subject_key, r.place_name, r.day) for r in result.items]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1] or "", k[2] or ""))
    gomel = [r for r in result.items if r.subject_key == "personnel"]
    assert [(r.day, r.source_name, r.disputed) for r in gomel] == [
        ("2023-06-10", "Petro Vasylenko", True),
        ("2023-06-12", "Marta Levchenko", True),
        ("2023-06-14", "Ihor Tkachenko", True),
        ("2023-07-30", "late.example.org", False),
    ]
    assert gomel[-1].source_kind == "outlet" and gomel[-1].source_id is None
    assert all(r.country == "BY" and r.country_name == "Belarus" for r in result.items)
    ranged = next(r for r in result.items if r.upper is not None)
    assert (ranged.value, ranged.upper, ranged.interval) == (3, 5, "[3, 5]")


def test_disputed_flags_do_not_depend_on_the_page(store: Store) -> None:
    whole = {
        (r.article_id, r.claim_id): r.disputed for r in store.claims_ledger(Filters(), Page(limit=100)).items
    }
    paged: dict[tuple[str, str], bool] = {}
    for offset in range(0, 10, 3):
        page = store.claims_ledger(Filters(), Page(limit=3, offset=offset))
        paged.update({(r.article_id, r.claim_id): r.disputed for r in page.items})
    assert paged == whole and sum(whole.values()) == 5


def test_filters_by_place_with_the_country_rolling_up(store: Store) -> None:
    brest = store.claims_ledger(Filters(place="Brest Region"), Page(limit=100)).items
    assert {r.place_name for r in brest} == {"Brest Region"} and len(brest) == 4
    belarus = store.claims_ledger(Filters(place="Belarus"), Page(limit=100))
    assert belarus.total == 10  # every place of the country
    assert store.claims_ledger(Filters(place="Atlantis")).total == 0


def test_filters_by_source_speaker_date_and_subject(store: Store) -> None:
    assert store.claims_ledger(Filters(source="guard.example.net")).total == 2
    assert store.claims_ledger(Filters(speaker="Vasilenko")).total == 4  # any spelling
    assert store.claims_ledger(Filters(since="2023-07")).total == 2
    assert store.claims_ledger(subject="Belarusian battalions").total == 1
    assert store.disagreements(Filters(until="2023-06-12")).total == 0  # Tkachenko is left out


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [("'; DROP TABLE claims; --", 0), ("x" * 5000, 0), ("battalion\x00s", 4), ("tank%", 2), ("Tank_s", 2)],
)
def test_hostile_subjects_match_nothing_or_what_they_say(store: Store, hostile: str, expected: int) -> None:
    assert store.claims_ledger(Filters(), Page(), subject=hostile).total == expected
    assert store.disagreements(Filters(), Page(), subject=hostile).total <= 1
    assert store.claims_ledger().total == 10


@pytest.mark.parametrize("nothing", ["123", "%", "_", "\\", "🙂", "   ", "the of"])
def test_a_subject_with_no_words_is_refused(store: Store, nothing: str) -> None:
    with pytest.raises(StoreError, match="E311 bad value for subject"):
        store.claims_ledger(subject=nothing)


def test_an_empty_store_has_empty_ledgers(location: str) -> None:  # noqa: F811
    with open_store(location) as empty:
        assert empty.claims_ledger().total == 0 and empty.claims_ledger().items == []
        assert empty.disagreements().total == 0
        assert empty.predictions_ledger().total == 0


def test_a_broken_record_loses_only_its_ranges(store: Store) -> None:
    store.db.execute("UPDATE articles SET record = ? WHERE id = ?", ("{not json", late_article().id))
    ranged = [r for r in store.claims_ledger(Filters(), Page(limit=100)).items if r.claim_id == "c2"]
    late = next(r for r in ranged if r.article_id == late_article().id)
    assert late.upper is None and late.interval == "[3, 3]"


def test_the_predictions_ledger_groups_each_speaker_over_time(store: Store) -> None:
    result = store.predictions_ledger(Filters(), Page())
    assert result.total == 2
    first = result.items[0]
    assert first.name == "Petro Vasylenko" and first.total == 2
    assert [p.published for p in first.predictions] == ["2023-06-10", "2023-06-14"]
    assert first.stances == {"unlikely": 1, "likely": 1}
    assert "Petro Vasylenko" in first.aliases  # and "Petro Vasilenko" was found as him (total == 2)
    assert (first.first, first.last) == ("2023-06-10", "2023-06-14")
    second = result.items[1]
    assert second.name == "Marta Levchenko" and second.stances == {"conditional": 1}


def test_the_predictions_ledger_finds_a_speaker_by_any_alias(store: Store) -> None:
    for name in ("Vasilenko", "Petro Vasylenko", "vasylenko"):
        result = store.predictions_ledger(Filters(speaker=name))
        assert [s.name for s in result.items] == ["Petro Vasylenko"], name
    assert store.predictions_ledger(Filters(speaker="Nobody Atall")).total == 0
    assert store.predictions_ledger(Filters(kind="conditional")).items[0].name == "Marta Levchenko"
    assert store.predictions_ledger(Filters(), Page(limit=1, offset=1)).items[0].name == "Marta Levchenko"


def test_find_disagreements_skips_claims_it_cannot_compare() -> None:
    rows = store_free_rows()
    assert find_disagreements(rows, 7) == []


def store_free_rows() -> list[LedgerRow]:
    base: dict[str, Any] = {
        "title": None, "published": None, "outlet": "local", "text": "x", "subject": "troops",
        "modifiers": [], "upper": None, "qualifier": None, "unit": None, "interval": None, "low": None,
        "high": None, "place_name": "Gomel Region", "country": None, "country_id": None,
        "country_name": None, "date": None, "source_kind": "outlet", "source_id": None, "quote_id": None,
    }  # fmt: skip
    return [
        LedgerRow(**base, article_id="a", claim_id="c1", subject_key="troop", value=1, place_id=1,
                  day=None, source_name="a"),  # no day
        LedgerRow(**base, article_id="b", claim_id="c1", subject_key="troop", value=None, place_id=1,
                  day="2023-01-01", source_name="b"),  # no value
        LedgerRow(**base, article_id="c", claim_id="c1", subject_key="troop", value=5, place_id=None,
                  day="2023-01-01", source_name="c"),  # no place
        LedgerRow(**base, article_id="d", claim_id="c1", subject_key="", value=9, place_id=1,
                  day="2023-01-01", source_name="d"),  # no subject
        LedgerRow(**base, article_id="e", claim_id="c1", subject_key="troop", value=50, place_id=1,
                  day="2023-13-45", source_name="e"),  # not a day
    ]  # fmt: skip


# -- the pipeline, for real ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysed_story() -> list[Article]:
    days = {"01": "2023-06-10", "02": "2023-06-12", "03": "2023-06-14"}
    raw = [
        Article.from_raw(
            path.read_text(encoding="utf-8"),
            source=f"https://{path.stem}.example.org/a",
            published=days[path.name[:2]],
        )
        for path in sorted(DATA.glob("0*.txt"))
    ]
    return list(analyze_articles(raw))


def test_analysed_articles_make_the_same_ledger(tmp_path: Path, analysed_story: list[Article]) -> None:
    with open_store(str(tmp_path / "story.db")) as s:
        assert s.ingest(analysed_story).stored == 3
        found = s.disagreements(Filters(), Page(), subject="personnel")
        sources = {frozenset((d.first.source_name, d.second.source_name)) for d in found.items}
        assert frozenset({"Petro Vasylenko", "Tkachenko"}) in sources
        assert frozenset({"Marta Levchenko", "Tkachenko"}) in sources
        assert frozenset({"Petro Vasylenko", "Marta Levchenko"}) not in sources  # up to 4000 / about 3500
        speakers = {p.name: p.stances for p in s.predictions_ledger().items}
        assert speakers.get("Petro Vasylenko") == {"unlikely": 1}


# -- the CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "ledgers.db")
    with open_store(path) as s:
        s.ingest(fixture_articles())
    return path


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_cli_claims_ledger_as_a_table(db: str) -> None:
    code, out = run("ledger", "claims", "--db", db, "--subject", "personnel")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "subject",
        "place",
        "country",
        "day",
        "source",
        "value",
        "interval",
        "disputed",
        "article",
    ]
    assert "up to 4000 personnel" in out and "[0, 4,000]" in out and "yes" in out
    assert lines[-1] == "1-4 of 4 claims"


def test_cli_claims_ledger_as_json_and_csv(db: str) -> None:
    code, out = run("ledger", "claims", "--db", db, "--format", "json", "--place", "Gomel Region")
    data = json.loads(out)
    assert code == 0 and data["total"] == 4 and {r["place_name"] for r in data["items"]} == {"Gomel Region"}
    code, out = run("ledger", "claims", "--db", db, "--format", "csv", "--limit", "3")
    table = list(csv.reader(io.StringIO(out)))
    assert code == 0 and table[0][0] == "subject" and len(table) == 4


def test_cli_disagreements_in_every_format(db: str) -> None:
    code, out = run("ledger", "claims", "--db", db, "--disagreements")
    assert code == 0 and out.splitlines()[-1] == "1-3 of 3 disagreements"
    assert "more than 7" in out and "Ihor Tkachenko" in out
    code, out = run("ledger", "claims", "--db", db, "--disagreements", "--format", "json", "--window", "2")
    data = json.loads(out)
    assert data["total"] == 1 and data["items"][0]["second"]["source_name"] == "Ihor Tkachenko"
    code, out = run("ledger", "claims", "--db", db, "--disagreements", "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0][:2] == ["pair", "subject"] and len(table) == 1 + 2 * 3
    assert [row[0] for row in table[1:]] == ["1", "1", "2", "2", "3", "3"]


def test_cli_predictions_ledger(db: str) -> None:
    code, out = run("ledger", "predictions", "--db", db, "--speaker", "Vasilenko")
    assert code == 0 and "Belarus will not join the war" in out and "Minsk will probably stay out" in out
    assert "Levchenko" not in out and out.splitlines()[-1] == "1-1 of 1 speakers"
    code, out = run("ledger", "predictions", "--db", db, "--format", "json")
    assert [s["name"] for s in json.loads(out)["items"]] == ["Petro Vasylenko", "Marta Levchenko"]
    code, out = run("ledger", "predictions", "--db", db, "--format", "csv")
    assert next(csv.reader(io.StringIO(out))) == [
        "speaker",
        "published",
        "stance",
        "about",
        "prediction",
        "article",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ledger", "claims", "--window", "-3"], "E311 bad value for window"),
        (["ledger", "claims", "--subject", "42"], "E311 bad value for subject"),
        (["ledger", "claims", "--since", "June"], "E311 bad value for since"),
        (["ledger", "predictions", "--limit", "-1"], "E202 bad value for --limit"),
    ],
)
def test_cli_bad_input_gets_one_line(
    db: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(*argv, "--db", db)
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_cli_ledger_without_a_store_or_a_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("ledger", "claims", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "E303 no store" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
    code, _ = run("ledger")
    assert code == 2 and "choose claims or predictions" in capsys.readouterr().err


def test_cli_ledger_on_an_empty_store(tmp_path: Path) -> None:
    path = str(tmp_path / "empty.db")
    open_store(path).close()
    assert run("ledger", "claims", "--db", path) == (0, "no claims\n")
    assert run("ledger", "claims", "--db", path, "--disagreements") == (0, "no disagreements\n")
    assert run("ledger", "predictions", "--db", path) == (0, "no speakers\n")


# -- the REST API and the pages --------------------------------------------------------------------


@pytest.fixture
def client(db: str) -> Iterator[Any]:
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsgraph[web]'")
    from fastapi.testclient import TestClient

    from newsgraph.web import create_app

    with TestClient(create_app(db)) as c:
        yield c


def test_api_ledger_claims_and_disagreements(client: Any) -> None:
    body = client.get("/api/ledger/claims", params={"subject": "battalions", "limit": 2}).json()
    assert body["total"] == 4 and len(body["items"]) == 2 and body["next"]
    assert {"subject_key", "interval", "source_name", "disputed", "country"} <= set(body["items"][0])
    found = client.get("/api/ledger/claims/disagreements").json()
    assert found["total"] == 3
    assert {d["first"]["article_id"] for d in found["items"]} == {command_article().id, analyst_article().id}
    assert client.get("/api/ledger/claims/disagreements", params={"window": 1}).json()["total"] == 0


def test_api_ledger_predictions(client: Any) -> None:
    body = client.get("/api/ledger/predictions", params={"speaker": "Vasilenko"}).json()
    assert body["total"] == 1 and len(body["items"][0]["predictions"]) == 2


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/ledger/claims", {"window": "-1"}),
        ("/api/ledger/claims", {"window": "many"}),
        ("/api/ledger/claims/disagreements", {"window": "99999"}),
        ("/api/ledger/claims", {"subject": "x" * 201}),
        ("/api/ledger/claims", {"subject": "123"}),
        ("/api/ledger/predictions", {"since": "yesterday"}),
        ("/api/ledger/predictions", {"limit": "0"}),
    ],
)
def test_api_bad_parameters_get_the_one_error_shape(client: Any, path: str, params: dict[str, str]) -> None:
    response = client.get(path, params=params)
    assert response.status_code in (400, 422)
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "status"} and error["status"] == response.status_code


def test_the_claims_ledger_page_groups_and_flags(client: Any) -> None:
    html = client.get("/ledger/claims").text
    assert "<h2>personnel</h2>" in html and "<h2>battalion</h2>" in html
    assert html.count('class="conflict"') == 3
    conflicts = html[html.index('aria-label="Disagreements"') : html.index("</section>")]
    # each flag links both claims' articles and shows both sources and values
    for article in (command_article(), guard_article()):
        assert f'href="/articles/{article.id}#claim-' in conflicts
    assert "Petro Vasylenko" in conflicts and "Ihor Tkachenko" in conflicts
    assert "up to 4,000" in conflicts and "9,000" in conflicts
    assert html.count('class="disputed"') == 5


def test_the_claims_ledger_page_filters_and_shows_nothing_politely(client: Any) -> None:
    html = client.get("/ledger/claims", params={"subject": "tanks"}).text
    assert "Five tanks" in html and 'class="conflict"' not in html and "subject: tanks" in html
    html = client.get("/ledger/claims", params={"place": "Atlantis"}).text
    assert "No claims match these filters yet." in html
    assert client.get("/ledger/claims", params={"window": "-1"}).status_code in (400, 422)


def test_the_predictions_ledger_page_groups_by_speaker(client: Any) -> None:
    html = client.get("/ledger/predictions").text
    vasylenko = html.index("Petro Vasylenko</a>")
    assert vasylenko < html.index("Marta Levchenko</a>")
    assert html.index("Belarus will not join the war") < html.index("Minsk will probably stay out")
    assert "unlikely: 1" in html and "conditional: 1" in html


def test_the_ledger_pages_escape_what_articles_say(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsgraph.web import create_app

    text = "<script>alert(1)</script> Eve Mallory said 50 troops are in Minsk. Mallory said it will rain."
    hostile = record(
        text,
        source="https://evil.example.org/<script>",
        published="2023-06-11",
        title="<img src=x onerror=alert(1)>",
        entities=[("e1", "Eve <b>Mallory</b>", "PERSON", ["Mallory"], [])],
        places=[("Minsk", "Minsk", "city", 625144, 53.9, 27.57, "BY")],
        claims=[claim(text, "c1", "50 troops", value=50, unit="<i>troop</i>", subject="troops", place=0,
                      source_entity="e1")],
        predictions=[prediction(text, "p1", "it will rain", speaker="e1", stance="likely",
                                about="<b>rain</b>")],
    )  # fmt: skip
    path = str(tmp_path / "hostile.db")
    with open_store(path) as s:
        s.ingest([hostile])
    with TestClient(create_app(path)) as c:
        for page in ("/ledger/claims", "/ledger/predictions"):
            html = c.get(page).text
            assert "<b>Mallory</b>" not in html and "<img src=x" not in html and "<i>troop</i>" not in html
            assert "&lt;b&gt;" in html


def test_a_claim_is_compared_by_its_own_date_not_its_publication(store: Store) -> None:
    # Published in September about June 11th: it disagrees with Vasylenko's tanks of June 10th and 14th.
    text = "On 11 June there were 12 tanks in Mazyr, Olena Marchuk wrote in her September report."
    late = record(
        text,
        source="https://report.example.org/september",
        published="2023-09-01",
        title="A September report",
        entities=[("e1", "Olena Marchuk", "PERSON", ["Olena Marchuk"], [])],
        places=[MAZYR],
        claims=[claim(text, "c1", "12 tanks", value=12, unit="tank", subject="tanks", place=0, date=0,
                      source_entity="e1")],
    )  # fmt: skip
    start, end = span(text, "11 June")
    late.dates = [DateMention(start=start, end=end, text="11 June", value="2023-06-11")]
    assert store.ingest([late]).stored == 1
    first = store.claims_ledger(Filters(), Page(limit=1), subject="tanks").items
    assert [(r.value, r.day, r.disputed) for r in first] == [(5, "2023-06-10", True)]
    marchuk = store.claims_ledger(Filters(speaker="Olena Marchuk")).items[0]
    assert (marchuk.day, marchuk.date, marchuk.published) == ("2023-06-11", "2023-06-11", "2023-09-01")
    assert {(d.first.value, d.second.value) for d in store.disagreements(subject="tanks").items} == {
        (5, 12),
        (12, 30),
    }
