"""Entities: spaCy's named entities merged into one entity per person, organisation or place."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..article import Article, Entity, Mention
from ..pipeline import ENGLISH, stage
from .names import same_name, translit_key

STAGE = "entities.v1"

# Labels that are values, not entities: the dates and claims stages read them from the parse.
VALUE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Labels that may really be a person when the article names that person in full elsewhere:
# the small English model often labels a foreign surname NORP, GPE or ORG ("Zhdanov" as NORP).
PERSON_CONFUSABLE = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "PRODUCT", "WORK_OF_ART", "FAC"})
_LEADING_DROP = frozenset({"the", "a", "an"})
# Words that make a capitalised phrase an organisation or a place, whatever name it starts with
# ("Victoria Station", "Georgia Tech", "Olena Zelenska Foundation").
_NOT_PERSON_WORDS = frozenset(
    """ministry committee council university college school institute academy agency service bank
    company corporation group party union forum foundation fund station airport port bridge street
    avenue square park river lake sea mountain region oblast district province state city tech news
    radio tv times post herald press army force forces navy command office department court church
    hospital center centre club team association federation parliament government administration""".split()
)
_TRAILING_DROP = frozenset({"'s", "’s", "'", "’"})


@dataclass
class _Span:
    start: int
    end: int
    text: str
    label: str
    tokens: tuple[str, ...]

    @property
    def surname(self) -> str:
        return self.tokens[-1]


@dataclass
class _Cluster:
    label: str
    spans: list[_Span] = field(default_factory=list)

    @property
    def full_names(self) -> list[_Span]:
        return [s for s in self.spans if len(s.tokens) > 1]


@stage(
    "entities", version=1, languages=ENGLISH, requires=("doc",), assigns=("entities",), components=("ner",)
)
def extract_entities(article: Article) -> Article:
    """Merge the parse's named entities into one entity per real person, organisation or place."""
    spans = list(_entity_spans(article.doc))
    _majority_labels(spans)
    _relabel_people(spans)
    _add_unlabelled_surnames(article.doc, spans)
    clusters = _cluster(spans)
    for c in clusters:
        _correct_label(c, article.doc)
    article.entities = [_to_entity(f"e{i}", c) for i, c in enumerate(clusters, 1)]
    return article


def _entity_spans(doc: Any) -> Iterable[_Span]:
    """Entity spans of the parse, trimmed of leading articles and trailing possessives."""
    for ent in doc.ents:
        if ent.label_ in VALUE_LABELS:
            continue
        tokens = list(ent)
        while tokens and tokens[0].lower_ in _LEADING_DROP:
            tokens = tokens[1:]
        while tokens and (tokens[-1].text in _TRAILING_DROP or tokens[-1].is_punct):
            tokens = tokens[:-1]
        # An entity name holds no verb: "The Ministry of Infrastructure backs Markiv" is cut at "backs".
        verb = next((i for i, t in enumerate(tokens) if t.pos_ in ("VERB", "AUX") and i > 0), None)
        if verb is not None:
            tokens = tokens[:verb]
        if not tokens or not any(t.is_alpha for t in tokens):
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        words = tuple(t.text for t in tokens if t.is_alpha or t.text[:1].isalpha())
        yield _Span(start, end, doc.text[start:end], ent.label_, words or (tokens[-1].text,))


def _majority_labels(spans: list[_Span]) -> None:
    """Give every spelling the label most of its mentions carry (the model wavers on one name)."""
    votes: dict[str, Counter[str]] = {}
    for s in spans:
        votes.setdefault(translit_key(s.text), Counter())[s.label] += 1
    for s in spans:
        counts = votes[translit_key(s.text)]
        label, n = counts.most_common(1)[0]
        if n > counts[s.label]:
            s.label = label


