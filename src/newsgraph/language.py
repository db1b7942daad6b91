"""Language: which language an article is written in, identified from its clean text."""

from __future__ import annotations

import functools
from typing import Any

from .article import Article
from .pipeline import stage

# Fewer letters than this say too little to identify a language; a declared language is kept.
MIN_LETTERS = 40
# Below this probability the guess is not trusted and a declared language (or none) is kept, so
# that English-only stages still run. Tables of sports results in CoNLL++ dev (English) came out
# as Nigerian Pidgin at 0.81 and Croatian at 0.26; running prose scores 0.99 and above.
MIN_PROBABILITY = 0.95


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    # The model ships inside the package; normalised probabilities make the score readable.
    return LanguageIdentifier.from_modelpath(f"{MODEL_DIR}/{MODEL_FILE}", norm_probs=True)


def identify(text: str) -> tuple[str, float] | None:
    """The ISO 639-1 code of the text's language and its probability, or None for too little text."""
    if not _has_letters(text, MIN_LETTERS):
        return None
    code, probability = _identifier().classify(text)
    return str(code), float(probability)


def _has_letters(text: str, wanted: int) -> bool:
    # Stops at the `wanted`-th letter: counting every letter of a long article cost more than
    # identifying its language (profile of `newsgraph analyze` over the examples).
    for c in text:
        if c.isalpha():
            wanted -= 1
            if wanted <= 0:
                return True
    return False


@stage("language", version=1, requires=("text",), assigns=("language",))
def identify_language(article: Article) -> Article:
    """Identify the article's language from its text (py3langid); a page's declared one can be wrong."""
    found = identify(article.text)
    # English is taken at any probability: it keeps every stage running, as no answer would.
    if found is not None and (found[0] == "en" or found[1] >= MIN_PROBABILITY):
        article.language = found[0]
    return article
