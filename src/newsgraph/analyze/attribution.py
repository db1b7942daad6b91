"""Attribution helpers: quotation marks paired into quotations, speaker mentions resolved to entities."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..article import Article, Speaker
from ..nlp import ents_of
from .names import given_name_gender, same_name, skeleton, translit_key
from .roles import PERSON_NOUNS

# --- quotation marks ---------------------------------------------------------------------------

# Glyphs that say which way they face; the straight marks (and the '' `` of some wires, e.g. the
# New York Times in PolNeAR) do not, and are read from the characters around them.
_OPENING = frozenset({"“", "„", "‟", "«", "``"})
_CLOSING = frozenset({"”", "»"})
_MARK_RE = re.compile(r"''|``|[“”„‟«»\"]")
# Characters after which a mark opens a quotation, and before which it closes one.
_OPEN_AFTER = frozenset("([{—–-:/;,") | _OPENING | _CLOSING | {'"'}
_CLOSE_BEFORE = frozenset(".,;:!?)]}—–-…'’") | _OPENING | _CLOSING | {'"'}
# Invisible format characters (bidi marks, zero-width spaces, BOM) that scraped text leaves beside a
# mark ("\u202a”Sorry, …”"): read past them to the character that tells the mark's direction.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


# Nouns for people, who can say something: "members", "officials", "Democrats", and the titles and
# descriptions of people ("president", "critic").
_GROUPS: frozenset[str] = frozenset(
    """member official voter supporter aide adviser advisor leader lawmaker legislator senator
    democrat republican resident protester protestor activist critic expert analyst economist
    officer authority investigator prosecutor organizer delegate citizen parent student worker
    employee executive lawyer attorney doctor scientist researcher teacher farmer rebel soldier
    diplomat minister candidate spokesman spokeswoman spokesperson representative staffer staff
    volunteer donor insider observer strategist pollster conservative liberal progressive
    evangelical immigrant refugee veteran family neighbor neighbour witness victim survivor
    fan people moderator""".split()
)
PEOPLE_NOUNS: frozenset[str] = _GROUPS | PERSON_NOUNS


def is_people(t: Any) -> bool:
    """True for a noun naming people or a person by role: "officials", "Democrats", "moderators",
    "the president"; or a demonym or party (NORP)."""
    return t.lemma_.lower() in PEOPLE_NOUNS or t.lower_ in PEOPLE_NOUNS or t.ent_type_ == "NORP"


@dataclass(frozen=True, slots=True)
class Quotation:
    """A top-level quotation: from its opening mark to after its closing mark, marks included."""

    start: int
    end: int
    open_len: int  # length of the opening mark
    close_len: int  # length of the closing mark (0 when the paragraph ended first)
    nested: tuple[tuple[int, int], ...] = ()
    paragraphs: int = 1  # more than one: a quotation reopened at the start of each paragraph

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + self.open_len, self.end - self.close_len


@dataclass(slots=True)
class _Open:
    pos: int
    glyph: str
    nested: list[tuple[int, int]] = field(default_factory=list)


def _glyph_direction(glyph: str) -> str:
    if glyph in _OPENING:
        return "open"
    if glyph in _CLOSING:
        return "close"
    return "either"


def _closed_in_paragraph(text: str, at: int, glyph: str) -> bool:
    end = text.find("\n", at)
    return text.find(glyph, at, len(text) if end == -1 else end) != -1


def find_quotations(text: str) -> list[Quotation]:
    """Pair the quotation marks of `text` into top-level quotations, in order.

    Curly marks are trusted for their direction, so nested quotes written with the same “ ”
    pair (a machine translation's “All Lukashenka's “power” rests ...,” ...). Straight marks
    open after a space or a bracket and close before a space or punctuation. A quotation still
    open at a paragraph break continues when the next paragraph opens with a mark (the
    convention for quotes running over paragraphs) and ends with its paragraph otherwise.
    """
    quotations: list[Quotation] = []
    stack: list[_Open] = []
    paragraphs = 1
    skip_until = -1  # a mark reopening a quotation at a paragraph start: no new quotation
    n = len(text)

    def finish(entry: _Open, end: int, close_len: int) -> None:
        if stack:
            stack[-1].nested.append((entry.pos, end))
        else:
            quotations.append(
                Quotation(entry.pos, end, len(entry.glyph), close_len, tuple(entry.nested), paragraphs)
            )

    def close_all_at(brk: int, keep_outer: bool) -> None:
        para_end = brk
        while para_end > 0 and text[para_end - 1].isspace():
            para_end -= 1
        while len(stack) > (1 if keep_outer else 0):
            entry = stack.pop()
            finish(entry, max(para_end, entry.pos + 1), 0)

    prev_end = 0
    for m in _MARK_RE.finditer(text):
        start, end, glyph = m.start(), m.end(), m.group()
        # A paragraph break since the last mark ends what is open, unless this mark reopens it.
        brk = text.find("\n", prev_end, start) if stack else -1
        prev_end = end
        if brk != -1:
            if not _INVISIBLE.sub("", text[brk:start]).strip() and _glyph_direction(glyph) != "close":
                close_all_at(brk, keep_outer=True)
                paragraphs += 1
                skip_until = end
            else:
                close_all_at(brk, keep_outer=False)
        if end <= skip_until:
            continue
        b = start - 1
        while b >= 0 and _INVISIBLE.match(text, b):
            b -= 1
        a = end
        while a < n and _INVISIBLE.match(text, a):
            a += 1
        before = text[b] if b >= 0 else "\n"
        after = text[a] if a < n else "\n"
        can_open = (before.isspace() or before in _OPEN_AFTER) and not after.isspace()
        can_close = not before.isspace() and (after.isspace() or after in _CLOSE_BEFORE)
        direction = _glyph_direction(glyph)
        if not stack:
            paragraphs = 1
        if direction == "open":
            # „…“: the German closing mark looks like an English opening one.
            if stack and can_close and not can_open and stack[-1].glyph in ("„", "“"):
                finish(stack.pop(), end, len(glyph))
            else:
                stack.append(_Open(start, glyph))
        elif direction == "close":
            if stack:
                finish(stack.pop(), end, len(glyph))
            elif (can_open or (before == "\n" and _closed_in_paragraph(text, end, glyph))) and not can_close:
                # ”…” (Swedish, some translations), and a paragraph opening on ” … with one to
                # close it ("” … and then the port closed,” she said").
                stack.append(_Open(start, glyph))
        else:
            top_straight = bool(stack) and _glyph_direction(stack[-1].glyph) == "either"
            if top_straight and (can_close or not can_open):
                finish(stack.pop(), end, len(glyph))
            elif can_open or (not stack and not can_close):
                stack.append(_Open(start, glyph))
            elif stack and can_close:
                finish(stack.pop(), end, len(glyph))
    if stack:
        brk = text.find("\n", prev_end)
        close_all_at(n if brk == -1 else brk, keep_outer=False)
    return quotations


# --- speaker mentions --------------------------------------------------------------------------

# With the possessives, for "his claim that …", "its warning that …", "their argument that …".
_PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}
PERSON_PRONOUNS = frozenset(_PRONOUN_GENDER)
ORG_PRONOUNS = frozenset({"it", "its"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
# Entity types that can speak. GPE included: "Russia said", "Washington warned".
SPEAKING_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# How far back (characters) a pronoun or a description looks for its antecedent: about three
# paragraphs of news prose. Not tuned: PolNeAR credits a pronoun speaker by its span, so its
# scores do not move with this (500, 1500 and 4000 score the same on train).
ANTECEDENT_REACH = 1500


@dataclass(frozen=True, slots=True)
class Named:
    """A mention of an entity (or of a name the entities stage did not keep)."""

    start: int
    end: int
    name: str
    entity: str | None
    type: str


class Mentions:
    """The article's named mentions, indexed by offset, with roles for resolving descriptions."""

    def __init__(self, article: Article, doc: Any) -> None:
        self.doc = doc
        self.text = article.text  # what the parse was made of; doc.text rebuilds it on each access
        items: list[Named] = []
        # entity id -> (role head word, the role as written and what it is of, lower case; and
        # whether it is of something): ("president", "self-proclaimed president belarus", True)
        self.roles: dict[str, list[tuple[str, str, bool]]] = {}
        for entity in article.entities:
            if entity.type not in SPEAKING_TYPES:
                continue
            for m in entity.mentions:
                items.append(Named(m.start, m.end, entity.name, entity.id, entity.type))
            self.roles[entity.id] = [
                (r.role.split()[-1].lower(), f"{r.role} {r.of or ''}".lower(), bool(r.of))
                for r in entity.roles
                if r.role.split()
            ]
        if not article.entities:
            items = self._from_parse(doc, self.text)
        items.sort(key=lambda m: (m.start, -m.end))
        self.items = items
        self.starts = [m.start for m in items]
        # For `named`: the mentions of each name, and each person's mentions by the consonant
        # skeleton of their surname (spellings of one name share it), in text order.
        self._by_name: dict[str, list[int]] = {}
        self._by_surname: dict[str, list[int]] = {}
        for n, item in enumerate(items):
            self._by_name.setdefault(item.name, []).append(n)
            if item.type == "PERSON" and item.name.split():
                key = skeleton(translit_key(item.name.split()[-1]))
                self._by_surname.setdefault(key, []).append(n)
        self._role_index: dict[str, list[tuple[int, Named, str, bool]]] | None = None

    @staticmethod
    def _from_parse(doc: Any, text: str) -> list[Named]:
        """Named mentions from the parse alone, when no entities stage ran: a lone surname takes the
        full name it shares (Gudkov -> Gennady Gudkov)."""
        ents = [e for e in ents_of(doc) if e.label_ in SPEAKING_TYPES]
        full = {translit_key(e[-1].text): e.text for e in ents if e.label_ == "PERSON" and len(e) > 1}
        out = []
        for e in ents:
            tokens = [t for t in e if t.lower_ not in ("the", "'s", "’s")] or list(e)
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            name = text[start:end]
            if len(tokens) == 1 and translit_key(name) in full:
                name, label = full[translit_key(name)], "PERSON"
            else:
                label = e.label_
            out.append(Named(start, end, name, None, label))
        return out

    def at(self, start: int, end: int) -> Named | None:
        """The mention overlapping [start, end) the most."""
        i = bisect_left(self.starts, end)
        best: Named | None = None
        best_overlap = 0
        j = i - 1
        # Mentions are short: look back a little for ones that start earlier and still overlap.
        while j >= 0 and self.items[j].start > start - 200:
            m = self.items[j]
            overlap = min(end, m.end) - max(start, m.start)
            if overlap > best_overlap:
                best, best_overlap = m, overlap
            j -= 1
        return best

    def named(self, text: str, types: frozenset[str] = SPEAKING_TYPES) -> Named | None:
        """The mention whose name is `text` or ends in its surname (an unlabelled "Zhdanov")."""
        last = text.split()[-1] if text.split() else text
        surname = self._by_surname.get(skeleton(translit_key(last)), [])
        for n in sorted({*surname, *self._by_name.get(text, ())}):
            m: Named = self.items[n]
            if m.type in types and (
                m.name == text or (m.type == "PERSON" and same_name(m.name.split()[-1], last))
            ):
                return m
        return None

    def before(self, pos: int, types: frozenset[str], reach: int = ANTECEDENT_REACH) -> list[Named]:
        """Mentions of `types` ending before `pos` within `reach` characters, nearest first."""
        out = []
        for j in range(bisect_right(self.starts, pos) - 1, -1, -1):
            m = self.items[j]
            if m.start < pos - reach:
                break
            if m.end <= pos and m.type in types:
                out.append(m)
        return out

    def role_index(self) -> dict[str, list[tuple[int, Named, str, bool]]]:
        """Role word -> (offset, person, the role in full, whether the role says what it is of) for
        every person the article describes."""
        if self._role_index is None:
            index: dict[str, list[tuple[int, Named, str, bool]]] = {}
            first: dict[str, Named] = {}
            for m in self.items:  # in text order: the first mention of each entity
                if m.entity is not None:
                    first.setdefault(m.entity, m)
            for entity_id, roles in self.roles.items():
                person = first.get(entity_id)
                if person is None:
                    continue
                for word, full, of in roles:
                    index.setdefault(word, []).append((person.start, person, full, of))
            # Without an entities stage: the parse's "spokesman X" / "X, spokesman for ...".
            for m in self.items:
                if m.entity is not None or m.type != "PERSON":
                    continue
                span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None:
                    continue
                root = span.root
                nouns = [t for t in root.lefts if t.dep_ in ("compound", "amod") and t.pos_ == "NOUN"]
                nouns += [t for t in root.children if t.dep_ == "appos" and t.pos_ == "NOUN"]
                for t in nouns:
                    full = " ".join(w.lower_ for w in t.subtree)
                    index.setdefault(t.lower_, []).append((m.start, m, full, False))
            self._role_index = index
        return self._role_index


