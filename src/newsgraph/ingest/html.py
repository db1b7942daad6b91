"""HTML reader: the main text of a page (trafilatura) with its title, date (htmldate) and language.

The raw text of an HTML article is the text trafilatura extracts, one block (paragraph, heading,
list, quote, table) per paragraph, blocks separated by a blank line; the article's `raw_offsets`
point into that extracted text, not into the markup. The readers' comments under a post follow
its text only when the page is a discussion (see `COMMENTS_SHARE`). The byline trafilatura finds
becomes the record's `author`, and the page's address (given by the caller) its `url`.

Extraction takes time in proportion to the page's elements (trafilatura's metadata, date, content
and fallback passes each walk the whole tree: 0.2-0.5 ms an element in all), not to its bytes: a
megabyte of inline script costs 0.04 s, a megabyte of small `<div>`s 20 s (generated pages; the
pages of CleanEval dev and trafilatura's English set have 5,516 elements at most). So the parts with
no text and many elements (SVG drawings) or much data (styles, inline images) are dropped from the
tree first, and a page with more than `Settings.max_elements` elements left is refused (E019).
Extraction also stops at `Settings.time_limit` (E106), since text-heavy elements cost more: the
limit, not the count, is what bounds the time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.xml import xmltotxt

from ..article import Article
from ..errors import Errors, InputError
from ..limits import TimeLimitExceeded, time_limit
from ..settings import Settings
from .text import decode, one_line

# trafilatura logs every page it finds no text in; the failed Article already says so.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]+)*$", re.IGNORECASE)
# Readers' comments are kept after the text when they are at least this share of its length: on a
# discussion page (a blog post with its thread, a forum) they are content, while a few comments,
# a comment form or house rules under a long article are not. Tuned on 2026-11-29 on CleanEval dev
# (two blog threads, 1.7 and 4 times their post, are in the gold text) and trafilatura's English
# eval set (the comments of pages below the share held 5 of its unwanted snippets and no wanted
# one; above it they held one wanted snippet); any share from 0.4 to 0.6 scores the same.
COMMENTS_SHARE = 0.5

_LOOKS_LIKE_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p|h[1-6]|!--)[\s>/]", re.IGNORECASE
)


# Elements with no article text, dropped before extraction. trafilatura drops them as well before it
# looks for the text, but its metadata, date and fallback passes walk them first (inline SVG icons
# come by the thousand). Every page of CleanEval dev and trafilatura's English eval set gives the
# same text, title, author, date and language with them and without them (measured on 2026-12-03).
# Not scripts (one element each, so cheap): a date in one is read, rightly or not (a Reddit page of
# the eval set); not <noscript>: a Blogger page of the set has its whole article in one.
BULK_TAGS = ("svg", "math", "style")
# An attribute this long that holds inline data (an image in base64) is dropped: no text is in it.
_DATA_URI_LENGTH = 1024
# libxml2 refuses a text node over 10,000,000 bytes and drops the rest of the page with it (the
# parser trafilatura uses has no `huge_tree`). A script or style that big is a bundle, never text
# or metadata: its content is cut before parsing. In characters, so 4-byte UTF-8 stays under.
GIANT_RAW_TEXT = 2_000_000
_RAW_TEXT_OPEN = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """What a page yields: its main text and the metadata found in its markup."""

    text: str
    title: str | None
    author: str | None
    date: str | None
    language: str | None


def looks_like_html(data: bytes) -> bool:
    """Whether a document of unknown kind (standard input) is HTML: it opens with an HTML tag."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and _LOOKS_LIKE_HTML.search(head) is not None


def decode_html(data: bytes, source: str, charset: str | None = None, *, exact: bool = False) -> str:
    """Decode a page: UTF-8 first, then the charset it declares (HTTP header or meta), then a guess."""
    if charset is None:
        match = _META_CHARSET.search(data[:4096])
        charset = match.group(1).decode("ascii") if match else None
    return decode(data, source, declared=charset, exact=exact)


# htmldate without its extensive search: the page's metadata and markup give the date, or there is
# none. The extensive search falls back to dateparser on a malformed date ("2023-0+4-12"), which
# costs 10 s on first use in a process and then guesses wrong (found by fuzzing).
_DATE_PARAMS = trafilatura.settings.set_date_params(extensive=False)


