"""Writing one analysed article into the store: the record, its copy, its story, every annotation.

Called inside a transaction: the article is stored with all its annotations or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..article import Article
from ..dedup import NUM_PERM, THRESHOLD, shingles
from . import registry
from .db import Database

Verdict = Literal["new", "exact", "near"]
FTS_INSERT = "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)"

# LSH bands for the dedup threshold, as datasketch chooses them (b bands of r rows).
_LSH = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
BANDS, ROWS = int(_LSH.b), int(_LSH.r)
# The permutations of dedup.minhash (seed 1), made once: making them costs more than hashing a text.
_PROTOTYPE = MinHash(num_perm=NUM_PERM)


def signature_of(text: str) -> np.ndarray[Any, Any]:
    """The MinHash signature of a text, equal to `dedup.minhash(text).hashvalues`."""
    m = MinHash(num_perm=NUM_PERM, permutations=_PROTOTYPE.permutations, scheme=_PROTOTYPE.scheme)
    m.update_batch(list(shingles(text)))
    return np.asarray(m.hashvalues, dtype=np.uint64)


@dataclass(frozen=True)
class Origin:
    """What the reader gave before analysis: enough to analyse the input again (`reprocess`)."""

    source: str
    title: str | None
    published: str | None
    language: str | None
    as_is: bool

    @classmethod
    def of(cls, article: Article) -> Origin:
        return cls(article.source, article.title, article.published, article.language, article.as_is)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Origin:
        data = json.loads(text)
        return cls(data["source"], data["title"], data["published"], data["language"], bool(data["as_is"]))


def restored(record: dict[str, Any], raw: str) -> Article:
    """An analysed record read back (from a Parquet output) with the raw input it was made from,
    which the record itself does not carry: the store keeps it (for `reprocess`) and knows the
    input by its hash. Raises ValueError (pydantic's ValidationError) for a record that is not one."""
    article = Article.model_validate(record)
    article._raw = raw  # what the reader set on the original Article, never serialised
    return article


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def raw_sha(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def outlet(source: str) -> str:
    """The outlet of a source: a URL's host without `www.`, else "local"."""
    if source.startswith(("http://", "https://")):
        host = urlsplit(source).hostname or ""
        return host.removeprefix("www.") or "local"
    return "local"


def url_of(source: str) -> str | None:
    return source if source.startswith(("http://", "https://")) else None


def add_copy(db: Database, article_id: str, source: str, sha: str) -> bool:
    """Record a sighting; False when this source was already recorded for the article."""
    row = db.one(
        "INSERT INTO copies (article_id, source, url, raw_sha, seen) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING article_id",
        (article_id, source, url_of(source), sha, now()),
    )
    return row is not None


def bands(signature: np.ndarray[Any, Any]) -> list[str]:
    return [
        f"{i}:" + hashlib.blake2b(signature[i * ROWS : (i + 1) * ROWS].tobytes(), digest_size=8).hexdigest()
        for i in range(BANDS)
    ]


def find_story(db: Database, signature: np.ndarray[Any, Any], keys: list[str]) -> tuple[str, float] | None:
    """The story of the most similar stored article above the threshold, and the similarity.

    Of equally similar articles the earliest stored wins, on either database (without an order,
    PostgreSQL and SQLite would list them differently and put one article in different stories)."""
    marks = ",".join("?" * len(keys))
    rows = db.all(
        f"SELECT a.story, a.signature FROM articles a WHERE a.id IN "
        f"(SELECT DISTINCT article_id FROM story_bands WHERE band IN ({marks})) ORDER BY a.n",
        keys,
    )
    best: tuple[str, float] | None = None
    for story, blob in rows:
        if blob is None:
            continue
        other = np.frombuffer(bytes(blob), dtype=np.uint64)
        similarity = float(np.count_nonzero(other == signature)) / len(signature)
        if similarity >= THRESHOLD and (best is None or similarity > best[1]):
            best = (str(story), similarity)
    return best


def store_article(
    db: Database,
    article: Article,
    origin: Origin,
    *,
    copy_source: str | None = None,
    fts_rows: list[tuple[int, str | None, str]] | None = None,
) -> Verdict:
    """Store one analysed article (inside the caller's transaction); say whether it was new.

    `fts_rows`: collect the article's SQLite full-text row there instead of writing it now (the
    caller writes them all before its transaction ends: `store_batch`)."""
    source = copy_source or article.source
    sha = raw_sha(article.raw or article.text)
    if db.scalar("SELECT count(*) FROM articles WHERE id = ?", (article.id,)):
        add_copy(db, article.id, source, sha)
        return "exact"
    signature = signature_of(article.text)
    keys = bands(signature) if article.text.strip() else []
    found = find_story(db, signature, keys) if keys else None
    story = found[0] if found else article.id
    record = article.to_dict()
    text = record.pop("text")
    row = db.one(
        "INSERT INTO articles (id, title, published, language, source, outlet, story, text, record, raw, "
        "origin, stages, signature, n_quotes, n_entities, ingested) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING RETURNING n",
        (
            article.id,
            article.title,
            article.published,
            article.language,
            article.source,
            outlet(article.source),
            story,
            text,
            json.dumps(record, ensure_ascii=False),
            article.raw,
            origin.to_json(),
            json.dumps(article.stages),
            signature.tobytes(),
            len(article.quotes),
            len(article.entities),
            now(),
        ),
    )
    if row is None:  # another writer stored it a moment ago
        add_copy(db, article.id, source, sha)
        return "exact"
    if db.dialect == "sqlite":
        if fts_rows is None:
            db.execute(FTS_INSERT, (row[0], article.title, text))
        else:
            fts_rows.append((int(row[0]), article.title, text))
    add_copy(db, article.id, source, sha)
    if found is None:  # only the first article of a story is a candidate for later ones (as in dedup.py)
        db.executemany(
            "INSERT INTO story_bands (band, article_id) VALUES (?, ?)", [(k, article.id) for k in keys]
        )
    _store_annotations(db, article)
    return "near" if found else "new"


def store_batch(db: Database, items: Sequence[tuple[Article, Origin]]) -> list[Verdict]:
    """Store many analysed articles inside the caller's one transaction (the bulk path): as
    `store_article` each, with the full-text rows written together at the end, through one
    prepared statement. All of them are stored, or (the transaction rolled back) none."""
    fts_rows: list[tuple[int, str | None, str]] = []
    verdicts = [store_article(db, article, origin, fts_rows=fts_rows) for article, origin in items]
    db.executemany(FTS_INSERT, fts_rows)
    return verdicts


def delete_article(db: Database, article_id: str) -> None:
    """Remove an article and everything hanging from it (inside the caller's transaction)."""
    if db.dialect == "sqlite":
        row = db.one("SELECT n, title, text FROM articles WHERE id = ?", (article_id,))
        if row is not None:
            db.execute(
                "INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)", row
            )
    for table in (
        "copies",
        "story_bands",
        "mentions",
        "roles",
        "place_mentions",
        "quotes",
        "dates",
        "claims",
        "events",
        "predictions",
    ):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    db.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def registry_keys(items: list[tuple[str, str, list[str]]]) -> set[str]:
    """The registry keys (group and name skeleton) that resolving these entities reads."""
    return {
        f"{registry.group(entity_type)}:{key}"
        for name, entity_type, aliases in items
        for key in (registry.skel(n) for n in [name, *aliases] if n and n.strip())
        if key
    }


def _store_annotations(db: Database, article: Article) -> None:
    aid, published = article.id, article.published
    local: dict[str, int] = {}
    mention_rows: list[tuple[str, str, int, str, str, int]] = []
    role_rows: list[tuple[str, int, str, str | None, str | None]] = []
    items = [
        (e.name, e.type, [*e.aliases, *(m.text for m in e.mentions if m.text[:1].isupper())])
        for e in article.entities
    ]
    # Another writer may be creating the same person right now: the registry rows an entity can
    # match all share the skeleton of one of its names, so these locks cover every candidate.
    db.lock(registry_keys(items))
    resolved = registry.resolve_all(db, items)
    for entity, entity_id in zip(article.entities, resolved, strict=True):
        local[entity.id] = entity_id
        mention_rows.append((aid, entity.id, entity_id, entity.name, entity.type, len(entity.mentions)))
        role_rows.extend((aid, entity_id, r.role, r.of, published) for r in entity.roles)
    db.executemany(
        "INSERT INTO mentions (article_id, local_id, entity_id, name, type, count) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        mention_rows,
    )
    db.executemany(
        "INSERT INTO roles (article_id, entity_id, role, role_of, date) VALUES (?, ?, ?, ?, ?)", role_rows
    )
    place_ids: dict[int, int] = {}
    place_rows = []
    for i, place in enumerate(article.places):
        key = registry.place_key(place.geonames_id, place.name, place.country)
        pid = db.scalar("SELECT id FROM places WHERE key = ?", (key,))
        if pid is None:
            db.execute(
                "INSERT INTO places (key, name, folded, skel, kind, country, lat, lon, geonames_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    key,
                    place.name,
                    registry.folded(place.name),
                    registry.skel(place.name),
                    place.kind,
                    place.country,
                    place.lat,
                    place.lon,
                    place.geonames_id,
                ),
            )
            pid = db.scalar("SELECT id FROM places WHERE key = ?", (key,))
        place_ids[i] = int(pid)
        place_rows.append((aid, i, int(pid), place.text, place.start, place.end))
    db.executemany(
        "INSERT INTO place_mentions (article_id, idx, place_id, text, start_at, end_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        place_rows,
    )
    quote_rows = []
    for q in article.quotes:
        sp = q.speaker
        written = None
        if sp is not None and sp.start is not None and sp.end is not None:
            written = article.text[sp.start : sp.end] or None
        quote_rows.append(
            (
                aid,
                q.id,
                q.text,
                q.kind,
                q.start,
                q.end,
                written,
                sp.name if sp else None,
                sp.entity if sp else None,
                local.get(sp.entity) if sp and sp.entity else None,
                published,
            )
        )
    db.executemany(
        "INSERT INTO quotes (article_id, local_id, text, kind, start_at, end_at, speaker_text, speaker_name, "
        "speaker_local, entity_id, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        quote_rows,
    )
    db.executemany(
        "INSERT INTO dates (article_id, idx, text, value, end_value, relation) VALUES (?, ?, ?, ?, ?, ?)",
        [(aid, i, d.text, d.value, d.end_value, d.relation) for i, d in enumerate(article.dates)],
    )

    def date_value(index: int | None) -> str | None:
        if index is None or not 0 <= index < len(article.dates):
            return None
        return article.dates[index].value

    def place_id(index: int | None) -> int | None:
        return place_ids.get(index) if index is not None else None

    db.executemany(
        "INSERT INTO claims (article_id, local_id, text, value, qualifier, unit, subject, place_id, "
        "date_value, quote_local, entity_id, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [
            (
                aid,
                c.id,
                c.text,
                float(c.value) if c.value is not None else None,
                c.qualifier,
                c.unit,
                c.subject,
                place_id(c.place),
                date_value(c.date),
                c.quote,
                local.get(c.source_entity) if c.source_entity else None,
                published,
            )
            for c in article.claims
        ],
    )
    names = {e.id: e.name for e in article.entities}
    db.executemany(
        "INSERT INTO events (article_id, local_id, type, text, place_id, date_value, participants, "
        "published) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (
                aid,
                v.id,
                v.type,
                v.text,
                place_id(v.place),
                date_value(v.date),
                json.dumps([[local.get(p), names.get(p, p)] for p in v.participants], ensure_ascii=False),
                published,
            )
            for v in article.events
        ],
    )
    db.executemany(
        "INSERT INTO predictions (article_id, local_id, text, stance, about, entity_id, published) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (aid, p.id, p.text, p.stance, p.about, local.get(p.speaker) if p.speaker else None, published)
            for p in article.predictions
        ],
    )
