"""Feed reader: one Article per item of an RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 feed.

Which text an item gives (the rule):
1. the first of its content (RSS `content:encoded`, Atom `content`) and its description (RSS
   `description`, Atom `summary`) that holds at least `MIN_CONTENT_WORDS` words is the article,
   read as HTML (Atom `type="text"`: as plain text) with the item's title, link and date;
2. otherwise its linked page is fetched (politely, through `fetch.Fetcher`) and read like any
   page, the item's title and date winning over the page's;
3. an item with no link, or when `settings.follow_links` is off, falls back to the longer of its
   content and description, however short;
4. an item with neither content nor a link fails alone (E007); the other items go on.

Source ids: item N of a feed (counting from 1 in document order, failed items included) is
`FEED#N`, FEED being the feed's path or URL as given, like the JSON Lines reader's `PATH:N`.
The id is stable for one feed document; a feed that gains items renumbers them, the item's link
stays the way to match items across fetches.

Dates (RSS `pubDate`, `dc:date`, Atom `published`, else `updated`) become YYYY-MM-DD. Relative
links resolve against `xml:base` and the feed's URL.

The XML parser is hardened: no network, no DTD loading, no entity expansion, no huge trees; a
feed that declares entities is refused, a billion-laughs feed fails in milliseconds.
"""

from __future__ import annotations

import html as html_escape
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from ..article import Article
from ..errors import Errors, InputError
from ..settings import Settings
from .fetch import Fetcher, read_page, url_scheme
from .html import read_html
from .jsonl import iso_date
from .text import failed, one_line

MIN_CONTENT_WORDS = 80  # a description this long is the article itself, not a teaser of it

ATOM = "http://www.w3.org/2005/Atom"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1 = "http://purl.org/rss/1.0/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|h[1-6]|li|blockquote|tr|table|ul|ol|pre)\s*>", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ENTITIES = "it declares XML entities, which newsgraph never expands: a guard against billion laughs"
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]+)*$", re.IGNORECASE)


@dataclass(frozen=True)
class Text:
    """A piece of an item's text and how to read it."""

    value: str
    is_html: bool

    @property
    def words(self) -> int:
        return len(self.plain().split())

    def plain(self) -> str:
        """The text without markup: paragraphs on lines of their own, entities decoded."""
        if not self.is_html:
            return self.value.strip()
        text = html_escape.unescape(_TAG.sub(" ", _BLOCK_END.sub("\n\n", self.value)))
        lines = (" ".join(line.split()) for line in text.splitlines())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Item:
    """What a feed says about one article."""

    title: str | None
    link: str | None
    published: str | None
    language: str | None
    content: Text | None
    description: Text | None


def parse_feed(data: bytes, source: str, base_url: str | None = None) -> list[Item]:
    """The items of a feed, in document order; InputError (E002, E017) when it is no readable feed."""
    if not data.strip():
        raise InputError(Errors.E002, input=source)
    root_at = _FIRST_ELEMENT.search(data)
    if b"<!ENTITY" in data[: root_at.start() if root_at else len(data)]:
        raise InputError(Errors.E017, input=source, reason=_ENTITIES)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc)
        if "amplification" in message:
            raise InputError(Errors.E017, input=source, reason=_ENTITIES) from exc
        raise InputError(
            Errors.E017, input=source, reason=f"not well-formed XML: {one_line(message)}"
        ) from exc
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(Errors.E017, input=source, reason=_ENTITIES)
    tag = etree.QName(root)
    base = _base(root, base_url)
    language = _language(root)
    if tag.localname == "rss" and not tag.namespace:
        channel = root.find("channel")
        nodes = list(channel.iterfind("item")) if channel is not None else []
        if channel is not None:
            language = _language(channel) or _code(_child_text(channel, "language")) or language
        items = [_rss_item(node, base, language) for node in nodes]
    elif tag.localname == "RDF" and tag.namespace == RDF:
        channel = root.find(f"{{{RSS1}}}channel")
        if channel is not None:
            language = _code(_child_text(channel, f"{{{DC}}}language")) or language
        nodes = [
            child for child in root if isinstance(child.tag, str) and etree.QName(child).localname == "item"
        ]
        items = [_rss_item(node, base, language) for node in nodes]
    elif tag.localname == "feed" and tag.namespace == ATOM:
        items = [_atom_entry(node, base, language) for node in root.iterfind(f"{{{ATOM}}}entry")]
    else:
        name = f"{{{tag.namespace}}}{tag.localname}" if tag.namespace else tag.localname
        raise InputError(Errors.E017, input=source, reason=f"XML whose root element is <{name}>, not a feed")
    if not items:
        raise InputError(Errors.E017, input=source, reason="the feed has no items")
    return items