@dataclass(frozen=True, slots=True)
class Resolved:
    """A speaker mention and who it is; `ok` is False when it must not be attributed (a lone "they")."""

    speaker: Speaker
    ok: bool = True


def _chars(tokens: Any) -> tuple[int, int]:
    toks = list(tokens)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def noun_phrase(head: Any) -> tuple[int, int]:
    """The speaker as written: determiners, modifiers and compounds with the head, and what follows it
    by preposition ("a source in the General Staff"), without appositions or relative clauses."""
    doc = head.doc
    left = head.i
    for t in reversed(list(head.lefts)):
        if t.dep_ in ("det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "advmod", "npadvmod"):
            left = min(left, t.left_edge.i)
        else:
            break
    right = head.i
    for t in head.rights:
        if t.dep_ in ("prep", "compound", "flat") and not any(x.is_punct for x in doc[right + 1 : t.i]):
            right = _right_edge(t)
        else:
            break
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    return _chars(doc[left : right + 1])


def _right_edge(t: Any) -> int:
    """The last token of `t`'s phrase before a relative clause set off by a comma ("a senior
    official in Kyiv", not "…, who spoke on condition of anonymity"); one that restricts the
    phrase stays in it ("27 percent of those who named a candidate")."""
    doc = t.doc
    right: int = t.i
    for child in t.rights:
        if child.dep_ == "relcl" and child.left_edge.i > 0 and doc[child.left_edge.i - 1].text == ",":
            break
        if not child.is_punct:
            right = max(right, _right_edge(child))
    return right


def proper_name(head: Any) -> tuple[int, int]:
    """A proper noun with the proper nouns compounded with it ("Oleg Zhdanov", not "military expert")."""
    doc = head.doc
    left = head.i
    while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].head.i in range(left, head.i + 1):
        left -= 1
    right = head.i
    while right + 1 < len(doc) and doc[right + 1].pos_ == "PROPN" and doc[right + 1].head.i == head.i:
        right += 1
    return _chars(doc[left : right + 1])


