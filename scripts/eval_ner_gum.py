"""NER on GUM news (Wikinews): newsgraph and plain spaCy side by side, scored by MEANTIME's rules.

    .venv/bin/python scripts/eval_ner_gum.py [--limit N] [--system CMD] [--gum DIR]

../shared/eval/score_ner.py scores MEANTIME (English Wikinews) but does not read GUM. This script
builds GUM news documents the way score_ner.py builds MEANTIME ones and scores them with
score_ner.py's own code (text rebuilt from tokens, system run, ignore regions, exact-span micro
P/R/F per type), so the figures are read as MEANTIME figures would be.

Mapping from GUM's annotation (WebAnno TSV 3.2 `tsv/GUM_news_*.tsv`, with the PTB tags of
`xml/GUM_news_*.xml`) to MEANTIME's:
- Text: GUM's tokens and sentences through score_ner.tokens_to_text (single spaces, light
  detokenisation, one line per sentence). Every sentence of GUM is annotated, so no cut-off.
- Entity types: GUM person → PER, organization → ORG, place → LOC. GUM annotates every mention
  (names, descriptions, pronouns) with nested spans; MEANTIME's gold is named (NAM) mentions only.
- NAM: GUM has no syntactic type, so a mention is named when its head is a proper noun (NP or
  NPS, GUM's TreeTagger spelling of PTB NNP/NNPS). The head is the last token of the mention's
  first chunk: the tokens before the first preposition, punctuation mark, wh-word or verb
  ("University of Sydney" → University; "the director of the survey" → director; "Australian
  children" → children). Mentions whose head is not a proper noun (descriptions, pronouns) are
  neither gold nor ignored, as in MEANTIME.
- A leading "the " is stripped (score_ner.strip_the), as for MEANTIME's whole-NP extents, and a
  trailing possessive "'s" (GUM puts it inside the possessor's mention).
- A named person/organization/place mention that is not name-like (score_ner.name_like: a
  lower-case word other than of/and/..., e.g. "mainland Australia") is not gold but an ignore
  region, as is a named mention of any other GUM type (event, abstract, object, time, ...), the
  counterpart of MEANTIME's PRO/FIN/MIX mentions. Predictions inside an ignore region that do not
  match a gold name exactly are neither true nor false positives.
- Premodifying names (MEANTIME's PRE.NAM, "the US president") are mentions of their own in GUM
  when annotated; they follow the rules above.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GUM = SHARED / "datasets" / "ner" / "gum-news"
TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
KEYS = ("gum_f", "gum_PER_f", "gum_ORG_f", "gum_LOC_f", "gum_p", "gum_r")
_PROPER = frozenset({"NP", "NPS", "NNP", "NNPS"})
# Tags that end a mention's first chunk: prepositions, punctuation, wh-words, verbs, "to".
_CHUNK_END = re.compile(r"^(IN|IN/that|TO|WDT|WP|WP\$|WRB|V.*|MD|SENT|SYM|[,.:;()\"'`]+|HYPH|-LRB-|-RRB-)$")
_LAYER = re.compile(r"^([a-z]+)(?:\[(\d+)\])?$")


def shared_scorer() -> tuple[ModuleType, ModuleType]:
    """score_ner.py and common.py of ../shared/eval, imported as modules."""
    sys.path.insert(0, str(SHARED / "eval"))
    import common
    import score_ner

    return score_ner, common


def read_tsv(text: str) -> tuple[list[tuple[str, str, str]], dict[str, tuple[str, list[str]]]]:
    """Tokens [(token id, sentence, word)] and mentions {mention key: (GUM type, token ids)}."""
    tokens: list[tuple[str, str, str]] = []
    mentions: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 4 or "-" not in cols[0]:
            raise ValueError(f"not a WebAnno TSV token line: {line[:80]!r}")
        tid, word = cols[0], cols[2]
        tokens.append((tid, tid.split("-")[0], word))
        if cols[3] in ("_", ""):
            continue
        for n, layer in enumerate(cols[3].split("|")):
            m = _LAYER.match(layer)
            if m is None:
                continue
            # A one-token mention carries no [id] in WebAnno TSV 3: key it by its token.
            key = m.group(2) or f"{tid}/{n}"
            mentions.setdefault(key, (m.group(1), []))[1].append(tid)
    return tokens, mentions


def read_tags(xml: str) -> list[str]:
    """The PTB tag of every token of a GUM XML document, in order."""
    return [line.split("\t")[1] for line in xml.splitlines() if line.count("\t") >= 5]


def is_named(ids: list[str], tags: dict[str, str]) -> bool:
    """True when the mention's head (last token of its first chunk) is a proper noun."""
    chunk: list[str] = []
    for i, tid in enumerate(ids):
        if i > 0 and _CHUNK_END.match(tags[tid]):
            break
        chunk.append(tid)
    while len(chunk) > 1 and tags[chunk[-1]] in ("POS", "DT"):
        chunk.pop()
    return tags[chunk[-1]] in _PROPER


