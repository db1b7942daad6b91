"""The FastAPI application: one app for the REST API and the pages, with one error shape."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import NewsgraphError
from ..store import Store
from .errors import CLIENT_STORE_ERRORS, WebError, WebErrors, error_body
from .map import warm as warm_maps
from .security import SECURITY_HEADERS, HostCheck, SecurityHeaders, safe_url
from .stores import StoreProvider

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def templates_env() -> jinja2.Environment:
    """The template environment: autoescape on for every template, undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["unquote"] = unquote
    env.globals["version"] = __version__
    return env


def unquote(text: str) -> str:
    """A quote's text without the quotation marks around it (the page adds its own)."""
    return text.strip().strip("\"'“”„«»‘’").strip()


def wants_json(request: Request) -> bool:
    """API paths, `.json` paths and clients that do not ask for HTML get JSON errors."""
    path = request.url.path
    if path.startswith("/api/") or path == "/api" or path.endswith(".json"):
        return True
    return "text/html" not in request.headers.get("accept", "")


def error_response(request: Request, status: int, code: str, message: str, details: Any = None) -> Response:
    body = error_body(code, message, status, details)
    # Set here too: a crash's response is sent from outside the middleware that adds them.
    headers = {k.decode(): v.decode() for k, v in SECURITY_HEADERS}
    if wants_json(request):
        return JSONResponse(body, status_code=status, headers=headers)
    env: jinja2.Environment = request.app.state.env
    html = env.get_template("error.html").render(
        request=request, error=body["error"], title=f"Error {status}"
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def create_app(
    store: Store | str, token: str | None = None, *, allowed_hosts: Sequence[str] | None = None
) -> FastAPI:
    """The app over an open Store (calls serialised) or a store location (a pool of Stores).

    `token`: the bearer token that writes (POST /api/ingest) need; None refuses every write.
    `allowed_hosts`: the Host headers to answer (None: any). A server on the loopback answers only
    its own names, so that a web page elsewhere cannot reach it by DNS rebinding.
    """
    app = FastAPI(
        title="newsgraph",
        version=__version__,
        description="Who said what, about whom, where and when: the knowledge base of newsgraph. "
        "Every list takes `limit` and `offset` and answers with `total` and a `next` link; errors "
        'share one shape: {"error": {"code": "E4xx", "message": "...", "status": 400}}.',
        docs_url=None,  # the interactive docs load scripts from a CDN: only /openapi.json is served
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.stores = StoreProvider(store)
    app.state.token = token or None
    app.state.env = templates_env()

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return error_response(request, exc.status, exc.code, str(exc))

    @app.exception_handler(NewsgraphError)
    async def _store_error(request: Request, exc: NewsgraphError) -> Response:
        status = 400 if exc.code in CLIENT_STORE_ERRORS else 500
        if status == 500:
            log.error("store error on %s: %s", request.url.path, exc)
        return error_response(request, status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        parts = []
        for error in errors:
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where or 'request'}: {error.get('msg', 'invalid')}")
        message = WebErrors.E402.format(
            param=", ".join(p.split(":")[0] for p in parts), reason="; ".join(parts)
        )
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in errors
        ]
        return error_response(request, 400, "E402", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(request, 404, "E404", WebErrors.E404.format(path=request.url.path))
        if exc.status_code == 405:
            message = WebErrors.E409.format(method=request.method, path=request.url.path)
            return error_response(request, 405, "E409", message)
        return error_response(request, exc.status_code, f"E4{exc.status_code % 100:02d}", str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        reason = f"{type(exc).__name__}; the server log has the details"
        return error_response(
            request, 500, "E410", WebErrors.E410.format(path=request.url.path, reason=reason)
        )

    from . import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    if allowed_hosts is not None:
        app.add_middleware(HostCheck, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)

    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Read and simplify the map outlines now, in the background, not on the first page with a map.
    threading.Thread(target=warm_maps, name="newsgraph-maps", daemon=True).start()
    yield
    app.state.stores.close()
