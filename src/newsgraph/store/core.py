"""The Store: open a database, ingest analysed articles, and answer the queries of CLI and web."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

from ..article import Article
from ..errors import Errors, NewsgraphError, StoreError
from . import fts, ledgers, migrations, registry
from .db import Database, connect, database_errors
from .ledgers import Disagreement, LedgerRow, SpeakerPredictions
from .models import (
    ArticleLinks,
    ArticleSummary,
    ClaimRow,
    Copy,
    DayCount,
    EntityDetail,
    EntitySummary,
    EventRow,
    FacetCount,
    Failure,
    Filters,
    IngestReport,
    Page,
    Paged,
    PlaceDetail,
    PlaceSummary,
    PredictionRow,
    QuoteRow,
    RoleSpan,
    SearchHit,
    SearchResult,
    Stats,
)
from .writer import Origin, add_copy, raw_sha, store_article

T = TypeVar("T")
Rows = list[tuple[Any, ...]]

DEFAULT_DB = "newsgraph.db"
NO_FILTERS = Filters()
FIRST_PAGE = Page()
DETAIL_ROWS = 50  # rows of each list on an entity or place page
FACET_ROWS = 10
# Facets count the first FACET_SAMPLE matching articles (in store order), not all of them: on a
# store of 100,000 articles a common word matches tens of thousands, and exact counts would cost
# seconds (bench/bench_store.py). `SearchResult.facets_exact` says whether they cover every hit.
FACET_SAMPLE = 1000
SNIPPET_WORDS = 24
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

ARTICLE_COLUMNS = (
    "a.id, a.title, a.published, a.source, a.outlet, a.language, a.story, "
    "(SELECT count(*) FROM copies c WHERE c.article_id = a.id), a.n_quotes, a.n_entities"
)
NEWEST = "a.published DESC NULLS LAST, a.n DESC"
PLACE_COLUMNS = "p.id, p.name, p.kind, p.country, p.lat, p.lon, p.geonames_id"


def default_location() -> str:
    """The store to use when none is given: $NEWSGRAPH_DB, else ./newsgraph.db."""
    return os.environ.get("NEWSGRAPH_DB") or DEFAULT_DB


def open_store(url_or_path: str | None = None, *, create: bool = True, readonly: bool = False) -> Store:
    """Open (and migrate) the store at a path or `postgresql://` URL; None: `default_location()`.

    `create=False` refuses a SQLite file that does not exist yet (queries should not leave an
    empty store behind); `readonly=True` opens without migrating or writing. Raises StoreError
    (one clear line) for a file that is not a newsgraph store, a location that cannot be
    written, an unreachable server. A file that is not a store is never modified.
    """
    location = url_or_path or default_location()
    db = connect(location, create=create, readonly=readonly)
    try:
        if readonly:
            if not migrations.applied(db):
                raise StoreError(Errors.E302, db=location, reason="it has no newsgraph tables")
        else:
            migrations.migrate(db)
    except NewsgraphError:
        db.close()
        raise
    except database_errors() as exc:
        db.close()
        raise StoreError(Errors.E301, db=db.location, reason=_one_line(exc)) from exc
    return Store(db)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _since(value: str) -> str:
    if not _DATE.match(value):
        raise StoreError(
            Errors.E311, option="since", value=value, reason="expected YYYY, YYYY-MM or YYYY-MM-DD"
        )
    return value


def _until(value: str) -> str:
    if not _DATE.match(value):
        raise StoreError(
            Errors.E311, option="until", value=value, reason="expected YYYY, YYYY-MM or YYYY-MM-DD"
        )
    # The end of a year or month: "2023" takes in every "2023-..." date.
    return value + "-99" * (2 - value.count("-"))


def _like(value: str) -> str:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text(value: str) -> str:
    """A user's text fit for a parameter of either database (PostgreSQL refuses NUL characters)."""
    return value.replace("\x00", "")


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class Where:
    """SQL conditions and their parameters, joined with AND."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def within(self, column: str, ids: list[int]) -> None:
        if ids:
            self.add(f"{column} IN ({_marks(ids)})", *ids)
        else:
            self.add("1 = 0")

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1 = 1"


class Store:
    """One knowledge base. Thread-unsafe: one Store per thread (open several on one database)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.backend = db.dialect
        self.location = db.location

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def migrations(self) -> list[str]:
        """The names of the migrations applied to this store, in order."""
        return migrations.applied(self.db)

    # -- writing ---------------------------------------------------------------------------------
    def ingest(
        self,
        articles: Iterable[Article],
        *,
        batch_size: int = 1,
        origin: Callable[[Article], Origin | None] | None = None,
        report: IngestReport | None = None,
    ) -> IngestReport:
        """Store analysed articles with every annotation; idempotent.

        An article already stored (same `id`) is not stored again: its copy (source, time) is
        recorded and it counts as a duplicate. A near-duplicate (MinHash, see dedup.py) is stored
        and joins the story of the earlier article. Failed articles (`error` set) are reported,
        not stored. Each article is one transaction with all its annotations (or `batch_size`
        articles per transaction): a crash never leaves half an article. `origin` gives what the
        reader said of each article before analysis (for `reprocess`); by default the record's own.
        """
        report = report if report is not None else IngestReport()
        pending: list[Article] = []
        for article in articles:
            if article.error:
                report.failed.append(Failure(source=article.source, reason=article.error))
                continue
            pending.append(article)
            if len(pending) >= batch_size:
                self._write(pending, report, origin)
                pending = []
        if pending:
            self._write(pending, report, origin)
        return report

    def _write(
        self, batch: list[Article], report: IngestReport, origin: Callable[[Article], Origin | None] | None
    ) -> None:
        def origin_of(article: Article) -> Origin:
            found = origin(article) if origin else None
            return found or Origin.of(article)

        try:
            with self.db.transaction():
                verdicts = [store_article(self.db, a, origin_of(a)) for a in batch]
        except Exception as exc:
            if len(batch) > 1:  # find the article at fault; the others are stored one by one
                for article in batch:
                    self._write([article], report, origin)
                return
            reason = Errors.E310.format(db=self.location, reason=_one_line(exc))
            report.failed.append(Failure(source=batch[0].source, reason=reason))
            return
        report.count((a.id for a in batch), verdicts)

    def seen_input(self, raw: str, source: str) -> tuple[str, bool] | None:
        """The id of the article stored from this raw input, if any (to skip it before analysis),
        and whether `source` is a new copy of it (recorded now) rather than one already known."""
        article_id = self.stored_input(raw)
        if article_id is None:
            return None
        with self.db.transaction():
            added = add_copy(self.db, article_id, source, raw_sha(raw))
        return article_id, added

    def stored_input(self, raw: str) -> str | None:
        """The id of the article stored from this raw input, if any; a lookup only (a read-only
        store answers it too: the parallel workers ask it to skip inputs stored before)."""
        sha = raw_sha(raw)
        article_id = self.db.scalar("SELECT article_id FROM copies WHERE raw_sha = ? LIMIT 1", (sha,))
        return None if article_id is None else str(article_id)

    # -- articles --------------------------------------------------------------------------------
    def article(self, article_id: str) -> Article | None:
        """The full record as stored (the same JSON `newsgraph analyze` printed), or None."""
        row = self.db.one("SELECT text, record FROM articles WHERE id = ?", (article_id,))
        if row is None:
            return None
        data = json.loads(row[1])
        data["text"] = row[0]
        return Article.model_validate(data)

    def article_links(self, article_id: str) -> ArticleLinks | None:
        """Its local entity ids and place indexes mapped to registry ids, its copies and story."""
        story = self.db.scalar("SELECT story FROM articles WHERE id = ?", (article_id,))
        if story is None:
            return None
        entities = self.db.all("SELECT local_id, entity_id FROM mentions WHERE article_id = ?", (article_id,))
        places = self.db.all("SELECT idx, place_id FROM place_mentions WHERE article_id = ?", (article_id,))
        copies = self.db.all(
            "SELECT source, url, seen FROM copies WHERE article_id = ? ORDER BY seen, source", (article_id,)
        )
        others = self.db.all(
            "SELECT id FROM articles WHERE story = ? AND id <> ? ORDER BY n", (story, article_id)
        )
        return ArticleLinks(
            article_id=article_id,
            entities={str(k): int(v) for k, v in entities},
            places={int(k): int(v) for k, v in places},
            copies=[Copy(source=s, url=u, seen=t) for s, u, t in copies],
            story=str(story),
            story_articles=[str(r[0]) for r in others],
        )

    def articles(self, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE) -> Paged[ArticleSummary]:
        """Articles matching the filters, newest first."""
        return self._listing(
            _rows(_summary),
            self._article_where(filters),
            page,
            select=ARTICLE_COLUMNS,
            source="FROM articles a",
            order=NEWEST,
        )

    def search(self, text: str, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE) -> SearchResult:
        """Full-text search over titles and texts, best first, with snippets and facet counts.

        The user's words are taken as words (all required); "double quotes" mark a phrase.
        Nothing in `text` can break the SQL or the full-text syntax: a query with no words
        raises StoreError E304.
        """
        found = fts.terms(text)
        where = self._article_where(filters)
        if self.backend == "sqlite":
            query = fts.fts5(found)
            base = (
                f"FROM articles_fts JOIN articles a ON a.n = articles_fts.rowid "
                f"WHERE articles_fts MATCH ? AND {where.sql()}"
            )
            params = [query, *where.params]
            total = int(self.db.scalar(f"SELECT count(*) {base}", params))
            rows = self.db.all(
                f"SELECT {ARTICLE_COLUMNS}, "
                f"snippet(articles_fts, 1, char(2), char(3), '…', {SNIPPET_WORDS}), "
                f"-bm25(articles_fts, 4.0, 1.0) AS score {base} ORDER BY score DESC, a.n LIMIT ? OFFSET ?",
                [*params, page.limit, page.offset],
            )
            matching = f"SELECT a.id {base} LIMIT {FACET_SAMPLE}"
        else:
            query = fts.websearch(found)
            base = f"FROM articles a WHERE a.tsv @@ websearch_to_tsquery('english', ?) AND {where.sql()}"
            params = [query, *where.params]
            total = int(self.db.scalar(f"SELECT count(*) {base}", params))
            options = (
                f"StartSel={fts.MARK_START}, StopSel={fts.MARK_END}, MaxWords={SNIPPET_WORDS + 11}, "
                "MinWords=15, MaxFragments=1"
            )
            rows = self.db.all(
                f"SELECT {ARTICLE_COLUMNS}, "
                f"ts_headline('english', left(a.text, 100000), hit.q, ?), hit.score "
                f"FROM (SELECT a.n, ts_rank(a.tsv, websearch_to_tsquery('english', ?)) AS score, "
                f"websearch_to_tsquery('english', ?) AS q {base} "
                f"ORDER BY score DESC, a.n LIMIT ? OFFSET ?) hit "
                f"JOIN articles a ON a.n = hit.n ORDER BY hit.score DESC, a.n",
                [options, query, query, *params, page.limit, page.offset],
            )
            matching = f"SELECT a.id {base} LIMIT {FACET_SAMPLE}"
        hits = []
        for row in rows:
            snippet, spans = fts.highlights(str(row[10] or ""))
            hits.append(
                SearchHit(article=_summary(row), snippet=snippet, highlights=spans, rank=float(row[11]))
            )
        return SearchResult(
            query=fts.display(found),
            hits=Paged(items=hits, total=total, limit=page.limit, offset=page.offset),
            facets=self._facets(matching, params)
            if total
            else {k: [] for k in ("source", "entity", "place", "year")},
            facets_exact=total <= FACET_SAMPLE,
        )

    def _facets(self, matching: str, params: list[Any]) -> dict[str, list[FacetCount]]:
        # The matching ids once, then four cheap lookups by key (not four full-text queries).
        ids = [r[0] for r in self.db.all(matching, params)]
        if not ids:
            return {k: [] for k in ("source", "entity", "place", "year")}
        within, limit = _marks(ids), FACET_ROWS
        outlets = self.db.all(
            f"SELECT a.outlet, count(*) FROM articles a WHERE a.id IN ({within}) "
            f"GROUP BY a.outlet ORDER BY count(*) DESC, a.outlet LIMIT {limit}",
            ids,
        )
        years = self.db.all(
            f"SELECT substr(a.published, 1, 4) AS y, count(*) FROM articles a WHERE a.id IN ({within}) "
            f"AND a.published IS NOT NULL GROUP BY substr(a.published, 1, 4) ORDER BY count(*) DESC, y DESC "
            f"LIMIT {limit}",
            ids,
        )
        entities = self.db.all(
            f"SELECT e.id, e.name, count(DISTINCT m.article_id) AS c FROM mentions m "
            f"JOIN entities e ON e.id = m.entity_id WHERE m.article_id IN ({within}) AND e.grp <> 'place' "
            f"GROUP BY e.id, e.name ORDER BY c DESC, e.name LIMIT {limit}",
            ids,
        )
        places = self.db.all(
            f"SELECT p.id, p.name, count(DISTINCT pm.article_id) AS c FROM place_mentions pm "
            f"JOIN places p ON p.id = pm.place_id WHERE pm.article_id IN ({within}) "
            f"GROUP BY p.id, p.name ORDER BY c DESC, p.name LIMIT {limit}",
            ids,
        )
        return {
            "source": [FacetCount(value=str(v), label=str(v), count=int(c)) for v, c in outlets],
            "entity": [FacetCount(value=f"#{i}", label=str(n), count=int(c)) for i, n, c in entities],
            "place": [FacetCount(value=f"#{i}", label=str(n), count=int(c)) for i, n, c in places],
            "year": [FacetCount(value=str(y), label=str(y), count=int(c)) for y, c in years],
        }

    # -- the registry ----------------------------------------------------------------------------
    def entities(self, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE) -> Paged[EntitySummary]:
        """Registry entities, most mentioned first. `filters.kind` is an entity type (PERSON, ORG...);
        `filters.entity` a name to match (any alias); since/until/source/place restrict the articles."""
        where = self._article_where(filters.but(entity=None, speaker=None))
        if filters.kind:
            where.add("e.type = ?", filters.kind.upper())
        if filters.entity:
            where.within("e.id", self._entity_ids(filters.entity))
        if filters.speaker:
            where.within("e.id", self._entity_ids(filters.speaker))
        return self._listing(
            self._entity_summaries,
            where,
            page,
            select="e.id, e.name, e.type, count(DISTINCT m.article_id) AS c",
            source="FROM entities e JOIN mentions m ON m.entity_id = e.id "
            "JOIN articles a ON a.id = m.article_id",
            group_by="e.id, e.name, e.type",
            order="c DESC, e.name, e.id",
        )

    def _entity_summaries(self, rows: Rows) -> list[EntitySummary]:
        ids = [int(r[0]) for r in rows]
        if not ids:
            return []
        aliases: dict[int, list[str]] = {}
        for entity_id, alias in self.db.all(
            f"SELECT entity_id, alias FROM aliases WHERE entity_id IN ({_marks(ids)}) ORDER BY alias", ids
        ):
            aliases.setdefault(int(entity_id), []).append(str(alias))
        quotes: dict[Any, Any] = dict(
            self.db.all(
                f"SELECT entity_id, count(*) FROM quotes WHERE entity_id IN ({_marks(ids)}) "
                f"GROUP BY entity_id",
                ids,
            )
        )
        return [
            EntitySummary(
                id=int(i),
                name=str(n),
                type=str(t),
                aliases=aliases.get(int(i), []),
                articles=int(c),
                quotes=int(quotes.get(i, 0)),
            )
            for i, n, t, c in rows
        ]

    def entity(self, id_or_name: int | str) -> EntityDetail | None:
        """One entity by registry id (or "#ID") or by any alias; the most mentioned when a name fits
        several. None when nothing fits."""
        ids = self._entity_ids(id_or_name)
        if not ids:
            return None
        rows = self.db.all(
            f"SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS c FROM entities e "
            f"LEFT JOIN mentions m ON m.entity_id = e.id WHERE e.id IN ({_marks(ids)}) "
            f"GROUP BY e.id, e.name, e.type ORDER BY c DESC, e.id",
            ids,
        )
        if not rows:
            return None
        summary = self._entity_summaries(rows[:1])[0]
        roles = self.db.all(
            "SELECT role, role_of, article_id, date FROM roles WHERE entity_id = ? "
            "ORDER BY date NULLS FIRST, role",
            (summary.id,),
        )
        articles = self.db.all(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id IN "
            f"(SELECT article_id FROM mentions WHERE entity_id = ?) ORDER BY {NEWEST} LIMIT {DETAIL_ROWS}",
            (summary.id,),
        )
        seen = self.db.one(
            "SELECT min(a.published), max(a.published) FROM articles a "
            "JOIN mentions m ON m.article_id = a.id "
            "WHERE m.entity_id = ?",
            (summary.id,),
        )
        return EntityDetail(
            entity=summary,
            roles=[RoleSpan(role=r, of=o, article_id=a, date=d) for r, o, a, d in roles],
            articles=[_summary(r) for r in articles],
            first_seen=seen[0] if seen else None,
            last_seen=seen[1] if seen else None,
        )

    def find_entities(self, name: str) -> list[EntitySummary]:
        """Every registry entity a name may stand for (any alias, transliteration-insensitive)."""
        ids = self._entity_ids(name)
        if not ids:
            return []
        rows = self.db.all(
            f"SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS c FROM entities e "
            f"LEFT JOIN mentions m ON m.entity_id = e.id WHERE e.id IN ({_marks(ids)}) "
            f"GROUP BY e.id, e.name, e.type ORDER BY c DESC, e.id",
            ids,
        )
        return self._entity_summaries(rows)

    def quotes(
        self,
        filters: Filters = NO_FILTERS,
        page: Page = FIRST_PAGE,
        *,
        speaker: str | None = None,
        entity: str | None = None,
    ) -> Paged[QuoteRow]:
        """Quotes, newest first. `speaker` (or filters.speaker): who gave them, by any alias;
        `entity` (or filters.entity): quotes of articles mentioning it; kind: the quote kind."""
        speaker = speaker or filters.speaker
        where = self._article_where(filters.but(speaker=None, entity=entity or filters.entity))
        if speaker:
            ids = self._entity_ids(speaker)
            if ids:
                where.within("q.entity_id", ids)
            else:  # a speaker the registry does not hold: the name as the articles resolved it
                where.add("lower(q.speaker_name) = ?", _text(speaker).lower())
        if filters.kind:
            where.add("q.kind = ?", filters.kind)
        return self._listing(
            _rows(_quote),
            where,
            page,
            select="q.article_id, q.local_id, a.title, a.published, a.source, q.text, q.kind, q.start_at, "
            "q.end_at, q.speaker_text, q.speaker_name, q.entity_id, "
            "(SELECT e.name FROM entities e WHERE e.id = q.entity_id)",
            source="FROM quotes q JOIN articles a ON a.id = q.article_id",
            order="q.published DESC NULLS LAST, q.article_id, q.start_at",
        )

    def places(self, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE) -> Paged[PlaceSummary]:
        """Places, most mentioned first; `filters.place` a name to match, `kind` the place kind."""
        where = self._row_where(filters, place="p.id", kind="p.kind")
        return self._listing(
            _rows(_place),
            where,
            page,
            select=f"{PLACE_COLUMNS}, count(DISTINCT pm.article_id) AS c",
            source="FROM places p JOIN place_mentions pm ON pm.place_id = p.id "
            "JOIN articles a ON a.id = pm.article_id",
            group_by=PLACE_COLUMNS,
            order="c DESC, p.name, p.id",
        )

    def place(self, id_or_name: int | str) -> PlaceDetail | None:
        """One place (registry id, "#ID" or name) with lat/lon, and the articles, quotes, events and
        claims there."""
        ids = self._place_ids(id_or_name)
        if not ids:
            return None
        rows = self.db.all(
            f"SELECT {PLACE_COLUMNS}, count(DISTINCT pm.article_id) AS c FROM places p "
            f"LEFT JOIN place_mentions pm ON pm.place_id = p.id WHERE p.id IN ({_marks(ids)}) "
            f"GROUP BY {PLACE_COLUMNS} ORDER BY c DESC, p.id",
            ids,
        )
        if not rows:
            return None
        summary = _place(rows[0])
        by_id = Filters(place=f"#{summary.id}")
        top = Page(limit=DETAIL_ROWS)
        return PlaceDetail(
            place=summary,
            articles=self.articles(by_id, top).items,
            quotes=self.quotes(by_id, top).items,
            events=self.events(by_id, top).items,
            claims=self.claims(by_id, top).items,
        )

    def claims(self, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE) -> Paged[ClaimRow]:
        """Claims (numbers with their source), newest first; `filters.place` is the claim's place,
        `speaker` its source entity, `kind` its unit."""
        where = self._row_where(filters, place="c.place_id", speaker="c.entity_id", kind="c.unit")
        return self._listing(
            _rows(_claim),
            where,
            page,
            select="c.article_id, c.local_id, a.title, a.published, a.source, c.text, c.value, c.qualifier, "
            "c.unit, c.subject, c.place_id, (SELECT p.name FROM places p WHERE p.id = c.place_id), "
            "c.date_value, c.quote_local, c.entity_id, "
            "(SELECT e.name FROM entities e WHERE e.id = c.entity_id)",
            source="FROM claims c JOIN articles a ON a.id = c.article_id",
            order="c.published DESC NULLS LAST, c.article_id, c.local_id",
        )

    def events(self, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE) -> Paged[EventRow]:
        """Events, newest first; `filters.kind` the event type, `place` the event's place."""
        where = self._row_where(filters, place="v.place_id", kind="v.type")
        return self._listing(
            _rows(_event),
            where,
            page,
            select="v.article_id, v.local_id, a.title, a.published, v.type, v.text, v.place_id, "
            "(SELECT p.name FROM places p WHERE p.id = v.place_id), v.date_value, v.participants",
            source="FROM events v JOIN articles a ON a.id = v.article_id",
            order="v.published DESC NULLS LAST, v.article_id, v.local_id",
        )

    def predictions(self, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE) -> Paged[PredictionRow]:
        """Predictions, newest first; `filters.kind` the stance, `speaker` who made them."""
        where = self._row_where(filters, speaker="p.entity_id", kind="p.stance")
        return self._listing(
            _rows(ledgers.prediction_row),
            where,
            page,
            select=ledgers.PREDICTION_COLUMNS,
            source=ledgers.PREDICTIONS_FROM,
            order="p.published DESC NULLS LAST, p.article_id, p.local_id",
        )

    # -- the ledgers (newsgraph.store.ledgers) ---------------------------------------------------
    def claims_ledger(
        self,
        filters: Filters = NO_FILTERS,
        page: Page = FIRST_PAGE,
        *,
        subject: str | None = None,
        window: int = ledgers.DEFAULT_WINDOW_DAYS,
    ) -> Paged[LedgerRow]:
        """Claims by subject, place and date, by source; `disputed` marks disagreements."""
        return ledgers.claims_ledger(self, filters, page, subject=subject, window=window)

    def disagreements(
        self,
        filters: Filters = NO_FILTERS,
        page: Page = FIRST_PAGE,
        *,
        subject: str | None = None,
        window: int = ledgers.DEFAULT_WINDOW_DAYS,
    ) -> Paged[Disagreement]:
        """Pairs of claims by different sources, same subject and place, incompatible figures."""
        return ledgers.disagreements(self, filters, page, subject=subject, window=window)

    def predictions_ledger(
        self, filters: Filters = NO_FILTERS, page: Page = FIRST_PAGE
    ) -> Paged[SpeakerPredictions]:
        """Speakers with their predictions over time, most predictions first."""
        return ledgers.predictions_ledger(self, filters, page)

    def timeline(self, filters: Filters = NO_FILTERS) -> list[DayCount]:
        """Articles and quotes per publication day, oldest first (undated articles left out)."""
        where = self._article_where(filters)
        rows = self.db.all(
            f"SELECT a.published, count(*), sum(a.n_quotes) FROM articles a "
            f"WHERE a.published IS NOT NULL AND {where.sql()} GROUP BY a.published ORDER BY a.published",
            where.params,
        )
        return [DayCount(day=str(d), articles=int(n), quotes=int(q or 0)) for d, n, q in rows]

    def stats(self) -> Stats:
        """Counts of everything in the store."""

        def count(sql: str) -> int:
            return int(self.db.scalar(sql) or 0)

        span = self.db.one("SELECT min(published), max(published) FROM articles")
        return Stats(
            backend=self.backend,
            location=self.location,
            migrations=self.migrations(),
            articles=count("SELECT count(*) FROM articles"),
            copies=count("SELECT count(*) FROM copies"),
            stories=count("SELECT count(DISTINCT story) FROM articles"),
            entities=count("SELECT count(DISTINCT entity_id) FROM mentions"),
            quotes=count("SELECT count(*) FROM quotes"),
            places=count("SELECT count(DISTINCT place_id) FROM place_mentions"),
            claims=count("SELECT count(*) FROM claims"),
            events=count("SELECT count(*) FROM events"),
            predictions=count("SELECT count(*) FROM predictions"),
            first_published=span[0] if span else None,
            last_published=span[1] if span else None,
        )

    def iter_articles(self, filters: Filters = NO_FILTERS, *, batch: int = 200) -> Iterator[Article]:
        """Every stored record matching the filters, in the order stored, streamed (for export)."""
        where = self._article_where(filters)
        last = -1
        while True:
            rows = self.db.all(
                f"SELECT a.n, a.text, a.record FROM articles a WHERE a.n > ? AND {where.sql()} "
                f"ORDER BY a.n LIMIT ?",
                [last, *where.params, batch],
            )
            for n, text, record in rows:
                data = json.loads(record)
                data["text"] = text
                yield Article.model_validate(data)
                last = int(n)
            if len(rows) < batch:
                return

    def stale_articles(self, current: Sequence[str]) -> list[str]:
        """Ids of articles made by older versions of the stages in `current` (e.g. quotes.v2), or
        missing one of them."""
        wanted = dict(_stage_version(s) for s in current)
        stale = []
        for article_id, stages in self.db.all("SELECT id, stages FROM articles ORDER BY n"):
            have = dict(_stage_version(s) for s in json.loads(stages))
            if any(have.get(name, -1) < version for name, version in wanted.items()):
                stale.append(str(article_id))
        return stale

    def origin(self, article_id: str) -> tuple[str, Origin] | None:
        """The raw input of a stored article and what its reader said of it (to analyse it again)."""
        row = self.db.one("SELECT raw, origin FROM articles WHERE id = ?", (article_id,))
        return (str(row[0]), Origin.from_json(row[1])) if row else None

    # -- helpers ---------------------------------------------------------------------------------
    def _listing(
        self,
        make: Callable[[Rows], list[T]],
        where: Where,
        page: Page,
        *,
        select: str,
        source: str,
        order: str,
        group_by: str | None = None,
    ) -> Paged[T]:
        """One page of `SELECT select source WHERE where [GROUP BY group_by] ORDER BY order`, its rows
        made into items by `make`, with the number of rows (or groups) on every page."""
        base = f"{source} WHERE {where.sql()}" + (f" GROUP BY {group_by}" if group_by else "")
        counted = (
            f"SELECT count(*) FROM (SELECT {group_by} {base}) t" if group_by else f"SELECT count(*) {base}"
        )
        total = int(self.db.scalar(counted, where.params))
        rows = self.db.all(
            f"SELECT {select} {base} ORDER BY {order} LIMIT ? OFFSET ?",
            [*where.params, page.limit, page.offset],
        )
        return Paged(items=make(rows), total=total, limit=page.limit, offset=page.offset)

    def _entity_ids(self, id_or_name: int | str) -> list[int]:
        if isinstance(id_or_name, int):
            return [id_or_name]
        if id_or_name.startswith("#") and id_or_name[1:].isdigit():
            return [int(id_or_name[1:])]
        return registry.find(self.db, id_or_name)

    def _place_ids(self, id_or_name: int | str) -> list[int]:
        if isinstance(id_or_name, int):
            return [id_or_name]
        if id_or_name.startswith("#") and id_or_name[1:].isdigit():
            return [int(id_or_name[1:])]
        return registry.find_places(self.db, id_or_name)

    def _article_where(self, f: Filters) -> Where:
        """Conditions on the articles table (`a`) for since, until, source, entity, speaker, place."""
        where = Where()
        if f.since:
            where.add("a.published >= ?", _since(f.since))
        if f.until:
            where.add("a.published <= ?", _until(f.until))
        if f.source:
            where.add(
                "(a.outlet = ? OR a.id IN "
                "(SELECT article_id FROM copies WHERE lower(source) LIKE ? ESCAPE '\\'))",
                _text(f.source).lower().removeprefix("www."),
                _like(_text(f.source)),
            )
        mentioned = (
            (f.entity, "mentions", "entity_id", self._entity_ids),
            (f.speaker, "quotes", "entity_id", self._entity_ids),
            (f.place, "place_mentions", "place_id", self._place_ids),
        )
        for name, table, column, ids_of in mentioned:
            if name:
                ids = ids_of(name)
                if ids:
                    where.add(
                        f"a.id IN (SELECT article_id FROM {table} WHERE {column} IN ({_marks(ids)}))", *ids
                    )
                else:
                    where.add("1 = 0")
        return where

    def _row_where(
        self, f: Filters, *, place: str | None = None, speaker: str | None = None, kind: str | None = None
    ) -> Where:
        """Conditions for a listing of rows (claims, events, ...) that answer some filters with their
        own columns: `place` and `speaker` hold registry ids, `kind` equals `f.kind`. The other
        filters restrict the rows' articles."""
        where = self._article_where(
            f.but(place=None if place else f.place, speaker=None if speaker else f.speaker)
        )
        if place and f.place:
            where.within(place, self._place_ids(f.place))
        if speaker and f.speaker:
            where.within(speaker, self._entity_ids(f.speaker))
        if kind and f.kind:
            where.add(f"{kind} = ?", f.kind)
        return where


