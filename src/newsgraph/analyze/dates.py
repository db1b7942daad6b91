"""Dates: date expressions normalised to TIMEX3-style values, anchored on the publication date."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..article import Article, DateMention, DateRelation
from ..nlp import ents_of
from ..pipeline import ENGLISH, stage
from . import timex
from .spans import SpanIndex
from .timex import Context, Found, Tense

STAGE_ID = "dates.v2"

# Words just before a date that say how an event relates to it ("until June 25"). "by" is a
# deadline: the event happens on or before the date, so it reads as "until".
_RELATION_WORDS: tuple[tuple[str, DateRelation], ...] = (
    (r"until|till|til|through|thru|up\s+to|up\s+until|no\s+later\s+than|not\s+later\s+than|by", "until"),
    (r"since|from|starting|starting\s+from|beginning|as\s+of|effective|as\s+from", "since"),
    (r"after|following|later\s+than|not\s+before|no\s+earlier\s+than", "after"),
    (r"before|prior\s+to|ahead\s+of|earlier\s+than|in\s+the\s+run-up\s+to", "before"),
    (r"around|about|circa|approximately|roughly|some\s*time\s+around|towards?", "around"),
)
_RELATION_BEFORE = tuple(
    (re.compile(rf"\b(?:{words})\s+(?:the\s+)?$", re.IGNORECASE), relation)
    for words, relation in _RELATION_WORDS
)
# "June 30 and July 1", "June 30-July 1", "between 1985 and 1987": two dates making one span.
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|through|thru|until|till|and)\s*", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)
# "May 5-7", "June 30 and 31": the second day named by its number alone ...
_DAY_TAIL = re.compile(
    r"\s*(?:-|–|—|and|to|through|thru|until|till)\s*(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?![\d:,.]\d)",
    re.IGNORECASE,
)
# ... or the first one: "5-7 July", "from 5 to 7 July".
_DAY_HEAD = re.compile(
    r"(?<![\d.,])(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s*(?:-|–|—|and|to|through|thru|until|till)\s*$",
    re.IGNORECASE,
)
# A time and a day naming one moment: "14:00 on Monday", "Monday at 2 p.m.", "10 p.m. Wednesday".
_TIME_DAY_GAP = re.compile(r"\s*(?:,\s*)?(?:on|at|,)?\s*(?:the\s+)?", re.IGNORECASE)

# Rules whose words also make names ("April Smith", "May Department Stores", "Summer Palace").
_AMBIGUOUS_RULES = frozenset({"month", "rel_month", "season", "weekday", "month_year"})
_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP", "LAW"}
)
_NUMBER_LABELS = frozenset(
    {"CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL", "PRODUCT", "ORG", "LAW", "FAC"}
)

# The future: "will", "is scheduled to close Monday", "payable Dec. 15", "next week's talks".
_WILL = frozenset({"will", "'ll", "shall", "wo", "would"})
# Words governing an infinitive that is ahead ("plans to meet Friday"), as written: the stage
# does not need the lemmatizer.
_FUTURE_HEADS = frozenset(
    f"{stem}{ending}"
    for stem in ("plan", "expect", "schedule", "intend", "hope", "want", "aim", "agree", "decide", "promise",
                 "prepare", "propose", "vow", "pledge", "threaten", "seek")
    for ending in ("", "s", "ed", "d", "ned", "ing", "ning")
) | {"set", "sets", "sought", "due", "going", "likely", "about", "ready", "be", "is", "are", "was", "were",
     "'s", "'re", "am"}  # fmt: skip
_FUTURE_NP_WORDS = frozenset(
    {"payable", "effective", "scheduled", "due", "next", "upcoming", "coming", "planned"}
)
_PAST_AUX = frozenset({"has", "have", "had", "'ve", "'d", "was", "were"})
# Words just before a date that make it a deadline or a plan, whatever the verb's tense:
# "extended the offer until Nov. 16", "as early as Tuesday".
_FUTURE_CUE = re.compile(
    r"\b(?:until|till|as\s+soon\s+as|as\s+early\s+as|no\s+later\s+than|not\s+until|through|starting|effective|payable"
    r"|ahead\s+of)\s+(?:about\s+)?(?:the\s+)?"
    # a clock time may come between the cue and the day: "until 9 a.m. EST Tuesday"
    r"(?:(?:at\s+)?\d{1,2}(?::\d\d)?\s*(?:[ap]\.\s?m\.|[ap]m)(?:\s+(?-i:[A-Z]{2,4}))?,?\s+(?:on\s+)?)?$",
    re.IGNORECASE,
)
# Weaker: "by Friday" is ahead unless the clause is in the past ("had fallen by May").
_FUTURE_CUE_WEAK = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)

# Rules whose value depends on the tense (which year a "June 25" is, which Thursday).
_TENSED_RULES = frozenset(
    {"month_day", "day_month", "weekday_month_day", "weekday", "month", "rel_month", "season", "holiday",
     "quarter", "weekend", "spacy"}
)  # fmt: skip
# Expressions that are dates only when they resolve ("that day" with no day named before it).
_NEEDS_VALUE = frozenset({"anaphoric_day", "anaphoric_unit"})
# How far (in characters) a quarter stays the topic of financial news, for "the quarter" and
# "a year earlier", and a day the referent of "that day" and "at 10 p.m.". Scores hardly move
# between 300 and 3000 on TimeBank + AQUAINT; these are in the flat middle.
_QUARTER_REACH = 1500
_DAY_REACH = 1000
# A date read by dateparser this far from publication is a misreading (a number, a model name).
_MAX_YEARS_AWAY = 200


@dataclass
class Mention:
    """A date mention before it becomes a `DateMention`: span, values, relation, the rule that found it."""

    start: int
    end: int
    value: str | None
    end_value: str | None = None
    relation: DateRelation = "on"
    rule: str = ""


@stage(
    "dates",
    version=2,
    languages=ENGLISH,
    requires=("doc",),
    assigns=("dates",),
    components=("tagger", "parser", "ner"),
)
def extract_dates(article: Article) -> Article:
    """Find the dates an article names and normalise them."""
    mentions = find_dates(article.text, article.doc, _published(article.published))
    article.dates = [
        DateMention(
            start=m.start,
            end=m.end,
            text=article.text[m.start : m.end],
            value=m.value,
            end_value=m.end_value,
            relation=m.relation,
            stage=STAGE_ID,
        )
        for m in mentions
    ]
    return article


def _published(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def find_dates(text: str, doc: Any, published: dt.date | None) -> list[Mention]:
    """The date mentions of `text` (parsed by spaCy as `doc`), valued relative to `published`.

    Without `published` deictic expressions ("yesterday", "Thursday") get no value and calendar
    dates without a year get a year-less one ("XXXX-06-30").
    """
    ents = [(e.start_char, e.end_char, e.label_) for e in ents_of(doc)] if doc is not None else []
    scanned = timex.scan(text)
    index = SpanIndex((start, end) for start, end, _ in ents)
    found = [f for f in scanned if _plausible(f, doc, ents, index)]
    # spaCy spans the grammar already judged (kept or refused) are not read again.
    found += _spacy_leftovers(text, ents, scanned)
    found.sort(key=lambda f: f.start)
    return _join_ranges(text, _join_time_and_day(text, _resolve_all(text, doc, found, published)))


def _resolve_all(text: str, doc: Any, found: Sequence[Found], published: dt.date | None) -> list[Mention]:
    """Values for the found expressions, in text order, each in the context of those before it."""
    mentions: list[Mention] = []
    quarter: tuple[int, int] | None = None
    quarter_at = -_QUARTER_REACH
    day: dt.date | None = None
    day_at = -_DAY_REACH
    last: str | None = None
    ended = _latest_ended_quarter(published)
    for f in found:
        ctx = Context(
            published=published,
            tense=_tense(doc, text, f.start, f.end) if f.rule in _TENSED_RULES else None,
            quarter=quarter if f.start - quarter_at < _QUARTER_REACH else None,
            day=day if f.start - day_at < _DAY_REACH else None,
            last=last,
        )
        value = _dateparser_value(f.text, ctx) if f.rule == "spacy" else timex.resolve(f, ctx)
        if isinstance(value, _Drop) or (value is None and f.rule in _NEEDS_VALUE):
            continue
        q = timex.quarter_of(value) if f.rule in ("quarter", "q_short") else None
        if q is not None and (ended is None or q <= ended):
            # Only a quarter that has ended is one results are reported for: "a fourth-quarter
            # charge" in October does not make "a year ago" mean last year's fourth quarter.
            quarter, quarter_at = q, f.start
        elif f.rule in ("rel_quarter", "year_ago") and ctx.quarter:
            quarter_at = f.start
        if (d := timex.day_of(value)) is not None and f.rule not in ("time", "anaphoric_day"):
            day, day_at = d, f.start
        if value and value[:1].isdigit() and timex.granularity(value) in ("day", "month", "year"):
            last = value
        mentions.append(Mention(f.start, f.end, value, relation=_relation(text, f.start), rule=f.rule))
    return mentions


def _latest_ended_quarter(published: dt.date | None) -> tuple[int, int] | None:
    if published is None:
        return None
    q = (published.month - 1) // 3 + 1
    return (published.year, q - 1) if q > 1 else (published.year - 1, 4)


def _plausible(f: Found, doc: Any, ents: Sequence[tuple[int, int, str]], index: SpanIndex) -> bool:
    """False for words the grammar matched that spaCy reads as a name or a plain number.

    `index` holds the spans of `ents`: a long article has thousands, and only those over `f` count.
    """
    if doc is None:
        return True
    labels = {ents[i][2] for i in index.overlapping(f.start, f.end)}
    if f.rule in _AMBIGUOUS_RULES and labels & _NAME_LABELS:
        return False
    if f.rule in ("month", "season") and _after_name(f.text, f.match.string, f.start):
        return False  # "Anna March", "Teresa May"
    if labels & {"DATE", "TIME"}:
        return True
    if f.rule in ("year", "decade", "spoken_year") and labels & _NUMBER_LABELS:
        return False
    if f.rule == "month" and not f.match.group("prep"):
        return False  # a month name with no "in"/"since" before it, and spaCy sees no date
    if f.rule == "year" and f.text.isdigit():
        # A four-digit number counting something is no year ("1500 troops").
        span = doc.char_span(f.start, f.end, alignment_mode="expand")
        if span is not None and span.end < len(doc) and doc[span.end].tag_ == "NNS":
            return False
    return True


_NAME_BEFORE = re.compile(r"\b[A-Z][a-z]+\s+$")
_NOT_NAMES = frozenset(
    {"In", "Since", "Until", "By", "Early", "Late", "Mid", "Last", "Next", "This", "Through", "From",
     "Before", "After", "During", "On", "Of", "The", "And", "Or", "To", "Between", "Monday", "Tuesday",
     "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Around", "Throughout", "Beginning", "Starting"}
)  # fmt: skip


def _after_name(expression: str, text: str, start: int) -> bool:
    """Whether a bare month or season follows a capitalised word inside a sentence, as surnames do."""
    if not expression[:1].isupper() or " " in expression.strip():
        return False
    m = _NAME_BEFORE.search(text, max(0, start - 30), start)
    return m is not None and m.group().split()[0] not in _NOT_NAMES


# --- spaCy's DATE/TIME spans the grammar does not know -------------------------------------------

_DURATION = re.compile(
    r"^(?:(?:about|almost|nearly|barely|only|just|more\s+than|less\s+than|at\s+least|up\s+to|over|some|the"
    r"|the\s+(?:first|last|past|next|latest))\s+)*"
    r"(?:\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|twenty|thirty"
    r"|forty|fifty|hundreds|thousands|dozens|several|few|many|a\s+few|a\s+couple\s+of)(?:[\s-]+\S+)?[\s-]+"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|quarters?|nights?)\b",
    re.IGNORECASE,
)
_NOT_A_DATE = re.compile(
    r"\b(?:old|aged?|annual(?:ly)?|quarterly|daily|weekly|monthly|yearly|seasonally|hourly|nightly|every|each|per)\b"
    r"|-year-old|-month-old|^\d{1,3}s?$|^the\s+\d+s?$|^\d{5,}$"
    r"|^(?:the\s+)?(?:years|months|weeks|days|decades|hours|minutes|seconds|day|night|morning|evening|week|year)$",
    re.IGNORECASE,
)
_WHOLE = re.compile(r"(?s).+")
# What dateparser can read that the grammar might have missed: a number or a calendar name.
# Spans with neither ("the night of", "the days") are descriptions it cannot date.
_DATEABLE = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\b",
    re.IGNORECASE,
)


def _spacy_leftovers(text: str, ents: Sequence[tuple[int, int, str]], found: Sequence[Found]) -> list[Found]:
    """spaCy DATE/TIME entities that no grammar rule covers and that look like dates, for dateparser."""
    extra: list[Found] = []
    grammar = SpanIndex((f.start, f.end) for f in found)
    for start, end, label in ents:
        if label not in ("DATE", "TIME") or grammar.overlapping(start, end):
            continue
        span = text[start:end]
        if _DURATION.search(span) or _NOT_A_DATE.search(span) or not _DATEABLE.search(span):
            continue
        m = _WHOLE.match(text, start, end)
        if m is not None:
            extra.append(Found(start, end, "spacy", m))
    return extra


class _Drop:
    """The value of a span that turns out not to be a date."""


_DROP = _Drop()


def _dateparser_value(text: str, ctx: Context) -> str | _Drop | None:
    """dateparser's reading of a span the grammar does not know, at the granularity it names."""
    if ctx.published is None:
        return _DROP
    try:
        data = _date_parser(ctx.published, "future" if ctx.tense == "future" else "past").get_date_data(text)
    except (ValueError, OverflowError):
        return _DROP
    if data is None or data.date_obj is None:
        return _DROP
    d = data.date_obj.replace(tzinfo=None)
    if abs(d.year - ctx.published.year) > _MAX_YEARS_AWAY:
        return _DROP
    period = data.period or "day"
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "week":
        year, week, _ = d.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if period == "time":
        return str(d.strftime("%Y-%m-%dT%H:%M"))
    return str(d.date().isoformat())


