"""The REST API (JSON): every list paginated and filtered, ingest behind a bearer token."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from ..article import Article, text_id
from ..store import IngestReport, Paged, Store, as_dict
from ..store.ledgers import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS
from .errors import WebError, WebErrors
from .params import MAX_PARAM, MAX_QUERY, FiltersDep, ListQuery, PageDep, page_links
from .security import token_matches
from .stores import provider

T = TypeVar("T")
router = APIRouter(prefix="/api", tags=["api"])
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

LEDGER_RULES = (
    "Claims are compared when they count the same subject (its unit, else the head of its subject, "
    "in the singular) at the same place, come from different sources (registry entity, else speaker "
    "name, else the outlet) and are at most `window` days apart (the claim's own day, else the "
    "publication day). Each allows an interval: up_to X [0, X]; less_than X [0, X); at_least X "
    "[X, inf); more_than X (X, inf); about X [0.8X, 1.2X]; exactly X or none [X, X]; a range X to U "
    "ends at U. They disagree when the intervals do not overlap."
)
MAX_INGEST_BYTES = 20_000_000  # one POST /api/ingest body
MAX_INGEST_ARTICLES = 1000  # records or texts in one POST


def registry_ref(ref: str) -> int | str:
    """A path's reference to a registry row: its id (`12`, `#12`) or a name."""
    if len(ref) > 200:
        raise WebError(400, WebErrors.E402, param="id", reason="longer than 200 characters")
    bare = ref[1:] if ref.startswith("#") else ref
    return int(bare) if bare.isdigit() and len(bare) < 18 else ref


