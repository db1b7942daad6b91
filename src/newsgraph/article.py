"""The Article record: clean text, metadata, standoff annotations, and its JSON form.

The JSON form is the public contract `newsgraph.article/1` (see CONTRACT.md in the shared
folder). Every annotation is a span of offsets into `Article.text` (Python code points, end
exclusive) and records the stage that made it. Fields may be added; none may be renamed,
removed or change meaning without a new schema version.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA = "newsgraph.article/1"

RemovedKind = Literal["boilerplate", "duplicate_title", "caption", "markup", "repeated_word", "heading"]
QuoteKind = Literal["direct", "indirect", "mixed", "according_to", "block"]
PlaceKind = Literal["country", "region", "city", "other"]
DateRelation = Literal["on", "until", "since", "before", "after", "around"]
Qualifier = Literal["up_to", "about", "at_least", "exactly", "more_than", "less_than"]
Stance = Literal["unlikely", "likely", "conditional"]


class Record(BaseModel):
    """Base of every part of the record: unknown keys are refused, field order is kept."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Annotation(Record):
    """A standoff span made by a named, versioned stage."""

    start: int = Field(ge=0, description="offset into `text` (code points)")
    end: int = Field(ge=0, description="end offset into `text`, exclusive")
    stage: str | None = Field(default=None, description="the stage that made it, e.g. quotes.v1")


class Section(Annotation):
    heading: str


class Removed(Record):
    kind: RemovedKind
    text: str
    start: int | None = Field(default=None, description="offset into the raw input where it stood")
    stage: str | None = None


class Caption(Record):
    text: str
    credit: str | None = None
    start: int | None = Field(default=None, description="offset into the raw input where it stood")
    stage: str | None = None


class Mention(Record):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Role(Record):
    role: str
    of: str | None = None


class Entity(Record):
    id: str
    name: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    stage: str | None = None
    descriptions: list[Mention] = Field(
        default_factory=list,
        description="descriptions the article ties to this entity ('the Russian president'), not names",
    )


class Speaker(Record):
    entity: str | None = None
    name: str | None = None
    start: int | None = None
    end: int | None = None


class Cue(Record):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Quote(Annotation):
    id: str
    text: str
    kind: QuoteKind
    speaker: Speaker | None = None
    cue: Cue | None = None


class Place(Annotation):
    name: str
    text: str
    kind: PlaceKind
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    adjective: bool = Field(
        default=False,
        description="an adjective of the place ('Belarusian battalions'): a mention, not where things are",
    )


class DateMention(Annotation):
    text: str
    value: str | None = None
    end_value: str | None = None
    relation: DateRelation = "on"


class Claim(Annotation):
    id: str
    text: str
    value: float | int | None = None
    upper: float | int | None = Field(
        default=None, description="the upper bound when the text gives a range ('dozens', '3 to 5')"
    )
    qualifier: Qualifier | None = None
    unit: str | None = None
    subject: str | None = None
    place: int | None = None
    date: int | None = None
    quote: str | None = None
    source_entity: str | None = None


class Event(Annotation):
    id: str
    type: str
    text: str
    participants: list[str] = Field(default_factory=list)
    place: int | None = None
    date: int | None = None


class Prediction(Annotation):
    id: str
    text: str
    speaker: str | None = None
    stance: Stance | None = None
    about: str | None = None


class Article(Record):
    """One article: the clean text every offset points into, and all that was found in it."""

    schema_: Literal["newsgraph.article/1"] = Field(default="newsgraph.article/1", alias="schema")
    id: str = ""
    source: str = ""
    url: str | None = Field(default=None, description="the page's address, where the input gives one")
    error: str | None = None
    title: str | None = None
    author: str | None = Field(default=None, description="the byline, where the page gives one")
    published: str | None = None
    language: str | None = None
    text: str = ""
    sections: list[Section] = Field(default_factory=list)
    removed: list[Removed] = Field(default_factory=list)
    captions: list[Caption] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    predictions: list[Prediction] = Field(default_factory=list)
    stages: list[str] = Field(
        default_factory=list, description="the stages that ran over this article, in order, e.g. quotes.v1"
    )
    raw_offsets: list[tuple[int, int, int]] = Field(
        default_factory=list,
        description="segments [clean_start, raw_start, length]: clean text that stands in the raw input",
    )

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_serialization_defaults_required=True
    )

    # Working state of a run, never serialised: the raw input and the spaCy parse of `text`.
    _raw: str = PrivateAttr(default="")
    _doc: Any = PrivateAttr(default=None)
    _as_is: bool = PrivateAttr(default=False)

    @classmethod
    def from_raw(
        cls,
        raw: str,
        *,
        source: str = "",
        title: str | None = None,
        published: str | None = None,
        language: str | None = None,
        as_is: bool = False,
        url: str | None = None,
        author: str | None = None,
    ) -> Article:
        """A new article holding `raw` as its text, before cleaning."""
        article = cls(
            source=source,
            url=url,
            title=title,
            author=author,
            published=published,
            language=language,
            text=raw,
        )
        article._raw = raw
        article._as_is = as_is
        article.raw_offsets = [(0, 0, len(raw))] if raw else []
        article.id = text_id(raw)
        return article

    @classmethod
    def failed(cls, source: str, error: str) -> Article:
        """The record of an input that could not be read or analysed."""
        return cls(source=source, error=error)

    @property
    def raw(self) -> str:
        return self._raw

    @property
    def as_is(self) -> bool:
        return self._as_is

    @property
    def doc(self) -> Any:
        """The spaCy Doc of `text`, set by the parse stage."""
        if self._doc is None:
            raise AttributeError("this article has not been parsed: run the parse stage first")
        return self._doc

    @doc.setter
    def doc(self, value: Any) -> None:
        self._doc = value

    def set_text(self, text: str, raw_offsets: list[tuple[int, int, int]]) -> None:
        """Replace the text (before any annotation is made) and its map back to the raw input."""
        self.text = text
        self.raw_offsets = raw_offsets
        self.id = text_id(text)

    def raw_offset(self, offset: int) -> int:
        """The offset in the raw input of clean-text offset `offset`."""
        if not self.raw_offsets:
            return offset
        i = bisect_right([seg[0] for seg in self.raw_offsets], offset) - 1
        clean_start, raw_start, length = self.raw_offsets[max(i, 0)]
        return raw_start + min(max(offset - clean_start, 0), length)

    def clear_annotations(self) -> None:
        for key in ("entities", "quotes", "places", "dates", "claims", "events", "predictions"):
            setattr(self, key, [])
        self._doc = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls.model_validate(data)


def text_id(text: str) -> str:
    """The record id: sha256 of the clean text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def shipped_schema() -> dict[str, Any]:
    """The JSON Schema file that ships in the package (a test keeps it equal to `json_schema()`)."""
    from importlib import resources

    text = (resources.files("newsgraph") / "schema" / "newsgraph.article-1.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the record, generated from the model."""
    schema = Article.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://newsgraph.invalid/schema/newsgraph.article-1.json"
    schema["title"] = "newsgraph.article/1"
    return schema
