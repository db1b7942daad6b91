#!/usr/bin/env python3
"""Parse PolNeAR once, then re-run the quotes stage over the same parses as often as you edit it.

    .venv/bin/python scripts/quotes_lab.py                   # dev and the eight train samples
    .venv/bin/python scripts/quotes_lab.py --sets dev,t1,t3  # some of them

The train samples are docs[k::8] of PolNeAR train (t0 … t7): develop on the even ones, keep the odd
ones and dev to see whether a change holds on texts you did not look at. Parsing everything takes
a few minutes; each run after that takes seconds. At the prompt:

    TAG          reload the quotes, cues and attribution modules from src/, re-run the quotes
                 stage, print the scores of each group (even, odd, dev) and write OUT/TAG_SET.txt
                 (direct quotes missed, wrong and with the wrong speaker) and OUT/TAG_SET.json
    diff A B     the quotes that differ between runs A and B, with the gold they overlap
    quit

Only the quotes stage re-runs: a change to the parse or the entities stage needs a new session.
Scores come from the shared scorer's own functions (as scripts/eval_quotes.py computes them).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from eval_quotes import POLNEAR, score_records, scorer_module

GROUPS = {"even": ("t0", "t2", "t4", "t6"), "odd": ("t1", "t3", "t5", "t7"), "dev": ("dev",)}
METRICS = ("e2e_direct_f", "e2e_f", "speaker_acc")
Doc = dict[str, Any]


def polnear_sets(names: Iterable[str], sq: ModuleType, data: Path = POLNEAR) -> dict[str, list[Doc]]:
    """The named sets: "dev", or "tK", the train sample docs[K::8]."""
    common = sys.modules["common"]
    root = common.Data(str(data))
    train: list[Doc] | None = None
    sets: dict[str, list[Doc]] = {}
    for name in names:
        if name == "dev":
            sets[name] = sq.load(root, "dev")
        elif len(name) == 2 and name[0] == "t" and name[1] in "01234567":
            train = train if train is not None else sq.load(root, "train")
            sets[name] = train[int(name[1]) :: 8]
        else:
            raise SystemExit(f"quotes_lab: unknown set {name!r}: dev or t0 … t7")
    return sets


class Lab:
    """Articles parsed once and kept with their spaCy docs; the quotes stage re-run on demand."""

    def __init__(self, sets: dict[str, list[Doc]], sq: ModuleType) -> None:
        from newsgraph.api import build_pipeline
        from newsgraph.article import Article
        from newsgraph.settings import Settings, using

        self.sq = sq
        self.sets = sets
        settings = Settings(as_is=True)
        pipeline = build_pipeline(settings)
        pipeline.keep_docs = True
        self.settings = settings.but(components=tuple(sorted(pipeline.components)))
        self.articles: dict[str, list[Any]] = {}
        with using(self.settings):
            for name, docs in sets.items():
                raw = [Article.from_raw(d["text"], as_is=True) for d in docs]
                self.articles[name] = list(pipeline.run(raw))
        self.records: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def run(self, tag: str) -> dict[str, dict[str, Any]]:
        """Reload the stage's modules, re-run it and score every set; keep the records as `tag`."""
        from newsgraph import pipeline as pipeline_module
        from newsgraph.analyze import attribution, cues, quotes
        from newsgraph.settings import using

        for key in [k for k in pipeline_module.REGISTRY if k.startswith("quotes.")]:
            del pipeline_module.REGISTRY[key]  # the reloaded module registers its stage again
        for module in (cues, attribution, quotes):
            importlib.reload(module)
        scores: dict[str, dict[str, Any]] = {}
        records: dict[str, list[dict[str, Any]]] = {}
        with using(self.settings):
            for name, articles in self.articles.items():
                for a in articles:
                    if a.error is None:
                        quotes.extract_quotes(a)
                records[name] = [a.to_dict() for a in articles]
                scores[name] = score_records(self.sq, self.sets[name], records[name])
        self.records[tag] = records
        return scores

    def changed(self, a: str, b: str) -> list[str]:
        """One line per quote found by one run and not the other (same span, kind and speaker)."""
        common = sys.modules["common"]
        lines = []
        for name, docs in self.sets.items():
            for doc, ra, rb in zip(docs, self.records[a][name], self.records[b][name], strict=True):
                qa, qb = (Counter(_key(q) for q in r["quotes"]) for r in (ra, rb))
                for sign, only in (("-", qa - qb), ("+", qb - qa)):
                    for start, end, kind, speaker in sorted(only):
                        gold = [
                            (round(common.overlap_ratio(g, (start, end)), 2), src)
                            for g, _, src in doc["gold"]
                            if common.overlap(g, (start, end)) > 0
                        ]
                        text = doc["text"][start:end][:120]
                        lines.append(f"{name} {sign} {kind} {speaker!r} {text!r} gold={gold}")
        return lines


