"""Extraction quality: readers' comments on discussion pages; gates on CleanEval dev and trafilatura's set."""

from __future__ import annotations

import pytest
from eval_extract import (
    CLEANEVAL,
    TRAFILATURA_EVAL,
    cleaneval_scores,
    load_cleaneval,
    load_trafilatura_eval,
    run_newsgraph,
    run_newsgraph_in_process,
    snippet_scores,
)

from conftest import SHARED
from newsgraph.errors import InputError
from newsgraph.ingest.html import COMMENTS_SHARE, extract
from newsgraph.pipeline import REGISTRY, get_stage

POST = (
    "The winter timetable of the ferry between Split and Hvar starts on Monday, with two crossings a day "
    "instead of six, the harbour office in Split said."
)
MORE = (
    "Passengers are advised to buy tickets at the harbour office or online, since the boats used in winter "
    "are smaller and have few places for cars. {} The summer timetable returns in the middle of May."
)
COMMENTS = (
    "We took the early crossing last January and the boat was almost empty, so two a day seems enough.",
    "Two a day is too few for people who work in Split and live on the island; an evening boat on Fridays "
    "would help.",
    "Does anyone know whether the car ferry from Drvenik keeps its summer times, or is it cut back as well?",
)


def blog_page(paragraphs: list[str], comments: tuple[str, ...]) -> str:
    """A blog post with its readers' comments in the usual comment list, as blog engines write them."""
    posts = "".join(f"<p>{p}</p>" for p in paragraphs)
    thread = "".join(
        f'<li class="comment"><div class="comment-author">Reader {n}</div>'
        f'<div class="comment-body"><p>{text}</p></div></li>'
        for n, text in enumerate(comments, 1)
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><title>The winter ferry timetable</title></head><body>'
        '<nav><a href="/">Home</a> <a href="/about">About</a></nav>'
        f"<article><h1>The winter ferry timetable</h1>{posts}</article>"
        f'<div id="comments"><h3>{len(comments)} Comments</h3><ol class="commentlist">{thread}</ol></div>'
        "<footer>Powered by a blog engine.</footer></body></html>"
    )


def test_a_thread_longer_than_its_post_is_part_of_the_text() -> None:
    text = extract(blog_page([POST], COMMENTS), "thread.html").text
    assert all(comment in text for comment in COMMENTS), text
    assert text.index(POST) < min(text.index(c) for c in COMMENTS)


def test_a_comment_under_a_long_article_is_left_out() -> None:
    paragraphs = [POST, *(MORE.format(f"Section {n} of the notice lists the harbours.") for n in range(6))]
    assert len(COMMENTS[0]) < COMMENTS_SHARE * sum(map(len, paragraphs))
    text = extract(blog_page(paragraphs, COMMENTS[:1]), "article.html").text
    assert all(p in text for p in paragraphs)
    assert COMMENTS[0] not in text


@pytest.mark.parametrize(
    "markup",
    [
        "",
        "<html><body></body></html>",
        '<div id="comments"><ol class="commentlist"></ol></div>',
        "<html><body><nav><a href='/'>Home</a></nav>" + "<div>" * 5000 + "</body></html>",
    ],
    ids=["empty", "no-body-text", "empty-comment-list", "deep-nesting"],
)
def test_a_page_without_text_raises_one_input_error(markup: str) -> None:
    with pytest.raises(InputError) as error:
        extract(markup, "bad.html")
    assert "bad.html" in str(error.value) and "\n" not in str(error.value)


# Measured 2026-11-29 on the first 20 CleanEval dev pages (newsgraph analyze, about 30 s on an idle machine):
# F1 0.8789, P 0.8778, R 0.8800 (plain trafilatura 0.8788 / 0.8776 / 0.8801), with
#   .venv/bin/python scripts/eval_extract.py --sets cleaneval --limit 20
# and on the first 60 pages of trafilatura's English eval set (read and cleaned in process, about 5 s):
# F1 0.9518, P 0.9545, R 0.9492 (plain trafilatura 0.9438 / 0.9385 / 0.9492), with
#   .venv/bin/python scripts/eval_extract.py --sets trafeval --limit 60 --in-process
# On the full sets: CleanEval dev F1 0.8618 (trafilatura 0.8545), trafilatura's set F1 0.9279 (0.9189).
# The figures are deterministic; the margin only absorbs small intended trade-offs (one snippet of the
# 60 pages moves the second set's figures by about 0.005). Raise, never lower.
CLEANEVAL_MINIMUM = {"f1": 0.870, "precision": 0.870, "recall": 0.870}
TRAFILATURA_EVAL_MINIMUM = {"f1": 0.940, "precision": 0.945, "recall": 0.940}
TRAFILATURA_EVAL_SLICE = 60


def _shared_runner_present() -> bool:
    return (SHARED / "eval" / "score_extract.py").is_file() and (SHARED / "eval" / "common.py").is_file()


@pytest.mark.shared
def test_cleaneval_dev_scores_do_not_fall() -> None:
    if not _shared_runner_present() or not CLEANEVAL.is_dir():
        pytest.skip(f"needs the shared CleanEval dev set and scorers at {SHARED}; it is absent")
    pages = load_cleaneval(limit=20)
    measured = cleaneval_scores(pages, run_newsgraph([p.html for p in pages]))
    for key, minimum in CLEANEVAL_MINIMUM.items():
        assert measured[key] >= minimum, (key, measured[key])


def test_only_the_clean_stage_sets_the_text() -> None:
    """What lets the gate below read and clean pages in process instead of running `newsgraph analyze`."""
    get_stage("clean")  # loads the built-in stages
    assert [s.id for s in REGISTRY.values() if "text" in s.assigns] == [get_stage("clean").id]


@pytest.mark.shared
def test_trafilatura_eval_scores_do_not_fall() -> None:
    if not (TRAFILATURA_EVAL / "evaldata.json").is_file():
        pytest.skip(f"needs trafilatura's eval set at {TRAFILATURA_EVAL}; the shared folder lacks it")
    pages = load_trafilatura_eval(limit=TRAFILATURA_EVAL_SLICE)
    measured = snippet_scores(pages, run_newsgraph_in_process([p.html for p in pages]))
    for key, minimum in TRAFILATURA_EVAL_MINIMUM.items():
        assert measured[key] >= minimum, (key, measured[key])
