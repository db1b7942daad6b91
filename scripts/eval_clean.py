"""Cleaning on our own labelled set (tests/data/cleaning): exact share, text wrongly lost, leftovers kept."""

# Usage: .venv/bin/python scripts/eval_clean.py [--limit N] [--show]
#
# Each case is `NN-slug.dirty.txt` (as scraped) and `NN-slug.clean.txt` (what a careful editor keeps, written
# by hand before the cleaner ran on it), with an optional `NN-slug.json` labelling what goes where:
#   {"removed": [{"kind": "boilerplate", "text": "Leave a Reply"}, ...], "captions": [{"credit": "..."}],
#    "sections": ["Expert Opinion", ...], "negatives": ["had had", ...]}
# `negatives` are real article text that looks like a leftover; it must survive cleaning.

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.api import analyze
from newsgraph.article import Article, Removed
from newsgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "cleaning"
KINDS = ("boilerplate", "duplicate_title", "caption", "markup", "repeated_word")


@dataclass
class Case:
    """One labelled article: the dirty text, the expected clean text, and the optional labels."""

    name: str
    dirty: str
    clean: str
    labels: dict[str, Any] = field(default_factory=dict)


@dataclass
class Score:
    """How the clean stage did on one case."""

    name: str
    output: str
    exact: bool
    lost: int  # characters of the expected text missing from the output: article text wrongly removed
    kept: int  # characters of the output missing from the expected text: leftovers kept
    found: Counter[str] = field(default_factory=Counter)  # labelled removals found, by kind
    labelled: Counter[str] = field(default_factory=Counter)  # labelled removals, by kind
    missed: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) labelled but not removed
    credits_found: int = 0
    credits: int = 0
    sections_ok: bool | None = None  # None: the case labels no sections
    negatives_lost: list[str] = field(default_factory=list)
    error: str | None = None


def _read(path: Path) -> str:
    # newline="" keeps "\r\n" as written: a case may test Windows line breaks.
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def load_cases(root: Path = CASES, limit: int = 0) -> list[Case]:
    """The cases in name order; a dirty file without its clean file is an error naming it."""
    cases = []
    for dirty in sorted(root.glob("*.dirty.txt")):
        name = dirty.name.removesuffix(".dirty.txt")
        clean = root / f"{name}.clean.txt"
        if not clean.is_file():
            raise FileNotFoundError(f"{dirty}: no expected clean text {clean.name} beside it")
        labels_path = root / f"{name}.json"
        labels = json.loads(labels_path.read_text(encoding="utf-8")) if labels_path.is_file() else {}
        if not isinstance(labels, dict):
            raise ValueError(f"{labels_path}: the labels must be a JSON object")
        cases.append(Case(name=name, dirty=_read(dirty), clean=_read(clean), labels=labels))
    return cases[:limit] if limit else cases


def clean_article(text: str) -> Article:
    """The clean stage alone, through the public API."""
    return analyze(text, source="eval_clean", settings=Settings(stages=("clean",)))


