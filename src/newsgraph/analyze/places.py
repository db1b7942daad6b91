"""Places: toponyms in the text resolved against the offline gazetteer, with coordinates."""

from __future__ import annotations

import functools
import itertools
import math
import re
from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from ..article import Article, Place
from ..nlp import ents_of, text_of
from ..pipeline import ENGLISH, stage
from .gazetteer import (
    LEVEL_ADMIN1,
    LEVEL_ADMIN2,
    LEVEL_CITY,
    LEVEL_CONTINENT,
    LEVEL_COUNTRY,
    QUALITY_ALIAS,
    QUALITY_ALTERNATE,
    QUALITY_CANONICAL,
    Candidate,
    Gazetteer,
    is_acronym,
    normalize,
)

STAGE_ID: Final = "places.v2"

# spaCy labels that name places. NORP (Russian, Belarusians) names peoples, not places.
TOPONYM_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})
# Labels under which the small English model often files a place ("Brest" as ORG, "Kyiv" as
# PERSON): such a span is taken only when the gazetteer knows it well (see `_is_strong`).
OTHER_LABELS: Final = frozenset({"ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})

# Where a toponym came from, and so how much it is trusted before the gazetteer has a say.
PRIORITY_REGION_PHRASE: Final = 4  # "the Gomel region": a name with a subdivision word
PRIORITY_PLACE_LABEL: Final = 3  # a GPE or LOC entity
PRIORITY_FACILITY: Final = 2  # a FAC entity: often a building the gazetteer cannot know
# An adjective of a country before a noun ("Belarusian battalions"): under the names it can be
# part of ("the French Quarter"), over the weak spans it can be ("Canadian", a town in Texas).
PRIORITY_ADJECTIVE: Final = 1
PRIORITY_WEAK: Final = 0  # a span under another label, a name the parser left out, or a place
#                            inside an organisation's name ("the Toronto Star"): kept when strong

# Places inside the names of organisations ("the Washington Post", "University of Kentucky")
# are toponyms by the GeoWebNews guidelines (Embedded_Non_Lit); set False to leave them out.
EMBEDDED_PLACES: Final = True
# Adjectives of places before a noun ("Belarusian battalions", "the Irish government") are
# mentions of their country, tied to it rather than places of their own: the record gives them
# the country's name, id and point. The GeoWebNews guidelines count them as toponyms (the
# *_Modifier and Embedded types with modifierType Adjective); the same words as nouns for
# peoples ("the Belarusians") or languages ("in English") are not. The record marks them
# (`Place.adjective`), and the claims and events stages never take one for where something is.
# Nouns after an adjective of a place that make it the name of a language, not of the place.
_LANGUAGE_NOUNS: Final = frozenset(
    {"language", "languages", "speaking", "speaker", "speakers", "translation", "translator", "dialect",
     "accent", "subtitles", "version", "word", "words", "phrase", "name", "literature", "lessons",
     "class", "classes", "teacher", "teachers", "course", "courses", "grammar"}
)  # fmt: skip
_CAPITALISED: Final = re.compile(r"\b[A-Z][a-z]+\b")
# Nouns that make an adjective of a place the name of a people: "African Americans".
_ETHNIC_HEADS: Final = frozenset({"american", "americans"})
# Words before an adjective that make one name with it: "South African", "Saudi Arabian".
_DEMONYM_LEADS: Final = frozenset(
    {"north", "south", "east", "west", "central", "saudi", "sri", "latin", "middle", "new"}
)

# Words after a name that make it a subdivision: "the Brest and Gomel regions", "Donetsk oblast".
REGION_CUES: Final = (
    "region", "oblast", "province", "governorate", "state", "voivodeship", "prefecture", "krai",
    "kray", "county", "district", "raion", "rayon", "canton", "department", "municipality",
)  # fmt: skip
# Cues after which a city's name stands for the first-level region around it.
CITY_REGION_CUES: Final = frozenset(
    {"region", "oblast", "province", "governorate", "voivodeship", "prefecture", "krai", "kray"}
)
# "the Luhansk direction": a front named after a place, the region when one bears the name.
DIRECTION_CUES: Final = ("direction", "axis", "front")

# Names that are words first: never a place on their own outside a region phrase.
GENERIC_NAMES: Final = frozenset(
    {
        "centre", "center", "west", "east", "north", "south", "western", "eastern", "northern",
        "southern", "central", "midwest", "media", "metro", "valley", "city", "state", "states",
        "union", "republic", "kingdom", "capital", "county", "region", "province", "district",
        "island", "islands", "coast", "mainland", "downtown", "uptown", "village", "town",
        "north west", "north east", "south west", "south east", "northwest", "northeast",
        "southwest", "southeast", "orient", "homeland", "earth", "world",
        "heaven", "paradise", "eden", "hell", "mars", "moon", "sun", "internet", "federal",
        "national", "international", "general", "royal", "government", "office", "university",
        "college", "school", "church", "hospital", "court", "police", "army", "navy", "ministry",
        "river", "lake", "sky", "garden", "gardens", "cape", "street", "st", "park", "bay", "mountain",
        "mountains", "hill", "hills", "beach", "port", "harbor", "harbour", "airport", "station",
        "square", "bridge", "road", "avenue", "green", "summit", "golf", "forest", "falls", "springs",
        "heights", "point", "sea", "ocean", "gulf", "english", "white", "black", "red",
    }
)  # fmt: skip

_NAME = r"[A-Z][\w'’\-]*(?:[ \-](?:[A-Z][\w'’\-]*|de|del|la|le|upon|on|am))*"
_CUE_RE = re.compile(
    rf"\b(?P<name>{_NAME})[ \t]+(?P<cue>(?i:{'|'.join(REGION_CUES + DIRECTION_CUES)})(?:s|es)?)\b"
)
_COORD_RE = re.compile(rf"(?:(?P<name>{_NAME})\s*(?:,\s*|\s+(?:and|or|&)\s+))$")

# Leading words a span may carry that are not part of the name.
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# Leading words of a span that name a part of the place ("northern Syria"): dropped from the
# lookup only when the whole span is not a name ("North Korea", "West Virginia" are).
_PART = re.compile(
    r"^(?:northern|southern|eastern|western|central|north|south|east|west|northeast|northwest|"
    r"southeast|southwest|north-east|north-west|south-east|south-west|greater|downtown|upstate|"
    r"occupied|rural|metro|metropolitan|suburban|coastal)\s+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"(?:'s|’s|'|’|[.,;:!?\-–—)\]\"”]+)$")
_POSSESSIVE = re.compile(r"(?:'s|’s)$")
_POSTAL = re.compile(r",\s*([A-Z]{2})\b(?![.\w])")
# Last words of the names of streets, buildings and sites.
_FACILITY_HEAD = re.compile(
    r"\s(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Lane|Drive|Highway|Square|Plaza|Bridge|"
    r"Church|Cathedral|Basilica|Chapel|Mosque|Synagogue|Temple|Library|Museum|Hospital|Clinic|Airport|"
    r"Station|Stadium|Arena|Park|Gardens|Palace|Castle|Tower|Mall|Market|Hotel|Inn|Estate|Lagoon|"
    r"Lake|River|Canal|Island|Islands|Beach|Bay|Harbou?r|Port|Pier|Mountains?|Hill|Valley|Forest|"
    r"Courthouse|Prison|Jail|Campus|Base|Camp|Plantation|Cemetery)$"
)
_APPOSITION = re.compile(r"^\s*,\s*$|^\s*\(\s*$")
_LIST = re.compile(r"^\s*(?:,|,?\s+(?:and|or)|/|&)\s*$")

# Candidate scoring: log10 of the population, plus these. Tuned on GeoWebNews
# (../shared/datasets/geo/geowebnews, all 200 articles, acc161 and e2e_f; scripts/eval_places.py).
W_LEVEL: Final[dict[int, float]] = {
    LEVEL_CONTINENT: 4.0,
    LEVEL_COUNTRY: 4.0,
    LEVEL_ADMIN1: 0.5,
    LEVEL_ADMIN2: -1.5,
    LEVEL_CITY: 0.0,
}
W_CAPITAL: Final = 1.5  # "Washington" is the capital far more often than the state
W_QUALITY: Final[dict[int, float]] = {QUALITY_CANONICAL: 0.0, QUALITY_ALIAS: -0.5, QUALITY_ALTERNATE: -1.0}
W_COUNTRY_NAMED: Final = 2.0  # the article names the candidate's country
W_COUNTRY_SHARED: Final = 1.0  # ... or other places in the article lie in that country
W_ADMIN1: Final = 1.5  # the candidate's region is named or shared with another place
W_NEAR: Final = 1.25  # for each other (small) place of the article within NEAR_KM, up to MAX_NEAR
MAX_NEAR: Final = 3
NEAR_KM: Final = 150.0
W_CONTAINS: Final = 3.0  # "Paris, Texas", "Savannah, Georgia": the second holds the first
# Weak spans (see PRIORITY_WEAK) are kept when they name a country, a first-level region, a
# capital, a city of this many people, or a place near the article's other places.
# Tuned on GeoWebNews (dev, 200 articles).
STRONG_CITY_POP: Final = 250_000
# ... or a town of this many people in a country the article names. Tuned on GeoWebNews (dev).
STRONG_IN_COUNTRY_POP: Final = 100_000
# A weak span may match a city by one of its GeoNames alternate names ("Kiev") only if the
# city is this big: smaller alternates are too often someone's surname.
STRONG_ALTERNATE_POP: Final = 1_000_000
# Below this population a town is not found by its GeoNames alternate names at all. Tuned on
# GeoWebNews (dev): of the toponyms resolved to smaller towns by an alternate name, 3 of 29 were right.
ALTERNATE_MIN_POP: Final = 50_000
MAX_NAME_TOKENS: Final = 5  # the longest name looked up inside a longer span ("Isle of Man")
# A street or building the gazetteer does not know ("Frenchmen Street") gets the point of the
# town the article is about, and no GeoNames id.
FALLBACK_TO_FOCUS: Final = True
# Candidates weighed per name, the likeliest by name and size first ("Springfield" has dozens).
MAX_CANDIDATES: Final = 25
# Up to this many ambiguous names, an article's names are decided one at a time.
ONE_AT_A_TIME: Final = 40


@dataclass
class Toponym:
    """A span of the text that may name a place, and what the gazetteer says it can be."""

    start: int
    end: int
    text: str
    label: str
    priority: int
    cue: str | None = None  # "region", "direction", ... when the text said so
    candidates: list[Candidate] = field(default_factory=list)
    resolved: Candidate | None = None

    @functools.cached_property
    def key(self) -> str:
        """What one sense per article is kept by: the name as looked up ("US" is not "Us").

        Read many times while resolving, built once (`text` and `cue` do not change after a toponym
        is made; `dataclasses.replace` makes a new one)."""
        text = _POSSESSIVE.sub("", self.text)
        return normalize(text) + ("!" if is_acronym(text) else "") + (f" /{self.cue}" if self.cue else "")


# --------------------------------------------------------------------------- finding toponyms


def _clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim determiners, possessives, punctuation and spaces off a span."""
    while start < end:
        span = text[start:end]
        stripped = span.strip()
        if stripped != span:
            start += len(span) - len(span.lstrip())
            end = start + len(stripped)
            continue
        m = _LEADING.match(span)
        if m and end - start - m.end() >= 2:
            start += m.end()
            continue
        t = _TRAILING.search(span)
        # A final dot is kept: spaCy leaves it on a span only for abbreviations ("Calif.", "U.S.").
        if t and t.start() > 0 and t.group() != ".":
            end = start + t.start()
            continue
        break
    return start, end


def _cue_kind(cue: str) -> str:
    word = cue.lower()
    for base in DIRECTION_CUES:
        if word.startswith(base):
            return "direction"
    for base in REGION_CUES:
        if word.startswith(base):
            return base
    return word


def region_phrases(text: str) -> list[Toponym]:
    """Toponyms that a subdivision word follows: "Donetsk oblast", "the Brest and Gomel regions"."""
    found: list[Toponym] = []
    for m in _CUE_RE.finditer(text):
        cue = _cue_kind(m.group("cue"))
        name_start, name_end = _clean_span(text, m.start("name"), m.end("name"))
        if name_end <= name_start:
            continue
        # The cue is part of what the article wrote for a region, not for a front line.
        end = name_end if cue == "direction" else m.end("cue")
        found.append(
            Toponym(name_start, end, text[name_start:end], "REGION", PRIORITY_REGION_PHRASE, cue=cue)
        )
        if not m.group("cue").lower().endswith("s") or cue == "direction":
            continue
        # A plural cue covers the names coordinated before it: "the Brest and Gomel regions".
        left = name_start
        while True:
            c = _COORD_RE.search(text, max(0, left - 80), left)
            if c is None or c.end() != left:
                break
            s, e = _clean_span(text, c.start("name"), c.end("name"))
            if e > s:
                found.append(Toponym(s, e, text[s:e], "REGION", PRIORITY_REGION_PHRASE, cue=cue))
            left = c.start()
    return found


def _is_name_token(token: Any) -> bool:
    text = token.text
    if not text[:1].isupper():
        return False
    if text.isupper() and len(text) > 1:
        return True
    # Without the tagger (the stage needs only "ner"), a capital not opening a sentence will do.
    return bool(token.pos_ == "PROPN" if token.pos_ else not token.is_sent_start)


def _name_windows(
    tokens: Sequence[Any], gazetteer: Gazetteer, label: str, text: str | None = None
) -> list[Toponym]:
    """Spans of name tokens inside `tokens` that the gazetteer knows, longest first, no overlaps.

    `text` is the text of the tokens' Doc (the article's): `Doc.text` joins every token anew on
    each call, which was most of this stage's time in a profile over the bundled examples.
    """
    found: list[Toponym] = []
    taken: set[int] = set()
    n = len(tokens)
    for size in range(min(MAX_NAME_TOKENS, n), 0, -1):
        for i in range(0, n - size + 1):
            window = tokens[i : i + size]
            if any(j in taken for j in range(i, i + size)):
                continue
            if not (_is_name_token(window[0]) and _is_name_token(window[-1])):
                continue
            if not all(_is_name_token(t) or t.text.lower() in ("of", "de", "upon", "-", "&") for t in window):
                continue
            if text is None:
                text = text_of(window[0].doc)
            name = text[window[0].idx : window[-1].idx + len(window[-1].text)]
            if normalize(name) in GENERIC_NAMES or not gazetteer.lookup(name):
                continue
            found.append(Toponym(window[0].idx, window[0].idx + len(name), name, label, PRIORITY_WEAK))
            taken.update(range(i, i + size))
    return found


def _postal_states(text: str, spans: Sequence[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """US states by postal code right after a place: "Conway, SC", "DALLAS, TX"."""
    found: list[Toponym] = []
    for t in spans:
        if t.label not in ("GPE", "LOC", "FAC") and not gazetteer.lookup(t.text):
            continue  # "Ann Smith, MD" is a doctor, not someone in Maryland
        m = _POSTAL.match(text, t.end)
        if m is None:
            continue
        region = gazetteer.admin1(f"US.{m.group(1)}")
        if region is not None:
            s, e = m.span(1)
            found.append(Toponym(s, e, text[s:e], "GPE", PRIORITY_PLACE_LABEL, candidates=[region]))
    return found


def adjectival_toponyms(doc: Any, text: str, gazetteer: Gazetteer) -> list[Toponym]:
    """Adjectives of countries and continents that modify a noun: "Belarusian battalions".

    A plural ("Belarusians") or an adjective with no noun after it ("the French", "in English")
    names a people or a language, not the place.
    """
    found: list[Toponym] = []
    n = len(doc)
    persons = _person_tokens(doc)
    words = gazetteer.demonym_words()
    # Capitalised words of the text first: a token is made only for the few that can be adjectives.
    for m in _CAPITALISED.finditer(text):
        word = m.group()
        if word.lower() not in words or normalize(word) in persons:
            continue
        span = doc.char_span(m.start(), m.end())
        if span is None or len(span) != 1 or span[0].tag_ in ("NNS", "NNPS"):
            continue
        token = span[0]
        j = token.i + 1
        if j + 1 < n and doc[j].text in ("-", "–"):
            j += 1  # "Russian-backed", "Syrian-born"
        # "the Russian and Venezuelan delegations", "German, Irish and other immigrants"
        while j + 1 < n and doc[j].lower_ in (",", "and", "or", "&") and j - token.i <= 6:
            k = j + 1 + (doc[j + 1].lower_ in ("and", "or"))
            if k >= n or not (doc[k].text[:1].isupper() or doc[k].lower_ == "other"):
                break
            j = k + 1
        if j >= n or not _modified_noun(doc[j]):
            continue
        if doc[j].lower_ in _ETHNIC_HEADS or (
            token.lower_ in _ETHNIC_HEADS and _after_demonym(token, gazetteer)
        ):
            continue  # "African Americans", "Irish-American voters": a people, not a place
        start = token.idx
        place = None
        if token.i > 0 and doc[token.i - 1].lower_ in _DEMONYM_LEADS and doc[token.i - 1].text[:1].isupper():
            lead = doc[token.i - 1]
            place = gazetteer.demonym(f"{lead.text} {word}")
            start = lead.idx if place is not None else start
        if place is None:
            place = gazetteer.demonym(word)
        if place is None:
            continue
        end = token.idx + len(word)
        found.append(Toponym(start, end, text[start:end], "ADJ", PRIORITY_ADJECTIVE, candidates=[place]))
    return found


def _after_demonym(token: Any, gazetteer: Gazetteer) -> bool:
    """Whether an adjective of a place comes just before `token` ("African" in "African American")."""
    i = token.i - 1
    if i > 0 and token.doc[i].text in ("-", "–"):
        i -= 1
    return i >= 0 and gazetteer.demonym(token.doc[i].text) is not None


def _modified_noun(token: Any) -> bool:
    """Whether `token` can be the noun (or the first word of the noun phrase) an adjective modifies."""
    if not token.is_alpha or token.lower_ in _LANGUAGE_NOUNS:
        return False
    if token.tag_:
        return token.tag_[:2] in ("NN", "JJ", "VB") and token.tag_ not in ("VBD", "VBZ", "VBP")
    return not token.is_stop


def _well_known(t: Toponym, gazetteer: Gazetteer) -> bool:
    """Whether a name's likeliest entry is a country, a region, a capital or a big city."""
    found = candidates_for(t, gazetteer)
    if not found:
        return False
    c = max(found, key=_base_score)
    if c.quality > QUALITY_ALIAS:
        return False
    return c.level <= LEVEL_ADMIN1 or c.capital or c.population >= STRONG_CITY_POP


def find_toponyms(article: Article, gazetteer: Gazetteer) -> list[Toponym]:
    """Spans of the article that may name places, without overlaps, in text order."""
    text = article.text
    doc = article.doc
    spans: list[Toponym] = []
    covered = [False] * len(doc)
    for ent in ents_of(doc):
        for i in range(ent.start, ent.end):
            covered[i] = True
        label = ent.label_
        s, e = _clean_span(text, ent.start_char, ent.end_char)
        if e <= s:
            continue
        if label in TOPONYM_LABELS:
            if len(ent) <= 2 and gazetteer.demonym(text[s:e]) is not None:
                continue  # "Emirati" filed as GPE: a place only as an adjective
            priority = PRIORITY_FACILITY if label == "FAC" else PRIORITY_PLACE_LABEL
            whole = Toponym(s, e, text[s:e], label, priority)
            if len(ent) > 1 and label != "FAC" and not candidates_for(whole, gazetteer):
                # "Greece Italy", "Manchester City": the places inside a span the gazetteer
                # does not know as a whole, when they are well known.
                windows = _name_windows(list(ent), gazetteer, label, text)
                inner = [t for t in windows if _well_known(t, gazetteer)]
                if inner:
                    spans.extend(inner)
                    continue
            spans.append(whole)
        elif label in OTHER_LABELS:
            whole = Toponym(s, e, text[s:e], label, PRIORITY_WEAK)
            if len(ent) <= 2 and gazetteer.demonym(whole.text) is not None:
                continue  # "Belarusian": a place only as an adjective (see `adjectival_toponyms`)
            if gazetteer.lookup(_POSSESSIVE.sub("", whole.text)):
                spans.append(whole)
            elif label in ("ORG", "PERSON") and len(ent) > 1 and _FACILITY_HEAD.search(whole.text):
                # "Carnegie Library", "Royal Street": a building or a street, whatever the label.
                spans.append(Toponym(s, e, text[s:e], "FAC", PRIORITY_FACILITY))
            elif EMBEDDED_PLACES and label != "PERSON" and len(ent) > 1:
                spans.extend(_name_windows(list(ent), gazetteer, "EMBEDDED", text))
    for entity in article.entities:
        if entity.type not in TOPONYM_LABELS:
            continue
        for mention in entity.mentions:
            if mention.text[:1].isupper() and gazetteer.demonym(mention.text) is None:
                s, e = _clean_span(text, mention.start, mention.end)
                if e > s:
                    spans.append(Toponym(s, e, text[s:e], entity.type, PRIORITY_PLACE_LABEL))
    for t in region_phrases(text):
        # "United States" is no state of anything: a phrase counts when it names a region.
        t.candidates = _region_candidates(t, gazetteer)
        if t.candidates:
            spans.append(t)
    spans.extend(_postal_states(text, spans, gazetteer))
    spans.extend(adjectival_toponyms(doc, text, gazetteer))
    # Names the parser filed under no entity at all, such as datelines in capitals ("TORONTO").
    run: list[Any] = []
    for token, in_entity in zip(doc, covered, strict=True):
        if not in_entity and _is_name_token(token):
            run.append(token)
            continue
        if run:
            spans.extend(_name_windows(run, gazetteer, "SCAN", text))
            run = []
    if run:
        spans.extend(_name_windows(run, gazetteer, "SCAN", text))
    # Keep the best of overlapping spans: higher priority, then longer.
    spans.sort(key=lambda t: (-t.priority, -(t.end - t.start), t.start))
    kept: list[Toponym] = []
    # The kept spans in text order: they do not overlap, so their ends rise with their starts and the
    # last one starting before `t` ends is the only one that can reach into it.
    taken: list[tuple[int, int]] = []
    for t in spans:
        i = bisect_left(taken, (t.end,))  # the kept spans that start before t ends
        if i and taken[i - 1][1] > t.start:
            continue
        kept.append(t)
        insort(taken, (t.start, t.end))
    kept.sort(key=lambda t: t.start)
    return kept


# --------------------------------------------------------------------------- candidates


def candidates_for(toponym: Toponym, gazetteer: Gazetteer) -> list[Candidate]:
    """The gazetteer entries a toponym can stand for, before context is weighed."""
    if toponym.cue is not None:
        return _region_candidates(toponym, gazetteer)
    text = _POSSESSIVE.sub("", toponym.text)
    key = normalize(text)
    if key in GENERIC_NAMES:
        return []
    found = gazetteer.lookup(text)
    if len(key.replace(" ", "")) <= 2:
        # Two letters are a name only as a well-known short form: "US", "UK", "LA", "DC".
        found = [
            c
            for c in found
            if c.quality <= QUALITY_ALIAS and (c.level <= LEVEL_ADMIN1 or c.population >= 500_000)
        ]
    if not found and "," in text:
        # "Austin, Texas" in one span: the first part is the place, the rest its context.
        found = gazetteer.lookup(text.split(",")[0])
    if not found:
        part = _PART.match(text)
        if part and part.end() < len(text):
            found = gazetteer.lookup(text[part.end() :])
    # A small town's alternate name is more often someone's name or a word ("MoD" for Maud).
    found = [c for c in found if c.quality < QUALITY_ALTERNATE or c.population >= ALTERNATE_MIN_POP]
    return _prefer_cities_over_namesake_regions(found)


def _region_candidates(toponym: Toponym, gazetteer: Gazetteer) -> list[Candidate]:
    name = toponym.text
    cue = toponym.cue or ""
    words = name.split()
    if len(words) > 1 and _cue_kind(words[-1]) == cue:
        name = " ".join(words[:-1])
    if normalize(name) in GENERIC_NAMES:
        return []
    if cue == "direction":
        bare = gazetteer.lookup(name)
        regions = [c for c in bare if c.level == LEVEL_ADMIN1]
        return regions or _prefer_cities_over_namesake_regions(bare)
    subdivisions = (LEVEL_ADMIN1, LEVEL_ADMIN2)
    found = [c for c in gazetteer.lookup(toponym.text) if c.level in subdivisions]
    if not found:
        found = [c for c in gazetteer.lookup(f"{name} {cue}") if c.level in subdivisions]
    if not found:
        bare = gazetteer.lookup(name)
        found = [c for c in bare if c.level in subdivisions and c.quality <= QUALITY_ALIAS]
        if not found and cue in CITY_REGION_CUES:
            # "the Gomel region": the first-level region around the city of that name.
            seen: set[int] = set()
            for city in bare:
                if city.level != LEVEL_CITY or city.admin1 is None or city.population < 10_000:
                    continue
                region = gazetteer.admin1(city.admin1)
                if region is not None and region.id not in seen:
                    seen.add(region.id)
                    found.append(_as_reached_through(region, city))
    return found


def _as_reached_through(region: Candidate, city: Candidate) -> Candidate:
    # A region found through its city's name ranks as the city would have.
    return replace(region, population=max(region.population, city.population), quality=city.quality)


def _prefer_cities_over_namesake_regions(found: list[Candidate]) -> list[Candidate]:
    """Drop a region when a city of the same name lies in it: bare "Grodno" is the city."""
    cities = [c for c in found if c.level == LEVEL_CITY and c.admin1 and c.population >= 1_000]
    if not cities:
        return found
    city_admin1 = {c.admin1 for c in cities}
    out = []
    for c in found:
        if c.level == LEVEL_ADMIN1 and c.admin1 in city_admin1:
            continue
        if c.level == LEVEL_ADMIN2 and any(
            c.admin1 == city.admin1 and c.distance_km(city) < 60 for city in cities
        ):
            continue
        out.append(c)
    return out


# --------------------------------------------------------------------------- resolving


@dataclass
class _Context:
    """What the rest of an article resolved to, as seen from one toponym (its own key left out)."""

    countries: dict[str, set[str]]  # country -> keys of the toponyms that named it
    in_country: dict[str, set[str]]  # country -> keys of the places in it
    in_admin1: dict[str, set[str]]  # admin-1 code -> keys of the places in it
    # (key, a small place), by 1-degree cell: nearness is looked up around a point, not over all.
    grid: dict[tuple[int, int], list[tuple[str, Candidate]]]

    def others(self, table: dict[str, set[str]], code: str | None, key: str) -> bool:
        return bool(code) and bool(table.get(code or "", set()) - {key})

    def add_point(self, key: str, c: Candidate) -> None:
        self.grid.setdefault((math.floor(c.lat), math.floor(c.lon)), []).append((key, c))

    def near(self, c: Candidate, key: str) -> int:
        """How many other toponyms lie within NEAR_KM of `c`."""
        if not self.grid:
            return 0
        lat, lon = math.floor(c.lat), math.floor(c.lon)
        dlat = math.ceil(NEAR_KM / 111.0)
        dlon = min(
            180, math.ceil(NEAR_KM / (111.0 * max(0.05, math.cos(math.radians(min(89.0, abs(c.lat) + 1))))))
        )
        found: set[str] = set()
        for i in range(lat - dlat, lat + dlat + 1):
            for j in range(lon - dlon, lon + dlon + 1):
                for other, p in self.grid.get((i, (j + 180) % 360 - 180), ()):
                    if other != key and other not in found and c.distance_km(p) <= NEAR_KM:
                        found.add(other)
        return len(found)


def _base_score(c: Candidate) -> float:
    score = math.log10(c.population + 10) + W_LEVEL.get(c.level, 0.0) + W_QUALITY.get(c.quality, -2.0)
    if c.capital and c.quality <= QUALITY_ALIAS:
        score += W_CAPITAL
    return score


def _context_score(c: Candidate, key: str, ctx: _Context) -> float:
    score = 0.0
    if c.country and c.level != LEVEL_COUNTRY:
        if ctx.others(ctx.countries, c.country, key):
            score += W_COUNTRY_NAMED
        elif ctx.others(ctx.in_country, c.country, key):
            score += W_COUNTRY_SHARED
    # A city whose region the article names or shares; a region that holds the article's cities.
    if c.level >= LEVEL_ADMIN1 and ctx.others(ctx.in_admin1, c.admin1, key):
        score += W_ADMIN1
    if c.level >= LEVEL_ADMIN2:
        score += W_NEAR * min(MAX_NEAR, ctx.near(c, key))
    return score


def contains(outer: Candidate, inner: Candidate) -> bool:
    """Whether `outer` (a country or a region) holds `inner`."""
    if outer.level >= inner.level or outer.id == inner.id:
        return False
    if outer.level == LEVEL_COUNTRY:
        return inner.country == outer.country
    if outer.level == LEVEL_ADMIN1:
        return inner.admin1 is not None and inner.admin1 == outer.admin1
    if outer.level == LEVEL_ADMIN2:
        return inner.admin1 == outer.admin1 and inner.distance_km(outer) < 60
    return False


def _apposition_bonus(toponyms: Sequence[Toponym], text: str) -> dict[tuple[str, int], float]:
    """(key, candidate id) -> bonus, for names written "Town, Region" (each supports the other)."""
    bonus: dict[tuple[str, int], float] = {}
    for a, b in itertools.pairwise(toponyms):
        if not _APPOSITION.match(text[a.end : b.start]):
            continue
        for inner in a.candidates:
            for outer in b.candidates:
                if contains(outer, inner):
                    bonus[(a.key, inner.id)] = W_CONTAINS
                    bonus[(b.key, outer.id)] = W_CONTAINS
    return bonus


def _build_context(resolved: dict[str, Candidate | None]) -> _Context:
    ctx = _Context({}, {}, {}, {})
    for key, c in resolved.items():
        if c is None:
            continue
        if c.level == LEVEL_COUNTRY and c.country:
            ctx.countries.setdefault(c.country, set()).add(key)
            continue
        if c.country:
            ctx.in_country.setdefault(c.country, set()).add(key)
        if c.admin1:
            ctx.in_admin1.setdefault(c.admin1, set()).add(key)
        if c.level >= LEVEL_ADMIN2:
            ctx.add_point(key, c)
    return ctx


def resolve_toponyms(toponyms: Sequence[Toponym], gazetteer: Gazetteer, text: str = "") -> None:
    """Choose one entry per toponym: the name's best match, weighed by the article's other places.

    One sense per article: every mention written the same way resolves to the same entry.
    Names are decided one at a time, the clearest first (the widest lead of the best candidate
    over the next), and each decision becomes context for the rest; deciding all at once lets
    two ambiguous names pull each other the wrong way ("Washington" and "Parkland"). With very
    many names (a list of towns), the clearest eighth is decided at a time, to bound the work.
    """
    by_key: dict[str, list[Candidate]] = {}
    for t in toponyms:
        if t.key not in by_key:
            found = t.candidates if t.candidates else candidates_for(t, gazetteer)
            by_key[t.key] = sorted(found, key=_base_score, reverse=True)[:MAX_CANDIDATES]
        t.candidates = by_key[t.key]
    apposition = _apposition_bonus(toponyms, text) if text else {}
    decided: dict[str, Candidate | None] = {k: (cs[0] if len(cs) == 1 else None) for k, cs in by_key.items()}
    open_keys = {k for k, cs in by_key.items() if len(cs) > 1}
    ctx = _build_context(decided)
    while open_keys:
        leads: list[tuple[float, str, Candidate]] = []
        for k in sorted(open_keys):
            scored = sorted(
                (
                    (_base_score(c) + _context_score(c, k, ctx) + apposition.get((k, c.id), 0.0), i)
                    for i, c in enumerate(by_key[k])
                ),
                reverse=True,
            )
            leads.append((scored[0][0] - scored[1][0], k, by_key[k][scored[0][1]]))
        leads.sort(key=lambda x: -x[0])
        step = 1 if len(open_keys) <= ONE_AT_A_TIME else len(open_keys) // 8
        for _lead, k, c in leads[:step]:
            decided[k] = c
            open_keys.discard(k)
        ctx = _build_context(decided)
    for t in toponyms:
        t.resolved = decided.get(t.key)


def _is_strong(t: Toponym, person_tokens: set[str], firm: Sequence[Candidate]) -> bool:
    """Whether a weak span (see PRIORITY_WEAK) is a place after all."""
    c = t.resolved
    if c is None:
        return False
    if t.label == "PERSON" and normalize(t.text) in person_tokens:
        return False  # "Jordan" where the article has a "Michael Jordan"
    if c.quality == QUALITY_ALTERNATE and c.population < STRONG_ALTERNATE_POP:
        return False
    if t.label == "NORP" and c.level > LEVEL_ADMIN1:
        return False  # "Orange", "Arab": a group's name that a town also bears
    if c.level in (LEVEL_CONTINENT, LEVEL_COUNTRY, LEVEL_ADMIN1) or c.capital:
        return True
    if c.level == LEVEL_CITY and c.population >= STRONG_CITY_POP and t.label != "PERSON":
        return True
    if c.level == LEVEL_CITY and c.population >= STRONG_ALTERNATE_POP:
        return True
    if c.population >= STRONG_IN_COUNTRY_POP and any(
        o.level == LEVEL_COUNTRY and o.country == c.country for o in firm
    ):
        return True  # a sizeable town of a country the article names
    return any(o.id != c.id and c.distance_km(o) <= NEAR_KM for o in firm if o.level >= LEVEL_ADMIN2)


def _person_tokens(doc: Any) -> set[str]:
    tokens: set[str] = set()
    for ent in ents_of(doc):
        if ent.label_ == "PERSON" and len(ent) > 1:
            tokens.update(normalize(t.text) for t in ent)
    return tokens


def locate(article: Article, gazetteer: Gazetteer) -> list[Toponym]:
    """The article's toponyms, each resolved to a gazetteer entry where one fits."""
    toponyms = find_toponyms(article, gazetteer)
    resolve_toponyms(toponyms, gazetteer, article.text)
    firm = [t.resolved for t in toponyms if t.priority > PRIORITY_WEAK and t.resolved is not None]
    persons = _person_tokens(article.doc)
    listed = _listed_with_places(toponyms, article.text)
    kept = [
        t
        for t in toponyms
        if _keep(t, persons, firm, t.start in listed) and not _institution_modifier(t, article.doc)
    ]
    if len(kept) < len(toponyms):
        # Spans turned away must not weigh on the others' choice.
        resolve_toponyms(kept, gazetteer, article.text)
    return kept


def _institution_modifier(t: Toponym, doc: Any) -> bool:
    """Whether a building standing for a government modifies a noun: "White House aides", "Kremlin
    spokesman" name the institution's people, not the building (GeoWebNews: Non_Toponym)."""
    c = t.resolved
    if c is None or c.kind != "other" or c.level != LEVEL_CITY:
        return False  # of the gazetteer's entries, only such buildings are "other" at the city level
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None or span.end >= len(doc):
        return False
    return doc[span.end].tag_ in ("NN", "NNS")


def _listed_with_places(toponyms: Sequence[Toponym], text: str) -> set[int]:
    """Starts of the weak spans listed beside a firm place: "Paris and Lyon", "Brest, Pinsk"."""
    listed: set[int] = set()
    for a, b in itertools.pairwise(toponyms):
        if not _LIST.match(text[a.end : b.start]):
            continue
        if a.priority == PRIORITY_WEAK and b.priority > PRIORITY_WEAK:
            listed.add(a.start)
        if b.priority == PRIORITY_WEAK and a.priority > PRIORITY_WEAK:
            listed.add(b.start)
    return listed


def _spells_a_town(t: Toponym) -> bool:
    """Whether an organisation's acronym spells a town's name: "NATO" (Nato), "TASS" (Tass)."""
    c = t.resolved
    return (
        t.label in ("ORG", "EMBEDDED")
        and c is not None
        and c.level > LEVEL_ADMIN1
        and is_acronym(t.text)
        and not is_acronym(c.name)
    )


def _keep(t: Toponym, persons: set[str], firm: Sequence[Candidate], listed: bool) -> bool:
    if t.priority == PRIORITY_WEAK:
        if _spells_a_town(t):
            return False
        if listed and t.resolved is not None and t.resolved.quality <= QUALITY_ALIAS:
            return normalize(t.text) not in persons
        return _is_strong(t, persons, firm)
    if t.resolved is not None:
        return True
    # A GPE the gazetteer does not know is mostly a person or a firm the parser misfiled;
    # an unknown LOC or FAC is mostly a river, a street, a building.
    return t.label in ("LOC", "FAC") and normalize(t.text) not in GENERIC_NAMES


def anchor_of(
    t: Toponym, article: Article, gazetteer: Gazetteer, focus: Candidate | None
) -> Candidate | None:
    """Where to put a street or building the gazetteer does not know: at the town in its name
    ("Manila Cathedral"), else at the town the article is about."""
    if not FALLBACK_TO_FOCUS:
        return None
    span = article.doc.char_span(t.start, t.end, alignment_mode="expand")
    if focus is None or span is None or len(span) < 2:
        return focus
    for w in _name_windows(list(span), gazetteer, t.label, article.text):
        # Only a town near the article's own: "Washington Square" in a story about New York
        # is no square in Washington.
        found = [
            c
            for c in candidates_for(w, gazetteer)
            if c.quality <= QUALITY_ALIAS and c.level >= LEVEL_ADMIN1 and c.distance_km(focus) <= 2 * NEAR_KM
        ]
        if found:
            return max(found, key=_base_score)
    return focus


def place_of(t: Toponym, focus: Candidate | None = None) -> Place:
    """The record of a toponym; an unknown street or building is put at `focus`, if given."""
    c = t.resolved
    if c is None:
        if focus is None:
            return Place(start=t.start, end=t.end, text=t.text, name=t.text, kind="other", stage=STAGE_ID)
        return Place(
            start=t.start, end=t.end, text=t.text, name=t.text, kind="other", geonames_id=None,
            lat=round(focus.lat, 5), lon=round(focus.lon, 5), country=focus.country, stage=STAGE_ID,
        )  # fmt: skip
    return Place(
        start=t.start,
        end=t.end,
        text=t.text,
        name=c.name,
        kind=c.kind,
        geonames_id=c.geonames_id,
        lat=round(c.lat, 5),
        lon=round(c.lon, 5),
        country=c.country,
        adjective=t.label == "ADJ",
        stage=STAGE_ID,
    )


def focus_of(toponyms: Sequence[Toponym]) -> Candidate | None:
    """The town the article is about: its most named place below the first-level region.

    A bigger town wins over a village named as often or once more, and a town in a region the
    article names (or names other towns of) over one that stands alone.
    """
    counts: dict[int, int] = {}
    first: dict[int, Candidate] = {}
    admin1_keys: dict[str, set[str]] = {}
    for t in toponyms:
        c = t.resolved
        if c is None:
            continue
        if c.admin1:
            admin1_keys.setdefault(c.admin1, set()).add(t.key)
        if c.level >= LEVEL_ADMIN2 and c.kind != "other":
            counts[c.id] = counts.get(c.id, 0) + 1
            first.setdefault(c.id, c)
    if not counts:
        return None

    def weight(i: int) -> float:
        # Weights tuned on GeoWebNews (dev, acc161 of the streets and buildings placed so).
        c = first[i]
        supported = len(admin1_keys.get(c.admin1 or "", set())) > 1
        return counts[i] + 0.5 * math.log10(c.population + 1) + (1.0 if supported else 0.0)

    return first[max(counts, key=weight)]


@stage(
    "places",
    version=2,
    languages=ENGLISH,
    requires=("doc", "entities"),
    assigns=("places",),
    components=("tagger", "ner"),
)
def extract_places(article: Article) -> Article:
    """Find the places an article names and give each its coordinates."""
    gazetteer = Gazetteer.get()
    toponyms = locate(article, gazetteer)
    focus = focus_of(toponyms)
    article.places = [
        place_of(t, anchor_of(t, article, gazetteer, focus) if t.resolved is None else None) for t in toponyms
    ]
    return article
