"""Limits on one input (issue 9): a time limit per article, the markup of big HTML pages.

The time limit interrupts a stage in the main thread (an alarm) and in other threads (a
watchdog), and is checked between stages; an article over it becomes an E106 failure and the batch
goes on. A stage stopped anywhere must leave nothing behind that changes the next article's
record. Big HTML pages are generated here, never taken from a dataset.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from newsgraph.api import analyze
from newsgraph.article import Article
from newsgraph.cli import main
from newsgraph.errors import InputError, PipelineError
from newsgraph.ingest import html as html_reader
from newsgraph.ingest.html import BULK_TAGS, extract, read_html
from newsgraph.limits import TimeLimitExceeded, alarms_usable, time_limit
from newsgraph.pipeline import DEFAULT_STAGES, REGISTRY, Pipeline, stage
from newsgraph.settings import Settings, using

PUBLISHED = "2024-05-14"
REFERENCE = (
    "Flood water rose in Lviv on Tuesday. Council spokesman Ostap Melnyk said that about two hundred "
    'residents had left their homes. "The river is falling now, but we are ready," Melnyk said. '
    "Rescuers from Ternopil arrived on Monday, the regional office added."
)


def record(article: Article) -> dict[str, Any]:
    return article.to_dict()


# ---------------------------------------------------------------------------- the alarm itself


def test_an_alarm_stops_a_loop_in_the_main_thread_and_puts_the_old_handler_back() -> None:
    before = signal.getsignal(signal.SIGALRM)
    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded), time_limit(0.2) as enforced:
        assert enforced
        while True:
            pass
    assert 0.15 < time.perf_counter() - started < 2
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_exception_handler_in_the_stopped_code_cannot_swallow_the_alarm() -> None:
    def guarded() -> None:
        try:
            while True:
                pass
        except Exception:  # the guard of a third-party library
            pass

    with pytest.raises(TimeLimitExceeded), time_limit(0.1):
        guarded()


@pytest.mark.parametrize("seconds", [None, 0, 0.0])
def test_no_limit_sets_no_alarm(seconds: float | None) -> None:
    with time_limit(seconds) as enforced:
        assert not enforced
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_or_under_someone_elses_timer_there_is_no_alarm() -> None:
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(alarms_usable()))
    thread.start()
    thread.join()
    assert seen == [False]
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        with time_limit(0.05) as enforced:
            assert not enforced
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 25  # the other timer is untouched
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------------- the pipeline


@pytest.fixture
def slow_stages() -> Iterator[Sequence[str]]:
    """A stage that never ends on articles saying "forever", and a stage after it."""

    @stage("toy_forever", version=1, requires=("text",), assigns=("title",))
    def forever(article: Article) -> Article:
        while "forever" in article.text:
            time.sleep(0.01)
        article.title = "done"
        return article

    @stage("toy_slow_batch", version=1, requires=("text",), assigns=("title",), batch=True)
    def slow_batch(articles: Sequence[Article]) -> Sequence[Article]:
        for article in articles:
            while "forever" in article.text:
                time.sleep(0.01)
            article.title = "batched"
        return articles

    @stage("toy_after", version=1, requires=("title",), assigns=("entities",))
    def after(article: Article) -> Article:
        return article

    yield ("toy_forever", "toy_slow_batch", "toy_after")
    for name in ("toy_forever.v1", "toy_slow_batch.v1", "toy_after.v1"):
        REGISTRY.pop(name, None)


def articles(*texts: str) -> list[Article]:
    return [Article.from_raw(text, source=f"{n}.txt") for n, text in enumerate(texts)]


def run_with_limit(
    names: Sequence[str], batch: list[Article], limit: float
) -> tuple[Pipeline, list[Article]]:
    pipeline = Pipeline.build(names, on_error="record", batch_size=8)
    with using(Settings(time_limit=limit)):
        return pipeline, list(pipeline.run(batch))


@pytest.mark.parametrize("first", ["toy_forever", "toy_slow_batch"])
def test_an_article_over_its_limit_fails_with_e106_and_the_batch_goes_on(
    slow_stages: Sequence[str], first: str
) -> None:
    started = time.perf_counter()
    pipeline, out = run_with_limit(
        [first, "toy_after"], articles("calm", "forever and ever", "calm too"), 0.3
    )
    assert time.perf_counter() - started < 5
    assert out[1].error == (
        f"E106 1.txt took longer than the time limit of 0.3 s per article (stage {first}.v1 was running): "
        "raise --time-limit SECONDS, or 0 for no limit"
    )
    assert out[1].stages == [] and out[1].title is None
    assert pipeline.errors == [out[1].error]
    for article in (out[0], out[2]):
        assert article.error is None
        assert article.stages == [f"{first}.v1", "toy_after.v1"]


def test_in_raise_mode_the_limit_raises_e106(slow_stages: Sequence[str]) -> None:
    pipeline = Pipeline.build(["toy_forever"], on_error="raise")
    with using(Settings(time_limit=0.2)), pytest.raises(PipelineError, match=r"^E106 0\.txt took longer"):
        list(pipeline.run(articles("forever")))


def test_outside_the_main_thread_a_stage_in_c_code_is_stopped_as_it_returns() -> None:
    @stage("toy_sleepy", version=1, requires=("text",), assigns=("title",))
    def sleepy(article: Article) -> Article:
        time.sleep(0.4 if "slow" in article.text else 0)
        return article

    @stage("toy_next", version=1, requires=("title",), assigns=("entities",))
    def next_stage(article: Article) -> Article:
        article.title = "reached"
        return article

    try:
        out: list[list[Article]] = []
        thread = threading.Thread(
            target=lambda: out.append(
                run_with_limit(["toy_sleepy", "toy_next"], articles("slow", "fast"), 0.2)[1]
            )
        )
        thread.start()
        thread.join()
    finally:
        REGISTRY.pop("toy_sleepy.v1", None)
        REGISTRY.pop("toy_next.v1", None)
    slow, fast = out[0]
    assert slow.error is not None and slow.error.startswith(
        "E106 0.txt took longer than the time limit of 0.2 s"
    )
    assert "stage toy_sleepy.v1 was running" in slow.error
    assert slow.title is None  # the stage after it never ran
    assert fast.error is None and fast.title == "reached"


def test_outside_the_main_thread_a_watchdog_stops_a_stage_that_never_ends(
    slow_stages: Sequence[str],
) -> None:
    out: list[list[Article]] = []
    thread = threading.Thread(
        target=lambda: out.append(
            run_with_limit(["toy_forever", "toy_after"], articles("calm", "forever and ever"), 0.3)[1]
        )
    )
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive(), "the stage in the worker thread was never stopped"
    calm, stuck = out[0]
    assert stuck.error is not None and stuck.error.startswith("E106 1.txt took longer")
    assert "stage toy_forever.v1 was running" in stuck.error
    assert calm.error is None and calm.stages == ["toy_forever.v1", "toy_after.v1"]


def test_a_watchdog_guard_never_raises_after_its_block_ends() -> None:
    """Guards that end near their deadline: the exception is raised inside its block or not at all."""
    escaped: list[BaseException] = []

    def work() -> None:
        caught = 0
        try:
            for n in range(300):
                try:
                    with time_limit(0.0005 * (n % 4 + 1)):
                        sum(range(200 * (n % 7)))
                except TimeLimitExceeded:
                    caught += 1
            until = time.monotonic() + 0.1
            while time.monotonic() < until:  # bytecodes where a late exception would land
                sum(range(100))
        except BaseException as exc:  # what escaped is the finding
            escaped.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and escaped == []


def test_fired_watchdog_guards_leave_no_pending_flag_that_hangs_a_traced_thread() -> None:
    """CPython 3.11 leaves an interpreter-wide flag set when a thread's pending exception is taken
    back; a traced thread then loops for ever at its next function entry. Run in a child process,
    which a hang cannot take the suite down with."""
    program = """
