"""Numbers written in words or digits, normalised: "four thousand" → 4000, "1.5 million", "dozens" → 24–99."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

from ..article import Qualifier

# Larger numbers are codes or garbage, not counts (and would not survive a JSON round trip).
MAX_VALUE: Final = 1e15

UNITS: Final = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES: Final = {
    "hundred": 100, "thousand": 1_000, "k": 1_000, "million": 1_000_000, "mln": 1_000_000, "m": 1_000_000,
    "billion": 1_000_000_000, "bln": 1_000_000_000, "bn": 1_000_000_000, "trillion": 1_000_000_000_000,
}  # fmt: skip
# Words that stand for a number and the range they cover: "dozens of houses" is at least 24.
VAGUE: Final[dict[str, tuple[int, int | None]]] = {
    "dozen": (12, 12), "dozens": (24, 99), "hundreds": (200, 999), "thousands": (2000, 9999),
    "tens": (20, 99), "millions": (2_000_000, 9_999_999), "billions": (2_000_000_000, 9_999_999_999),
    "several": (3, 9), "a few": (2, 5), "scores": (40, 99), "a couple": (2, 2), "a pair": (2, 2),
}  # fmt: skip
FRACTIONS: Final = {
    "half": 0.5,
    "a half": 0.5,
    "a third": 1 / 3,
    "a quarter": 0.25,
    "third": 1 / 3,
    "quarter": 0.25,
}

# Words before a number that qualify it, longest first where one is a prefix of another.
QUALIFIERS: Final[tuple[tuple[str, Qualifier], ...]] = (
    ("no more than", "up_to"), ("not more than", "up_to"), ("as many as", "up_to"), ("as much as", "up_to"),
    ("up to", "up_to"),
    ("a maximum of", "up_to"), ("at most", "up_to"),
    ("at least", "at_least"), ("no fewer than", "at_least"), ("no less than", "at_least"),
    ("not less than", "at_least"), ("a minimum of", "at_least"), ("minimum", "at_least"),
    ("more than", "more_than"), ("over", "more_than"), ("above", "more_than"), ("in excess of", "more_than"),
    ("upwards of", "more_than"), ("nearly", "about"), ("almost", "about"), ("about", "about"),
    ("around", "about"), ("approximately", "about"), ("roughly", "about"), ("some", "about"),
    ("an estimated", "about"), ("estimated", "about"), ("close to", "about"), ("circa", "about"),
    ("approaches", "about"), ("approaching", "about"), ("nearing", "about"),
    ("less than", "less_than"), ("fewer than", "less_than"), ("under", "less_than"), ("below", "less_than"),
    # "only 8,000 remain" stresses the number without bounding it: "only" and "just" are left out.
    ("exactly", "exactly"), ("precisely", "exactly"),
)  # fmt: skip
# "more than 2,000" reads as "over 2,000"; "2,000 or more", "2,000 and more" likewise after it.
TRAILING_QUALIFIERS: Final[tuple[tuple[str, Qualifier], ...]] = (
    ("or more", "at_least"), ("and more", "at_least"), ("or so", "about"), ("or less", "up_to"),
    ("at most", "up_to"), ("at least", "at_least"), ("plus", "at_least"),
)  # fmt: skip

_DIGITS = re.compile(r"^[+-]?(?:\d{1,3}(?:[,  ]\d{3})+|\d+)(?:\.\d+)?$")
_SUFFIXED = re.compile(r"^(\d+(?:[.,]\d+)?)(k|m|mln|bn|bln)$", re.IGNORECASE)
_HYPHEN_WORDS = re.compile(r"^([a-z]+)-([a-z]+)$")


@dataclass(frozen=True)
class Number:
    """A normalised number: its value and, for a range or a vague word, its upper bound."""

    value: float | int
    upper: float | int | None = None


def parse_number(text: str) -> Number | None:
    """The number `text` writes, or None when it is not one number.

    >>> parse_number("four thousand")
    Number(value=4000, upper=None)
    >>> parse_number("1.5 million")
    Number(value=1500000, upper=None)
    >>> parse_number("dozens")
    Number(value=24, upper=99)
    """
    words = _words(text)
    if not words or len(words) > 12:
        return None
    joined = " ".join(words)
    if joined in VAGUE:
        low, high = VAGUE[joined]
        return Number(low, high if high != low else None)
    # "tens of thousands", "hundreds of thousands": the vague word scaled.
    if len(words) == 3 and words[0] in VAGUE and words[1] == "of" and words[2].rstrip("s") in SCALES:
        low, high = VAGUE[words[0]]
        scale = SCALES[words[2].rstrip("s")]
        return Number(low * scale, (high * scale if high is not None else None))
    for sep in ("to", "-", "–", "and", "or"):
        if sep in words[1:-1]:
            i = words.index(sep, 1)
            if sep == "and" and (words[i + 1] in FRACTIONS or " ".join(words[i + 1 :]) in FRACTIONS):
                continue  # "two and a half"
            low_n, high_n = _value(words[:i]), _value(words[i + 1 :])
            if low_n is not None and high_n is not None:
                # "3 to 5 thousand": the scale of the upper bound carries to a bare lower one.
                if high_n > low_n * 100 and len(words[:i]) == 1 and words[i + 1 :][-1] in SCALES:
                    low_n = low_n * SCALES[words[-1]]
                if high_n >= low_n:
                    return Number(_tidy(low_n), _tidy(high_n))
            break  # "one hundred and fifty" is one number, read below
    value = _value(words)
    if value is None or not math.isfinite(value) or abs(value) > MAX_VALUE:
        return None  # "9" * 400 is a code or garbage, not a count
    return Number(_tidy(value))


def _words(text: str) -> list[str]:
    text = text.strip().lower().replace("\u2013", " – ").replace("’", "'")
    out: list[str] = []
    for raw in text.split():
        token = raw.strip(".;:!?()\"“”'")
        if not token:
            continue
        m = _HYPHEN_WORDS.match(token)
        if m and m.group(1) in UNITS and m.group(2) in UNITS:
            out.extend([m.group(1), m.group(2)])
        elif "-" in token and token.count("-") == 1 and all(_DIGITS.match(p) for p in token.split("-")):
            a, b = token.split("-")
            out.extend([a, "-", b])
        else:
            out.append(token)
    return out


def _value(words: list[str]) -> float | None:
    words = [w for w in words if w not in ("and", "a")] or (["1"] if words == ["a"] else [])
    if not words:
        return None
    if len(words) == 1:
        single = _single(words[0])
        if single is not None:
            return single
    total = 0.0
    current: float | None = None
    for w in words:
        n = _single(w)
        if w in SCALES and w not in ("k", "m"):
            scale = SCALES[w]
            base = 1.0 if current is None else current
            if scale == 100:
                current = base * 100
            else:
                total += base * scale
                current = None
        elif n is not None:
            if current is not None and not _joins(current, n):
                return None  # "two three": not one number
            current = (current or 0.0) + n
        elif w in FRACTIONS:
            current = (current or 0.0) + FRACTIONS[w]
        else:
            return None
    return total + (current or 0.0)


def _joins(current: float, n: float) -> bool:
    """Whether `n` continues the number so far: "hundred" + "twenty", "twenty" + "five"."""
    tens = current % 100
    if tens == 0 and current >= 100:
        return n < 100
    return tens >= 20 and tens % 10 == 0 and n < 10


def _single(word: str) -> float | None:
    if word in UNITS:
        return float(UNITS[word])
    if _DIGITS.match(word):
        cleaned = re.sub(r"[,  ](?=\d{3})", "", word)
        try:
            return float(cleaned)
        except ValueError:
            return None
    m = _SUFFIXED.match(word)
    if m:
        return float(m.group(1).replace(",", ".")) * SCALES[m.group(2).lower()]
    return None


def _tidy(value: float) -> float | int:
    # 65.4 * 1e9 is 65400000000.00001 in floating point: round to what was written.
    rounded = round(value, 6)
    if abs(rounded - round(rounded)) < 1e-6 * max(1.0, abs(rounded)):
        return round(rounded)
    return rounded


def qualifier_before(text: str) -> Qualifier | None:
    """The qualifier that `text` (the words just before a number) ends with, if any."""
    found = qualifier_phrase_before(text)
    return found[1] if found else None


def qualifier_phrase_before(text: str) -> tuple[str, Qualifier] | None:
    """The qualifying phrase `text` ends with ("up to") and its qualifier, if any."""
    lowered = " " + " ".join(text.lower().split())
    for phrase, qualifier in QUALIFIERS:
        if lowered.endswith(" " + phrase):
            return phrase, qualifier
    return None


def qualifier_after(text: str) -> Qualifier | None:
    """The qualifier that `text` (the words just after a number and its unit) starts with, if any."""
    lowered = " ".join(re.sub(r"[,;.)”\"]", " ", text.lower()).split()) + " "
    for phrase, qualifier in TRAILING_QUALIFIERS:
        if lowered.startswith(phrase + " "):
            return qualifier
    return None
