"""The web UI in a real headless Chromium (Debian's), driven by Playwright, against a real server.

The server is `newsgraph.web.serve` in a subprocess on a free port of 127.0.0.1, over a store
built from our fixture articles (tests/data/web/). The tests walk the pages as a person would:
open an article, click a speaker, see their quotes from several articles; search and narrow
by a facet; open a place and see its point on the map; open hostile articles and check that
none of their scripts ran. Skipped when Chromium or Playwright is absent, except under CI=true.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DATA = Path(__file__).parent / "data" / "web"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs Playwright's Python package (pip install playwright; never `playwright install`)"
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        return "needs the web extra (pip install 'newsgraph[web]')"
    return None


_REASON = _missing()
if _REASON:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI: {_REASON}", pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)

from playwright.sync_api import Browser, Dialog, Page, sync_playwright  # noqa: E402

from newsgraph.api import analyze_paths  # noqa: E402
from newsgraph.article import Article  # noqa: E402
from newsgraph.store import open_store  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server (newsgraph.web.serve) over the fixture store; its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    db = str(folder / "web.db")
    articles = list(analyze_paths([str(DATA / "articles.jsonl")]))
    hostile = json.loads((DATA / "hostile-record.json").read_text(encoding="utf-8"))
    articles.append(Article.from_dict(hostile))
    with open_store(db) as store:
        assert store.ingest(articles).stored == 6
    port = free_port()
    code = f"from newsgraph.web import serve; serve({db!r}, port={port})"
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/api/stats", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "the server did not start: " + (folder / "server.log").read_text(errors="replace")
                )
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page and what it did that it should not: dialogs, console errors, requests elsewhere."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "request", lambda r: None if r.url.startswith((base, "data:")) else self.foreign.append(r.url)
        )

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Watched]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    watched = Watched(context.new_page(), server)
    yield watched
    context.close()
    assert watched.foreign == [], f"requests left the server: {watched.foreign}"


def pwned(page: Page) -> list[Any]:
    """The globals a hostile script would have set (all names start with __pwned)."""
    result: list[Any] = page.evaluate("Object.keys(window).filter(k => k.startsWith('__pwned'))")
    return result


def test_article_speaker_then_their_quotes_from_several_articles(page: Watched) -> None:
    p = page.page
    p.goto("/articles")
    p.get_by_role("link", name="Kharkiv braces for a winter of short power cuts").click()
    p.wait_for_load_state()
    assert p.locator("h1").inner_text() == "Kharkiv braces for a winter of short power cuts"
    assert p.locator(".text .quote").count() >= 2
    p.locator(".text a.speaker", has_text="Oleksandr Hrytsenko").first.click()
    p.wait_for_load_state()
    assert p.locator("h1.entity-name").inner_text() == "Oleksandr Hrytsenko"
    cards = p.locator("li.quote-card")
    assert cards.count() >= 3
    sources = {
        (cards.nth(i).locator("a").last.get_attribute("href") or "").split("#")[0]
        for i in range(cards.count())
    }
    assert len(sources) == 3, sources
    months = p.locator("h3.month").all_inner_texts()
    assert months == sorted(months, reverse=True) and len(months) == 3
    # Back to another article through a quote of the speaker.
    p.locator("li.quote-card a", has_text="Odesa port").first.click()
    p.wait_for_load_state()
    assert "Odesa port" in p.locator("h1").inner_text()
    assert p.locator(".text :target").count() == 1  # the quote linked to is marked
    assert page.errors == [] and page.dialogs == []


def test_search_then_narrow_by_a_facet(page: Watched) -> None:
    p = page.page
    p.goto("/")
    box = p.get_by_role("searchbox", name="Search articles")
    box.fill("power")
    box.press("Enter")
    p.wait_for_url("**/search?q=power*")
    hits = p.locator("ol.hits > li")
    assert hits.count() >= 2
    assert p.locator("ol.hits mark").count() >= 2
    titles = hits.locator("a.title").all_inner_texts()
    assert "Kharkiv braces for a winter of short power cuts" in titles
    p.locator(".facets a", has_text="2023").first.click()
    p.wait_for_load_state()
    narrowed = p.locator("ol.hits a.title").all_inner_texts()
    assert narrowed and len(narrowed) < len(titles)
    assert all("Lviv" not in t for t in narrowed)
    p.locator("ol.hits a.title").first.click()
    p.wait_for_load_state()
    assert p.locator("article.article").count() == 1
    assert page.errors == [] and page.dialogs == []


def test_bad_search_shows_a_message(page: Watched) -> None:
    p = page.page
    response = p.goto("/search?q=%21%21%21")
    assert response is not None and response.status == 400
    assert "no words" in p.locator("p.error").inner_text()


def test_place_page_shows_its_point_on_the_map(page: Watched) -> None:
    from newsgraph.web.map import OUTLINES_REQUIREMENT, load_countries

    if not load_countries():
        reason = f"the country outlines are not installed: pip install {OUTLINES_REQUIREMENT}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    p = page.page
    p.goto("/places")
    assert p.locator("svg.map-svg circle").count() >= 5  # every place of the page on one map
    p.locator("table.rows a", has_text="Odesa").first.click()
    p.wait_for_load_state()
    assert p.locator("h1").inner_text() == "Odesa"
    svg = p.locator("svg.map-svg")
    assert svg.locator("path.land").count() >= 3
    point = svg.locator("a.map-point circle")
    assert point.count() == 1
    box, frame = point.bounding_box(), svg.bounding_box()
    assert box and frame and box["width"] > 0
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert frame["x"] < centre[0] < frame["x"] + frame["width"]
    assert frame["y"] < centre[1] < frame["y"] + frame["height"]
    # The land is drawn (the outlines have a fill), and the point is labelled.
    assert svg.locator("a.map-point text").text_content() == "Odesa"
    fill = p.evaluate("getComputedStyle(document.querySelector('path.land')).fill")
    assert fill not in ("", "none")
    point.click()
    p.wait_for_load_state()
    assert p.locator("h1").inner_text() == "Odesa"
    assert page.errors == []


def test_hostile_articles_never_run_their_scripts(page: Watched) -> None:
    p = page.page
    p.goto("/api/articles?limit=50")
    items = json.loads(p.locator("body").inner_text())["items"]
    hostile = [a["id"] for a in items if "Hostile" in (a["title"] or "")]
    assert len(hostile) == 2
    visited = [f"/articles/{i}" for i in hostile]
    visited += [
        "/",
        "/articles",
        "/quotes",
        "/entities",
        "/claims",
        "/predictions",
        "/events",
        "/search?q=pwned",
    ]
    for path in visited:
        response = p.goto(path)
        assert response is not None and response.status == 200, path
        p.wait_for_load_state("load")
        # Hover and click everything a hostile handler could hide behind.
        for anchor in p.locator(".text span, .text a.place").all()[:20]:
            anchor.hover()
        assert pwned(p) == [], path
    p.goto(f"/articles/{hostile[0]}")
    text = p.locator(".text").inner_text()
    assert "<script>window.__pwned_quote = 1</script>" in text  # shown as text
    assert p.locator(".text script, .text img, .text iframe, .text b").count() == 0
    assert p.locator("a[href^='javascript']").count() == 0
    assert "javascript:window.__pwned_source" in p.locator("article header").inner_text()
    assert page.dialogs == []
    assert pwned(p) == []


def test_pages_follow_the_content_security_policy(page: Watched) -> None:
    """No page needs an inline script or style: a CSP violation would show as a console error."""
    p = page.page
    for path in ["/", "/articles", "/entities", "/places", "/timeline", "/search?q=grain", "/claims"]:
        response = p.goto(path)
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
        p.wait_for_load_state("load")
    assert page.errors == []
    current = p.locator("header.top nav a.current").all_inner_texts()
    assert current == ["Claims"]  # our one script ran: it marks the section


def test_readable_on_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844}, is_mobile=True)
    p = context.new_page()
    try:
        for path in ["/", "/articles", "/entities/1", "/places", "/claims", "/search?q=power"]:
            p.goto(path)
            overflow = p.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, overflow)
        p.goto("/articles")
        p.locator("a.title").first.click()
        p.wait_for_load_state()
        size = p.evaluate("parseFloat(getComputedStyle(document.querySelector('.text p')).fontSize)")
        assert size >= 16
    finally:
        context.close()
