"""Numeric claims, events and predictions: the number normaliser, negatives, sources, the seed, bad input."""

from __future__ import annotations

import pytest

import newsgraph.analyze.events
import newsgraph.analyze.predictions  # noqa: F401  (registers the stages)
from conftest import SEED
from newsgraph.analyze import claims as claims_module
from newsgraph.analyze.numbers import Number, parse_number, qualifier_after, qualifier_before
from newsgraph.article import Article
from newsgraph.errors import PipelineError
from newsgraph.pipeline import DEFAULT_STAGES, Pipeline

STAGES = [*DEFAULT_STAGES, "claims", "events", "predictions"]
_PIPELINE: Pipeline | None = None


def analyse(text: str, published: str = "2022-06-21") -> Article:
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = Pipeline.build(STAGES, on_error="raise")
    return _PIPELINE(Article.from_raw(text, source="<test>", published=published))


def names(article: Article) -> dict[str, str]:
    return {e.id: e.name for e in article.entities}


# -- the number normaliser ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", Number(7)),
        ("seven", Number(7)),
        ("four thousand", Number(4000)),
        ("4,000", Number(4000)),
        ("1.5 million", Number(1_500_000)),
        ("1.5bn", Number(1_500_000_000)),
        ("twenty-five", Number(25)),
        ("one hundred and fifty", Number(150)),
        ("three hundred thousand", Number(300_000)),
        ("two and a half", Number(2.5)),
        ("half a million", Number(500_000)),
        ("dozens", Number(24, 99)),
        ("hundreds", Number(200, 999)),
        ("tens of thousands", Number(20_000, 99_000)),
        ("3 to 5", Number(3, 5)),
        ("5,000-6,000", Number(5000, 6000)),
        ("three to five thousand", Number(3000, 5000)),
    ],
)
def test_numbers_are_normalised(text: str, expected: Number) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "June", "two three", "5 to 3", "between", "9" * 400, "one two three four " * 5, "∞", "1e309"],
)
def test_what_is_not_one_number_is_none(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("before", "qualifier"),
    [
        ("there are now up to", "up_to"),
        ("at least", "at_least"),
        ("More than", "more_than"),
        ("almost", "about"),
        ("some", "about"),
        ("fewer than", "less_than"),
        ("only", None),  # stresses a number, does not bound it
        ("the", None),
    ],
)
def test_qualifier_before_a_number(before: str, qualifier: str | None) -> None:
    assert qualifier_before(before) == qualifier


def test_qualifier_after_a_number() -> None:
    assert qualifier_after("or more were wounded") == "at_least"
    assert qualifier_after("were wounded") is None


# -- claims in text ------------------------------------------------------------------------------


def test_a_quoted_claim_has_its_value_qualifier_unit_place_and_speaker() -> None:
    a = analyse(
        "“There are up to five Belarusian battalions near Mozyr. This is about three thousand personnel,” "
        "said Andriy Kovalchuk, spokesman for the Northern Operational Command.\n"
    )
    by_value = {c.value: c for c in a.claims}
    assert set(by_value) == {5, 3000}
    five, personnel = by_value[5], by_value[3000]
    assert (five.qualifier, five.unit, five.subject) == ("up_to", "battalion", "Belarusian battalions")
    assert (personnel.qualifier, personnel.unit) == ("about", "personnel")
    for claim in (five, personnel):
        assert names(a)[claim.source_entity or ""] == "Andriy Kovalchuk"
        assert claim.quote is not None
        assert claim.place is not None and a.places[claim.place].text == "Mozyr"
    assert a.text[five.start : five.end] == five.text == "up to five Belarusian battalions"


def test_according_to_names_the_source_and_a_date_is_read_from_the_sentence() -> None:
    a = analyse("According to Olena Marchuk, at least 40 tanks arrived in Pinsk on July 2.\n")
    [claim] = a.claims
    assert (claim.value, claim.qualifier, claim.unit) == (40, "at_least", "tank")
    assert names(a)[claim.source_entity or ""] == "Olena Marchuk"
    assert claim.date is not None and a.dates[claim.date].value == "2022-07-02"


