"""Write the seed corpus of each harness from newsgraph's own fixtures (tests/data, the examples).

Usage: python fuzz/seeds.py OUT_DIR; makes OUT_DIR/<harness>/ for text, html, jsonl, warc, feed,
fetch and analyze. A file harness reads the first byte of an input as its choice of file name (and of
--as-is, its high bit), so each seed starts with 0x00. WARC seeds are built here, plain and
gzipped, from the example articles wrapped in pages.
"""

from __future__ import annotations

import html
import io
import json
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "src" / "newsgraph" / "examples"
MAX_SEED = 60_000  # libFuzzer's -max_len in run.sh; larger seeds would be cut anyway


def page(title: str, body: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta property="article:published_time" content="2023-04-12T08:00:00+00:00"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>\n{paragraphs}"
        f"</article><footer>All rights reserved.</footer></body></html>"
    )


def warc(pages: list[tuple[str, str]], *, compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for uri, markup in pages:
        payload = markup.encode("utf-8")
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=headers
            )
        )
        request = f"GET / HTTP/1.1\r\nHost: {uri.split('/')[2]}\r\n\r\n".encode()
        writer.write_record(
            writer.create_warc_record(uri, "request", payload=io.BytesIO(request), length=len(request))
        )
    return buffer.getvalue()


def seeds() -> dict[str, list[bytes]]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((DATA / "cleaning").glob("*.dirty.txt"))[:12]]
    short = texts[0][:600]
    pages = [page(f"Story {i}", text) for i, text in enumerate(texts[:4])]
    encoded = [short.encode(e) for e in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le")]
    encoded += [
        "Жители Харькова получили новые квартиры, сказал мэр.".encode(e) for e in ("cp1251", "koi8-r")
    ]
    lines = [json.dumps({"text": t[:300], "title": "T", "date": "2023-04-12"}) for t in texts[:3]]
    lines += [json.dumps({"html": pages[0][:2000], "url": "http://news.test/1"}), "[1, 2]", "{broken"]
    records = [(f"http://news.test/{i}", p) for i, p in enumerate(pages[:2])]
    feeds = [p.read_bytes() for p in sorted((DATA / "feeds").iterdir()) if p.is_file()]
    return {
        "text": [t.encode("utf-8") for t in texts] + encoded,
        "html": [p.encode("utf-8") for p in pages]
        + [p.read_bytes() for p in sorted((DATA / "feeds" / "pages").glob("*.html"))],
        "jsonl": ["\n".join(lines).encode("utf-8"), (DATA / "web" / "articles.jsonl").read_bytes()],
        "warc": [warc(records, compress=False), warc(records, compress=True)],
        "feed": feeds,
        "analyze": [t.encode("utf-8") for t in texts],
        # fetch: a first byte with its low bit set reads the rest as a URL, else as an answer's body
        "fetch": [
            b"\x01" + url.encode() for url in ("https://news.test/a?b=c#d", "http://[::1]:8080/", "ftp://x")
        ]
        + [p.encode("utf-8") for p in pages[:2]]
        + [b"Plain text from Kharkiv.", b"<rss><channel><item><title>T</title></item></channel></rss>"],
    }


def main(out: Path) -> None:
    for harness, items in seeds().items():
        folder = out / harness
        folder.mkdir(parents=True, exist_ok=True)
        for number, item in enumerate(items):
            # analyze's first byte is its as-is flag too (FuzzedDataProvider.ConsumeBool).
            first = b"" if harness == "fetch" and item.startswith(b"\x01") else b"\x00"
            (folder / f"seed-{number:03d}").write_bytes((first + item)[:MAX_SEED])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