def _stage_version(stage_id: str) -> tuple[str, int]:
    name, _, version = stage_id.rpartition(".v")
    return (name, int(version)) if name and version.isdigit() else (stage_id, 0)


def _rows(make: Callable[[Sequence[Any]], T]) -> Callable[[Rows], list[T]]:
    """A listing's rows made into items one by one."""
    return lambda rows: [make(r) for r in rows]


def _summary(r: Sequence[Any]) -> ArticleSummary:
    return ArticleSummary(
        id=r[0],
        title=r[1],
        published=r[2],
        source=r[3],
        outlet=r[4],
        language=r[5],
        story=r[6],
        copies=int(r[7]),
        quotes=int(r[8]),
        entities=int(r[9]),
    )


def _quote(r: Sequence[Any]) -> QuoteRow:
    return QuoteRow(
        article_id=r[0],
        quote_id=r[1],
        title=r[2],
        published=r[3],
        source=r[4],
        text=r[5],
        kind=r[6],
        start=int(r[7]),
        end=int(r[8]),
        speaker_text=r[9],
        speaker_name=r[10],
        entity_id=int(r[11]) if r[11] is not None else None,
        entity_name=r[12],
    )


def _place(r: Sequence[Any]) -> PlaceSummary:
    return PlaceSummary(
        id=int(r[0]),
        name=r[1],
        kind=r[2],
        country=r[3],
        lat=r[4],
        lon=r[5],
        geonames_id=r[6],
        articles=int(r[7]),
    )


def _claim(r: Sequence[Any]) -> ClaimRow:
    return ClaimRow(
        article_id=r[0],
        claim_id=r[1],
        title=r[2],
        published=r[3],
        source=r[4],
        text=r[5],
        value=float(r[6]) if r[6] is not None else None,
        qualifier=r[7],
        unit=r[8],
        subject=r[9],
        place_id=r[10],
        place_name=r[11],
        date=r[12],
        quote_id=r[13],
        entity_id=r[14],
        entity_name=r[15],
    )


def _event(r: Sequence[Any]) -> EventRow:
    return EventRow(
        article_id=r[0],
        event_id=r[1],
        title=r[2],
        published=r[3],
        type=r[4],
        text=r[5],
        place_id=r[6],
        place_name=r[7],
        date=r[8],
        participants=[(p[0], str(p[1])) for p in json.loads(r[9])],
    )