def test_an_unattributed_number_is_the_articles_own() -> None:
    a = analyse("The convoy had 12 trucks and 3 fuel tankers.\n")
    assert [(c.value, c.unit, c.source_entity, c.quote) for c in a.claims] == [
        (12, "truck", None, None),
        (3, "fuel tanker", None, None),
    ]


def test_money_and_percent_units() -> None:
    a = analyse("Trade grew by 18 percent and reached $120 million, while prices rose 7%.\n")
    assert [(c.value, c.unit) for c in a.claims] == [(18, "percent"), (120_000_000, "dollar"), (7, "percent")]


def test_dozens_is_at_least_24() -> None:
    a = analyse("Local residents said that dozens of houses were damaged.\n")
    [claim] = a.claims
    assert (claim.value, claim.qualifier, claim.unit) == (24, "at_least", "house")


@pytest.mark.parametrize(
    "text",
    [
        "The meeting took place on June 30, 2022.",
        "For the first time since 1991, the army held exercises.",
        "At 5:30 a.m. on the second day of the war, he heard the explosions.",
        "The 24-year-old soldier from Brest was 24 years old.",
        "The story is on page 3 of the newspaper.",
        "The hotline number is 0800 500 100.",
        "In 2020, the protests lasted for months.",
        "Two MiG-31 fighters and an Su-25 flew over; one of them turned back one day later.",
    ],
)
def test_dates_times_ordinals_ages_pages_phones_years_and_models_are_not_claims(text: str) -> None:
    a = analyse(text + "\n")
    # Only "Two" fighters is a count in the last text; nothing else in any of them.
    assert [c.value for c in a.claims] == ([2] if "MiG" in text else [])


def test_a_count_of_days_is_a_claim_but_a_date_is_not() -> None:
    a = analyse("Mykolaiv has been without water for more than 50 days since April 12.\n")
    assert [(c.value, c.qualifier, c.unit) for c in a.claims] == [(50, "more_than", "day")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Workers were making between $30,000 and $60,000 a year.", [(30000, "at_least", "dollar")]),
        ("Mexico set tariffs ranging from 5 percent to 25 percent.", [(5, "at_least", "percent")]),
        ("The survey found that 1 in 4 residents lived in poverty.", [(25, None, "percent")]),
        ("About one of every nine voters is expected to be Latino.", [(11.11, "about", "percent")]),
        ("Donors who gave $200 or less, and others.", [(200, "up_to", "dollar")]),
        ("Incomes would go up by as much as 19.9 percent.", [(19.9, "up_to", "percent")]),
        ("The margin of error is plus or minus 4 percentage points.", [(4, None, "percentage point")]),
        ("Nearly eight of 10 voters say they will watch.", [(80, "about", "percent")]),
        ("The war would cost hundreds of billions of dollars.", [(200_000_000_000, "at_least", "dollar")]),
        ("Apple would owe $65.4 billion in taxes.", [(65_400_000_000, None, "dollar")]),
        ("Romney never shook his comment about 47 percent of the country.", [(47, None, "percent")]),
        ("McAuliffe has said about 20 people want the seat.", [(20, "about", "people")]),
        (
            "It raised its forecast by 0.1 percentage points to 4.2 percent.",
            [(0.1, None, "percentage point"), (4.2, None, "percent")],
        ),
        (
            "The fund spent about $28 million; the debt is nearing $20 trillion.",
            [(28_000_000, "about", "dollar"), (20_000_000_000_000, "about", "dollar")],
        ),
    ],
)
def test_ranges_shares_and_trailing_qualifiers(
    text: str, expected: list[tuple[float, str | None, str]]
) -> None:
    a = analyse(text + "\n")
    assert [(c.value, c.qualifier, c.unit) for c in a.claims] == expected


