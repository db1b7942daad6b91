"""Name comparison that survives transliteration: Lukashenko/Lukashenka, Kyiv/Kiev, Gomel/Homel."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# Latin spellings of one Cyrillic sound, folded to one letter. Order matters: longer first.
# Drawn from the common romanisations (BGN/PCGN, ISO 9 simplifications, Ukrainian and
# Belarusian national systems), where Russian "g" is Ukrainian/Belarusian "h".
_FOLDS = (
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "c"),
    ("kh", "h"),
    ("zh", "z"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("ph", "f"),
    ("yu", "u"),
    ("iu", "u"),
    ("ju", "u"),
    ("ya", "a"),
    ("ia", "a"),
    ("ja", "a"),
    ("ye", "e"),
    ("je", "e"),
    ("yo", "o"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("g", "h"),
    ("y", "i"),
    ("j", "i"),
)
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _ in _FOLDS))
_FOLD_MAP = dict(_FOLDS)
_DOUBLE_RE = re.compile(r"(.)\1+")
_VOWELS_RE = re.compile(r"[aeiou]")
_NON_LETTER_RE = re.compile(r"[^a-z]")


def ascii_fold(text: str) -> str:
    """Lower case, accents and apostrophes stripped, letters only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NON_LETTER_RE.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


@functools.lru_cache(maxsize=65536)
def translit_key(name: str) -> str:
    """A spelling-insensitive key: romanisation variants folded, doubled letters collapsed."""
    folded = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], ascii_fold(name))
    return _DOUBLE_RE.sub(r"\1", folded)


def skeleton(key: str) -> str:
    return _VOWELS_RE.sub("", key)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (small strings: names)."""
    if a == b:
        return 0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@functools.lru_cache(maxsize=65536)
def same_name(a: str, b: str) -> bool:
    """True when two single names are spellings of one name (Lukashenko ~ Lukashenka).

    The consonants must agree and the vowels differ in at most one place (two for long names):
    transliterations from Cyrillic vary in vowels (o/a endings, i/y/ie) far more than in
    consonants.
    """
    ka, kb = translit_key(a), translit_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if ka[0] != kb[0] or skeleton(ka) != skeleton(kb) or len(skeleton(ka)) < 2:
        return False
    shortest = min(len(ka), len(kb))
    allowed = 1 if shortest < 6 else 2
    return shortest >= 3 and edit_distance(ka, kb) <= allowed


@functools.lru_cache(maxsize=1)
def _detector() -> Any:
    """gender-guesser's first names of many countries (about 40,000), with their genders."""
    from gender_guesser.detector import Detector

    return Detector()


@functools.lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    return frozenset(name.casefold() for name in _detector().names)


@functools.lru_cache(maxsize=4096)
def given_name_gender(word: str) -> str | None:
    """ "male" or "female" for a first name that is one or the other in most countries and not the
    other in the United States ("Jean" is neither: male in France, mostly female in the US)."""
    if not word[:1].isalpha():
        return None
    detector = _detector()
    name = word[0].upper() + word[1:].lower()
    gender = detector.get_gender(name)
    if gender not in ("male", "female"):
        return None
    other = "female" if gender == "male" else "male"
    return None if detector.get_gender(name, "usa") in (other, f"mostly_{other}") else str(gender)


def is_given_name(word: str) -> bool:
    return word.casefold() in _given_names()