def _key(q: dict[str, Any]) -> tuple[int, int, str, str | None]:
    return q["start"], q["end"], q["kind"], (q.get("speaker") or {}).get("name")


def listing(sq: ModuleType, docs: Sequence[Doc], records: Sequence[dict[str, Any]]) -> str:
    """The direct quotes a run got wrong, by document: missed (FN), wrong (FP), wrong speaker (SPK)."""
    common = sys.modules["common"]
    out = []
    for d, r in zip(docs, records, strict=True):
        text, gold = d["text"], d["gold"]
        names = {e.get("id"): e.get("name") for e in r["entities"]}
        preds = [(q, (q["start"], q["end"])) for q in r["quotes"]]
        gi = [i for i, ((s, e), _, _) in enumerate(gold) if any(ch in text[s:e] for ch in sq.QUOTE_CHARS)]
        pi = [i for i, (q, _) in enumerate(preds) if q.get("kind") in sq.DIRECT_KINDS]
        pairs = common.greedy_match(
            [gold[i][0] for i in gi], [preds[i][1] for i in pi], common.overlap_ratio, 0.5
        )
        matched = {gi[a]: pi[b] for a, b in pairs}
        out.append(f"\n##### {d['id']}")
        for i in gi:
            (s, e), _, source = gold[i]
            if i not in matched:
                out.append(
                    f"FN  [{s},{e}] source={source!r} :: {text[max(0, s - 80) : s]!r} <<{text[s:e]!r}>>"
                )
            elif not sq.speaker_ok(preds[matched[i]][0], gold[i], names):
                speaker = preds[matched[i]][0].get("speaker") or {}
                out.append(
                    f"SPK [{s},{e}] gold={source!r} ours={speaker.get('name')!r} :: {text[s:e][:150]!r}"
                )
        for j in sorted(set(pi) - set(matched.values())):
            q, (s, e) = preds[j]
            speaker = (q.get("speaker") or {}).get("name")
            before, words = text[max(0, s - 60) : s], text[s:e][:200]
            out.append(f"FP  [{s},{e}] {q['kind']} speaker={speaker!r} :: {before!r} <<{words!r}>>")
    return "\n".join(out) + "\n"


def summary(scores: dict[str, dict[str, Any]]) -> list[str]:
    """Each group's mean of each metric over the sets it has here."""
    lines = []
    for group, names in GROUPS.items():
        present = [n for n in names if n in scores]
        if present:
            means = [sum(scores[n][m] for n in present) / len(present) for m in METRICS]
            lines.append(
                f"{group:5} " + " ".join(f"{m}={v:.4f}" for m, v in zip(METRICS, means, strict=True))
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="dev,t0,t1,t2,t3,t4,t5,t6,t7", help="comma-separated: dev, t0 … t7")
    ap.add_argument("--data", type=Path, default=POLNEAR, help="PolNeAR root (default: %(default)s)")
    ap.add_argument(
        "--out", type=Path, default=Path("/tmp/quotes_lab"), help="listings (default: %(default)s)"
    )
    args = ap.parse_args(argv)
    if not (args.data / "dev").is_dir() and not (args.data / "data" / "dev").is_dir():
        print(f"quotes_lab: no PolNeAR at {args.data}: needs ../shared/datasets", file=sys.stderr)
        return 2
    sq = scorer_module()
    sets = polnear_sets(args.sets.split(","), sq, args.data)
    print(f"parsing {sum(map(len, sets.values()))} documents …", file=sys.stderr)
    lab = Lab(sets, sq)
    args.out.mkdir(parents=True, exist_ok=True)
    runs = 0
    for line in _prompt():
        words = line.split()
        if words[:1] == ["quit"]:
            break
        if words[:1] == ["diff"] and len(words) == 3:
            missing = [w for w in words[1:] if w not in lab.records]
            if missing:
                print(f"quotes_lab: no run called {missing[0]!r}; runs so far: {sorted(lab.records)}")
                continue
            print("\n".join(lab.changed(words[1], words[2])) or "no change")
            continue
        runs += 1
        tag = words[0] if words else f"run{runs}"
        try:
            scores = lab.run(tag)
        except Exception as exc:  # an edit that does not import or crashes: say so, keep the parses
            print(f"quotes_lab: run {tag!r} failed: {type(exc).__name__}: {exc}")
            continue
        for name, records in lab.records[tag].items():
            (args.out / f"{tag}_{name}.txt").write_text(listing(sq, sets[name], records), encoding="utf-8")
            (args.out / f"{tag}_{name}.json").write_text(json.dumps(records), encoding="utf-8")
        print(f"{tag}: " + "; ".join(summary(scores)))
    return 0


def _prompt() -> Iterable[str]:
    while True:
        try:
            yield input("tag (or diff A B, quit)> ")
        except EOFError:
            return


if __name__ == "__main__":
    sys.exit(main())