@pytest.mark.parametrize(
    "text",
    [
        "This is one reason he is hurting, by one estimate.",
        "The two men met in a two-way race; those two were rivals.",
        "Polls six weeks from now and in the next eight weeks will tell.",
        "Fortune 500 companies and 529 plans are names; the top 1 percent is a bracket.",
        "Crutcher, 40, was shot; a 911 caller saw it. There are still four years to go in the 90's.",
        "It helps people under 30 to serve. Where is that $115 from?",
    ],
)
def test_idioms_references_back_time_relations_and_names_are_not_claims(text: str) -> None:
    assert analyse(text + "\n").claims == []


# -- events and predictions ---------------------------------------------------------------------


def test_a_meeting_has_its_participants_place_and_date() -> None:
    a = analyse(
        "On October 10, the governor Viktor Lasko met with the deputy governor Sergei Malkin in Minsk.\n",
        published="2022-10-12",
    )
    [meeting] = [v for v in a.events if v.type == "meeting"]
    assert {names(a)[p] for p in meeting.participants} == {"Viktor Lasko", "Sergei Malkin"}
    assert meeting.place is not None and a.places[meeting.place].text == "Minsk"
    assert meeting.date is not None and a.dates[meeting.date].value == "2022-10-10"


@pytest.mark.parametrize(
    ("body", "starts"),
    [
        pytest.param(
            "The city woke to sirens. Power was cut in the north. Schools stayed closed.\n\n"
            "Russian troops shelled the Zarichnyi district of Sumy overnight, the regional administration "
            "said.\n",
            ["Night shelling of Sumy"],
            id="the headline and the body telling its event make one event",
        ),
        pytest.param(
            "On the night of May 3, Russian troops shelled the Zarichnyi district of Sumy.\n\n"
            "Rescuers worked until the morning. Nine houses were damaged. Schools stayed closed.\n\n"
            "Buses ran late. The weather was cold. Shops opened at noon.\n\n"
            "In Odesa, a separate missile strike hit the port on Tuesday afternoon.\n",
            ["Night shelling", "In Odesa, a se"],
            id="the headline joins only the first telling of its event",
        ),
    ],
)
def test_a_headline_names_the_event_its_body_tells_first(body: str, starts: list[str]) -> None:
    a = analyse("Night shelling of Sumy: two dead\n\n" + body, published="2022-05-04")
    attacks = [v for v in a.events if v.type == "attack"]
    assert len(attacks) == len(starts) and all(
        v.text.startswith(s) for v, s in zip(attacks, starts, strict=True)
    )


def test_guesses_and_denials_are_not_events() -> None:
    a = analyse("Belarus would not attack Ukraine. Will Minsk send troops? The army could shell Kyiv.\n")
    assert a.events == []


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Analyst Ihor Bondar believes that Minsk will not dare to attack.", "unlikely"),
        ("Analyst Ihor Bondar believes that the shelling will probably continue.", "likely"),
        ("Analyst Ihor Bondar believes that Belarus can enter the war only if Russia wins.", "conditional"),
        ("Analyst Ihor Bondar does not believe that Belarusian troops will cross the border.", "unlikely"),
        ("Analyst Ihor Bondar says that an attack from Pinsk is unlikely this summer.", "unlikely"),
    ],
)
def test_prediction_stances(text: str, stance: str) -> None:
    a = analyse(text + "\n")
    [p] = a.predictions
    assert p.stance == stance
    assert names(a)[p.speaker or ""] == "Ihor Bondar"
    assert p.about and p.text and a.text[p.start : p.end] == p.text


