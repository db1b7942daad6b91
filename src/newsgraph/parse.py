"""The parse stage: one spaCy pass over a batch of clean texts with `nlp.pipe`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from . import nlp as nlp_module
from .article import Article
from .pipeline import ENGLISH, stage
from .settings import current

# A run this long without a space is no word of an article (a data URI, a wall of marks left by a
# scraper). spaCy's tokenizer peels such a run one prefix or suffix at a time, in time quadratic in
# its length ('"' * 20,000 took three minutes; found by fuzzing), so it is cut into plain tokens of
# this length instead. The text, and so every offset, stays as it is.
LONG_RUN = 300
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN},}}")

# A space other than U+0020 (no-break, thin, narrow no-break, figure …) is a space to the reader,
# but spaCy makes it a token of its own, which breaks the parse around it ("Trump, Sexton
# said,\xa0has created …" lost its attribution). The parse reads them as plain spaces; the text,
# and so every offset, stays as it is. So are the invisible marks scraped text leaves between words
# (zero-width space, bidi marks and embeddings, a stray byte-order mark), which spaCy glues to the
# word beside them ("\u202a”Sorry"); not the ones that belong inside a word (soft hyphen, joiners).
_OTHER_SPACES = re.compile(
    "[\u00a0\u1680\u2000-\u200b\u200e\u200f\u202a-\u202f\u205f\u2066-\u2069\u3000\ufeff]"
)

# Every component the built-in stages read; `Pipeline.components` narrows it per run.
COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner")


@stage("parse", version=5, languages=ENGLISH, requires=("text",), assigns=("doc",), batch=True)
def parse(articles: Sequence[Article]) -> Sequence[Article]:
    """Parse each article's text with the configured spaCy pipeline, in one batch."""
    settings = current()
    nlp = nlp_module.load(settings.model)
    disable = nlp_module.needed_components(nlp, settings.components or COMPONENTS)
    with nlp.select_pipes(disable=[d for d in disable if d in nlp.pipe_names]):
        docs = nlp.pipe((make_doc(nlp, a.text) for a in articles), batch_size=max(1, len(articles)))
        for article, doc in zip(articles, docs, strict=True):
            article.doc = doc
    return articles


def plain(text: str) -> str:
    """`text` as the parse reads it: its other spaces and invisible marks made plain spaces (same
    length, same offsets)."""
    return _OTHER_SPACES.sub(" ", text)


def make_doc(nlp: Any, text: str) -> Any:
    """The tokenized Doc of `text`: spaCy's tokenizer over the text with its other spaces made
    plain, except over runs of LONG_RUN or more characters without a space, which become plain
    tokens of LONG_RUN characters. `nlp.text_of` gives the text as it is."""
    read = plain(text)
    doc = _tokenize(nlp, read)
    if read != text:
        nlp_module.remember_text(doc, text)
    return doc


def _tokenize(nlp: Any, text: str) -> Any:
    if _LONG_RUN.search(text) is None:
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    parts: list[Any] = []
    at = 0
    for run in _LONG_RUN.finditer(text):
        if run.start() > at:
            parts.append(nlp.make_doc(text[at : run.start()]))
        words = [run.group()[i : i + LONG_RUN] for i in range(0, len(run.group()), LONG_RUN)]
        parts.append(Doc(nlp.vocab, words=words, spaces=[False] * len(words)))
        at = run.end()
    if at < len(text):
        parts.append(nlp.make_doc(text[at:]))
    return Doc.from_docs(parts, ensure_whitespace=False)