def char_diff(expected: str, output: str) -> tuple[int, int]:
    """(characters of `expected` missing from `output`, characters of `output` not in `expected`)."""
    lost = kept = 0
    matcher = difflib.SequenceMatcher(None, expected, output, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            lost += i2 - i1
        if tag in ("insert", "replace"):
            kept += j2 - j1
    return lost, kept


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def _matches(label: str, removed: str) -> bool:
    """A labelled removal is found when the stage removed the same text, alone or within a larger piece."""
    a, b = _normal(label), _normal(removed)
    return bool(a) and bool(b) and (a == b or a in b or b in a)


def match_removed(labels: Sequence[dict[str, str]], removed: Sequence[Removed]) -> list[bool]:
    """For each labelled removal, whether one of the stage's removals of its kind is it (each used once).

    Same texts pair first, so that a label "Website" does not take the removal of a longer line
    that merely contains the word before that line's own label is looked at.
    """
    used: set[int] = set()
    found = [False] * len(labels)
    for same in (lambda a, b: _normal(a) == _normal(b), _matches):
        for n, label in enumerate(labels):
            if found[n]:
                continue
            for i, r in enumerate(removed):
                if i not in used and r.kind == label["kind"] and same(label["text"], r.text):
                    used.add(i)
                    found[n] = True
                    break
    return found


def score_case(case: Case, article: Article) -> Score:
    output = article.text if article.error is None else ""
    lost, kept = char_diff(case.clean, output)
    score = Score(case.name, output, output == case.clean, lost, kept, error=article.error)
    labels = case.labels.get("removed", [])
    for label, hit in zip(labels, match_removed(labels, article.removed), strict=True):
        score.labelled[label["kind"]] += 1
        if hit:
            score.found[label["kind"]] += 1
        else:
            score.missed.append((label["kind"], label["text"]))
    credits = [c["credit"] for c in case.labels.get("captions", [])]
    got = [c.credit for c in article.captions]
    score.credits = len(credits)
    score.credits_found = sum(1 for c in credits if c in got)
    if "sections" in case.labels:
        score.sections_ok = [s.heading for s in article.sections] == case.labels["sections"]
    score.negatives_lost = [n for n in case.labels.get("negatives", []) if n not in output]
    return score


def evaluate(cases: Sequence[Case]) -> list[Score]:
    """Every case through the clean stage; a case that fails scores as an empty output, the run goes on."""
    scores = []
    for case in cases:
        try:
            article = clean_article(case.dirty)
        except Exception as exc:  # one broken case must not stop the evaluation
            article = Article.failed(case.name, f"{type(exc).__name__}: {exc}")
        if article.error:
            print(f"ERROR {case.name}: {article.error}", file=sys.stderr)
        scores.append(score_case(case, article))
    return scores


def summary(scores: Sequence[Score]) -> dict[str, float]:
    """The set's figures: cases, exact share, characters lost and kept, recall by kind, and the rest."""
    found: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    for s in scores:
        found.update(s.found)
        labelled.update(s.labelled)
    with_sections = [s for s in scores if s.sections_ok is not None]
    out: dict[str, float] = {
        "cases": float(len(scores)),
        "exact": sum(s.exact for s in scores) / len(scores) if scores else 0.0,
        "lost_chars": float(sum(s.lost for s in scores)),
        "kept_chars": float(sum(s.kept for s in scores)),
        "negatives_lost": float(sum(len(s.negatives_lost) for s in scores)),
        "errors": float(sum(1 for s in scores if s.error)),
    }
    for kind in KINDS:
        if labelled[kind]:
            out[f"recall_{kind}"] = found[kind] / labelled[kind]
    credits = sum(s.credits for s in scores)
    if credits:
        out["caption_credits"] = sum(s.credits_found for s in scores) / credits
    if with_sections:
        out["sections_exact"] = sum(1 for s in with_sections if s.sections_ok) / len(with_sections)
    return out


COUNTS = ("cases", "lost_chars", "kept_chars", "negatives_lost", "errors")


def _fmt(key: str, value: float) -> str:
    return str(int(value)) if key in COUNTS else f"{value:.4f}"


def show(case: Case, score: Score) -> None:
    """A failing case: its unified diff (expected -> output), missed removals, lost negatives."""
    print(
        f"--- {case.name}: lost={score.lost} kept={score.kept}"
        + (f" error={score.error}" if score.error else "")
    )
    if not score.exact:
        diff = difflib.unified_diff(
            case.clean.splitlines(keepends=True),
            score.output.splitlines(keepends=True),
            "expected",
            "output",
            n=0,
        )
        sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in diff)
    for kind, text in score.missed:
        print(f"  missed {kind}: {text!r}")
    for text in score.negatives_lost:
        print(f"  negative lost: {text!r}")
    if score.sections_ok is False:
        print(f"  sections expected: {case.labels['sections']}")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=0, help="first N cases (0 = all)")
    ap.add_argument("--show", action="store_true", help="print the diff of every case not cleaned exactly")
    ap.add_argument("--cases", type=Path, default=CASES, help=f"folder of cases (default {CASES})")
    args = ap.parse_args(argv)
    if not args.cases.is_dir():
        sys.exit(f"ERROR: no folder of cleaning cases at {args.cases}")
    try:
        cases = load_cases(args.cases, args.limit)
    except (OSError, ValueError) as exc:
        sys.exit(f"ERROR: {exc}")
    scores = evaluate(cases)
    if args.show:
        for case, score in zip(cases, scores, strict=True):
            if not score.exact or score.missed or score.negatives_lost or score.sections_ok is False:
                show(case, score)
    figures = summary(scores)
    print(f"cleaning: {len(cases)} cases from {args.cases}")
    for key, value in figures.items():
        print(f"  {key:<24} {_fmt(key, value)}")
    print(" ".join(f"{k}={_fmt(k, v)}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
