"""The typed results of store queries: plain dataclasses that the CLI and the web UI both render.

Every id here is the store's own: `article_id` is the record's `id` (sha256 of the clean text),
`entity_id` and `place_id` are integers of the store's registries (stable for the life of a
store), `quote_id`/`claim_id`/... are the ids inside their article's record (`q1`, `c2`).
Dates are ISO strings (`2023-07-08`); `published` may be None where the input gave none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

MAX_LIMIT = 1000  # one page never holds more rows than this, whatever the caller asks


@dataclass(frozen=True, kw_only=True)
class Filters:
    """What to keep. Every field is optional; several given are all required (AND).

    - `since`, `until`: the article's publication date, inclusive, `YYYY-MM-DD` (or `YYYY`,
      `YYYY-MM`, meaning the start of that year or month for `since` and its end for `until`).
    - `source`: the outlet (a URL's host, e.g. `example.org`) or a part of any copy's source
      (path or URL), case-insensitive.
    - `kind`: the kind of the rows listed: a quote's kind (direct, indirect, mixed,
      according_to, block), a place's kind (country, region, city, other), an event's type, a
      prediction's stance, a claim's unit; for articles and search it is ignored.
    - `speaker`: a person or organisation by any alias (transliteration-insensitive), or
      `#ID` for a registry id: quotes they gave, articles quoting them.
    - `entity`: an entity by any alias or `#ID`: articles that mention it.
    - `place`: a place by name or `#ID`: for claims and events their own place, for everything
      else the articles that mention it.
    """

    since: str | None = None
    until: str | None = None
    source: str | None = None
    kind: str | None = None
    speaker: str | None = None
    entity: str | None = None
    place: str | None = None

    def __post_init__(self) -> None:
        # Text from users, fit for either database: PostgreSQL refuses NUL characters.
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and "\x00" in value:
                object.__setattr__(self, f.name, value.replace("\x00", ""))

    def but(self, **changes: Any) -> Filters:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class Page:
    """A window on a list: `limit` rows (at most MAX_LIMIT) from `offset`."""

    limit: int = 20
    offset: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "limit", max(0, min(int(self.limit), MAX_LIMIT)))
        object.__setattr__(self, "offset", max(0, int(self.offset)))


@dataclass(frozen=True, kw_only=True)
class Paged(Generic[T]):
    """One page of a list, and the size of the whole list (for pagination)."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True, kw_only=True)
class Failure:
    """An input that could not be analysed or stored, and the one-line reason."""

    source: str
    reason: str


@dataclass(kw_only=True)
class IngestReport:
    """What one ingest did. `duplicates` are inputs already stored (their copy recorded)."""

    stored: int = 0
    duplicates: int = 0
    near_duplicates: int = 0  # stored, and grouped into the story of an earlier article
    skipped: int = 0  # already stored from this very source: nothing to do (a resumed run)
    failed: list[Failure] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # ids of the articles stored by this run

    def count(self, ids: Iterable[str], verdicts: Iterable[str]) -> None:
        """Count articles a transaction stored, by the writer's verdict on each (exact: a copy of an
        article already stored; near: stored, in an earlier article's story; new)."""
        for article_id, verdict in zip(ids, verdicts, strict=True):
            if verdict == "exact":
                self.duplicates += 1
            else:
                self.stored += 1
                self.ids.append(article_id)
                self.near_duplicates += verdict == "near"

    def summary(self) -> str:
        """One line for a person: `stored 3, duplicates 1 (near 0), skipped 0, failed 1`."""
        line = (
            f"stored {self.stored}, duplicates {self.duplicates} (near-duplicate stories "
            f"{self.near_duplicates}), skipped {self.skipped}, failed {len(self.failed)}"
        )
        return line


@dataclass(frozen=True, kw_only=True)
class Copy:
    """One sighting of an article: where it was read, and when."""

    source: str
    url: str | None
    seen: str  # ISO timestamp, UTC


@dataclass(frozen=True, kw_only=True)
class ArticleSummary:
    """An article in a list: enough for one line or one search hit."""

    id: str
    title: str | None
    published: str | None
    source: str  # the first copy's source
    outlet: str  # the host of a URL source, else "local"
    language: str | None
    story: str  # id of the first article of its story (its own id unless a near-duplicate)
    copies: int
    quotes: int
    entities: int


