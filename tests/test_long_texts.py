"""Long texts full of speech: the stages after the parse grow with the text, not with its square.

Nothing here is timed. The stages ask, for each number, event or sentence, about the quotes, places,
dates and mentions near it; the tests count how many of those they read (or, for names, compare),
over one text and over the same text twice as long. A stage that scans every quote for every
sentence reads four times as many; one that reads only what is near reads about twice as many.

The article is written for these tests: the people are invented, the places are real.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, SupportsIndex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph import analyze
from newsgraph.analyze import dates, entities
from newsgraph.analyze.spans import SpanIndex
from newsgraph.api import build_pipeline
from newsgraph.article import Article
from newsgraph.settings import Settings, using

PARAGRAPHS = [
    "Drills near Gomel worry the Ukrainian side, and the border guards in Chernihiv count every truck.",
    "“At least 40 tanks arrived near Mozyr on Monday. They will stay until June 20,” said Olena Marchuk, "
    "spokeswoman for the Northern Operational Command in Chernihiv.",
    "According to the analyst Taras Levchenko, about 3,000 soldiers moved from Minsk to Gomel last week. "
    "He believes that the exercises will end by the summer.",
    "Ieva Vaitkute, a researcher at the Centre for Eastern Studies in Vilnius, met the mayor of Brest on "
    "Tuesday. “Nobody expects the talks in Minsk to end before July 3,” Vaitkute said.",
    "The opinion of Mikalai Rudzik that the railway stations near Polotsk will reopen soon was not shared "
    "in Vitebsk, where up to 200 families left after the shelling.",
]


def long_text(copies: int) -> str:
    return "Troops near the border\n\n" + "\n\n".join(PARAGRAPHS * copies)


class Counted(list[Any]):
    """A list that counts the items read from it, by iteration or by index."""

    reads = 0

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            Counted.reads += 1
            yield item

    def __getitem__(self, i: SupportsIndex | slice) -> Any:  # type: ignore[override]
        found = super().__getitem__(i)
        Counted.reads += len(found) if isinstance(i, slice) else 1
        return found


def _reads_per_stage(copies: int, names: tuple[str, ...]) -> dict[str, int]:
    """For each stage of `names`, how many quotes, places, dates, entities and mentions it read."""
    settings = Settings(as_is=True)
    pipeline = build_pipeline(settings)
    settings = settings.but(components=tuple(sorted(pipeline.components)))
    article = Article.from_raw(long_text(copies), as_is=True, published="2023-05-02")
    reads: dict[str, int] = {}
    with using(settings):
        for s in pipeline.stages:
            if s.name in names:
                article.quotes, article.places = Counted(article.quotes), Counted(article.places)
                article.dates, article.entities = Counted(article.dates), Counted(article.entities)
                for e in article.entities:
                    e.mentions = Counted(e.mentions)
                Counted.reads = 0
            s.run_batch([article])
            if s.name in names:
                reads[s.name] = Counted.reads
    assert article.quotes and article.claims and article.events and article.predictions
    return reads


STAGES = ("descriptions", "claims", "events", "predictions")


def test_the_stages_read_what_is_near_not_everything() -> None:
    one, two = _reads_per_stage(4, STAGES), _reads_per_stage(8, STAGES)
    for name in STAGES:
        # Linear: twice the text, about twice the reads (a stage reads each list once to index it).
        # Scanning every quote or place for every claim or sentence made this 4x.
        assert two[name] <= 2.5 * one[name] + 50, (name, one[name], two[name])


def _entity_and_date_reads(copies: int) -> dict[str, int]:
    """How many pairs of names the entities stage compares, and how many spaCy entities and grammar
    matches the dates stage reads, over the text of `copies` copies."""
    compared = 0
    same_name, plausible, leftovers = entities.same_name, dates._plausible, dates._spacy_leftovers

    def counted_same_name(a: str, b: str) -> bool:
        nonlocal compared
        compared += 1
        return same_name(a, b)

    settings = Settings(as_is=True)
    pipeline = build_pipeline(settings)
    settings = settings.but(components=tuple(sorted(pipeline.components)))
    article = Article.from_raw(long_text(copies), as_is=True, published="2023-05-02")
    reads = {}
    with pytest.MonkeyPatch.context() as patch, using(settings):
        patch.setattr(entities, "same_name", counted_same_name)
        patch.setattr(
            dates, "_plausible", lambda f, doc, ents, index: plausible(f, doc, Counted(ents), index)
        )
        patch.setattr(
            dates,
            "_spacy_leftovers",
            lambda text, ents, found: leftovers(text, Counted(ents), Counted(found)),
        )
        for s in pipeline.stages:
            compared, Counted.reads = 0, 0
            s.run_batch([article])
            if s.name == "entities":
                reads["entities"] = compared
            elif s.name == "dates":
                reads["dates"] = Counted.reads
                break
    assert article.entities and article.dates
    return reads


def test_entities_and_dates_compare_what_is_near_not_everything() -> None:
    one, two = _entity_and_date_reads(8), _entity_and_date_reads(16)
    for name in ("entities", "dates"):
        # Matching a surname against every earlier mention of every person, or a date against every
        # spaCy entity, made this 4x; against each person's few spellings, or the entities over it, 2x.
        assert two[name] <= 2.5 * one[name] + 50, (name, one[name], two[name])


def test_a_noun_at_the_root_before_a_forecast_ends() -> None:
    # "The opinion of X that ... will ...": the speaker search climbed from the noun to itself for ever,
    # since it compared spaCy Tokens with `is` (every access makes a new Token).
    done: list[Article] = []
    text = "The opinion of Mikalai Rudzik that the railway stations near Polotsk will reopen soon."
    worker = threading.Thread(target=lambda: done.append(analyze(text)), daemon=True)
    worker.start()
    worker.join(timeout=120)  # a hang guard, not a speed figure: it takes well under a second
    assert done and done[0].error is None


# --- the index the stages ask -----------------------------------------------------------------------

spans_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1])), max_size=25
)
question = st.tuples(st.integers(0, 70), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=300, deadline=None)
@given(spans_strategy, question)
def test_the_index_answers_as_a_scan_would(spans: list[tuple[int, int]], q: tuple[int, int]) -> None:
    index = SpanIndex(spans)
    lo, hi = q
    every = range(len(spans))
    assert index.containing(lo, hi) == [i for i in every if spans[i][0] <= lo and hi <= spans[i][1]]
    assert index.overlapping(lo, hi) == [i for i in every if spans[i][0] < hi and spans[i][1] > lo]
    assert index.within(lo, hi) == [i for i in every if lo <= spans[i][0] and spans[i][1] <= hi]
    assert index.starting(lo, hi) == [i for i in every if lo <= spans[i][0] < hi]


@pytest.mark.parametrize("size", [100, 1000])
def test_a_question_reads_the_spans_near_it(size: int) -> None:
    # Disjoint spans, as quotes and mentions mostly are: a question about one place reads a few.
    index = SpanIndex((10 * i, 10 * i + 5) for i in range(size))
    index._ends = Counted(index._ends)
    index._reach = Counted(index._reach)
    Counted.reads = 0
    assert index.containing(501, 503) == [50]
    assert index.overlapping(493, 512) == [49, 50, 51]
    assert index.within(500, 515) == [50, 51]
    assert Counted.reads <= 12
