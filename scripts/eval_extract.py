"""HTML main-text extraction on CleanEval dev and trafilatura's English eval set: newsgraph vs trafilatura."""

# Usage: .venv/bin/python scripts/eval_extract.py [--limit N] [--sets cleaneval,trafeval] [--in-process]

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shared_scorer import EVAL, SHARED, newsgraph_command

CLEANEVAL = SHARED / "datasets" / "extract" / "cleaneval-dev"
TRAFILATURA_EVAL = SHARED / "datasets" / "extract" / "trafilatura-eval"
BATCH = 50  # documents per `newsgraph analyze` call: one process (and one model load) per batch

# CleanEval wraps each page in <text id=URL title=.. encoding=..>..</text>; the wrapper is not page markup.
_WRAPPER_START = re.compile(r"\A\s*<text\b[^>]*>\s*", re.IGNORECASE)
_WRAPPER_END = re.compile(r"\s*</text>\s*\Z", re.IGNORECASE)
# Gold block markers sit at line starts but also mid-line (table cells), so strip them everywhere.
_GOLD_MARKER = re.compile(r"<[phl]>")


@dataclass
class Page:
    """One evaluation page: decoded HTML plus CleanEval gold text or trafilatura's snippets."""

    id: str
    html: str
    gold: str = ""
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


def shared_scorer_module() -> object:
    """../shared/eval/score_extract.py, imported rather than copied so the metric stays the acceptance one."""
    if str(EVAL) not in sys.path:
        sys.path.insert(0, str(EVAL))
    import score_extract  # type: ignore[import-not-found]

    return score_extract


def decode(data: bytes) -> str:
    """UTF-8 when valid, else cp1252, else Latin-1 (never fails).

    The CleanEval `encoding=` attribute is unreliable (one page claims UTF-16 but is ASCII), so it is ignored;
    the non-UTF-8 pages are Western single-byte text, for which cp1252 is the browsers' reading.
    """
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def _number(path: Path) -> int:
    return int(path.stem) if path.stem.isdigit() else 10**9


def load_cleaneval(root: Path = CLEANEVAL, limit: int = 0) -> list[Page]:
    """CleanEval pages in numeric order (1, 2, ... not 1, 10, ...), each with its gold text."""
    pages = []
    for path in sorted((root / "input").glob("*.html"), key=lambda p: (_number(p), p.name)):
        html = _WRAPPER_END.sub("", _WRAPPER_START.sub("", decode(path.read_bytes()), count=1), count=1)
        # Some gold files open with a BOM, which would keep their "URL:" line in the gold text.
        gold = decode((root / "GoldStandard" / f"{path.stem}.txt").read_bytes()).lstrip("\ufeff")
        if gold.startswith("URL:"):
            gold = gold.split("\n", 1)[1] if "\n" in gold else ""
        pages.append(Page(id=path.stem, html=html, gold=_GOLD_MARKER.sub("", gold)))
    return pages[:limit] if limit else pages


def load_trafilatura_eval(root: Path = TRAFILATURA_EVAL, limit: int = 0) -> list[Page]:
    """Entries of evaldata.json in file order; HTML resolved in cache/ then eval/ as trafilatura does."""
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in data.items():
        if not item.get("file"):
            continue
        path = root / "cache" / item["file"]
        if not path.is_file():
            path = root / "eval" / item["file"]
        html = decode(path.read_bytes())
        pages.append(Page(id=url, html=html, with_=list(item["with"]), without=list(item["without"])))
    return pages[:limit] if limit else pages


def run_newsgraph(htmls: Sequence[str], system: str | None = None, batch: int = BATCH) -> list[str]:
    """`newsgraph analyze --format jsonl FILE.html...` through the shared scorers' own runner; the `text`s."""
    if str(EVAL) not in sys.path:
        sys.path.insert(0, str(EVAL))
    import common  # type: ignore[import-not-found]

    args = argparse.Namespace(system=system or newsgraph_command(), batch=batch, timeout=30.0, keep=False)
    results = common.run_system(args, list(htmls), common.Stats(), as_is=False, suffix=".html")
    return [r.get("text") or "" for r in results]


def run_newsgraph_in_process(htmls: Sequence[str]) -> list[str]:
    """The `text` of `newsgraph analyze --stages clean` on each page, read and cleaned in this process.

    The clean stage is the only stage that sets `text` (tests/test_extract_quality.py checks it), so this is
    the text of the full `newsgraph analyze`, in seconds instead of minutes: no spaCy model is loaded.
    """
    from newsgraph.api import analyze_paths
    from newsgraph.settings import Settings

    with tempfile.TemporaryDirectory(prefix="ng_extract_") as tmp:
        paths = []
        for i, html in enumerate(htmls):
            path = Path(tmp) / f"doc{i:05d}.html"
            path.write_text(html, encoding="utf-8", newline="")  # as the shared scorers' runner writes it
            paths.append(str(path))
        return [article.text or "" for article in analyze_paths(paths, Settings(stages=("clean",)))]


