"""Export the store: JSON Lines (the full records), CSV and Parquet (one row per article)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Errors, StoreError
from .core import Store
from .models import Filters

FORMATS = ("jsonl", "csv", "parquet")
# Columns of CSV and Parquet rows; the Parquet file also carries the full record as JSON.
COLUMNS = ("id", "title", "published", "source", "language", "entities", "quotes", "places", "claims", "text")
PARQUET_BATCH = 500


def export(store: Store, fmt: str, out: str | Path, filters: Filters | None = None) -> int:
    """Write the records matching `filters` to `out`; return how many were written."""
    if fmt not in FORMATS:
        raise StoreError(Errors.E311, option="format", value=fmt, reason=", ".join(FORMATS))
    if fmt == "parquet":
        try:
            import pyarrow  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
        except ImportError as exc:
            raise StoreError(Errors.E306) from exc
    path = Path(out)
    filters = filters or Filters()
    try:
        if fmt == "jsonl":
            return _jsonl(store, path, filters)
        if fmt == "csv":
            return _csv(store, path, filters)
        return _parquet(store, path, filters)
    except OSError as exc:
        raise StoreError(Errors.E309, output=str(out), reason=exc.strerror or str(exc)) from exc


def _rows(store: Store, filters: Filters) -> Iterator[tuple[dict[str, Any], str]]:
    for article in store.iter_articles(filters):
        record = article.to_dict()
        row = {
            "id": article.id,
            "title": article.title,
            "published": article.published,
            "source": article.source,
            "language": article.language,
            "entities": len(article.entities),
            "quotes": len(article.quotes),
            "places": len(article.places),
            "claims": len(article.claims),
            "text": article.text,
        }
        yield row, json.dumps(record, ensure_ascii=False)


def _jsonl(store: Store, path: Path, filters: Filters) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as f:
        for _, record in _rows(store, filters):
            f.write(record + "\n")
            count += 1
    return count


def _csv(store: Store, path: Path, filters: Filters) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for row, _ in _rows(store, filters):
            writer.writerow(row)
            count += 1
    return count


def _parquet(store: Store, path: Path, filters: Filters) -> int:
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]

    schema = pa.schema(
        [
            ("id", pa.string()),
            ("title", pa.string()),
            ("published", pa.string()),
            ("source", pa.string()),
            ("language", pa.string()),
            ("entities", pa.int32()),
            ("quotes", pa.int32()),
            ("places", pa.int32()),
            ("claims", pa.int32()),
            ("text", pa.string()),
            ("record", pa.string()),
        ]
    )
    count = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(str(path), schema) as writer:
        for row, record in _rows(store, filters):
            batch.append({**row, "record": record})
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