def test_plain_statements_and_questions_are_not_predictions() -> None:
    a = analyse("The bridge can carry 60 tons. Will Belarus join the war? The army held exercises.\n")
    assert a.predictions == []


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "1 2 3 4 5 6 7 8 9 10 " * 200,
        "9" * 5000,
        "““”” 4,000,000,000,000,000,000 ,,,, --- 1e309 ∞ ½ ¾ 〇 ٣",
        "up to up to up to more than at least",
        "\u202e12 tanks\u202c and \x00 7 drones \ud800".encode("utf-8", "replace").decode("utf-8"),
    ],
)
def test_broken_and_hostile_texts_do_not_crash(text: str) -> None:
    a = analyse(text)
    assert a.error is None or "E00" in a.error
    for item in (*a.claims, *a.events, *a.predictions):
        assert 0 <= item.start <= item.end <= len(a.text)
    a.to_dict()  # the record still validates and serialises


def test_a_huge_article_is_analysed() -> None:
    paragraph = (
        "According to Olena Marchuk, at least 40 tanks arrived in Pinsk. Ivan Hrib believes it will rain.\n"
    )
    a = analyse(paragraph * 150)
    assert len(a.claims) == 150 and len(a.predictions) == 150


def test_the_stages_need_the_quotes_places_and_dates_first() -> None:
    with pytest.raises(PipelineError, match=r"E102 stage claims\.v2 requires"):
        Pipeline.build(["clean", "language", "parse", "claims"])


def test_a_failing_article_does_not_stop_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = Pipeline.build(STAGES, on_error="record")

    def broken(article: Article) -> list[object]:
        if "boom" in article.text:
            raise ValueError("broken parse")
        return []

    monkeypatch.setattr(claims_module, "find_claims", broken)
    out = list(pipe.run([Article.from_raw("boom 3 tanks.", source="bad.txt"), Article.from_raw("3 tanks.")]))
    assert out[0].error is not None and "claims.v2" in out[0].error and "bad.txt" in out[0].error
    assert out[1].error is None


# -- the seed ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Article:
    if not SEED.is_file():
        pytest.skip(f"needs the seed article at {SEED}; the shared folder is absent")
    return analyse(SEED.read_text(encoding="utf-8"))


@pytest.mark.shared
@pytest.mark.parametrize(("value", "unit"), [(7, "battalion"), (4000, "personnel")])
def test_seed_battalions_and_personnel_up_to_sourced_to_motuzyanyk(
    seed: Article, value: int, unit: str
) -> None:
    [claim] = [c for c in seed.claims if c.value == value]
    assert (claim.qualifier, claim.unit) == ("up_to", unit)
    assert names(seed)[claim.source_entity or ""] == "Alexander Motuzyanyk"
    assert claim.place is not None and seed.places[claim.place].name in ("Brest Region", "Gomel Region")


@pytest.mark.shared
def test_seed_grodno_meeting_has_both_leaders_and_its_dates(seed: Article) -> None:
    meetings = [v for v in seed.events if v.type == "meeting"]
    assert meetings
    meeting = meetings[0]
    assert {"Vladimir Putin", "Alexander Lukashenko"} <= {names(seed)[p] for p in meeting.participants}
    assert meeting.place is not None and seed.places[meeting.place].text == "Grodno"
    assert meeting.date is not None
    date = seed.dates[meeting.date]
    assert (date.value, date.end_value) == ("2022-06-30", "2022-07-01")


@pytest.mark.shared
@pytest.mark.parametrize(
    ("speaker", "stances"),
    [
        ("Oleg Zhdanov", {"likely", "unlikely"}),
        ("Gennady Gudkov", {"unlikely"}),
        ("Vladimir Fesenko", {"conditional"}),
    ],
)
def test_seed_experts_predictions_with_stances(seed: Article, speaker: str, stances: set[str]) -> None:
    theirs = {p.stance for p in seed.predictions if names(seed).get(p.speaker or "") == speaker}
    assert theirs & stances, (speaker, theirs)


@pytest.mark.shared
def test_seed_has_no_claims_from_dates_or_first_times(seed: Article) -> None:
    assert all(c.value not in (1, 24, 25, 30, 2022) for c in seed.claims)
    seed.to_dict()  # the whole record validates against the schema