def run_trafilatura(htmls: Sequence[str]) -> list[str]:
    """Plain `trafilatura.extract(html)` with its default settings, the baseline."""
    import trafilatura

    return [trafilatura.extract(html) or "" for html in htmls]


def cleaneval_scores(pages: Sequence[Page], preds: Sequence[str]) -> dict[str, float]:
    """Shingle P/R/F1 and token-exact accuracy, computed exactly as ../shared/eval/score_extract.py does."""
    se = shared_scorer_module()
    rows = [se.tp_fp_fn(p.gold, pred) for p, pred in zip(pages, preds, strict=True)]  # type: ignore[attr-defined]
    out: dict[str, float] = se.metrics(rows)  # type: ignore[attr-defined]
    out["accuracy"] = statistics.mean(
        float(se.tokenize(p.gold) == se.tokenize(pred))  # type: ignore[attr-defined]
        for p, pred in zip(pages, preds, strict=True)
    )
    out["empty"] = float(sum(1 for pred in preds if not pred.strip()))
    return out


def snippet_scores(pages: Sequence[Page], preds: Sequence[str]) -> dict[str, float]:
    """Snippet counts as trafilatura's evaluation: `with` found = TP, missing = FN; `without` found = FP."""
    tp = fn = fp = tn = 0
    for page, pred in zip(pages, preds, strict=True):
        # Plain substring tests on the raw output, no normalisation, as in trafilatura's evaluate_result.
        tp += sum(1 for s in page.with_ if s in pred)
        fn += sum(1 for s in page.with_ if s not in pred)
        fp += sum(1 for s in page.without if s in pred)
        tn += sum(1 for s in page.without if s not in pred)
    total = tp + fn + fp + tn
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "accuracy": (tp + tn) / total if total else 0.0,
        "tp": float(tp),
        "fn": float(fn),
        "fp": float(fp),
        "tn": float(tn),
        "empty": float(sum(1 for pred in preds if not pred.strip())),
    }


def _timed(run: Callable[[Sequence[str]], list[str]], htmls: Sequence[str]) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    preds = run(htmls)
    return preds, time.perf_counter() - t0


COUNTS = ("tp", "fn", "fp", "tn", "empty")


def _fmt(key: str, value: float) -> str:
    return str(int(value)) if key in COUNTS else f"{value:.4f}"


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=0, help="first N pages of each set (0 = all)")
    ap.add_argument("--sets", default="cleaneval,trafeval", help="comma-separated: cleaneval, trafeval")
    ap.add_argument(
        "--in-process",
        action="store_true",
        help="read and clean the pages in this process (the same text as `newsgraph analyze`, much faster)",
    )
    args = ap.parse_args(argv)
    system = run_newsgraph_in_process if args.in_process else run_newsgraph
    if not SHARED.is_dir():
        sys.exit(f"ERROR: needs the shared datasets and scorers at {SHARED}")
    sets: dict[str, tuple[Callable[[Path, int], list[Page]], Callable[..., dict[str, float]], Path]] = {
        "cleaneval": (load_cleaneval, cleaneval_scores, CLEANEVAL),
        "trafeval": (load_trafilatura_eval, snippet_scores, TRAFILATURA_EVAL),
    }
    ours_summary: dict[str, float] = {}
    base_summary: dict[str, float] = {}
    for name in args.sets.split(","):
        load, score, root = sets[name.strip()]
        pages = load(root, args.limit)
        htmls = [p.html for p in pages]
        ours, ours_s = _timed(system, htmls)
        base, base_s = _timed(run_trafilatura, htmls)
        m_ours, m_base = score(pages, ours), score(pages, base)
        print(f"{name}: {len(pages)} pages (newsgraph {ours_s:.1f}s, trafilatura {base_s:.1f}s)")
        for key in m_ours:
            print(f"  {key:<10} newsgraph={_fmt(key, m_ours[key])} trafilatura={_fmt(key, m_base[key])}"
                  f" diff={m_ours[key] - m_base[key]:+.4f}")  # fmt: skip
        for key in ("f1", "precision", "recall", "accuracy"):
            ours_summary[f"{name}_{key}"] = m_ours[key]
            base_summary[f"trafilatura_{name}_{key}"] = m_base[key]
    print(" ".join(f"{k}={v:.4f}" for k, v in {**ours_summary, **base_summary}.items()))


if __name__ == "__main__":
    main()
