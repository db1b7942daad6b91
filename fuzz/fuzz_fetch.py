"""atheris harness for fetch.py without the network: answers of any type, charset and body read as
pages, and any string given as a URL (every host resolves to 127.0.0.1, which is refused)."""

from __future__ import annotations

import socket
from typing import Any

import atheris

with atheris.instrument_imports(include=["newsgraph"]):
    from newsgraph.errors import InputError
    from newsgraph.ingest import Fetcher, read_url
    from newsgraph.ingest.fetch import Response, read_page
    from newsgraph.ingest.text import failed

from common import check, check_one
from harness import SETTINGS, main


def loopback(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]


FETCHER = Fetcher(SETTINGS, resolve=loopback)
URL = "https://news.test/page"


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    if provider.ConsumeBool():
        url = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes()) or "-"
        check(read_url(url, SETTINGS, fetcher=FETCHER), url)
        return
    media_type = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 40)) or None
    charset = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 20)) or None
    response = Response(URL, URL, 200, media_type, charset, provider.ConsumeBytes(provider.remaining_bytes()))
    try:
        article = read_page(response, source=URL, settings=SETTINGS)
    except InputError as exc:
        article = failed(URL, exc)  # as read_url and the feed reader record it
    check_one(article)


if __name__ == "__main__":
    main(test_one_input)
