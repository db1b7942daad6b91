"""The article text cut into paragraphs of segments, each marked with the annotations it lies in.

Quotes and claims may be long and may overlap each other; mentions of people, places and dates
are short and are kept apart (the first wins where two overlap). Every segment carries plain
text, which the template escapes: nothing here builds markup.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import quote as url_quote

from ..article import Article

_PARAGRAPH_RE = re.compile(r"\n\s*\n")


@dataclass
class Segment:
    text: str
    classes: list[str] = field(default_factory=list)
    href: str | None = None  # where the mention links to (a path on this server)
    title: str | None = None  # tooltip: the resolved name, date or value
    anchor: str | None = None  # an element id, set on the first segment of a quote or claim


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    cls: str
    href: str | None = None
    title: str | None = None
    anchor: str | None = None


def entity_href(name: str, registry_id: int | None = None) -> str:
    """The entity page: by registry id when the store gave one, else by name (any alias resolves)."""
    return "/entities/" + (str(registry_id) if registry_id is not None else url_quote(name, safe=""))


def place_href(name: str, registry_id: int | None = None) -> str:
    return "/places/" + (str(registry_id) if registry_id is not None else url_quote(name, safe=""))


def _inline_marks(article: Article, entity_ids: dict[str, int], place_ids: dict[int, int]) -> list[_Mark]:
    n = len(article.text)
    marks: list[_Mark] = []
    entities = {e.id: e for e in article.entities}
    for quote in article.quotes:
        speaker = quote.speaker
        if speaker and speaker.start is not None and speaker.end is not None:
            local = speaker.entity or ""
            entity = entities.get(local)
            name = entity.name if entity else (speaker.name or "")
            if name:
                href = entity_href(name, entity_ids.get(local))
                marks.append(_Mark(speaker.start, speaker.end, "speaker", href, name))
    for index, place in enumerate(article.places):
        href = place_href(place.name, place_ids.get(index))
        marks.append(_Mark(place.start, place.end, "place", href, place.name))
    for date in article.dates:
        value = date.value or "unresolved"
        if date.end_value:
            value += " to " + date.end_value
        marks.append(_Mark(date.start, date.end, "date", None, f"{date.relation} {value}"))
    for entity in article.entities:
        if entity.type in ("PERSON", "ORG", "NORP"):
            for mention in entity.mentions:
                href = entity_href(entity.name, entity_ids.get(entity.id))
                marks.append(_Mark(mention.start, mention.end, "entity", href, entity.name))
    # Keep the first of overlapping marks (speakers, then places, dates, other mentions).
    kept: list[_Mark] = []
    taken: list[tuple[int, int]] = []
    for mark in marks:
        if not (0 <= mark.start < mark.end <= n):
            continue
        if any(mark.start < e and s < mark.end for s, e in taken):
            continue
        kept.append(mark)
        taken.append((mark.start, mark.end))
    return kept


def _block_marks(article: Article) -> list[_Mark]:
    n = len(article.text)
    marks = [
        _Mark(q.start, q.end, "quote", None, f"{q.kind} quote", "quote-" + q.id)
        for q in article.quotes
        if 0 <= q.start < q.end <= n
    ]
    marks += [
        _Mark(c.start, c.end, "claim", None, "claim", "claim-" + c.id)
        for c in article.claims
        if 0 <= c.start < c.end <= n
    ]
    return marks


def highlight(
    article: Article, entity_ids: dict[str, int] | None = None, place_ids: dict[int, int] | None = None
) -> list[list[Segment]]:
    """The article's paragraphs, each a list of segments with their marks.

    `entity_ids` and `place_ids` map the record's local ids (e1, place indexes) to the store's
    registry ids, so that mentions link to the registry's pages.
    """
    text = article.text
    inline = _inline_marks(article, entity_ids or {}, place_ids or {})
    blocks = _block_marks(article)
    cuts = {0, len(text)}
    for mark in inline + blocks:
        cuts.update((mark.start, mark.end))
    paragraph_breaks = [(m.start(), m.end()) for m in _PARAGRAPH_RE.finditer(text)]
    for start, end in paragraph_breaks:
        cuts.update((start, end))
    bounds = sorted(cuts)
    anchors_done: set[str] = set()
    paragraphs: list[list[Segment]] = [[]]
    breaks = {start: end for start, end in paragraph_breaks}
    skip_until = -1
    for start, end in itertools.pairwise(bounds):
        if start < skip_until:
            continue
        if start in breaks:
            skip_until = breaks[start]
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        segment = Segment(text[start:end])
        for mark in blocks:
            if mark.start <= start and end <= mark.end:
                segment.classes.append(mark.cls)
                if mark.anchor and mark.anchor not in anchors_done and segment.anchor is None:
                    anchors_done.add(mark.anchor)
                    segment.anchor = mark.anchor
        for mark in inline:
            if mark.start <= start and end <= mark.end:
                segment.classes.append(mark.cls)
                segment.href = mark.href
                segment.title = mark.title
                break
        paragraphs[-1].append(segment)
    return [p for p in paragraphs if p]
