"""A bare spaCy "system" for the shared scorers: its entities are spaCy's own, one per span.

    python scripts/baseline_spacy.py analyze --as-is --format jsonl FILE...

It speaks the scorers' command line and prints records with only `text` and `entities` filled,
so the scorers measure plain spaCy side by side with newsgraph in the same run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsgraph import nlp as nlp_module
from newsgraph.article import Article, Entity, Mention


def main(argv: list[str]) -> int:
    paths = [
        a for a in argv[1:] if not a.startswith("--") and not a[:4].isdigit() and a not in ("jsonl", "json")
    ]
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    nlp = nlp_module.load(None)
    for path, text, doc in zip(paths, texts, nlp.pipe(texts, batch_size=32), strict=True):
        article = Article.from_raw(text, source=path, as_is=True)
        article.entities = [
            Entity(id=f"e{i}", name=ent.text, type=ent.label_,
                   mentions=[Mention(start=ent.start_char, end=ent.end_char, text=ent.text)])
            for i, ent in enumerate(doc.ents, 1)
        ]  # fmt: skip
        sys.stdout.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
