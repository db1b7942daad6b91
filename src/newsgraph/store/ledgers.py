"""The ledgers across articles: claims per subject and place by source (with disagreements), and
predictions per speaker.

**Subject.** What a claim counts, normalised: its `unit` (already a lemma: "battalion",
"personnel", "tank"), else the head noun of its `subject`, lemmatised ("troops" -> "troop").
The other words of the subject are its *modifiers* ("Belarusian battalions" -> {"belarusian"}).
Two claims are about the same subject when their keys are equal and the modifiers of one
include the other's (none counts: "battalions" fits "Belarusian battalions", "Belarusian
battalions" does not fit "Russian battalions").

**Place.** The claim's registry place. A filter by a country also takes in every place of
that country (the store knows each place's ISO country); regions are not rolled up (the store
does not know which region holds a city). Disagreements compare claims of one place only.

**Source.** The registry entity of the claim's source (the speaker of its quote, or the
"according to" source); else the speaker's name as the article resolved it; else the outlet
of the article (the article itself is the source), or its path for a local file.

**Interval.** From the value X (and `upper` U of a range such as "3 to 5" or "dozens"; without
one U = X), and the qualifier:

    exactly, or none   [X, U]
    up_to              [min(0, X), U]
    less_than          [min(0, X), U)        (open above)
    at_least           [X, inf)
    more_than          (X, inf)              (open below)
    about              [X - t|X|, U + t|U|]  with t = ABOUT_TOLERANCE (0.2)

**Disagreement.** Two claims of different sources about the same subject and place whose
dates (the claim's own date when it names a day, else the article's publication day) are at
most `window` days apart (DEFAULT_WINDOW_DAYS, 7) and whose intervals do not intersect. Claims
without a value, a place or a day are listed in the ledger but never compared.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import Errors, StoreError
from .models import Filters, Page, Paged, PredictionRow

if TYPE_CHECKING:
    from .core import Store, Where

DEFAULT_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 36_500
ABOUT_TOLERANCE = 0.2  # "about 3500" is 2800 to 4200; a convention, not tuned on data
MAX_PREDICTIONS_PER_SPEAKER = 200  # a speaker's list in one ledger entry, oldest first
CLAIMS_KEY = '"claims": ['  # how a stored record (json.dumps, default separators) opens its claims
_DECODER = json.JSONDecoder()
RECORD_BATCH = 200  # articles whose records are read at once (for claims' upper bounds)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
# Words of a subject that say nothing about what is counted.
_FILLER = frozenset(
    "a an the of some about around up to more than less at least over under nearly almost only just "
    "their his her its our your my these those this that other another new additional further total "
    "and or in on from for with".split()
)
_INVARIANT = frozenset("personnel people police staff equipment aircraft series species news".split())


# -- normalising -------------------------------------------------------------------------------------
def lemma(word: str) -> str:
    """An English noun in the singular, by rule ("battalions" -> "battalion", "casualties" -> "casualty")."""
    w = word.lower()
    if w in _INVARIANT or len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("men"):
        return w[:-3] + "man"
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def subject_key(unit: str | None, subject: str | None) -> tuple[str, frozenset[str]]:
    """What a claim counts: (key, modifiers). See the module's docstring."""
    words = [lemma(w) for w in _WORD.findall(subject or "") if w.lower() not in _FILLER]
    if unit and unit.strip():
        key = " ".join(lemma(w) for w in _WORD.findall(unit)) or unit.strip().lower()
        return key, frozenset(w for w in words if w != key)
    if not words:
        return "", frozenset()
    return words[-1], frozenset(words[:-1])


