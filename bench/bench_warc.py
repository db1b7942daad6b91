"""WARC reading speed: records to clean text per second, against fastwarc + trafilatura alone, in one run.

    .venv/bin/python bench/bench_warc.py [--records N] [--seed S] [--warc PATH]

Input: a WARC.gz of N generated news-like pages (boilerplate header, nav, footer and comments
around invented paragraphs), written with warcio into a temporary directory, or --warc PATH for
a real file. newsgraph side: `iter_articles` then the clean stage only (WARC record -> clean
text). Baseline: fastwarc's ArchiveIterator over the response records and `trafilatura.extract`
on each body. Prints records/s for each and the ratio newsgraph / baseline (1.0 = as fast as the
baseline). Single process, one core. fastwarc is not a project dependency:
`.venv/bin/pip install -e ".[bench]"`.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import tempfile
import time
from pathlib import Path

import trafilatura
from fastwarc.warc import ArchiveIterator, WarcRecordType
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsgraph.ingest import iter_articles
from newsgraph.pipeline import Pipeline
from newsgraph.settings import Settings

# Invented people and outlets; real places.
_FIRST = ["Maren", "Tobias", "Ilse", "Rafael", "Noor", "Dmitri", "Alba", "Kwame", "Sigrid", "Teodor"]
_LAST = ["Halvorsen", "Okafor", "Brennick", "Vasquez-Lind", "Marchetti", "Sandoval", "Kettering", "Aldous"]
_PLACES = ["Lisbon", "Nairobi", "Osaka", "Winnipeg", "Gdańsk", "Valparaíso", "Tbilisi", "Brisbane", "Lyon"]
_TOPICS = [
    "the harbour expansion",
    "a new tram line",
    "the regional budget",
    "flood defences",
    "the wine harvest",
]
_VERBS = ["said", "told reporters", "argued", "warned", "noted", "insisted"]
_CLAUSES = [
    "the plan would take at least three years to complete",
    "residents had not been consulted early enough",
    "costs had risen by almost a fifth since the spring",
    "the council expected a decision before the end of the month",
    "several local businesses were already preparing for the change",
    "the figures published on Tuesday were only provisional",
    "a similar project had stalled twice in the past decade",
]
_NAV = ["Home", "World", "Politics", "Business", "Science", "Culture", "Sport", "Opinion"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _sentence(rng: random.Random) -> str:
    who = f"{_name(rng)}, who has followed {rng.choice(_TOPICS)} in {rng.choice(_PLACES)},"
    return f"{who} {rng.choice(_VERBS)} that {rng.choice(_CLAUSES)}."


def make_page(rng: random.Random, n: int) -> str:
    """One invented news article page with the usual boilerplate around it."""
    place, topic = rng.choice(_PLACES), rng.choice(_TOPICS)
    title = f"{place} debates {topic}"
    date = f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in _NAV)
    paragraphs = "\n".join(
        f"<p>{' '.join(_sentence(rng) for _ in range(rng.randint(2, 5)))}</p>"
        for _ in range(rng.randint(4, 9))
    )
    comments = "\n".join(
        f'<li class="comment"><b>{rng.choice(_FIRST).lower()}{rng.randint(1, 99)}</b> '
        f"<p>{rng.choice(_CLAUSES).capitalize()}? Not convinced.</p></li>"
        for _ in range(rng.randint(2, 6))
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Example Courier</title>
<meta name="author" content="{_name(rng)}">
<meta property="article:published_time" content="{date}">
<script>window.dataLayer = window.dataLayer || [];</script><style>body{{font-family:serif}}</style></head>
<body><header><div class="logo">The Example Courier</div><nav><ul>{nav}</ul></nav>
<div class="banner">Subscribe now for unlimited access</div></header>
<main><article id="story-{n}"><h1>{title}</h1>
<div class="byline">By {_name(rng)} in {place}</div>
<figure><img src="/img/{n}.jpg"><figcaption>Street view of {place}. Photo: {_name(rng)}</figcaption></figure>
{paragraphs}
<h2>What happens next</h2>
<p>{_sentence(rng)} {_sentence(rng)}</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">{rng.choice(_PLACES)} weather warning</a></li>
<li><a href="/b">Markets close higher</a></li></ul></aside>
<section class="comments"><h3>Comments</h3><ul>{comments}</ul></section></main>
<footer><p>&copy; 2024 The Example Courier. All rights reserved.</p>
<a href="/privacy">Privacy</a> | <a href="/terms">Terms</a> | <a href="/cookies">Cookie settings</a></footer>
</body></html>
"""


def write_warc(path: Path, records: int, seed: int) -> None:
    """A WARC.gz of `records` response records, each an invented page."""
    rng = random.Random(seed)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(records):
            body = make_page(rng, n).encode("utf-8")
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            uri = f"https://courier.example/news/{n}"
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http)
            )


def run_baseline(path: Path) -> tuple[int, int]:
    """fastwarc + trafilatura: (response records read, texts extracted)."""
    records = texts = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
            records += 1
            if trafilatura.extract(record.reader.read()):
                texts += 1
    return records, texts


def run_newsgraph(path: Path, settings: Settings) -> tuple[int, int]:
    """iter_articles + the clean stage: (articles, articles with clean text)."""
    pipeline = Pipeline.build(["clean"])
    articles = texts = 0
    for article in pipeline.run(iter_articles([str(path)], settings)):
        articles += 1
        if article.error is None and article.text:
            texts += 1
    return articles, texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=300, help="generated pages (ignored with --warc)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warc", type=Path, help="a real .warc or .warc.gz instead of generated pages")
    args = ap.parse_args()
    settings = Settings()

    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.warc.gz"
        write_warc(warm, 4, args.seed + 1)
        run_baseline(warm)  # warm up both paths: imports, trafilatura and htmldate caches
        run_newsgraph(warm, settings)
        path = args.warc
        if path is None:
            path = Path(tmp) / "bench.warc.gz"
            write_warc(path, args.records, args.seed)

        t0 = time.perf_counter()
        base_records, base_texts = run_baseline(path)
        base = time.perf_counter() - t0

        t0 = time.perf_counter()
        ng_records, ng_texts = run_newsgraph(path, settings)
        ng = time.perf_counter() - t0

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base_rate, ng_rate = base_records / base, ng_records / ng
    print(f"input={args.warc or 'generated'} seed={args.seed}")
    print(f"baseline_records={base_records} baseline_texts={base_texts}")
    print(f"newsgraph_records={ng_records} newsgraph_texts={ng_texts}")
    print(f"baseline_fastwarc_trafilatura_records_per_s={base_rate:.1f}")
    print(f"newsgraph_records_per_s={ng_rate:.1f}")
    print(f"ratio_newsgraph_vs_baseline={ng_rate / base_rate:.2f} peak_rss_mb={peak:.0f}")


if __name__ == "__main__":
    main()