class Resolver:
    """Turns the head token of a source into a Speaker: its mention as written and who it is."""

    def __init__(
        self,
        mentions: Mentions,
        speech_verbs: frozenset[str] = frozenset(),
        quotations: Sequence[Quotation] = (),
    ) -> None:
        self.mentions = mentions
        self.speech_verbs = speech_verbs
        self.text: str = mentions.text
        # A pronoun outside quotation marks never stands for a name inside them: in "“Ivan Melnyk
        # is a liar,” she said" she is not Melnyk.
        self._quoted = [(q.start, q.end) for q in quotations]
        self._quoted_starts = [q.start for q in quotations]

    def _quotation_at(self, pos: int) -> tuple[int, int] | None:
        """The quotation holding offset `pos`, if any."""
        i = bisect_right(self._quoted_starts, pos) - 1
        if i >= 0 and pos < self._quoted[i][1]:
            return self._quoted[i]
        return None

    def _heard(self, mentions: list[Named], pos: int) -> list[Named]:
        """`mentions` that a pronoun at `pos` can stand for: those in its own quotation, if it is in
        one, else those in none."""
        own = self._quotation_at(pos)
        return [m for m in mentions if self._quotation_at(m.start) in (None, own)]

    def speaker(self, head: Any, quoted_by: Speaker | None = None) -> Resolved:
        lower = head.lower_
        start, end = head.idx, head.idx + len(head.text)
        if head.pos_ == "PRON" or lower in PERSON_PRONOUNS | PLURAL_PRONOUNS | ORG_PRONOUNS | FIRST_PERSON:
            return self._pronoun(head, quoted_by)
        named = self.mentions.at(start, end)
        if named is not None and (
            head.pos_ == "PROPN" or (head.pos_ in ("NOUN", "X") and named.start <= start)
        ):
            return Resolved(Speaker(entity=named.entity, name=named.name, start=named.start, end=named.end))
        if head.pos_ == "PROPN":
            s, e = proper_name(head)
            written = self.text[s:e]
            found = self.mentions.named(written)
            if found is not None and found.type == "PERSON":
                return Resolved(Speaker(entity=found.entity, name=found.name, start=s, end=e))
            return Resolved(Speaker(entity=None, name=written, start=s, end=e))
        # A person named in the phrase itself, not in what follows it by preposition: "spokesman
        # Ivan Petrenko" is Petrenko, "a source in the General Staff" is nobody named.
        s, e = noun_phrase(head)
        core_end = head.idx + len(head.text)
        inner = self.mentions.at(s, core_end)
        # "Santilli's attorney, Thomas Coan" is not Santilli.
        possessive = inner is not None and self.text[inner.end : inner.end + 2] in ("'s", "’s")
        if (
            inner is not None
            and inner.type == "PERSON"
            and s <= inner.start
            and inner.end <= core_end
            and not possessive
        ):
            return Resolved(Speaker(entity=inner.entity, name=inner.name, start=inner.start, end=inner.end))
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                return self.speaker(child)
        # "The mayor of Lviv, Olena Bondar, said": the parse may hang the name on the place.
        for prep in head.rights:
            if prep.dep_ != "prep":
                continue
            for obj in prep.children:
                name = next(
                    (
                        c
                        for c in obj.rights
                        if c.dep_ == "appos" and c.pos_ == "PROPN" and c.ent_type_ == "PERSON"
                    ),
                    None,
                )
                if obj.dep_ == "pobj" and name is not None:
                    return self.speaker(name)
        written = self.text[s:e]
        # "the spokesman", "the expert": the person the article described so. Its modifiers must
        # fit that description: "the Russian president" is not Belarus's self-proclaimed one, nor
        # "the mayor of Odesa" the mayor of Lviv.
        if any(t.lower_ in ("the", "this", "that") for t in head.lefts) and head.tag_ == "NN":
            mods = [t for t in head.lefts if t.dep_ in ("amod", "compound", "nmod") and t.is_alpha]
            # What the role is of, where the text names it: checked against a role that says so.
            places = [
                o
                for p in head.rights
                if p.dep_ == "prep" and p.lower_ in ("of", "for", "from", "at", "in")
                for o in p.children
                if o.dep_ == "pobj" and (o.pos_ == "PROPN" or o.ent_type_ in ("GPE", "ORG", "NORP"))
            ]
            for pos, person, full, of in reversed(self.mentions.role_index().get(lower, [])):
                if (
                    pos < start
                    and start - pos < 4 * ANTECEDENT_REACH
                    and all(_fits(t, full) for t in mods)
                    and (not of or all(_fits(t, full) for t in places))
                ):
                    return Resolved(Speaker(entity=person.entity, name=person.name, start=s, end=e))
        return Resolved(Speaker(entity=None, name=written, start=s, end=e))

    def _pronoun(self, head: Any, quoted_by: Speaker | None) -> Resolved:
        lower = head.lower_
        start, end = head.idx, head.idx + len(head.text)
        if lower in FIRST_PERSON and quoted_by is not None:
            return Resolved(Speaker(entity=quoted_by.entity, name=quoted_by.name, start=start, end=end))
        if lower in PERSON_PRONOUNS:
            person = self._antecedent(head, frozenset({"PERSON"}), _PRONOUN_GENDER[lower])
            if person is not None:
                return Resolved(Speaker(entity=person.entity, name=person.name, start=start, end=end))
        elif lower in ORG_PRONOUNS:
            org = self._antecedent(head, frozenset({"ORG"}))
            if org is not None:
                return Resolved(Speaker(entity=org.entity, name=org.name, start=start, end=end))
        elif lower in PLURAL_PRONOUNS:
            group = self._plural_antecedent(head)
            if group is not None:
                return Resolved(Speaker(entity=group.entity, name=group.name, start=start, end=end))
            # "they say": nobody in particular. Recorded as a mention, never given a name.
            return Resolved(Speaker(entity=None, name=None, start=start, end=end), ok=False)
        # A pronoun with no antecedent found is kept as written, unnamed; so is "I said", "we
        # believe" outside any quotation: the writer (an op-ed's author, a reporter's own account).
        return Resolved(Speaker(entity=None, name=None, start=start, end=end), ok=lower not in ("me", "us"))

    def _antecedent(self, head: Any, types: frozenset[str], gender: str | None = None) -> Named | None:
        """The nearest sentence before the pronoun naming one of `types`; its subject if one is. With
        `gender`, only people whose first name does not say otherwise ("she": not Taras Bondar)."""
        candidates = self._heard(self.mentions.before(head.idx, types), head.idx)
        if gender is not None:
            candidates = [m for m in candidates if _gender(m) in (None, gender)]
        if not candidates:
            return None
        doc = head.doc
        sent_of = doc[_token_at(doc, candidates[0].start)].sent.start
        same = [m for m in candidates if doc[_token_at(doc, m.start)].sent.start == sent_of]
        for m in same:
            tok = doc[_token_at(doc, m.start)]
            root = doc.char_span(m.start, m.end, alignment_mode="expand")
            dep = root.root.dep_ if root is not None else tok.dep_
            if dep in ("nsubj", "nsubjpass"):
                return m
        return same[-1]  # the earliest in that sentence: first mention, most salient

    def _plural_antecedent(self, head: Any) -> Named | None:
        """An organisation or people named as subject in the pronoun's or the previous sentence."""
        doc = head.doc
        sent = head.sent
        prev_start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        reach = head.idx - doc[prev_start].idx
        for m in self._heard(
            self.mentions.before(head.idx, frozenset({"ORG", "NORP"}), reach=reach), head.idx
        ):
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
                return m
        # "Officials warned … They said …": a plural subject of a speech verb, named as written
        # ("these exercises are just a picture that, they say, …" names no one).
        # So are people named as a plural subject before the pronoun in its own sentence, whatever
        # their verb: "Council members blocked the bill because they said …" (not "The talks
        # collapsed because they …").
        for t in reversed(doc[prev_start : head.i]):
            if (
                t.dep_ == "nsubj"
                and t.tag_ in ("NNS", "NNPS")
                and (t.head.lemma_.lower() in self.speech_verbs or (t.i >= sent.start and is_people(t)))
            ):
                s, e = noun_phrase(t)
                return Named(s, e, self.text[s:e], None, "GROUP")
        return None


def _gender(m: Named) -> str | None:
    """The gender a person's first name tells, if it tells one."""
    words = m.name.split()
    return given_name_gender(words[0]) if m.type == "PERSON" and len(words) > 1 else None


def _fits(modifier: Any, role: str) -> bool:
    """True when a description's modifier agrees with a role: "Russian" with "... of Russia"."""
    word = modifier.lower_
    if word in role or modifier.lemma_.lower() in role:
        return True
    if modifier.ent_type_ in ("NORP", "GPE"):
        from .roles import country_of_demonym

        country = country_of_demonym(modifier.text)
        return country is not None and country.lower() in role
    return False


def _token_at(doc: Any, offset: int) -> int:
    """Index of the token covering character `offset`."""
    lo, hi = 0, len(doc) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc[mid].idx <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo
