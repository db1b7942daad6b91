"""Entities: spaCy's named entities merged into one entity per person, organisation or place."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..article import Article, Entity, Mention
from ..nlp import ents_of, span_text, text_of
from ..pipeline import ENGLISH, stage
from .names import given_name_gender, is_given_name, same_name, translit_key

STAGE = "entities.v6"

# Labels that are values, not entities: the dates and claims stages read them from the parse.
VALUE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Labels that may really be a person when the article names that person in full elsewhere:
# the small English model often labels a foreign surname NORP, GPE or ORG ("Zhdanov" as NORP).
PERSON_CONFUSABLE = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "PRODUCT", "WORK_OF_ART", "FAC"})
_LEADING_DROP = frozenset({"the", "a", "an"})
# Last words that make a capitalised phrase an organisation ("General Staff", "Civil Defense Authority").
ORG_HEADS = frozenset(
    """ministry committee commission council university college school institute academy agency service
    bank company corporation group party union forum foundation fund tech news radio tv times post herald
    gazette journal tribune chronicle magazine municipality press army force forces navy command office
    department court church hospital center centre club team
    association federation parliament government administration staff authority bureau directorate
    assembly congress senate guard guards police militia brigade battalion regiment division inc
    corp ltd llc plc organisation organization alliance coalition movement front network board
    cabinet""".split()
)
# Last words of the name of a newspaper or a broadcaster ("Minsk Herald", "Kyiv Post").
_MEDIA_HEADS = frozenset("news radio tv times post herald gazette journal tribune chronicle magazine".split())
# Last words that make a capitalised phrase a place or a building ("Victoria Station", "Gomel Region").
PLACE_HEADS = frozenset(
    """station airport port bridge street avenue square park river lake sea mountain mountains region
    oblast district province state city county island islands valley hall palace cathedral
    mosque tower towers""".split()
)
# Words that make a capitalised phrase an organisation or a place, whatever name it starts with
# ("Victoria Station", "Georgia Tech", "Olena Zelenska Foundation").
_NOT_PERSON_WORDS = ORG_HEADS | PLACE_HEADS
# Common nouns after a name that make it a place: "the Brest and Gomel regions", "Minsk oblast".
_PLACE_NOUNS = frozenset(
    """region regions oblast oblasts province provinces district districts county counties governorate
    prefecture raion""".split()
)
# Organisation heads that take a complement into their name: "Committee on National Security".
_COMPLEMENT_HEADS = frozenset(
    """ministry committee commission council institute academy agency bureau office department court
    union association federation foundation board authority directorate service assembly
    university college school municipality""".split()
)
# Words that join an organisation's head to the rest of its name: "Committee on National Security".
_ORG_LINKS = frozenset({"of", "on", "for"})
# Words inside a long name: "National Security and Defense", "Daughters of the American Revolution".
_NAME_INNER = frozenset({"and", "of", "the", "&", "for", "on"})
# Prefixes that make an adjective of a name: "pro-Beijing", "anti-Kremlin", "pan-European".
_PREFIXES = frozenset({"pro", "anti", "non", "pan", "post", "pre", "neo", "mid", "ex"})
_TRAILING_DROP = frozenset({"'s", "’s", "'", "’"})
# Titles that tell a person's gender, without their full stop.
_HONORIFICS = {"mr": "male", "mister": "male", "mrs": "female", "ms": "female", "miss": "female"}


@dataclass
class _Span:
    start: int
    end: int
    text: str
    label: str
    tokens: tuple[str, ...]
    first: int = 0  # index of its first token in the parse
    last: int = 0  # index after its last token
    honorific: str | None = None  # "male" after "Mr.", "female" after "Mrs.", "Ms." or "Miss"

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


@dataclass
class _Names:
    """A person cluster and the distinct spellings of its mentions, kept as they join it.

    A long article names one person hundreds of times in a few spellings: matching a mention against
    the spellings, not against every earlier mention, keeps clustering linear. `same_name` is a pure
    function of the two words, so comparing each spelling once gives what comparing each mention did.
    """

    cluster: _Cluster
    given: set[tuple[str, str]] = field(default_factory=set)  # (first word, surname) of full names
    full_surnames: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)
    honorifics: set[str] = field(default_factory=set)

    def add(self, s: _Span) -> None:
        self.cluster.spans.append(s)
        self.surnames.add(s.surname)
        if s.honorific is not None:
            self.honorifics.add(s.honorific)
        if len(s.tokens) > 1:
            self.full_surnames.add(s.surname)
            self.given.add((s.tokens[0].rstrip("."), s.surname))

    def has_surname(self, surname: str, full: bool = False) -> bool:
        """True when a mention (a full name, with `full`) ends in a spelling of `surname`."""
        return any(same_name(surname, o) for o in (self.full_surnames if full else self.surnames))

    def gender(self) -> str | None:
        """What the person's given names and honorifics agree on, if they agree."""
        found = {g for a, _ in self.given if (g := given_name_gender(a)) is not None} | self.honorifics
        return next(iter(found)) if len(found) == 1 else None

    def same_person(self, s: _Span) -> bool:
        """True when a full name of this person agrees with the full name `s` in both names."""
        b = s.tokens[0].rstrip(".")
        for a, surname in self.given:
            if not same_name(surname, s.surname):
                continue
            # First names must agree too, as spellings or as an initial ("V. Putin").
            if same_name(a, b) or (min(len(a), len(b)) == 1 and a[0].lower() == b[0].lower()):
                return True
        return False


