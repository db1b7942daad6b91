"""Score the claims, events and predictions stages on our labelled development set (tests/data/claims).

Each article `NN_name.txt` has its hand-written expectations in `NN_name.json`:
claims (value, upper, qualifier, unit, source, place, date), events (type, participants, place,
date) and predictions (speaker, stance). Found and expected items are paired greedily (a claim by
its value, an event by its type, a prediction by its speaker); precision and recall are counted
per kind, and each field of the paired items is scored: a field's precision is over the pairs
where the stage gave a value, its recall over the pairs where the label has one.

    .venv/bin/python scripts/eval_claims.py [--limit N] [--show] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsgraph.article import Article, Claim, Event, Prediction
from newsgraph.pipeline import DEFAULT_STAGES, Pipeline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "claims"
EXTRA_STAGES = ("claims", "events", "predictions")
CLAIM_FIELDS = ("qualifier", "unit", "source", "place", "date", "upper")


def pipeline() -> Pipeline:
    import newsgraph.analyze.claims
    import newsgraph.analyze.events
    import newsgraph.analyze.predictions  # noqa: F401  (registers the stages)

    names = list(DEFAULT_STAGES) + [s for s in EXTRA_STAGES if s not in DEFAULT_STAGES]
    return Pipeline.build(names, on_error="record")


def cases(limit: int | None = None) -> list[tuple[Path, dict[str, Any]]]:
    paths = sorted(DATA.glob("*.txt"))[:limit]
    return [(p, json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))) for p in paths]


def _same_name(expected: str | None, found: str | None) -> bool:
    if expected is None or found is None:
        return expected is None and found is None
    a, b = expected.lower(), found.lower()
    return a in b or b in a


def _same_unit(expected: str | None, found: str | None) -> bool:
    def norm(u: str | None) -> str | None:
        if u is None:
            return None
        u = u.lower().replace("kilometers", "km").replace("kilometres", "km").replace("-", " ")
        return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in u.split())

    return _same_name(norm(expected), norm(found))


class _Counts:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        self.c[key] += n

    def pr(self, key: str) -> tuple[float, float]:
        tp, found, expected = self.c[f"{key}.tp"], self.c[f"{key}.found"], self.c[f"{key}.expected"]
        return (tp / found if found else 1.0, tp / expected if expected else 1.0)


def _claim_fields(article: Article, c: Claim) -> dict[str, Any]:
    names = {e.id: e.name for e in article.entities}
    quotes = {q.id: q for q in article.quotes}
    source = names.get(c.source_entity or "")
    if source is None and c.quote in quotes:
        speaker = quotes[c.quote].speaker
        source = speaker.name if speaker is not None else None
    place = article.places[c.place] if c.place is not None else None
    date = article.dates[c.date].value if c.date is not None else None
    return {
        "value": c.value,
        "upper": getattr(c, "upper", None),
        "qualifier": c.qualifier,
        "unit": c.unit,
        "source": source,
        "place": f"{place.name}|{place.text}" if place is not None else None,
        "date": date,
    }


def _field_ok(name: str, expected: Any, found: Any) -> bool:
    if name == "unit":
        return _same_unit(expected, found)
    if name in ("source",):
        return _same_name(expected, found)
    if name == "place":
        if expected is None or found is None:
            return expected is None and found is None
        return any(_same_name(expected, part) for part in str(found).split("|"))
    if name == "date":
        if expected is None or found is None:
            return expected is None and found is None
        return str(found).startswith(str(expected))
    if name == "upper" and expected is not None and found is not None:
        return abs(float(expected) - float(found)) < 1e-6
    return bool(expected == found)


def _pair(
    expected: Sequence[dict[str, Any]], found: Sequence[dict[str, Any]], key: Callable[[Any, Any], bool]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    used: set[int] = set()
    for e in expected:
        for i, f in enumerate(found):
            if i not in used and key(e, f):
                used.add(i)
                pairs.append((e, f))
                break
    return pairs


def score(limit: int | None = None, show: bool = False, out: Any = sys.stdout) -> dict[str, float]:
    """Precision and recall per kind and per claim field over the development set."""
    pipe = pipeline()
    counts = _Counts()
    for path, expected in cases(limit):
        article = pipe(
            Article.from_raw(
                path.read_text(encoding="utf-8"), source=str(path), published=expected["published"]
            )
        )
        if article.error:
            print(f"{path.name}: {article.error}", file=out)
        _score_claims(article, expected["claims"], counts, show, path.name, out)
        _score_events(article, expected["events"], counts, show, path.name, out)
        _score_predictions(article, expected["predictions"], counts, show, path.name, out)
    summary: dict[str, float] = {}
    for kind in ("claims", "events", "predictions"):
        p, r = counts.pr(kind)
        summary[f"{kind}.precision"], summary[f"{kind}.recall"] = round(p, 3), round(r, 3)
        summary[f"{kind}.f1"] = round(2 * p * r / (p + r), 3) if p + r else 0.0
    fields = [f for f in CLAIM_FIELDS if f != "upper" or "upper" in Claim.model_fields]
    for key in (
        *(f"claims.{f}" for f in fields),
        "events.participants",
        "events.place",
        "predictions.stance",
    ):
        p, r = counts.pr(key)
        summary[f"{key}.precision"], summary[f"{key}.recall"] = round(p, 3), round(r, 3)
    for key in ("claims", "events", "predictions"):
        summary[f"{key}.expected"] = counts.c[f"{key}.expected"]
        summary[f"{key}.found"] = counts.c[f"{key}.found"]
    return summary


def _score_claims(
    article: Article, expected: list[dict[str, Any]], counts: _Counts, show: bool, name: str, out: Any
) -> None:
    found = [_claim_fields(article, c) for c in article.claims]
    pairs = _pair(expected, found, lambda e, f: abs(float(e["value"]) - float(f["value"])) < 1e-6)
    counts.add("claims.tp", len(pairs))
    counts.add("claims.found", len(found))
    counts.add("claims.expected", len(expected))
    for e, f in pairs:
        for field in CLAIM_FIELDS:
            if field == "upper" and "upper" not in Claim.model_fields:
                continue
            ev, fv = e.get(field), f.get(field)
            ok = _field_ok(field, ev, fv)
            counts.add(f"claims.{field}.found", fv is not None)
            counts.add(f"claims.{field}.expected", ev is not None)
            counts.add(f"claims.{field}.tp", ok and fv is not None and ev is not None)
            # A field both leave empty is right, and counts for neither side.
            if show and not ok:
                print(f"{name}: claim {e['value']} {field}: expected {ev!r}, found {fv!r}", file=out)
    if show:
        paired = {id(f) for _, f in pairs}
        for f in found:
            if id(f) not in paired:
                print(f"{name}: extra claim {f}", file=out)
        matched = {id(e) for e, _ in pairs}
        for e in expected:
            if id(e) not in matched:
                print(f"{name}: missed claim {e}", file=out)


def _event_fields(article: Article, v: Event) -> dict[str, Any]:
    names = {e.id: e.name for e in article.entities}
    place = article.places[v.place] if v.place is not None else None
    return {
        "type": v.type,
        "participants": [names.get(p, p) for p in v.participants],
        "place": f"{place.name}|{place.text}" if place is not None else None,
    }


def _score_events(
    article: Article, expected: list[dict[str, Any]], counts: _Counts, show: bool, name: str, out: Any
) -> None:
    found = [_event_fields(article, v) for v in article.events]
    pairs = _pair(expected, found, lambda e, f: e["type"] == f["type"])
    counts.add("events.tp", len(pairs))
    counts.add("events.found", len(found))
    counts.add("events.expected", len(expected))
    for e, f in pairs:
        hits = sum(any(_same_name(x, y) for y in f["participants"]) for x in e["participants"])
        counts.add("events.participants.expected", len(e["participants"]))
        counts.add("events.participants.found", len(f["participants"]))
        hits_found = sum(any(_same_name(x, y) for x in e["participants"]) for y in f["participants"])
        counts.add("events.participants.tp", min(hits, hits_found))
        ok = _field_ok("place", e["place"], f["place"])
        counts.add("events.place.found", f["place"] is not None)
        counts.add("events.place.expected", e["place"] is not None)
        counts.add("events.place.tp", ok and e["place"] is not None)
        if show and (not ok or hits < len(e["participants"])):
            print(f"{name}: event {e['type']}: expected {e}, found {f}", file=out)
    if show:
        for f in found[len(pairs) :] if len(found) > len(pairs) else []:
            print(f"{name}: extra or unpaired event {f}", file=out)


def _score_predictions(
    article: Article, expected: list[dict[str, Any]], counts: _Counts, show: bool, name: str, out: Any
) -> None:
    names = {e.id: e.name for e in article.entities}

    def fields(p: Prediction) -> dict[str, Any]:
        return {"speaker": names.get(p.speaker or ""), "stance": p.stance, "text": p.text}

    found = [fields(p) for p in article.predictions]
    # Pair by speaker, the same stance first.
    pairs = _pair(
        expected, found, lambda e, f: _same_name(e["speaker"], f["speaker"]) and e["stance"] == f["stance"]
    )
    rest_e = [e for e in expected if all(e is not x for x, _ in pairs)]
    rest_f = [f for f in found if all(f is not y for _, y in pairs)]
    pairs += _pair(rest_e, rest_f, lambda e, f: _same_name(e["speaker"], f["speaker"]))
    counts.add("predictions.tp", len(pairs))
    counts.add("predictions.found", len(found))
    counts.add("predictions.expected", len(expected))
    for e, f in pairs:
        ok = e["stance"] == f["stance"]
        counts.add("predictions.stance.found")
        counts.add("predictions.stance.expected")
        counts.add("predictions.stance.tp", ok)
        if show and not ok:
            print(
                f"{name}: prediction of {e['speaker']}: stance {e['stance']} expected, {f['stance']} found",
                file=out,
            )
    if show:
        for f in found:
            if all(f is not y for _, y in pairs):
                print(f"{name}: extra prediction {f}", file=out)
        for e in expected:
            if all(e is not x for x, _ in pairs):
                print(f"{name}: missed prediction {e}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--show", action="store_true", help="print every mismatch")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    summary = score(args.limit, args.show)
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        for key, value in summary.items():
            print(f"{key:<34} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
