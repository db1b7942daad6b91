"""The REST API and the web UI of the knowledge base: `serve("newsgraph.db")`, or `create_app(store)`.

One FastAPI app serves the JSON API under /api (OpenAPI at /openapi.json) and server-rendered
pages; `/articles/ID` and `/articles/ID.json` come from one route. Writes need a bearer token.
"""

from __future__ import annotations

import os

from .app import create_app

__all__ = ["create_app", "serve"]

TOKEN_ENV = "NEWSGRAPH_TOKEN"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Serve the store at `db` (a path or a postgresql:// URL) until interrupted.

    Binds to 127.0.0.1 unless told otherwise. `token` (else $NEWSGRAPH_TOKEN) is what writes
    need in `Authorization: Bearer TOKEN`; with none, every write is refused.
    """
    import uvicorn

    from ..store import open_store

    # Open once here so that a bad location fails now, with one clear line, not on the first request.
    open_store(db).close()
    hosts = list(LOOPBACK_HOSTS) if host in LOOPBACK_HOSTS else None
    app = create_app(db, token=token or os.environ.get(TOKEN_ENV) or None, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