@stage(
    "entities", version=6, languages=ENGLISH, requires=("doc",), assigns=("entities",), components=("ner",)
)
def extract_entities(article: Article) -> Article:
    """Merge the parse's named entities into one entity per real person, organisation or place."""
    doc = article.doc
    spans = _join_organisations(doc, list(_entity_spans(doc)))
    spans = _join_given_names(doc, spans)
    _extend_given_names(doc, spans)
    lower = _lower_words(doc)
    spans = _drop_common_words(doc, spans, lower)
    _majority_labels(spans)
    _phrase_types(doc, spans)
    spans = _results_tables(doc, spans)
    spans = _capital_lines(doc, spans, lower)
    _relabel_people(spans)
    _add_unlabelled_surnames(article.doc, spans)
    _add_unlabelled_names(doc, spans)
    _mark_honorifics(doc, spans)
    clusters = _cluster(spans)
    for c in clusters:
        _correct_label(c, doc)
    clusters = _merge_relabelled(clusters)
    article.entities = [_to_entity(f"e{i}", c) for i, c in enumerate(clusters, 1)]
    return article


def _entity_spans(doc: Any) -> Iterable[_Span]:
    """Entity spans of the parse, trimmed of leading articles and trailing possessives, and cut at
    figures and brackets: "Kent 108-3", "Oldham 3 Ipswich", "Scott Draper ( Australia"."""
    for ent in ents_of(doc):
        if ent.label_ in VALUE_LABELS:
            continue
        part: list[Any] = []
        for t in ent:
            if (
                (any(c.isdigit() for c in t.text) and not any(c.isalpha() for c in t.text))
                or t.text in "()[]"
                or "\n" in t.text
            ):
                yield from _trimmed(doc, part, ent.label_)
                part = []
            elif (
                t.lower_ == "in"
                and part
                and t.i + 1 < ent.end
                and _major_place(span_text(doc[t.i + 1 : ent.end]), exact=True)
            ):
                # "Forum in Grodno": a name and where it is, not one name
                yield from _trimmed(doc, part, ent.label_)
                yield from _trimmed(doc, list(doc[t.i + 1 : ent.end]), "GPE")
                part = []
                break
            else:
                part.append(t)
        yield from _trimmed(doc, part, ent.label_)


def _trimmed(doc: Any, tokens: list[Any], label: str) -> Iterable[_Span]:
    """The span of `tokens` without what is no part of a name, if a name is left."""
    while tokens and tokens[0].lower_ in _LEADING_DROP:
        tokens = tokens[1:]
    while tokens and (tokens[-1].text in _TRAILING_DROP or tokens[-1].is_punct):
        tokens = tokens[:-1]
    # "pro-Beijing", "anti-Kremlin": an adjective, not a mention of the name; "pro-Beijing New
    # People Party" is the party's name after it.
    while (
        len(tokens) >= 3
        and tokens[0].lower_ in _PREFIXES
        and tokens[1].text == "-"
        and not tokens[0].whitespace_
        and not tokens[1].whitespace_
    ):
        tokens = tokens[3:]
    # An entity name holds no verb: "The Ministry of Infrastructure backs Markiv" is cut at "backs".
    verb = next((i for i, t in enumerate(tokens) if t.pos_ in ("VERB", "AUX") and i > 0), None)
    if verb is not None:
        tokens = tokens[:verb]
    if not tokens or not any(c.isalpha() for t in tokens for c in t.text):  # "U.S." is a name
        return
    if _is_prefixed(doc, tokens[0].i):
        return  # "pro-Beijing", "anti-Kremlin": an adjective, not a mention of the name
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    words = tuple(t.text for t in tokens if t.is_alpha or t.text[:1].isalpha())
    yield _Span(
        start, end, text_of(doc)[start:end], label, words or (tokens[-1].text,), tokens[0].i, tokens[-1].i + 1
    )


def _drop_common_words(doc: Any, spans: list[_Span], lower: set[str]) -> list[_Span]:
    """ "Persons" of one capitalised common word ("Iodine is ..."): the article writes the word in
    lower case elsewhere, and no full name of a person ends in it. (A capitalised organisation
    word, "the Church", "the Court", stays a name.)"""
    surnames = {s.surname.casefold() for s in spans if s.label == "PERSON" and len(s.tokens) > 1}
    return [
        s
        for s in spans
        if not _label_word(doc, s, surnames)
        and not (
            s.label == "PERSON"
            and len(s.tokens) == 1
            and s.last - s.first == 1
            and s.text.istitle()
            and s.text.casefold() in lower
            and s.text.casefold() not in surnames
            and not is_given_name(s.text)
        )
    ]


def _label_word(doc: Any, s: _Span, surnames: set[str]) -> bool:
    """True for a one-word "person" opening a line before a colon: "Image: Nick Moreau.",
    "Scorer : Sergei Rebrov", unless it is the surname of a person the article names in full."""
    return (
        s.label == "PERSON"
        and s.last - s.first == 1
        and (s.first == 0 or "\n" in doc[s.first - 1].whitespace_ or doc[s.first - 1].text.endswith("\n"))
        and s.last < len(doc)
        and doc[s.last].text == ":"
        and s.text.casefold() not in surnames
        and not is_given_name(s.text)
    )