def _cluster(spans: list[_Span]) -> list[_Cluster]:
    """One cluster per entity, ordered by first mention."""
    people: list[_Cluster] = []
    # Full names first, so that a lone surname anywhere in the article can join its person.
    for s in spans:
        if s.label == "PERSON" and len(s.tokens) > 1:
            match = next((c for c in people if _same_person(c, s)), None)
            if match is None:
                people.append(_Cluster("PERSON", [s]))
            else:
                match.spans.append(s)
    others: dict[tuple[str, str], _Cluster] = {}
    for s in spans:
        if s.label == "PERSON" and len(s.tokens) > 1:
            continue
        if len(s.tokens) == 1 and s.label in PERSON_CONFUSABLE:
            person = next(
                (c for c in people if any(same_name(s.surname, f.surname) for f in c.full_names)), None
            )
            if person is not None:
                s.label = "PERSON"
                person.spans.append(s)
                continue
        if s.label == "PERSON":
            match = next((c for c in people if any(same_name(s.surname, o.surname) for o in c.spans)), None)
            if match is None:
                people.append(_Cluster("PERSON", [s]))
            else:
                match.spans.append(s)
            continue
        group = "GPE" if s.label in ("GPE", "LOC") else s.label
        key = (group, translit_key(s.text))
        cluster = others.get(key) or next(
            (c for (g, _), c in others.items() if g == group and _same_phrase(c.spans[0], s)), None
        )
        if cluster is None:
            others[key] = cluster = _Cluster(s.label)
        cluster.spans.append(s)
    clusters = people + list(others.values())
    for c in clusters:
        c.spans.sort(key=lambda s: s.start)
    return sorted(clusters, key=lambda c: c.spans[0].start)


# A town this large is a place whatever the small model calls it ("Kyiv" as PERSON, "Vitebsk" as
# ORG). Below it, town names collide with surnames and firms too often to overrule the model.
_TOWN_POPULATION = 50_000


# Words before a name that make it a place: "near Vitebsk", "in Kharkiv".
_LOCATIVE = frozenset(
    {"in", "near", "to", "from", "around", "outside", "across", "towards", "toward", "into"}
)


def _correct_label(cluster: _Cluster, doc: Any) -> None:
    """Relabel a one-word entity the gazetteer or the demonym list knows better than the model."""
    from .gazetteer import QUALITY_ALTERNATE, Gazetteer
    from .roles import country_of_demonym

    if cluster.full_names or any(len(s.tokens) > 1 for s in cluster.spans):
        return
    word = cluster.spans[0].text
    if cluster.label in ("PERSON", "ORG") and word[:1].isupper() and country_of_demonym(word):
        cluster.label = "NORP"  # "Lithuanian" said as a noun
        return
    if cluster.label not in ("PERSON", "ORG", "NORP") or (cluster.label == "PERSON" and is_given_name(word)):
        return
    for place in Gazetteer.get().lookup(word)[:3]:
        if place.name.casefold() != word.casefold() and place.quality >= QUALITY_ALTERNATE:
            continue
        if not (place.kind in ("country", "region") or place.capital or place.population >= _TOWN_POPULATION):
            continue
        # An organisation named after its town (a club, a city council) keeps its label unless the
        # article also uses the name as a place ("near Vitebsk"): CoNLL's sports pages are full of them.
        if cluster.label != "ORG" or any(_after_locative(doc, s.start) for s in cluster.spans):
            cluster.label = "GPE"
        return


@functools.lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """First names of many countries (gender-guesser's list, about 40,000 names)."""
    from gender_guesser.detector import Detector

    return frozenset(name.casefold() for name in Detector().names)


def is_given_name(word: str) -> bool:
    return word.casefold() in _given_names()


