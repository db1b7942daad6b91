"""The places stage: toponyms found, resolved by context, with coordinates; and its GeoWebNews gate.

The articles here are written for these tests: the people are invented, the places are real.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from spacy.tokens import Doc, Span

from newsgraph import nlp as nlp_module
from newsgraph.analyze.gazetteer import Gazetteer, haversine_km
from newsgraph.analyze.places import STAGE_ID, adjectival_toponyms, extract_places, region_phrases
from newsgraph.article import Article, Place
from newsgraph.pipeline import get_stage

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GWN = SHARED / "datasets" / "geo" / "geowebnews"


@pytest.fixture(scope="module")
def nlp() -> Any:
    return nlp_module.load()


def places_in(nlp: Any, text: str) -> list[Place]:
    article = Article.from_raw(text, as_is=True)
    article.doc = nlp(text)
    return extract_places(article).places


def by_text(places: list[Place], text: str) -> list[Place]:
    return [p for p in places if p.text == text]


def test_stage_declares_what_it_needs_and_gives() -> None:
    s = get_stage("places")
    assert s.id == STAGE_ID == "places.v2"
    assert s.requires == ("doc", "entities")
    assert s.assigns == ("places",)
    assert s.components == ("tagger", "ner")


def test_coordinated_region_phrase_gives_two_regions(nlp: Any) -> None:
    text = (
        "Defence analyst Marta Kowalczyk said five battalions stand on the border "
        "in the Brest and Gomel regions."
    )
    places = places_in(nlp, text)
    brest, gomel = by_text(places, "Brest"), by_text(places, "Gomel regions")
    assert len(brest) == 1 and len(gomel) == 1
    assert (brest[0].geonames_id, brest[0].kind, brest[0].country) == (629631, "region", "BY")
    assert (gomel[0].geonames_id, gomel[0].kind, gomel[0].country) == (628281, "region", "BY")
    assert gomel[0].name == "Gomel Region"
    for p in places:
        assert text[p.start : p.end] == p.text
        assert p.stage == STAGE_ID


def test_region_phrases_are_found_in_plain_text() -> None:
    found = [
        (t.text, t.cue) for t in region_phrases("in the Brest, Vitebsk and Gomel regions and Donetsk oblast")
    ]
    assert ("Gomel regions", "region") in found
    assert ("Brest", "region") in found and ("Vitebsk", "region") in found
    assert ("Donetsk oblast", "oblast") in found


def test_oblast_and_direction_name_regions(nlp: Any) -> None:
    text = (
        "Fighting went on in Donetsk oblast, while the Luhansk direction stayed quiet, "
        "commander Pavel Orlenko said."
    )
    places = places_in(nlp, text)
    assert [p.geonames_id for p in by_text(places, "Donetsk oblast")] == [709716]
    luhansk = by_text(places, "Luhansk")
    assert [(p.geonames_id, p.kind) for p in luhansk] == [(702657, "region")]


def test_grodno_is_placed_in_belarus(nlp: Any) -> None:
    places = places_in(
        nlp, "The summit will be held in the Belarusian city of Grodno, the organisers told Irina Vasko."
    )
    grodno = by_text(places, "Grodno")
    assert len(grodno) == 1
    p = grodno[0]
    assert (p.geonames_id, p.kind, p.country) == (627904, "city", "BY")
    assert p.lat is not None and p.lon is not None
    assert abs(p.lat - 53.68) < 0.05 and abs(p.lon - 23.83) < 0.05


def test_every_mention_is_an_item_and_spellings_share_an_id(nlp: Any) -> None:
    text = (
        "Officials in Kyiv denied the report. A spokesman in Kiev, Taras Melnyk, said talks would go on. "
        "Kyiv expects an answer."
    )
    places = [p for p in places_in(nlp, text) if p.text in ("Kyiv", "Kiev")]
    assert [p.text for p in places] == ["Kyiv", "Kiev", "Kyiv"]
    assert {p.geonames_id for p in places} == {703448}
    assert len({p.start for p in places}) == 3


def test_paris_among_texas_towns_is_in_texas(nlp: Any) -> None:
    text = (
        "Storms damaged homes in Paris, Sulphur Springs and Clarksville in northeast Texas, "
        "county judge Wade Emberly said on Monday."
    )
    paris = by_text(places_in(nlp, text), "Paris")
    assert len(paris) == 1 and paris[0].country == "US"
    assert paris[0].lat is not None and paris[0].lon is not None
    assert haversine_km(paris[0].lat, paris[0].lon, 33.66, -95.56) < 20


def test_paris_in_a_french_story_is_the_capital(nlp: Any) -> None:
    text = "Protesters marched through Paris and Lyon on Saturday, the French interior ministry said."
    places = places_in(nlp, text)
    assert [(p.geonames_id, p.country) for p in by_text(places, "Paris")] == [(2988507, "FR")]
    assert [p.country for p in by_text(places, "Lyon")] == ["FR"]


@pytest.mark.parametrize(
    ("text", "name", "country", "kind"),
    [
        (
            "Farmers near Atlanta and Savannah, Georgia, lost crops, said Lydia Brandt.",
            "Georgia",
            "US",
            "region",
        ),
        (
            "Talks between Armenia and Georgia opened in Tbilisi, the envoy Nino Beridze said.",
            "Georgia",
            "GE",
            "country",
        ),
    ],
)
def test_georgia_by_context(nlp: Any, text: str, name: str, country: str, kind: str) -> None:
    found = by_text(places_in(nlp, text), name)
    assert [(p.country, p.kind) for p in found] == [(country, kind)]


def test_a_person_named_like_a_town_is_no_place(nlp: Any) -> None:
    places = places_in(nlp, "Coach Darren Tyler praised the team. Tyler said the season had been hard.")
    assert by_text(places, "Tyler") == []


def test_acronym_and_lowercase_word_are_told_apart(nlp: Any) -> None:
    places = places_in(nlp, "The U.S. and the EU imposed sanctions on Monday, Senator Ada Whitcombe said.")
    assert [p.country for p in by_text(places, "U.S.")] == ["US"]
    assert [p.name for p in by_text(places, "EU")] == ["Europe"]


def test_dateline_in_capitals(nlp: Any) -> None:
    places = places_in(nlp, "HRODNA, Belarus (Reuters) - Border guards closed a crossing, said Olga Zhuk.")
    assert [p.geonames_id for p in by_text(places, "HRODNA")] == [627904]
    assert [p.kind for p in by_text(places, "Belarus")] == ["country"]


@pytest.mark.parametrize(
    ("text", "town", "state"),
    [
        ("A fire in Conway, SC destroyed a barn, said deputy Carl Mabry.", "Conway", "South Carolina"),
        ("Austin, TX is growing fast, Mayor Jo Kessler said.", "Austin", "Texas"),
    ],
)
def test_town_comma_postal_code(nlp: Any, text: str, town: str, state: str) -> None:
    places = places_in(nlp, text)
    code = text[text.index(town) + len(town) + 2 :][:2]
    assert [p.name for p in by_text(places, code)] == [state]
    assert [p.country for p in by_text(places, town)] == ["US"]


def test_doctor_is_not_in_maryland(nlp: Any) -> None:
    places = places_in(nlp, "Dr. Ann Smith, MD, said the patient in Dallas recovered.")
    assert by_text(places, "MD") == []


def _doc_with_labels(nlp: Any, words: list[str], labels: dict[int, str]) -> Doc:
    doc = Doc(nlp.vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
    doc.ents = [Span(doc, i, i + 1, label=label) for i, label in labels.items()]
    return doc


def test_places_misfiled_by_the_parser_are_taken(nlp: Any) -> None:
    # The small English model files "Kyiv" as PERSON and "Brest" as ORG in some sentences.
    words = ["Trains", "from", "Kyiv", "reached", "Brest", "on", "time"]
    doc = _doc_with_labels(nlp, words, {2: "PERSON", 4: "ORG"})
    article = Article.from_raw(doc.text, as_is=True)
    article.doc = doc
    places = extract_places(article).places
    assert [(p.text, p.geonames_id) for p in places] == [("Kyiv", 703448), ("Brest", 629634)]


def test_surname_of_a_named_person_stays_a_person(nlp: Any) -> None:
    words = ["Anna", "Milton", "met", "voters", ".", "Milton", "spoke", "first"]
    doc = _doc_with_labels(nlp, words, {5: "PERSON"})
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 5, 6, label="PERSON")]
    article = Article.from_raw(doc.text, as_is=True)
    article.doc = doc
    assert extract_places(article).places == []


def test_adjectives_of_countries_are_mentions_of_the_country(nlp: Any) -> None:
    text = (
        "Up to seven Belarusian battalions stand near Mozyr, said Ukrainian officer Petro Hlushko. "
        "The Belarusians are tired of drills, and the Lithuanian side is worried."
    )
    places = places_in(nlp, text)
    belarusian = by_text(places, "Belarusian")
    assert [(p.name, p.kind, p.country, p.geonames_id, p.adjective) for p in belarusian] == [
        ("Belarus", "country", "BY", 630336, True)
    ]
    assert [p.country for p in by_text(places, "Ukrainian")] == ["UA"]
    assert [p.country for p in by_text(places, "Lithuanian")] == ["LT"]
    # A people is no place: "The Belarusians".
    assert by_text(places, "Belarusians") == []
    # The town keeps its own place, in the country the adjective names.
    assert [(p.country, p.adjective) for p in by_text(places, "Mozyr")] == [("BY", False)]


@pytest.mark.parametrize(
    ("text", "adjectives"),
    [
        ("The Russian and Polish delegations met in Gdansk, said Ola Wiese.", ["Russian", "Polish"]),
        ("German, Irish and other settlers reached Ohio, wrote Hal Brody.", ["German", "Irish"]),
        ("Mira Solberg, a South African diplomat, spoke.", ["South African"]),
        ("Tomas Berg said it in English and the French said nothing.", []),
        ("African Americans voted early, said Lena Cole.", []),
    ],
)
def test_which_adjectives_name_a_place(nlp: Any, text: str, adjectives: list[str]) -> None:
    found = adjectival_toponyms(nlp(text), text, Gazetteer.get())
    assert [t.text for t in found] == adjectives


def test_an_adjective_is_not_where_a_claim_is(nlp: Any) -> None:
    """The claims stage places "seven battalions" near Mozyr, not in the country the adjective names."""
    from newsgraph.api import analyze

    article = analyze(
        "Up to seven Belarusian battalions stand near Mozyr, said Ukrainian officer Petro Hlushko.",
        published="2023-05-02",
    )
    [claim] = [c for c in article.claims if c.value == 7]
    assert claim.place is not None and article.places[claim.place].text == "Mozyr"


def test_an_organisations_acronym_is_no_town(nlp: Any) -> None:
    # Nato is a town in Liberia; NATO here is the alliance, listed beside a country.
    places = places_in(nlp, "Relations between NATO and Tunisia were calm, said analyst Rim Haddad.")
    assert by_text(places, "NATO") == []
    assert [p.country for p in by_text(places, "Tunisia")] == ["TN"]


def test_a_government_building_before_a_noun_names_its_people(nlp: Any) -> None:
    text = (
        "White House aides met on Monday. Later, protesters gathered outside the White House in Washington."
    )
    places = places_in(nlp, text)
    # The aides are the government's; the building is where the protesters gathered.
    assert [p.start for p in by_text(places, "White House")] == [text.rindex("White House")]


def test_text_without_places(nlp: Any) -> None:
    assert places_in(nlp, "The committee met for three hours and adjourned without a vote.") == []
    assert places_in(nlp, "") == []


def test_gazetteer_is_built_once_per_process() -> None:
    assert Gazetteer.get() is Gazetteer.get()


# --------------------------------------------------------------------------- the quality gate


@pytest.mark.shared
def test_geowebnews_scores_do_not_fall() -> None:
    """The first 40 GeoWebNews articles through the command line, as the scorers run it.

    Measured on this subset (2026-12-03, places.v2, adjectives of places in): det_f 0.8807,
    acc161 0.9318, e2e_f 0.8206, det_f_noadj 0.8583 (places.v1 without them: 0.7729, 0.9268,
    0.7163, 0.8533).
    The minimums sit a little below, for the stages upstream (entities) to move a little; raise
    them when the stage improves, never lower them quietly.
    """
    if not GWN.is_dir():
        pytest.skip(f"needs GeoWebNews at {GWN}; the shared folder is absent")
    system = ROOT / ".venv" / "bin" / "newsgraph"
    cmd = [sys.executable, str(ROOT / "scripts" / "eval_places.py"), "--limit", "40", "--no-baseline"]
    cmd += [
        "--data",
        str(GWN),
        "--system",
        str(system) if system.exists() else f"{sys.executable} -m newsgraph.cli",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    metrics = {k: float(v) for k, v in (kv.split("=", 1) for kv in last.split())}
    assert metrics["det_f"] >= 0.87
    assert metrics["acc161"] >= 0.92
    assert metrics["e2e_f"] >= 0.81
    assert metrics["det_f_noadj"] >= 0.85