def _is_prefixed(doc: Any, i: int) -> bool:
    """True when token i follows a lower-case prefix and a hyphen without spaces ("pro-Beijing")."""
    if i < 2 or doc[i - 1].text != "-" or doc[i - 1].whitespace_ or doc[i - 2].whitespace_:
        return False
    return bool(doc[i - 2].is_lower and doc[i - 2].is_alpha)


def _join_organisations(doc: Any, spans: list[_Span]) -> list[_Span]:
    """An organisation's name kept whole: "Verkhovna Rada Committee" + "on" + "National Security and
    Defense" is one name, since "Committee" is an organisation head word that takes a complement."""
    out: list[_Span] = []
    skip_until = -1
    for s in spans:
        if s.first < skip_until:
            continue
        end = first = s.last
        if s.tokens[-1].casefold() in _COMPLEMENT_HEADS and s.last + 1 < len(doc):
            link = doc[s.last]
            first = s.last + 1
            if first + 1 < len(doc) and doc[first].lower_ == "the":
                first += 1  # "Foundation for the Visual Arts"
            if link.lower_ in _ORG_LINKS and first < len(doc) and _capitalised(doc[first]):
                j = first
                while j < len(doc):  # a newline or a lower-case word ends the name
                    t = doc[j]
                    if _capitalised(t) or (t.text == "-" and j + 1 < len(doc) and _capitalised(doc[j + 1])):
                        j += 1
                        end = j
                    elif t.lower_ in _NAME_INNER and j + 1 < len(doc) and _capitalised(doc[j + 1]):
                        j += 1
                    else:
                        break
        if end == s.last or _major_place(doc[first:end].text, exact=True):
            out.append(s)  # "Kia Motor Corp of South Korea": a company and its country
            continue
        tokens = list(doc[s.first : end])
        start, stop = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        words = tuple(t.text for t in tokens if t.is_alpha or t.text[:1].isalpha())
        out.append(_Span(start, stop, text_of(doc)[start:stop], "ORG", words, s.first, end))
        skip_until = end
    return out


def _join_given_names(doc: Any, spans: list[_Span]) -> list[_Span]:
    """A name the model cut in two ("Valeska" [GPE] "Paris" [GPE]) joined back into a person's: a
    given name, or a word that names no major place, followed by one capitalised word."""
    out: list[_Span] = []
    for s in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(prev.tokens) == 1
            and prev.last == s.first
            and doc[prev.first].whitespace_ == " "
            and len(s.tokens) == 1
            and s.tokens[0].istitle()
            and prev.tokens[0].istitle()
            and (is_given_name(prev.tokens[0]) or (prev.label != "PERSON" and not _major_place(prev.text)))
            and s.label != "PERSON"
            and not _in_table(doc, s)
        ):
            out[-1] = _Span(
                prev.start,
                s.end,
                text_of(doc)[prev.start : s.end],
                "PERSON",
                (*prev.tokens, *s.tokens),
                prev.first,
                s.last,
            )
            continue
        out.append(s)
    return out


_FUNCTION_WORDS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PRON", "PART", "AUX"})


def _extend_given_names(doc: Any, spans: list[_Span]) -> None:
    """A person's given name the model left out: "Walter [Little]", "Inger [Miller]"."""
    covered = {i for s in spans for i in range(s.first, s.last)}
    for s in spans:
        i = s.first - 1
        if s.label != "PERSON" or i < 0 or i in covered or len(s.tokens) > 2:
            continue
        t = doc[i]
        # Not a word of the sentence that happens to be someone's given name too ("In Koval's
        # words": "In" is a Korean given name).
        if t.pos_ in _FUNCTION_WORDS:
            continue
        if t.whitespace_ == " " and t.is_title and t.is_alpha and len(t.text) > 1 and is_given_name(t.text):
            s.start, s.first = t.idx, i
            s.text = text_of(doc)[s.start : s.end]
            s.tokens = (t.text, *s.tokens)
            covered.add(i)


# A line of a results table: names each followed by whole numbers ("Fulham 1 Carlisle 0", "Port
# Vale 4 1 2 1 4 4 5"), in mixed case (an all-capitals line is a heading).
_TABLE_NAME = r"[A-Z][\w.'&-]*(?: [A-Z][\w.'&-]*)*"
_TABLE_LINE = re.compile(rf"^(?:{_TABLE_NAME}(?: \d+)+ ?)+$", re.MULTILINE)
_TABLE_ENTRY = re.compile(rf"({_TABLE_NAME})(?= \d)")


def _results_tables(doc: Any, spans: list[_Span]) -> list[_Span]:
    """Names in the lines of a results table are teams, whatever the model made of them."""
    teams: list[_Span] = []
    for line in _TABLE_LINE.finditer(text_of(doc)):
        if not any(c.islower() for c in line.group(0)):
            continue
        for m in _TABLE_ENTRY.finditer(line.group(0)):
            span = doc.char_span(line.start() + m.start(1), line.start() + m.end(1))
            if span is None:
                continue
            words = tuple(t.text for t in span if t.text[:1].isalpha())
            if words:
                teams.append(
                    _Span(span.start_char, span.end_char, span.text, "ORG", words, span.start, span.end)
                )
    if not teams:
        return spans
    taken = {i for t in teams for i in range(t.first, t.last)}
    kept = [s for s in spans if not any(i in taken for i in range(s.first, s.last))]
    return sorted(kept + teams, key=lambda s: s.start)


