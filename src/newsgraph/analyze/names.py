"""Name comparison that survives transliteration: Lukashenko/Lukashenka, Kyiv/Kiev, Gomel/Homel."""

from __future__ import annotations

import functools
import re
import unicodedata

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
