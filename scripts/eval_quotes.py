"""Score the quotes stage on PolNeAR beside textacy's direct_quotations, and derive the cue lexicon.

    .venv/bin/python scripts/eval_quotes.py                 # dev: newsgraph, then textacy, same matching
    .venv/bin/python scripts/eval_quotes.py --limit 20      # the subset the test suite pins
    .venv/bin/python scripts/eval_quotes.py --wire-marks    # also: '' and `` counted as quotation marks
    .venv/bin/python scripts/eval_quotes.py --derive-lexicon src/newsgraph/analyze/cues.py

newsgraph is scored by running the shared scorer unchanged (`score_quotes.py --system ...`).
The baseline runs textacy over the same spaCy pipeline and is scored in-process with the
scorer's own loader and matching functions, imported from ../shared/eval. The lexicon is
derived from PolNeAR *train* only: counts, never texts, are written. The baseline needs textacy:
`.venv/bin/pip install -e ".[eval]"` (or pass --no-baseline).
"""

from __future__ import annotations

import argparse
import collections
import importlib
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from shared_scorer import ROOT, SHARED, run_scorer

POLNEAR = SHARED / "datasets" / "quotes" / "polnear"
SCORER = SHARED / "eval" / "score_quotes.py"


def scorer_module() -> ModuleType:
    """The shared scorer, imported (not copied) so both systems get the same loader and matching."""
    sys.path.insert(0, str(SCORER.parent))
    return importlib.import_module("score_quotes")


def default_system() -> str:
    venv = ROOT / ".venv" / "bin" / "newsgraph"
    return str(venv) if venv.exists() else (shutil.which("newsgraph") or "newsgraph")


def run_polnear(system: str, data: Path, split: str, limit: int) -> dict[str, str]:
    """Run the shared scorer on `system`; echo and parse its `metric=value` summary line."""
    try:
        return run_scorer(
            "score_quotes.py", "--data", str(data), "--split", split, system=system, limit=limit, echo=True
        )
    except RuntimeError as exc:
        sys.exit(str(exc))


# The wire marks of some publishers (the New York Times in PolNeAR writes ''…''). The shared
# scorer's direct subset counts only the glyphs in its QUOTE_CHARS, so their quotations count as
# not direct there: --wire-marks scores the direct subset with them as well, for comparison.
WIRE_MARKS = ("''", "``")