# A line without a lower-case letter: a headline, a dateline ("MINSK 2023-03-05"), a wire slug.
_LINE = re.compile(r"[^\n]+")
# A name in capitals opening a line before a comma, a dash or a date: "VITEBSK , Belarus
# 2023-03-05", "LITHUANIA - Border guards said", "MINSK 2023-03-05".
_DATELINE = re.compile(r"^[A-Z][A-Z.'&-]*(?: [A-Z][A-Z.'&-]*)*(?= (?:,|-|\d))", re.MULTILINE)
# The longest name looked for in capitals, in tokens ("NEW YORK CITY", "BOSNIA - HERZEGOVINA").
_CAPITAL_NAME_TOKENS = 4
_NUMBER = re.compile(r"[\d.,/-]*\d[\d.,/-]*")
_WORD = re.compile(r"\b[^\W\d_]+\b")


def _lower_words(doc: Any) -> set[str]:
    """The words the article writes in lower case (read from the text: faster than its tokens)."""
    return {w for w in _WORD.findall(text_of(doc)) if w.islower()}


def _capital_lines(doc: Any, spans: list[_Span], lower: set[str]) -> list[_Span]:
    """Names in capitals (headlines, datelines, standings), which the small model labels almost at
    random ("VILNIUS" as an organisation, "MINSK" as nothing). There a name opening a row of
    figures is a team; else it takes the label the article gives it in mixed case ("KAIRYTE" after
    "Ieva Kairyte"), else a place's when the gazetteer knows it as a country, region or big town, or
    as any town in a dateline; a word the article writes in lower case is no name ("MOBILE" in a text
    that says "mobile"), unless a dateline puts it before a comma ("MOBILE , Alabama")."""
    text = text_of(doc)
    regions = [(m.start(), m.end()) for m in _LINE.finditer(text) if _in_capitals(m.group())]
    regions += [
        (m.start(), m.end())
        for m in _DATELINE.finditer(text)
        if sum(c.isalpha() for c in m.group()) >= 3 and not any(a <= m.start() < b for a, b in regions)
    ]
    if not regions:
        return spans

    def inside(s: _Span) -> bool:
        return any(a <= s.start and s.end <= b for a, b in regions)

    mixed = [s for s in spans if not inside(s)]
    votes: dict[str, Counter[str]] = {}
    for s in mixed:
        votes.setdefault(s.text.casefold(), Counter())[s.label] += 1
    for s in mixed:
        if s.label == "PERSON" and len(s.tokens) > 1:
            votes.setdefault(s.surname.casefold(), Counter())["PERSON"] += 1
    found: list[_Span] = []
    for a, b in regions:
        line_end = text.find("\n", a)
        tokens = list(doc.char_span(a, b, alignment_mode="expand") or [])
        rest = list(doc.char_span(b, line_end if line_end >= 0 else len(text), alignment_mode="expand") or [])
        i = 0
        while i < len(tokens):
            span = _capital_name(doc, tokens, i, rest, votes, lower)
            if span is None:
                i += 1
                continue
            found.append(span)
            i = span.last - tokens[0].i
    return sorted([s for s in spans if not inside(s)] + found, key=lambda s: s.start)


def _in_capitals(line: str) -> bool:
    return line.upper() == line and sum(c.isalpha() for c in line) >= 3


def _capital_name(
    doc: Any, tokens: list[Any], i: int, rest: list[Any], votes: dict[str, Counter[str]], lower: set[str]
) -> _Span | None:
    """The longest name starting at tokens[i] of a run in capitals, if any; `rest` is the rest of
    its line after the run."""
    if not _capital_word(tokens[i]):
        return None
    run = 1  # the tokens from i that may make one name: words, and hyphens inside words
    while (
        i + run < len(tokens)
        and run < _CAPITAL_NAME_TOKENS
        and (
            _capital_word(tokens[i + run])
            or (tokens[i + run].text == "-" and not tokens[i + run].whitespace_)
        )
    ):
        run += 1
    opens_line = tokens[0].i == 0 or "\n" in doc[tokens[0].i - 1].text_with_ws
    for k in range(run, 0, -1):
        part = tokens[i : i + k]
        if not _capital_word(part[-1]):
            continue
        start, end = part[0].idx, part[-1].idx + len(part[-1].text)
        name = text_of(doc)[start:end]
        after = [*tokens[i + k :], *rest]
        first = i == 0 and opens_line
        dateline = first and bool(after) and (after[0].text in (",", "-") or after[0].text[:1].isdigit())
        if k == 1 and part[0].is_stop:
            continue
        if k == 1 and part[0].lower_ in lower and not (dateline and after[0].text == ","):
            continue
        counts = votes.get(name.casefold())
        if first and after and _standings(text_of(doc)[end : after[-1].idx + len(after[-1].text)]):
            label = "ORG"  # a row of a standings table: "DINAMO 12 7 .632 3"
        elif counts:
            label = counts.most_common(1)[0][0]
        elif _capital_place(name, dateline):
            label = "GPE"
        else:
            continue
        words = tuple(t.text for t in part if t.text[:1].isalpha())
        return _Span(start, end, name, label, words, part[0].i, part[-1].i + 1)
    return None