@dataclass(frozen=True, kw_only=True)
class ArticleLinks:
    """How one stored article's local ids map to the store's registries (for linking pages)."""

    article_id: str
    entities: dict[str, int]  # local entity id (e1) -> registry entity id
    places: dict[int, int]  # index into the record's `places` -> registry place id
    copies: list[Copy]
    story: str
    story_articles: list[str]  # the other articles of the same story


@dataclass(frozen=True, kw_only=True)
class FacetCount:
    value: str  # what to filter on (an outlet, `#ID` of an entity or place, a year)
    label: str  # what to show
    count: int


@dataclass(frozen=True, kw_only=True)
class SearchHit:
    article: ArticleSummary
    snippet: str  # plain text around the match (never markup)
    highlights: list[tuple[int, int]]  # [start, end) offsets into `snippet` of the matched terms
    rank: float  # higher is better


@dataclass(frozen=True, kw_only=True)
class SearchResult:
    query: str  # the query as understood (the user's terms, safely quoted)
    hits: Paged[SearchHit]
    facets: dict[str, list[FacetCount]]  # keys: source, entity, place, year; each by count, at most 10
    facets_exact: bool = True  # False: the counts cover a sample of the hits (a very common word)


@dataclass(frozen=True, kw_only=True)
class EntitySummary:
    id: int
    name: str  # canonical name
    type: str  # PERSON, ORG, GPE, ...
    aliases: list[str]
    articles: int
    quotes: int


@dataclass(frozen=True, kw_only=True)
class RoleSpan:
    """A role an article gave an entity, dated by the article's publication."""

    role: str
    of: str | None
    article_id: str
    date: str | None


@dataclass(frozen=True, kw_only=True)
class EntityDetail:
    entity: EntitySummary
    roles: list[RoleSpan]  # oldest first
    articles: list[ArticleSummary]  # newest first, at most 50
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True, kw_only=True)
class QuoteRow:
    article_id: str
    quote_id: str  # its id in the article's record
    title: str | None
    published: str | None
    source: str
    text: str
    kind: str
    start: int
    end: int
    speaker_text: str | None  # the speaker as written where the quote is ("he", "Lukashenka")
    speaker_name: str | None  # who the article resolved that to
    entity_id: int | None  # the registry entity, when the speaker is one
    entity_name: str | None  # its canonical name


@dataclass(frozen=True, kw_only=True)
class PlaceSummary:
    id: int
    name: str
    kind: str
    country: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    articles: int


@dataclass(frozen=True, kw_only=True)
class ClaimRow:
    article_id: str
    claim_id: str
    title: str | None
    published: str | None
    source: str
    text: str
    value: float | None
    qualifier: str | None
    unit: str | None
    subject: str | None
    place_id: int | None
    place_name: str | None
    date: str | None  # the claim's own date value, if it has one
    quote_id: str | None
    entity_id: int | None  # the source entity in the registry
    entity_name: str | None


@dataclass(frozen=True, kw_only=True)
class EventRow:
    article_id: str
    event_id: str
    title: str | None
    published: str | None
    type: str
    text: str
    place_id: int | None
    place_name: str | None
    date: str | None
    participants: list[tuple[int | None, str]]  # (registry entity id, name)


@dataclass(frozen=True, kw_only=True)
class PredictionRow:
    article_id: str
    prediction_id: str
    title: str | None
    published: str | None
    text: str
    stance: str | None
    about: str | None
    entity_id: int | None  # the speaker in the registry
    entity_name: str | None


@dataclass(frozen=True, kw_only=True)
class PlaceDetail:
    place: PlaceSummary
    articles: list[ArticleSummary]  # newest first, at most 50
    quotes: list[QuoteRow]  # quotes of articles that mention it, newest first, at most 50
    events: list[EventRow]
    claims: list[ClaimRow]


@dataclass(frozen=True, kw_only=True)
class DayCount:
    day: str
    articles: int
    quotes: int


@dataclass(frozen=True, kw_only=True)
class Stats:
    backend: str  # sqlite or postgresql
    location: str  # file path, or the URL without its password
    migrations: list[str]
    articles: int
    copies: int
    stories: int
    entities: int
    quotes: int
    places: int
    claims: int
    events: int
    predictions: int
    first_published: str | None
    last_published: str | None


@dataclass(kw_only=True)
class ReprocessReport:
    checked: int = 0
    reprocessed: int = 0
    failed: list[Failure] = field(default_factory=list)


def as_dict(value: Any) -> Any:
    """Any result above as plain JSON-ready data (dicts, lists, strings, numbers)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): as_dict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_dict(v) for v in value]
    return value
