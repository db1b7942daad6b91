"""A regex grammar of English date expressions and their TIMEX3-style values, anchored on a date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from typing import Any, Literal

Tense = Literal["past", "present", "future"]
Granularity = Literal["day", "week", "month", "quarter", "season", "year", "ref", "other"]

PRESENT_REF = "PRESENT_REF"
PAST_REF = "PAST_REF"
FUTURE_REF = "FUTURE_REF"


@dataclass(frozen=True)
class Context:
    """What a value is anchored on: the publication date and what the text says around the mention.

    Without `published`, deictic expressions ("yesterday", "Thursday", "last week") get no value
    and calendar expressions without a year get a year-less one ("XXXX-06-30", "XXXX-06").
    """

    published: dt.date | None = None
    tense: Tense | None = None
    # The quarter (year, 1-4) the text last named: financial news says "the quarter" and
    # "a year earlier" and means that quarter (TimeBank's convention).
    quarter: tuple[int, int] | None = None
    # The last day named before the mention, for "that day", "the next day", "at 10 p.m.".
    day: dt.date | None = None
    # The last year, month or day value named before the mention, for "that year", "the following month".
    last: str | None = None


@dataclass(frozen=True)
class Found:
    """A date expression found in a text: its span, the rule that found it, and its match."""

    start: int
    end: int
    rule: str
    match: re.Match[str]

    @property
    def text(self) -> str:
        return self.match.string[self.start : self.end]


Resolver = Callable[[re.Match[str], Context], str | None]


@dataclass(frozen=True)
class Rule:
    """A pattern of the grammar, the function that values its matches, and their granularity."""

    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    granularity: Granularity
    # A check on the match that the pattern cannot say compactly.
    accept: Callable[[re.Match[str]], bool] | None = None


# --- vocabulary -------------------------------------------------------------------------------------

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
DAY_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
# "last week" is -1 week, "the following month" +1: the step each relative word takes.
_STEPS = {
    "last": -1, "past": -1, "previous": -1, "the past": -1, "the last": -1, "the previous": -1,
    "the prior": -1, "next": 1, "coming": 1, "the coming": 1, "the next": 1, "the following": 1,
    "following": 1,
}  # fmt: skip


def _month_names(*, bare_abbreviations: bool) -> str:
    # Capitalised or upper case only, so the modal "may" and the verb "march" never match.
    # Abbreviations without their period ("Jan", "Dec") are also names; they count as months
    # only with a day or a year.
    full = [m.capitalize() for m in MONTHS if len(m) > 4 or m in ("may", "june", "july")]
    abbrev = [m.capitalize() for m in MONTHS if len(m) <= 4 and m not in ("may", "june", "july")]
    alts = [*full, *(n.upper() for n in full), *(a + r"\." for a in abbrev)]
    if bare_abbreviations:
        alts += abbrev
    alts.sort(key=len, reverse=True)
    return "(?-i:" + "|".join(alts) + r")(?!\w)"


_MONTH = _month_names(bare_abbreviations=True)
_MONTH_NAME = _month_names(bare_abbreviations=False)
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?-i:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)"
_ORDINAL_DAY = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty[\s-]first)"
)
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\d,]\d)"
_COUNT = (
    r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|fifty)"
)
_VAGUE_COUNT = r"(?:a\s+few|few|several|a\s+couple\s+of|a\s+couple|some|many)"
_QUARTER_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
# "nineteen ninety-six" in transcripts; "two thousand" only as "the year two thousand", since
# "two thousand troops" is a count.
_SPOKEN_YEAR = (
    rf"(?:nineteen[\s-](?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]{_ONES})?|ten|eleven"
    rf"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred)"
    rf"|the\s+year\s+two\s+thousand(?:\s+and\s+(?:{_ONES}|ten))?)"
)
_ZONE = (
    r"(?:\s+(?-i:[ECMP][SD]T|GMT|UTC|BST|CET|CEST|EEST|EET|MSK)|\s+local\s+time"
    r"|\s+(?:Moscow|Kyiv|Kiev)\s+time)?"
)


# The rules' patterns as written, without the first-character guard `_compile` adds (for tests).
PLAIN_PATTERNS: dict[str, str] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    # Every expression starts a word: the leading check lets the engine skip positions inside
    # words at once instead of trying every alternative there (about twice as fast). The guard
    # before it, a look-ahead at the characters a match can start with, lets the engine give up
    # at most word starts without trying the alternatives (another third off); it only refuses
    # positions where no match can start, so the matches are the same.
    plain = rf"(?<!\w)(?:{pattern})"
    first = _first_characters(plain)
    compiled = re.compile((f"(?=[{''.join(sorted(first))}])" if first else "") + plain, re.IGNORECASE)
    PLAIN_PATTERNS[compiled.pattern] = plain
    return compiled


_CATEGORIES = {
    _sre.CATEGORY_DIGIT: r"\d",
    _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w",
    _sre.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT)
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)


def _first_characters(pattern: str) -> set[str] | None:
    """The members of a character class holding every character a match of `pattern` can start
    with (under IGNORECASE), or None when that cannot be told (or a match can be empty)."""
    found = _first_of_sequence(list(_sre_parser.parse(pattern, re.IGNORECASE)))
    return found[0] if found is not None and not found[1] and found[0] else None


def _first_of_sequence(items: list[Any]) -> tuple[set[str], bool] | None:
    """(class members, whether the sequence can match nothing) of a parsed sequence, or None."""
    members: set[str] = set()
    for op, av in items:
        found = _first_of_item(op, av)
        if found is None:
            return None
        members |= found[0]
        if not found[1]:
            return members, False
    return members, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str], bool] | None:
    if op is _sre.LITERAL:
        return {re.escape(chr(av))}, False
    if op is _sre.IN:
        members: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                members.add(re.escape(chr(value)))
            elif kind is _sre.RANGE:
                members.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif kind is _sre.CATEGORY and value in _CATEGORIES:
                members.add(_CATEGORIES[value])
            else:
                return None  # a negated set, ...
        return members, False
    if op in _ZERO_WIDTH:
        return set(), True  # look-arounds and \b consume nothing: the next item starts the match
    if op is _sre.SUBPATTERN:
        return _first_of_sequence(list(av[3]))
    if op is _sre.BRANCH:
        members, empty = set(), False
        for alternative in av[1]:
            found = _first_of_sequence(list(alternative))
            if found is None:
                return None
            members |= found[0]
            empty = empty or found[1]
        return members, empty
    if op in _REPEATS:
        found = _first_of_sequence(list(av[2]))
        return None if found is None else (found[0], found[1] or av[0] == 0)
    return None  # anything else (., back-references, ...): no guard


# --- calendar arithmetic ------------------------------------------------------------------------------


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _week_value(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _quarter_of(d: dt.date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def _prev_quarter(year: int, q: int) -> tuple[int, int]:
    return (year, q - 1) if q > 1 else (year - 1, 4)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# How much a day ahead of / behind publication costs when picking the year of "June 25" or
# "in May": the nearest occurrence wins, the side the tense argues against counting several
# times over. Deadlines in past-tense sentences ("extended the offer to Nov. 20") are common,
# so the past tense does not forbid the future outright. Tuned on TimeBank + AQUAINT
# (month-day and bare-month mentions; value F is flat for past factors 3-6).
_SIDE_COST: dict[Tense | None, tuple[float, float]] = {
    "past": (4.0, 1.0),
    "present": (1.5, 1.0),
    "future": (1.0, 4.0),
    None: (1.5, 1.0),
}


def _pick_year(
    month: int, day: int | None, ctx: Context, *, before: bool = False, after: bool = False
) -> int | None:
    """The year of a month (and day) named without one: the nearest plausible one, by tense.

    `before`/`after` force the strict past or future ("last May", "next March").
    """
    pub = ctx.published
    if pub is None:
        return None
    candidates = [
        (y, d) for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _day_in(y, month, day or 1))
    ]
    if not candidates:
        return None  # no such day in any year ("April 31")
    anchor = pub if day is not None else dt.date(pub.year, pub.month, 1)
    if before:
        return max((y for y, d in candidates if d < anchor), default=None)
    if after:
        return min((y for y, d in candidates if d > anchor), default=None)
    ahead_cost, behind_cost = _SIDE_COST[ctx.tense]

    def cost(candidate: tuple[int, dt.date]) -> float:
        days = (candidate[1] - anchor).days
        return days * ahead_cost if days > 0 else -days * behind_cost

    return min(candidates, key=cost)[0]


def _day_in(year: int, month: int, day: int) -> dt.date | None:
    # February 29 stands in as the 28th in the years without one.
    return _safe_date(year, month, day) or (dt.date(year, 2, 28) if (month, day) == (2, 29) else None)


def _weekday_date(weekday: int, ctx: Context, modifier: str) -> dt.date | None:
    """The date of a weekday named alone or with last/next/this, relative to publication."""
    pub = ctx.published
    if pub is None:
        return None
    back = (pub.weekday() - weekday) % 7  # days back to the latest such weekday, 0 = today
    forward = (weekday - pub.weekday()) % 7
    if modifier in ("the previous", "the following") and ctx.day is not None:
        # "the previous Friday" after a date: the Friday before that date.
        ref = ctx.day
        if modifier == "the previous":
            return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7 or 7)
        return ref + dt.timedelta(days=(weekday - ref.weekday()) % 7 or 7)
    if modifier in ("last", "this past", "the previous", "previous", "past"):
        return pub - dt.timedelta(days=back or 7)
    if modifier in ("next", "this coming", "the following", "coming", "following"):
        return pub + dt.timedelta(days=forward or 7)
    if modifier == "this":
        return pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(days=weekday)
    if ctx.tense == "future":
        return pub + dt.timedelta(days=forward)
    return pub - dt.timedelta(days=back)


def _easter(year: int) -> dt.date:
    # The anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th weekday of a month; n = -1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


_FIXED_HOLIDAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "new years day": (1, 1),
    "new years eve": (12, 31), "halloween": (10, 31), "valentines day": (2, 14), "independence day": (7, 4),
    "veterans day": (11, 11), "boxing day": (12, 26),
}  # fmt: skip


def _holiday(name: str, year: int) -> dt.date | None:
    name = " ".join(name.lower().replace("'", "").split())
    if name in _FIXED_HOLIDAYS:
        return dt.date(year, *_FIXED_HOLIDAYS[name])
    if name.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 3, 4)
    if name == "election day":
        return _nth_weekday(year, 11, 0, 1) + dt.timedelta(days=1)
    if name == "memorial day":
        return _nth_weekday(year, 5, 0, -1)
    if name == "labor day":
        return _nth_weekday(year, 9, 0, 1)
    if name in ("easter", "easter sunday", "easter day"):
        return _easter(year)
    if name == "good friday":
        return _easter(year) - dt.timedelta(days=2)
    return None


def _shift(unit: str, n: int, pub: dt.date | None) -> str | None:
    """The unit (week, month, ...) `n` steps from the one holding the publication date."""
    if pub is None:
        return None
    unit = unit.lower()
    if unit.startswith("day"):
        return _iso(pub + dt.timedelta(days=n))
    if unit.startswith("weekend"):
        return _week_value(pub + dt.timedelta(days=5 - pub.weekday() + 7 * n)) + "-WE"
    if unit.startswith("week"):
        return _week_value(pub + dt.timedelta(weeks=n))
    if unit.startswith("month"):
        return _month_value(*_add_months(pub.year, pub.month, n))
    if unit.startswith("quarter"):
        year, q = _quarter_of(pub)
        k = year * 4 + q - 1 + n
        return f"{k // 4:04d}-Q{k % 4 + 1}"
    if unit.startswith("decade"):
        return f"{pub.year // 10 + n:03d}"
    if unit.startswith("centur"):
        return f"{pub.year // 100 + n:02d}"
    if "year" in unit:
        return f"{pub.year + n:04d}"
    return None


# --- reading the words -------------------------------------------------------------------------------


def _g(m: re.Match[str], name: str) -> str:
    """Group `name` of a match, or "" when the rule has no such group or it took no part."""
    if name not in m.re.groupindex:
        return ""
    return m.group(name) or ""


def _words(m: re.Match[str], name: str) -> str:
    """Group `name`, lower case, with its whitespace normalised ("this  past" -> "this past")."""
    return " ".join(_g(m, name).lower().split())


def _month_of(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _day_number(text: str) -> int:
    text = text.lower()
    if digits := re.match(r"\d+", text):
        return int(digits.group())
    parts = re.split(r"[\s-]+", text)
    return NUMBERS[parts[0]] + ORDINALS[parts[1]] if len(parts) == 2 else ORDINALS[text]


def _count(word: str) -> int | None:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else NUMBERS.get(word)


def _spoken_year(text: str) -> int | None:
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w not in ("the", "year", "and")]
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(NUMBERS.get(w, 0) for w in words[2:])
    if words[:1] == ["nineteen"]:
        return 1900 + (0 if words[1:] == ["hundred"] else sum(NUMBERS.get(w, 0) for w in words[1:]))
    return None


def _short_year(text: str) -> int:
    year = int(text)
    return year + (1900 if year > 50 else 2000) if year < 100 else year


# --- values: calendar dates ----------------------------------------------------------------------------


def _date_or_yearless(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return f"XXXX-{month:02d}-{day:02d}"
    d = _safe_date(year, month, day)
    return _iso(d) if d else None


def _resolve_iso(m: re.Match[str], ctx: Context) -> str | None:
    d = _safe_date(int(_g(m, "y")), int(_g(m, "m")), int(_g(m, "d")))
    if d is None:
        return None
    return _iso(d) + (f"T{_g(m, 'hh')}:{_g(m, 'mm')}" if _g(m, "hh") else "")


def _resolve_slash(m: re.Match[str], ctx: Context) -> str | None:
    a, b, year = int(_g(m, "a")), int(_g(m, "b")), _short_year(_g(m, "y"))
    month, day = (b, a) if a > 12 else (a, b)  # US order unless the first field cannot be a month
    d = _safe_date(year, month, day)
    return _iso(d) if d else None


def _resolve_month_day(m: re.Match[str], ctx: Context) -> str | None:
    """A month and a day, with or without the year: "June 30", "30 June 2022", "last Oct. 23"."""
    month = _month_of(_g(m, "mon") or _g(m, "mon2"))
    day = _day_number(_g(m, "day") or _g(m, "day2"))
    year: int | None
    if _g(m, "year"):
        year = int(_g(m, "year"))
    elif _g(m, "sy"):
        year = _spoken_year(_g(m, "sy"))
    else:
        rel = _words(m, "rel")
        year = _pick_year(
            month, day, ctx, before=rel in ("last", "this past"), after=rel in ("next", "this coming")
        )
    return _date_or_yearless(year, month, day)


def _resolve_month_year(m: re.Match[str], ctx: Context) -> str | None:
    month = _month_of(_g(m, "mon"))
    if _g(m, "year"):
        return _month_value(int(_g(m, "year")), month)
    if _g(m, "sy"):
        year = _spoken_year(_g(m, "sy"))
        return _month_value(year, month) if year else None
    if ctx.published is None:
        return None
    return _month_value(ctx.published.year + _STEPS.get(_words(m, "rel"), 0), month)


def _resolve_rel_month(m: re.Match[str], ctx: Context) -> str | None:
    """A month named with last/next/this: "last May", "this September"."""
    month = _month_of(_g(m, "mon"))
    if ctx.published is None:
        return f"XXXX-{month:02d}"
    rel = _words(m, "rel")
    if rel in ("last", "this past", "past"):
        year = _pick_year(month, None, ctx, before=True)
    elif rel in ("next", "this coming", "coming"):
        year = _pick_year(month, None, ctx, after=True)
    else:
        year = ctx.published.year
    return _month_value(year, month) if year else None


def _resolve_month(m: re.Match[str], ctx: Context) -> str | None:
    month = _month_of(_g(m, "mon"))
    year = _pick_year(month, None, ctx)
    return f"XXXX-{month:02d}" if year is None else _month_value(year, month)


def _resolve_holiday(m: re.Match[str], ctx: Context) -> str | None:
    name = _g(m, "hol")
    if _g(m, "year"):
        d = _holiday(name, int(_g(m, "year")))
        return _iso(d) if d else None
    pub = ctx.published
    if pub is None:
        return None
    rel = _words(m, "rel")
    options = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _holiday(name, y)) is not None]
    if rel == "last" or (ctx.tense == "past" and rel != "next"):
        past = [d for d in options if d <= pub]
        return _iso(past[-1]) if past else None
    if rel == "next" or ctx.tense == "future":
        future = [d for d in options if d >= pub]
        return _iso(future[0]) if future else None
    return _iso(min(options, key=lambda d: abs((d - pub).days))) if options else None


def _resolve_week_of(m: re.Match[str], ctx: Context) -> str | None:
    d = day_of(_resolve_month_day(m, ctx))
    return _week_value(d) if d else None


# --- values: years, decades, centuries -------------------------------------------------------------------


def _resolve_year(m: re.Match[str], ctx: Context) -> str | None:
    return f"{int(_g(m, 'year')):04d}"


def _resolve_spoken_year(m: re.Match[str], ctx: Context) -> str | None:
    year = _spoken_year(_g(m, "sy"))
    if year is None:
        return None
    return f"{year:04d}-{SEASONS[_g(m, 'season').lower()]}" if _g(m, "season") else f"{year:04d}"


_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip


def _resolve_decade(m: re.Match[str], ctx: Context) -> str | None:
    if _g(m, "full"):
        return _g(m, "full")[:3]
    if _g(m, "short"):
        short = int(_g(m, "short"))
        return f"{19 if short >= 30 else 20}{short // 10}"  # "the '90s" but "the '10s"
    return f"19{_DECADE_WORDS[_g(m, 'word').lower()]}"


def _resolve_century(m: re.Match[str], ctx: Context) -> str | None:
    return f"{int(_g(m, 'n')) - 1:02d}"  # the 20th century is 19xx


def _resolve_this_century(m: re.Match[str], ctx: Context) -> str | None:
    return _shift("century", _STEPS.get(_words(m, "rel"), 0), ctx.published)


def _resolve_year_end(m: re.Match[str], ctx: Context) -> str | None:
    if _g(m, "year"):
        return _g(m, "year")
    return f"{ctx.published.year:04d}" if ctx.published else None


def _resolve_the_year(m: re.Match[str], ctx: Context) -> str | None:
    return f"{ctx.published.year:04d}" if ctx.published else None


def _resolve_year_ago(m: re.Match[str], ctx: Context) -> str | None:
    """A year before: in financial news the quarter in the news a year before ("a year earlier")."""
    if ctx.published is None:
        return None
    if ctx.quarter is not None:
        return f"{ctx.quarter[0] - 1:04d}-Q{ctx.quarter[1]}"
    return f"{ctx.published.year - 1:04d}"


# --- values: quarters, halves, seasons -------------------------------------------------------------------


def _quarter_year(q: int, ctx: Context) -> int | None:
    """The year of "the third quarter" named without one: the latest such quarter that has begun."""
    pub = ctx.published
    if pub is None:
        return None
    start = 3 * (q - 1) + 1
    if start > pub.month and (ctx.tense == "past" or start - pub.month > 3):
        return pub.year - 1
    return pub.year


def _focus_quarter(ctx: Context) -> tuple[int, int] | None:
    """The quarter a text is about: the one it last named, else the latest one that has ended."""
    if ctx.quarter:
        return ctx.quarter
    return _prev_quarter(*_quarter_of(ctx.published)) if ctx.published else None


def _resolve_quarter(m: re.Match[str], ctx: Context) -> str | None:
    """An ordinal quarter: "the third quarter", "third-quarter", "next year's first quarter"."""
    q = ORDINALS[_g(m, "q").lower()]
    year: int | None
    if _g(m, "year") or _g(m, "year2"):
        year = int(_g(m, "year") or _g(m, "year2"))
    elif _g(m, "ryear"):
        year = ctx.published.year + _STEPS.get(_words(m, "ryear"), 0) if ctx.published else None
    elif _g(m, "ago"):
        base = ctx.quarter[0] if ctx.quarter else _quarter_year(q, ctx)
        year = base - 1 if base else None
    else:
        year = _quarter_year(q, ctx)
    return f"{year:04d}-Q{q}" if year else None


def _resolve_rel_quarter(m: re.Match[str], ctx: Context) -> str | None:
    """A quarter by reference: "the quarter", "the latest quarter", "the year-ago period"."""
    if ctx.published is None:
        return None
    rel = _words(m, "rel")
    focus = _focus_quarter(ctx)
    if _g(m, "ago") or _g(m, "ago2") or _g(m, "det").lower().startswith("last"):
        return f"{focus[0] - 1:04d}-Q{focus[1]}" if focus else None
    if _g(m, "year"):
        return f"{int(_g(m, 'year')):04d}-Q{focus[1]}" if focus else None
    ended = _prev_quarter(*_quarter_of(ctx.published))
    if rel == "current":
        year, q = _quarter_of(ctx.published)
    elif rel in ("last", "previous", "past", "prior"):
        year, q = ended
    elif rel in ("next", "coming", "following"):
        year, q = _quarter_of(ctx.published)
        year, q = (year, q + 1) if q < 4 else (year + 1, 1)
    elif rel in ("latest", "most recent"):
        # The latest quarter with results: the one in the news if it has ended, else the last that has.
        year, q = ctx.quarter if ctx.quarter and ctx.quarter <= ended else ended
    elif focus is not None:
        year, q = focus
    else:
        return None
    return f"{year:04d}-Q{q}"


def _resolve_half(m: re.Match[str], ctx: Context) -> str | None:
    """A half: "the first half of 2020", "the first two quarters of 1990", "the last half of the '80s"."""
    if _g(m, "decade") or _g(m, "d2"):
        decade = _g(m, "decade") or _g(m, "d2")
        return decade[:3] if len(decade) >= 4 else f"19{decade[0]}"
    h = 1 if _g(m, "h").lower() in ("first", "1st") else 2
    return f"{int(_g(m, 'year')):04d}-H{h}" if _g(m, "year") else None


def _resolve_season(m: re.Match[str], ctx: Context) -> str | None:
    code = SEASONS[_g(m, "season").lower()]
    if _g(m, "year"):
        return f"{int(_g(m, 'year')):04d}-{code}"
    pub = ctx.published
    if pub is None:
        return None
    if _g(m, "ryear"):
        return f"{pub.year + _STEPS.get(_words(m, 'ryear'), 0):04d}-{code}"
    rel = _words(m, "rel")
    start = SEASON_START[code]
    # The season of that name running or nearest at publication; winter is named after the year it begins in.
    this_year = pub.year - 1 if code == "WI" and pub.month < 3 else pub.year
    begun = (code == "WI" and pub.month < 3) or dt.date(this_year, start, 1) <= pub
    ended = dt.date(this_year, start, 1) + dt.timedelta(days=92) <= pub
    if rel in ("last", "this past", "past", "previous"):
        year = this_year if ended and code != "WI" else this_year - 1
    elif rel in ("next", "this coming", "coming", "following"):
        year = this_year + 1 if begun else this_year
    elif rel in ("this", "the current", "current"):
        year = this_year
    elif ctx.tense == "future":
        year = this_year + 1 if ended else this_year
    else:
        year = this_year if begun else this_year - 1
    return f"{year:04d}-{code}"


# --- values: weeks, days and times relative to publication ------------------------------------------------


def _resolve_rel_unit(m: re.Match[str], ctx: Context) -> str | None:
    """A unit relative to publication: "last week", "this year", "the past year", "earlier this month"."""
    return _shift(_words(m, "unit"), _STEPS.get(_words(m, "rel"), 0), ctx.published)


def _resolve_unit_edge(m: re.Match[str], ctx: Context) -> str | None:
    return _shift(_g(m, "unit"), 0, ctx.published)


def _resolve_ago(m: re.Match[str], ctx: Context) -> str | None:
    """A distance from publication, or from the day in the story: "two days ago", "ten days later"."""
    direction = _words(m, "dir")
    if _g(m, "vague"):
        return FUTURE_REF if direction in ("later", "after") else PAST_REF
    count = _count(_g(m, "n"))
    if direction == "before" and re.match(r"\s+\w", m.string[m.end() :]):
        return None  # "ten days before the shooting": counted from an event, not a date
    # "ago" counts back from publication; "later", "earlier" and "before" from the day in the story.
    anchor = ctx.published if direction in ("ago", "back") or ctx.day is None else ctx.day
    if count is None or anchor is None:
        return None
    n = count * (-1 if direction in ("ago", "earlier", "before", "back") else 1)
    unit = _g(m, "unit").lower()
    if unit.startswith("day"):
        return _iso(anchor + dt.timedelta(days=n))
    if unit.startswith("week"):
        return _week_value(anchor + dt.timedelta(weeks=n))
    if unit.startswith("month"):
        return _month_value(*_add_months(anchor.year, anchor.month, n))
    if unit.startswith("year"):
        return f"{anchor.year + n:04d}"
    return f"{anchor.year + 10 * n:04d}"  # decades


_DAY_WORDS = {
    "today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
    "the day after tomorrow": 2, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "last night": -1, "last evening": -1, "tomorrow night": 1,
}  # fmt: skip


def _resolve_day_word(m: re.Match[str], ctx: Context) -> str | None:
    if ctx.published is None:
        return None
    word = _words(m, "word")
    d = ctx.published + dt.timedelta(days=_DAY_WORDS[word])
    part = _g(m, "part") or _g(m, "part0")
    if not part and word.endswith(("night", "evening", "morning", "afternoon")):
        part = "night" if word.endswith("tonight") else word.split()[-1]
    return _iso(d) + ("T" + DAY_PARTS[part.lower()] if part else "")


def _resolve_weekday(m: re.Match[str], ctx: Context) -> str | None:
    weekday = WEEKDAYS[_g(m, "wd").lower().rstrip(".")]
    d = _weekday_date(weekday, ctx, _words(m, "rel"))
    if d is None:
        return None
    clock = _g(m, "clock").lower()
    if clock:
        return _iso(d) + ("T12:00" if clock == "noon" else "T24:00")
    part = _g(m, "part").lower()
    return _iso(d) + ("T" + DAY_PARTS[part] if part else "")


def _resolve_weekend(m: re.Match[str], ctx: Context) -> str | None:
    """ "Over the weekend": the latest weekend, or the coming one in the future tense."""
    pub = ctx.published
    if pub is None:
        return None
    return _shift("weekend", 0 if ctx.tense == "future" or pub.weekday() >= 5 else -1, pub)


def _resolve_time(m: re.Match[str], ctx: Context) -> str | None:
    """A clock time on the day in the story, or on the publication day: "at 10 p.m.", "at 14:00"."""
    day = ctx.day or ctx.published
    if day is None:
        return None
    if _g(m, "word"):
        hour, minute = (12, 0) if _g(m, "word").lower() in ("noon", "midday") else (24, 0)
    else:
        hour = int(_g(m, "hh") or _g(m, "hh2") or _g(m, "hh3"))
        minute = int(_g(m, "mm") or _g(m, "mm2") or 0)
        ampm = _g(m, "ampm").lower().replace(".", "").replace(" ", "")
        if hour < 12 and (ampm.startswith("p") or _g(m, "part").lower() in ("afternoon", "evening", "night")):
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
    return f"{_iso(day)}T{hour:02d}:{minute:02d}"


def _resolve_anaphoric_day(m: re.Match[str], ctx: Context) -> str | None:
    """A day relative to the last day the text named: "that day", "the next day", "the day before"."""
    if ctx.day is None:
        return None
    word = _words(m, "word")
    shift = 0
    if any(w in word for w in ("next", "following", "after", "later")):
        shift = 1
    elif any(w in word for w in ("before", "previous", "a day earlier")):
        shift = -1
    return _iso(ctx.day + dt.timedelta(days=shift))


def _resolve_anaphoric_unit(m: re.Match[str], ctx: Context) -> str | None:
    """A year or month relative to the last one the text named: "that year", "the following month"."""
    if ctx.last is None or not (last := re.match(r"(\d{4})(?:-(\d\d))?", ctx.last)):
        return None
    n = _STEPS.get(_words(m, "rel"), 0)
    year = int(last.group(1))
    if _g(m, "unit").lower() == "year":
        return f"{year + n:04d}"
    return _month_value(*_add_months(year, int(last.group(2)), n)) if last.group(2) else None


def _ref(value: str) -> Resolver:
    def resolve(m: re.Match[str], ctx: Context) -> str | None:
        return value

    return resolve


# --- the grammar ---------------------------------------------------------------------------------------
# Where matches overlap the longest wins, then the earlier rule. The group "t" (when a rule has
# one) is the expression proper: words matched only to confirm it (a preposition before a bare
# month) stay outside the span.


def _accept_rel_quarter(m: re.Match[str]) -> bool:
    # "the quarter" names the quarter in the news; "period" alone is no time ("a transition period").
    if _g(m, "rel") or _g(m, "year") or _g(m, "ago") or _g(m, "ago2"):
        return True
    return _g(m, "unit").lower() == "quarter" and bool(_g(m, "det"))


RULES: tuple[Rule, ...] = (
    Rule(
        "iso",
        _compile(
            r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
            r"(?:[T ](?P<hh>[0-2]\d):(?P<mm>[0-5]\d))?(?![\d-])"
        ),
        _resolve_iso,
        "day",
    ),
    Rule(
        "slash",
        _compile(r"(?<![\d/.])(?P<a>[01]?\d|[23]\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)\d\d|\d\d)(?![\d/])"),
        _resolve_slash,
        "day",
    ),
    Rule(
        "weekday_month_day",
        _compile(
            rf"(?:(?:this\s+coming|this\s+past|last|next|this)\s+)?{_WEEKDAY},?\s+(?:the\s+)?"
            rf"(?:(?P<mon>{_MONTH})\s+(?P<day>{_DAY}|{_ORDINAL_DAY})|(?P<day2>{_DAY})\s+(?:of\s+)?(?P<mon2>{_MONTH}))"
            rf"(?:,?\s+(?P<year>{_YEAR}))?"
        ),
        _resolve_month_day,
        "day",
    ),
    Rule(
        "month_day",
        _compile(
            rf"(?:(?P<rel>last|next|this\s+past|this\s+coming)\s+)?(?P<mon>{_MONTH})\s*(?P<day>{_DAY}|{_ORDINAL_DAY})"
            rf"(?:\s*,\s*|\s+)?(?:(?P<year>{_YEAR})|(?P<sy>{_SPOKEN_YEAR}))?"
        ),
        _resolve_month_day,
        "day",
    ),
    Rule(
        "day_month",
        _compile(
            rf"(?:the\s+)?(?P<day>{_DAY}|{_ORDINAL_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?"
        ),
        _resolve_month_day,
        "day",
    ),
    Rule(
        "month_year",
        _compile(
            rf"(?P<mon>{_MONTH})(?:\s+of|,)?\s+(?:(?P<year>{_YEAR})|(?P<sy>{_SPOKEN_YEAR})|(?P<rel>this|last|next)\s+year)"
        ),
        _resolve_month_year,
        "month",
    ),
    Rule(
        "rel_month",
        _compile(
            rf"(?P<rel>this\s+coming|this\s+past|last|next|this|coming|past)\s+(?P<mon>{_MONTH_NAME})(?!\s*\d)"
        ),
        _resolve_rel_month,
        "month",
    ),
    Rule(
        "month",
        # A bare month is a time after a word such as "in" or "since" (`prep`); without one the
        # stage asks spaCy whether it is a date: "May" also starts sentences and names people.
        _compile(
            r"(?P<prep>\b(?:in|since|until|till|by|of|during|through|from|to|before|after|between|and|or|early|mid"
            r"|late|around|last|next|this|throughout|starting|beginning|ending|in\s+early|in\s+late|in\s+mid)"
            rf"[\s-]+)?(?P<t>(?P<mon>{_MONTH_NAME}))(?!\s+\d)(?!\s*-\s*\d)"
        ),
        _resolve_month,
        "month",
    ),
    Rule(
        "holiday",
        _compile(
            r"(?:(?P<rel>last|next|this)\s+)?(?-i:(?P<hol>Christmas(?:\s+(?:Day|Eve))?|New\s+Year'?s\s+(?:Day|Eve)"
            r"|Thanksgiving(?:\s+Day)?|Halloween|Valentine'?s\s+Day|Independence\s+Day|Veterans\s+Day"
            r"|Election\s+Day|Memorial\s+Day|Labor\s+Day|Easter(?:\s+(?:Sunday|Day))?|Good\s+Friday|Boxing\s+Day))\b"
            rf"(?!\s+(?-i:Island|Rising|Parade|Offensive))(?:,?\s+(?P<year>{_YEAR}))?"
        ),
        _resolve_holiday,
        "day",
    ),
    Rule(
        "quarter",
        _compile(
            r"(?:(?:the|its|their|a|this|that|his|her|our)\s+)?(?:(?P<ryear>this|last|next)\s+year'?s\s+)?"
            rf"(?:(?P<year>{_YEAR})\s+)?(?:(?:(?P<ago>year[\s-]+(?:ago|earlier))|comparable|fiscal|flat|same)[\s-]+)*"
            rf"(?P<q>{_QUARTER_ORD})[\s-]+(?:fiscal[\s-]+)?quarter(?![\w-])"
            rf"(?:\s+of\s+(?:fiscal\s+)?(?P<year2>{_YEAR}))?"
        ),
        _resolve_quarter,
        "quarter",
    ),
    Rule(
        "q_short",
        _compile(rf"\b(?-i:Q(?P<qn>[1-4]))(?:\s+|\s*-\s*|')(?P<year>{_YEAR}|\d\d)\b"),
        lambda m, ctx: f"{_short_year(_g(m, 'year')):04d}-Q{_g(m, 'qn')}",
        "quarter",
    ),
    Rule(
        "half",
        _compile(
            r"(?:the\s+)?(?P<h>first|second|last|1st|2nd)\s+(?:half|two\s+quarters)\s+of\s+(?:the\s+)?"
            rf"(?:(?P<year>{_YEAR})|(?P<decade>(?:19|20)?\d0)'?s|'(?P<d2>\d0)s)"
        ),
        _resolve_half,
        "quarter",
    ),
    Rule(
        "rel_quarter",
        _compile(
            r"(?<![\w-])(?:(?P<det>the|this|that|its|last\s+year's)\s+)?(?:(?P<rel>latest|current|last|previous|past"
            rf"|prior|next|coming|following|same|most\s+recent|comparable|corresponding)\s+)?(?:(?P<year>{_YEAR})\s+)?"
            r"(?:(?P<ago>year[\s-]+(?:ago|earlier)|year[\s-]+before)[\s-]+)?(?:fiscal[\s-]+)?(?P<unit>quarter|period)"
            r"(?![\w-])(?P<ago2>\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year))?"
        ),
        _resolve_rel_quarter,
        "quarter",
        accept=_accept_rel_quarter,
    ),
    Rule(
        "year_ago",
        _compile(r"(?:\ba\s+year\s+(?:ago|earlier|before)|\byear[\s-](?:earlier|ago)\b)"),
        _resolve_year_ago,
        "year",
    ),
    Rule(
        "season",
        # A season needs a word that makes it a time: "fall" is also a verb, "spring" a noun.
        _compile(
            r"(?:(?P<rel>this\s+past|this\s+coming|last|next|this|the\s+current|past|coming)\s+"
            r"|(?:the|that|early|late|mid)[\s-]+(?:(?:early|late)\s+)?|(?P<ryear>this|last|next)\s+year'?s\s+"
            r"|(?<=\bin\s)|(?<=\bduring\s)|(?<=\bsince\s)|(?<=\buntil\s)|(?<=\bby\s)|(?<=\bover\s))"
            rf"(?P<season>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?\b"
        ),
        _resolve_season,
        "season",
    ),
    Rule(
        "season_year",
        _compile(rf"(?P<season>spring|summer|fall|autumn|winter)\s+(?:of\s+)?(?P<year>{_YEAR})"),
        _resolve_season,
        "season",
    ),
    Rule(
        "spoken_year",
        _compile(
            rf"(?:(?:the\s+)?(?P<season>spring|summer|fall|autumn|winter)\s+of\s+)?(?P<sy>{_SPOKEN_YEAR})"
            r"(?![\s-]+(?:percent|dollars|people))"
        ),
        _resolve_spoken_year,
        "year",
    ),
    Rule(
        "decade",
        _compile(
            r"(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?:(?P<full>(?:1[5-9]|20)\d0)'?s\b|'(?P<short>\d0)s\b"
            r"|(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b)"
        ),
        _resolve_decade,
        "year",
    ),
    Rule(
        "century",
        _compile(r"(?:the\s+)?(?P<n>1\d|2[01]|[1-9])(?:st|nd|rd|th)[\s-]+century"),
        _resolve_century,
        "year",
    ),
    Rule(
        "this_century",
        _compile(r"(?P<rel>this|last)\s+century"),
        _resolve_this_century,
        "year",
    ),
    Rule(
        "year_end",
        _compile(
            rf"(?:the\s+end\s+of\s+the\s+year|year[\s-]end|year'?s\s+end|the\s+end\s+of\s+(?P<year>{_YEAR}))"
        ),
        _resolve_year_end,
        "year",
    ),
    Rule(
        "year",
        _compile(
            rf"(?<![\d$£€.,/-])(?:(?:fiscal|FY|mid|early|late|pre|post)[\s-]?)?(?P<year>{_YEAR})"
            r"(?![\d%]|\.\d|-\d|\s*(?:%|percent))"
        ),
        _resolve_year,
        "year",
    ),
    Rule(
        "anaphoric_unit",
        _compile(
            r"(?:(?:earlier|later)\s+)?(?P<rel>that|the\s+following|the\s+previous|the\s+prior|the\s+same)\s+"
            r"(?P<unit>year|month)\b"
        ),
        _resolve_anaphoric_unit,
        "other",
    ),
    Rule(
        "rel_unit",
        _compile(
            r"(?:(?:earlier|later|early|late|mid|the\s+(?:end|beginning|start|middle)\s+of)[\s-]+)?"
            r"(?P<rel>last|this|next|past|previous|coming|current|following|the\s+past|the\s+last|the\s+previous"
            r"|the\s+coming|the\s+next|the\s+following|the\s+current|the\s+latest|the\s+same)\s+"
            r"(?:fiscal\s+)?(?P<unit>week(?:end)?|month|year|decade|fiscal\s+year)\b"
            r"(?![\s-]+(?:old|long)\b)(?!'s\s+(?:\d|[a-z]+teen))(?!\s+or\s+(?:two|more))"
        ),
        _resolve_rel_unit,
        "other",
    ),
    Rule(
        "ago",
        _compile(
            r"(?:(?:nearly|almost|about|some|just|only|more\s+than|less\s+than|over|roughly|around|barely)\s+)?"
            rf"(?:(?P<n>{_COUNT})|(?P<vague>{_VAGUE_COUNT}))\s+(?P<unit>days?|weeks?|months?|years?|decades?)"
            r"(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|before|back)\b"
        ),
        _resolve_ago,
        "other",
    ),
    Rule(
        "day_word",
        _compile(
            r"(?:(?:early|late|earlier|later)\s+|(?:(?:at|in\s+the)\s+)?(?:mid[\s-]?)?(?P<part0>morning|afternoon|evening)\s+)?"
            r"(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|tonight|yesterday"
            r"|tomorrow\s+night|tomorrow|this\s+(?:morning|afternoon|evening)|last\s+(?:night|evening))"
            r"(?:'s)?(?:\s+(?P<part>morning|afternoon|evening|night))?(?![\w-])"
        ),
        _resolve_day_word,
        "day",
    ),
    Rule(
        "weekday",
        _compile(
            r"(?:(?P<rel>this\s+coming|this\s+past|the\s+previous|the\s+following|last|next|this|previous|past|coming)\s+"
            r"|(?:early|late|earlier|later)\s+|(?P<clock>midnight|noon)\s+(?:on\s+)?)?"
            rf"(?P<wd>{_WEEKDAY})(?:'s)?(?:\s+(?P<part>morning|afternoon|evening|night))?"
            rf"(?!\s*,?\s*(?:{_MONTH}|the\s+\d))"
        ),
        _resolve_weekday,
        "day",
    ),
    Rule(
        "time",
        _compile(
            r"(?:(?P<hh>[01]?\d|2[0-3])(?::(?P<mm>[0-5]\d))?\s*(?P<ampm>[ap]\.\s?m\.|[ap]m\b|(?-i:[AP]M)\b)"
            r"|\b(?P<hh3>[01]?\d|2[0-3])(?:\s+o'clock)?\s+in\s+the\s+(?P<part>morning|afternoon|evening|night)"
            r"|(?<!\bhigh\s)\b(?P<word>noon|midday|midnight)\b"  # "high noon" is an idiom, not a time
            r"|(?<=\bat\s)(?P<hh2>[01]?\d|2[0-3]):(?P<mm2>[0-5]\d)(?![\d.:,])"
            r")" + _ZONE
        ),
        _resolve_time,
        "day",
    ),
    Rule(
        "anaphoric_day",
        _compile(
            r"(?P<word>(?:earlier|later)\s+that\s+day|that\s+(?:same\s+)?day|the\s+same\s+day|the\s+(?:next|following"
            r"|previous)\s+(?:day|morning)|the\s+day\s+(?:before|after)|a\s+day\s+(?:later|earlier))"
        ),
        _resolve_anaphoric_day,
        "day",
    ),
    Rule(
        "week_of",
        _compile(rf"the\s+week\s+of\s+(?P<mon>{_MONTH})\s*(?P<day>{_DAY})(?:,?\s+(?P<year>{_YEAR}))?"),
        _resolve_week_of,
        "week",
    ),
    Rule(
        "weekend",
        _compile(
            r"\b(?:over|during|on|at|for|ahead\s+of|before|after|since|until|through|by)\s+(?P<t>the\s+weekend)\b"
        ),
        _resolve_weekend,
        "week",
    ),
    Rule(
        "unit_edge",
        _compile(r"the\s+(?:end|beginning|start|middle|close)\s+of\s+(?:the|this)\s+(?P<unit>month|week)\b"),
        _resolve_unit_edge,
        "other",
    ),
    Rule(
        "the_year",
        # "for the year", "sales for the full year": the publication year, in business news.
        _compile(
            r"\b(?:for|in|during|of|through|over)\s+(?P<t>the\s+(?:full\s+|fiscal\s+|entire\s+|whole\s+"
            r"|current\s+fiscal\s+)?year)\b(?![\s-]*(?:ago|earlier|before|after|later|old|-|'s|two\s+thousand|\d))"
        ),
        _resolve_the_year,
        "year",
    ),
    # TIMEX3 gives the present, the past and the future as such a value of their own. The words
    # below are the ones TimeBank + AQUAINT annotate more often than not ("now": 60 of 85 uses,
    # "currently" 10 of 16, "recently" 13 of 20); "soon" (5 of 18), "previously" (3 of 23),
    # "recent" + noun (12 of 29) and "already" (2 of 38) are left out. None is ever a calendar date.
    Rule(
        "present_ref",
        _compile(
            r"\b(?:right\s+now|now|currently|nowadays|these\s+days|at\s+present|at\s+the\s+moment|presently"
            r"|(?<!\bthe\s)(?<!\bits\s)(?<!\btheir\s)current(?!\s+(?:account|affairs|events|law|rules)))\b(?![-'])"
        ),
        _ref(PRESENT_REF),
        "ref",
    ),
    Rule(
        "past_ref",
        _compile(
            r"\b(?:(?:more\s+|most\s+|until\s+|only\s+)?recently|lately|then[\s-]current|(?:in\s+)?past\s+(?:years|decades)"
            r"|(?:in\s+)?recent\s+(?:years|months|weeks|days|decades|times)"
            r"|the\s+(?:past|last)\s+(?:few|several|couple\s+of)\s+(?:years|months|weeks|days|decades|quarters)"
            r"|in\s+the\s+past(?!\s+(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten|year|month"
            r"|week|day|decade|quarter|century))|formerly)\b"
        ),
        _ref(PAST_REF),
        "ref",
    ),
    Rule(
        "future_ref",
        _compile(
            r"\b(?:the\s+(?:near\s+|distant\s+|foreseeable\s+)?future"
            r"|(?:the\s+)?(?:coming|upcoming)\s+(?:years|months|weeks|days|quarters)|future\s+(?:years|quarters|months)"
            r"|the\s+(?:near|short|long)\s+term|in\s+the\s+(?:years|months|weeks)\s+ahead|as\s+soon\s+as\s+possible"
            r"|a\s+later\s+date)\b"
        ),
        _ref(FUTURE_REF),
        "ref",
    ),
)

RULE_GRANULARITY = {rule.name: rule.granularity for rule in RULES}
_RULES_BY_NAME = {rule.name: rule for rule in RULES}

# What a rule's matches cannot do without: groups of words, a match holding one word of each
# group (read off the pattern's compulsory parts); a word in lower case is looked for in the
# lower-cased text, one with a capital (a case-sensitive part of the pattern) as written. `scan`
# skips a rule whose words are absent, a substring test instead of a regular-expression pass:
# most of the 36 rules find nothing in most articles. A rule missing here always runs.
# Month names: capitalised or upper case (`_month_names`), "Sept" holding "Sep".
_MONTHS_3 = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
)  # fmt: skip
_WEEKDAYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "Mon.", "Tue.", "Tues.", "Wed.", "Thu.", "Thur.", "Thurs.", "Fri.", "Sat.", "Sun.",
)  # fmt: skip
_HOLIDAYS = (
    "Christmas", "Year", "Thanksgiving", "Halloween", "Valentine", "Independence", "Veterans",
    "Election", "Memorial", "Labor", "Easter", "Friday", "Boxing",
)  # fmt: skip
_SEASONS = ("spring", "summer", "fall", "autumn", "winter")
_UNITS = ("day", "week", "month", "year", "decade")
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "iso": (("-",),),
    "slash": (("/",),),
    "weekday_month_day": (_WEEKDAYS, _MONTHS_3),
    "month_day": (_MONTHS_3,),
    "day_month": (_MONTHS_3,),
    "month_year": (_MONTHS_3,),
    "rel_month": (_MONTHS_3, ("this", "last", "next", "coming", "past")),
    "month": (_MONTHS_3,),
    "holiday": (_HOLIDAYS,),
    "quarter": (("quarter",),),
    "q_short": (("Q1", "Q2", "Q3", "Q4"),),
    "half": (("half", "quarters"),),
    "rel_quarter": (("quarter", "period"),),
    "year_ago": (("year",),),
    "season": (_SEASONS,),
    "season_year": (_SEASONS,),
    "spoken_year": (("nineteen", "thousand"),),
    "decade": (("0s", "0's", "ties"),),
    "century": (("century",),),
    "this_century": (("century",),),
    "year_end": (("end",),),
    "anaphoric_unit": (("year", "month"), ("that", "following", "previous", "prior", "same")),
    "rel_unit": (
        ("week", "month", "year", "decade"),
        ("last", "this", "next", "past", "previous", "coming", "current", "following", "latest", "same"),
    ),
    "ago": (("ago", "earlier", "later", "before", "back"), _UNITS),
    "day_word": (("yesterday", "today", "tonight", "tomorrow", "morning", "afternoon", "evening", "night"),),
    "weekday": (_WEEKDAYS,),
    "time": (
        (
            "a.",
            "p.",
            "am",
            "pm",
            "morning",
            "afternoon",
            "evening",
            "night",
            "noon",
            "midday",
            "midnight",
            ":",
        ),
    ),
    "anaphoric_day": (("day", "morning"),),
    "week_of": (("week",), _MONTHS_3),
    "weekend": (("weekend",),),
    "unit_edge": (("month", "week"),),
    "the_year": (("year",),),
    "present_ref": (("now", "current", "days", "present", "moment"),),
    "past_ref": (("recent", "lately", "current", "past", "last", "formerly"),),
    "future_ref": (("future", "coming", "term", "ahead", "possible", "later"),),
}
_NEEDS_CASED = {
    name: tuple(tuple((word, word != word.lower()) for word in group) for group in groups)
    for name, groups in _NEEDS.items()
}
# The characters other than ASCII that IGNORECASE matches to ASCII letters (dotted and dotless
# i, the long s, the Kelvin sign), and whose `str.lower` differs from that: with one of them in
# the text, the word test could miss a match, so every rule runs.
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
# "early", "the end of", ... before an expression belong to its span; the value stays the expression's.
_MOD_BEFORE = re.compile(
    r"\b(?:(?:the\s+)?(?:very\s+)?(?:early|mid|late|earlier|later)|the\s+(?:very\s+)?(?:beginning|start|end|middle"
    r"|close|turn|first\s+half|second\s+half|first\s+days?|last\s+days?|first\s+weeks?|last\s+weeks?)\s+of"
    r"(?:\s+the)?)[\s-]+$",
    re.IGNORECASE,
)


# --- the interface ----------------------------------------------------------------------------------------


def scan(text: str) -> list[Found]:
    """Every date expression in `text`, longest first where they overlap, in text order."""
    candidates: list[tuple[int, int, int, Found]] = []
    lower = None if _FOLDS_TO_ASCII.search(text) else text.lower()
    for priority, rule in enumerate(RULES):
        if lower is not None and not all(
            any(word in (text if cased else lower) for word, cased in group)
            for group in _NEEDS_CASED.get(rule.name, ())
        ):
            continue
        for m in rule.pattern.finditer(text):
            if rule.accept is not None and not rule.accept(m):
                continue
            start, end = m.span("t") if _g(m, "t") else m.span()
            while end > start and text[end - 1] in " ,\t\n":
                end -= 1
            if rule.granularity != "ref" and (mod := _MOD_BEFORE.search(text, max(0, start - 40), start)):
                start = mod.start()
            if end > start:
                candidates.append((start, end, priority, Found(start, end, rule.name, m)))
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[Found] = []
    occupied = bytearray(len(text) + 1)
    for start, end, _, found in candidates:
        if not any(occupied[start:end]):
            occupied[start:end] = b"\x01" * (end - start)
            taken.append(found)
    return sorted(taken, key=lambda f: f.start)


def resolve(found: Found, ctx: Context) -> str | None:
    """The TIMEX3-style value of a found expression in its context, or None."""
    return _RULES_BY_NAME[found.rule].resolve(found.match, ctx)


_GRANULARITY_OF_VALUE: tuple[tuple[re.Pattern[str], Granularity], ...] = (
    (re.compile(r"[\dX]{4}-[\dX]{2}-[\dX]{2}(T.*)?"), "day"),
    (re.compile(r"\d{4}-W\d\d(-WE)?"), "week"),
    (re.compile(r"[\dX]{4}-[\dX]{2}"), "month"),
    (re.compile(r"\d{4}-[QH]\d"), "quarter"),
    (re.compile(r"\d{4}-(SP|SU|FA|WI)"), "season"),
    (re.compile(r"\d{2,4}"), "year"),
    (re.compile(r"(PAST|PRESENT|FUTURE)_REF"), "ref"),
)


def granularity(value: str | None) -> Granularity:
    """How fine a value is: day, week, month, quarter, season, year, ref (PAST_REF ...) or other."""
    for pattern, kind in _GRANULARITY_OF_VALUE:
        if value and pattern.fullmatch(value):
            return kind
    return "other"


def day_of(value: str | None) -> dt.date | None:
    """The date of a day-granular value, or None."""
    if value and re.match(r"\d{4}-\d\d-\d\d", value):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def quarter_of(value: str | None) -> tuple[int, int] | None:
    """(year, quarter) of a quarter value such as 1989-Q3, or None."""
    if value and (m := re.fullmatch(r"(\d{4})-Q([1-4])", value)):
        return int(m.group(1)), int(m.group(2))
    return None
