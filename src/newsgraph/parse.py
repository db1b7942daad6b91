"""The parse stage: one spaCy pass over a batch of clean texts with `nlp.pipe`."""

from __future__ import annotations

from collections.abc import Sequence

from . import nlp as nlp_module
from .article import Article
from .pipeline import ENGLISH, stage
from .settings import current

# Every component the built-in stages read; `Pipeline.components` narrows it per run.
COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner")


@stage("parse", version=1, languages=ENGLISH, requires=("text",), assigns=("doc",), batch=True)
def parse(articles: Sequence[Article]) -> Sequence[Article]:
    """Parse each article's text with the configured spaCy pipeline, in one batch."""
    settings = current()
    nlp = nlp_module.load(settings.model)
    disable = nlp_module.needed_components(nlp, settings.components or COMPONENTS)
    with nlp.select_pipes(disable=[d for d in disable if d in nlp.pipe_names]):
        docs = nlp.pipe((a.text for a in articles), batch_size=max(1, len(articles)))
        for article, doc in zip(articles, docs, strict=True):
            article.doc = doc
    return articles