def _relabel_people(spans: list[_Span]) -> None:
    """A two- or three-word name the small model labelled otherwise is a person when it starts with a
    given name ("Olena Markiv" [ORG]) or the article calls its last word a person elsewhere
    ("Taras Hnatyuk" [ORG] ... "Hnatyuk" [PERSON])."""
    surnames = [s.surname for s in spans if s.label == "PERSON" and len(s.tokens) == 1]
    for s in spans:
        if (
            s.label != "PERSON"
            and s.label in PERSON_CONFUSABLE
            and 2 <= len(s.tokens) <= 3
            and len(s.text.split()) == len(s.tokens)
            and all(t.istitle() and t.isalpha() for t in s.tokens)
            and not any(t.casefold() in _NOT_PERSON_WORDS for t in s.tokens)
            and (is_given_name(s.tokens[0]) or any(same_name(s.surname, name) for name in surnames))
        ):
            s.label = "PERSON"


def _add_unlabelled_surnames(doc: Any, spans: list[_Span]) -> None:
    """Mentions of a person's surname that the model left unlabelled ("Markiv says ...")."""
    surnames = {
        translit_key(s.surname): s.surname for s in spans if s.label == "PERSON" and len(s.tokens) > 1
    }
    if not surnames:
        return
    covered = {i for s in spans for i in range(s.start, s.end)}
    for token in doc:
        if token.is_title and token.idx not in covered and translit_key(token.text) in surnames:
            if token.i + 1 < len(doc) and doc[token.i + 1].is_title and not doc[token.i + 1].is_sent_start:
                continue  # part of a longer name the model did not label: not ours to guess
            spans.append(_Span(token.idx, token.idx + len(token.text), token.text, "PERSON", (token.text,)))
    spans.sort(key=lambda s: s.start)


def _after_locative(doc: Any, start: int) -> bool:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span is not None and span.start > 0 and doc[span.start - 1].lower_ in _LOCATIVE


def _same_person(cluster: _Cluster, s: _Span) -> bool:
    for other in cluster.full_names:
        if not same_name(other.surname, s.surname):
            continue
        # First names must agree too, as spellings or as an initial ("V. Putin").
        a, b = other.tokens[0].rstrip("."), s.tokens[0].rstrip(".")
        if same_name(a, b) or (min(len(a), len(b)) == 1 and a[0].lower() == b[0].lower()):
            return True
    return False


def _same_phrase(a: _Span, b: _Span) -> bool:
    """Multi-word names spelled differently word by word (Gomel Region ~ Homel Region)."""
    return len(a.tokens) == len(b.tokens) and all(
        same_name(x, y) for x, y in zip(a.tokens, b.tokens, strict=True)
    )


def _to_entity(entity_id: str, cluster: _Cluster) -> Entity:
    forms = Counter(s.text for s in cluster.spans)
    if cluster.label == "PERSON" and cluster.full_names:
        # The fullest name, then the most used: "Alexander Lukashenko" over "Lukashenka".
        name = max((s.text for s in cluster.full_names), key=lambda t: (len(t.split()), forms[t]))
    else:
        name = max(forms, key=lambda t: (forms[t], len(t)))
    aliases = list(dict.fromkeys(s.text for s in cluster.spans))
    return Entity(
        id=entity_id,
        name=name,
        type=cluster.label,
        aliases=aliases,
        mentions=[Mention(start=s.start, end=s.end, text=s.text) for s in cluster.spans],
        stage=STAGE,
    )


def entity_at(article: Article, start: int, end: int) -> Entity | None:
    """The entity one of whose mentions overlaps [start, end), the longest overlap winning."""
    best: tuple[int, Entity] | None = None
    for entity in article.entities:
        for m in entity.mentions:
            overlap = min(end, m.end) - max(start, m.start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, entity)
    return best[1] if best else None


def entity_named(article: Article, name: str) -> Entity | None:
    """The entity called `name` under any alias, or by its surname alone."""
    key = translit_key(name)
    for entity in article.entities:
        if any(translit_key(a) == key for a in [entity.name, *entity.aliases]):
            return entity
    last = name.split()[-1] if name.split() else name
    for entity in article.entities:
        if entity.type == "PERSON" and any(
            same_name(last, a.split()[-1]) for a in [entity.name, *entity.aliases]
        ):
            return entity
    return None