@functools.lru_cache(maxsize=16)
def _date_parser(published: dt.date, prefer: str) -> Any:
    # One parser per anchor: dateparser takes RELATIVE_BASE from settings fixed when it is made.
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": dt.datetime.combine(published, dt.time(12, 0)),
            "RETURN_TIME_AS_PERIOD": True,
        },
    )


# --- context: tense and relation -------------------------------------------------------------------


def _tense(doc: Any, text: str, start: int, end: int) -> Tense | None:
    """The tense of the clause a date belongs to: past, present or future, or None if unclear."""
    if doc is None:
        return None
    tense: Tense | None = None
    pluperfect = False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None and len(span) > 0 and doc.has_annotation("DEP"):
        verb = _clause_verb(span.root)
        tense = _tense_of_verb(verb, 0) if verb is not None else _tense_of_phrase(span.root)
        pluperfect = verb is not None and _pluperfect(verb)
    elif span is not None and len(span) > 0:
        tense = _tense_from_window(doc, span)
    if _FUTURE_CUE.search(text, max(0, start - 30), start) and not pluperfect:
        return "future"  # "extended until Nov. 16", but not "until Thursday they had not ..."
    if tense != "past" and _FUTURE_CUE_WEAK.search(text, max(0, start - 30), start):
        return "future"
    return tense