def _standings(rest: str) -> bool:
    """True for the figures of a standings row: two or more numbers ("65 66 .496 5"), not a date."""
    return sum(1 for w in rest.split() if _NUMBER.fullmatch(w)) >= 2


def _capital_word(token: Any) -> bool:
    return bool(token.text[:1].isalpha())


@functools.lru_cache(maxsize=4096)
def _capital_place(name: str, dateline: bool) -> bool:
    """True when `name`, written in capitals, is a place's own name: a country, a region, a big town,
    or any town when it opens a dateline."""
    from .gazetteer import QUALITY_ALTERNATE, Gazetteer

    form = name if len(name) <= 3 else name.title()
    for place in Gazetteer.get().lookup(form)[:3]:
        if place.name.casefold() != name.casefold() and place.quality >= QUALITY_ALTERNATE:
            continue
        if dateline or place.kind in ("country", "region") or place.capital:
            return True
        if place.population >= _TOWN_POPULATION:
            return True
    return False


def _capitalised(token: Any) -> bool:
    return bool(token.text[:1].isupper() and (token.is_alpha or token.text[:1].isalpha()))


def _phrase_types(doc: Any, spans: list[_Span]) -> None:
    """Types a phrase's own words give it: "General Staff" is an organisation; "Gomel Region",
    "the Brest and Gomel regions" and "Medininkai" after "at the" name places."""
    for s in spans:
        last = s.tokens[-1].casefold()
        if s.label in ("PERSON", "NORP", "GPE", "LOC") and len(s.tokens) > 1 and last in ORG_HEADS:
            s.label = "ORG"
        elif s.label == "FAC" and len(s.tokens) > 1 and last in _MEDIA_HEADS:
            s.label = "ORG"  # "the Minsk Gazette" is a newspaper, not a building
        elif (
            s.label in ("PERSON", "NORP", "GPE", "LOC")
            and len(s.tokens) > 2
            and s.tokens[0].casefold() in _COMPLEMENT_HEADS
            and s.tokens[1] in _ORG_LINKS
        ):
            s.label = "ORG"  # "the Municipality of Polotsk", "Ministry of Defense of Ukraine"
        elif s.label in ("PERSON", "ORG", "NORP", "FAC") and (
            # "Gomel Region", but not "Irving Independent School District"
            (last in _PLACE_NOUNS and (len(s.tokens) == 2 or s.label != "ORG")) or _before_place_noun(doc, s)
        ):
            s.label = "GPE"


def _before_place_noun(doc: Any, s: _Span) -> bool:
    """True for "Brest" in "the Brest and Gomel regions" and "Minsk" in "Minsk oblast"."""
    j = s.last
    while j < len(doc) and j < s.last + 6:
        t = doc[j]
        if t.lower_ in _PLACE_NOUNS and t.is_lower:
            return True
        if not (_capitalised(t) or t.lower_ in ("and", ",", "or")):
            return False
        j += 1
    return False


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
    people: list[_Names] = []
    # Full names first, so that a lone surname anywhere in the article can join its person.
    for s in spans:
        if s.label == "PERSON" and len(s.tokens) > 1:
            match = next((p for p in people if p.same_person(s)), None)
            if match is None:
                people.append(match := _Names(_Cluster("PERSON")))
            match.add(s)
    others: dict[tuple[str, str], _Cluster] = {}
    for s in spans:
        if s.label == "PERSON" and len(s.tokens) > 1:
            continue
        if len(s.tokens) == 1 and s.label in PERSON_CONFUSABLE:
            person = _by_honorific(people, s, full=True)
            if person is None and s.honorific is None and s.label != "NORP":
                person = _by_given_name(people, s.surname)  # "Marta said", "Marta" taken for a place
                if person is not None and _major_place(s.text):
                    person = None  # "Paris" after "Paris Hilton"
            if person is not None or s.honorific is not None:
                s.label = "PERSON"
            if person is not None:
                person.add(s)
                continue
        if s.label == "PERSON":
            match = _by_honorific(people, s)
            if match is None and len(s.tokens) == 1 and s.honorific is None:
                match = _by_given_name(people, s.surname)
            if match is None:
                people.append(match := _Names(_Cluster("PERSON")))
            match.add(s)
            continue
        group = "GPE" if s.label in ("GPE", "LOC") else s.label
        key = (group, translit_key(s.text))
        cluster = others.get(key) or next(
            (c for (g, _), c in others.items() if g == group and _same_phrase(c.spans[0], s)), None
        )
        if cluster is None:
            others[key] = cluster = _Cluster(s.label)
        cluster.spans.append(s)
    clusters = [p.cluster for p in people] + list(others.values())
    for c in clusters:
        c.spans.sort(key=lambda s: s.start)
    return sorted(clusters, key=lambda c: c.spans[0].start)


def _by_honorific(people: list[_Names], s: _Span, full: bool = False) -> _Names | None:
    """The first person whose surname `s` is and whose gender its title allows: "Mr. Clinton" is not
    Hillary Clinton, but Bill Clinton if the article names him, else someone of his own."""
    named = (p for p in people if p.has_surname(s.surname, full))
    if s.honorific is None:
        return next(named, None)
    return next((p for p in named if p.gender() in (None, s.honorific)), None)


