"""The web UI: server-rendered pages over the store. `/articles/ID.json` is the page's own JSON."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..errors import NewsgraphError
from ..store import DayCount, Filters, Page, Paged, QuoteRow, SearchHit, Store, as_dict
from ..store.ledgers import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, LedgerRow
from .api import found, get_article_record, not_found, registry_ref
from .errors import CLIENT_STORE_ERRORS
from .highlight import entity_href, highlight, place_href
from .map import draw_map
from .params import MAX_PARAM, MAX_QUERY, FiltersDep, ListQuery, PageDep, link, page_links
from .stores import provider

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    started = time.perf_counter()
    html = request.app.state.env.get_template(template).render(request=request, **context)
    elapsed = (time.perf_counter() - started) * 1000
    return HTMLResponse(html, status_code=status, headers={"Server-Timing": f"render;dur={elapsed:.1f}"})


def pager(request: Request, result: Paged[Any]) -> dict[str, Any]:
    links = page_links(request, result.total, result.limit, result.offset, len(result.items))
    first = result.offset + 1 if result.items else 0
    return {"total": result.total, "first": first, "last": result.offset + len(result.items), **links}


def active_filters(f: Filters) -> list[tuple[str, str]]:
    return [(k, v) for k, v in as_dict(f).items() if v]


def list_page(
    request: Request, template: str, title: str, result: Paged[Any], f: Filters, **context: Any
) -> HTMLResponse:
    """A page of a list: its rows, the pager, and the filters in force (unless `context` says others)."""
    context.setdefault("filters", active_filters(f))
    return render(request, template, title=title, result=result, pager=pager(request, result), **context)


def list_route(path: str, name: str, template: str, title: str, rows: ListQuery) -> Callable[..., Response]:
    """Add the page at `path`: the store's `rows` under the request's filters, one page at a time."""

    def view(request: Request, f: FiltersDep, p: PageDep) -> Response:
        with provider(request).use() as store:
            result = rows(store, f, p)
        return list_page(request, template, title, result, f)

    view.__name__ = view.__qualname__ = name  # the route's name
    return router.get(path, response_class=HTMLResponse)(view)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    with provider(request).use() as store:
        stats = store.stats()
        recent = store.articles(Filters(), Page(limit=10))
        people = store.entities(Filters(kind="PERSON"), Page(limit=12))
        quotes = store.quotes(Filters(), Page(limit=5))
    return render(
        request, "index.html", title="newsgraph", stats=stats, recent=recent, people=people, quotes=quotes
    )


articles_page = list_route("/articles", "articles_page", "articles.html", "Articles", Store.articles)


@router.get("/articles/{ref}")
def article_page(request: Request, ref: str) -> Response:
    """The article page; with `.json` at the end, its record (the same JSON `newsgraph analyze` prints)."""
    if ref.endswith(".json"):
        return JSONResponse(get_article_record(request, ref.removesuffix(".json")))
    with provider(request).use() as store:
        article = store.article(ref)
        links = store.article_links(ref) if article is not None else None
    if article is None:
        raise not_found("article", ref)
    entity_ids = links.entities if links else {}
    place_ids = links.places if links else {}
    entities = {e.id: e for e in article.entities}
    speakers = []
    for quote in article.quotes:
        speaker = quote.speaker
        entity = entities.get(speaker.entity or "") if speaker else None
        name = entity.name if entity else (speaker.name if speaker else None)
        href = entity_href(name, entity_ids.get(entity.id) if entity else None) if name else None
        said = article.text[speaker.start : speaker.end] if speaker and speaker.start is not None else None
        speakers.append({"quote": quote, "name": name, "href": href, "as_written": said})
    people = [
        {"entity": e, "href": entity_href(e.name, entity_ids.get(e.id))}
        for e in article.entities
        if e.type in ("PERSON", "ORG", "NORP")
    ]
    places = []
    seen_places: OrderedDict[str, tuple[float, float, str, str]] = OrderedDict()
    for i, pl in enumerate(article.places):
        href = place_href(pl.name, place_ids.get(i))
        places.append({"place": pl, "href": href})
        if pl.lat is not None and pl.lon is not None:
            seen_places.setdefault(href, (pl.lat, pl.lon, pl.name, href))
    countries = frozenset(pl.country.upper() for pl in article.places if pl.country)
    figure = draw_map(list(seen_places.values()), mark=countries) if seen_places else None
    return render(
        request,
        "article.html",
        title=article.title or "Untitled article",
        article=article,
        paragraphs=highlight(article, entity_ids, place_ids),
        quotes=speakers,
        people=people,
        places=places,
        links=links,
        figure=figure,
    )


entities_page = list_route(
    "/entities", "entities_page", "entities.html", "People and organisations", Store.entities
)


@dataclass
class QuoteGroup:
    label: str
    quotes: list[QuoteRow]


def group_by_month(quotes: list[QuoteRow]) -> list[QuoteGroup]:
    groups: OrderedDict[str, list[QuoteRow]] = OrderedDict()
    for quote in quotes:
        groups.setdefault((quote.published or "undated")[:7], []).append(quote)
    return [QuoteGroup(label, items) for label, items in groups.items()]


@router.get("/entities/{ref:path}")
def entity_page(request: Request, ref: str, p: PageDep) -> Response:
    as_json = ref.endswith(".json")
    key = registry_ref(ref.removesuffix(".json"))
    with provider(request).use() as store:
        detail = found("entity", ref.removesuffix(".json"), store.entity(key))
        quotes = store.quotes(Filters(speaker=f"#{detail.entity.id}"), p)
    if as_json:
        body = as_dict(detail)
        body["quotes"] = as_dict(quotes)
        return JSONResponse(body)
    return render(
        request,
        "entity.html",
        title=detail.entity.name,
        detail=detail,
        quotes=quotes,
        groups=group_by_month(quotes.items),
        pager=pager(request, quotes),
    )


quotes_page = list_route("/quotes", "quotes_page", "quotes.html", "Quotes", Store.quotes)


@router.get("/places", response_class=HTMLResponse)
def places_page(request: Request, f: FiltersDep, p: PageDep) -> Response:
    with provider(request).use() as store:
        result = store.places(f, p)
    points = [
        (pl.lat, pl.lon, pl.name, place_href(pl.name, pl.id))
        for pl in result.items
        if pl.lat is not None and pl.lon is not None
    ]
    figure = draw_map(points) if points else None
    return list_page(request, "places.html", "Places", result, f, figure=figure)


@router.get("/places/{ref:path}")
def place_page(request: Request, ref: str) -> Response:
    as_json = ref.endswith(".json")
    key = registry_ref(ref.removesuffix(".json"))
    with provider(request).use() as store:
        place = store.place(key)
    detail = found("place", ref.removesuffix(".json"), place)
    if as_json:
        return JSONResponse(as_dict(detail))
    pl = detail.place
    points = (
        [(pl.lat, pl.lon, pl.name, place_href(pl.name, pl.id))]
        if pl.lat is not None and pl.lon is not None
        else []
    )
    mark = frozenset({pl.country.upper()}) if pl.country else frozenset()
    return render(request, "place.html", title=pl.name, detail=detail, figure=draw_map(points, mark=mark))


claims_page = list_route("/claims", "claims_page", "claims.html", "Claims ledger", Store.claims)


predictions_page = list_route(
    "/predictions", "predictions_page", "predictions.html", "Predictions ledger", Store.predictions
)


@dataclass
class PlaceGroup:
    place_id: int | None
    place_name: str | None
    country_id: int | None
    country_name: str | None
    rows: list[LedgerRow]


@dataclass
class SubjectGroup:
    subject: str
    places: list[PlaceGroup]


def group_ledger(rows: list[LedgerRow]) -> list[SubjectGroup]:
    """Ledger rows (ordered by subject, place, date) as subjects, each with its places."""
    subjects: OrderedDict[str, OrderedDict[int | None, PlaceGroup]] = OrderedDict()
    for row in rows:
        places = subjects.setdefault(row.subject_key or "(no subject)", OrderedDict())
        group = places.setdefault(
            row.place_id, PlaceGroup(row.place_id, row.place_name, row.country_id, row.country_name, [])
        )
        group.rows.append(row)
    return [SubjectGroup(subject, list(places.values())) for subject, places in subjects.items()]


LEDGER_DISAGREEMENTS = 50  # pairs shown above the ledger; the rest through the API


@router.get("/ledger/claims", response_class=HTMLResponse)
def claims_ledger_page(
    request: Request,
    f: FiltersDep,
    p: PageDep,
    subject: Annotated[str | None, Query(max_length=MAX_PARAM)] = None,
    window: Annotated[int, Query(ge=0, le=MAX_WINDOW_DAYS)] = DEFAULT_WINDOW_DAYS,
) -> Response:
    subject = subject.strip() or None if subject else None
    with provider(request).use() as store:
        result = store.claims_ledger(f, p, subject=subject, window=window)
        conflicts = store.disagreements(f, Page(limit=LEDGER_DISAGREEMENTS), subject=subject, window=window)
    shown = active_filters(f) + ([("subject", subject)] if subject else [])
    return list_page(
        request,
        "ledger_claims.html",
        "Claims ledger by subject and place",
        result,
        f,
        groups=group_ledger(result.items),
        conflicts=conflicts,
        window=window,
        filters=shown,
    )


predictions_ledger_page = list_route(
    "/ledger/predictions",
    "predictions_ledger_page",
    "ledger_predictions.html",
    "Predictions ledger by speaker",
    Store.predictions_ledger,
)


events_page = list_route("/events", "events_page", "events.html", "Events", Store.events)


@dataclass
class Bar:
    label: str
    articles: int
    quotes: int
    href: str
    x: float
    height: float


def _bucket(day: dt.date, unit: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the bucket (day, ISO week or month) that holds `day`."""
    if unit == "day":
        return day, day
    if unit == "week":
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def timeline_bars(days: list[DayCount], width: int = 720, height: int = 160) -> tuple[str, list[Bar]]:
    """Bars on a continuous time axis: per day over three months at most, per week over two years,
    else per month. Empty buckets are kept, so that gaps in the news show as gaps."""
    dated: list[tuple[dt.date, DayCount]] = []
    for day in days:
        with contextlib.suppress(ValueError):
            dated.append((dt.date.fromisoformat(day.day[:10]), day))
    if not dated:
        return "day", []
    start, end = min(d for d, _ in dated), max(d for d, _ in dated)
    span = (end - start).days
    unit = "day" if span <= 92 else "week" if span <= 730 else "month"
    counts: dict[dt.date, list[int]] = {}
    for date, count in dated:
        first, _ = _bucket(date, unit)
        bucket = counts.setdefault(first, [0, 0])
        bucket[0] += count.articles
        bucket[1] += count.quotes
    buckets = []
    first, last = _bucket(start, unit)
    while first <= end:
        buckets.append((first, last))
        first, last = _bucket(last + dt.timedelta(days=1), unit)
    top = max(c[0] for c in counts.values()) or 1
    step = width / len(buckets)
    bars = []
    for i, (first, last) in enumerate(buckets):
        articles, quotes = counts.get(first, [0, 0])
        label = first.isoformat()[:7] if unit == "month" else first.isoformat()
        if unit == "week":
            label = f"week of {label}"
        href = f"/articles?since={first.isoformat()}&until={last.isoformat()}"
        bars.append(Bar(label, articles, quotes, href, round(i * step, 2), round(articles / top * height, 1)))
    return unit, bars


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, f: FiltersDep) -> Response:
    with provider(request).use() as store:
        days = store.timeline(f)
    unit, bars = timeline_bars(days)
    return render(
        request,
        "timeline.html",
        title="Timeline",
        unit=unit,
        bars=bars,
        rows=[b for b in reversed(bars) if b.articles],
        filters=active_filters(f),
        bar_width=round(max(min(720 / len(bars) * 0.8, 60), 0.5), 2) if bars else 0,
    )


