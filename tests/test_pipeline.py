"""The stage registry and runner: ordering checks, versions recorded, one error handler."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from newsgraph.article import Article
from newsgraph.errors import PipelineError
from newsgraph.pipeline import REGISTRY, Pipeline, check_order, get_stage, stage


@pytest.fixture
def toy_stages() -> Sequence[str]:
    @stage("toy_upper", version=1, requires=("text",), assigns=("title",))
    def upper(article: Article) -> Article:
        article.title = article.text.upper()
        return article

    @stage("toy_fail", version=1, requires=("title",), assigns=("entities",))
    def fail(article: Article) -> Article:
        if "boom" in article.text:
            raise RuntimeError("exploded on purpose")
        return article

    @stage("toy_wrong", version=1, requires=("text",), assigns=("places",))
    def wrong(article: Article) -> object:
        return "not an article"

    yield ("toy_upper", "toy_fail", "toy_wrong")
    for name in ("toy_upper.v1", "toy_fail.v1", "toy_wrong.v1"):
        REGISTRY.pop(name, None)


def test_default_pipeline_is_ordered_and_versioned() -> None:
    pipeline = Pipeline.build()
    assert pipeline.names[:4] == ["clean.v2", "language.v1", "parse.v5", "entities.v6"]
    assert all(name.rsplit(".", 1)[1].startswith("v") for name in pipeline.names)


def test_a_stage_before_its_requirement_is_refused() -> None:
    with pytest.raises(PipelineError, match=r"E102 stage quotes\.v\d+ requires 'doc'.*parse\.v\d+"):
        Pipeline.build(["quotes", "parse"])


def test_unknown_stage_names_the_known_ones() -> None:
    with pytest.raises(PipelineError, match=r"E101 unknown stage 'nope'; known stages: .*clean\.v2"):
        get_stage("nope")


def test_check_order_accepts_the_default_order() -> None:
    check_order(
        [
            get_stage(n)
            for n in ("clean", "language", "parse", "entities", "roles", "places", "dates", "quotes")
        ]
    )


def test_each_article_records_the_stages_that_ran(toy_stages: Sequence[str]) -> None:
    article = Pipeline.build(["toy_upper"], on_error="raise")(Article.from_raw("hello"))
    assert article.title == "HELLO"
    assert article.stages == ["toy_upper.v1"]


def test_in_a_batch_a_failing_article_gets_its_error_and_the_others_go_on(toy_stages: Sequence[str]) -> None:
    pipeline = Pipeline.build(["toy_upper", "toy_fail"], on_error="record", batch_size=8)
    out = list(
        pipeline.run(Article.from_raw(t, source=f"{i}.txt") for i, t in enumerate(["ok", "boom", "fine"]))
    )
    assert [a.source for a in out] == ["0.txt", "1.txt", "2.txt"]
    assert out[0].error is None and out[2].error is None
    assert out[1].error is not None
    assert out[1].error.startswith(
        "E103 stage toy_fail.v1 failed on 1.txt: RuntimeError: exploded on purpose"
    )
    assert out[1].stages == ["toy_upper.v1"]
    assert pipeline.errors == [out[1].error]


def test_in_tests_errors_raise(toy_stages: Sequence[str]) -> None:
    pipeline = Pipeline.build(["toy_upper", "toy_fail"], on_error="raise")
    with pytest.raises(RuntimeError, match="exploded"):
        pipeline(Article.from_raw("boom"))


def test_a_stage_that_returns_something_else_is_an_error(toy_stages: Sequence[str]) -> None:
    article = Pipeline.build(["toy_wrong"], on_error="record")(Article.from_raw("x", source="w.txt"))
    assert article.error is not None and "E104 stage toy_wrong.v1 returned str" in article.error


def test_a_failed_article_keeps_no_annotations(toy_stages: Sequence[str]) -> None:
    article = Pipeline.build(["clean", "parse", "entities", "toy_fail"], on_error="record")(
        Article.from_raw("Olena Markiv went to Lviv. boom", source="b.txt")
    )
    assert article.error is not None
    assert article.entities == []


def test_a_stage_name_and_version_is_registered_once(toy_stages: Sequence[str]) -> None:
    with pytest.raises(PipelineError, match=r"E105 stage 'toy_upper\.v1' is registered twice"):

        @stage("toy_upper", version=1, requires=("text",), assigns=("title",))
        def another(article: Article) -> Article:
            return article


def test_a_failure_is_one_bounded_line_whatever_the_exception_says() -> None:
    """Issue 9: an exception's text (a traceback, a dump of the input) and a source with a line
    break in it must not split the one line an E103 is reported on."""

    @stage("toy_chatty", version=1, requires=("text",), assigns=("title",))
    def chatty(article: Article) -> Article:
        raise ValueError("first line\nsecond line\r\n\tthird " + "x" * 5000)

    try:
        article = Pipeline.build(["toy_chatty"], on_error="record")(
            Article.from_raw("text", source="odd\nname.txt")
        )
    finally:
        REGISTRY.pop("toy_chatty.v1", None)
    assert article.error is not None
    assert article.error.startswith(
        "E103 stage toy_chatty.v1 failed on odd\\nname.txt: ValueError: first line second line third xxx"
    )
    assert len(article.error.splitlines()) == 1 and article.error.endswith("…")
    assert len(article.error) < 400


def test_a_batch_stage_that_fails_on_one_article_is_run_again_one_by_one() -> None:
    @stage("toy_batch_fail", version=1, requires=("text",), assigns=("title",), batch=True)
    def batch_fail(articles: Sequence[Article]) -> Sequence[Article]:
        for article in articles:
            if "boom" in article.text:
                raise RuntimeError("one bad article")
            article.title = "seen"
        return articles

    try:
        pipeline = Pipeline.build(["toy_batch_fail"], on_error="record", batch_size=8)
        out = list(pipeline.run(Article.from_raw(t, source=f"{t}.txt") for t in ["ok", "boom", "fine"]))
    finally:
        REGISTRY.pop("toy_batch_fail.v1", None)
    assert [a.error is None for a in out] == [True, False, True]
    assert [a.title for a in out] == ["seen", None, "seen"]
    assert out[0].stages == ["toy_batch_fail.v1"]