def _by_given_name(people: list[_Names], word: str) -> _Names | None:
    """The one person named in full whose first name `word` is ("“…,” Oksana said" after "Oksana
    Koval"), when no one else named in full has it as a first name."""
    named = [p for p in people if any(same_name(first, word) for first, _ in p.given)]
    return named[0] if len(named) == 1 else None


def _mark_honorifics(doc: Any, spans: list[_Span]) -> None:
    """Note the gender a title gives a lone surname ("Mr. Koval", "Mrs. Koval")."""
    for s in spans:
        if len(s.tokens) == 1 and s.first > 0:
            s.honorific = _HONORIFICS.get(doc[s.first - 1].lower_.rstrip("."))


def _merge_relabelled(clusters: list[_Cluster]) -> list[_Cluster]:
    """Clusters of one name that a corrected label made alike ("Oxfam" [GPE] relabelled ORG beside
    "Oxfam" [ORG]) become one entity."""
    merged: dict[tuple[str, str], _Cluster] = {}
    out: list[_Cluster] = []
    for c in clusters:
        if c.label == "PERSON":
            out.append(c)
            continue
        key = (c.label, translit_key(c.spans[0].text))
        if key in merged:
            merged[key].spans = sorted(merged[key].spans + c.spans, key=lambda s: s.start)
        else:
            merged[key] = c
            out.append(c)
    return out


# A town this large is a place whatever the small model calls it ("Kyiv" as PERSON, "Vitebsk" as
# ORG). Below it, town names collide with surnames and firms too often to overrule the model.
_TOWN_POPULATION = 50_000


# Words before a name that make it a place: "near Vitebsk", "in Kharkiv".
_LOCATIVE = frozenset(
    {"in", "near", "to", "from", "around", "outside", "across", "towards", "toward", "into"}
)


# Words before a small town's name that make it a place: "at the Medininkai crossing", "in Aceh".
_AT_PLACE = frozenset({"in", "near", "at", "outside", "around", "into", "towards", "toward"})


def _correct_label(cluster: _Cluster, doc: Any) -> None:
    """Relabel an entity the gazetteer or the demonym list knows better than the model."""
    from .gazetteer import QUALITY_ALTERNATE, Gazetteer
    from .roles import country_of_demonym

    word = cluster.spans[0].text
    if cluster.label in ("GPE", "LOC") and len(cluster.spans[0].tokens) == 1 and country_of_demonym(word):
        cluster.label = "NORP"  # "Lithuanian" officials
        return
    if cluster.label in ("GPE", "LOC", "NORP") and _short_country_adjective(doc, cluster):
        cluster.label = "NORP"  # "Saudi officials"
        return
    if (
        cluster.label in ("GPE", "LOC")
        and all(s.text[:1].isupper() and not s.text.isupper() for s in cluster.spans)
        and not any(_place_phrase(s.tokens) for s in cluster.spans)
        and not any(
            (_after_locative(doc, s.first, _AT_PLACE | _LOCATIVE) and not _modifier(doc, s))
            or _place_context(doc, s)
            or _before_place_noun(doc, s)
            or _before_country(doc, s.last)
            for s in cluster.spans
        )
        and not Gazetteer.get().lookup(word)
    ):
        # A "place" no gazetteer knows and the article never puts anywhere ("Greenpeace activists",
        # "such as Greenpeace"): the small model gives GPE to creeds, firms and groups.
        cluster.label = "ORG"
        return
    if cluster.label not in ("PERSON", "ORG", "NORP", "FAC"):
        return
    if not (cluster.label == "PERSON" and cluster.full_names) and any(
        _place_context(doc, s) for s in cluster.spans
    ):
        cluster.label = "GPE"  # "the town of Smilavichy", "the capital Minsk", "east of Polotsk"
        return
    if cluster.label == "FAC":
        return
    if cluster.full_names or any(len(s.tokens) > 1 for s in cluster.spans):
        # "Hong Kong" [PERSON], "Sri Lanka" [PERSON]: a country, region or big town under its own name.
        if cluster.label == "PERSON" and all(_major_place(s.text, exact=True) for s in cluster.spans):
            cluster.label = "GPE"
        return
    if cluster.label in ("PERSON", "ORG") and word[:1].isupper() and country_of_demonym(word):
        cluster.label = "NORP"  # "Lithuanian" said as a noun
        return
    if cluster.label == "PERSON" and is_given_name(word):
        return
    places = Gazetteer.get().lookup(word)[:3]
    if not places:
        return
    # A "person" named after a locative ("at the Medininkai crossing") or before a country ("Tavildara,
    # Tajikistan"), whatever the town's size: the article itself says it is a place. Not an
    # organisation or an acronym: "at Google", "at USI" name a company's or a university's premises.
    if (
        cluster.label != "ORG"
        and not word.isupper()
        and any(
            _after_locative(doc, s.first, _AT_PLACE) or _before_country(doc, s.last) for s in cluster.spans
        )
    ):
        cluster.label = "GPE"
        return
    for place in places:
        if place.name.casefold() != word.casefold() and place.quality >= QUALITY_ALTERNATE:
            continue
        if not (place.kind in ("country", "region") or place.capital or place.population >= _TOWN_POPULATION):
            continue
        # An organisation named after its town (a club, a city council) keeps its label unless the
        # article also uses the name as a place ("near Vitebsk") or it is a capital outside a results
        # table ("Minsk wants to show strength"): CoNLL's sports pages are full of them. A country
        # keeps ORG: the model gives it to national teams ("Belgium defeated Panama").
        if (
            cluster.label != "ORG"
            or any(_after_locative(doc, s.first, _LOCATIVE) for s in cluster.spans)
            or (_capital(word, places) and not any(_in_table(doc, s) for s in cluster.spans))
        ):
            cluster.label = "GPE"
        return


