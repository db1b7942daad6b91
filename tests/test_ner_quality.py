"""NER quality gates: the shared CoNLL++ scorer and the GUM news evaluation on fixed slices."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_scorer import newsgraph_command

from conftest import SHARED, scores

pytestmark = pytest.mark.shared

# Measured 2026-12-03 on the first 60 CoNLL++ dev documents: conll_f 0.768, PER 0.852, ORG 0.556,
# LOC 0.835 (whole dev set: 0.787; plain spaCy 0.648 — scripts/eval_ner.py). Raise, never lower.
MINIMUM = {"conll_f": 0.75, "conll_PER_f": 0.84, "conll_ORG_f": 0.54, "conll_LOC_f": 0.82}

# Measured 2026-12-03 on the first 8 GUM news documents by MEANTIME's rules (scripts/eval_ner_gum.py):
# gum_f 0.686, PER 0.610, ORG 0.701, LOC 0.786 (all 22: 0.679; plain spaCy 0.567). Raise, never lower.
GUM_MINIMUM = {"gum_f": 0.67, "gum_PER_f": 0.60, "gum_ORG_f": 0.69, "gum_LOC_f": 0.77}
GUM_SLICE = 8


def test_conll_dev_scores_do_not_fall() -> None:
    conll = SHARED / "datasets" / "ner" / "conllpp-dev"
    measured = scores("score_ner.py", "--dataset", "conll", "--conll", str(conll), "--split", "dev", limit=60)
    for key, minimum in MINIMUM.items():
        assert measured[key] >= minimum, (key, measured[key])


def test_gum_news_scores_do_not_fall() -> None:
    gum = SHARED / "datasets" / "ner" / "gum-news"
    if not (SHARED / "eval" / "score_ner.py").is_file() or not (gum / "tsv").is_dir():
        pytest.skip(f"needs the shared scorer and GUM news under {SHARED}; the shared folder is absent")
    import eval_ner_gum

    measured = {k: float(v) for k, v in eval_ner_gum.score(newsgraph_command(), GUM_SLICE, gum).items()}
    assert measured["gum_gold"] > 100  # the slice was read: a scorer that finds no gold cannot pass
    for key, minimum in GUM_MINIMUM.items():
        assert measured[key] >= minimum, (key, measured[key])


def test_gum_reading_follows_meantime_rules(tmp_path: Path) -> None:
    """A hand-made WebAnno document: named mentions are gold ("the" and "'s" stripped), descriptions
    are not, a named mention of another type or a non-name-like one is an ignore region."""
    if not (SHARED / "eval" / "score_ner.py").is_file():
        pytest.skip(f"needs the shared scorer at {SHARED}; the shared folder is absent")
    import eval_ner_gum

    rows = [
        ("The", "DT", "organization[1]"),
        ("Lviv", "NP", "organization[1]|place"),
        ("Council", "NP", "organization[1]"),
        ("thanked", "VVD", "_"),
        ("the", "DT", "person[2]"),
        ("mayor", "NN", "person[2]"),
        ("and", "CC", "_"),
        ("Olena", "NP", "person[3]"),
        ("Markiv", "NP", "person[3]"),
        ("'s", "POS", "person[3]"),
        ("team", "NN", "_"),
        ("at", "IN", "_"),
        ("Expo", "NP", "event"),
        ("in", "IN", "_"),
        ("central", "JJ", "place[4]"),
        ("Kyiv", "NP", "place[4]"),
        (".", "SENT", "_"),
    ]
    (tmp_path / "tsv").mkdir()
    (tmp_path / "xml").mkdir()
    tsv = ["#FORMAT=WebAnno TSV 3.2", "", "#Text=..."]
    xml = ['<text id="GUM_news_test">', "<s>"]
    pos = 0
    for i, (word, tag, entity) in enumerate(rows, 1):
        tsv.append(f"1-{i}\t{pos}-{pos + len(word)}\t{word}\t{entity}\t_\t_\t_\t_\t_\t_\t")
        xml.append(f"{word}\t{tag}\t{word.lower()}\tX\tX\tdep\t_")
        pos += len(word) + 1
    (tmp_path / "tsv" / "GUM_news_test.tsv").write_text("\n".join(tsv) + "\n", encoding="utf-8")
    (tmp_path / "xml" / "GUM_news_test.xml").write_text(
        "\n".join([*xml, "</s>", "</text>"]), encoding="utf-8"
    )
    score_ner, _ = eval_ner_gum.shared_scorer()
    (doc,) = eval_ner_gum.load_gum(tmp_path, score_ner)
    text = doc["text"]
    gold = {(text[s:e], t) for s, e, t in doc["gold"]}
    ignore = {text[s:e] for s, e in doc["ignore"]}
    assert gold == {("Lviv Council", "ORG"), ("Lviv", "LOC"), ("Olena Markiv", "PER")}
    assert ignore == {"Expo", "central Kyiv"}


def test_gum_reading_refuses_a_broken_file(tmp_path: Path) -> None:
    if not (SHARED / "eval" / "score_ner.py").is_file():
        pytest.skip(f"needs the shared scorer at {SHARED}; the shared folder is absent")
    import eval_ner_gum

    (tmp_path / "tsv").mkdir()
    (tmp_path / "xml").mkdir()
    (tmp_path / "tsv" / "GUM_news_bad.tsv").write_text("#FORMAT=WebAnno TSV 3.2\nnot a token line\n")
    (tmp_path / "xml" / "GUM_news_bad.xml").write_text("<text></text>")
    score_ner, _ = eval_ner_gum.shared_scorer()
    with pytest.raises(ValueError, match="not a WebAnno TSV token line"):
        eval_ner_gum.load_gum(tmp_path, score_ner)
