"""The command line: thin commands over the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from . import __version__
from .api import analyze_articles, analyze_paths, example_articles, example_paths
from .article import Article, json_schema
from .errors import NewsgraphError
from .pipeline import DEFAULT_STAGES, REGISTRY, get_stage
from .report import render_text
from .settings import Settings

EXIT_OK, EXIT_FAILED_INPUT, EXIT_USAGE = 0, 1, 2
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
            "PATH is a file (.txt, .html/.htm, .json/.jsonl, .warc/.warc.gz), a directory, or - for "
            "standard input. A bad input yields a record with `error` set; the others are still "
            "processed, and the exit status is 1 at the end."
        ),
    )
    analyze.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories, or - for standard input"
    )
    analyze.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text: a report for a person (default); json: the record, indented (several records: "
        "one per line); jsonl: one record per line",
    )
    analyze.add_argument(
        "--as-is",
        action="store_true",
        help="the input is already clean plain text: no cleaning, text kept exactly",
    )
    analyze.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        help="publication date, the anchor for relative dates (overrides what the input says)",
    )
    analyze.add_argument(
        "--model",
        metavar="NAME",
        help="spaCy pipeline to use, by package name or path (also $NEWSGRAPH_SPACY_MODEL)",
    )
    analyze.add_argument(
        "--stages",
        metavar="LIST",
        help=f"comma-separated stages to run, in order (default: {','.join(DEFAULT_STAGES)})",
    )
    analyze.add_argument(
        "--batch-size", type=int, default=32, metavar="N", help="articles per spaCy batch (32)"
    )
    analyze.add_argument(
        "--max-bytes",
        type=int,
        default=50_000_000,
        metavar="N",
        help="refuse inputs larger than N bytes (50 MB)",
    )
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
    return parser


def analyze_cli(args: argparse.Namespace, out: TextIO) -> int:
    settings = Settings(
        published=args.published,
        as_is=args.as_is,
        model=args.model,
        stages=tuple(s.strip() for s in args.stages.split(",") if s.strip()) if args.stages else None,
        batch_size=args.batch_size,
        max_bytes=args.max_bytes,
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
