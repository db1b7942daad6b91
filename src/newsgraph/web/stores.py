"""How request threads reach the store: one Store per thread, or one shared Store behind a lock."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import cast

from starlette.requests import Request

from ..store import Store, open_store


class StoreProvider:
    """Hands a Store to the thread serving a request, one request at a time per Store.

    A Store is thread-unsafe. Given a location, the provider keeps a pool of open Stores: a
    request takes an idle one (the most recently used) or opens another, and gives it back when
    done, so that concurrent requests each have their own (SQLite in WAL mode and PostgreSQL both
    serve many readers at once) and no request pays for opening one once the pool is warm. Given
    an open Store (tests, embedding), calls are serialised behind a lock.
    """

    def __init__(self, store: Store | str) -> None:
        self._shared: Store | None = None
        self._location: str | None = None
        if isinstance(store, str):
            self._location = store
        else:
            self._shared = store
        self._lock = threading.Lock()
        self._idle: list[Store] = []  # a stack: the most recently used is taken first
        self._opened: list[Store] = []

    @property
    def location(self) -> str:
        if self._shared is not None:
            return self._shared.location
        return self._location or ""

    @contextlib.contextmanager
    def use(self) -> Iterator[Store]:
        if self._shared is not None:
            with self._lock:
                yield self._shared
            return
        with self._lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = open_store(self._location)
            with self._lock:
                self._opened.append(store)
        try:
            yield store
        finally:
            with self._lock:
                self._idle.append(store)

    def close(self) -> None:
        """Close the stores this provider opened (never one it was given)."""
        with self._lock:
            opened, self._opened, self._idle = self._opened, [], []
        for store in opened:
            with contextlib.suppress(Exception):
                store.close()


def provider(request: Request) -> StoreProvider:
    """The store provider of the app serving `request`."""
    return cast(StoreProvider, request.app.state.stores)