@dataclass(frozen=True, kw_only=True)
class Interval:
    """The values a claim allows; `high` None is unbounded. Open ends exclude the bound."""

    low: float
    high: float | None
    low_open: bool = False
    high_open: bool = False

    def overlaps(self, other: Interval) -> bool:
        def below(hi: float | None, hi_open: bool, lo: float, lo_open: bool) -> bool:
            # True when an interval ending at `hi` lies wholly below one starting at `lo`.
            if hi is None:
                return False
            return hi < lo or (hi == lo and (hi_open or lo_open))

        return not (
            below(self.high, self.high_open, other.low, other.low_open)
            or below(other.high, other.high_open, self.low, self.low_open)
        )

    def label(self) -> str:
        high = "inf" if self.high is None else _number(self.high)
        left = "(" if self.low_open else "["
        right = ")" if self.high_open or self.high is None else "]"
        return f"{left}{_number(self.low)}, {high}{right}"


def interval(value: float | None, upper: float | None, qualifier: str | None) -> Interval | None:
    """The interval a value, its range's upper bound and its qualifier allow; None without a finite value."""
    if value is None or not math.isfinite(value):
        return None
    top = upper if upper is not None and math.isfinite(upper) and upper >= value else value
    if qualifier == "up_to":
        return Interval(low=min(0.0, value), high=top)
    if qualifier == "less_than":
        return Interval(low=min(0.0, value), high=top, high_open=True)
    if qualifier == "at_least":
        return Interval(low=value, high=None)
    if qualifier == "more_than":
        return Interval(low=value, high=None, low_open=True)
    if qualifier == "about":
        return Interval(low=value - ABOUT_TOLERANCE * abs(value), high=top + ABOUT_TOLERANCE * abs(top))
    return Interval(low=value, high=top)  # exactly, or no qualifier


