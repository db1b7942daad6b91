"""Query parameters shared by the API and the pages: filters, pagination, and links to other pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request

from ..store import Filters, Page, Paged, Store
from .errors import WebError, WebErrors

MAX_PAGE = 200  # rows per page over the web, whatever the client asks
MAX_PARAM = 200  # characters in one filter value
MAX_QUERY = 500  # characters in a search query
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

Text = Annotated[str | None, Query(max_length=MAX_PARAM)]


def _date(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not _DATE_RE.match(value) or not _real_date(value):
        raise WebError(
            400, WebErrors.E402, param=name, reason=f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
        )
    return value


def _real_date(value: str) -> bool:
    year, month, day = ([*value.split("-"), "01", "01"])[:3]
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def filters(
    since: Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    source: Annotated[
        str | None, Query(max_length=MAX_PARAM, description="outlet or part of a source")
    ] = None,
    kind: Annotated[
        str | None, Query(max_length=MAX_PARAM, description="quote kind, place kind, ...")
    ] = None,
    speaker: Annotated[str | None, Query(max_length=MAX_PARAM, description="any alias, or #ID")] = None,
    entity: Annotated[str | None, Query(max_length=MAX_PARAM, description="any alias, or #ID")] = None,
    place: Annotated[str | None, Query(max_length=MAX_PARAM, description="a place name, or #ID")] = None,
) -> Filters:
    """The filters of a request (all optional, all required together)."""
    return Filters(
        since=_date("since", _blank(since)),
        until=_date("until", _blank(until)),
        source=_blank(source),
        kind=_blank(kind),
        speaker=_blank(speaker),
        entity=_blank(entity),
        place=_blank(place),
    )


def page(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"rows per page, at most {MAX_PAGE}")] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


FiltersDep = Annotated[Filters, Depends(filters)]
PageDep = Annotated[Page, Depends(page)]
# A store's list query under filters and a page: `Store.quotes`, `Store.events`, ...
ListQuery = Callable[[Store, Filters, Page], Paged[Any]]


def link(request: Request, **changes: Any) -> str:
    """The current path and query with some parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + ("?" + query if query else "")


def page_links(request: Request, total: int, limit: int, offset: int, shown: int) -> dict[str, str | None]:
    """Links to the next and previous pages of a list (None where there is none)."""
    following = link(request, offset=offset + limit) if offset + shown < total else None
    previous = link(request, offset=max(offset - limit, 0) or None) if offset > 0 else None
    return {"next": following, "prev": previous}
