"""The worker plugin that loads the models into each Dask worker once, when it joins."""

from __future__ import annotations

import logging
from typing import Any

from distributed import WorkerPlugin

from ..settings import Settings
from .work import warm_up

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
