"""Places on GeoWebNews: newsgraph's places stage and a plain spaCy baseline, side by side.

    .venv/bin/python scripts/eval_places.py [--limit N] [--system CMD] [--data DIR]

The metrics and the matching are those of ../shared/eval/score_geo.py (the TR-News/LGL scorer),
applied to GeoWebNews (../shared/datasets/geo/geowebnews/GWN.xml, 200 articles):

  det_p/r/f     toponym detection; a predicted place matches a gold toponym when their character
                spans overlap; one-to-one, greedy, best overlap/max(len) first.
  acc161        share of matched gold toponyms whose predicted coordinates lie within 161 km of
                gold; a prediction without coordinates counts as a miss.
  mean_km, median_km, coord_cov   over matched pairs where the system gave coordinates.
  e2e_p/r/f     a hit needs overlap AND distance <= 161 km.

Which gold toponyms count: those with coordinates (a GeoNames id or a latitude/longitude), 2,601
of 6,612 annotations. This mirrors score_geo.py, where every gold toponym names a place; the
GeoWebNews annotations without coordinates are not places (Demonym for people such as
"Canadians", Language, Homonym, Non_Toponym such as "Arizona State University", and the
Literal/Non_Lit_Expression common nouns such as "the area") and are left out. As in
score_geo.py, a gold span whose text differs from its extractedName is moved to the nearest
occurrence of the name (within 60 characters).

Of the counted toponyms, 358 are adjectival modifiers ("Russian news outlets": type *_Modifier,
Mixed or Embedded_* with modifierType Adjective). newsgraph treats demonyms as peoples, not
places, so the same run also prints detection without them (det_*_noadj).

The system runs as the scorers run it: `SYSTEM analyze --as-is --format jsonl FILE...` on
temporary files, in batches. The baseline runs in this process: spaCy's GPE and LOC entities,
each placed at the most populous gazetteer entry of its name.

The last line printed is `metric=value ...`: newsgraph's figures, then the baseline's (base_*).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "geo" / "geowebnews"
DEFAULT_SYSTEM = str(ROOT / ".venv" / "bin" / "newsgraph")

Span = tuple[int, int]
Coord = tuple[float, float]


@dataclass
class Gold:
    span: Span
    coord: Coord
    adjective: bool


@dataclass
class Doc:
    id: str
    text: str
    gold: list[Gold] = field(default_factory=list)


# --------------------------------------------------------------------------- data


def realign(text: str, s: int, e: int, phrase: str) -> tuple[int, int, bool]:
    """score_geo.py's rule: a span whose text is not its phrase moves to the nearest occurrence."""
    if text[s:e] == phrase or not phrase:
        return s, e, False
    hits = [i for i in range(max(0, s - 60), min(len(text), s + 60)) if text.startswith(phrase, i)]
    if not hits:
        return s, e, False
    i = min(hits, key=lambda i: abs(i - s))
    return i, i + len(phrase), True


def load(data: Path) -> list[Doc]:
    path = data / "GWN.xml" if data.is_dir() else data
    if not path.is_file():
        sys.exit(f"ERROR: GWN.xml not found under {data}; pass its folder with --data")
    docs: list[Doc] = []
    moved = total = 0
    for art in ET.parse(path).getroot().iter("article"):
        doc = Doc(id=art.get("file") or str(len(docs)), text=art.findtext("text") or "")
        for tp in art.iter("toponym"):
            total += 1
            lat, lon = tp.findtext("latitude"), tp.findtext("longitude")
            if not (lat and lon):
                continue  # not a place: a demonym, a language, an expression (see the docstring)
            s, e, fixed = realign(doc.text, int(tp.findtext("start") or 0), int(tp.findtext("end") or 0),
                                  tp.findtext("extractedName") or "")  # fmt: skip
            moved += fixed
            adjective = tp.findtext("modifierType") == "Adjective"
            doc.gold.append(Gold((s, e), (float(lat), float(lon)), adjective))
        docs.append(doc)
    counted = sum(len(d.gold) for d in docs)
    print(f"geowebnews: {len(docs)} docs, {counted} of {total} toponyms counted (with coordinates), "
          f"{moved} gold spans realigned", file=sys.stderr)  # fmt: skip
    return docs


