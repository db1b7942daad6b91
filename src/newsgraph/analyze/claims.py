"""Numeric claims: every number about the world, normalised, with its unit, place, date and source.

A claim is read from the spaCy parse and the annotations of earlier stages: the quote a number
sits in gives its source (the quote's speaker), "according to X" in its sentence gives one too,
otherwise the article itself is the source. Places and dates are taken from the claim's sentence
(inside the quote when it sits in one) and, for a quote, from the quote's earlier sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..article import Article, Claim, DateMention, Quote
from ..nlp import entity_of, sents_of
from ..pipeline import ENGLISH, stage
from .numbers import SCALES, VAGUE, Number, parse_number, qualifier_after, qualifier_phrase_before
from .spans import SpanIndex

STAGE_ID: Final = "claims.v2"

# Nouns a number counts only through "of": "300 units of equipment" counts equipment.
CONTAINER_NOUNS: Final = frozenset({"unit", "item", "piece", "head", "kind", "type", "batch"})
# Words before a number that make it a label, not a count: "page 3", "Article 5", "flight 17".
LABEL_WORDS: Final = frozenset(
    {
        "page", "pages", "p.", "pp.", "no", "no.", "nos.", "number", "#", "chapter", "article", "paragraph",
        "section", "part", "room", "flight", "route", "line", "bus", "tram", "channel", "vol.", "volume",
        "issue", "episode", "season", "grade", "class", "level", "phase", "stage", "paragraphs", "item",
        "resolution", "order", "decree", "law", "act", "code", "version", "model", "block", "building",
        "apartment", "house", "street", "highway", "road", "gate", "platform", "category", "group", "squad",
        "unit", "brigade", "regiment", "division", "battalion", "corps", "army", "fleet", "district", "ward",
        "fortune",
    }
)  # fmt: skip
# Nouns after "one" that make it a pronoun or an idiom ("one day", "one of them"), not a count.
# Nouns after which "one" is a count ("one person was injured"); after others it is a determiner.
COUNTED_ONE: Final = frozenset(
    "person man woman child soldier civilian serviceman officer tank drone missile rocket shell aircraft "
    "jet helicopter ship vehicle house building bridge death people victim case attack".split()
)
# Nouns before "under 30", "over 65" that make the number an age.
AGED_GROUPS: Final = frozenset({"people", "person", "those", "anyone", "voter", "adult", "man", "woman"})
# Hyphened numbers that name a kind, not a count: "a two-way race", "a one-term president".
KIND_COMPOUNDS: Final = frozenset(
    {"way", "front", "term", "party", "state", "sided", "fold", "tier", "stage"}
)
IDIOMATIC_ONE: Final = frozenset({"day", "time", "way", "side", "hand", "case", "thing", "point", "another"})
DURATION_NOUNS: Final = frozenset({"day", "week", "month", "year", "hour", "minute", "decade", "night"})
MONTHS: Final = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
CURRENCY_SYMBOLS: Final = {"$": "dollar", "€": "euro", "£": "pound", "₴": "hryvnia", "₽": "ruble", "¥": "yen"}
UNIT_NAMES: Final = {
    "%": "percent", "per": "percent", "pct": "percent", "percentage": "percent", "kilometer": "km",
    "kilometre": "km", "kilometers": "km", "kilometres": "km", "km": "km", "mile": "mile", "meter": "m",
    "metre": "m", "tonne": "ton", "tons": "ton", "tonnes": "ton", "usd": "dollar", "uah": "hryvnia",
    "eur": "euro", "rub": "ruble", "rouble": "ruble", "hryvna": "hryvnia", "hryvnias": "hryvnia",
    "hryvnia": "hryvnia", "bucks": "dollar", "dollars": "dollar", "euros": "euro", "rubles": "ruble",
    "liter": "liter", "litre": "liter", "kg": "kg", "kilogram": "kg", "sq": "km2",
}  # fmt: skip
SOURCE_VERBS: Final = frozenset(
    "say tell report state claim announce add note estimate write confirm inform warn explain stress "
    "declare reveal count publish believe think expect fear hope assume suggest predict argue charge allege "
    "find".split()
)
# Labels of spaCy entities whose numbers are never claims.
NOT_CLAIM_LABELS: Final = frozenset({"TIME", "ORDINAL"})
SOURCE_TYPES: Final = frozenset({"PERSON", "ORG", "GPE", "NORP"})
PERSON_ORG: Final = frozenset({"PERSON", "ORG"})

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)s?$")
_PHONE = re.compile(r"^0\d{2,}$")
_BASELINE = re.compile(r"\bthan\s+(?:in\s+)?$")  # "36 percent more than in 2022": a baseline


@stage(
    "claims",
    version=2,
    languages=ENGLISH,
    requires=("doc", "entities", "places", "dates", "quotes"),
    assigns=("claims",),
    components=("tagger", "parser", "ner", "lemmatizer"),
)
def extract_claims(article: Article) -> Article:
    """Find the numbers an article claims about the world, with unit, place, date and source."""
    article.claims = find_claims(article)
    return article


class Context:
    """What the stages after quotes read of an article: sentences, quotes, entity mentions, places, dates."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.doc = article.doc
        self.sents: list[Any] = list(sents_of(self.doc))
        self._sent_starts = [s.start_char for s in self.sents]
        self.mentions: list[tuple[int, int, str, str]] = sorted(
            (m.start, m.end, e.id, e.type) for e in article.entities for m in e.mentions
        )
        self._mention_starts = [m[0] for m in self.mentions]
        self.entity_names = {e.id: e.name for e in article.entities}
        # Position indexes: every number, event and sentence asks about the spans near it.
        self._mention_index = SpanIndex((m[0], m[1]) for m in self.mentions)
        self._org_names = [m for m in self.mentions if m[3] in ("ORG", "FAC", "WORK_OF_ART")]
        self._org_index = SpanIndex((m[0], m[1]) for m in self._org_names)
        self._quote_index = SpanIndex((q.start, q.end) for q in article.quotes)
        self._speakers = [
            (q.speaker.start, q.speaker.end)
            for q in article.quotes
            if q.speaker is not None and q.speaker.start is not None and q.speaker.end is not None
        ]
        self._speaker_index = SpanIndex(self._speakers)
        by_entity: dict[str, list[tuple[int, int]]] = {}
        for m_start, m_end, eid, _ in self.mentions:
            by_entity.setdefault(eid, []).append((m_start, m_end))
        self._entity_mentions = {eid: (spans, SpanIndex(spans)) for eid, spans in by_entity.items()}
        self._place_index = SpanIndex((p.start, p.end) for p in article.places)
        self._date_index = SpanIndex((d.start, d.end) for d in article.dates)
        self._in_org: dict[tuple[int, int], bool] = {}
        self._dating = [self._may_date(d) for d in article.dates]

    def sentence(self, offset: int) -> Any:
        i = bisect_right(self._sent_starts, offset) - 1
        return self.sents[max(i, 0)]

    def sentence_index(self, offset: int) -> int:
        return max(bisect_right(self._sent_starts, offset) - 1, 0)

    def quote_at(self, start: int, end: int) -> Quote | None:
        """The innermost quote holding [start, end)."""
        quotes = self.article.quotes
        holders = [quotes[i] for i in self._quote_index.containing(start, end)]
        return min(holders, key=lambda q: q.end - q.start) if holders else None

    def quotes_overlapping(self, start: int, end: int) -> list[Quote]:
        """The quotes overlapping [start, end), in the article's order."""
        return [self.article.quotes[i] for i in self._quote_index.overlapping(start, end)]

    def quotes_starting(self, lo: int, hi: int) -> list[Quote]:
        """The quotes that start in [lo, hi), in the article's order."""
        return [self.article.quotes[i] for i in self._quote_index.starting(lo, hi)]

    def speakers_starting(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The spans of the quotes' speakers as written that start in [lo, hi), in the quotes' order."""
        return [self._speakers[i] for i in self._speaker_index.starting(lo, hi)]

    def mention_spans(self, eid: str, lo: int | None = None, hi: int | None = None) -> list[tuple[int, int]]:
        """The spans of an entity's mentions in text order; with lo and hi, those within [lo, hi)."""
        spans, index = self._entity_mentions.get(eid, ([], SpanIndex(())))
        if lo is None or hi is None:
            return spans
        return [spans[i] for i in index.within(lo, hi)]

    def entity_at(self, start: int, end: int, types: frozenset[str] = SOURCE_TYPES) -> str | None:
        """The entity with a mention overlapping [start, end), the first such mention."""
        i = max(bisect_right(self._mention_starts, start) - 1, 0)
        for m_start, m_end, eid, etype in self.mentions[i:]:
            if m_start >= end:
                break
            if m_end > start and etype in types:
                return eid
        return None

    def entities_in(self, start: int, end: int, types: frozenset[str]) -> list[str]:
        found: list[str] = []
        for i in self._mention_index.within(start, end):
            _, _, eid, etype = self.mentions[i]
            if etype in types and eid not in found:
                found.append(eid)
        return found

    def inside_org(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside the name of an organisation ("Ministry of Defense of Ukraine")."""
        known = self._in_org.get((start, end))
        if known is None:
            known = self._in_org[(start, end)] = any(
                self._org_names[i][:2] != (start, end) for i in self._org_index.containing(start, end)
            )
        return known

    def inside_longer_place(self, start: int, end: int) -> bool:
        """Whether [start, end) is part of a longer place name: "Sumy" in "the Sumy region"."""
        places = self.article.places
        return any(
            not places[i].adjective and places[i].end - places[i].start > end - start
            for i in self._place_index.containing(start, end)
        )

    def place_near(self, offset: int, lo: int, hi: int, avoid: Sequence[tuple[int, int]] = ()) -> int | None:
        """The index of the place in [lo, hi) nearest `offset`, those after it first (they say where).

        Places inside an organisation's name, inside a span of `avoid` (the mentions of an event's
        participants), or named by an adjective ("Belarusian battalions") are not where it happens.
        """
        best: tuple[int, int] | None = None
        places = self.article.places
        for i in self._place_index.within(lo, hi):
            p = places[i]
            if p.adjective or self.inside_org(p.start, p.end):
                continue
            if any(a <= p.start and p.end <= b for a, b in avoid):
                continue
            distance = p.start - offset if p.start >= offset else (offset - p.end) * 2
            if best is None or distance < best[0]:
                best = (distance, i)
        return best[1] if best else None

    def date_near(self, offset: int, lo: int, hi: int) -> int | None:
        """The index of the calendar date in [lo, hi) nearest `offset`.

        "now" is no calendar date, and a baseline ("36 percent more than in 2022") is not the claim's date.
        """
        best: tuple[int, int] | None = None
        dates = self.article.dates
        for i in self._date_index.within(lo, hi):
            if not self._dating[i]:
                continue
            distance = abs(dates[i].start - offset)
            if best is None or distance < best[0]:
                best = (distance, i)
        return best[1] if best else None

    def _may_date(self, d: DateMention) -> bool:
        """Whether a date may date a claim: a calendar value, not "now" nor a baseline ("than in 2022")."""
        if not d.value or d.value.endswith("_REF"):
            return False
        return not _BASELINE.search(self.article.text[max(d.start - 12, 0) : d.start])

    def according_to(self, sent: Any) -> tuple[str | None, str | None]:
        """The source an "according to X" / "X said" in `sent` names: (entity id, name as written)."""
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to":
                objs = [c for c in self.doc[tok.i + 1].children if c.dep_ == "pobj"]
                if objs:
                    span = self.doc[objs[0].left_edge.i : objs[0].right_edge.i + 1]
                    return self.entity_at(span.start_char, span.end_char), span.text
        root = sent.root
        if root.lemma_.lower() in SOURCE_VERBS:
            subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj:
                span = self.doc[subj[0].left_edge.i : subj[0].right_edge.i + 1]
                if subj[0].pos_ != "PRON":
                    return self.entity_at(span.start_char, span.end_char, PERSON_ORG), span.text
        return None, None


@dataclass
class _Found:
    start: int  # the number's first token
    end: int
    number: Number
    tokens: list[Any]
    ranged: bool = False  # two numbers joined: "from 5 to 25 percent"
    share: bool = False  # "1 in 4": a percentage


def find_claims(article: Article) -> list[Claim]:
    """The numeric claims of a parsed article, in text order."""
    ctx = Context(article)
    claims: list[Claim] = []
    last_unit: dict[int, tuple[str | None, str | None]] = {}
    for found in _ranges_and_shares(ctx.article.text, list(_numbers(ctx.doc))):
        claim = _claim(ctx, found, len(claims), last_unit)
        if claim is not None:
            claims.append(claim)
    return claims


# "between $30,000 and $60,000", "from 5 percent to 25 percent", "$10,000 to $20,000", "5-7 tanks".
_RANGE_GAP = re.compile(
    r"\s*(?:%|percent|per cent|percentage points?)?\s*(to|and|-|–)\s*(?:more than\s+|over\s+)?[$€£₴]?\s*",
    re.IGNORECASE,
)
# "1 in 4 residents", "one of every nine voters", "3 out of 10".
_SHARE_GAP = re.compile(r"\s*(?:in|out of|of every|in every|of)\s*[$€£]?", re.IGNORECASE)
# Denominators after a plain "of" that make a share: "eight of 10 voters" (but not "one of two hurricanes").
ROUND_DENOMINATORS: Final = frozenset({10, 100, 1000})


def _ranges_and_shares(text: str, numbers: list[_Found]) -> Iterator[_Found]:
    """Join two numbers that make one: a range (its upper bound kept) or a share (as a percentage)."""
    i = 0
    while i < len(numbers):
        f = numbers[i]
        g = numbers[i + 1] if i + 1 < len(numbers) else None
        if g is not None and g.tokens[0].sent == f.tokens[0].sent:
            gap = text[f.end : g.start]
            before = text[max(f.start - 12, 0) : f.start].lower().rstrip(" $€£₴")
            ranged = _RANGE_GAP.fullmatch(gap)
            if (
                ranged
                and g.number.value > f.number.value
                and (ranged.group(1) != "and" or before.endswith("between"))
                and not before.endswith(" by")  # "rose by 0.1 points to 4.2 percent": a change, then a level
            ):
                number = Number(f.number.value, g.number.upper or g.number.value)
                yield _Found(f.start, g.end, number, f.tokens + g.tokens, ranged=True)
                i += 2
                continue
            plain_of = gap.strip(" $€£").lower() == "of"
            if (
                _SHARE_GAP.fullmatch(gap)
                and 0 < f.number.value < g.number.value
                and g.number.upper is None
                and (not plain_of or g.number.value in ROUND_DENOMINATORS)
            ):
                share = round(100 * f.number.value / g.number.value, 2)
                yield _Found(
                    f.start,
                    g.end,
                    Number(int(share) if share.is_integer() else share),
                    f.tokens + g.tokens,
                    share=True,
                )
                i += 2
                continue
        yield f
        i += 1


# Vague words too vague to claim anything: "several times", "a few weeks".
TOO_VAGUE: Final = frozenset({"several", "a few", "a couple", "a pair", "dozen"})


def _number_like(tok: Any) -> bool:
    lower = tok.lower_
    if lower in TOO_VAGUE:
        return False
    return bool(tok.like_num) or lower in VAGUE or (lower in SCALES and lower not in ("m", "k"))


def _numbers(doc: Any) -> Iterator[_Found]:
    """Runs of number words and digits ("four thousand", "1.5 million", "3 to 5", "tens of thousands")."""
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if not _number_like(tok) or tok.lower_ in SCALES:
            i += 1
            continue
        j = i + 1
        while j < n:
            nxt = doc[j]
            if _number_like(nxt) and not (nxt.lower_ in VAGUE and doc[j - 1].lower_ not in ("of",)):
                j += 1
            elif nxt.lower_ in ("and", "to", "-", "–", "of", "a") and j + 1 < n and _number_like(doc[j + 1]):
                if nxt.lower_ == "of" and doc[j + 1].lower_ not in (
                    "thousands",
                    "millions",
                    "hundreds",
                    "billions",
                ):
                    break
                j += 1
            else:
                break
        while j > i + 1 and not _number_like(doc[j - 1]):
            j -= 1
        tokens = [doc[k] for k in range(i, j)]
        span_text = doc[i:j].text
        number = parse_number(span_text)
        if number is None and len(tokens) > 1:
            # Two numbers side by side ("0800 500 100", "2 3"): a code, not a count.
            i = j
            continue
        if number is not None:
            yield _Found(tokens[0].idx, tokens[-1].idx + len(tokens[-1]), number, tokens)
        i = j


def _claim(
    ctx: Context, found: _Found, index: int, last_unit: dict[int, tuple[str | None, str | None]]
) -> Claim | None:
    doc, text = ctx.doc, ctx.article.text
    first, last = found.tokens[0], found.tokens[-1]
    if _not_a_claim(doc, text, found):
        return None
    head, unit, subject = _unit(doc, found)
    if found.share:
        unit, subject = "percent", _phrase(doc, head) if head is not None else subject
    sent = ctx.sentence(found.start)
    sent_i = ctx.sentence_index(found.start)
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if unit is None and (nxt is None or nxt.pos_ in ("VERB", "AUX", "PUNCT", "CCONJ", "ADP", "PART")):
        # "three people were killed and 11 were wounded": the count borrows its sentence's last unit.
        unit, subject = last_unit.get(sent_i, (None, None))
    elif head is not None:
        last_unit[sent_i] = (unit, subject)
    if head is not None and head.lemma_.lower() in DURATION_NOUNS and _time_relation(doc, found, head):
        return None
    if (
        first.lower_ == "one"
        and not (found.ranged or found.share)
        and (head is None or head.lemma_.lower() not in COUNTED_ONE)
    ):
        return None  # "one reason", "one estimate", "one Democratic source": a determiner, not a count
    prev = doc[start_i - 1] if (start_i := _start_token(doc, first)) > 0 else None
    if prev is not None and (
        (found.number.value <= 3 and prev.lower_ in ("the", "those", "these", "both", "their", "our"))
        or (prev.lower_ in ("that", "this") and prev.tag_ == "DT")
    ):
        return None  # "the two men", "their two nations", "that $115": a reference back to a count
    if found.number.value < 1 and unit != "percent" and not first.text[:1].isdigit():
        return None  # "a third of them": a share of something unnamed
    if unit == "one" or (found.number.value == 1 and first.lower_ == "one" and unit is None):
        return None
    start = found.start
    if first.i > 0 and doc[first.i - 1].text in CURRENCY_SYMBOLS:
        start = doc[first.i - 1].idx
    before = re.sub(r"[“”\"«»(]", " ", text[max(sent.start_char, start - 40) : start])
    qualifying = qualifier_phrase_before(before)
    if qualifying and qualifying[0] in ("about", "around") and _preposition(doc, first, start):
        qualifying = None  # "his comment about 47 percent": a preposition, not "roughly"
    qualifier = qualifying[1] if qualifying else None
    if qualifying:
        start = start - (len(before) - before.lower().rstrip().rindex(qualifying[0]))
    end = max(found.end, head.idx + len(head) if head is not None and head.i > last.i else found.end)
    if qualifier is None and found.number.upper is not None and (first.lower_ in VAGUE or found.ranged):
        qualifier = "at_least"  # "dozens of houses": at least 24, the upper bound where the record has one
    if qualifier is None:
        qualifier = qualifier_after(text[end : min(end + 20, sent.end_char)])
    quote = ctx.quote_at(found.start, found.end)
    lo, hi = sent.start_char, sent.end_char
    if quote is not None:
        lo, hi = max(lo, quote.start), min(hi, quote.end)
    place = ctx.place_near(found.start, lo, hi)
    date = ctx.date_near(found.start, lo, hi)
    if quote is not None and place is None:
        place = ctx.place_near(found.start, quote.start, found.start)
    source_entity: str | None = None
    if quote is not None and quote.speaker is not None:
        source_entity = quote.speaker.entity
    if quote is None:
        source_entity, _ = ctx.according_to(sent)
    fields: dict[str, Any] = {
        "id": f"c{index + 1}",
        "text": text[start:end],
        "start": start,
        "end": end,
        "value": found.number.value,
        "qualifier": qualifier,
        "unit": unit,
        "subject": subject,
        "place": place,
        "date": date,
        "quote": quote.id if quote is not None else None,
        "source_entity": source_entity,
        "stage": STAGE_ID,
    }
    if "upper" in Claim.model_fields:  # the range's upper bound, once the record carries it
        fields["upper"] = found.number.upper
    return Claim.model_validate(fields)


def _start_token(doc: Any, first: Any) -> int:
    """The first token of the number with its currency symbol."""
    return int(first.i - 1) if first.i > 0 and doc[first.i - 1].text in CURRENCY_SYMBOLS else int(first.i)


def _not_a_claim(doc: Any, text: str, found: _Found) -> bool:
    """Dates, times, ordinals, years, ages, labels (page 3), codes and phone numbers are not claims."""
    first, last = found.tokens[0], found.tokens[-1]
    for tok in found.tokens:
        if tok.ent_type_ in NOT_CLAIM_LABELS:
            return True
        if tok.ent_type_ == "DATE" and _calendar_date(tok):
            return True
    raw = text[found.start : found.end]
    if len(found.tokens) == 1 and (_YEAR.match(raw) or _PHONE.match(raw)):
        return True
    if ":" in raw:  # 5:30
        return True
    # Model names and codes: MiG-31, Su-25, G7, COVID-19.
    if found.start > 0 and (text[found.start - 1] in "-/#" or text[found.start - 1].isalpha()):
        return True
    glued = found.end < len(text) and (
        text[found.end].isalpha() or text[found.end : found.end + 2] in ("-y", "-Y")
    )
    if glued and not re.match(
        r"(?:k|m|bn|mln|bln|km|kg|%)\b", text[found.end : found.end + 4], re.IGNORECASE
    ):
        return True
    if first.i > 0 and doc[first.i - 1].lower_ in ("top", "bottom"):
        return True  # "the top 1 percent": a bracket, not a claim
    if first.i > 0 and doc[first.i - 1].lower_ in LABEL_WORDS and doc[first.i - 1].pos_ in ("NOUN", "PROPN"):
        return True
    if first.i > 0 and doc[first.i - 1].pos_ == "PROPN" and doc[first.i - 1].ent_type_ in ("PRODUCT", "ORG"):
        return True  # "Iskander 2", "Patriot 3": names with numbers
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in ("-year", "year", "years") and last.i + 2 < len(doc):
        after = doc[last.i + 2].lower_
        if after in ("-old", "old") or (
            after == "-" and last.i + 3 < len(doc) and doc[last.i + 3].lower_ == "old"
        ):
            return True  # ages
    if "year-old" in text[found.end : found.end + 12].lower():
        return True
    compound = re.match(r"-(\w+)", text[found.end : found.end + 12])
    if compound and compound.group(1).lower() in KIND_COMPOUNDS:
        return True
    if nxt is not None and nxt.lower_ in ("plan", "plans", "(k", "(k)", "caller", "call", "calls"):
        return True  # "529 plans", "401(k)", "a 911 caller": names and numbers to call
    if nxt is not None and nxt.text in ("'s", "’s") and found.number.value < 100:
        return True  # "the 90's": a decade
    prev = doc[first.i - 1] if first.i > 0 else None
    person_before = first.i > 1 and doc[first.i - 2].ent_type_ == "PERSON"
    if prev is not None and prev.text == "," and person_before and (nxt is None or nxt.is_punct):
        return True  # "Crutcher, 40, a father": an age
    group_before = first.i > 1 and doc[first.i - 2].lemma_.lower() in AGED_GROUPS
    if prev is not None and prev.lower_ in ("under", "over") and group_before:
        return True  # "people under 30", "voters over 65": an age
    if nxt is not None and nxt.lower_ in ("a.m.", "p.m.", "am", "pm", "o'clock", "hours") and ":" in raw:
        return True
    return first.lower_ in ("one",) and (nxt is None or nxt.lower_ in IDIOMATIC_ONE or nxt.lower_ == "of")


def _calendar_date(tok: Any) -> bool:
    """Whether `tok`, in a DATE entity, names a calendar day (June 30, 2022) rather than a span (3 days)."""
    ent = entity_of(tok)
    tokens = list(ent) if ent is not None else [tok]
    if {t.lower_ for t in tokens} & MONTHS or _YEAR.match(tok.text):
        return True
    # "two days", "50 days": a length of time, counted
    return not any(t.lemma_.lower() in DURATION_NOUNS for t in tokens)


# Words after which "about" is a preposition: "a comment about 47 percent", "learn more about 529 plans".
_ABOUT_HEADS: Final = frozenset(
    "talk speak learn care worry complain comment statement claim question story report more less".split()
)


def _preposition(doc: Any, first: Any, start: int) -> bool:
    """Whether the "about" before a number is a preposition ("a comment about 47 percent")."""
    i = first.i - 1
    if i > 0 and doc[i].text in CURRENCY_SYMBOLS:
        i -= 1
    while i > 0 and doc[i].is_punct:
        i -= 1
    if i <= 0 or doc[i].lower_ not in ("about", "around"):
        return False
    prev = doc[i - 1]
    return prev.pos_ in ("NOUN", "PROPN", "ADJ") or prev.lemma_.lower() in _ABOUT_HEADS


def _time_relation(doc: Any, found: _Found, head: Any) -> bool:
    """Whether "N days" is a time ("six weeks from now", "in the past two weeks") or an age."""
    nxt = doc[head.i + 1] if head.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in (
        "old",
        "ago",
        "later",
        "earlier",
        "before",
        "after",
        "from",
        "away",
        "until",
    ):
        return True
    if nxt is not None and nxt.lower_ == "to" and head.i + 2 < len(doc) and doc[head.i + 2].lower_ == "go":
        return True  # "two months to go"
    first = found.tokens[0]
    prev = doc[first.i - 1].lower_ if first.i > 0 else ""
    return prev in ("next", "past", "last", "coming", "first", "previous", "following", "within")


def _unit(doc: Any, found: _Found) -> tuple[Any | None, str | None, str | None]:
    """The noun the number counts, its unit name and the counted phrase ("Belarusian battalions")."""
    first, last = found.tokens[0], found.tokens[-1]
    # A currency symbol before the number: "$5 million".
    if first.i > 0 and doc[first.i - 1].text in CURRENCY_SYMBOLS:
        return None, CURRENCY_SYMBOLS[doc[first.i - 1].text], None
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.text == "%":
        return None, "percent", None
    if (
        nxt is not None
        and nxt.lower_ == "percentage"
        and last.i + 2 < len(doc)
        and doc[last.i + 2].lemma_ == "point"
    ):
        return doc[last.i + 2], "percentage point", None
    if nxt is not None and nxt.lower_ in ("percent", "per", "pct", "percentage"):
        return nxt, "percent", None
    if nxt is not None and nxt.lemma_.lower() == "time":
        return nxt, "time", None
    head = _counted_noun(doc, found)
    if head is None:
        # "dozens of houses", "700 of the conscripts": the number heads an "of" phrase.
        of = [c for c in last.children if c.dep_ == "prep" and c.lower_ == "of"]
        objs = [c for c in of[0].children if c.dep_ == "pobj" and c.pos_ == "NOUN"] if of else []
        if objs:
            return objs[0], _unit_name(objs[0]), _phrase(doc, objs[0])
        return None, None, None
    if head.lemma_.lower() in CONTAINER_NOUNS:
        objs = [
            c
            for p in head.children
            if p.dep_ == "prep" and p.lower_ == "of"
            for c in p.children
            if c.dep_ == "pobj"
        ]
        if objs:
            noun = objs[0]
            return head, _unit_name(noun), _phrase(doc, noun)
    return head, _unit_name(head), _phrase(doc, head)


def _counted_noun(doc: Any, found: _Found) -> Any | None:
    """The noun a number modifies, following "120 million dollars" and "up to 3 million tons" to the noun."""
    span_ids = {t.i for t in found.tokens}
    tok = found.tokens[-1]
    for _ in range(4):
        head = tok.head
        if (
            tok.dep_ in ("nummod", "quantmod", "compound", "amod", "npadvmod", "nmod", "appos")
            and head.i not in span_ids
        ):
            if head.pos_ in ("NOUN", "PROPN") and head.lower_ not in SCALES:
                if head.i > tok.i and head.i - tok.i <= 5:
                    return head
                break
            if head.lower_ in SCALES or head.like_num:
                tok = head
                continue
            break
        if tok.head.i in span_ids and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    # The parser sometimes leaves the number hanging: take the next noun when only adjectives lie between.
    k = found.tokens[-1].i + 1
    while k < len(doc) and k - found.tokens[-1].i <= 4:
        t = doc[k]
        if t.pos_ in ("NOUN",) and t.lower_ not in SCALES:
            nk = k
            while (
                nk + 1 < len(doc)
                and doc[nk + 1].pos_ == "NOUN"
                and doc[nk + 1].dep_ in ("compound", "ROOT", "nsubj", "dobj", "pobj", "attr")
            ):
                nk += 1
                if doc[nk].head.i != nk:
                    break
            return doc[nk] if doc[nk].pos_ == "NOUN" and doc[k].head.i == nk else t
        if t.pos_ not in ("ADJ", "PROPN", "NOUN") and t.tag_ not in ("VBN",):
            break
        k += 1
    return None


def _unit_name(noun: Any) -> str:
    lemma = str(noun.lemma_).lower()
    compounds = [
        c.lower_ for c in noun.children if c.dep_ == "compound" and c.i < noun.i and c.pos_ == "NOUN"
    ]
    name = UNIT_NAMES.get(noun.lower_, UNIT_NAMES.get(lemma, lemma))
    return " ".join([*compounds, name]) if compounds and name == lemma else name


def _phrase(doc: Any, noun: Any) -> str:
    """The counted phrase: the noun with its adjectives and compounds ("Belarusian battalions")."""
    mods = [c for c in noun.children if c.dep_ in ("amod", "compound", "nmod") and c.i < noun.i]
    start = min([m.left_edge.i for m in mods] + [noun.i])
    while start < noun.i and (
        doc[start].like_num
        or doc[start].lower_ in SCALES
        or doc[start].lower_ in ("more", "other", "new")
        or doc[start].pos_ in ("DET", "ADP", "PUNCT")
    ):
        start += 1
    return str(doc[start : noun.i + 1].text)