# Nouns that name a place by its name after "of" ("the town of Smilavichy") or before it ("the
# capital Minsk"), and the compass words that place a place ("east of Polotsk").
_PLACE_OF = frozenset(
    """town towns city cities village villages capital port island islands province region district
    suburb suburbs outskirts municipality state resident residents native natives""".split()
)
_COMPASS = frozenset("east west north south northeast northwest southeast southwest".split())
# Words before a name that place it ("South China", "Northern Iraq", "Far East"), and the nouns
# after a name or ending it that make it a place ("East Coast", "the Zaslawye district", "a Dadaab camp").
_DIRECTIONS = _COMPASS | frozenset(
    "northern southern eastern western central far upper lower greater".split()
)
_PLACE_WORDS = (
    _DIRECTIONS
    | _PLACE_OF
    | _PLACE_NOUNS
    | PLACE_HEADS
    | frozenset(
        """republic kingdom federation coast gulf bay peninsula strait canal channel ocean desert camp
        area border""".split()
    )
)


def _place_phrase(tokens: tuple[str, ...]) -> bool:
    """True for a name its own words make a place: "Far East", "East Coast", "Federal Republic of
    Yugoslavia"."""
    words = [t.casefold() for t in tokens]
    return (
        words[0] in _DIRECTIONS
        or words[-1] in _PLACE_WORDS
        or any(w in ("republic", "kingdom") for w in words)
    )


def _place_context(doc: Any, s: _Span) -> bool:
    """True when the words before a mention say it names a place: "the town of X", "the city of X",
    "the capital X", "east of X"."""
    i = s.first - 1
    if i >= 0 and doc[i].lower_ == "capital" and (i == 0 or doc[i - 1].lower_ in ("the", "its", "their")):
        return True
    if i < 1 or doc[i].lower_ != "of":
        return False
    before = doc[i - 1]
    if before.lower_ in _COMPASS:
        return True
    return before.lower_ in _PLACE_OF and before.is_lower


def _short_country_adjective(doc: Any, cluster: _Cluster) -> bool:
    """True for the first word of a country's name ("Saudi" of "Saudi Arabia") used, wherever the
    article writes it, before a noun: an adjective, like a demonym."""
    from .gazetteer import QUALITY_CANONICAL, Gazetteer

    if not all(
        len(s.tokens) == 1 and s.last < len(doc) and doc[s.last].pos_ in ("NOUN", "PROPN")
        for s in cluster.spans
    ):
        return False
    word = cluster.spans[0].text
    places = Gazetteer.get().lookup(word)[:1]
    return bool(
        places
        and places[0].kind == "country"
        and places[0].quality != QUALITY_CANONICAL
        and places[0].name.casefold().startswith(word.casefold() + " ")
    )


def _modifier(doc: Any, s: _Span) -> bool:
    """True when the mention qualifies the common noun after it ("in Greenpeace jargon"), other
    than a noun for a place ("from a Dadaab camp")."""
    if s.last >= len(doc):
        return False
    t = doc[s.last]
    return t.pos_ == "NOUN" and t.is_lower and t.lower_ not in _PLACE_WORDS


def _capital(word: str, places: list[Any]) -> bool:
    return any(p.name.casefold() == word.casefold() and p.capital for p in places)


def _major_place(name: str, exact: bool = False) -> bool:
    """True when `name` is a country's, a first-level region's or a big town's own name."""
    from .gazetteer import QUALITY_ALTERNATE, Gazetteer

    for place in Gazetteer.get().lookup(name)[:3]:
        if exact and place.name.casefold() != name.casefold() and place.quality >= QUALITY_ALTERNATE:
            continue
        if place.kind in ("country", "region") or place.capital or place.population >= _TOWN_POPULATION:
            return True
    return False


def _before_country(doc: Any, last: int) -> bool:
    """True when the name is followed by a comma and a country or region: "Irving, Texas"."""
    if last + 1 >= len(doc) or doc[last].text != ",":
        return False
    nxt = doc[last + 1]
    if nxt.ent_type_ not in ("GPE", "LOC") or nxt.ent_iob_ != "B":
        return False
    from .gazetteer import Gazetteer

    ent = next((e for e in ents_of(doc) if e.start == nxt.i), None)
    return ent is not None and any(
        p.kind in ("country", "region") and p.quality == 0 for p in Gazetteer.get().lookup(ent.text)[:2]
    )


def _in_table(doc: Any, s: _Span) -> bool:
    """True when the mention stands on a line of figures (a results table, a scoreboard)."""
    text = text_of(doc)
    start = text.rfind("\n", 0, s.start) + 1
    end = text.find("\n", s.end)
    line = str(text[start : end if end >= 0 else len(text)])
    return any(w.isdigit() for w in line.split()) or line.isupper()