def extract(markup: str, source: str, url: str | None = None, *, max_elements: int | None = None) -> Page:
    """The main text and metadata of a page; InputError when there is no page or no text in it, or
    when it has more than `max_elements` elements once SVG drawings and styles are dropped."""
    tree = trafilatura.load_html(cut_giant_raw_text(markup))
    if tree is None:
        # trafilatura refuses fragments ("<p>x</p>" alone); a wrapped fragment is a page.
        tree = trafilatura.load_html(f"<html><body>{markup}</body></html>")
    if tree is None:
        raise InputError(Errors.E010, input=source, reason="the markup cannot be parsed as HTML")
    drop_bulk(tree)
    if max_elements is not None:
        count = sum(1 for _ in tree.iter(etree.Element))
        if count > max_elements:
            raise InputError(Errors.E019, input=source, count=count, limit=max_elements)
    language = _language(tree)
    try:
        # Comments on: trafilatura then sets the comments it recognises apart, where with comments
        # off it prunes every comment-like container first, the posts of a thread it does not
        # recognise included (CleanEval dev; the cost on trafilatura's set: one page's house rules).
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=True,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # trafilatura is third-party code: one bad page must not stop a batch
        raise InputError(Errors.E010, input=source, reason=one_line(f"{type(exc).__name__}: {exc}")) from exc
    blocks = _blocks(getattr(doc, "body", None))
    comments = _blocks(getattr(doc, "commentsbody", None))
    if comments and sum(map(len, comments)) >= COMMENTS_SHARE * sum(map(len, blocks)):
        blocks += comments
    text = "\n\n".join(blocks)
    if not text:
        raise InputError(Errors.E007, input=source, reason="trafilatura found no main text in the page")
    return Page(
        text=text,
        title=_str(getattr(doc, "title", None)),
        author=_str(getattr(doc, "author", None)),
        date=_str(getattr(doc, "date", None)),
        language=language,
    )


def read_html(
    markup: bytes | str,
    *,
    source: str,
    settings: Settings,
    title: str | None = None,
    published: str | None = None,
    language: str | None = None,
    url: str | None = None,
    charset: str | None = None,
) -> Article:
    """One Article from a page; metadata given by the caller wins over what the page says.

    With `settings.as_is` the page is not extracted: its decoded markup is the text.
    """
    html = decode_html(markup, source, charset, exact=settings.as_is) if isinstance(markup, bytes) else markup
    if not html.strip() and not (settings.as_is and html):
        raise InputError(Errors.E002, input=source)
    if settings.as_is:
        return Article.from_raw(
            html, source=source, title=title, published=settings.published or published, as_is=True, url=url
        )
    try:
        with time_limit(settings.time_limit):
            page = extract(html, source, url, max_elements=settings.max_elements)
    except TimeLimitExceeded:
        raise InputError(
            Errors.E106, input=source, limit=settings.time_limit, stage="HTML extraction"
        ) from None
    return Article.from_raw(
        page.text,
        source=source,
        title=title or page.title,
        published=settings.published or published or page.date,
        language=language or page.language,
        url=url,
        author=page.author,
    )


def cut_giant_raw_text(markup: str) -> str:
    """`markup` with the content of every script or style longer than GIANT_RAW_TEXT characters
    cut out (a page without one is returned as it is, after one scan)."""
    if len(markup) <= GIANT_RAW_TEXT:
        return markup
    lowered = markup.lower()
    pieces: list[str] = []
    kept = 0
    for opening in _RAW_TEXT_OPEN.finditer(markup):
        if opening.start() < kept:
            continue  # inside a script already cut
        start = opening.end()
        end = lowered.find(f"</{opening.group(1).lower()}", start)
        end = len(markup) if end < 0 else end
        if end - start > GIANT_RAW_TEXT:
            pieces.append(markup[kept:start])
            kept = end
    return "".join(pieces) + markup[kept:] if pieces else markup


def drop_bulk(tree: Any) -> None:
    """Drop the elements and attributes of a page that hold no text (BULK_TAGS, inline data),
    keeping the text that follows each dropped element."""
    etree.strip_elements(tree, *BULK_TAGS, with_tail=False)
    for element in tree.iter(etree.Element):
        for name, value in element.items():
            if len(value) >= _DATA_URI_LENGTH and value.lstrip()[:5].lower() == "data:":
                del element.attrib[name]


def _blocks(body: Any) -> list[str]:
    """The text of each block (paragraph, heading, list, table) of an extracted body, empty ones out."""
    if body is None:
        return []
    return [text for text in (xmltotxt(child, False).strip() for child in body) if text]


def _language(tree: Any) -> str | None:
    """The language the page declares (`<html lang>`, else Content-Language), as a bare code."""
    declared = tree.get("lang") or tree.get("xml:lang")
    if not declared:
        metas = tree.xpath(
            '//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")="content-language"]'
        )
        declared = metas[0].get("content") if metas else None
    match = _LANG.match((declared or "").strip())
    return match.group(1).lower() if match else None


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