def _number(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e15 else f"{x:.3g}"


def window_days(value: int | str | None) -> int:
    """A window in days, checked: 0 to 36500."""
    if value is None:
        return DEFAULT_WINDOW_DAYS
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_WINDOW_DAYS:
        raise StoreError(
            Errors.E311, option="window", value=value, reason=f"days from 0 to {MAX_WINDOW_DAYS}"
        )
    return days


# -- results ---------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class LedgerRow:
    """One claim in the claims ledger, with its subject, place and source normalised."""

    article_id: str
    claim_id: str
    title: str | None
    published: str | None
    outlet: str
    text: str
    subject_key: str  # what is counted, normalised ("battalion")
    subject: str | None  # as the article gave it ("Belarusian battalions")
    modifiers: list[str]  # the subject's other words, lemmatised ("belarusian")
    value: float | None
    upper: float | None
    qualifier: str | None
    unit: str | None
    interval: str | None  # "[0, 4,000]", "[2,800, 4,200]", "(5, inf)"; None without a value
    low: float | None
    high: float | None  # None: unbounded (or no value)
    place_id: int | None
    place_name: str | None
    country: str | None  # the place's ISO country code
    country_id: int | None  # the registry place of that country, when the store has it
    country_name: str | None
    date: str | None  # the claim's own date value (YYYY, YYYY-MM or YYYY-MM-DD), if any
    day: str | None  # the day it is compared by: its own date if a day, else the publication day
    source_kind: str  # entity (registry), speaker (a name only), outlet (the article itself)
    source_id: int | None  # the registry entity, for source_kind "entity"
    source_name: str
    quote_id: str | None
    disputed: bool = False  # another source's claim disagrees with it (see Disagreement)


@dataclass(frozen=True, kw_only=True)
class Disagreement:
    """Two claims by different sources, same subject and place, within the window, incompatible."""

    subject_key: str
    place_id: int
    place_name: str | None
    window_days: int
    gap_days: int  # days between the two claims' days
    first: LedgerRow  # the earlier
    second: LedgerRow
    reason: str  # "[0, 4,000] and [5,600, 8,400] do not overlap"


@dataclass(frozen=True, kw_only=True)
class SpeakerPredictions:
    """One speaker's predictions across articles, oldest first."""

    entity_id: int
    name: str
    aliases: list[str]
    total: int
    stances: dict[str, int]  # likely / unlikely / conditional / unknown -> count
    first: str | None  # publication day of the first and last
    last: str | None
    predictions: list[PredictionRow]  # oldest first, at most MAX_PREDICTIONS_PER_SPEAKER


# -- the claims ledger -----------------------------------------------------------------------------
_CLAIM_COLUMNS = (
    "c.article_id, c.local_id, a.title, a.published, a.outlet, a.source, c.text, c.value, c.qualifier, "
    "c.unit, c.subject, c.place_id, p.name, p.country, c.date_value, c.quote_local, c.entity_id, "
    "(SELECT e.name FROM entities e WHERE e.id = c.entity_id), "
    "(SELECT q.speaker_name FROM quotes q WHERE q.article_id = c.article_id AND q.local_id = c.quote_local)"
)
_CLAIM_FROM = "FROM claims c JOIN articles a ON a.id = c.article_id LEFT JOIN places p ON p.id = c.place_id"
_CLAIM_ORDER = (
    "lower(coalesce(c.unit, c.subject, '')), p.name NULLS LAST, c.place_id, "
    "coalesce(c.date_value, c.published) NULLS LAST, c.article_id, c.local_id"
)


def _claims_where(store: Store, filters: Filters, subject: str | None) -> Where:
    where = store._row_where(filters.but(place=None), speaker="c.entity_id", kind="c.unit")
    if filters.place:
        where.within("c.place_id", place_ids_rolled_up(store, filters.place))
    if subject is not None:
        key, modifiers = subject_key(None, subject.replace("\x00", ""))
        if not key:
            raise StoreError(Errors.E311, option="subject", value=subject, reason="it names nothing counted")
        # The key is the unit, or a word of the subject; each modifier must be in the subject too.
        where.add("(lower(c.unit) = ? OR lower(c.subject) LIKE ? ESCAPE '\\')", key, _like(key))
        for modifier in sorted(modifiers):
            where.add("lower(c.subject) LIKE ? ESCAPE '\\'", _like(modifier))
    return where


def _like(value: str) -> str:
    escaped = value.lower().replace("\x00", "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def place_ids_rolled_up(store: Store, name: str) -> list[int]:
    """The places a name means, and for a country every place of that country."""
    ids = store._place_ids(name)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    codes = [
        str(r[0])
        for r in store.db.all(
            f"SELECT DISTINCT country FROM places WHERE id IN ({marks}) AND kind = 'country' "
            f"AND country IS NOT NULL",
            ids,
        )
    ]
    if codes:
        inner = ",".join("?" * len(codes))
        ids += [int(r[0]) for r in store.db.all(f"SELECT id FROM places WHERE country IN ({inner})", codes)]
    return sorted(set(ids))


def claims_ledger(
    store: Store,
    filters: Filters,
    page: Page,
    *,
    subject: str | None = None,
    window: int = DEFAULT_WINDOW_DAYS,
) -> Paged[LedgerRow]:
    """Claims by subject, then place, then date, each with its source and interval; `disputed`
    marks those another source disagrees with (within `window` days, under the same filters)."""
    window = window_days(window)
    return store._listing(
        lambda raw: _mark_disputed(store, filters, subject, window, _ledger_rows(store, raw)),
        _claims_where(store, filters, subject),
        page,
        select=_CLAIM_COLUMNS,
        source=_CLAIM_FROM,
        order=_CLAIM_ORDER,
    )


def _mark_disputed(
    store: Store, filters: Filters, subject: str | None, window: int, rows: list[LedgerRow]
) -> list[LedgerRow]:
    """The rows with `disputed` set where another source's claim disagrees (under the same filters)."""
    valued = [r for r in rows if r.place_id is not None and r.value is not None]
    if valued:
        # The claims at those places under the same filters (the rows' partners may be on other
        # pages), of the same units when every row has one: a few rows to read, not the whole store.
        around = _claims_where(store, filters, subject)
        around.within("c.place_id", sorted({r.place_id for r in valued if r.place_id is not None}))
        around.add("c.value IS NOT NULL")
        days = sorted(d for d in (_as_day(r.day) for r in valued) if d is not None)
        if days:  # only claims near the rows' days can pair with them (rows without a day never do)
            low = (days[0] - dt.timedelta(days=window)).isoformat()
            high = (days[-1] + dt.timedelta(days=window)).isoformat() + "~"  # "~" sorts after any time
            around.add("(c.published BETWEEN ? AND ? OR c.date_value BETWEEN ? AND ?)", low, high, low, high)
        units = sorted({r.unit for r in valued if r.unit})
        if all(r.unit for r in valued):
            around.add(f"c.unit IN ({','.join('?' * len(units))})", *units)
        others = _ledger_rows(
            store,
            store.db.all(f"SELECT {_CLAIM_COLUMNS} {_CLAIM_FROM} WHERE {around.sql()}", around.params),
        )
        disputed: set[tuple[str, str]] = set()
        for d in find_disagreements(others, window):
            disputed |= {(d.first.article_id, d.first.claim_id), (d.second.article_id, d.second.claim_id)}
        rows = [replace(r, disputed=(r.article_id, r.claim_id) in disputed) for r in rows]
    return rows


def disagreements(
    store: Store,
    filters: Filters,
    page: Page,
    *,
    subject: str | None = None,
    window: int = DEFAULT_WINDOW_DAYS,
) -> Paged[Disagreement]:
    """Pairs of claims that disagree beyond their qualifiers, by subject, place, then date."""
    window = window_days(window)
    where = _claims_where(store, filters, subject)
    where.add("c.value IS NOT NULL")
    where.add("c.place_id IS NOT NULL")
    raw = store.db.all(
        f"SELECT {_CLAIM_COLUMNS} {_CLAIM_FROM} WHERE {where.sql()} ORDER BY {_CLAIM_ORDER}", where.params
    )
    found = find_disagreements(_ledger_rows(store, raw), window)
    found.sort(
        key=lambda d: (d.subject_key, d.place_name or "", d.place_id, d.first.day or "", d.second.day or "")
    )
    items = found[page.offset : page.offset + page.limit]
    return Paged(items=items, total=len(found), limit=page.limit, offset=page.offset)


def find_disagreements(rows: Iterable[LedgerRow], window: int) -> list[Disagreement]:
    """Every pair of rows that disagree (see the module's docstring), earlier claim first."""
    groups: dict[tuple[str, int], list[tuple[dt.date, LedgerRow, Interval]]] = {}
    for row in rows:
        span = interval(row.value, row.upper, row.qualifier)
        day = _as_day(row.day)
        if span is None or day is None or row.place_id is None or not row.subject_key:
            continue
        groups.setdefault((row.subject_key, row.place_id), []).append((day, row, span))
    found: list[Disagreement] = []
    for (key, place_id), members in groups.items():
        members.sort(key=lambda m: (m[0], m[1].article_id, m[1].claim_id))
        for i, (day_a, a, span_a) in enumerate(members):
            for day_b, b, span_b in members[i + 1 :]:
                gap = (day_b - day_a).days
                if gap > window:
                    break
                if _same_source(a, b) or not _modifiers_fit(a, b) or span_a.overlaps(span_b):
                    continue
                found.append(
                    Disagreement(
                        subject_key=key,
                        place_id=place_id,
                        place_name=a.place_name,
                        window_days=window,
                        gap_days=gap,
                        first=a,
                        second=b,
                        reason=f"{span_a.label()} and {span_b.label()} do not overlap",
                    )
                )
    return found


def _same_source(a: LedgerRow, b: LedgerRow) -> bool:
    return (a.source_kind, a.source_id, a.source_name.lower()) == (
        b.source_kind,
        b.source_id,
        b.source_name.lower(),
    )


def _modifiers_fit(a: LedgerRow, b: LedgerRow) -> bool:
    ma, mb = set(a.modifiers), set(b.modifiers)
    return ma <= mb or mb <= ma


def _as_day(value: str | None) -> dt.date | None:
    if not value or not _DAY.match(value):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _ledger_rows(store: Store, raw: Sequence[tuple[Any, ...]]) -> list[LedgerRow]:
    uppers = _uppers(store, sorted({str(r[0]) for r in raw}))
    countries = _countries(store, sorted({str(r[13]) for r in raw if r[13]}))
    rows = []
    for r in raw:
        (aid, cid, title, published, outlet, source, text, value, qualifier, unit, subject, place_id) = r[:12]
        (place_name, country, date_value, quote_local, entity_id, entity_name, speaker_name) = r[12:]
        value = float(value) if value is not None else None
        upper = uppers.get((str(aid), str(cid)))
        span = interval(value, upper, qualifier)
        key, modifiers = subject_key(unit, subject)
        if entity_id is not None:
            kind, source_id, source_name = "entity", int(entity_id), str(entity_name or f"#{entity_id}")
        elif speaker_name:
            kind, source_id, source_name = "speaker", None, str(speaker_name)
        else:
            kind, source_id = "outlet", None
            source_name = str(outlet) if outlet and outlet != "local" else str(source)
        own_day = _as_day(date_value)
        day = own_day.isoformat() if own_day else (published[:10] if _as_day(published) else None)
        country_id, country_name = countries.get(str(country), (None, None)) if country else (None, None)
        rows.append(
            LedgerRow(
                article_id=str(aid),
                claim_id=str(cid),
                title=title,
                published=published,
                outlet=str(outlet),
                text=str(text),
                subject_key=key,
                subject=subject,
                modifiers=sorted(modifiers),
                value=value,
                upper=upper,
                qualifier=qualifier,
                unit=unit,
                interval=span.label() if span else None,
                low=span.low if span else None,
                high=span.high if span else None,
                place_id=int(place_id) if place_id is not None else None,
                place_name=place_name,
                country=country,
                country_id=country_id,
                country_name=country_name,
                date=date_value,
                day=day,
                source_kind=kind,
                source_id=source_id,
                source_name=source_name,
                quote_id=quote_local,
            )
        )
    return rows


def _uppers(store: Store, article_ids: list[str]) -> dict[tuple[str, str], float]:
    """The upper bounds of ranges ("3 to 5"), read from the stored records (the claims table has none)."""
    found: dict[tuple[str, str], float] = {}
    for at in range(0, len(article_ids), RECORD_BATCH):
        batch = article_ids[at : at + RECORD_BATCH]
        marks = ",".join("?" * len(batch))
        for aid, record in store.db.all(f"SELECT id, record FROM articles WHERE id IN ({marks})", batch):
            for claim in _record_claims(str(record)):
                upper = claim.get("upper")
                if isinstance(upper, int | float) and not isinstance(upper, bool) and math.isfinite(upper):
                    found[(str(aid), str(claim.get("id")))] = float(upper)
    return found


def _record_claims(record: str) -> list[dict[str, Any]]:
    """The claims of a stored record. Only the claims array is decoded when it can be found (the
    whole record, with every entity and quote, costs many times more); a broken record has none."""
    at = record.find(CLAIMS_KEY)
    claims: Any = None
    if at >= 0:
        try:
            claims, _ = _DECODER.raw_decode(record, at + len(CLAIMS_KEY) - 1)
        except ValueError:
            claims = None
    if not isinstance(claims, list):
        try:
            data = json.loads(record)
        except ValueError:
            return []
        claims = data.get("claims") if isinstance(data, dict) else None
    return [c for c in claims if isinstance(c, dict)] if isinstance(claims, list) else []


def _countries(store: Store, codes: list[str]) -> dict[str, tuple[int, str]]:
    """ISO country code -> the registry place of that country, where the store has one."""
    if not codes:
        return {}
    marks = ",".join("?" * len(codes))
    rows = store.db.all(
        f"SELECT p.country, p.id, p.name FROM places p WHERE p.kind = 'country' AND p.country IN ({marks}) "
        f"ORDER BY p.id",
        codes,
    )
    found: dict[str, tuple[int, str]] = {}
    for code, pid, name in rows:
        found.setdefault(str(code), (int(pid), str(name)))
    return found


# -- the predictions ledger ------------------------------------------------------------------------
PREDICTION_COLUMNS = (
    "p.article_id, p.local_id, a.title, a.published, p.text, p.stance, p.about, p.entity_id, "
    "(SELECT e.name FROM entities e WHERE e.id = p.entity_id)"
)
PREDICTIONS_FROM = "FROM predictions p JOIN articles a ON a.id = p.article_id"


def prediction_row(r: Sequence[Any]) -> PredictionRow:
    """A PredictionRow from a row of PREDICTION_COLUMNS."""
    return PredictionRow(
        article_id=r[0],
        prediction_id=r[1],
        title=r[2],
        published=r[3],
        text=r[4],
        stance=r[5],
        about=r[6],
        entity_id=int(r[7]) if r[7] is not None else None,
        entity_name=r[8],
    )


def predictions_ledger(store: Store, filters: Filters, page: Page) -> Paged[SpeakerPredictions]:
    """Speakers (registry entities; `filters.speaker` by any alias) with their predictions over
    time, most predictions first. Predictions with no speaker in the registry are left out."""
    where = store._row_where(filters, speaker="p.entity_id", kind="p.stance")
    where.add("p.entity_id IS NOT NULL")
    return store._listing(
        lambda speakers: _speaker_predictions(store, filters, speakers),
        where,
        page,
        select="p.entity_id, (SELECT e.name FROM entities e WHERE e.id = p.entity_id) AS name, "
        "count(*) AS n, min(a.published), max(a.published)",
        source=PREDICTIONS_FROM,
        group_by="p.entity_id",
        order="n DESC, name, p.entity_id",
    )


def _speaker_predictions(
    store: Store, filters: Filters, speakers: Sequence[tuple[Any, ...]]
) -> list[SpeakerPredictions]:
    """Each speaker row (entity id, name, count, first and last day) with its aliases and predictions."""
    ids = [int(r[0]) for r in speakers]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    aliases: dict[int, list[str]] = {}
    for entity_id, alias in store.db.all(
        f"SELECT entity_id, alias FROM aliases WHERE entity_id IN ({marks}) ORDER BY alias", ids
    ):
        aliases.setdefault(int(entity_id), []).append(str(alias))
    inner = store._row_where(filters.but(speaker=None), kind="p.stance")
    inner.within("p.entity_id", ids)
    rows = store.db.all(
        f"SELECT {PREDICTION_COLUMNS} {PREDICTIONS_FROM} WHERE {inner.sql()} "
        f"ORDER BY p.entity_id, a.published NULLS LAST, p.article_id, p.local_id",
        inner.params,
    )
    by_speaker: dict[int, list[PredictionRow]] = {}
    for r in rows:
        by_speaker.setdefault(int(r[7]), []).append(prediction_row(r))
    items = []
    for entity_id, name, count, first, last in speakers:
        mine = by_speaker.get(int(entity_id), [])
        stances: dict[str, int] = {}
        for p in mine:
            stances[p.stance or "unknown"] = stances.get(p.stance or "unknown", 0) + 1
        items.append(
            SpeakerPredictions(
                entity_id=int(entity_id),
                name=str(name or f"#{entity_id}"),
                aliases=aliases.get(int(entity_id), []),
                total=int(count),
                stances=stances,
                first=first,
                last=last,
                predictions=mine[:MAX_PREDICTIONS_PER_SPEAKER],
            )
        )
    return items