def _clause_verb(token: Any) -> Any:
    """The verb a date depends on, or None for a date in a verbless phrase."""
    # The root is its own head. Tokens are compared by position: spaCy makes a new one on each access.
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.lower_ in _FUTURE_NP_WORDS or token.head.i == token.i:
            return None
        token = token.head
    return None


def _tense_of_phrase(token: Any) -> Tense | None:
    # A date in a verbless phrase: "payable Dec. 15", "effective Feb. 1", "next week's talks".
    for _ in range(6):
        if token.lower_ in _FUTURE_NP_WORDS or token.head.lower_ in _FUTURE_NP_WORDS:
            return "future"
        if token.head.i == token.i:
            break
        token = token.head
    return None


def _pluperfect(verb: Any) -> bool:
    """Whether a verb, or the verb its infinitive hangs on, is in the past perfect ("had been due to")."""
    for _ in range(3):
        if "had" in {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}:
            return True
        if verb.head.i == verb.i:
            break
        verb = verb.head
    return False


def _tense_of_verb(verb: Any, depth: int) -> Tense | None:
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & _WILL:
        return "future"
    if "to" in aux and depth < 3 and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX", "ADJ"):
        # An infinitive takes its time from what governs it; after "plan", "due", "expected" it is
        # ahead ("planned to leave Thursday") unless the plan is in the past perfect ("had been
        # due to expire Friday").
        head = verb.head
        governor = head if head.pos_ in ("VERB", "AUX") else head.head
        if head.lower_ in _FUTURE_HEADS:
            return "past" if _pluperfect(governor) else "future"
        return _tense_of_verb(governor, depth + 1)
    if verb.tag_ == "VBN" and verb.lower_ in _FUTURE_HEADS and aux & {"is", "are", "'s", "'re", "am"}:
        return "future"  # "talks are planned around Christmas", "is scheduled for Monday"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and aux & _PAST_AUX):
        return "past"
    if verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl", "amod"):
        return "past"  # "the quarter ended Sept. 30"
    if verb.tag_ in ("VBZ", "VBP"):
        return "present"
    if verb.tag_ == "VB" and "did" in aux:
        return "past"
    if verb.tag_ == "VB" and aux & {"can", "may", "might", "must", "should", "could"}:
        return "future"
    # The progressive is a plan ("is meeting Monday") as often as not ("is continuing"): no call.
    return None


