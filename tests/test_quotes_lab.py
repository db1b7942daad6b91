"""scripts/quotes_lab.py: the quotes stage re-run over kept parses scores as a full run does."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import SHARED
from newsgraph.article import Article
from newsgraph.pipeline import Pipeline

TEXTS = [
    "Oksana Lytvyn met Taras Bondar in Lviv on Monday. “We agreed on the corridor,” she said.\n\n"
    "Bondar accused the mayor of Odesa of hiding the port's accounts.",
    "The Odesa city council is expected to approve the port budget on Friday, Ivan Koval said.",
]


def test_a_pipeline_keeps_the_parses_only_when_asked() -> None:
    names = ["parse", "entities"]
    kept = Pipeline.build(names, on_error="raise")
    kept.keep_docs = True
    assert next(iter(kept.run([Article.from_raw(TEXTS[0], as_is=True)]))).doc is not None
    dropped = Pipeline.build(names, on_error="raise")
    article = next(iter(dropped.run([Article.from_raw(TEXTS[0], as_is=True)])))
    with pytest.raises(AttributeError, match="not been parsed"):
        article.doc  # noqa: B018


def _gold(text: str, content: str, source: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    start, at = text.index(content), text.index(source)
    return (start, start + len(content)), (at, at + len(source)), source


@pytest.fixture(scope="module")
def lab_and_sq() -> tuple[Any, Any]:
    if not (SHARED / "eval" / "score_quotes.py").is_file():
        pytest.skip(f"needs the shared scorer at {SHARED / 'eval'}; the shared folder is absent")
    import eval_quotes
    import quotes_lab

    sq = eval_quotes.scorer_module()
    docs = [
        {"id": "a", "text": TEXTS[0], "gold": [_gold(TEXTS[0], "“We agreed on the corridor,”", "she"),
                                               _gold(TEXTS[0], "the mayor of Odesa", "Bondar")]},
        {"id": "b", "text": TEXTS[1], "gold": [_gold(TEXTS[1], "The Odesa city council", "Ivan Koval")]},
    ]  # fmt: skip
    return quotes_lab.Lab({"dev": docs}, sq), sq


@pytest.mark.shared
def test_the_lab_scores_the_quotes_of_a_full_run(lab_and_sq: tuple[Any, Any]) -> None:
    import eval_quotes

    lab, sq = lab_and_sq
    scores = lab.run("first")
    full = eval_quotes.newsgraph_records(TEXTS)
    assert [r["quotes"] for r in lab.records["first"]["dev"]] == [r["quotes"] for r in full]
    assert scores["dev"] == eval_quotes.score_records(sq, lab.sets["dev"], full)


@pytest.mark.shared
def test_the_lab_lists_what_a_run_missed_and_what_changed(lab_and_sq: tuple[Any, Any]) -> None:
    import quotes_lab

    lab, sq = lab_and_sq
    lab.run("again")
    assert lab.changed("first", "again") == []
    records = lab.records["again"]["dev"]
    lines = quotes_lab.listing(sq, lab.sets["dev"], records).splitlines()
    assert "##### a" in lines and "##### b" in lines
    assert not any(line.startswith(("FN", "SPK")) for line in lines)  # the direct quote is found, hers
    records[0]["quotes"] = []
    lines = quotes_lab.listing(sq, lab.sets["dev"], records).splitlines()
    assert any(line.startswith("FN") and "We agreed" in line for line in lines)
    lab.records["none"] = {"dev": [{**r, "quotes": []} for r in records]}
    assert any(line.startswith("dev - ") for line in lab.changed("again", "none"))
    assert quotes_lab.summary({"dev": {"e2e_direct_f": 1.0, "e2e_f": 0.5, "speaker_acc": 1.0}}) == [
        "dev   e2e_direct_f=1.0000 e2e_f=0.5000 speaker_acc=1.0000"
    ]
