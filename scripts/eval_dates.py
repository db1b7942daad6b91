"""Dates on TBAQ (TimeBank, AQUAINT): newsgraph and a dateparser baseline side by side, by the shared scorer.

    .venv/bin/python scripts/eval_dates.py [--limit N] [--sets TimeBank AQUAINT] [--system CMD] [--no-speed]

For each set it runs, in one go,

    python3 ../shared/eval/score_time.py --system SYSTEM --dataset te3 \\
        --te3 ../shared/datasets/time/tbaq --tml-dir SET

once with newsgraph (`.venv/bin/newsgraph` unless --system says otherwise) and once with the
baseline the dates issue names: dateparser over spaCy's DATE/TIME spans (this script, started
with --baseline, is that system). It prints both summaries, the headline figures side by side,
the figures of the sets taken as one (TBAQ is TimeBank and AQUAINT together: the dates issue's
goal is on it; pooled from the parts' counts, as `--tml-dir .` would score them in one run), and
the dates stage's own speed (words/s of `find_dates` over parsed texts, parsing excluded).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from shared_scorer import ROOT, SHARED, run_scorer

SCORER = SHARED / "eval" / "score_time.py"
TBAQ = SHARED / "datasets" / "time" / "tbaq"
KEYS = ("te3_value_f", "te3_span_f", "te3_value_acc", "te3_span_p", "te3_span_r", "te3_words_per_s")


def pooled(summaries: list[dict[str, str]], kind: str) -> tuple[float, float, float]:
    """P/R/F of several sets scored as one, from each set's P, R and gold count (`kind`: value, span)."""
    tp = npred = ngold = 0.0
    for m in summaries:
        p, r, gold = float(m[f"te3_{kind}_p"]), float(m[f"te3_{kind}_r"]), float(m["te3_gold"])
        tp += r * gold
        npred += r * gold / p if p else 0.0
        ngold += gold
    p, r = (tp / npred if npred else 0.0), (tp / ngold if ngold else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(system: str, tml_dir: str, limit: int) -> dict[str, str]:
    """The scorer's summary for `system` on one TBAQ folder."""
    args = [
        "--dataset",
        "te3",
        "--te3",
        str(TBAQ),
        "--tml-dir",
        tml_dir,
        *(["--limit", str(limit)] if limit else []),
    ]
    try:
        return run_scorer("score_time.py", *args, system=system)
    except RuntimeError as exc:
        sys.exit(f"{system} on {tml_dir}: {exc}")


# --- the baseline system ---------------------------------------------------------------------------


def baseline_main(argv: list[str]) -> int:
    """Speak the scorer's `analyze` command line; dates are dateparser's reading of spaCy's spans."""
    from dateparser.date import DateDataParser

    from newsgraph import nlp as nlp_module
    from newsgraph.article import Article, DateMention

    published = argv[argv.index("--published") + 1] if "--published" in argv else None
    flags = {"analyze", "--as-is", "--format", "jsonl", "json", "--published", published}
    paths = [a for a in argv if a not in flags]
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True}
    if published:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(published)
    parser = DateDataParser(languages=["en"], settings=settings)
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    nlp = nlp_module.load(None)
    for path, text, doc in zip(paths, texts, nlp.pipe(texts, batch_size=32), strict=True):
        article = Article.from_raw(text, source=path, published=published, as_is=True)
        article.dates = [
            DateMention(
                start=e.start_char, end=e.end_char, text=e.text, value=_baseline_value(parser, e.text)
            )
            for e in doc.ents
            if e.label_ in ("DATE", "TIME")
        ]
        sys.stdout.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    return 0


def _baseline_value(parser: Any, text: str) -> str | None:
    # The value at the granularity dateparser reports ("1990" a year, "May 1990" a month): with
    # every value a full date the baseline scores far lower, and that would flatter newsgraph.
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    if data.period == "year":
        return f"{d.year:04d}"
    if data.period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if data.period == "week":
        year, week, _ = d.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if data.period == "time":
        return str(d.strftime("%Y-%m-%dT%H:%M"))
    return str(d.date().isoformat())


# --- the stage's speed ------------------------------------------------------------------------------


def stage_speed(tml_dirs: list[str], limit: int) -> tuple[int, float]:
    """(words, seconds) of the dates stage alone over the parsed texts of the sets."""
    sys.path.insert(0, str(SCORER.parent))
    import score_time  # type: ignore[import-not-found]  # the scorer's own reader: the very texts it scores

    from newsgraph import nlp as nlp_module
    from newsgraph.analyze.dates import find_dates

    docs: list[dict[str, Any]] = []
    for tml_dir in tml_dirs:
        loaded = score_time.load_te3(argparse.Namespace(te3=str(TBAQ), tml_dir=tml_dir))
        docs += loaded[:limit] if limit else loaded
    nlp = nlp_module.load(None)
    parsed = list(nlp.pipe([d["text"] for d in docs], batch_size=32))
    words = sum(len(d["text"].split()) for d in docs)
    start = time.perf_counter()
    for d, doc in zip(docs, parsed, strict=True):
        find_dates(d["text"], doc, dt.date.fromisoformat(d["dct"]) if d["dct"] else None)
    return words, time.perf_counter() - start


def main() -> None:
    if "--baseline" in sys.argv:
        sys.exit(baseline_main([a for a in sys.argv[1:] if a != "--baseline"]))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents of each set")
    ap.add_argument("--sets", nargs="+", default=["TimeBank", "AQUAINT"], help="TBAQ folders to score")
    ap.add_argument("--system", default=str(ROOT / ".venv" / "bin" / "newsgraph"), help="the system to score")
    ap.add_argument("--no-speed", action="store_true", help="skip timing the dates stage on its own")
    args = ap.parse_args()
    baseline = f"{sys.executable} {Path(__file__).resolve()} --baseline"
    runs: list[tuple[dict[str, str], dict[str, str]]] = []
    for tml_dir in args.sets:
        ours = score(args.system, tml_dir, args.limit)
        base = score(baseline, tml_dir, args.limit)
        runs.append((ours, base))
        print(f"== {tml_dir} (gold {ours['te3_gold']})")
        print("newsgraph: " + " ".join(f"{k}={v}" for k, v in ours.items()))
        print("baseline:  " + " ".join(f"{k}={v}" for k, v in base.items()))
        for key in KEYS:
            ng, bl = float(ours[key]), float(base[key])
            print(f"  {key}: newsgraph={ng:.4f} baseline={bl:.4f} diff={ng - bl:+.4f}")
    if len(runs) > 1:
        print(f"== {' + '.join(args.sets)} as one set")
        for kind in ("value", "span"):
            ng, bl = pooled([o for o, _ in runs], kind), pooled([b for _, b in runs], kind)
            print(f"  te3_{kind}_f: newsgraph={ng[2]:.4f} (p={ng[0]:.4f} r={ng[1]:.4f}) baseline={bl[2]:.4f}")
    if not args.no_speed:
        words, seconds = stage_speed(args.sets, args.limit)
        print(
            f"dates stage alone: {words} words in {seconds:.2f}s = {words / max(seconds, 1e-9):.0f} words/s"
        )


if __name__ == "__main__":
    main()
