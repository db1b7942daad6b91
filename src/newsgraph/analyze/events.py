"""Events: meetings, visits, exercises, mobilisation, deployments, attacks, statements: who, where, when.

An event is found by its trigger word in the parse ("met", "exercises", "shelled"), typed by a
lexicon, and given the entities acting in its clause, and the place and date of its sentence or
its neighbours. Things that did not happen (a prediction, a condition, a denial) are not events.
Mentions of one event in neighbouring sentences are joined: "Putin will travel to Grodno, where
he will meet Lukashenko. ... they are meeting on June 30 and July 1" is one meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ..article import Article, Event, Place
from ..nlp import span_text
from ..pipeline import ENGLISH, stage
from .claims import Context

STAGE_ID: Final = "events.v3"

# Trigger lemmas, verbs and nouns, and the event type each gives.
VERB_TRIGGERS: Final = {
    "meet": "meeting", "negotiate": "meeting", "receive": "meeting", "host": "meeting",
    "visit": "visit", "travel": "visit", "fly": "visit",
    "exercise": "exercise", "drill": "exercise", "train": "exercise",
    "mobilize": "mobilisation", "mobilise": "mobilisation", "conscript": "mobilisation",
    "deploy": "deployment", "redeploy": "deployment", "transfer": "deployment", "station": "deployment",
    "concentrate": "deployment", "arrive": "deployment", "send": "deployment", "move": "deployment",
    "attack": "attack", "shell": "attack", "strike": "attack", "bomb": "attack", "fire": "attack",
    "hit": "attack", "shoot": "attack", "assault": "attack", "storm": "attack", "launch": "attack",
    "announce": "statement", "declare": "statement",
}  # fmt: skip
NOUN_TRIGGERS: Final = {
    "meeting": "meeting", "talks": "meeting", "summit": "meeting", "negotiation": "meeting",
    "visit": "visit", "trip": "visit",
    "exercise": "exercise", "exercises": "exercise", "drill": "exercise", "drills": "exercise",
    "maneuver": "exercise", "manoeuvre": "exercise", "training": "exercise",
    "mobilization": "mobilisation", "mobilisation": "mobilisation", "conscription": "mobilisation",
    "call-up": "mobilisation", "summons": "mobilisation",
    "deployment": "deployment", "redeployment": "deployment", "buildup": "deployment",
    "attack": "attack", "shelling": "attack", "strike": "attack", "bombing": "attack", "airstrike": "attack",
    "assault": "attack", "bombardment": "attack",
    "statement": "statement", "conference": "statement", "briefing": "statement", "address": "statement",
}  # fmt: skip
# Objects that make a verb trigger military: "sent troops", "moved equipment", "launched missiles".
MILITARY_OBJECTS: Final = frozenset(
    {
        "troop", "soldier", "unit", "equipment", "tank", "battalion", "brigade", "force", "vehicle", "train",
        "echelon", "reservist", "conscript", "missile", "rocket", "drone", "aircraft", "jet", "guard",
        "personnel", "army", "military", "servicemen", "serviceman", "artillery", "interceptor", "sapper",
    }
)  # fmt: skip
# Verbs that are events only with a military object or subject ("sent troops", "trains arrived").
NEEDS_MILITARY: Final = frozenset({"send", "move", "arrive", "transfer", "launch", "fire", "hit", "train"})
MODALS: Final = frozenset({"will", "would", "could", "can", "may", "might", "should", "must", "shall", "'ll"})
UNREAL_NOUN_MODS: Final = frozenset({"a", "an", "any", "no", "such", "new", "possible", "second", "another"})
PHASE_VERBS: Final = frozenset({"begin", "start", "continue", "resume", "finish", "complete", "stop"})
MEETING_OBJECTS: Final = frozenset(
    {"delegation", "ambassador", "minister", "governor", "president", "guest", "envoy"}
)
PARTICIPANT_TYPES: Final = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Sentences apart that may still speak of one event.
JOIN_DISTANCE: Final = 2


@dataclass
class _Found:
    type: str
    start: int
    end: int
    sent: int
    participants: list[str] = field(default_factory=list)
    place: int | None = None
    date: int | None = None
    heading: bool = False  # in the article's headline, which names the event the body tells


@stage(
    "events",
    version=3,
    languages=ENGLISH,
    requires=("doc", "entities", "places", "dates", "quotes"),
    assigns=("events",),
    components=("tagger", "parser", "ner", "lemmatizer"),
)
def extract_events(article: Article) -> Article:
    """Find the events an article reports, with participants, place and date."""
    article.events = find_events(article)
    return article


def find_events(article: Article) -> list[Event]:
    """The events of a parsed article, in text order, neighbouring mentions of one event joined."""
    ctx = Context(article)
    found: list[_Found] = []
    for si, sent in enumerate(ctx.sents):
        if span_text(sent).rstrip().endswith("?"):
            continue  # a question asks whether something happens
        heading = si == 0 and _headline(article.text, sent)
        for tok in sent:
            kind = _trigger(tok)
            if kind is not None and _real(tok):
                found.append(_event(ctx, si, sent, tok, kind))
                found[-1].heading = heading
    joined = _join(found, article.places)
    events: list[Event] = []
    for f in joined:
        if f.date is None:
            f.date = _neighbour_date(ctx, f)
        events.append(
            Event(
                id=f"v{len(events) + 1}",
                type=f.type,
                text=article.text[f.start : f.end],
                start=f.start,
                end=f.end,
                participants=f.participants,
                place=f.place,
                date=f.date,
                stage=STAGE_ID,
            )
        )
    return events


def _trigger(tok: Any) -> str | None:
    pos = tok.pos_
    if pos not in ("VERB", "NOUN", "PROPN"):
        return None  # most tokens: no need to read their lemma
    lemma = str(tok.lemma_).lower()
    lower = tok.lower_
    if pos == "VERB" and lemma in VERB_TRIGGERS:
        if lemma in NEEDS_MILITARY and not _military_around(tok):
            return None
        if lemma == "receive" and not any(
            c.dep_ == "dobj" and (c.lemma_.lower() in MEETING_OBJECTS or c.ent_type_ == "PERSON")
            for c in tok.children
        ):
            return None
        if lemma == "fire" and not any(c.lower_ == "at" for c in tok.children) and not _military_around(tok):
            return None
        return VERB_TRIGGERS[lemma]
    if pos in ("NOUN", "PROPN") and (lower in NOUN_TRIGGERS or lemma in NOUN_TRIGGERS):
        kind = NOUN_TRIGGERS.get(lower) or NOUN_TRIGGERS[lemma]
        if any(
            c.lower_ in ("mobilization", "mobilisation")
            for c in tok.children
            if c.dep_ in ("compound", "amod")
        ):
            return "mobilisation"
        if (
            kind == "statement"
            and lower == "conference"
            and not any(c.lower_ == "press" for c in tok.children)
        ):
            return None
        if kind == "statement" and lower == "address" and tok.dep_ not in ("dobj", "pobj"):
            return None
        if lower == "training" and not any(c.lower_ in ("camp", "camps") for c in (tok.head,)):
            return None
        return kind
    return None


def _military_around(tok: Any) -> bool:
    words = [c for c in tok.children if c.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "pobj")]
    for w in list(words):
        words.extend(c for c in w.children if c.dep_ in ("compound", "amod", "pobj", "prep"))
    return any(str(w.lemma_).lower() in MILITARY_OBJECTS or w.lower_ in MILITARY_OBJECTS for w in words)


def _real(tok: Any) -> bool:
    """Whether the trigger reports something that happens or is scheduled, not a guess, condition or denial.

    "will meet" is scheduled and kept; "would", "could", "may" are guesses; "not", "if" deny or suppose.
    """
    verb = tok
    for _ in range(3):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    chain = [verb, verb.head] if verb.dep_ in ("xcomp", "ccomp", "advcl", "conj") else [verb]
    for v in chain:
        for c in v.children:
            if c.dep_ == "aux" and c.lower_ in MODALS and c.lower_ not in ("will", "'ll", "shall"):
                return False
            if c.dep_ == "neg" or (c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether")):
                return False
    if (
        tok.pos_ == "VERB"
        and tok.dep_ in ("xcomp", "pcomp", "csubj", "dobj")
        and tok.head.lemma_ not in PHASE_VERBS
    ):
        return False  # "agree to send", "support sending": wanted or weighed, not done
    if tok.pos_ not in ("NOUN", "PROPN"):
        return True
    scheduled = tok.lower_ in ("meeting", "visit", "statement", "conference", "briefing", "address")
    forecast = tok.dep_ in ("nsubj", "nsubjpass") and any(
        c.dep_ == "aux" and c.lower_ in MODALS for c in tok.head.children
    )
    if forecast and not scheduled:
        return False  # "the attacks will continue": a forecast
    if any(c.lower_ in UNREAL_NOUN_MODS for c in tok.children if c.dep_ in ("det", "amod")):
        return scheduled  # "a new offensive" is talk; "a meeting" is one
    return True


def _event(ctx: Context, si: int, sent: Any, tok: Any, kind: str) -> _Found:
    excluded = _source_spans(ctx, sent)
    participants: list[str] = []
    if kind in ("meeting", "visit", "statement"):
        types = frozenset({"PERSON", "ORG"})
        lo, hi = sent.start_char, sent.end_char
        for eid in ctx.entities_in(lo, hi, types):
            if not _mentioned_only_in(ctx, eid, excluded, lo, hi):
                participants.append(eid)
        if kind == "statement" and not participants:
            quote = next((q for q in ctx.quotes_overlapping(lo, hi) if q.speaker), None)
            if quote is not None and quote.speaker is not None and quote.speaker.entity:
                participants.append(quote.speaker.entity)
    else:
        verb = tok if tok.pos_ == "VERB" else tok.head
        actors = [c for c in verb.children if c.dep_ in ("nsubj", "agent")]
        actors += [g for a in list(actors) if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
        if tok.pos_ != "VERB":
            actors += [c for c in tok.children if c.dep_ in ("amod", "compound", "poss")]
        actors += [
            g
            for w in (tok, verb)
            for c in w.children
            if c.dep_ == "prep" and c.lower_ == "with"
            for g in c.children
            if g.dep_ == "pobj"
        ]
        for actor in actors:
            for part in [
                actor,
                *(c for c in actor.children if c.dep_ in ("amod", "compound", "poss", "conj")),
            ]:
                lo, hi = part.idx, part.idx + len(part)
                for eid in ctx.entities_in(lo, hi, PARTICIPANT_TYPES):
                    # "the Sumy region: shelling ...": a place's name is where, not who.
                    if eid not in participants and not all(
                        ctx.inside_longer_place(a, b) for a, b in ctx.mention_spans(eid, lo, hi)
                    ):
                        participants.append(eid)
    if kind in ("meeting", "visit") and len(participants) < 2:
        participants += [p for p in _next_sentence_people(ctx, si) if p not in participants]
    start = sent.start_char
    heading_end = ctx.article.text.rfind("\n", sent.start_char, tok.idx)
    if heading_end >= 0:
        start = heading_end + 1  # the parser glued a heading to the sentence
    place = ctx.place_near(tok.idx, start, sent.end_char, avoid=_mention_spans(ctx, participants))
    date = ctx.date_near(tok.idx, start, sent.end_char)
    end = len(ctx.article.text[: sent.end_char].rstrip())
    return _Found(kind, start, end, si, participants, place, date)


def _mention_spans(ctx: Context, ids: list[str]) -> list[tuple[int, int]]:
    return sorted(span for eid in set(ids) for span in ctx.mention_spans(eid))


def _next_sentence_people(ctx: Context, si: int) -> list[str]:
    """The people of the next sentence of the same paragraph: "Ministers met. The minister A and B ..."."""
    if si + 1 >= len(ctx.sents):
        return []
    s, n = ctx.sents[si], ctx.sents[si + 1]
    if "\n\n" in ctx.article.text[s.end_char - 1 : n.start_char + 1]:
        return []
    excluded = _source_spans(ctx, n)
    people = ctx.entities_in(n.start_char, n.end_char, frozenset({"PERSON"}))
    return [p for p in people if not _mentioned_only_in(ctx, p, excluded, n.start_char, n.end_char)]


def _source_spans(ctx: Context, sent: Any) -> list[tuple[int, int]]:
    """Where the sentence names the source of what it says: "according to X", a quote's speaker."""
    spans = ctx.speakers_starting(sent.start_char, sent.end_char)
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].lower_ == "to":
            objs = [c for c in ctx.doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                spans.append(
                    (ctx.doc[objs[0].left_edge.i].idx, objs[0].right_edge.idx + len(objs[0].right_edge))
                )
    return spans


def _mentioned_only_in(ctx: Context, eid: str, spans: list[tuple[int, int]], lo: int, hi: int) -> bool:
    inside = ctx.mention_spans(eid, lo, hi)
    return bool(inside) and all(any(a <= s and e <= b for a, b in spans) for s, e in inside)


PLACE_PRECISION: Final = {"country": 0, "region": 1, "other": 2, "city": 3}


def _join(found: list[_Found], places: Sequence[Place] = ()) -> list[_Found]:
    """Join mentions of one event: the same type within a sentence or two, sharing participants."""

    def _rank(i: int) -> int:
        return PLACE_PRECISION.get(places[i].kind, 0) if 0 <= i < len(places) else 0

    joined: list[_Found] = []
    for f in found:
        same = None
        for g in reversed(joined):
            if f.sent - g.sent > JOIN_DISTANCE and not g.heading:
                continue  # too far back, unless the headline's: it names the event the body tells
            if g.type == f.type and (
                set(g.participants) & set(f.participants) or not g.participants or not f.participants
            ):
                same = g
                break
        if same is None:
            joined.append(f)
            continue
        if same.heading:  # joined to its first mention in the body; later ones, only if near that
            same.sent, same.heading = f.sent, False
        same.participants += [p for p in f.participants if p not in same.participants]
        if same.place is None or (f.place is not None and _rank(f.place) > _rank(same.place)):
            same.place = f.place  # the most precise place named: Mozyr over Belarus
        same.date = same.date if same.date is not None else f.date
    return joined


def _headline(text: str, sent: Any) -> bool:
    """True for a first sentence that is a line of its own without a full stop: a headline
    ("Night shelling of Kharkiv: three dead")."""
    line = text[sent.start_char : sent.end_char].rstrip()
    after = text[sent.start_char + len(line) : sent.end_char + 2]  # the line break may be the sentence's
    return bool(line) and line[-1] not in '.!?"”»' and (sent.end_char >= len(text) or "\n" in after)


def _neighbour_date(ctx: Context, f: _Found) -> int | None:
    """A date from the next or the previous sentence of the same paragraph."""
    text = ctx.article.text
    for j in (f.sent + 1, f.sent - 1):
        if 0 <= j < len(ctx.sents):
            s = ctx.sents[j]
            lo, hi = min(s.start_char, f.start), max(s.end_char, f.end)
            if "\n\n" in text[lo:hi]:
                continue
            date = ctx.date_near(s.start_char, s.start_char, s.end_char)
            if date is not None:
                return date
    return None