# --------------------------------------------------------------------------- running the system


Record = dict[str, Any]


def run_system(
    system: str, texts: Sequence[str], batch: int, timeout: float, keep: bool
) -> tuple[list[Record], float]:
    """Run `SYSTEM analyze --as-is --format jsonl FILE...` as ../shared/eval/common.py does."""
    tmp = tempfile.mkdtemp(prefix="ng_places_")
    results: list[Record] = []
    seconds = 0.0
    try:
        for b0 in range(0, len(texts), max(1, batch)):
            chunk = texts[b0 : b0 + max(1, batch)]
            paths = []
            for i, text in enumerate(chunk, b0):
                p = os.path.join(tmp, f"doc{i:05d}.txt")
                with open(p, "w", encoding="utf-8", newline="") as f:
                    f.write(text)
                paths.append(p)
            cmd = [*shlex.split(system), "analyze", "--as-is", "--format", "jsonl", *paths]
            limit = 60 + timeout * len(chunk)
            t0 = time.time()
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=limit, check=False)
            except subprocess.TimeoutExpired:
                sys.exit(f"ERROR: system timed out after {limit:.0f}s on docs {b0}..{b0 + len(chunk) - 1}")
            except OSError as e:
                sys.exit(f"ERROR: cannot run system {cmd[:3]}...: {e}")
            seconds += time.time() - t0
            err = proc.stderr.decode("utf-8", "replace")
            if proc.returncode != 0:
                sys.exit(f"ERROR: system exited {proc.returncode}\n{err[-3000:]}")
            lines = [ln for ln in proc.stdout.decode("utf-8").split("\n") if ln.strip()]
            if len(lines) != len(chunk):
                sys.exit(f"ERROR: expected {len(chunk)} JSON lines, got {len(lines)}\n{err[-2000:]}")
            for p, text, line in zip(paths, chunk, lines, strict=True):
                record = json.loads(line)
                if record.get("text") != text:
                    sys.exit(f"ERROR: --as-is text changed for {p}")
                results.append(record)
            print(f"  system: {len(results)} docs, {seconds:.0f}s", file=sys.stderr)
    finally:
        if keep:
            print(f"  inputs kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return results, seconds


def predictions(record: Record) -> list[tuple[Span, Coord | None]]:
    out: list[tuple[Span, Coord | None]] = []
    for p in record.get("places") or []:
        try:
            span = (int(p["start"]), int(p["end"]))
        except (KeyError, TypeError, ValueError):
            continue
        if span[1] <= span[0]:
            continue
        try:
            coord: Coord | None = (float(p["lat"]), float(p["lon"]))
        except (KeyError, TypeError, ValueError):
            coord = None
        out.append((span, coord))
    return out


# --------------------------------------------------------------------------- the baseline


def baseline(texts: Sequence[str]) -> tuple[list[list[tuple[Span, Coord | None]]], float]:
    """spaCy GPE/LOC entities, each at the most populous gazetteer entry of its name."""
    from newsgraph import nlp as nlp_module
    from newsgraph.analyze.gazetteer import Gazetteer

    nlp = nlp_module.load()
    gazetteer = Gazetteer.get()
    t0 = time.time()
    out = []
    for doc in nlp.pipe(texts, batch_size=16):
        preds: list[tuple[Span, Coord | None]] = []
        for ent in doc.ents:
            if ent.label_ not in ("GPE", "LOC"):
                continue
            found = gazetteer.lookup(ent.text)
            best = max(found, key=lambda c: c.population) if found else None
            preds.append(((ent.start_char, ent.end_char), (best.lat, best.lon) if best else None))
        out.append(preds)
    return out, time.time() - t0


# --------------------------------------------------------------------------- scoring


def haversine(a: Coord, b: Coord) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlap_ratio(a: Span, b: Span) -> float:
    return overlap(a, b) / max(a[1] - a[0], b[1] - b[0], 1)


def greedy_match(
    gold: Sequence[Span], pred: Sequence[Span], score: Callable[[Span, Span], float]
) -> list[tuple[int, int]]:
    """One-to-one greedy matching on overlapping spans, best-scoring pairs first."""
    cands = sorted(
        (-score(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if overlap(g, p) > 0
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(
    docs: Sequence[Doc], preds: Sequence[Sequence[tuple[Span, Coord | None]]], prefix: str
) -> dict[str, float | int]:
    m: dict[str, float | int] = {}
    ngold = npred = nmatch = ngeo = hit161 = 0
    ngold_na = nmatch_na = npred_na = 0
    errors: list[float] = []
    for doc, pred in zip(docs, preds, strict=True):
        pairs = greedy_match([g.span for g in doc.gold], [p[0] for p in pred], overlap_ratio)
        ngold, npred, nmatch = ngold + len(doc.gold), npred + len(pred), nmatch + len(pairs)
        for gi, pi in pairs:
            ngeo += 1
            pc = pred[pi][1]
            if pc is not None:
                km = haversine(doc.gold[gi].coord, pc)
                errors.append(km)
                hit161 += km <= 161
        # Detection again without the adjectival toponyms: their matches leave the count too.
        adjectival = {gi for gi, g in enumerate(doc.gold) if g.adjective}
        ngold_na += len(doc.gold) - len(adjectival)
        nmatch_na += sum(1 for gi, _ in pairs if gi not in adjectival)
        npred_na += len(pred) - sum(1 for gi, _ in pairs if gi in adjectival)
    m[f"{prefix}det_p"], m[f"{prefix}det_r"], m[f"{prefix}det_f"] = prf(nmatch, npred, ngold)
    m[f"{prefix}acc161"] = hit161 / max(1, ngeo)
    m[f"{prefix}mean_km"] = statistics.mean(errors) if errors else float("nan")
    m[f"{prefix}median_km"] = statistics.median(errors) if errors else float("nan")
    m[f"{prefix}coord_cov"] = len(errors) / max(1, ngeo)
    m[f"{prefix}e2e_p"], m[f"{prefix}e2e_r"], m[f"{prefix}e2e_f"] = prf(hit161, npred, ngold)
    m[f"{prefix}det_p_noadj"], m[f"{prefix}det_r_noadj"], m[f"{prefix}det_f_noadj"] = prf(
        nmatch_na, npred_na, ngold_na
    )
    m[f"{prefix}gold"] = ngold
    m[f"{prefix}pred"] = npred
    return m


def summary_line(metrics: dict[str, float | int]) -> str:
    return " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--system", default=DEFAULT_SYSTEM, help="command prefix (default: the project's newsgraph)"
    )
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding GWN.xml")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents (0 = all)")
    ap.add_argument("--batch", type=int, default=100, help="documents per system invocation")
    ap.add_argument(
        "--timeout", type=float, default=30.0, help="seconds allowed per document (+60 s per call)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temp dir with the inputs")
    ap.add_argument("--no-baseline", action="store_true", help="skip the spaCy baseline")
    args = ap.parse_args()

    docs = load(args.data)
    if args.limit:
        docs = docs[: args.limit]
    texts = [d.text for d in docs]
    records, seconds = run_system(args.system, texts, args.batch, args.timeout, args.keep)
    metrics = score(docs, [predictions(r) for r in records], "")
    metrics["docs"] = len(docs)
    metrics["sys_seconds"] = round(seconds, 1)
    if not args.no_baseline:
        base_preds, _ = baseline(texts)
        base = score(docs, base_preds, "base_")
        for key in ("det_f", "acc161", "e2e_f", "det_f_noadj"):
            print(f"{key}: newsgraph={metrics[key]:.4f} baseline={base['base_' + key]:.4f} "
                  f"diff={float(metrics[key]) - float(base['base_' + key]):+.4f}")  # fmt: skip
        metrics.update(base)
    print(summary_line(metrics))


if __name__ == "__main__":
    main()
