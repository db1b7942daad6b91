"""Precision of the claims stage on real text, judged by hand: draw a sample, then report from the judgements.

    # 1. draw 150 claims at random (fixed seed) from the PolNeAR dev texts, to judge by hand
    .venv/bin/python scripts/judge_claims.py sample [--dir DIR] [--n 150] [--seed 6] > eval/new_sample.jsonl
    #    a later version, on claims not judged before:
    .venv/bin/python scripts/judge_claims.py sample --seed 7 --exclude eval/claims_polnear_dev_judged.jsonl
    # 2. after judging (each line's "judgement": {"claim", "value", "unit", "qualifier", "source"}: bool)
    .venv/bin/python scripts/judge_claims.py report eval/claims_polnear_dev_judged.jsonl
    # 3. the current stage on claims judged for an earlier version
    .venv/bin/python scripts/judge_claims.py rescore eval/claims_polnear_dev_judged_v2.jsonl

A judged line keeps the document id, the claim's offsets and its text, what the stage said, and
the judgement of each field; never the article's sentences. `claim` is whether the span is a number
claimed about the world at all; the other fields are judged on the lines where it is.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
POLNEAR_DEV = ROOT.parent / "shared" / "datasets" / "quotes" / "polnear" / "dev" / "text"
FIELDS = ("value", "unit", "qualifier", "source")


def claims_of(directory: Path, docs: set[str] | None = None) -> list[dict[str, Any]]:
    """The claims the stage finds in the articles of `directory` (only `docs`, when given)."""
    import newsgraph.analyze.claims  # noqa: F401  (registers the stage)
    from newsgraph.article import Article
    from newsgraph.pipeline import DEFAULT_STAGES, Pipeline

    pipe = Pipeline.build([*DEFAULT_STAGES, "claims"], on_error="record")
    paths = [p for p in sorted(directory.glob("*.txt")) if docs is None or p.name in docs]
    articles = (Article.from_raw(p.read_text(encoding="utf-8"), source=p.name, as_is=True) for p in paths)
    found: list[dict[str, Any]] = []
    for article in pipe.run(articles):
        if article.error:
            print(article.error, file=sys.stderr)
            continue
        names = {e.id: e.name for e in article.entities}
        quotes = {q.id: q for q in article.quotes}
        for c in article.claims:
            source = names.get(c.source_entity or "")
            if source is None and c.quote in quotes:
                speaker = quotes[c.quote].speaker
                source = speaker.name if speaker is not None else None
            found.append(
                {
                    "doc": article.source,
                    "start": c.start,
                    "end": c.end,
                    "text": c.text,
                    "value": c.value,
                    "qualifier": c.qualifier,
                    "unit": c.unit,
                    "source": source or "(the article)",
                }
            )
    print(f"{len(found)} claims in {len(paths)} articles", file=sys.stderr)
    return found


def sample(
    directory: Path, n: int, seed: int, exclude: Sequence[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """`n` claims drawn at random from the articles in `directory`, with what the stage said of each.

    Claims overlapping one of `exclude` (an earlier sample, already judged) are not drawn again.
    """
    found = claims_of(directory)
    seen = {(e["doc"], i) for e in exclude for i in range(e["start"], e["end"])}
    found = [f for f in found if not any((f["doc"], i) in seen for i in range(f["start"], f["end"]))]
    return random.Random(seed).sample(found, min(n, len(found)))


def report(lines: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Precision of the stage: of all claims, and of each field on the claims that are claims."""
    judged = [line for line in lines if isinstance(line.get("judgement"), dict)]
    if not judged:
        raise SystemExit("no judged lines: every line needs a 'judgement' object")
    claims = [line for line in judged if line["judgement"].get("claim")]
    summary: dict[str, float] = {"judged": len(judged), "claims": len(claims)}
    summary["claim.precision"] = round(len(claims) / len(judged), 3)
    for field in FIELDS:
        marks = [
            bool(line["judgement"][field]) for line in claims if line["judgement"].get(field) is not None
        ]
        summary[f"{field}.precision"] = round(sum(marks) / len(marks), 3) if marks else 0.0
    all_right = [all(line["judgement"].get(f) is not False for f in FIELDS) for line in claims]
    summary["all_fields.precision"] = round(sum(all_right) / len(judged), 3)
    return summary


def rescore(directory: Path, lines: Sequence[dict[str, Any]]) -> dict[str, float]:
    """How the current stage fares on claims judged for an earlier version.

    A judged claim the stage still gives unchanged keeps its judgement; one it no longer gives was
    dropped (a fix when it was no claim, a loss when it was); one it gives differently is unjudged.
    """
    now = {(c["doc"], c["start"], c["end"]): c for c in claims_of(directory, {line["doc"] for line in lines})}
    kept: list[dict[str, Any]] = []
    dropped_wrong = dropped_right = changed = 0
    for line in lines:
        current = now.get((line["doc"], line["start"], line["end"]))
        if current is None:
            if line["judgement"].get("claim"):
                dropped_right += 1
            else:
                dropped_wrong += 1
        elif all(current[k] == line[k] for k in ("value", "qualifier", "unit", "source")):
            kept.append(line)
        else:
            changed += 1
    summary: dict[str, float] = {
        "unchanged": len(kept),
        "changed (unjudged)": changed,
        "dropped, were no claim": dropped_wrong,
        "dropped, were claims": dropped_right,
    }
    if kept:
        summary.update({f"unchanged {k}": v for k, v in report(kept).items() if k.endswith("precision")})
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="draw claims to judge")
    s.add_argument("--dir", type=Path, default=POLNEAR_DEV)
    s.add_argument("--n", type=int, default=150)
    s.add_argument("--seed", type=int, default=6)
    s.add_argument(
        "--exclude", type=Path, action="append", default=[], help="an earlier sample not to draw again"
    )
    r = sub.add_parser("report", help="precision per field from a judged file")
    r.add_argument("path", type=Path)
    rs = sub.add_parser("rescore", help="the current stage on the claims of a judged file")
    rs.add_argument("path", type=Path)
    rs.add_argument("--dir", type=Path, default=POLNEAR_DEV)
    args = parser.parse_args(argv)
    if args.command == "sample":
        if not args.dir.is_dir():
            print(f"{args.dir}: no such directory (the shared datasets are absent)", file=sys.stderr)
            return 2
        try:
            exclude = [
                json.loads(t) for p in args.exclude for t in p.read_text(encoding="utf-8").splitlines() if t
            ]
        except (OSError, json.JSONDecodeError) as exc:
            print(f"cannot read the samples to exclude ({exc})", file=sys.stderr)
            return 2
        for line in sample(args.dir, args.n, args.seed, exclude):
            print(json.dumps(line, ensure_ascii=False))
        return 0
    try:
        lines = [json.loads(t) for t in args.path.read_text(encoding="utf-8").splitlines() if t.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        print(f"{args.path}: cannot read the judgements ({exc})", file=sys.stderr)
        return 2
    summary = rescore(args.dir, lines) if args.command == "rescore" else report(lines)
    for key, value in summary.items():
        print(f"{key:<34} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
