"""The worker plugins: load the models into each Dask worker once, when it joins, and open its own
connection to a PostgreSQL store."""

from __future__ import annotations

import logging
from typing import Any

from distributed import WorkerPlugin

from ..errors import NewsgraphError
from ..settings import Settings
from .work import close_writers, warm_up, writer_store

log = logging.getLogger(__name__)


class Preload(WorkerPlugin):  # type: ignore[misc, unused-ignore]
    """Load spaCy, the language identifier and the gazetteer before the first partition arrives."""

    name = "newsgraph-preload"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        try:
            warm_up(self.settings)
        except Exception as exc:  # the first partition reports it, with its input named
            log.warning("newsgraph: worker %s could not preload the models: %s", worker.address, exc)


class StoreConnection(WorkerPlugin):  # type: ignore[misc, unused-ignore]
    """Open the worker's own connection to a PostgreSQL store when it joins, close it when it
    leaves: each worker stores its partitions itself (work.writer_store)."""

    name = "newsgraph-store"

    def __init__(self, location: str) -> None:
        self.location = location

    def setup(self, worker: Any) -> None:
        try:
            writer_store(self.location)
        except NewsgraphError as exc:  # the first partition reports it, with its input named
            log.warning("newsgraph: worker %s could not open the store: %s", worker.address, exc)

    def teardown(self, worker: Any) -> None:
        close_writers()
