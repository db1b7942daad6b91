"""The command line: thin commands over the library."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from . import __version__
from .api import analyze_articles, analyze_paths, example_articles, example_paths
from .article import Article, json_schema
from .errors import Errors, NewsgraphError, StoreError
from .pipeline import DEFAULT_STAGES, REGISTRY, get_stage
from .report import render_text
from .settings import Settings
from .store import Filters, IngestReport, Page, Paged, Store, as_dict, default_location, open_store
from .store.db import database_errors
from .store.export import export
from .store.ledgers import DEFAULT_WINDOW_DAYS
from .store.runner import ingest_paths, reprocess

EXIT_OK, EXIT_FAILED_INPUT, EXIT_USAGE = 0, 1, 2
EXIT_NOT_FOUND = 1
HELP_WIDTH = 100  # fixed, so the reference in the README is the same on every terminal


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, width=HELP_WIDTH, max_help_position=32)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsgraph",
        formatter_class=_formatter,
        description="Turn raw news articles into a sourced record of who said what, about whom, where "
        "and when.",
    )
    parser.add_argument("--version", action="version", version=f"newsgraph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add_command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return commands.add_parser(name, formatter_class=_formatter, **kwargs)

    analyze = add_command(
        "analyze",
        help="analyse articles and print their records",
        description=(
            "Analyse articles and print one record each (the newsgraph.article/1 contract). "
            "PATH is a file (.txt, .html/.htm, .json/.jsonl, .warc/.warc.gz, .rss/.atom/.xml feeds), a "
            "directory, an http(s):// URL, or - for standard input. A bad input yields a record with "
            "`error` set; the others are still processed, and the exit status is 1 at the end."
        ),
    )
    analyze.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories, URLs, or - for standard input"
    )
    analyze.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text: a report for a person (default); json: the record, indented (several records: "
        "one per line); jsonl: one record per line",
    )
    _option(analyze, "--as-is", "the input is already clean plain text: no cleaning, text kept exactly")
    _option(
        analyze,
        "--published",
        "publication date, the anchor for relative dates (overrides what the input says)",
    )
    _option(
        analyze, "--model", "spaCy pipeline to use, by package name or path (also $NEWSGRAPH_SPACY_MODEL)"
    )
    analyze.add_argument(
        "--stages",
        metavar="LIST",
        help=f"comma-separated stages to run, in order (default: {','.join(DEFAULT_STAGES)})",
    )
    _option(analyze, "--batch-size")
    _option(analyze, "--max-bytes")
    _option(analyze, "--max-elements")
    _option(analyze, "--time-limit")
    _fetch_options(analyze)
    analyze.set_defaults(handler=analyze_cli)

    example = add_command(
        "example",
        help="analyse the bundled example articles",
        description="Analyse the example articles that ship with newsgraph and print their records.",
    )
    example.add_argument("--format", choices=("text", "json", "jsonl"), default="text", help="as for analyze")
    example.add_argument("--list", action="store_true", help="only list the example files")
    example.set_defaults(handler=example_cli)

    stages = add_command(
        "stages",
        help="list the pipeline stages",
        description="List the registered stages, what they need and give.",
    )
    stages.set_defaults(handler=stages_cli)

    schema = add_command(
        "schema",
        help="print the JSON Schema of the record",
        description="Print the newsgraph.article/1 JSON Schema.",
    )
    schema.set_defaults(handler=schema_cli)
    add_store_commands(add_command)
    return parser


# Options that several commands share: how each is read, and its help unless a command gives its own.
SHARED_OPTIONS: dict[str, dict[str, Any]] = {
    "--as-is": {"action": "store_true", "help": "the input is already clean plain text"},
    "--published": {"metavar": "YYYY-MM-DD", "help": "publication date (overrides the input's)"},
    "--model": {"metavar": "NAME", "help": "spaCy pipeline to use (also $NEWSGRAPH_SPACY_MODEL)"},
    "--batch-size": {"type": int, "default": 32, "metavar": "N", "help": "articles per spaCy batch (32)"},
    "--max-bytes": {
        "type": int,
        "default": 50_000_000,
        "metavar": "N",
        "help": "refuse inputs larger than N bytes (50 MB)",
    },
    "--max-elements": {
        "type": int,
        "default": 50_000,
        "metavar": "N",
        "help": "refuse HTML pages of more than N elements, not counting styles and SVG "
        "(50000; extraction takes 0.2-0.5 ms an element)",
    },
    "--time-limit": {
        "type": float,
        "default": 120.0,
        "metavar": "SECONDS",
        "help": "give up on an article after this long in the pipeline, and on a page after this long "
        "in HTML extraction (120; 0: no limit)",
    },
    "--since": {"metavar": "DATE", "help": "published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)"},
    "--until": {"metavar": "DATE", "help": "published on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)"},
    "--source": {"metavar": "TEXT", "help": "an outlet (example.org) or part of a source path or URL"},
    "--speaker": {"metavar": "NAME"},  # who gave a quote, a claim, a prediction: each command says
    "--entity": {"metavar": "NAME"},
    "--place": {"metavar": "NAME"},
}


def _option(command: argparse.ArgumentParser, name: str, text: str | None = None) -> None:
    """Add one of the SHARED_OPTIONS to a command, with `text` as its help when given."""
    spec = dict(SHARED_OPTIONS[name])
    if text is not None:
        spec["help"] = text
    command.add_argument(name, **spec)


def _fetch_options(command: argparse.ArgumentParser) -> None:
    """How URLs and the pages of feed items are fetched."""
    command.add_argument(
        "--fetch-interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="at least this long between two requests to one host (1)",
    )
    command.add_argument(
        "--timeout", type=float, default=20.0, metavar="SECONDS", help="to connect, and per read (20)"
    )
    command.add_argument(
        "--no-follow-links",
        action="store_true",
        help="read a feed item's own text, however short, instead of fetching its page",
    )
    command.add_argument(
        "--json-field",
        action="append",
        metavar="FIELD=KEY",
        help="in JSON input, KEY holds FIELD (text, html, title, url, date, language); repeatable, "
        "e.g. --json-field text=body",
    )
    command.add_argument(
        "--allow-private",
        action="store_true",
        help="also fetch from private, loopback and link-local addresses (refused by default)",
    )


def _fetch_settings(args: argparse.Namespace) -> dict[str, Any]:
    pairs = [f.partition("=") for f in args.json_field or ()]
    return {
        "json_fields": tuple((field.strip(), key.strip()) for field, _, key in pairs),
        "fetch_interval": args.fetch_interval,
        "timeout": args.timeout,
        "follow_links": not args.no_follow_links,
        "allow_private": args.allow_private,
    }


def _store_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--db",
        metavar="PATH|URL",
        help="the store: a SQLite file or a postgresql:// URL (default: $NEWSGRAPH_DB, else ./newsgraph.db)",
    )


def _query_options(command: argparse.ArgumentParser, *, kind: str | None = None) -> None:
    _store_option(command)
    for name in ("--since", "--until", "--source"):
        _option(command, name)
    if kind:
        command.add_argument("--kind", metavar="KIND", help=kind)
    command.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table for a person (default), json, csv",
    )
    command.add_argument("--limit", type=int, default=20, metavar="N", help="rows to show (20; at most 1000)")
    command.add_argument("--offset", type=int, default=0, metavar="N", help="rows to skip first (0)")


def add_store_commands(add_command: Callable[..., argparse.ArgumentParser]) -> None:
    ingest = add_command(
        "ingest",
        help="analyse articles and store them",
        description=(
            "Analyse articles and store each with all its annotations, one transaction per article. "
            "Idempotent and resumable: an input already stored is skipped before analysis (a new "
            "source of it is recorded as a copy). A bad input gets one line on standard error and the "
            "others go on; a summary line ends the run, and the exit status is 1 if any input failed."
        ),
    )
    ingest.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories, or - for standard input"
    )
    _store_option(ingest)
    _option(ingest, "--as-is")
    _option(ingest, "--published")
    _option(ingest, "--model")
    _option(ingest, "--batch-size")
    ingest.add_argument(
        "--commit-every", type=int, default=1, metavar="N", help="articles per transaction (1)"
    )
    _option(ingest, "--max-bytes")
    _option(ingest, "--max-elements")
    _option(ingest, "--time-limit")
    _fetch_options(ingest)
    ingest.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="analyse on a local Dask cluster of N processes (needs the scale extra)",
    )
    ingest.add_argument(
        "--scheduler", metavar="ADDR", help="analyse on a running Dask cluster, e.g. tcp://HOST:8786"
    )
    ingest.add_argument(
        "--parquet", metavar="DIR", help="on the cluster: one Parquet file per partition here, not the store"
    )
    ingest.add_argument(
        "--partition-mb",
        type=float,
        default=8.0,
        metavar="MB",
        help="on the cluster: input per partition (8)",
    )
    ingest.set_defaults(handler=ingest_cli)

    load = add_command(
        "load",
        help="bulk-load a Parquet output of ingest --parquet into the store",
        description=(
            "Load the Parquet files that `newsgraph ingest --parquet DIR` wrote into the store, in the "
            "order of their inputs, many records a transaction (COPY on PostgreSQL): the store ends up "
            "as an ingest of the same inputs leaves it. Idempotent and resumable: the store records how "
            "far each file is loaded, in the same transactions. A corrupt file or a bad record gets "
            "one line on standard error and the rest is loaded; the exit status is then 1."
        ),
    )
    load.add_argument("folder", metavar="DIR", help="the folder ingest --parquet wrote")
    _store_option(load)
    load.add_argument(
        "--commit-every", type=int, default=500, metavar="N", help="records per transaction (500)"
    )
    load.add_argument("--no-progress", action="store_true", help="no progress lines on standard error")
    load.set_defaults(handler=load_cli)

    reprocess = add_command(
        "reprocess",
        help="re-analyse stored articles made by older stages",
        description=(
            "Analyse again, from the stored raw input, every stored article made by an older version "
            "of a current stage (or missing one), replacing its annotations in one transaction."
        ),
    )
    _store_option(reprocess)
    _option(reprocess, "--model")
    reprocess.add_argument("--dry-run", action="store_true", help="only count the articles to re-analyse")
    reprocess.set_defaults(handler=reprocess_cli)

    search = add_command(
        "search",
        help="full-text search over stored articles",
        description=(
            'Search titles and texts. Every word is required; "double quotes" mark a phrase; nothing '
            "else is syntax. Shows the best hits with a snippet, and counts by outlet, entity, place "
            "and year."
        ),
    )
    search.add_argument("text", metavar="TEXT", help="words to search for")
    _query_options(search)
    _option(search, "--entity", "only articles that mention this entity")
    _option(search, "--place", "only articles that mention this place")
    search.set_defaults(handler=search_cli)

    quotes = add_command(
        "quotes",
        help="list stored quotes, by speaker",
        description="List quotes, newest first. A speaker is found by any alias or spelling of their name.",
    )
    _option(quotes, "--speaker", "who gave the quote (any alias; #ID for a registry id)")
    _option(quotes, "--entity", "only quotes of articles that mention this entity")
    _option(quotes, "--place", "only quotes of articles that mention this place")
    _query_options(quotes, kind="quote kind: direct, indirect, mixed, according_to, block")
    quotes.set_defaults(handler=quotes_cli)

    entity = add_command(
        "entity",
        help="show a person, organisation or place of the registry",
        description=(
            "Show one entity of the registry (by any alias or spelling, or #ID): its aliases, roles "
            "over time and articles. When a name fits several, the most mentioned is shown and the "
            "others are listed."
        ),
    )
    entity.add_argument("name", metavar="NAME", help="a name, or #ID")
    _store_option(entity)
    entity.add_argument("--format", choices=("table", "json", "csv"), default="table", help="as for quotes")
    entity.set_defaults(handler=entity_cli)

    claims = add_command(
        "claims",
        help="list stored claims (numbers and their sources)",
        description="List claims, newest first, by place, speaker, date and source.",
    )
    _option(claims, "--place", "the claim's place (any spelling; #ID)")
    _option(claims, "--speaker", "the claim's source (any alias; #ID)")
    _query_options(claims, kind="the claim's unit (battalion, tonne, ...)")
    claims.set_defaults(handler=claims_cli)

    export = add_command(
        "export",
        help="export stored records to JSON Lines, CSV or Parquet",
        description=(
            "Write the stored records: jsonl, one full record per line (the analyze JSON); csv and "
            "parquet, one row per article (parquet also carries the record; it needs pyarrow)."
        ),
    )
    export.add_argument(
        "--format", choices=("jsonl", "csv", "parquet"), required=True, help="the file format"
    )
    export.add_argument("--out", metavar="PATH", required=True, help="the file to write")
    _store_option(export)
    _option(export, "--since", "published on or after DATE")
    _option(export, "--until", "published on or before DATE")
    _option(export, "--source", "an outlet or part of a source path or URL")
    export.set_defaults(handler=export_cli)

    stats = add_command("stats", help="count what the store holds", description="Count what the store holds.")
    _store_option(stats)
    stats.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    stats.set_defaults(handler=stats_cli)

    serve = add_command(
        "serve",
        help="serve the store as a web UI and a REST API",
        description=(
            "Serve the store: the web UI at /, the REST API at /api (OpenAPI at /openapi.json). Binds "
            "to 127.0.0.1 unless told otherwise. Writes (POST /api/ingest) need the token of "
            "$NEWSGRAPH_TOKEN, sent as `Authorization: Bearer TOKEN`; without one, writes are refused."
        ),
    )
    _store_option(serve)
    serve.add_argument("--host", default="127.0.0.1", metavar="H", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, metavar="P", help="port to listen on (8000)")
    serve.set_defaults(handler=serve_cli)
    add_ledger_command(add_command)


def _raw_formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, width=HELP_WIDTH, max_help_position=32)


def add_ledger_command(add_command: Callable[..., argparse.ArgumentParser]) -> None:
    """`newsgraph ledger claims|predictions`: the ledgers across articles (newsgraph.store.ledgers)."""
    ledger = add_command(
        "ledger",
        help="the claims ledger (with disagreements) and the predictions ledger",
        description=(
            "The ledgers across stored articles.\n\n"
            "ledger claims: claims by subject (what is counted), place and date, by source, each with\n"
            "the interval its qualifier allows. --disagreements lists pairs of claims by different\n"
            "sources about the same subject and place, at most --window days apart, whose intervals do\n"
            "not overlap: up_to X [0, X]; less_than X [0, X); at_least X [X, inf); more_than X (X, inf);\n"
            "about X [0.8X, 1.2X]; exactly X, or no qualifier, [X, X]; a range X to U ends at U.\n\n"
            "ledger predictions: each speaker's predictions over time, with stance and topic."
        ),
    )
    ledger.formatter_class = _raw_formatter
    kinds = ledger.add_subparsers(dest="ledger", metavar="LEDGER")
    claims = kinds.add_parser(
        "claims",
        formatter_class=_formatter,
        help="claims by subject, place and source; --disagreements for the conflicts",
        description="Claims by subject, place and date, by source, with the interval each allows.",
    )
    claims.add_argument("--subject", metavar="S", help="what is counted (battalions, personnel, troops)")
    claims.add_argument(
        "--place", metavar="P", help="the claim's place (any spelling; #ID); a country takes in its places"
    )
    _option(claims, "--speaker", "the claim's source (any alias; #ID)")
    claims.add_argument(
        "--disagreements",
        action="store_true",
        help="list pairs of claims that disagree beyond their qualifiers",
    )
    claims.add_argument(
        "--window",
        type=int,
        default=DEFAULT_WINDOW_DAYS,
        metavar="DAYS",
        help=f"claims at most DAYS apart are compared ({DEFAULT_WINDOW_DAYS})",
    )
    _query_options(claims)
    claims.set_defaults(handler=ledger_claims_cli)
    predictions = kinds.add_parser(
        "predictions",
        formatter_class=_formatter,
        help="each speaker's predictions over time",
        description="Each speaker's predictions over time (any alias of a registry entity), with stance.",
    )
    _option(predictions, "--speaker", "who made them (any alias; #ID)")
    _query_options(predictions, kind="the stance: likely, unlikely, conditional")
    predictions.set_defaults(handler=ledger_predictions_cli)
    ledger.set_defaults(handler=_ledger_usage(ledger))
    ledger.epilog = "\n".join(p.format_help() for p in (claims, predictions))


def _ledger_usage(ledger: argparse.ArgumentParser) -> Callable[[argparse.Namespace, TextIO], int]:
    def usage(args: argparse.Namespace, out: TextIO) -> int:
        ledger.print_usage(sys.stderr)
        print("newsgraph ledger: choose claims or predictions", file=sys.stderr)
        return EXIT_USAGE

    return usage


def _number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def ledger_claims_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        if args.disagreements:
            found = store.disagreements(_filters(args), _page(args), subject=args.subject, window=args.window)
        else:
            result = store.claims_ledger(
                _filters(args), _page(args), subject=args.subject, window=args.window
            )
    if args.disagreements:
        pairs = (
            [
                str(i + 1 + found.offset),
                d.subject_key,
                d.place_name or "",
                row.day or "",
                row.source_name,
                f"{(row.qualifier or '').replace('_', ' ')} {_number_text(row.value)}".strip(),
                row.interval or "",
                row.article_id[:12],
            ]
            for i, d in enumerate(found.items)
            for row in (d.first, d.second)
        )
        headers = ["pair", "subject", "place", "day", "source", "value", "interval", "article"]
        return _write_list(out, args.format, found, "disagreements", headers, pairs)
    headers = ["subject", "place", "country", "day", "source", "value", "interval", "disputed", "article"]
    rows = (
        [
            r.subject_key,
            r.place_name or "",
            r.country_name or r.country or "",
            r.day or r.date or "",
            r.source_name,
            f"{(r.qualifier or '').replace('_', ' ')} {_number_text(r.value)} {r.unit or ''}".strip(),
            r.interval or "",
            "yes" if r.disputed else "",
            r.article_id[:12],
        ]
        for r in result.items
    )
    return _write_list(out, args.format, result, "claims", headers, rows)


def ledger_predictions_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        result = store.predictions_ledger(_filters(args), _page(args))
    rows = (
        [s.name, p.published or "", p.stance or "", p.about or "", p.text, p.article_id[:12]]
        for s in result.items
        for p in s.predictions
    )
    headers = ["speaker", "published", "stance", "about", "prediction", "article"]
    return _write_list(out, args.format, result, "speakers", headers, rows)


def analyze_cli(args: argparse.Namespace, out: TextIO) -> int:
    settings = Settings(
        published=args.published,
        as_is=args.as_is,
        model=args.model,
        stages=tuple(s.strip() for s in args.stages.split(",") if s.strip()) if args.stages else None,
        batch_size=args.batch_size,
        max_bytes=args.max_bytes,
        max_elements=args.max_elements,
        time_limit=args.time_limit,
        **_fetch_settings(args),
    )
    return write_records(analyze_paths(args.paths, settings), args.format, out, several=len(args.paths) > 1)


def example_cli(args: argparse.Namespace, out: TextIO) -> int:
    if args.list:
        for path in example_paths():
            out.write(f"{path}\n")
        return EXIT_OK
    return write_records(analyze_articles(example_articles()), args.format, out, several=True)


def write_records(articles: Iterable[Article], fmt: str, out: TextIO, *, several: bool) -> int:
    """Print each record as it is done; the exit status says whether any input failed."""
    failed = 0
    for i, article in enumerate(articles):
        if article.error:
            failed += 1
            print(f"newsgraph: {article.error}", file=sys.stderr)
        if fmt == "jsonl" or (fmt == "json" and (several or i > 0)):
            out.write(article.to_json() + "\n")
        elif fmt == "json":
            # One record: indented. A second record turns the output into one record per line.
            out.write(article.to_json(indent=2) + "\n")
            several = True
        else:
            out.write(render_text(article) + "\n")
        out.flush()
    return EXIT_FAILED_INPUT if failed else EXIT_OK


def stages_cli(args: argparse.Namespace, out: TextIO) -> int:
    for name in DEFAULT_STAGES:
        get_stage(name)  # loads the built-in stages
    for s in sorted(REGISTRY.values(), key=lambda s: s.id):
        default = "*" if s.name in DEFAULT_STAGES else " "
        out.write(
            f"{default} {s.id:<14} requires {','.join(s.requires) or '-':<16} assigns {','.join(s.assigns)}\n"
        )
        if s.doc:
            out.write(f"  {'':<14} {s.doc}\n")
    out.write("(* = in the default pipeline)\n")
    return EXIT_OK


def schema_cli(args: argparse.Namespace, out: TextIO) -> int:
    out.write(json.dumps(json_schema(), indent=2) + "\n")
    return EXIT_OK


def serve_cli(args: argparse.Namespace, out: TextIO) -> int:
    from .web import serve

    if not 0 < args.port < 65536:
        raise NewsgraphError(Errors.E202, option="--port", value=args.port, reason="a port is 1 to 65535")
    token = os.environ.get("NEWSGRAPH_TOKEN") or None
    with _open(args):  # refuse a missing or foreign store with one line before the server starts
        pass
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"newsgraph: serving on {args.host}: reachable from other machines", file=sys.stderr)
    serve(args.db or default_location(), host=args.host, port=args.port, token=token)
    return EXIT_OK


def _open(args: argparse.Namespace, *, create: bool = False) -> Store:
    return open_store(args.db, create=create)


def _filters(args: argparse.Namespace, **extra: str | None) -> Filters:
    values = {
        k: getattr(args, k, None) for k in ("since", "until", "source", "kind", "speaker", "entity", "place")
    }
    values.update(extra)
    return Filters(**values)


def _page(args: argparse.Namespace) -> Page:
    for option in ("limit", "offset"):
        if getattr(args, option) < 0:
            raise NewsgraphError(
                Errors.E202, option=f"--{option}", value=getattr(args, option), reason="must be >= 0"
            )
    return Page(limit=args.limit, offset=args.offset)


def ingest_cli(args: argparse.Namespace, out: TextIO) -> int:
    settings = Settings(
        published=args.published,
        as_is=args.as_is,
        model=args.model,
        batch_size=args.batch_size,
        max_bytes=args.max_bytes,
        max_elements=args.max_elements,
        time_limit=args.time_limit,
        **_fetch_settings(args),
    )
    if args.commit_every < 1:
        raise NewsgraphError(
            Errors.E202, option="--commit-every", value=args.commit_every, reason="must be >= 1"
        )
    if not args.partition_mb > 0:
        raise NewsgraphError(
            Errors.E202, option="--partition-mb", value=args.partition_mb, reason="must be > 0"
        )
    if args.workers is not None or args.scheduler or args.parquet:
        return _ingest_on_cluster(args, settings, out)
    shown = 0

    def progress(report: IngestReport) -> None:
        nonlocal shown
        for failure in report.failed[shown:]:
            print(f"newsgraph: {failure.reason}", file=sys.stderr)
        shown = len(report.failed)

    with _open(args, create=True) as store:
        report = ingest_paths(store, args.paths, settings, batch_size=args.commit_every, progress=progress)
    progress(report)
    out.write(f"{report.summary()} ({store.location})\n")
    return EXIT_FAILED_INPUT if report.failed else EXIT_OK


def _ingest_on_cluster(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """`ingest --workers/--scheduler/--parquet`: the same analysis on Dask (newsgraph.scale)."""
    # The cluster's own chatter is not the user's business (failures come in the summary); dask
    # reads this before it configures its loggers, in this process and in the workers it starts.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    from .scale import ingest_parallel

    summary = ingest_parallel(
        args.paths,
        settings,
        db=None if args.parquet else args.db,
        parquet=args.parquet,
        workers=args.workers,
        scheduler=args.scheduler,
        target_bytes=max(1, int(args.partition_mb * 2**20)),
        commit_every=max(args.commit_every, 50),
    )
    for failure in summary.failed:
        print(f"newsgraph: {failure.reason}", file=sys.stderr)
    out.write(summary.text() + "\n")
    return EXIT_FAILED_INPUT if summary.failed else EXIT_OK


def load_cli(args: argparse.Namespace, out: TextIO) -> int:
    """`load DIR`: a Parquet output into the store (newsgraph.scale.load)."""
    from .scale.load import load_parquet

    summary = load_parquet(args.folder, args.db, batch_size=args.commit_every, progress=not args.no_progress)
    for failure in summary.failed:
        print(f"newsgraph: {failure.reason}", file=sys.stderr)
    out.write(summary.text() + "\n")
    return EXIT_FAILED_INPUT if summary.failed else EXIT_OK


def reprocess_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        report = reprocess(store, Settings(model=args.model), dry_run=args.dry_run)
    for failure in report.failed:
        print(f"newsgraph: {failure.reason}", file=sys.stderr)
    verb = "to re-analyse" if args.dry_run else "re-analysed"
    out.write(
        f"{report.checked} articles made by older stages, {report.reprocessed} {verb}, "
        f"failed {len(report.failed)}\n"
    )
    return EXIT_FAILED_INPUT if report.failed else EXIT_OK


def search_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        result = store.search(args.text, _filters(args), _page(args))
    rows = (
        [h.article.id[:12], h.article.published or "", h.article.title or "", h.snippet]
        for h in result.hits.items
    )
    headers = ["id", "published", "title", "snippet"]
    _write_list(out, args.format, result.hits, "hits", headers, rows, shown=result)
    if args.format == "table":
        if not result.facets_exact:
            out.write("(the counts below are from a sample of the hits)\n")
        for name, counts in result.facets.items():
            if counts:
                out.write(f"{name}: " + ", ".join(f"{c.label} ({c.count})" for c in counts) + "\n")
    return EXIT_OK


def quotes_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        result = store.quotes(_filters(args), _page(args))
    rows = (
        [
            q.published or "",
            q.entity_name or q.speaker_name or "",
            q.speaker_text or "",
            q.kind,
            q.text,
            q.title or "",
            q.article_id[:12],
        ]
        for q in result.items
    )
    headers = ["published", "speaker", "as written", "kind", "quote", "title", "article"]
    return _write_list(out, args.format, result, "quotes", headers, rows)


def entity_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        detail = store.entity(args.name)
        others = [e for e in store.find_entities(args.name) if detail is None or e.id != detail.entity.id]
    if detail is None:
        raise StoreError(Errors.E305, what="entity", name=args.name)
    if args.format == "json":
        data = as_dict(detail)
        data["others"] = as_dict(others)
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    e = detail.entity
    if args.format == "csv":
        rows = [[r.date or "", r.role, r.of or "", r.article_id] for r in detail.roles]
        _write_rows(out, "csv", ["date", "role", "of", "article"], rows)
        return EXIT_OK
    out.write(f"{e.name} (#{e.id}, {e.type}): {e.articles} articles, {e.quotes} quotes")
    out.write(f", {detail.first_seen} to {detail.last_seen}\n" if detail.first_seen else "\n")
    out.write("aliases: " + "; ".join(e.aliases) + "\n")
    if detail.roles:
        out.write("roles:\n")
        for r in detail.roles:
            out.write(
                f"  {r.date or '(undated)'}  {r.role}{' of ' + r.of if r.of else ''}  [{r.article_id[:12]}]\n"
            )
    out.write("articles:\n")
    for a in detail.articles:
        out.write(f"  {a.published or '(undated)'}  {a.title or '(no title)'}  [{a.id[:12]}]\n")
    if others:
        out.write("also: " + "; ".join(f"{o.name} (#{o.id}, {o.type})" for o in others) + "\n")
    return EXIT_OK


def claims_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        result = store.claims(_filters(args), _page(args))
    rows = (
        [
            c.published or "",
            c.text,
            _number_text(c.value),
            c.unit or "",
            c.place_name or "",
            c.entity_name or "",
            c.article_id[:12],
        ]
        for c in result.items
    )
    headers = ["published", "claim", "value", "unit", "place", "source", "article"]
    return _write_list(out, args.format, result, "claims", headers, rows)


def export_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        count = export(store, args.format, args.out, _filters(args))
    out.write(f"exported {count} articles to {args.out}\n")
    return EXIT_OK


def stats_cli(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as store:
        stats = store.stats()
    if args.format == "json":
        out.write(json.dumps(as_dict(stats), indent=2) + "\n")
        return EXIT_OK
    for key, value in as_dict(stats).items():
        out.write(f"{key:<16} {', '.join(value) if isinstance(value, list) else value}\n")
    return EXIT_OK


TABLE_WIDTH = 60  # widest column of a table, in characters; csv and json are never cut


def _write_list(
    out: TextIO,
    fmt: str,
    result: Paged[Any],
    noun: str,
    headers: list[str],
    rows: Iterable[list[str]],
    *,
    shown: Any = None,
) -> int:
    """A page of a list as JSON (of `shown`, else of the page), or as a table or CSV with one line a
    row; a table ends with where the page stands. `rows` is only read for a table or CSV."""
    if fmt == "json":
        out.write(
            json.dumps(as_dict(result if shown is None else shown), ensure_ascii=False, indent=2) + "\n"
        )
        return EXIT_OK
    _write_rows(out, fmt, headers, list(rows))
    if fmt == "table":
        out.write(_paging_line(result, noun) + "\n")
    return EXIT_OK


def _write_rows(out: TextIO, fmt: str, headers: list[str], rows: list[list[str]]) -> None:
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return
    if not rows:
        return
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _cell(value: str) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= TABLE_WIDTH else value[: TABLE_WIDTH - 1] + "…"


def _paging_line(page: Paged[Any], noun: str) -> str:
    if not page.total:
        return f"no {noun}"
    last = page.offset + len(page.items)
    more = f" (--offset {last} for more)" if page.has_next else ""
    return f"{page.offset + 1}-{last} of {page.total} {noun}{more}"


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    logging.basicConfig(level=logging.ERROR, format="newsgraph: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args, out or sys.stdout))
    except NewsgraphError as exc:
        print(f"newsgraph: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND if getattr(exc, "code", "") == "E305" else EXIT_USAGE
    except database_errors() as exc:  # the database itself failed (locked, full, gone)
        db = getattr(args, "db", None) or default_location()
        print(f"newsgraph: {Errors.E310.format(db=db, reason=' '.join(str(exc).split()))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `newsgraph analyze ... | head` is fine
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())


def cli_reference() -> str:
    """The CLI reference in Markdown, from the parsers' own --help (the README carries it)."""
    parser = build_parser()
    parts = ["```console\n$ newsgraph --help\n" + parser.format_help() + "```"]
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in getattr(action, "choices", {}).items():
            parts.append(f"```console\n$ newsgraph {name} --help\n" + sub.format_help() + "```")
    return "\n\n".join(parts) + "\n"
