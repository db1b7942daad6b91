"""A load corpus made from the bundled example articles: each copy with other (invented) names.

Fine for load, resume and speed tests; useless for accuracy (every copy says the same things).
The people's surnames of each copy are swapped for invented ones, so every copy is a different
article with its own id. Written as plain-text files, a JSON Lines shard and a gzipped WARC of
HTML pages: the three kinds a crawl brings.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from ..api import example_paths

# The surnames of the people in the bundled examples, and invented ones to put in their place.
SURNAMES = (
    "Lysenko Bondar Dzyuba Darashenka Kairyte Vaitkus Lindqvist Petrauskas Kovalchuk Zukauskiene Markiv Holub"
).split()
INVENTED = (
    "Halvorsen Okafor Brennick Marchetti Sandoval Kettering Aldous Varga Lindgren Moreau Castell Ferrante "
    "Nyberg Duval Keller Rosendahl Tamsin Oyelaran Quist Bellweather Farrow Ilves Mårtensson Corbel"
).split()
_SURNAME = re.compile(r"\b(" + "|".join(SURNAMES) + r")\b")


@dataclass(frozen=True)
class Example:
    name: str  # file name without .txt, e.g. 2023-08-22-odesa-grain
    published: str
    text: str


def examples() -> list[Example]:
    return [Example(p.stem, p.name[:10], p.read_text(encoding="utf-8")) for p in example_paths()]


def variant(text: str, number: int) -> str:
    """The text with its people renamed; variant 0 is the text itself."""
    if number == 0:
        return text
    rng = random.Random(number)
    names = dict(zip(SURNAMES, rng.sample(INVENTED, len(SURNAMES)), strict=True))
    # A tag in the title line too, so two variants never share a text even if names collide.
    first, _, rest = text.partition("\n")
    return f"{first} ({number})\n{_SURNAME.sub(lambda m: names[m.group(0)], rest)}"


def page(title: str, body: str, published: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="date" content="{published}"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        "<footer>© Courier</footer></body></html>"
    )


@dataclass(frozen=True)
class Corpus:
    texts: Path  # a folder of .txt files
    shard: Path  # JSON Lines
    warc: Path  # .warc.gz
    articles: int

    @property
    def paths(self) -> list[str]:
        return [str(self.texts), str(self.shard), str(self.warc)]


def write_corpus(folder: Path, variants: int, *, first: int = 0) -> Corpus:
    """Write `variants` copies of every example, a third each as text files, JSON Lines and WARC."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir(parents=True, exist_ok=True)
    texts = folder / "texts"
    texts.mkdir(exist_ok=True)
    shard, warc = folder / "shard.jsonl", folder / "crawl.warc.gz"
    count = 0
    with shard.open("w", encoding="utf-8") as lines, warc.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for number in range(first, first + variants):
            for example in examples():
                text = variant(example.text, number)
                kind = number % 3
                count += 1
                if kind == 0:
                    (texts / f"{example.name}-v{number:04d}.txt").write_text(text, encoding="utf-8")
                elif kind == 1:
                    url = f"https://courier.example/{example.name}/{number}"
                    lines.write(json.dumps({"text": text, "date": example.published, "url": url}) + "\n")
                else:
                    title, _, body = text.partition("\n")
                    data = page(title, body.strip(), example.published).encode("utf-8")
                    http = StatusAndHeaders(
                        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                    )
                    uri = f"https://courier.example/{example.name}/{number}.html"
                    writer.write_record(
                        writer.create_warc_record(
                            uri, "response", payload=io.BytesIO(data), http_headers=http
                        )
                    )
    return Corpus(texts, shard, warc, count)