def iter_feed(
    data: bytes,
    source: str,
    settings: Settings,
    *,
    base_url: str | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[Article]:
    """One Article per item of a feed (see the module's rule); a bad item fails alone.

    InputError before the first Article when the feed itself cannot be read.
    """
    items = parse_feed(data, source, base_url)
    fetcher = fetcher or Fetcher(settings)  # makes no request until an item needs its page
    for number, item in enumerate(items, start=1):
        where = f"{source}#{number}"
        try:
            yield _read_item(item, where, settings, fetcher)
        except InputError as exc:
            yield failed(where, exc)


def _full_text(item: Item) -> Text | None:
    for text in (item.content, item.description):
        if text is not None and text.words >= MIN_CONTENT_WORDS:
            return text
    return None


def _read_item(item: Item, where: str, settings: Settings, fetcher: Fetcher) -> Article:
    text = _full_text(item)
    if text is None and item.link is not None and settings.follow_links:
        response = fetcher.fetch(item.link, label=f"{where} ({item.link})")
        return read_page(
            response,
            source=where,
            settings=settings,
            title=item.title,
            published=item.published,
            language=item.language,
        )
    if text is None:
        present = [t for t in (item.content, item.description) if t is not None and t.value.strip()]
        if not present:
            reason = "the item has no content" + (
                " and following links is off" if item.link else " and no link to its page"
            )
            raise InputError(Errors.E007, input=where, reason=reason)
        text = max(present, key=lambda t: t.words)
    if text.is_html and not settings.as_is:
        try:
            return read_html(
                text.value,
                source=where,
                settings=settings,
                title=item.title,
                published=item.published,
                language=item.language,
                url=item.link,
            )
        except InputError as exc:
            # trafilatura reads pages: a one-line teaser without markup is no page to it.
            if exc.code != "E007":
                raise
    plain = text.value if settings.as_is else text.plain()
    if not plain.strip():
        raise InputError(Errors.E002, input=where)
    return Article.from_raw(
        plain,
        source=where,
        title=item.title,
        published=settings.published or item.published,
        language=item.language,
        as_is=settings.as_is,
    )


def _rss_item(node: etree._Element, base: str | None, language: str | None) -> Item:
    """An item of RSS 2.0 (no namespace) or RSS 1.0 (the RSS 1.0 namespace)."""
    ns = etree.QName(node).namespace
    name = (lambda local: f"{{{ns}}}{local}") if ns else (lambda local: local)
    base = _base(node, base)
    link = _child_text(node, name("link"))
    if link is None and not ns:
        guid = node.find("guid")
        permalink = guid is not None and (guid.get("isPermaLink") or "true").strip().lower() == "true"
        if permalink and guid is not None:
            link = _text(guid)
    content = _child_text(node, f"{{{CONTENT}}}encoded")
    description = _child_text(node, name("description"))
    date = _child_text(node, "pubDate") if not ns else None
    return Item(
        title=_plain(_child_text(node, name("title"))),
        link=_absolute(link, base),
        published=iso_date(date) or iso_date(_child_text(node, f"{{{DC}}}date")),
        language=_language(node) or language,
        content=Text(content, True) if content else None,
        description=Text(description, True) if description else None,
    )


def _atom_entry(node: etree._Element, base: str | None, language: str | None) -> Item:
    base = _base(node, base)
    link = None
    for candidate in node.iterfind(f"{{{ATOM}}}link"):
        if (candidate.get("rel") or "alternate").strip() == "alternate" and candidate.get("href"):
            link = candidate.get("href")
            break
    content_node = node.find(f"{{{ATOM}}}content")
    content = _atom_text(content_node)
    if content_node is not None and content_node.get("src") and link is None:
        link = content_node.get("src")  # out-of-line content: its page is the article
    title = _atom_text(node.find(f"{{{ATOM}}}title"))
    published = _child_text(node, f"{{{ATOM}}}published") or _child_text(node, f"{{{ATOM}}}updated")
    return Item(
        title=_plain(title.value) if title and title.is_html else (title.value.strip() if title else None),
        link=_absolute(link, base),
        published=iso_date(published),
        language=_language(node) or _language(content_node) or language,
        content=content,
        description=_atom_text(node.find(f"{{{ATOM}}}summary")),
    )


def _atom_text(node: etree._Element | None) -> Text | None:
    """An Atom text construct (title, summary, content): text, html, or xhtml (its inner div)."""
    if node is None or node.get("src"):
        return None
    kind = (node.get("type") or "text").strip().lower()
    if kind == "xhtml":
        parts = [etree.tostring(child, encoding="unicode", with_tail=True) for child in node]
        markup = (node.text or "") + "".join(parts)
        # Drop the XHTML namespace declarations lxml writes onto each element.
        markup = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", markup)
        return Text(markup, True) if markup.strip() else None
    value = _text(node)
    if value is None:
        return None
    return Text(
        value, kind in ("html", "text/html") or kind.endswith("+xml") or kind == "application/xhtml+xml"
    )


def _child_text(node: etree._Element, tag: str) -> str | None:
    child = node.find(tag)
    return _text(child) if child is not None else None


def _text(node: etree._Element) -> str | None:
    value = "".join(node.itertext()) if len(node) else (node.text or "")
    return value.strip() or None


def _plain(value: str | None) -> str | None:
    """A title as plain text: feeds often put escaped markup and entities in titles."""
    if value is None:
        return None
    return " ".join(html_escape.unescape(_TAG.sub(" ", value)).split()) or None


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if url_scheme(link) is None and base:
        return _join(base, link) or link  # left relative, the fetch refuses it with a clear line
    return link


def _base(node: etree._Element, base: str | None) -> str | None:
    declared = str(node.get(_XML_BASE) or "").strip()
    if not declared:
        return base
    return (_join(base, declared) or base) if base else declared


def _join(base: str, link: str) -> str | None:
    """`link` resolved against `base`, or None when either is no URL a parser reads ("http://[::1")."""
    try:
        return urljoin(base, link)
    except ValueError:
        return None


def _language(node: etree._Element | None) -> str | None:
    return _code(node.get(_XML_LANG)) if node is not None else None


def _code(declared: str | None) -> str | None:
    match = _LANG.match((declared or "").strip())
    return match.group(1).lower() if match else None