def snippet_parts(hit: SearchHit) -> list[tuple[str, bool]]:
    """The snippet cut into (text, matched) parts, for the template to mark the matches."""
    parts: list[tuple[str, bool]] = []
    at = 0
    text = hit.snippet
    for start, end in sorted(hit.highlights):
        if not (at <= start < end <= len(text)):
            continue
        parts += [(text[at:start], False), (text[start:end], True)]
        at = end
    parts.append((text[at:], False))
    return [p for p in parts if p[0]]


FACETS = ("source", "entity", "place", "year")  # each a filter of the search, `year` by since/until


def facet_href(request: Request, facet: str, value: str) -> str:
    """This search narrowed to one facet value: a year, or a source, entity or place filter."""
    if facet == "year":
        return link(request, since=value, until=value, offset=None)
    return link(request, **{facet: value, "offset": None})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    f: FiltersDep,
    p: PageDep,
    q: Annotated[str, Query(max_length=MAX_QUERY)] = "",
) -> Response:
    if not q.strip():
        return render(request, "search.html", title="Search", q="", result=None, error=None, filters=[])
    try:
        with provider(request).use() as store:
            result = store.search(q.strip(), f, p)
    except NewsgraphError as exc:
        if exc.code not in CLIENT_STORE_ERRORS:
            raise
        return render(
            request, "search.html", 400, title="Search", q=q, result=None, error=str(exc), filters=[]
        )
    facets = {
        name: [
            {"label": c.label, "count": c.count, "href": facet_href(request, name, c.value)} for c in counts
        ]
        for name, counts in result.facets.items()
        if name in FACETS
    }
    hits = [{"hit": h, "parts": snippet_parts(h)} for h in result.hits.items]
    return render(
        request,
        "search.html",
        title=f"Search: {q}",
        q=q,
        result=result,
        hits=hits,
        facets=facets,
        pager=pager(request, result.hits),
        error=None,
        filters=active_filters(f),
    )