def _relabel_people(spans: list[_Span]) -> None:
    """A two- or three-word name the small model labelled otherwise is a person when it starts with a
    given name ("Olena Markiv" [ORG]) or the article calls its last word a person elsewhere
    ("Taras Hnatyuk" [ORG] ... "Hnatyuk" [PERSON])."""
    surnames = {s.surname for s in spans if s.label == "PERSON" and len(s.tokens) == 1}
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
    """Mentions of a person's surname that the model left unlabelled ("Markiv says ..."), and of a
    first name that only one person named in full has ("Marta said ...", a proper noun)."""
    full = [s for s in spans if s.label == "PERSON" and len(s.tokens) > 1]
    surnames = {translit_key(s.surname): s.surname for s in full}
    if not surnames:
        return
    owners: dict[str, set[str]] = {}
    for s in full:
        owners.setdefault(translit_key(s.tokens[0].rstrip(".")), set()).add(translit_key(s.surname))
    first_names = {name for name, of in owners.items() if len(of) == 1 and len(name) > 1} - set(surnames)
    covered = {i for s in spans for i in range(s.start, s.end)}
    for token in doc:
        if not token.is_title or token.idx in covered:
            continue
        key = translit_key(token.text)
        if key in surnames or (key in first_names and token.pos_ == "PROPN"):
            if token.i + 1 < len(doc) and doc[token.i + 1].is_title and not doc[token.i + 1].is_sent_start:
                continue  # part of a longer name the model did not label: not ours to guess
            spans.append(
                _Span(
                    token.idx,
                    token.idx + len(token.text),
                    token.text,
                    "PERSON",
                    (token.text,),
                    token.i,
                    token.i + 1,
                )
            )
    spans.sort(key=lambda s: s.start)


def _add_unlabelled_names(doc: Any, spans: list[_Span]) -> None:
    """Mentions of an organisation or a place that the model labelled elsewhere in the article but
    left unlabelled here ("... posted by Google"), with the label most of its mentions carry."""
    from .gazetteer import Gazetteer

    votes: dict[str, Counter[str]] = {}
    for s in spans:
        if s.label in ("ORG", "GPE", "LOC") and s.last - s.first == 1 and s.text[:1].isupper():
            votes.setdefault(s.text, Counter())[s.label] += 1
    # A place only when the gazetteer knows it: the model calls many a creed or a brand a place.
    votes = {
        name: counts
        for name, counts in votes.items()
        if counts.most_common(1)[0][0] == "ORG" or Gazetteer.get().lookup(name)
    }
    if not votes:
        return
    covered = {i for s in spans for i in range(s.first, s.last)}
    text = text_of(doc)
    names = re.compile(
        r"\b(?:" + "|".join(re.escape(n) for n in sorted(votes, key=len, reverse=True)) + r")\b"
    )
    found = (doc.char_span(m.start(), m.end()) for m in names.finditer(text))
    for token in (span[0] for span in found if span is not None and len(span) == 1):
        counts = votes[token.text]
        if token.i in covered:
            continue
        if (
            token.i + 1 < len(doc) and _capitalised(doc[token.i + 1]) and not doc[token.i + 1].is_sent_start
        ) or (token.i > 0 and _capitalised(doc[token.i - 1]) and not token.is_sent_start):
            continue  # part of a longer name the model did not label: not ours to guess
        spans.append(
            _Span(token.idx, token.idx + len(token.text), token.text, counts.most_common(1)[0][0],
                  (token.text,), token.i, token.i + 1)
        )  # fmt: skip
    spans.sort(key=lambda s: s.start)


def _after_locative(doc: Any, first: int, words: frozenset[str]) -> bool:
    """True when the token `first` follows one of `words`, maybe through "the": "at the Medininkai"."""
    i = first - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    return i >= 0 and doc[i].lower_ in words


def _same_phrase(a: _Span, b: _Span) -> bool:
    """Multi-word names spelled differently word by word (Gomel Region ~ Homel Region)."""
    return len(a.tokens) == len(b.tokens) and all(
        same_name(x, y) for x, y in zip(a.tokens, b.tokens, strict=True)
    )


def _to_entity(entity_id: str, cluster: _Cluster) -> Entity:
    # Names and aliases with their spaces plain and single ("James\u00a0Comey" is "James Comey");
    # each mention keeps its text as written.
    forms = Counter(" ".join(s.text.split()) for s in cluster.spans)
    if cluster.label == "PERSON" and cluster.full_names:
        # The fullest name, then the most used: "Alexander Lukashenko" over "Lukashenka".
        full = (" ".join(s.text.split()) for s in cluster.full_names)
        name = max(full, key=lambda t: (len(t.split()), forms[t]))
    else:
        name = max(forms, key=lambda t: (forms[t], len(t)))
    aliases = list(dict.fromkeys(" ".join(s.text.split()) for s in cluster.spans))
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


def entity_described(article: Article, start: int, end: int) -> Entity | None:
    """The person one of whose descriptions ("the Russian president", set by the roles stage)
    overlaps [start, end), the longest overlap winning; None when no description is tied there."""
    best: tuple[int, Entity] | None = None
    for entity in article.entities:
        for d in entity.descriptions:
            overlap = min(end, d.end) - max(start, d.start)
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
