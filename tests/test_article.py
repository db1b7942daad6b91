"""The Article model, its JSON form and the schema shipped in the package."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgraph.article import (
    SCHEMA,
    Article,
    Entity,
    Mention,
    Quote,
    Speaker,
    json_schema,
    shipped_schema,
    text_id,
)

CONTRACT_KEYS = [
    "schema", "id", "source", "error", "title", "published", "language", "text", "sections", "removed",
    "captions", "entities", "quotes", "places", "dates", "claims", "events", "predictions",
]  # fmt: skip


def test_shipped_schema_is_the_generated_one() -> None:
    # Regenerate with: newsgraph schema > src/newsgraph/schema/newsgraph.article-1.json
    assert shipped_schema() == json_schema()


def test_every_contract_key_is_present_even_when_empty() -> None:
    record = Article.from_raw("").to_dict()
    assert all(key in record for key in CONTRACT_KEYS)
    assert record["schema"] == SCHEMA == "newsgraph.article/1"
    assert set(shipped_schema()["required"]) >= set(CONTRACT_KEYS)


def test_id_is_sha256_of_the_text() -> None:
    article = Article.from_raw("Talks in Vilnius ended on Friday.")
    assert article.id == text_id(article.text)
    assert len(article.id) == 64
    article.set_text("Talks ended.", [(0, 0, 5), (5, 18, 7)])
    assert article.id == text_id("Talks ended.")


def test_round_trip_through_json() -> None:
    article = Article.from_raw("Olena Markiv said it.", source="a.txt", published="2023-08-22")
    article.entities = [
        Entity(
            id="e1",
            name="Olena Markiv",
            type="PERSON",
            mentions=[Mention(start=0, end=12, text="Olena Markiv")],
        )
    ]
    article.quotes = [
        Quote(
            id="q1",
            text="it",
            start=18,
            end=20,
            kind="indirect",
            speaker=Speaker(entity="e1", start=0, end=12),
        )
    ]
    again = Article.from_dict(json.loads(article.to_json()))
    assert again.to_dict() == article.to_dict()


def test_unknown_keys_are_refused() -> None:
    record = Article.from_raw("text").to_dict()
    record["surprise"] = 1
    with pytest.raises(ValueError):
        Article.from_dict(record)


def test_raw_offsets_map_clean_text_back() -> None:
    raw = "Title\n\nLeave a Reply\n\nBody text."
    article = Article.from_raw(raw)
    # keep "Title\n\n" (0..7) and "Body text." (22..32)
    article.set_text("Title\n\nBody text.", [(0, 0, 7), (7, 22, 10)])
    for i, ch in enumerate(article.text):
        assert raw[article.raw_offset(i)] == ch


@given(st.text())
def test_from_raw_keeps_any_text(text: str) -> None:
    article = Article.from_raw(text, as_is=True)
    assert article.text == text
    assert Article.from_dict(json.loads(article.to_json())).text == text


def test_doc_is_not_serialised_and_must_be_set_before_use() -> None:
    article = Article.from_raw("x")
    with pytest.raises(AttributeError, match="parse stage"):
        _ = article.doc
    article.doc = object()
    assert "doc" not in article.to_dict()
