"""`python -m newsgraph.scale PATH... [--db DB | --parquet DIR] [--workers N] [--scheduler ADDR]`.

A thin command over `ingest_parallel`, with the options `newsgraph ingest` takes for a parallel run.
Exit status: 0, or 1 when any input failed, or 2 for a bad option or an unusable store/cluster.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import NewsgraphError
from ..settings import Settings
from .partitions import DEFAULT_TARGET_BYTES
from .runner import ingest_parallel


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m newsgraph.scale", description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", metavar="PATH", help="files, directories, JSON Lines, WARC, URLs")
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--db", metavar="PATH|URL", help="the store (default $NEWSGRAPH_DB or ./newsgraph.db)")
    out.add_argument("--parquet", metavar="DIR", help="write one Parquet file per partition here instead")
    ap.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    ap.add_argument("--scheduler", metavar="ADDR", help="use a running Dask cluster, e.g. tcp://host:8786")
    ap.add_argument(
        "--partition-mb",
        type=float,
        default=DEFAULT_TARGET_BYTES / 2**20,
        metavar="MB",
        help="input megabytes a partition (default %(default)s)",
    )
    ap.add_argument("--commit-every", type=int, default=50, metavar="N", help="articles a transaction (50)")
    ap.add_argument("--batch-size", type=int, default=32, metavar="N", help="articles per spaCy batch (32)")
    ap.add_argument("--published", metavar="YYYY-MM-DD", help="publication date (overrides the input's)")
    ap.add_argument("--model", metavar="NAME", help="spaCy pipeline to use (also $NEWSGRAPH_SPACY_MODEL)")
    ap.add_argument("--no-progress", action="store_true", help="no progress lines on standard error")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings(published=args.published, model=args.model, batch_size=args.batch_size)
        summary = ingest_parallel(
            args.paths,
            settings,
            db=args.db,
            parquet=args.parquet,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.no_progress,
            target_bytes=max(1, int(args.partition_mb * 2**20)),
            commit_every=args.commit_every,
        )
    except NewsgraphError as exc:
        print(f"newsgraph: {exc}", file=sys.stderr)
        return 2
    for failure in summary.failed:
        print(f"newsgraph: {failure.reason}", file=sys.stderr)
    print(summary.text())
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