def load_gum(folder: Path, score_ner: ModuleType) -> list[dict[str, Any]]:
    """GUM news documents as score_ner.py's MEANTIME documents: text, gold, ignore, end."""
    docs = []
    for tsv in sorted((folder / "tsv").glob("GUM_news_*.tsv")):
        tokens, mentions = read_tsv(tsv.read_text(encoding="utf-8"))
        xml = folder / "xml" / (tsv.stem + ".xml")
        tag_list = read_tags(xml.read_text(encoding="utf-8"))
        if len(tag_list) != len(tokens):
            raise ValueError(f"{tsv.name}: {len(tokens)} TSV tokens but {len(tag_list)} XML tokens")
        tags = {tid: tag for (tid, _, _), tag in zip(tokens, tag_list, strict=True)}
        text, offs = score_ner.tokens_to_text(tokens)
        gold: set[tuple[int, int, str]] = set()
        ignore: set[tuple[int, int]] = set()
        for gum_type, ids in mentions.values():
            if not is_named(ids, tags):
                continue
            while len(ids) > 1 and tags[ids[-1]] == "POS":
                ids = ids[:-1]  # "Afghanistan's": the possessive marker is no part of the name
            span = score_ner.strip_the(text, (offs[ids[0]][0], offs[ids[-1]][1]))
            label = TYPES.get(gum_type)
            if label and score_ner.name_like(text[span[0] : span[1]].split()):
                gold.add((span[0], span[1], label))
            else:
                ignore.add(span)
        docs.append({"id": tsv.stem, "text": text, "gold": gold, "ignore": ignore, "end": len(text) + 1})
    return docs


def score(system: str, limit: int, folder: Path = GUM) -> dict[str, str]:
    """score_ner.py's scoring of `system` on GUM news: {metric: value} with the prefix gum_."""
    score_ner, common = shared_scorer()
    ap = argparse.ArgumentParser()
    common.add_common_args(ap)
    args = ap.parse_args(["--system", system, "--limit", str(limit)])
    metrics: dict[str, Any] = {}
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        score_ner.score("gum", args, load_gum(folder, score_ner), False, metrics)
    print(log.getvalue().strip().splitlines()[-1], file=sys.stderr)
    return {k: str(v) for k, v in metrics.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents (0 = all)")
    ap.add_argument("--system", help="score only this system (a command prefix) and print its summary")
    ap.add_argument("--gum", type=Path, default=GUM, help="GUM news folder (tsv/ and xml/)")
    args = ap.parse_args()
    if not (SHARED / "eval" / "score_ner.py").is_file() or not (args.gum / "tsv").is_dir():
        sys.exit(f"ERROR: needs ../shared/eval/score_ner.py and GUM news at {args.gum}; not found")
    if args.system:
        ours = score(args.system, args.limit, args.gum)
        print(" ".join(f"{k}={v}" for k, v in ours.items()))
        return
    ours = score(str(ROOT / ".venv" / "bin" / "newsgraph"), args.limit, args.gum)
    base = score(f"{sys.executable} {ROOT / 'scripts' / 'baseline_spacy.py'}", args.limit, args.gum)
    for key in KEYS:
        print(f"{key}: newsgraph={float(ours[key]):.4f} spacy={float(base[key]):.4f} "
              f"diff={float(ours[key]) - float(base[key]):+.4f}")  # fmt: skip
    print(" ".join(f"{k}={ours[k]}" for k in KEYS) + " " + " ".join(f"spacy_{k}={base[k]}" for k in KEYS))


if __name__ == "__main__":
    main()
