"""One query builder, one route factory, one CLI option table: every listing pages through all its
rows once, hostile filters narrow to nothing without an error, and the routes made by factories
keep the names and OpenAPI operations a hand-written function would have had."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from fastapi.utils import generate_unique_id

from newsgraph.cli import SHARED_OPTIONS, build_parser, main
from newsgraph.store import Filters, Page, Paged, Store, open_store
from newsgraph.web import api, create_app, pages
from test_ledgers import fixture_articles
from test_store import location  # noqa: F401 - a fixture, parametrised over the backends

LISTINGS: dict[str, Callable[[Store, Filters, Page], Paged[Any]]] = {
    "articles": Store.articles,
    "entities": Store.entities,
    "quotes": Store.quotes,
    "places": Store.places,
    "claims": Store.claims,
    "events": Store.events,
    "predictions": Store.predictions,
    "claims_ledger": Store.claims_ledger,
    "predictions_ledger": Store.predictions_ledger,
    "disagreements": Store.disagreements,
}
HOSTILE = ("%", "_", "\\", "'; DROP TABLE articles; --", "\x00", "#99999999", "é" * 300)


@pytest.fixture
def store(location: str) -> Iterator[Store]:  # noqa: F811 - the backend fixture
    with open_store(location) as s:
        assert s.ingest(fixture_articles()).stored == 5
        yield s


def _key(item: Any) -> str:
    return json.dumps(item, default=lambda o: o.__dict__, sort_keys=True)


@pytest.mark.parametrize("name", LISTINGS)
def test_paging_one_row_at_a_time_walks_every_listing_once(store: Store, name: str) -> None:
    query = LISTINGS[name]
    whole = query(store, Filters(), Page(limit=1000))
    assert whole.total == len(whole.items), name  # grouped listings count groups, not rows
    walked = [query(store, Filters(), Page(limit=1, offset=i)) for i in range(whole.total + 1)]
    assert all(p.total == whole.total for p in walked), name
    assert [_key(i) for p in walked for i in p.items] == [_key(i) for i in whole.items], name
    assert walked[-1].items == [] and not walked[-1].has_next


@pytest.mark.parametrize("name", LISTINGS)
@pytest.mark.parametrize("field", ["speaker", "place", "entity", "source", "kind"])
def test_hostile_filters_narrow_every_listing_without_an_error(store: Store, name: str, field: str) -> None:
    everything = LISTINGS[name](store, Filters(), Page(limit=1000))
    for value in HOSTILE:
        result = LISTINGS[name](store, Filters(**{field: value}), Page(limit=1000))
        assert result.total == len(result.items) <= everything.total, (name, field, value)
        assert {_key(i) for i in result.items} <= {_key(i) for i in everything.items}, (name, field, value)


def test_row_filters_apply_to_the_rows_own_columns(store: Store) -> None:
    units = {c.unit for c in store.claims(Filters(), Page(limit=100)).items if c.unit}
    assert units
    for unit in units:
        found = store.claims(Filters(kind=unit), Page(limit=100))
        assert found.total and {c.unit for c in found.items} == {unit}
    place = next(c for c in store.claims(Filters(), Page(limit=100)).items if c.place_id)
    by_place = store.claims(Filters(place=f"#{place.place_id}"), Page(limit=100)).items
    assert by_place and {c.place_id for c in by_place} == {place.place_id}


def test_routes_made_by_factories_keep_their_names_and_operation_ids() -> None:
    app = create_app(":memory:")
    schema = app.openapi()
    operations = {op["operationId"] for methods in schema["paths"].values() for op in methods.values()}
    for module, names in (
        (api, ["list_articles", "list_entities", "get_entity", "list_quotes", "list_places", "get_place",
               "list_claims", "ledger_claims", "ledger_disagreements", "ledger_predictions", "list_events",
               "list_predictions"]),
        (pages, ["articles_page", "entities_page", "quotes_page", "claims_page", "predictions_page",
                 "predictions_ledger_page", "events_page"]),
    ):  # fmt: skip
        for name in names:
            endpoint = getattr(module, name)
            route = next(r for r in module.router.routes if getattr(r, "endpoint", None) is endpoint)
            assert isinstance(route, APIRoute)
            assert route.name == endpoint.__name__ == name
            if module is api:
                assert generate_unique_id(route) in operations, name
    assert len(operations) == sum(len(m) for m in schema["paths"].values())  # unique


def test_every_shared_option_is_used_and_reads_as_before() -> None:
    parser = build_parser()
    help_text = parser.format_help()
    assert "COMMAND" in help_text
    used: set[str] = set()
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for sub in getattr(action, "choices", {}).values():
            used |= {s for a in sub._actions for s in a.option_strings}
    assert set(SHARED_OPTIONS) <= used


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_lists_print_every_row_in_every_format(tmp_path: Any, fmt: str) -> None:
    db = str(tmp_path / "cli.db")
    with open_store(db) as s:
        s.ingest(fixture_articles())
        claims = s.claims(Filters(), Page(limit=1000))
    out = io.StringIO()
    assert main(["claims", "--db", db, "--format", fmt, "--limit", "1000"], out=out) == 0
    text = out.getvalue()
    if fmt == "json":
        assert json.loads(text)["total"] == claims.total
    elif fmt == "csv":
        assert len(text.strip().splitlines()) == claims.total + 1
    else:
        assert text.strip().splitlines()[-1] == f"1-{claims.total} of {claims.total} claims"


def test_cli_search_in_json_is_the_whole_result(tmp_path: Any) -> None:
    db = str(tmp_path / "cli.db")
    with open_store(db) as s:
        s.ingest(fixture_articles())
    out = io.StringIO()
    assert main(["search", "personnel", "--db", db, "--format", "json"], out=out) == 0
    body = json.loads(out.getvalue())
    assert set(body) >= {"query", "hits", "facets"} and body["hits"]["total"] >= 1


def test_api_lists_and_pages_agree(tmp_path: Any) -> None:
    db = str(tmp_path / "web.db")
    with open_store(db) as s:
        s.ingest(fixture_articles())
    with TestClient(create_app(db)) as client:
        for path in ("/claims", "/predictions", "/ledger/predictions", "/events", "/quotes", "/entities"):
            body = client.get("/api" + path, params={"limit": 1}).json()
            page = client.get(path, params={"limit": 1}, headers={"accept": "text/html"})
            assert page.status_code == 200, path
            if body["total"]:
                assert f"of {body['total']}" in page.text or str(body["total"]) in page.text, path
