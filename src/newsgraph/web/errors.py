"""The web server's errors: one catalogue (E4xx), one JSON shape, one HTML page."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

# Store errors that a client's query caused (a 400), by code; any other store error is the server's (500).
CLIENT_STORE_ERRORS = frozenset({"E304", "E305", "E311"})


class WebErrors(StrEnum):
    """Message templates of the REST API and the pages. The code (E4xx) is stable; the wording may improve."""

    E401 = "E401 no {kind} with id {id!r}: check the link, or search for it"
    E402 = "E402 bad value for {param}: {reason}"
    E403 = "E403 bad search query {query!r}: {reason}"
    E404 = "E404 no page at {path}: see /openapi.json for the API, or / for the pages"
    E405 = "E405 writes are refused: this server has no token configured (set NEWSGRAPH_TOKEN and restart)"
    E406 = "E406 writes need a valid token: send the header 'Authorization: Bearer TOKEN'"
    E407 = "E407 the request body is too large ({size} bytes; the limit is {limit})"
    E408 = "E408 bad ingest request: {reason}"
    E409 = "E409 method {method} is not allowed on {path}"
    E410 = "E410 the server failed on {path}: {reason}"
    E411 = "E411 this server does not answer for host {host!r}: use the address it was started on"

    def format(self, *args: object, **kwargs: object) -> str:
        return self.value.format(*args, **kwargs)


class WebError(Exception):
    """An error a client can act on, with its HTTP status. `str(error)` is the one line it is shown."""

    def __init__(self, status: int, template: WebErrors, **fields: object) -> None:
        self.status = status
        self.code = template.name
        self.fields = fields
        super().__init__(template.format(**fields))

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.code, str(self), self.status)


def error_body(code: str, message: str, status: int, details: list[Any] | None = None) -> dict[str, Any]:
    """The one JSON error shape: {"error": {"code", "message", "status"[, "details"]}}."""
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return {"error": error}