def _tense_from_window(doc: Any, span: Any) -> Tense | None:
    # Without a parse: the nearest verb group in a window around the date.
    best: tuple[int, Tense] | None = None
    for token in doc[max(0, span.start - 12) : min(len(doc), span.end + 8)]:
        tense: Tense | None = None
        if token.lower_ in _WILL or token.lower_ in _FUTURE_NP_WORDS:
            tense = "future"
        elif token.tag_ == "VBD":
            tense = "past"
        elif token.tag_ in ("VBZ", "VBP") and token.lower_ not in _PAST_AUX:
            tense = "present"
        distance = min(abs(token.i - span.start), abs(token.i - span.end))
        if tense and (best is None or distance < best[0]):
            best = (distance, tense)
    return best[1] if best else None


def _relation(text: str, start: int) -> DateRelation:
    before = text[max(0, start - 40) : start]
    for pattern, relation in _RELATION_BEFORE:
        if pattern.search(before):
            return relation
    return "on"


# --- joining mentions: a time and its day, the two ends of a range ---------------------------------


def _join_time_and_day(text: str, mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        if i + 1 < len(mentions) and _TIME_DAY_GAP.fullmatch(text, m.end, mentions[i + 1].start):
            timed = _at_time(m, mentions[i + 1]) or _at_time(mentions[i + 1], m)
            if timed is not None:
                out.append(replace(timed, start=m.start, end=mentions[i + 1].end, relation=m.relation))
                i += 2
                continue
        out.append(m)
        i += 1
    return out


def _at_time(time: Mention, day: Mention) -> Mention | None:
    """The day at the time, if `time` is a clock time and `day` a day ("14:00" + "Monday")."""
    if time.rule != "time" or day.rule == "time" or timex.RULE_GRANULARITY.get(day.rule) != "day":
        return None
    if time.value is None or day.value is None:
        return replace(day, value=None, rule="time")
    if timex.granularity(day.value) != "day" or "T" not in time.value:
        return None
    return replace(day, value=day.value.split("T", 1)[0] + "T" + time.value.split("T", 1)[1], rule="time")


def _join_ranges(text: str, mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        if i + 1 < len(mentions) and _is_range(text, m, mentions[i + 1]):
            nxt = mentions[i + 1]
            opened = _RANGE_OPEN.search(text, max(0, m.start - 12), m.start)
            out.append(replace(m, end=nxt.end, end_value=nxt.value, relation="on" if opened else m.relation))
            i += 2
            continue
        out.append(_with_bare_day(text, m))
        i += 1
    return out


def _is_range(text: str, a: Mention, b: Mention) -> bool:
    if not a.value or not b.value or not _RANGE_GAP.fullmatch(text, a.end, b.start):
        return False
    kind = timex.granularity(a.value)
    if kind != timex.granularity(b.value) or kind in ("ref", "other") or b.value <= a.value:
        return False
    # "and" joins two days into one span ("June 30 and July 1"); between coarser times it lists
    # them ("in 1990 and 1995") unless "between" opens the pair.
    if text[a.end : b.start].strip().lower() == "and" and kind != "day":
        return _RANGE_OPEN.search(text, max(0, a.start - 12), a.start) is not None
    return True


def _with_bare_day(text: str, m: Mention) -> Mention:
    """A day-of-month mention widened by a second day named by number: "May 5-7", "5 to 7 July"."""
    if m.rule not in ("month_day", "day_month", "weekday_month_day") or not m.value or len(m.value) != 10:
        return m
    tail = _DAY_TAIL.match(text, m.end) if m.rule != "day_month" else None
    if tail is not None:
        end_value = f"{m.value[:8]}{int(tail.group('day')):02d}"
        if end_value > m.value and _valid_day(end_value):
            return replace(m, end=tail.end(), end_value=end_value)
    head = _DAY_HEAD.search(text, max(0, m.start - 12), m.start) if m.rule == "day_month" else None
    if head is not None:
        value = f"{m.value[:8]}{int(head.group('day')):02d}"
        if value < m.value and _valid_day(value):
            return replace(m, start=head.start(), value=value, end_value=m.value)
    return m


def _valid_day(value: str) -> bool:
    return value.startswith("XXXX") or timex.day_of(value) is not None