def score_records(
    sq: ModuleType,
    docs: Sequence[dict[str, Any]],
    results: Sequence[dict[str, Any]],
    marks: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The scorer's aggregation over records, built from its own functions (mirrors score_quotes.main).
    `marks`: the strings that make a gold content direct (default: the scorer's QUOTE_CHARS)."""
    marks = sq.QUOTE_CHARS if marks is None else marks
    common = sys.modules["common"]
    tot: collections.Counter[str] = collections.Counter()
    for d, r in zip(docs, results, strict=True):
        gold = d["gold"]
        ent_names = {e.get("id"): e.get("name") for e in common.items(r, "entities") if isinstance(e, dict)}
        preds = [
            (q, common.span(q)) for q in common.items(r, "quotes") if isinstance(q, dict) and common.span(q)
        ]
        is_direct = [any(ch in d["text"][s:e] for ch in marks) for (s, e), _, _ in gold]
        direct_pred = [q.get("kind") in sq.DIRECT_KINDS for q, _ in preds]
        subsets = (("all", [True] * len(gold), [True] * len(preds)), ("direct", is_direct, direct_pred))
        for name, gold_in, pred_in in subsets:
            ng, npred, nm, good = sq.score_pairs(
                gold, preds, ent_names, gold_in.__getitem__, pred_in.__getitem__
            )
            tot[name + "_gold"] += ng
            tot[name + "_pred"] += npred
            tot[name + "_match"] += nm
            tot[name + "_good"] += good
    m: dict[str, Any] = {}
    for name, pre in (("all", "content"), ("direct", "direct")):
        common.put_prf(m, pre, tot[name + "_match"], tot[name + "_pred"], tot[name + "_gold"])
    for name, pre in (("all", "e2e"), ("direct", "e2e_direct")):
        common.put_prf(m, pre, tot[name + "_good"], tot[name + "_pred"], tot[name + "_gold"])
    m["speaker_acc"] = tot["all_good"] / max(1, tot["all_match"])
    m["speaker_acc_direct"] = tot["direct_good"] / max(1, tot["direct_match"])
    m.update(gold=tot["all_gold"], gold_direct=tot["direct_gold"], pred=tot["all_pred"],
             pred_direct=tot["direct_pred"])  # fmt: skip
    return m


def textacy_records(texts: Iterable[str]) -> tuple[list[dict[str, Any]], int]:
    """textacy's direct_quotations over newsgraph's spaCy pipeline, as newsgraph-shaped records,
    and the number of documents it refused (an odd number of quotation marks)."""
    from textacy.extract.triples import direct_quotations

    from newsgraph import nlp as nlp_module

    nlp = nlp_module.load()
    records = []
    refused = 0
    for doc in nlp.pipe(texts, batch_size=16):
        quotes: list[dict[str, Any]] = []
        try:
            found = list(direct_quotations(doc))
        except ValueError:  # textacy refuses texts with an odd number of quotation marks
            found, refused = [], refused + 1
        for q in found:
            speaker = q.speaker
            quotes.append({
                "text": q.content.text, "start": q.content.start_char, "end": q.content.end_char,
                "kind": "direct",
                "speaker": {"entity": None, "name": " ".join(t.text for t in speaker),
                            "start": speaker[0].idx, "end": speaker[-1].idx + len(speaker[-1].text)},
            })  # fmt: skip
        records.append({"entities": [], "quotes": quotes})
    return records, refused


def newsgraph_records(texts: Iterable[str]) -> list[dict[str, Any]]:
    """newsgraph's records for `texts`, in process, as `newsgraph analyze --as-is` writes them."""
    from newsgraph.api import analyze_articles
    from newsgraph.article import Article
    from newsgraph.settings import Settings

    articles = (Article.from_raw(t, as_is=True) for t in texts)
    return [a.to_dict() for a in analyze_articles(articles, Settings(as_is=True))]


def speed(texts: Sequence[str]) -> tuple[float, float]:
    """Seconds for the spaCy pass and for the quotes stage alone over `texts` (entities run untimed)."""
    from newsgraph import nlp as nlp_module
    from newsgraph.analyze import entities, quotes, roles
    from newsgraph.article import Article

    nlp = nlp_module.load()
    articles = [Article.from_raw(t, as_is=True) for t in texts]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse = time.perf_counter() - t0
    for a, doc in zip(articles, docs, strict=True):
        a.doc = doc
        entities.extract_entities(a)
        roles.extract_roles(a)
    t0 = time.perf_counter()
    for a in articles:
        quotes.extract_quotes(a)
    return parse, time.perf_counter() - t0


def fmt(m: dict[str, Any]) -> str:
    keys = ("e2e_direct_f", "e2e_f", "speaker_acc", "content_f", "direct_f", "e2e_p", "e2e_r", "pred", "gold")
    return " ".join(f"{k}={float(m[k]):.4f}" if "." in str(m[k]) else f"{k}={m[k]}" for k in keys if k in m)


# --- the cue lexicon, derived from PolNeAR train --------------------------------------------------

# Dependents of a cue verb whose subtree can be the reported content.
FRAME_DEPS = frozenset({"ccomp", "xcomp", "dobj", "prep", "advcl", "oprd", "acomp", "attr"})


def _content_of(child: Any) -> tuple[int, int]:
    """Character extent of what a dependent reports: a clause, an object, or a preposition's object."""
    node = child
    if child.dep_ == "prep":
        objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
        node = objects[0] if objects else child
    return node.left_edge.idx, node.right_edge.idx + len(node.right_edge)


def _gold_events(ann: str) -> list[tuple[tuple[int, int], tuple[int, int] | None, bool]]:
    """(content, cue, has a source) of every attribution in a brat file."""
    spans: dict[str, tuple[int, int]] = {}
    events = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            locs = parts[1].split(" ", 1)[1]
            frags = [tuple(map(int, f.split())) for f in locs.split(";")]
            spans[parts[0]] = (frags[0][0], frags[-1][1])
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(a.split(":", 1) for a in parts[1].split()))
    out = []
    for ev in events:
        cue = spans.get(ev.get("Cue", ""))
        for role in ("Content", "Content2"):
            if ev.get(role) in spans:
                out.append((spans[ev[role]], cue, ev.get("Source") in spans))
    return out


def derive_lexicon(out: Path, data: Path) -> None:
    """Count, over PolNeAR train, how often each cue lemma introduces a quotation, and how often each
    (lemma, dependent) frame reports content, against all its occurrences; write the counts."""
    sq = scorer_module()
    common = sys.modules["common"]
    from newsgraph import nlp as nlp_module
    from newsgraph.analyze.attribution import find_quotations

    docs = sq.load(common.Data(str(data)), "train")
    root = data / "train" / "attributions"
    nlp = nlp_module.load()
    direct: collections.Counter[str] = collections.Counter()
    hits: collections.Counter[tuple[str, str]] = collections.Counter()
    sourceless: collections.Counter[tuple[str, str]] = collections.Counter()
    seen: collections.Counter[tuple[str, str]] = collections.Counter()
    for d, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=16), strict=True):
        events = _gold_events((root / f"{d['id']}_{d['annotator']}.ann").read_text(encoding="utf-8"))
        by_token: dict[int, list[tuple[tuple[int, int], bool]]] = collections.defaultdict(list)
        for content, cue, sourced in events:
            span = doc.char_span(*cue, alignment_mode="expand") if cue else None
            if not span:
                continue
            for t in span:
                by_token[t.i].append((content, sourced))
            head = span.root
            if head.pos_ == "VERB" and any(ch in d["text"][content[0] : content[1]] for ch in sq.QUOTE_CHARS):
                direct[head.lemma_.lower()] += 1
        # Frames are counted where the stage looks for them: outside quotation marks.
        quoted = [(q.start, q.end) for q in find_quotations(d["text"])]
        for t in doc:
            if t.pos_ not in ("VERB", "AUX") or any(s <= t.idx < e for s, e in quoted):
                continue
            for child in t.children:
                if child.dep_ not in FRAME_DEPS:
                    continue
                frame = (t.lemma_.lower(), child.dep_ if child.dep_ != "prep" else "prep:" + child.lower_)
                seen[frame] += 1
                extent = _content_of(child)
                match = next(
                    (g for g in by_token.get(t.i, ()) if common.overlap_ratio(extent, g[0]) >= 0.5), None
                )
                if match is not None:
                    hits[frame] += 1
                    sourceless[frame] += not match[1]
    # Keep what the data can speak for: a lemma seen as a quotation cue 3+ times; a frame that
    # reported content 5+ times and in at least a fifth of its uses (the stage applies its own cut).
    direct_rows = sorted(((n, k) for k, n in direct.items() if n >= 3), key=lambda r: (-r[0], r[1]))
    frame_rows = sorted(
        ((hits[k], seen[k], sourceless[k], k) for k in hits if hits[k] >= 5 and hits[k] / seen[k] >= 0.2),
        key=lambda r: (-r[0], r[3]),
    )
    lines = [
        '"""Cue lexicon of the quotes stage, counted on PolNeAR train by scripts/eval_quotes.py."""',
        "",
        "# Generated: do not edit by hand. Counts only; no text of the corpus is kept.",
        f"# PolNeAR v1.0.0 train: {len(docs)} articles (first annotator of each), spaCy {nlp.meta['name']} "
        f"{nlp.meta['version']}.",
        "",
        "# Verb lemma -> times it was the cue of a gold content holding a quotation mark.",
        "QUOTATION_CUES: dict[str, int] = {",
        *(f'    "{k}": {n},' for n, k in direct_rows),
        "}",
        "",
        "# (verb lemma, dependent) -> (times that dependent's subtree was a gold content of the verb as cue,",
        "# times the frame occurs outside quotation marks, times its gold content had no source).",
        "# Dependent is a dependency label, or prep:<word>.",
        "REPORT_FRAMES: dict[tuple[str, str], tuple[int, int, int]] = {",
        *(f'    ("{k[0]}", "{k[1]}"): ({h}, {n}, {z}),' for h, n, z, k in frame_rows),
        "}",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out}: {len(direct_rows)} quotation cues, {len(frame_rows)} report frames")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--system", default=default_system(), help="newsgraph command (default: .venv/bin/newsgraph)"
    )
    ap.add_argument("--data", type=Path, default=POLNEAR, help="PolNeAR root (default: ../shared/...)")
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--limit", type=int, default=0, help="first N documents only (0 = all)")
    ap.add_argument("--no-baseline", action="store_true", help="score newsgraph only")
    ap.add_argument("--speed", action="store_true", help="also time the quotes stage against the spaCy pass")
    ap.add_argument(
        "--wire-marks",
        action="store_true",
        help="also score newsgraph (in process) with '' and `` counted as quotation marks",
    )
    ap.add_argument("--derive-lexicon", type=Path, metavar="OUT", help="write the cue lexicon from train")
    args = ap.parse_args(argv)
    if not SCORER.is_file():
        sys.exit(f"needs the shared scorer at {SCORER}")
    if args.derive_lexicon:
        derive_lexicon(args.derive_lexicon, args.data)
        return 0

    ours = run_polnear(args.system, args.data, args.split, args.limit)
    print("newsgraph:", fmt(ours), flush=True)
    sq = scorer_module()
    docs = sq.load(sys.modules["common"].Data(str(args.data)), args.split)
    docs = docs[: args.limit] if args.limit else docs
    if not args.no_baseline:
        records, refused = textacy_records(d["text"] for d in docs)
        base = score_records(sq, docs, records)
        print("textacy:  ", fmt(base), f"(refused {refused} of {len(docs)} documents: unbalanced marks)")
    if args.wire_marks:
        wired = score_records(
            sq, docs, newsgraph_records(d["text"] for d in docs), (*sq.QUOTE_CHARS, *WIRE_MARKS)
        )
        print("newsgraph, '' and `` counted as quotation marks:", fmt(wired))
    if args.speed:
        parse, attribution = speed([d["text"] for d in docs])
        print(f"speed: spaCy pass {parse:.2f}s, quotes stage {attribution:.2f}s ({attribution / parse:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
