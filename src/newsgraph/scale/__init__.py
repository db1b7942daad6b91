"""The pipeline at scale: the same analysis on a Dask cluster, streamed in partitions, resumable.

    from newsgraph.scale import ingest_parallel
    summary = ingest_parallel(["crawl/"], Settings(), db="newsgraph.db", workers=8)
    print(summary.text())

See runner.py for the client, work.py for what each worker does, partitions.py for how inputs
are split. Needs the `scale` extra (dask[distributed]); Parquet output needs pyarrow.
"""

from __future__ import annotations

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
    "plan_partitions",
    "read_parquet_records",
    "read_partition",
]