def paged_json(request: Request, result: Paged[Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "items": as_dict(result.items),
        "total": result.total,
        "limit": result.limit,
        "offset": result.offset,
    }
    body.update(page_links(request, result.total, result.limit, result.offset, len(result.items)))
    return body


def not_found(kind: str, ref: object) -> WebError:
    return WebError(404, WebErrors.E401, kind=kind, id=str(ref))


def found(kind: str, ref: object, value: T | None) -> T:
    """What the store found for `ref`; a 404 naming the `kind` and `ref` when it found nothing."""
    if value is None:
        raise not_found(kind, ref)
    return value


def search_query(q: str) -> str:
    q = q.strip()
    if not q:
        raise WebError(400, WebErrors.E403, query=q, reason="it has no words: type what to look for")
    return q


def list_endpoint(path: str, name: str, summary: str, rows: ListQuery) -> Callable[..., dict[str, Any]]:
    """Add `GET /api{path}`, operation `name`: the store's `rows` under the request's filters, one
    page at a time, with links to the next and previous pages."""

    def endpoint(request: Request, f: FiltersDep, p: PageDep) -> dict[str, Any]:
        with provider(request).use() as store:
            return paged_json(request, rows(store, f, p))

    return _add_route(path, name, endpoint, summary=summary)


def registry_endpoint(
    path: str, name: str, summary: str, kind: str, find: Callable[[Store, int | str], Any]
) -> Callable[..., dict[str, Any]]:
    """Add `GET /api{path}`, operation `name`: one `kind` of the registry (`Store.entity`,
    `Store.place`) by id or name, or a 404."""

    def endpoint(request: Request, ref: str) -> dict[str, Any]:
        with provider(request).use() as store:
            detail = find(store, registry_ref(ref))
        result: dict[str, Any] = as_dict(found(kind, ref, detail))
        return result

    return _add_route(path, name, endpoint, summary=summary)


def _add_route(path: str, name: str, endpoint: Callable[..., T], **options: Any) -> Callable[..., T]:
    # The name is the route's name and its OpenAPI operation id, as for a function defined by hand.
    endpoint.__name__ = endpoint.__qualname__ = name
    return router.get(path, **options)(endpoint)


list_articles = list_endpoint("/articles", "list_articles", "Articles, newest first", Store.articles)


def get_article_record(request: Request, article_id: str) -> dict[str, Any]:
    with provider(request).use() as store:
        article = store.article(article_id)
    return found("article", article_id, article).to_dict()


@router.get("/articles/{article_id}", summary="One article's full record (newsgraph.article/1)")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    return get_article_record(request, article_id.removesuffix(".json"))


@router.get("/articles/{article_id}/links", summary="An article's local ids mapped to the registry")
def get_article_links(request: Request, article_id: str) -> dict[str, Any]:
    with provider(request).use() as store:
        links = store.article_links(article_id)
    result: dict[str, Any] = as_dict(found("article", article_id, links))
    return result


list_entities = list_endpoint(
    "/entities",
    "list_entities",
    "People, organisations and other entities, most mentioned first",
    Store.entities,
)
get_entity = registry_endpoint(
    "/entities/{ref:path}", "get_entity", "One entity by registry id or any alias", "entity", Store.entity
)
list_quotes = list_endpoint(
    "/quotes", "list_quotes", "Quotes, newest first; filter by speaker (any alias) or entity", Store.quotes
)
list_places = list_endpoint("/places", "list_places", "Places, most mentioned first", Store.places)
get_place = registry_endpoint(
    "/places/{ref:path}", "get_place", "One place with what happened there", "place", Store.place
)
list_claims = list_endpoint(
    "/claims", "list_claims", "The claims ledger: numbers and who claimed them", Store.claims
)


Subject = Annotated[
    str | None, Query(max_length=MAX_PARAM, description="what is counted: battalions, personnel, troops")
]
Window = Annotated[
    int,
    Query(ge=0, le=MAX_WINDOW_DAYS, description="claims at most this many days apart are compared"),
]


def claims_ledger_endpoint(
    path: str, name: str, summary: str, rows: Callable[..., Paged[Any]]
) -> Callable[..., dict[str, Any]]:
    """Add `GET /api{path}`, operation `name`: a claims ledger query (`Store.claims_ledger`,
    `Store.disagreements`) under the request's filters, subject and window, one page at a time."""

    def endpoint(
        request: Request,
        f: FiltersDep,
        p: PageDep,
        subject: Subject = None,
        window: Window = DEFAULT_WINDOW_DAYS,
    ) -> dict[str, Any]:
        with provider(request).use() as store:
            return paged_json(request, rows(store, f, p, subject=_blank(subject), window=window))

    return _add_route(path, name, endpoint, summary=summary, description=LEDGER_RULES)


ledger_claims = claims_ledger_endpoint(
    "/ledger/claims",
    "ledger_claims",
    "The claims ledger: by subject, place and date, by source, with intervals",
    Store.claims_ledger,
)
ledger_disagreements = claims_ledger_endpoint(
    "/ledger/claims/disagreements",
    "ledger_disagreements",
    "Pairs of claims by different sources whose figures are incompatible",
    Store.disagreements,
)


ledger_predictions = list_endpoint(
    "/ledger/predictions",
    "ledger_predictions",
    "The predictions ledger: each speaker's predictions over time",
    Store.predictions_ledger,
)


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


list_events = list_endpoint("/events", "list_events", "Events, newest first", Store.events)
list_predictions = list_endpoint(
    "/predictions", "list_predictions", "The predictions ledger: who predicted what", Store.predictions
)


@router.get("/search", summary="Full-text search with facets (source, entity, place, year)")
def search(
    request: Request,
    f: FiltersDep,
    p: PageDep,
    q: Annotated[str, Query(max_length=MAX_QUERY, description='words (all required); "a phrase"')],
) -> dict[str, Any]:
    with provider(request).use() as store:
        result = store.search(search_query(q), f, p)
    body = paged_json(request, result.hits)
    body["query"] = result.query
    body["facets"] = as_dict(result.facets)
    return body


@router.get("/timeline", summary="Articles and quotes per publication day")
def timeline(request: Request, f: FiltersDep) -> dict[str, Any]:
    with provider(request).use() as store:
        days = store.timeline(f)
    return {"days": as_dict(days)}


@router.get("/stats", summary="Counts of everything in the store")
def stats(request: Request) -> dict[str, Any]:
    with provider(request).use() as store:
        result: dict[str, Any] = as_dict(store.stats())
    return result


def check_token(request: Request) -> None:
    expected: str | None = request.app.state.token
    if not expected:
        raise WebError(403, WebErrors.E405)
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not token_matches(given.strip(), expected):
        raise WebError(401, WebErrors.E406)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise WebError(413, WebErrors.E407, size=int(declared), limit=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebError(413, WebErrors.E407, size=f"more than {size}", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_ingest(body: bytes) -> tuple[list[Article], list[dict[str, str]], bool]:
    """The articles of an ingest body, the items refused (with reasons), and whether they need analysis.

    The body is {"articles": [newsgraph.article/1 records]} (stored as given) or
    {"texts": [{"text": ..., "source": ..., "published": "YYYY-MM-DD"}]} (analysed first).
    """
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WebError(400, WebErrors.E408, reason=f"the body is not JSON ({exc})") from exc
    if not isinstance(data, dict) or ("articles" in data) == ("texts" in data):
        raise WebError(400, WebErrors.E408, reason='give an object with "articles" (records) or "texts"')
    key = "articles" if "articles" in data else "texts"
    items = data[key]
    if not isinstance(items, list) or not items:
        raise WebError(400, WebErrors.E408, reason=f'"{key}" must be a non-empty list')
    if len(items) > MAX_INGEST_ARTICLES:
        raise WebError(
            413, WebErrors.E408, reason=f"{len(items)} {key}; at most {MAX_INGEST_ARTICLES} in one request"
        )
    articles: list[Article] = []
    refused: list[dict[str, str]] = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            refused.append({"source": where, "reason": "not an object"})
            continue
        if key == "articles":
            try:
                record = Article.from_dict(item)
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(p) for p in first.get("loc", ()))
                refused.append(
                    {"source": where, "reason": f"not a newsgraph.article/1 record: {loc}: {first['msg']}"}
                )
                continue
            if record.error is None and record.id != text_id(record.text):
                # The id names the article's page and its JSON: it must be what newsgraph makes of the text.
                refused.append({"source": where, "reason": "its id is not the sha256 of its text"})
                continue
            articles.append(record)
            continue
        text, source, published = item.get("text"), item.get("source") or where, item.get("published")
        if not isinstance(text, str) or not text.strip():
            refused.append({"source": str(source), "reason": '"text" must be a non-empty string'})
            continue
        if published is not None and not (isinstance(published, str) and _DAY_RE.match(published)):
            refused.append({"source": str(source), "reason": '"published" must be YYYY-MM-DD'})
            continue
        articles.append(Article.from_raw(text, source=str(source), published=published))
    return articles, refused, key == "texts"


def run_ingest(request: Request, articles: list[Article], analyse: bool) -> IngestReport:
    if analyse:
        from ..api import analyze_articles

        articles = list(analyze_articles(articles))
    with provider(request).use() as store:
        return store.ingest(articles)


@router.post(
    "/ingest",
    summary="Store articles (needs 'Authorization: Bearer TOKEN')",
    description='Body: {"articles": [records]} to store analysed records, or {"texts": [{"text": "...", '
    '"source": "...", "published": "YYYY-MM-DD"}]} to analyse and store texts. Items that cannot be read '
    "are reported in `failed`; the others are stored.",
)
async def ingest(request: Request) -> dict[str, Any]:
    check_token(request)
    body = await read_body(request, MAX_INGEST_BYTES)
    articles, refused, analyse = parse_ingest(body)
    report = await run_in_threadpool(run_ingest, request, articles, analyse) if articles else IngestReport()
    result: dict[str, Any] = as_dict(report)
    result["failed"] = refused + result["failed"]
    result["summary"] = report.summary()
    return result