import sys, threading, time
from newsgraph.limits import TimeLimitExceeded, time_limit

def work():
    try:
        with time_limit(0.01):  # fired for sure: the loop runs past it
            until = time.monotonic() + 5
            while time.monotonic() < until:
                pass
    except TimeLimitExceeded:
        pass
    for n in range(200):
        try:
            with time_limit(0.0005 * (n % 4 + 1)):
                sum(range(200 * (n % 7)))
        except TimeLimitExceeded:
            pass

thread = threading.Thread(target=work)
thread.start()
thread.join()
def f():
    return 1
sys.settrace(lambda *args: None)
f()
sys.settrace(None)
print("done")
"""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "done", done.stderr[-2000:]


def stage_lines(pipeline: Pipeline, stop_at: int | None = None) -> tuple[Any, list[int]]:
    """A trace function counting the lines run inside the stages of `pipeline` (and what they call);
    at the `stop_at`-th it raises TimeLimitExceeded, as an alarm would between two bytecodes there."""
    stages = {f.__code__ for s in pipeline.stages for f in (s.func, s.batch_func) if f is not None}
    seen = [0]
    inside: list[FrameType | None] = [None]

    def local(frame: FrameType, kind: str, arg: object) -> Any:
        if kind == "line":
            seen[0] += 1
            if seen[0] == stop_at:
                raise TimeLimitExceeded(0)
        elif kind == "return" and frame is inside[0]:
            inside[0] = None
        return local

    def trace(frame: FrameType, kind: str, arg: object) -> Any:
        if inside[0] is None:
            if frame.f_code not in stages:
                return None
            inside[0] = frame
        return local

    return trace, seen


def test_a_stage_stopped_anywhere_leaves_the_next_article_analysed_the_same() -> None:
    """Stopped at points spread over every stage's Python code (spaCy's, the gazetteer's, the
    caches'), the next article's record is the one it had before."""
    settings = Settings(published=PUBLISHED, time_limit=600)  # armed, and only the trace stops it
    expected = record(analyze(REFERENCE, settings=settings))
    pipeline = Pipeline.build(DEFAULT_STAGES, on_error="record")
    settings = settings.but(components=tuple(sorted(pipeline.components)))
    victim = "Olena Marchenko, a spokeswoman in Kharkiv, said on Monday that the bridge was closed."

    def run(stop_at: int | None, traced: bool = True) -> tuple[Article, int]:
        article = Article.from_raw(victim, source="victim.txt", published=PUBLISHED)
        trace, seen = stage_lines(pipeline, stop_at)
        with using(settings):
            sys.settrace(trace if traced else None)
            try:
                list(pipeline.run([article]))
            finally:
                sys.settrace(None)
        return article, seen[0]

    # A first run fills the caches (names, places, a newly loaded spaCy's): later runs take fewer
    # lines, the same number each time once the caches are full again.
    run(None, traced=False)
    total = run(None)[1]
    stopped_in = set()
    for point in range(total // 20, total * 9 // 10, total // 10):
        run(None, traced=False)
        article = run(point)[0]
        assert article.error is not None and article.error.startswith("E106 victim.txt took longer")
        stopped_in.add(article.error.split("(stage ")[1].split(" ")[0])
        assert record(analyze(REFERENCE, settings=settings)) == expected, f"stopped at line {point}"
    assert len(stopped_in) >= 4, stopped_in


def test_a_parse_stopped_while_spacy_puts_its_components_back_leaves_them_all_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one place a stop is known to leave spaCy half-changed: inside `select_pipes`, which would
    leave components off (no entities) for every later article."""
    from spacy.language import Language

    settings = Settings(published=PUBLISHED)
    expected = record(analyze(REFERENCE, settings=settings))
    assert expected["entities"]
    real = Language.enable_pipe
    calls = 0

    def enable_pipe(self: Language, name: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise TimeLimitExceeded(0)
        real(self, name)

    monkeypatch.setattr(Language, "enable_pipe", enable_pipe)
    # A pipeline that reads the entities alone: the other components are off while it parses.
    narrow = settings.but(components=("tok2vec", "ner"))
    stopped = analyze("Ostap Melnyk said the road to Lviv was open.", source="stopped.txt", settings=narrow)
    assert stopped.error is not None and "stage parse.v5 was running" in stopped.error
    monkeypatch.setattr(Language, "enable_pipe", real)
    assert record(analyze(REFERENCE, settings=settings)) == expected


# ---------------------------------------------------------------------------- big HTML pages

PARAGRAPHS = [
    "The harbour office in Split said on Monday that the winter timetable of the ferry to Hvar starts "
    "next week, with two crossings a day instead of six.",
    "Passengers are advised to buy their tickets early, since the boats used in winter are smaller and "
    "carry few cars, the office added in a statement.",
    "The summer timetable returns in the middle of May, when the larger boats come back from the yard "
    "in Rijeka where they spend the winter.",
]


def page(extra: str = "", head: str = "") -> str:
    """A news page written for these tests, with `extra` markup after the article."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>Winter ferries</title>{head}</head><body>'
        '<nav><a href="/">Home</a></nav>'
        f"<article><h1>Winter ferries to Hvar</h1>{body}</article>{extra}"
        "<footer>All rights reserved.</footer></body></html>"
    )


def icons(count: int) -> str:
    """Inline SVG icons, as share bars and menus draw them: several elements each."""
    icon = '<svg viewBox="0 0 24 24"><g><path d="M1 1L{0} {0}Z"/><circle cx="{0}" cy="2" r="1"/></g></svg>'
    return "".join(icon.format(n % 23) for n in range(count))


def test_svg_styles_and_inline_data_are_dropped_before_extraction_and_the_text_is_the_same() -> None:
    plain = extract(page(), "plain.html")
    image = "data:image/png;base64," + "iVBORw0KGgo" * 200_000
    bulky = page(
        extra=f'<div class="share">{icons(20_000)}<img src="{image}" alt="map"></div>',
        head="<style>" + ".c{color:red}" * 100_000 + "</style>",
    )
    started = time.perf_counter()
    got = extract(bulky, "bulky.html", max_elements=1_000)
    assert time.perf_counter() - started < 4  # 0.8 s; with its 80,000 SVG elements: 11 s
    assert got == plain


@pytest.mark.shared
def test_pages_of_trafilaturas_eval_set_give_the_same_page_without_their_svg_and_styles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check behind BULK_TAGS, on the first pages of the set that draw SVG (the whole set, 226
    pages with CleanEval dev's: 0 differ, measured with the same comparison)."""
    from eval_extract import TRAFILATURA_EVAL, load_trafilatura_eval

    if not (TRAFILATURA_EVAL / "evaldata.json").is_file():
        pytest.skip(f"needs trafilatura's eval set at {TRAFILATURA_EVAL}; the shared folder lacks it")
    pages = [p for p in load_trafilatura_eval() if "<svg" in p.html.lower()][:12]
    assert len(pages) == 12
    dropped = [extract(p.html, p.id) for p in pages]
    monkeypatch.setattr(html_reader, "drop_bulk", lambda tree: None)
    assert [extract(p.html, p.id) for p in pages] == dropped


def test_text_after_a_dropped_element_stays() -> None:
    tree = html_reader.trafilatura.load_html(
        "<html><body><p>Before the icon <svg><path d='M0 0'/></svg>after the icon.</p></body></html>"
    )
    html_reader.drop_bulk(tree)
    assert tree.xpath("string(//p)") == "Before the icon after the icon."
    assert not any(tree.iter(*BULK_TAGS))


@pytest.mark.parametrize("tag", ["style", "SCRIPT"])
def test_a_script_or_style_too_big_for_libxml2_is_cut_and_the_article_kept(tag: str) -> None:
    """A text node over 10 MB makes libxml2 drop the rest of the page; its content is cut first."""
    giant = f"<{tag}>" + "a{b:c}" * 2_000_000 + f"</{tag}>"  # 12 MB
    normal = extract(page(), "small.html")
    assert extract(page(head=giant), "head.html").text == normal.text
    assert extract(page().replace("<article>", giant + "<article>"), "body.html").text == normal.text


def test_a_page_without_a_giant_script_is_not_copied() -> None:
    markup = page(head="<script>var x = 1;</script>" + "<p>filler</p>" * 200_000)
    assert html_reader.cut_giant_raw_text(markup) is markup


def test_a_page_with_too_many_elements_is_refused_at_once() -> None:
    cells = "".join(f"<div><span>cell {n}</span></div>" for n in range(30_000))
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        extract(page(extra=cells), "grid.html", max_elements=50_000)
    assert time.perf_counter() - started < 5  # counted, not extracted (about 15-30 s)
    message = str(caught.value)
    assert message.startswith("E019 grid.html has too much markup to extract its text in reasonable time")
    assert "(60012 HTML elements besides styles and SVG; the limit is 50000)" in message
    assert "raise --max-elements" in message and "\n" not in message


def test_the_element_limit_comes_from_the_settings() -> None:
    markup = page(extra="<div>x</div>" * 200).encode()
    assert read_html(markup, source="small.html", settings=Settings()).error is None
    with pytest.raises(InputError, match=r"^E019 small\.html .*the limit is 100\)"):
        read_html(markup, source="small.html", settings=Settings(max_elements=100))


def test_html_extraction_stops_at_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def forever(*args: object, **kwargs: object) -> None:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(html_reader.trafilatura, "bare_extraction", forever)
    with pytest.raises(InputError) as caught:
        read_html(page().encode(), source="stuck.html", settings=Settings(time_limit=0.2))
    assert str(caught.value) == (
        "E106 stuck.html took longer than the time limit of 0.2 s per article (HTML extraction was running): "
        "raise --time-limit SECONDS, or 0 for no limit"
    )


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf")])
def test_a_bad_time_limit_is_refused(value: float) -> None:
    with pytest.raises(Exception, match=r"^E202 bad value for time_limit"):
        Settings(time_limit=value)


def test_the_command_line_takes_the_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "grid.html").write_text(page(extra="<div>x</div>" * 300), encoding="utf-8")
    (tmp_path / "calm.txt").write_text(REFERENCE, encoding="utf-8")
    out = io.StringIO()
    assert main(["analyze", "--format", "jsonl", "--max-elements", "200", str(tmp_path)], out=out) == 1
    calm, grid = (json.loads(line) for line in out.getvalue().splitlines())
    assert calm["error"] is None and grid["error"].startswith("E019 ")
    assert "E019" in capsys.readouterr().err
    out = io.StringIO()
    assert (
        main(["analyze", "--format", "jsonl", "--time-limit", "0.001", str(tmp_path / "calm.txt")], out=out)
        == 1
    )
    assert json.loads(out.getvalue())["error"].startswith("E106 ")
