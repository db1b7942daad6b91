"""The pipeline at scale: the same analysis on a Dask cluster, streamed in partitions, resumable.

    from newsgraph.scale import ingest_parallel, load_parquet
    summary = ingest_parallel(["crawl/"], Settings(), db="newsgraph.db", workers=8)
    print(summary.text())
    load_parquet("out/", db="postgresql://user@host/news")   # a Parquet output (ingest --parquet)

See runner.py for the client, work.py for what each worker does, partitions.py for how inputs
are split, load.py for loading a Parquet output into a store. Needs the `scale` extra
(dask[distributed]); Parquet output needs pyarrow.
"""

from __future__ import annotations

from .load import load_parquet
from .partitions import DEFAULT_TARGET_BYTES, Partition, Plan, plan_partitions
from .progress import Progress, Summary
from .runner import Manifest, default_workers, ingest_parallel
from .work import Outcome, analyse_partition, read_parquet_records, read_partition

__all__ = [
    "DEFAULT_TARGET_BYTES",
    "Manifest",
    "Outcome",
    "Partition",
    "Plan",
    "Progress",
    "Summary",
    "analyse_partition",
    "default_workers",
    "ingest_parallel",
    "load_parquet",
    "plan_partitions",
    "read_parquet_records",
    "read_partition",
]
