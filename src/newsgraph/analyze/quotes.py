"""Quotes: who said what, direct or reported, attributed to a speaker mention and its entity."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Final

from ..article import Article, Cue, Quote, QuoteKind, Speaker
from ..parse import plain
from ..pipeline import ENGLISH, stage
from .attribution import Mentions, Quotation, Resolved, Resolver, find_quotations, is_people
from .cues import QUOTATION_CUES, REPORT_FRAMES

STAGE: Final = "quotes.v11"

# --- the lexicon -----------------------------------------------------------------------------------

# Light verbs among PolNeAR train's quotation cues: cues only inside idioms ("go on to say", "put
# it", "take issue"); anywhere else they tie unrelated clauses to quotations.
_LIGHT_VERBS: Final = frozenset(
    {"go", "have", "make", "do", "take", "come", "put", "use", "send", "follow", "begin", "include",
     "shoot", "seem", "appear", "find", "see", "know", "want", "name", "thank", "vote", "share"}
)  # fmt: skip
# Cue verbs of translated East European news (the seed article and its kind) that PolNeAR's US
# election coverage has too rarely to count: "believes", "stresses", "notes".
_TRANSLATED_NEWS_CUES: Final = frozenset(
    {"believe", "think", "stress", "emphasize", "emphasise", "underline", "convince", "consider",
     "assure", "insist", "warn", "claim", "note", "add", "explain", "comment", "recall", "inform",
     "report", "announce", "state", "declare", "say", "tell", "write", "ask", "answer", "reply"}
)  # fmt: skip
# English verbs of speaking too rare in PolNeAR train to count there, all unambiguous beside a
# quotation: the manner of speaking ("boomed", "whispered") and saying ("confessed", "mused").
_MANNER_OF_SPEAKING: Final = frozenset(
    {"scream", "cry", "exclaim", "boom", "bellow", "whisper", "mutter", "mumble", "mouth", "sing",
     "text", "retort", "snap", "holler", "shriek", "sob", "wail", "growl", "snarl", "gasp", "murmur",
     "roar", "thunder", "marvel", "muse", "grumble", "grouse", "gripe", "rail", "scoff", "sneer",
     "taunt", "tease", "brag", "gush", "rave", "confess", "contend", "caution", "swear", "plead",
     "beg", "inquire", "wonder", "query", "rebut", "recount", "reminisce", "disclose"}
)  # fmt: skip
# Verbs of saying among those that report a that-clause: "testified that …", "confessed that …".
_CLAUSE_SPEECH: Final = frozenset(
    {"testify", "confess", "muse", "proclaim", "brag", "boast", "gripe", "grumble", "exclaim",
     "plead", "quip", "retort", "reminisce", "contend", "swear", "caution", "whisper", "mutter",
     "shout", "scream", "concede", "admit",
     # war and crisis reporting: "ISW assesses that …", "reiterated that …", "clarified that …"
     "assess", "reiterate", "forecast", "observe", "specify", "clarify", "speculate", "hint", "vow"}
)  # fmt: skip


def _british(lemma: str) -> str:
    """The British spelling of an -ize or -yze verb ("criticise", "analyse"), which spaCy keeps as
    its lemma; PolNeAR's US news spells them with z, so its lexicons do."""
    if lemma.endswith(("ize", "yze")):
        return lemma[:-2] + "se"
    return lemma


def _both_spellings(lemmas: Iterable[str]) -> frozenset[str]:
    return frozenset(spelling for lemma in lemmas for spelling in (lemma, _british(lemma)))


# Verbs that attribute a quotation: PolNeAR train's quotation cues (3+ uses), light verbs out.
SPEECH_VERBS: Final = _both_spellings(
    (frozenset(QUOTATION_CUES) - _LIGHT_VERBS) | _TRANSLATED_NEWS_CUES | _MANNER_OF_SPEAKING
)
# Verbs that speak only with their particle: "shot back", "cut in" (the verb alone says nothing).
_PHRASAL_SPEECH: Final = frozenset(
    {("shoot", "back"), ("fire", "back"), ("hit", "back"), ("snap", "back"), ("cut", "in"),
     ("chime", "in"), ("butt", "in"), ("break", "in"), ("pipe", "up")}
)  # fmt: skip

# A (verb, dependent) frame reports content when, on PolNeAR train, the dependent was the gold
# content in at least this share of the frame's uses. Tuned on train (0.2-0.5 tried): lower
# finds more and attributes worse; 0.35 keeps speaker accuracy over 0.93 there.
FRAME_PRECISION: Final = 0.35
REPORT_FRAME_SET: Final = frozenset(
    (spelling, dep)
    for (lemma, dep), (hits, seen, _) in REPORT_FRAMES.items()
    if hits / seen >= FRAME_PRECISION
    for spelling in (lemma, _british(lemma))
)
# Frames whose gold content on PolNeAR train mostly had no source ("Trump is expected to …",
# "seems to …"): their subject is what is reported on, not who reports it.
SOURCELESS_FRAMES: Final = frozenset(
    (spelling, dep)
    for (lemma, dep), (hits, _, sourceless) in REPORT_FRAMES.items()
    if sourceless > hits / 2
    for spelling in (lemma, _british(lemma))
)
# Verbs reporting a that-clause: the frames above, and the translated-news cues whatever their
# share on PolNeAR.
CLAUSE_CUES: Final = (
    frozenset(lemma for lemma, dep in REPORT_FRAME_SET if dep == "ccomp")
    | _TRANSLATED_NEWS_CUES
    | _CLAUSE_SPEECH
)
# A quoted phrase inside a clause ("called the merger “a terrible deal”") is reported by any verb
# PolNeAR train knows as a cue: the marks themselves say that someone's words are given.
FRAGMENT_CUES: Final = (
    SPEECH_VERBS
    | _both_spellings(lemma for lemma, _ in REPORT_FRAMES)
    # Verbs that judge or name in someone's words, too rare on PolNeAR train to be learnt there:
    # "likened the rules to “burning the charter”", "branded the junta “an outlaw regime”".
    | frozenset(
        {
            "liken",
            "compare",
            "brand",
            "characterize",
            "characterise",
            "hail",
            "bemoan",
            "ridicule",
            "deride",
            "decry",
            "counter",
            "observe",
            "protest",
        }
    )
)

# --- layout ------------------------------------------------------------------------------------

# Tokens an attribution clause may run: "…,” said Alexander Motuzyanyk, spokesman for the Ministry
# of Defense of Ukraine." is 11. On PolNeAR train 20 loses attributions; 40 and 60 score the same.
WINDOW: Final = 40
# A clause after a quotation this short (tokens) and glued to it by a comma attributes it whatever
# its verb ("…,” she shouted."). On PolNeAR train 8, 12 and 20 score within 0.0005.
GLUED_WINDOW: Final = 12
# Unattributed quotations shorter than this (characters, marks included) are titles or scare
# quotes ("“Bloodline,”"), not continued speech. Tuned on PolNeAR train (15, 30, 45 tried).
SHORT_QUOTATION: Final = 45
SENTENCE_END: Final = frozenset({".", "!", "?"})
# Characters after which a quotation stands on its own rather than inside a reported clause.
_STANDALONE_AFTER: Final = frozenset(":,.!?;–—-(…\n")
_INTRODUCING: Final = frozenset({":", "–", "—", "--"})
_CREDIT_DASHES: Final = frozenset({"―", "—", "–", "-", "--"})
# A line of dialogue: a dash, the words, a comma (or the words' own ! ? …), a second dash, then its
# attribution ("— Yes, in May, — Koval replied."). Found in two steps, each linear in the line.
_DIALOGUE_OPENING: Final = re.compile(r"(?m)^[ \t]*[—–][ \t]+(?=\S)")
_DIALOGUE_SECOND_DASH: Final = re.compile(r"[ \t][—–][ \t]+(?=\w)")
_DASHES: Final = frozenset("―—–-")
_BLOCK_LINE: Final = re.compile(r"\n[–—-] ")
# A paragraph opened by a speaker's name and a colon: a transcript's "PENCE: Well, look, …", a
# headline's "Sanders: We will win in June".
_LABEL_LINE: Final = re.compile(r"(?m)^([“\"]?)([A-Z][^\n:“”\"]{0,90}?):[ \t\xa0]*(?=\S)")
# Words a title leaves in lower case ("Jeb Can Fix It", "Women in Power").
_NON_SPACE: Final = re.compile(r"\S")
_SMALL_WORDS: Final = frozenset(
    {"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "at", "by", "with", "from", "s", "t"}
)
_NAMING_VERBS: Final = frozenset({"call", "dub", "label", "term", "brand", "describe", "nickname"})
_RELATIVES: Final = frozenset({"which", "whom", "what", "who"})
_ASIDE_WORDS: Final = frozenset({"which", "while", "whereas"})
_ASIDES: Final = frozenset({"advcl", "appos", "npadvmod"})
# Words linking a quoted phrase to the next: "“rebuild the old port” but to “build a new one”".
_LINK: Final = re.compile(r"(?:(?:and|or|but|not|nor|to|also|then)[ \t\xa0]+){1,3}")
# Verbs whose "as" clause reports the clause it hangs on: "As Reuters reported, …". Not "as she
# spoke", "as he asked": those say when.
_AS_CUES: Final = frozenset(
    "say report note point put write explain argue observe tell claim suggest mention remark "
    "acknowledge admit warn predict reveal disclose state indicate confirm announce recall "
    "insist testify emphasize stress contend assert".split()
)
_SUBJECTS: Final = frozenset({"nsubj", "nsubjpass"})
# A US politician's party and state after the name: "R-Wis.", "D-N.Y.", "I-Vt".
_PARTY: Final = re.compile(r"[RDI]-[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?")
_QUOTE_CHARS: Final = frozenset('"“”„‟«»')
# Verbs whose object does what their complement says: "prompted Koval to call him “…”".
_MOVERS: Final = frozenset(
    "prompt lead force push urge ask tell encourage invite press get drive cause inspire move".split()
)
# Nouns that make a sentence after them someone's: "In her opinion, …", "In Koval's words, …"
# (found in the text first: the parse is read only where one stands before a comma).
_IN_WORDS: Final = re.compile(
    r"\b(opinion|view|words|estimate|estimation|assessment|judgment|judgement|reckoning),", re.IGNORECASE
)
# Nouns of saying whose that-clause is what someone said: "his claim that …".
_SAYING_NOUNS: Final = frozenset(
    """claim assertion statement argument warning promise pledge vow suggestion insistence allegation
    accusation charge contention remark comment assurance prediction complaint admission
    announcement denial threat boast declaration report belief fear hope view concern conclusion
    finding insinuation implication estimate projection""".split()
)
# Adjectives of conviction whose clause is their subject's view: "Koval is confident that …".
_OPINION_ADJECTIVES: Final = frozenset(
    """sure convinced confident certain adamant hopeful optimistic worried concerned afraid
    skeptical sceptical doubtful positive""".split()
)
_KEPT_PUNCT: Final = _QUOTE_CHARS | {"''"}
# The speaker of a quote whose source the text does not name; a null speaker in the record.
NOBODY: Final = Speaker()


@stage(
    "quotes",
    version=11,
    languages=ENGLISH,
    requires=("doc", "entities"),
    assigns=("quotes",),
    components=("parser", "ner", "lemmatizer"),
)
def extract_quotes(article: Article) -> Article:
    """Find quotes and attribute each to its speaker."""
    article.quotes = find_quotes(article)
    return article


def find_quotes(article: Article) -> list[Quote]:
    """The quotes of a parsed article, in text order."""
    found = sorted(_Finder(article, article.doc).run(), key=lambda f: (f.start, f.end))
    return [
        Quote(
            id=f"q{i}",
            text=article.text[f.start : f.end],
            start=f.start,
            end=f.end,
            kind=f.kind,
            speaker=None if f.speaker == NOBODY else _spaced(f.speaker),
            cue=f.cue,
            stage=STAGE,
        )
        for i, f in enumerate(found, 1)
    ]


def _spaced(speaker: Speaker | None) -> Speaker | None:
    """The speaker with its name's spaces plain and single ("A\u00a0Bloomberg poll" is "A Bloomberg
    poll"); its offsets still point at the text as written."""
    if speaker is None or speaker.name is None or " ".join(speaker.name.split()) == speaker.name:
        return speaker
    return speaker.model_copy(update={"name": " ".join(speaker.name.split())})


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    kind: QuoteKind
    speaker: Speaker | None
    cue: Cue | None


@dataclass(slots=True)
class _Direct:
    """A direct quote being built, with the clause after its quotation (for a second part)."""

    quotation: Quotation
    found: _Found
    after: list[int]


class _FoundIndex:
    """The quotes found so far by start offset, to find the ones overlapping a span without scanning
    them all: a speech-heavy text of 400 KB holds over a thousand."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.items: list[_Found] = []
        self.longest = 0

    def add(self, found: _Found) -> None:
        i = bisect_right(self.starts, found.start)
        self.starts.insert(i, found.start)
        self.items.insert(i, found)
        self.longest = max(self.longest, found.end - found.start)

    def extend(self, found: _Found, end: int) -> None:
        """Move the end of a quote of the index (its second part joined)."""
        found.end = end
        self.longest = max(self.longest, found.end - found.start)

    def overlapping(self, start: int, end: int) -> Iterator[_Found]:
        """The quotes overlapping [start, end): none starts more than the longest one before it."""
        lo, hi = bisect_left(self.starts, start - self.longest), bisect_left(self.starts, end)
        return (f for f in self.items[lo:hi] if f.end > start)


Hit = tuple[Any | None, Resolved]  # (cue verb or None, speaker)


def _cue(token: Any, text: str) -> Cue:
    """The cue as written in `text`: the verb with its particle ("pointed out"), or "according to"."""
    last = token
    lemma = token.lemma_.lower()
    for child in token.rights:
        if (
            child.dep_ == "prt"
            or (lemma, child.lower_) in _PHRASAL_SPEECH
            or (token.lower_ == "according" and child.lower_ == "to")
        ):
            last = child
            break
    start, end = token.idx, last.idx + len(last.text)
    return Cue(text=text[start:end], start=start, end=end)


def _is_verb(t: Any) -> bool:
    """A verb acting as one (the small model tags "Trump" in "Trump shot back" a verb subject)."""
    return bool(t.pos_ == "VERB" and t.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "compound", "amod"))


_TIMES: Final = frozenset({"DATE", "TIME"})
_NO_SUBJECT: Final = frozenset({"ADP", "SCONJ", "CCONJ", "DET", "PART", "PUNCT"})


def _speaks(t: Any) -> bool:
    """False for a subject no one can be: a dash the parse took for a noun, a time of day ("5:45
    p.m.", a heading over the paragraph; "Thursday morning") or a day ("Saturday at the party
    convention Sen. Warren said …"), a preposition that is no name ("Of Koval, Levchenko said":
    the parse's misreading; but "From said", Al From)."""
    name = t.ent_type_ in ("PERSON", "ORG") or (t.text[:1].isupper() and not t.is_sent_start)
    # "Saturday" is no one; "the 46-year-old" is someone.
    day = t.ent_type_ == "TIME" or (t.ent_type_ == "DATE" and t.pos_ == "PROPN")
    return not set(t.text) <= _DASHES and not day and (t.pos_ not in _NO_SUBJECT or name)


def _someone(t: Any) -> bool:
    """True for a noun or pronoun naming someone: a person, an organisation, a country, people."""
    return t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or t.pos_ == "PRON" or is_people(t)


def _says(t: Any) -> bool:
    """True for a verb of speaking: "said", or one with its particle ("shot back", "cut in")."""
    lemma = t.lemma_.lower()
    if lemma in SPEECH_VERBS:
        return True
    return any(
        (lemma, c.lower_) in _PHRASAL_SPEECH
        for c in t.rights
        if c.dep_ in ("prt", "advmod", "prep") and c.n_lefts + c.n_rights == 0
    )


# What makes "add" no "added, “…”": its own subject or auxiliary ("but that it would add so many
# layers"), or an object ("shared it and added his own comment").
_ADDS_SOMETHING: Final = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "mark", "dobj"})


def _same_speaker(a: Speaker | None, b: Speaker) -> bool:
    """True when two speakers are one: the same entity, or, where either has none, the same name
    or the same last word of it ("The Supreme Court justice" and "the justice")."""
    if a is None:
        return False
    if a.entity and b.entity:
        return a.entity == b.entity
    names = [(s.name or "").lower().split() for s in (a, b)]
    return bool(names[0] and names[1] and names[0][-1] == names[1][-1])


def _has_not_is(verb: Any) -> bool:
    """True for "he's said the same thing", which the parse reads as a passive: an "'s" before a
    participle with an object of its own is "has"."""
    return any(c.dep_ == "auxpass" and c.lower_ in ("'s", "’s") for c in verb.children) and any(
        c.dep_ == "dobj" for c in verb.children
    )


def _reporting_over(verb: Any) -> Any | None:
    """The speech verb whose reported clause the parse hung `verb` on, when `verb` is that speech
    verb's own: "X said Y will have to choose, saying, “…”" (the participle: PolNeAR train, e2e_f
    +0.0004), also below "have to" ("X said Y will have to choose whose side …, saying"); "He said
    the attacks have helped him and said that …" (the verb said again; or "… but added, “…”");
    "saying that the bill had … but was waylaid … and arguing that …" (a participle the parse
    joins to a finite verb of the clause). None for a verb of the clause itself."""
    climbs = ("xcomp", "conj") if verb.dep_ == "advcl" else ("conj",)
    clause = verb.head
    while clause.dep_ in climbs and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ != "ccomp" or clause.head.i == clause.i:
        return None
    reporting = clause.head
    if verb.dep_ == "advcl":
        speaks = reporting.lemma_.lower() in SPEECH_VERBS
    elif verb.dep_ == "conj" and reporting.i < verb.i:
        speaks = (
            (reporting.lemma_ == verb.lemma_ and _says(verb))
            or (
                verb.lemma_ == "add"
                and _says(reporting)
                and not any(c.dep_ in _ADDS_SOMETHING for c in verb.children)
            )
            or (
                verb.tag_ == "VBG"
                and reporting.tag_ == "VBG"
                and verb.head.tag_ in ("VBD", "VBZ", "VBP", "VBN")
                and (_says(verb) or verb.lemma_.lower() in CLAUSE_CUES)
            )
        )
    else:
        speaks = False
    return reporting if speaks else None


def _relative_host(head: Any) -> Any:
    """What a relative clause hung on `head` describes: `head`, or the noun for people before the
    preposition `head` follows ("an adviser to Koval, who …", "a senior official in Kyiv, who …"),
    where the parse hangs the clause on the name or place."""
    owner = head.head.head if head.dep_ == "pobj" and head.head.dep_ == "prep" else None
    return owner if owner is not None and owner.pos_ == "NOUN" and is_people(owner) else head


def _went_on(verb: Any) -> bool:
    """The infinitive of "Koval went on to say …", which the parse may make a clause of purpose."""
    head = verb.head
    return bool(
        verb.tag_ == "VB"
        and head.lemma_ == "go"
        and any(c.lower_ == "on" and c.dep_ in ("prt", "advmod", "prep") for c in head.children)
    )


def _who(speaker: Speaker | None) -> str | None:
    """Whom a speaker mention stands for: its entity, else its name."""
    return None if speaker is None else speaker.entity or speaker.name


# Prepositions whose object a verb reports together with the verb's own object.
_WITH_OBJECT = frozenset({"as", "of", "for"})

# Frames whose subject is part of what they report: "Koval is expected to win", "the plan seems to
# work". The frames are sourceless ones.
_RAISING = frozenset({("expect", "xcomp"), ("appear", "xcomp"), ("seem", "xcomp"), ("design", "xcomp")})

# Speech verbs that open a sentence before their speaker: "Said Hnatiuk: “…”".
_INVERTED_CUES = frozenset(
    "said says added adds continued continues wrote writes explained explains noted notes asked asks"
    " replied replies countered counters declared declares".split()
)


def _name_word(t: Any) -> bool:
    """A word of a person's name as a signature writes it: "Julie A. Diaz", "Christina N Luis"."""
    return bool(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" or (t.is_title and t.is_alpha) or t.is_upper)


def _kind(text: str, plain: QuoteKind) -> QuoteKind:
    """Reported speech carrying a quoted fragment is mixed."""
    return "mixed" if _QUOTE_CHARS & set(text) else plain


class _Finder:
    """One pass over one article: direct and block quotes, "according to", reported speech."""

    def __init__(self, article: Article, doc: Any) -> None:
        self.doc = doc
        # The text as the parse read it: the article's, with its other spaces and invisible marks
        # plain (same length and offsets), so "\u202a”Sorry …”" opens a paragraph as "”Sorry …”"
        # does. Quotes take their text from the article's.
        self.text: str = plain(article.text)
        # A mark with no word after it (a stray “ at the end of a page) quotes nothing.
        self.quotations = [
            q for q in find_quotations(self.text) if any(ch.isalnum() for ch in self.text[slice(*q.inner)])
        ]
        self.quote_starts = [q.start for q in self.quotations]
        # One pass over the tokens (each spaCy Token is built anew on every access): offsets,
        # texts and paragraph breaks.
        self.starts: list[int] = []
        self.breaks: list[bool] = []
        texts: list[str] = []
        for t in doc:
            self.starts.append(t.idx)
            texts.append(t.text)
            self.breaks.append(bool(t.is_space and "\n" in texts[-1]))
        self.resolver = Resolver(Mentions(article, doc), SPEECH_VERBS, self.quotations)
        # Token -> the top-level quotation it stands in (-1: none).
        self.in_quote = [-1] * len(doc)
        for n, q in enumerate(self.quotations):
            for i in range(self._tok(q.start), self._tok(q.end)):
                self.in_quote[i] = n
        # Token -> paragraph number: the small model's sentences run on over paragraph breaks.
        self.para = list(accumulate(self.breaks, initial=0))[1:]
        # Token -> the last token of its sentence within its paragraph.
        self.sentence_end = list(range(len(doc)))
        for i in range(len(doc) - 2, -1, -1):
            if not self.breaks[i + 1] and texts[i] not in SENTENCE_END:
                self.sentence_end[i] = self.sentence_end[i + 1]
        self.used_cues: set[int] = set()
        self.found: list[_Found] = []
        self.index = _FoundIndex()

    def run(self) -> list[_Found]:
        # Transcript lines first ("PENCE: Well, look, …"), then quotations: a cue verb they use is
        # not read again as reported speech.
        self._labelled()
        self._direct()
        self._blocks()
        self._dash_dialogue()
        self._according_to()
        self._in_words()
        self._reported()
        self._nominal()
        self._opinions()
        self._fragments()
        self._inherit()
        # A quotation still without a speaker is left out: on PolNeAR train none of 96 such was
        # a quote the annotators found no source for; 46 had one the stage missed, 50 were no
        # quote they kept (titles, slogans, pull quotes).
        kept = [f for f in self.found if not (f.kind == "direct" and f.speaker in (None, NOBODY))]
        ids = {id(f) for f in kept}
        return [f for f in kept if not self._reported_within(f, ids)]

    def _reported_within(self, f: _Found, kept: set[int]) -> bool:
        """True for a quote held, with its cue, inside another kept speaker's, as `_second_hand`
        keeps out while quotes are found; here also one found before the quote that holds it
        (PolNeAR train: e2e_direct_f +0.0001 even, +0.0008 odd)."""
        if f.cue is None:
            return False
        return any(
            g is not f
            and id(g) in kept
            and g.start <= f.start
            and f.end <= g.end
            and not _same_speaker(g.speaker, f.speaker or NOBODY)
            for g in self.index.overlapping(f.cue.start, f.cue.start + 1)
        )

    # --- helpers -----------------------------------------------------------------------------

    def _tok(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        return bisect_left(self.starts, offset)

    def _is_break(self, i: int) -> bool:
        return self.breaks[i]

    def _quoted(self, first: int, last: int) -> bool:
        """True when a token from `first` to `last` (both in) stands in a quotation."""
        return any(self.in_quote[k] != -1 for k in range(first, last + 1))

    def _add(
        self,
        start: int,
        end: int,
        kind: QuoteKind,
        resolved: Resolved | None,
        verb: Any | None,
        cue: Cue | None = None,
    ) -> _Found:
        """Keep a quote; its cue is the verb's (now used), or `cue` where no verb is one."""
        if verb is not None:
            self.used_cues.add(verb.i)
            cue = _cue(verb, self.text)
        speaker = resolved.speaker if resolved is not None and resolved.ok else None
        found = _Found(start, end, kind, speaker, cue)
        self.found.append(found)
        self.index.add(found)
        return found

    def _covered(self, start: int, end: int) -> bool:
        """True when [start, end) is a quote already found: the two overlap by half the longer (the
        scorer's match). A reported clause nested in a longer one is a quote of its own."""
        return any(
            min(end, f.end) - max(start, f.start) >= 0.5 * max(end - start, f.end - f.start)
            for f in self.index.overlapping(start, end)
        )

    def _trim(self, indices: list[int]) -> tuple[int, int] | None:
        """Character extent of the tokens without punctuation at either edge (a closing quotation
        mark is kept), widened to any quotation it cuts."""
        toks = [self.doc[i] for i in indices if not self.doc[i].is_space]
        while toks and toks[0].is_punct and toks[0].text not in _KEPT_PUNCT:
            toks.pop(0)
        while toks and ((toks[-1].is_punct and toks[-1].text not in _KEPT_PUNCT) or toks[-1].dep_ == "cc"):
            toks.pop()  # nor a conjunction left hanging: "should be released but"
        if len(toks) < 2:
            return None
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        # The parse ends sentences inside quotation marks; the speaker does not.
        for q in self.quotations[max(0, bisect_left(self.quote_starts, start) - 1) :]:
            if q.start >= end:
                break
            if q.start < start < q.end:
                start = q.start
            if q.start < end < q.end:
                end = q.end
        return start, end

    def _clause(self, node: Any, verb: Any) -> list[int]:
        """The tokens of `node`'s subtree in `verb`'s paragraph, without a trailing aside set off by a
        comma (", pointing to …", ", a signal of …"): PolNeAR train leaves those out of the content,
        unless the aside quotes words and says nothing of its own (", coming from behind to a “dead
        heat”"; a list the parse reads as an aside, "the floods, her support for … “…”")."""
        end = node.right_edge.i
        for t in node.subtree:
            if (
                t.i > node.i
                and ((t.dep_ in _ASIDES and not self._quoted_aside(t)) or self._names_in_relative(t))
                and (t.dep_ != "advcl" or t.tag_ == "VBG")
                and t.right_edge.i >= end - 1
                and self.doc[t.left_edge.i - 1].text == ","
                and self.in_quote[t.i] == -1
            ):
                end = t.left_edge.i - 2
                break
        return [i for i in range(node.left_edge.i, end + 1) if self.para[i] == self.para[verb.i]]

    def _quoted_aside(self, t: Any) -> bool:
        """True for an aside holding quoted words and no speech verb of its own: ", coming from 40
        points behind to a “dead heat”" goes on with the content; ", saying it was “a mistake”" is
        a quote of its own."""
        span = range(t.left_edge.i, t.right_edge.i + 1)
        return self._quoted(t.left_edge.i, t.right_edge.i) and not any(
            self.in_quote[i] == -1 and _is_verb(self.doc[i]) and _says(self.doc[i]) for i in span
        )

    def _names_in_relative(self, t: Any) -> bool:
        """', which he described as “…”': a relative clause attributing words of its own, a quote
        apart from the clause it ends (PolNeAR gives each word one attribution)."""
        return bool(
            t.dep_ == "relcl"
            and t.lemma_.lower() in FRAGMENT_CUES
            and any(c.lower_ in _RELATIVES and c.i < t.i for c in t.children)
            and self._quoted(t.i, t.right_edge.i)
        )

    def _question(self, verb: Any) -> bool:
        """True when the verb's sentence, within its paragraph, ends with a question mark."""
        return bool(self.doc[self.sentence_end[verb.i]].text == "?")

    # --- speakers ----------------------------------------------------------------------------

    def _subject(self, verb: Any, inverted: bool = False) -> Any | None:
        """The verb's subject, never a word inside a quotation (the parse may hang the quoted
        clause's subject on the cue). With `inverted`, a name right after the verb ("…,” said
        Alexander Motuzyanyk"), or a name between the quotation and the verb the parse did not
        make its subject ("…,” Flynn, a senator, said"). For "… and added that …" and "…, adding
        that …" the subject of the verb it hangs on, also for a verb the parse leaves loose ("then
        leaned in and boomed: “…”", where "leaned" is a `dep`: PolNeAR train, e2e_f +0.0005)."""
        # The nearest, when the parse gives two ("His final assessment: “…,” he said").
        subjects = [
            c for c in verb.children if c.dep_ in _SUBJECTS and self.in_quote[c.i] == -1 and _speaks(c)
        ]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - verb.i))
        # "told POLITICO", "asked Carson": the name after these verbs is the one addressed. Only
        # a verb right after the quotation's marks is inverted: not "…” before naming a price".
        if (
            inverted
            and verb.lemma_.lower() != "tell"
            and verb.tag_ != "VBG"
            and verb.i > 0
            and verb.nbor(-1).is_punct
        ):
            for child in verb.rights:
                if self.in_quote[child.i] != -1 or child.is_punct or _TIMES & {child.ent_type_}:
                    continue
                if child.dep_ in ("dobj", "attr", "npadvmod", "appos", "nsubj") and (
                    child.pos_ in ("PROPN", "NOUN") or child.lower_ in ("he", "she", "one")
                ):
                    return child
                break
        if inverted:
            name = self._name_after_quotation(verb)
            if name is not None:
                return name
        # "footage of Koval saying …", "no different from Koval calling it “…”": the name right
        # before the participle says it; not one it is sent to ("a letter to Koval asking …").
        if verb.tag_ == "VBG" and verb.i > 0 and self._person(self.doc[verb.i - 1]):
            name = self.doc[verb.i - 1]
            if not (name.dep_ == "dative" or (name.dep_ == "pobj" and name.head.lower_ == "to")):
                return name
        head = verb.head
        # "said that … but said “…”": the parse may make the second verb a complement of the first.
        joined = verb.dep_ == "ccomp" and verb.i > 0 and self.doc[verb.i - 1].dep_ == "cc" and _says(head)
        if (
            (verb.dep_ in ("conj", "xcomp", "advcl", "dep") or joined)
            and head.i != verb.i
            and head.pos_ in ("VERB", "AUX")
            and (verb.dep_ != "advcl" or verb.tag_ == "VBG" or self._listed(verb) or _went_on(verb))
        ):
            reporting = _reporting_over(verb)
            if reporting is not None:
                head = reporting
            # "prompted Koval to make a joke and call him “…”": whom the verb moves to act does it.
            act = head if verb.dep_ == "conj" and head.dep_ == "xcomp" else verb
            if act.dep_ == "xcomp" and act.head.lemma_.lower() in _MOVERS:
                mover = next((c for c in act.head.children if c.dep_ == "dobj" and c.i < act.i), None)
                if mover is not None and self.in_quote[mover.i] == -1 and _someone(mover):
                    return mover
            subject = self._subject(head)
            # "Koval seemed unmoved, telling reporters, “…”" (the parse hangs the participle on
            # the quotation's verb), "Koval went after the mayor over his refusal to publish it,
            # calling it “…”" (on a verb with no subject): the clause before it speaks.
            if subject is None and (
                (self.in_quote[head.i] != -1 and self.in_quote[verb.i] == -1)
                or (verb.tag_ == "VBG" and verb.i > 0 and self.doc[verb.i - 1].text == ",")
            ):
                return self._clause_subject_before(verb)
            return subject
        # "rallied supporters by warning that …", "upon saying, “…”": the subject of the verb the
        # preposition hangs on (two PolNeAR train samples: e2e_direct_f +0.003, +0.002).
        if verb.dep_ == "pcomp" and head.pos_ in ("ADP", "SCONJ") and head.head.pos_ in ("VERB", "AUX"):
            hung = head.head
            # "Trump said the deadlock has kept us safe before claiming …": the parse may hang the
            # preposition inside the clause the speech verb reports.
            if hung.dep_ == "ccomp" and _says(hung.head) and hung.head.i < hung.i:
                hung = hung.head
            return self._subject(hung)
        # "His office put out a statement saying …", "released an ad calling it “…”": the words are
        # those of whoever put out the statement.
        if (
            verb.dep_ == "acl"
            and verb.tag_ == "VBG"
            and head.pos_ == "NOUN"
            and head.dep_ == "dobj"
            and head.head.pos_ == "VERB"
        ):
            return self._subject(head.head)
        # "clashed with the council, at one point calling the treasurer a “liar”": a time the
        # clause's verb is at.
        if (
            verb.dep_ == "acl"
            and verb.tag_ == "VBG"
            and head.dep_ == "pobj"
            and head.lower_ in ("point", "time", "moment", "one")
            and head.head.head.pos_ in ("VERB", "AUX")
        ):
            return self._subject(head.head.head)
        # "Erin Brockovich, the activist, endorsed Koval's approach, saying …": a participle set off
        # by a comma and hung on a name (the parse missed the verb between) is the name's.
        if (
            verb.dep_ == "acl"
            and verb.tag_ == "VBG"
            and verb.i > 0
            and self.doc[verb.i - 1].text == ","
            and head.dep_ in ("ROOT", "nsubj")
            and self._person(head)
        ):
            return head
        # "…, her adviser, Jake Sullivan, said: “…”": a name the parse left without a verb, set off
        # by commas right before it.
        return self._name_before(verb)

    def _listed(self, verb: Any) -> bool:
        """True for a finite verb over a quoted phrase that the parse hangs as a clause on the verb
        before it, with no subject or conjunction of its own: "has mocked a reporter, referred to
        migrants as “thieves”"."""
        return bool(
            verb.tag_ in ("VBD", "VBZ", "VBP")
            and verb.i > verb.head.i
            and verb.left_edge.i > 0
            and self.doc[verb.left_edge.i - 1].text == ","
            and not any(c.dep_ in ("mark", "nsubj", "nsubjpass", "expl") for c in verb.children)
            and any(self.in_quote[t.i] != -1 for t in verb.subtree)
        )

    def _clause_subject_before(self, verb: Any) -> Any | None:
        """The subject of the nearest verb before `verb` in its sentence that has one, across
        quotations, but not a clause a speech verb reports."""
        i = verb.i - 1
        while i >= 0 and not self._is_break(i):
            t = self.doc[i]
            if self.in_quote[i] != -1:
                i -= 1
                continue
            if t.text in SENTENCE_END:
                return None
            # Not a clause someone reports ("alleging that the depot broke the law, calling it …")
            reported = t.dep_ == "ccomp" and _says(t.head) and self.in_quote[t.head.i] == -1
            if t.pos_ in ("VERB", "AUX") and t.dep_ not in _SUBJECTS and not reported:
                subjects = [c for c in t.children if c.dep_ in _SUBJECTS and self.in_quote[c.i] == -1]
                if subjects:
                    return subjects[0] if _speaks(subjects[0]) else None
            i -= 1
        return None

    def _name_before(self, verb: Any) -> Any | None:
        """A person's name right before the verb, or among the few words before it, the last set off
        by a comma."""
        i = verb.i - 1
        party = self._party_before(verb)
        if party is not None and verb.tag_ in ("VBD", "VBZ", "VBP") and self._person(self.doc[party - 1]):
            # "Speaker of the House Paul Ryan (R-Wis.) said …": a party and state follow only a
            # politician's name, whatever the parse made of it.
            return self.doc[party - 1]
        if (
            i >= 0
            and verb.tag_ in ("VBD", "VBZ", "VBP")
            and self._person(self.doc[i])
            and self.doc[i].dep_ not in ("dobj", "pobj", "dative", "poss")
        ):
            # "Campaigning for his wife, the former mayor Ivan Koval said …": the parse made the
            # name an apposition of "his wife", leaving the verb no subject.
            return self.doc[i]
        if i < 0 or self.doc[i].text != ",":
            return None
        name: Any | None = None
        while i >= 0 and verb.i - i <= 8 and self.in_quote[i] == -1 and not self._is_break(i):
            t = self.doc[i]
            if _is_verb(t) and t.dep_ == "relcl" and self._person(t.head) and t.head.i < t.i:
                # "Levchenko, who gave money to Marco Koval, said": not Koval. Nor the place of "a
                # senior official in Kyiv, who spoke on condition of anonymity, told …", where the
                # parse may hang the clause on the place (and the model call Kyiv a person).
                return _relative_host(t.head)
            if t.text in SENTENCE_END or _is_verb(t):
                return name
            if t.text == "," and i < verb.i - 1 and name is not None:
                return name
            if self._person(t) and name is None:
                name = t
            if t.lower_ in ("a", "an", "the") and name is not None:
                name = None  # "Oleh Beruff, a Bondar ally, said": the name in the description is not his
            i -= 1
        return name

    def _party_before(self, verb: Any) -> int | None:
        """The index of the "(" of a party and state right before `verb` ("(R-Wis.)", "(D-N.Y.)")."""
        if verb.i < 4 or self.doc[verb.i - 1].text != ")":
            return None
        k = verb.i - 2
        while k > 0 and verb.i - k <= 8 and self.doc[k].text != "(":
            k -= 1
        if self.doc[k].text != "(" or k < 1:
            return None
        inside = self.text[self.doc[k].idx + 1 : self.doc[verb.i - 1].idx]
        return k if _PARTY.fullmatch(inside) else None

    def _person(self, t: Any) -> bool:
        """True for a word of a person's name outside any quotation."""
        return bool(t.ent_type_ == "PERSON" and t.pos_ == "PROPN" and self.in_quote[t.i] == -1)

    def _name_after_quotation(self, verb: Any) -> Any | None:
        """The first person's name (else proper noun) between a quotation and the verb after it,
        when nothing else stands between them but the name's own words and commas."""
        names: list[Any] = []
        i = verb.i - 1
        while i >= 0 and self.in_quote[i] == -1:
            t = self.doc[i]
            if self._is_break(i) or t.text in SENTENCE_END or _is_verb(t):
                return None
            if t.pos_ == "PROPN" and _speaks(t):
                names.append(t)
            i -= 1
        if i < 0 or not names:
            return None
        people = [t for t in names if t.ent_type_ == "PERSON"]
        return (people or names)[-1]

    def _resolve(self, verb: Any, inverted: bool = False) -> Resolved | None:
        """The speaker of `verb`. In the passive it is the agent ("was told by aides") or nobody
        the text names ("Trump is expected to …")."""
        # Not an auxiliary inside a quotation: '“Is the ferry running?” asked Bondar' (the parse
        # may hang the question's "Is" on the verb after it).
        passive = any(c.dep_ in ("auxpass", "nsubjpass") and self.in_quote[c.i] == -1 for c in verb.children)
        if (passive and not _has_not_is(verb)) or self._opening_asked(verb):
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            return self.resolver.speaker(by) if by is not None else Resolved(NOBODY)
        subject = self._subject(verb, inverted)
        if subject is None:
            return None
        relative = subject.lower_ in ("who", "which", "that")
        # "a longtime adviser to Koval, who declined to be identified": the adviser.
        host = _relative_host(verb.head) if subject.lower_ == "who" else verb.head
        if (
            relative
            and verb.dep_ == "relcl"
            and (host.pos_ == "PROPN" or (host.pos_ == "NOUN" and subject.lower_ == "who"))
        ):
            # "Trump, who has called the pact “insanity”": the pronoun, standing for Trump. Not "a
            # letter that says …", "records that would respond …": things that speak only through
            # someone (two PolNeAR train samples: speaker_acc +0.002).
            found = self.resolver.speaker(host)
            name = found.speaker.name
            start = found.speaker.start
            if name is not None and start is not None and start < subject.idx < (found.speaker.end or 0):
                # The description without the clause the pronoun opens: "a top adviser to the
                # campaign", not "… who has long dismissed attempts to unhorse Trump".
                name = self.text[start : subject.idx].strip(" ,\n")
            end = subject.idx + len(subject.text)
            mention = Speaker(entity=found.speaker.entity, name=name, start=subject.idx, end=end)
            return Resolved(mention, found.ok)
        if relative or subject.lower_ in ("there", "what"):
            return None
        return self.resolver.speaker(subject)

    # --- direct quotes -------------------------------------------------------------------------

    def _direct(self) -> None:
        previous: _Direct | None = None
        for q in self.quotations:
            if self._title(q) or any(self.index.overlapping(q.start, q.end)):
                continue  # a title, or a transcript's turn already found
            if not self._standalone(q):
                if previous is not None and self._goes_on(previous, q):
                    self.index.extend(previous.found, q.end)
                    previous = None
                    continue
                if previous is not None and self._goes_on_mixed(previous, q):
                    previous = None
                    continue
                fronted = self._fronted(q)
                if fronted is not None:
                    previous = fronted
                continue
            after, before = self._window_after(q), self._window_before(q)
            if self._reported_into(q, before):
                previous = None
                continue
            if self._introduces_next(q, after):
                after = []
            # “…,” X said: a comma inside the mark points forward; X said: “…” points back.
            colon = bool(before) and self.doc[before[-1]].text in _INTRODUCING
            forward_first = (self._comma_glued(q) or not colon) and not self._adjacent_cue(before)
            hit: Hit | None = self._credit(q, after)
            for forward in (True, False) if forward_first else (False, True):
                if not forward:  # a label before the quotation before any verb there, not after one
                    hit = hit or self._label(before)
                hit = hit or self._attribution(after if forward else before, q, forward)
            # “…,” he said. “…”: the second part continues the first.
            if previous is not None and self._continues(previous, q, hit):
                self.index.extend(previous.found, q.end)
                previous = _Direct(q, previous.found, after)
                continue
            # “…,” he said. Instead, “…”: a few words of the writer's lead into more of the quote.
            if (
                previous is not None
                and hit is None
                and not self._sentence_start(q)
                and self._goes_on_mixed(previous, q)
            ):
                previous = None
                continue
            start = q.start
            if hit is None and self._paragraph_start(q):
                hit = self._introduced(q.start)
            elif hit is None:
                said = self._said_before(q)
                if said is not None:
                    hit, start = said
            if hit is None and (q.end - q.start < SHORT_QUOTATION or not self._sentence_start(q)):
                continue  # a title or a stray mark: “Bloodline,” with no one saying it
            verb, resolved = hit if hit is not None else (None, None)
            # Words before the quotation joined to it (its sentence before, as said) make it mixed.
            kind: QuoteKind = "direct" if start == q.start else "mixed"
            lead = self._lead_in(q, before, verb) if verb is not None and start == q.start else None
            if lead is not None:
                start, kind = lead, "mixed"
            end = self._tail(q, after, verb) if verb is not None and start == q.start else None
            if end is None and verb is not None:
                end = self._that_after(after, verb)
            if end is not None:
                kind = "mixed"
            previous = _Direct(q, self._add(start, end or q.end, kind, resolved, verb), after)

    def _tail(self, q: Quotation, after: list[int], verb: Any) -> int | None:
        """'“We are relieved” by the court's ruling, said Olena Bondar': words going on from a
        quotation to its attribution are part of what was said (PolNeAR train, even docs: 14 of 15
        so). The offset where they end, or None."""
        if self.text[q.inner[1] - 1 : q.inner[1]] in (",", ".", "!", "?", ";", ":", "—", "–", "-"):
            return None
        words = [i for i in after if not self.doc[i].is_space]
        if not words or verb.i not in words:
            return None
        first = self.doc[words[0]]
        if not first.text[:1].islower() or first.pos_ == "PRON" or _says(first):
            return None
        j = self._comma_before(words, words.index(verb.i))
        if j <= 0:
            return None
        last = self.doc[words[j - 1]]
        return int(last.idx + len(last.text))

    def _goes_on(self, previous: _Direct, q: Quotation) -> bool:
        """'“…,” Koval said, but “…”', '… “…,” she wrote, and “…”': a quotation joined by "and" or
        "but" to the attribution of the one before goes on with it, to the end of the sentence."""
        pq, pf, pafter = previous.quotation, previous.found, previous.after
        if pf.cue is None or pf.end != pq.end or pf.cue.start < pq.end or not pafter:
            return False
        first = self._tok(q.start)
        before = [i for i in pafter if i < first]
        if not before or any(not self.doc[i].is_space for i in range(before[-1] + 1, first)):
            return False
        words = [self.doc[i] for i in before if not self.doc[i].is_space]
        k = len(words) - 1
        if k >= 0 and words[k].pos_ == "ADV":
            k -= 1  # "and still “…”"
        if k < 1 or words[k].lower_ not in ("and", "but") or words[k - 1].text != ",":
            return False
        last = self._last_word(self.sentence_end[first], first)
        return self.in_quote[last] == self.in_quote[first]

    def _goes_on_mixed(self, previous: _Direct, q: Quotation) -> bool:
        """Extend the previous quote, made mixed, through the sentence `_mixed_after` finds."""
        end = self._mixed_after(previous, q)
        if end is None:
            return False
        self.index.extend(previous.found, end)
        previous.found.kind = "mixed"
        return True

    def _mixed_after(self, previous: _Direct, q: Quotation) -> int | None:
        """'“The ferry is late again,” she says. It is “the third time this month.”': a
        sentence right after a quote's attribution, with a quoted phrase and no attribution of its
        own, goes on with the quote (PolNeAR train, even docs: 4 of 6 so). Where it ends, or None."""
        pq, pf, pafter = previous.quotation, previous.found, previous.after
        if pf.cue is None or pf.end != pq.end or not pafter or pf.cue.start < pq.end:
            return None
        gap = self.text[self.doc[pafter[-1]].idx + len(self.doc[pafter[-1]].text) : q.start]
        first = self._tok(q.start)
        start = pafter[-1] + 1
        while start < first and self.doc[start].is_space:
            start += 1
        if "\n" in gap or start >= first or self.para[start] != self.para[pafter[-1]]:
            return None
        if sum(not self.doc[i].is_space for i in range(start, first)) > 6:
            return None  # a sentence of the writer's carrying a phrase ("While the mayor tours …")
        last = self.sentence_end[first]
        if any(
            self.in_quote[i] == -1 and _is_verb(self.doc[i]) and _says(self.doc[i])
            for i in range(start, last + 1)
        ):
            return None
        last = self._last_word(last, first)
        if self.in_quote[last] == -1:
            return None  # the quotation must close the sentence
        return int(self.quotations[self.in_quote[last]].end)

    def _last_word(self, last: int, first: int) -> int:
        """Token `last` moved back over punctuation (but a closing mark), no further than `first`."""
        while last > first and self.doc[last].is_punct and self.doc[last].text not in _KEPT_PUNCT:
            last -= 1
        return last

    def _that_after(self, after: list[int], verb: Any) -> int | None:
        """'“It was bad timing,” he said, that both ferries broke down in one week': a clause going
        on after the attribution with "that" is part of the quote (PolNeAR train joins them). The
        offset where it ends, or None."""
        words = [i for i in after if not self.doc[i].is_space]
        if verb.i not in words:
            return None
        k = words.index(verb.i)
        m = next((n for n in range(k + 1, min(len(words), k + 8)) if self.doc[words[n]].text == ","), None)
        if m is None or m + 2 >= len(words) or self.doc[words[m + 1]].lower_ != "that":
            return None
        last = self._last_word(words[-1], words[m + 1])
        if self.in_quote[last] != -1:
            return int(self.quotations[self.in_quote[last]].end)
        # the window stops at a quotation: "…, that the city “has closed the pier …”"
        return self._run_on((0, int(self.doc[last].idx + len(self.doc[last].text))))[1]

    def _lead_in(self, q: Quotation, before: list[int], verb: Any) -> int | None:
        """'The late frost, she said, “cost us half the apricots.”': a quotation going on with
        a sentence its attribution interrupts is one mixed quote from the sentence's start (PolNeAR
        train: 6 of 8 so when the quotation opens in lower case; a capital opens words of their own).
        The offset of that start, or None."""
        inner = self.text[q.inner[0] : q.inner[0] + 1]
        words = [i for i in before if not self.doc[i].is_space]
        if not inner.islower() or verb.i not in words or words[-1] == verb.i:
            return None
        k = words.index(verb.i)
        # "X, he said, “…”", "X, the governor told reporters, “…”": after the verb, only its own
        # few words and a comma
        between = words[k + 1 : -1]
        if (
            self.doc[words[-1]].text != ","
            or len(between) > 3
            or any(self.doc[i].head.i != verb.i and self.doc[i].head.i not in between for i in between)
        ):
            return None
        j = self._comma_before(words, k)
        if j <= 0 or not 2 <= k - j <= 5 or self.doc[words[j - 1]].lower_ == "including":
            return None  # a subject between the commas; not "…, saying, “…”", "including, he said,"
        first = words[0]
        if not (self._opens_sentence(first) or self.doc[first - 1].is_space):
            return None  # the window stopped short of the sentence's start
        if self.doc[first].lower_ in ("asked", "when"):
            return None
        return int(self.doc[first].idx)

    def _comma_before(self, words: list[int], k: int) -> int:
        """The position in `words` of the last comma before position `k`, else -1."""
        return next((j for j in range(k - 1, -1, -1) if self.doc[words[j]].text == ","), -1)

    def _opens_sentence(self, i: int) -> bool:
        """True when token `i` starts its sentence: after a sentence's end or a paragraph break."""
        return i == 0 or self._is_break(i - 1) or self.doc[i - 1].text in SENTENCE_END

    def _fronted(self, q: Quotation) -> _Direct | None:
        """'Teachers are “looking to see who is on the ticket,” García said.': a quotation finishing a
        sentence someone's words open, attributed after it, is one mixed quote from the sentence's
        start, which a second quotation after the attribution continues, as PolNeAR train joins them."""
        if not self._comma_glued(q) or len(self.text[q.inner[0] : q.inner[1]].split()) < 4:
            return None  # a title or a scare quote: “Hamas,” “This Week,”
        before = self._window_before(q)
        first = before[0] if before else self._tok(q.start)
        if not before or len(before) >= WINDOW or not self._opens_sentence(first):
            return None
        if any(_is_verb(self.doc[i]) and _says(self.doc[i]) for i in before):
            return None  # 'He said “…,”' is reported speech with a quoted fragment
        after = self._window_after(q)
        glued = after
        if len(after) > GLUED_WINDOW:
            # "…,” said Savchuk, whose home village is …": the attribution up to its first comma
            comma = next((k for k, i in enumerate(after) if self.doc[i].text == ","), len(after))
            glued = after[:comma]
        if not glued or len(glued) > GLUED_WINDOW:
            return None
        hit = self._attribution(glued, q, True)
        if hit is None or hit[0] is None or hit[0].lemma_.lower() not in SPEECH_VERBS:
            return None
        while first < len(self.doc) and self.doc[first].is_space:
            first += 1
        found = self._add(self.doc[first].idx, q.end, "mixed", hit[1], hit[0])
        return _Direct(q, found, after)

    def _standalone(self, q: Quotation) -> bool:
        """True when the quotation is a statement of its own, not a phrase quoted in a clause."""
        i = q.start - 1
        while i >= 0 and self.text[i] in " \t\xa0":
            i -= 1
        # After a quoted title that ends its sentence ("… on “Morning Odesa.” “…”") too.
        ended = i > 0 and self.text[i] in _QUOTE_CHARS and self.text[i - 1] in SENTENCE_END
        if i < 0 or self.text[i] in _STANDALONE_AFTER or ended:
            # '"A big truck" plowed through …': the quotation is the subject of what follows.
            nxt = self._tok(q.end)
            while nxt < len(self.doc) and self.doc[nxt].is_space:
                nxt += 1
            if nxt < len(self.doc) and self.text[q.inner[1] - 1 : q.inner[1]].isalnum():
                after = self.doc[nxt]
                return not (after.pos_ in ("VERB", "AUX") and after.lemma_.lower() not in SPEECH_VERBS)
            return True
        # 'He said “…”' stands alone; 'they said “most politicians” lie' does not.
        t = self._tok(q.start) - 1
        if not (t >= 0 and _says(self.doc[t]) and _is_verb(self.doc[t])):
            return False
        if self.doc[t].lemma_.lower() in _NAMING_VERBS:
            return False  # 'which he called “a cartel”' names something; 'he called, “Come!”' speaks
        rest = self.text[q.end : q.end + 2].lstrip(" \t\xa0")
        return not rest or not (rest[0].isalnum() or rest[0] == "(")

    def _title(self, q: Quotation) -> bool:
        """True for a short quotation in title case set off by a comma after a noun: a book, show or
        podcast named in apposition ("her memoir, “Tough Choices.”"), no one's words."""
        if q.end - q.start >= SHORT_QUOTATION:
            return False
        i = q.start - 1
        while i >= 0 and self.text[i] in " \t\xa0":
            i -= 1
        t = self._tok(q.start) - 1
        while t >= 0 and self.doc[t].is_space:
            t -= 1
        if i < 1 or self.text[i] != "," or t < 1 or self.doc[t - 1].pos_ not in ("NOUN", "PROPN"):
            return False
        return self._title_case(q)

    def _title_case(self, q: Quotation) -> bool:
        """True when every word but a title's small ones is capitalized: “Jeb Can Fix It”."""
        words = [
            w for w in re.findall(r"[^\W\d_]+", self.text[q.inner[0] : q.inner[1]]) if w not in _SMALL_WORDS
        ]
        return any(len(w) > 2 for w in words) and all(w[0].isupper() for w in words)

    def _sentence_start(self, q: Quotation) -> bool:
        i = q.start - 1
        while i >= 0 and self.text[i] in " \t\xa0":
            i -= 1
        return i < 0 or self.text[i] in ".!?:\n–—-…'" or self.text[i] in _QUOTE_CHARS

    def _paragraph_start(self, q: Quotation) -> bool:
        line_start = self.text.rfind("\n", 0, q.start) + 1
        return not self.text[line_start : q.start].strip(" \t\xa0–—-")

    def _window_after(self, q: Quotation) -> list[int]:
        """The tokens after a quotation, to the end of its sentence or the next quotation."""
        out: list[int] = []
        i = self._tok(q.end)
        while i < len(self.doc) and len(out) < WINDOW and not self._is_break(i):
            n = self.in_quote[i]
            if n != -1:
                # A title in the attribution (“…,” he said on “Meet the Press.” “…”) is part of it.
                title = self.quotations[n]
                if self._standalone(title) or title.end - title.start >= SHORT_QUOTATION:
                    break
                end = self._tok(title.end)
                out.extend(range(i, end))
                if any(self.doc[k].text in SENTENCE_END for k in range(i, end)):
                    break
                i = end
                continue
            out.append(i)
            if self.doc[i].text in SENTENCE_END:
                break
            i += 1
        return out

    def _reported_into(self, q: Quotation, before: list[int]) -> bool:
        """'He adds that there are two choices: “Leave or fight.”': a reported clause running into the
        quotation makes one mixed quote from the clause's start, as PolNeAR train annotates it (on
        train: e2e_direct_f +0.002). Adds that quote and returns True."""
        first = self._tok(q.start)
        for i in reversed(before):
            verb = self.doc[i]
            if not _is_verb(verb) or i in self.used_cues or verb.lemma_.lower() not in CLAUSE_CUES:
                continue
            for child in verb.children:
                if (
                    child.dep_ == "ccomp"
                    and verb.i < child.left_edge.i < first
                    and child.right_edge.i >= first
                ):
                    resolved = self._resolve(verb)
                    if resolved is None or not resolved.ok:
                        return False
                    start = self.doc[child.left_edge.i].idx
                    self._add(start, q.end, "mixed", resolved, verb)
                    return True
            return False
        return False

    def _introduces_next(self, q: Quotation, after: list[int]) -> bool:
        """True when the clause after a quotation that ends its sentence leads into the next one
        ('“…” Asked about it, the mayor replied, “…”'): it attributes the next quotation, not this
        one (on PolNeAR train: e2e_direct_f +0.001)."""
        if not after or self._comma_glued(q):
            return False
        last = after[-1]
        if self.doc[last].text not in (",", ":"):
            return False
        nxt = last + 1
        while nxt < len(self.doc) and self.doc[nxt].is_space:  # "She went on to say:\n\n“…”"
            nxt += 1
        return nxt < len(self.doc) and self.in_quote[nxt] != -1

    def _window_before(self, q: Quotation) -> list[int]:
        """The tokens before a quotation, back to the start of its sentence or the last quotation."""
        out: list[int] = []
        i = self._tok(q.start) - 1
        while (
            i >= 0
            and len(out) < WINDOW
            and self.in_quote[i] == -1
            and not self._is_break(i)
            and self.doc[i].text not in SENTENCE_END
        ):
            out.append(i)
            i -= 1
        out.reverse()
        return out

    def _comma_glued(self, q: Quotation) -> bool:
        """True when the quotation reads on into what follows: “…,” she said / “…?” he asked."""
        inner_end = q.inner[1]
        while inner_end > q.start + 1 and self.text[inner_end - 1] in "'’":  # ‘miracles,’”
            inner_end -= 1
        last = self.text[max(q.start, inner_end - 1) : inner_end]
        after = self.text[q.end : q.end + 3].lstrip(" \t\xa0")
        if last in (",", "—", "–", "-") or after.startswith(","):
            return True
        return last in ("?", "!") and bool(after) and after[0].islower()

    def _adjacent_cue(self, before: list[int]) -> bool:
        """True when a speech verb stands right before the quotation: 'but said, “…”'."""
        tail = [i for i in before if not self.doc[i].is_space]
        if tail and self.doc[tail[-1]].text in (",", ":"):
            tail = tail[:-1]
        if not tail:
            return False
        verb = self.doc[tail[-1]]
        return _is_verb(verb) and _says(verb)

    def _reporting(self, verb: Any, window: list[int]) -> Any | None:
        """The speech verb in `window` whose reported clause holds `verb`, if any."""
        inside = set(window)
        t = verb
        while t.head.i != t.i and t.head.i in inside:
            head = t.head
            if t.dep_ in ("ccomp", "xcomp", "advcl", "conj") and _says(head) and _is_verb(head):
                return head if head.i not in self.used_cues else None
            t = head
        return None

    def _ends_clause(self, verb: Any, window: list[int]) -> bool:
        """True when only the verb's own short complements stand between it and the punctuation
        before the quotation ("shot back:", "told reporters on Monday:")."""
        rest = [self.doc[i] for i in window if i > verb.i][:-1]
        inside = {verb.i} | {r.i for r in rest}
        return len(rest) <= 10 and all(t.head.i in inside for t in rest)

    def _outside_complement(self, verb: Any, q: Quotation) -> bool:
        """True when the verb reports a clause of its own beside the quotation ("He said that …")."""
        for child in verb.children:
            if (
                child.dep_ == "ccomp"
                and self.in_quote[child.i] == -1
                and self.para[child.i] == self.para[verb.i]
            ):
                left, right = child.left_edge.idx, child.right_edge.idx
                if not (q.start <= left < q.end or q.start <= right < q.end):
                    return True
        return False

    def _attribution(self, window: list[int], q: Quotation, after: bool) -> Hit | None:
        """The cue verb of a quotation in the clause beside it, with its speaker."""
        if not window:
            return None
        verbs = [
            self.doc[i]
            for i in window
            if _is_verb(self.doc[i]) and i not in self.used_cues and self.in_quote[i] == -1
        ]
        if not after:
            verbs.reverse()  # nearest to the quotation first
        else:
            # '“…,” a senior official, who spoke on condition of anonymity, told the agency': a
            # relative clause describes the speaker; its verb counts only when no other does.
            verbs.sort(key=lambda v: v.dep_ == "relcl")
        glued_after = after and len(window) <= GLUED_WINDOW and self._comma_glued(q)
        introduces = not after and self.doc[window[-1]].text in _INTRODUCING
        for n, verb in enumerate(verbs):
            # “…,” she shouted. / Kasich resisted: “…”. The layout attributes by itself: the verb
            # nearest the quotation counts even if no lexicon knows it.
            glued = n == 0 and (glued_after or (introduces and self._ends_clause(verb, window)))
            if not (glued or _says(verb) or self._reads(verb, q)):
                continue
            # "She said she hoped that the vote fails: “…”": the verb nearest the colon is in what
            # a speech verb before it reports; that one speaks.
            reporting = self._reporting(verb, window) if glued and not _says(verb) else None
            if reporting is not None:
                verb = reporting
            # “…,” he said of people whose rights were restored: a clause after a glued cue is
            # the parse's misreading, not a second thing said.
            elif not (after and self._comma_glued(q)) and self._outside_complement(verb, q):
                continue
            resolved = self._resolve(verb, inverted=after)
            if resolved is not None:
                return verb, resolved
        return None

    def _reads(self, verb: Any, q: Quotation) -> bool:
        """True for "read" right beside the quotation: what a sign, a shirt or a message says
        ("a sign that read “15%!”", "“Go home,” read one")."""
        if verb.lemma_.lower() != "read" or verb.tag_ == "VBN":
            return False
        first, last = self._tok(q.start), self._tok(q.end)
        between = range(verb.i + 1, first) if verb.i < first else range(last, verb.i)
        return len(between) <= 2 and all(self.doc[i].is_punct or self.doc[i].is_space for i in between)

    def _credit(self, q: Quotation, after: list[int]) -> Hit | None:
        """“…” ― Carlos Raúl: a name after a dash, alone to the end of its line, signs the quotation.
        The dash may touch the mark (“…”― Pamela Padilla), where the parse makes one token of both."""
        if self.text[q.end : q.end + 3].lstrip(" \t\xa0")[:1] not in _DASHES:
            return None
        words = [i for i in after if not self.doc[i].is_space and self.doc[i].text not in _CREDIT_DASHES]
        name = [i for i in words if self.doc[i].text not in SENTENCE_END]
        if (
            not name
            or len(name) > 6
            or not all(self.doc[i].is_punct or _name_word(self.doc[i]) for i in name)
        ):
            return None
        last = after[-1]
        if (
            last + 1 < len(self.doc)
            and not self._is_break(last + 1)
            and self.doc[last].text not in SENTENCE_END
        ):
            return None
        head = max((self.doc[i] for i in name if not self.doc[i].is_punct), key=lambda t: t.i)
        resolved = self.resolver.speaker(head)
        signed = [self.doc[i] for i in name if not self.doc[i].is_punct]
        start, end = signed[0].idx, signed[-1].idx + len(signed[-1].text)
        found = resolved.speaker
        if found.start is not None and found.end is not None and found.start > start and found.end <= end:
            # “…” ― Christina N Luis Olidem: the signature is the name, not the part the model tagged.
            return None, Resolved(Speaker(name=self.text[start:end], start=start, end=end))
        return None, resolved

    def _label(self, before: list[int]) -> Hit | None:
        """Poll watchers disagree - Oksana Lytvyn: “…”: a name set off by a dash and ending in a
        colon labels the quotation after it, as a digest lays out its excerpts ("More from Lytvyn:")."""
        words = [i for i in before if not self.doc[i].is_space]
        if len(words) < 3 or self.doc[words[-1]].text != ":":
            return None
        inverted = self._inverted_label(words)
        if inverted is not None:
            return inverted
        dash = max((k for k, i in enumerate(words) if self.doc[i].text in _CREDIT_DASHES), default=-1)
        name = words[dash + 1 : -1]
        if name[:2] and [self.doc[i].lower_ for i in name[:2]] == ["more", "from"]:
            name = name[2:]
        if (
            dash < 1
            or not 0 < len(name) <= 6
            or not all(_name_word(self.doc[i]) or self.doc[i].lower_ == "and" for i in name)
        ):
            return None
        # "Taras Bondar and Iryna Koval:": the first of them
        first = next((k for k, i in enumerate(name) if self.doc[i].lower_ == "and"), len(name))
        last = self.doc[name[max(0, first - 1)]]
        resolved = self.resolver.speaker(last)
        if resolved.speaker.entity is None:  # the label as written, not a phrase the parse ran on
            start, end = self.doc[name[0]].idx, last.idx + len(last.text)
            resolved = Resolved(Speaker(name=self.text[start:end], start=start, end=end))
        return None, resolved

    def _inverted_label(self, words: list[int]) -> Hit | None:
        """A sentence of a speech verb, a name and a colon before the quotation: "Said Hnatiuk: “…”",
        "Continued Bondar: “…”"."""
        verb, name = self.doc[words[0]], [self.doc[i] for i in words[1:-1]]
        if not (
            verb.is_title
            and verb.tag_ in ("VBD", "VBZ", "VBN")
            and verb.lower_ in _INVERTED_CUES
            and verb.i == verb.sent.start
            and len(name) <= 4
            and all(t.is_title and self.in_quote[t.i] == -1 for t in name)
            and any(t.ent_type_ == "PERSON" or t.pos_ == "PROPN" for t in name)
        ):
            return None
        # The name as written: the parse may run the verb into it ("Said Hnatiuk" as one noun).
        start, end = name[0].idx, name[-1].idx + len(name[-1].text)
        written = self.text[start:end]
        named = self.resolver.mentions.named(written, frozenset({"PERSON"}))
        if named is None:
            return verb, Resolved(Speaker(name=written, start=start, end=end))
        return verb, Resolved(Speaker(entity=named.entity, name=named.name, start=start, end=end))

    def _continues(self, previous: _Direct, q: Quotation, hit: Hit | None) -> bool:
        """True when `q` is the second part of the quote before it: in its paragraph, right after
        its attribution, with no attribution of its own."""
        pq, pf, pafter = previous.quotation, previous.found, previous.after
        if pf.cue is None or pf.end != pq.end:
            return False
        gap_start = self.doc[pafter[-1]].idx + len(self.doc[pafter[-1]].text) if pafter else pq.end
        if "\n" in self.text[pq.end : q.start] or self.text[gap_start : q.start].strip():
            return False
        # “…,” she said, adding, “…”: "adding" cues the second quotation of its own (PolNeAR train
        # annotates 4 of 5 so). Not "referring to …", "noting that …": those join.
        if any(self.doc[i].idx > pf.cue.start and self.doc[i].lemma_.lower() == "add" for i in pafter):
            return False
        # “…,” she said, and her deputy cut in. “…”: someone else speaks the second quotation.
        for i in pafter:
            t = self.doc[i]
            if self._next_speaker(t) and t.head.idx == pf.cue.start:
                resolved = self._resolve(t)
                if resolved is not None and resolved.ok and _who(resolved.speaker) != _who(pf.speaker):
                    return False
        # A second part opening in lower case ("…,” Tyler said, “and he has …”) or after an
        # attribution set off by commas in mid-sentence ("…,” he tweeted, “@Clinton wins …”) goes
        # on whatever follows it.
        first = self.text[q.inner[0] : q.inner[0] + 1]
        return (
            hit is None
            or hit[0] is None
            or hit[0].idx == pf.cue.start
            or first.islower()
            or not self._comma_glued(q)
            or self._mid_sentence(pafter)
        )

    def _next_speaker(self, t: Any) -> bool:
        """True for a speech verb with a subject of its own joined to a quotation's cue: “…,” she
        said, and her deputy cut in. “…”: the next quotation is the deputy's."""
        return (
            t.dep_ == "conj"
            and t.head.i in self.used_cues
            and _says(t)
            and any(c.dep_ == "nsubj" for c in t.children)
        )

    def _mid_sentence(self, attribution: list[int]) -> bool:
        """True for a short attribution set off by commas, nothing else in it: "…,” he tweeted, “…"."""
        if not attribution or self.doc[attribution[-1]].text != "," or len(attribution) > 8:
            return False
        return not any(self.doc[i].dep_ == "cc" or self.doc[i].lower_ in ("but", "and") for i in attribution)

    def _said_before(self, q: Quotation) -> tuple[Hit, int] | None:
        """The speaker of a quotation opening a sentence with no attribution of its own, when the
        sentence before it in its paragraph has someone speaking ("Sanders cited … . “…”"), and
        where the quote starts: at that sentence when it is words of theirs attributed after a
        comma ("Trump isn't a conservative, he said. “He's a liberal!”"), as PolNeAR train joins them."""
        i = self._tok(q.start) - 1
        if i < 0 or self.doc[i].text not in SENTENCE_END:
            return None
        verbs = []
        j = i - 1
        ended = SENTENCE_END
        while j >= 0 and i - j <= 2 * WINDOW and not self._is_break(j) and self.doc[j].text not in ended:
            t = self.doc[j]
            if self.in_quote[j] == -1 and _is_verb(t) and _says(t):
                verbs.append(t)
            j -= 1
        if j >= 0 and not self._is_break(j) and self.doc[j].text not in ended:
            return None  # a sentence too long to tell
        verbs.sort(key=lambda v: (not self._next_speaker(v), v.dep_ != "ROOT", v.i))
        for verb in verbs:
            resolved = self._resolve(verb)
            if resolved is not None and resolved.ok and resolved.speaker != NOBODY:
                start = self._inverted_start(verb, j + 1, i, q.start)
                if start == q.start:
                    start = self._reported_start(verb, j + 1, i, q.start)
                return (verb, resolved), start
        return None

    def _reported_start(self, verb: Any, first: int, last: int, default: int) -> int:
        """Where the clause the verb reports starts, when its sentence [first, last] ends with it:
        "Her lawyer said that she never meant harm. “She was …”" is one quote, as PolNeAR train
        joins them; else `default`."""
        for c in verb.children:
            if (
                c.dep_ == "ccomp"
                and c.i > verb.i
                and c.left_edge.i >= first
                and c.right_edge.i >= last - 1
                and self.in_quote[c.i] == -1
            ):
                return int(c.left_edge.idx)
        return default

    def _inverted_start(self, verb: Any, first: int, last: int, default: int) -> int:
        """The start of a sentence [first, last] whose words the verb attributes after a comma at
        its end ("…, he said on Monday."), else `default`."""
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is None or (subject.i < verb.i - 1 and subject.right_edge.i != verb.i - 1):
            return default
        left = min(subject.left_edge.i, verb.i)
        if left - first < 3 or self.doc[left - 1].text != "," or last - verb.i > 12:
            return default
        while first < left and self.doc[first].is_space:
            first += 1
        return int(self.doc[first].idx)

    def _introduced(self, start: int) -> Hit | None:
        """The speaker of a paragraph starting at `start` under a line ending in a colon: "Caddell
        continued:", "Vladimir Fesenko, political scientist:"."""
        end = self.text.rfind("\n", 0, start)
        while end > 0 and not self.text[self.text.rfind("\n", 0, end) + 1 : end].strip():
            end = self.text.rfind("\n", 0, end)
        if end <= 0:
            return None
        line_start = self.text.rfind("\n", 0, end) + 1
        if not self.text[line_start:end].rstrip().endswith(":"):
            return None
        tokens = list(range(self._tok(line_start), self._tok(end)))
        for k in range(len(tokens) - 2, -1, -1):  # the line's last sentence
            if self.doc[tokens[k]].text in SENTENCE_END:
                tokens = tokens[k + 1 :]
                break
        if not tokens or len(tokens) > WINDOW:
            return None
        # A speech verb first ("explained why the fortress matters:"), else the line's main verb.
        verbs = [self.doc[i] for i in reversed(tokens) if _is_verb(self.doc[i]) and i not in self.used_cues]
        verbs.sort(key=lambda v: (v.lemma_.lower() not in SPEECH_VERBS, v.dep_ != "ROOT"))
        for verb in verbs:
            resolved = self._resolve(verb)
            if resolved is not None:
                return verb, resolved
        # A name line: a person first. Markup left in the text ("< h4>") is no name.
        mentions = self.resolver.mentions
        for i in tokens:
            named = mentions.at(self.doc[i].idx, self.doc[i].idx + len(self.doc[i].text))
            if named is not None and named.type == "PERSON":
                return None, self.resolver.speaker(self.doc[i])
        for i in tokens:
            t = self.doc[i]
            if t.pos_ == "PROPN" and t.is_alpha and t.text[:1].isupper():
                while t.dep_ in ("compound", "flat") and t.head.pos_ == "PROPN" and t.head.i > t.i:
                    t = t.head  # "Iryna" of "Iryna Savchenko"
                return None, self.resolver.speaker(t)
        return None

    def _inherit(self) -> None:
        """A direct quote with no attribution of its own continues the quote just before it, in its
        paragraph or the one before ("“…,” he said.\\n\\n“…”"): it takes its speaker, and a direct
        one it is part of, as PolNeAR train annotates it. Else it opens the next one."""
        kept: list[_Found] = []
        for f in sorted(self.found, key=lambda f: f.start):
            prev = kept[-1] if kept else None
            if (
                prev is None
                or f.speaker is not None
                or f.kind != "direct"
                or prev.speaker is None
                or prev.end > f.start
                # Nothing but the previous attribution and line breaks between the two: the
                # quotation opens its paragraph, or follows the attribution in the same one.
                or any(line.strip() for line in self.text[prev.end : f.start].split("\n")[1:])
            ):
                kept.append(f)
                continue
            f.speaker = prev.speaker
            if prev.kind == "direct" and f.cue is None:
                prev.end = f.end
            else:
                kept.append(f)
        # “…”\n\n“…,” she said.: a quotation paragraph with no attribution of its own opens the
        # attributed one right after it, as PolNeAR train annotates it (e2e_direct_f +0.0015 on a
        # train sample of 105 articles, unchanged on another).
        joined: list[_Found] = []
        for f in reversed(kept):
            nxt = joined[-1] if joined else None
            between = self.text[f.end : nxt.start] if nxt is not None and f.end <= nxt.start else "."
            if (
                nxt is None
                or f.speaker is not None
                or f.cue is not None
                or f.kind != "direct"
                or nxt.kind != "direct"
                or nxt.speaker is None
                or between.strip()
                or "\n" not in between
            ):
                joined.append(f)
                continue
            nxt.start = f.start
        kept = joined[::-1]
        self.found = kept

    # --- block quotes --------------------------------------------------------------------------

    def _labelled(self) -> None:
        """Paragraphs opened by a person's name and a colon, with the quoted paragraphs after them
        that no other name opens: an interview transcript ("PENCE: Well, look, …"), a headline
        ("Sanders: We will win in June"). A transcript's lines are block quotes, a headline's words
        reported speech."""
        for m in _LABEL_LINE.finditer(self.text):
            start = m.end()
            end = self._paragraph_end(start)
            if len(re.findall(r"[^\W\d_]{2,}", self.text[start:end])) < 3:
                continue  # "Clinton: 1,769." is a count
            named = self._label_person(m.start(2), m.end(2))
            if named is None:
                continue
            speaker = Speaker(entity=named.entity, name=named.name, start=m.start(2), end=m.end(2))
            # The answer goes on over the paragraphs that reopen the quotation with no new name.
            while m.group(1):
                nxt = _NON_SPACE.search(self.text, end)
                if (
                    nxt is None
                    or self.text[nxt.start()] not in '“"'
                    or "\n" not in self.text[end : nxt.start()]
                ):
                    break
                if _LABEL_LINE.match(self.text, nxt.start()):
                    break
                end = self._paragraph_end(nxt.start())
            kind: QuoteKind = "block"
            if not (m.group(1) or m.group(2).isupper() or self.text[start] in _QUOTE_CHARS):
                kind = _kind(self.text[start:end], "indirect")
            if not self._covered(start, end):
                self._add(start, end, kind, Resolved(speaker), None)

    def _label_person(self, start: int, end: int) -> Any | None:
        """The person a label names ("PENCE", "Rep. Trey Gowdy (R-S.C.)", "Former secretary of state
        Hillary Rodham Clinton"): a label of a few words, no verb among them."""
        tokens = [self.doc[i] for i in range(self._tok(start), self._tok(end)) if not self.doc[i].is_space]
        if not tokens or len(tokens) > 14 or any(t.pos_ in ("VERB", "AUX") for t in tokens):
            return None
        mentions = self.resolver.mentions
        for t in reversed(tokens):
            named = mentions.at(t.idx, t.idx + len(t.text))
            if named is not None and named.type == "PERSON":
                return named
        label = self.text[start:end]
        if len(tokens) == 1 and label.isupper():  # a transcript's "HRYTSENKO"
            named = mentions.named(label.title(), frozenset({"PERSON"}))
            if named is not None and named.type == "PERSON":
                return named
        return None

    def _paragraph_end(self, start: int) -> int:
        end = self.text.find("\n", start)
        end = len(self.text) if end == -1 else end
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return end

    def _blocks(self) -> None:
        """A paragraph opened by a dash under a line naming its speaker and ending in a colon."""
        for m in _BLOCK_LINE.finditer(self.text):
            line_start = m.start() + 1
            start = line_start + 2
            end = self._paragraph_end(start)
            if end - start < 20 or self._covered(start, end):
                continue
            hit = self._introduced(line_start)
            if hit is not None and hit[1].ok:
                self._add(start, end, "block", hit[1], hit[0])

    def _dash_dialogue(self) -> None:
        """'— Yes, in May, — Koval replied.': a paragraph opened by a dash, its attribution after a
        second one, as East European news and its translations write dialogue."""
        for m in _DIALOGUE_OPENING.finditer(self.text):
            start = m.end()
            line_end = self.text.find("\n", start)
            line_end = len(self.text) if line_end == -1 else line_end
            second = _DIALOGUE_SECOND_DASH.search(self.text, start, line_end)
            if second is None:
                continue
            end = second.start()
            while end > start and self.text[end - 1] in " \t,":
                end -= 1
            if end <= start or self._covered(start, end):
                continue
            k = self._tok(second.end())
            verbs = [
                self.doc[i]
                for i in range(k, min(k + 4, len(self.doc)))
                if _is_verb(self.doc[i]) and _says(self.doc[i]) and not self._is_break(i)
            ]
            if not verbs:
                continue
            resolved = self._resolve(verbs[0], inverted=True)
            if resolved is not None and resolved.ok and resolved.speaker != NOBODY:
                self._add(start, end, "direct", resolved, verbs[0])

    # --- according to --------------------------------------------------------------------------

    def _according_to(self) -> None:
        for t in self.doc:
            if t.lower_ != "according" or self.in_quote[t.i] != -1:
                continue
            to = next((c for c in t.children if c.lower_ == "to"), None)
            if to is None and t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ == "to":
                to = self.doc[t.i + 1]
            if to is None:
                continue
            source = next((c for c in to.children if c.dep_ == "pobj"), None)
            if source is not None:
                last = max(source.right_edge.i, to.i)
                # "According to radio host Taras Bondar, the move reeks of fear": the parse may hang
                # the whole clause on the source; the phrase then ends at the comma after it.
                words = [w.i for w in t.sent if not (w.is_punct or w.is_space)]
                if t.i == t.sent.start and last >= words[-1]:
                    last = next((i for i in range(source.i + 1, last) if self.doc[i].text == ","), last)
                phrase = range(t.i, last + 1)
            else:
                # The parse may make the source the subject of the main clause ("According to
                # Prime Minister Mikhail Mishustin, Lukashenko and Putin are meeting"): the phrase
                # then runs to the comma, and its last noun is the source.
                end = to.i + 1
                while (
                    end < len(self.doc)
                    and end - to.i <= 12
                    and self.doc[end].text != ","
                    and not self._is_break(end)
                ):
                    end += 1
                nouns = [self.doc[i] for i in range(to.i + 1, end) if self.doc[i].pos_ in ("PROPN", "NOUN")]
                if end >= len(self.doc) or self.doc[end].text != "," or not nouns:
                    continue
                source, phrase = nouns[-1], range(t.i, end + 1)
            sent = t.sent
            rest = [
                i for i in range(sent.start, sent.end) if i not in phrase and self.para[i] == self.para[t.i]
            ]
            span = self._trim(rest)
            if span is None or self._covered(*span):
                continue
            resolved = self.resolver.speaker(source)
            if resolved.ok:
                self._add(*span, _kind(self.text[span[0] : span[1]], "according_to"), resolved, t)

    def _in_words(self) -> None:
        """'In her opinion, the attack was aimed at the grid', 'In Koval's words, …': a sentence
        opening on someone's opinion, view or words is theirs, as after "according to"."""
        for m in _IN_WORDS.finditer(self.text):
            noun = self.doc[self._tok(m.start(1))]
            if noun.idx != m.start(1) or noun.dep_ != "pobj" or self.in_quote[noun.i] != -1:
                continue
            prep = noun.head
            owner = next((c for c in noun.children if c.dep_ == "poss"), None)
            comma = noun.i + 1
            if prep.lower_ != "in" or owner is None or comma >= len(self.doc) or self.doc[comma].text != ",":
                continue
            before = self.doc[prep.i - 1] if prep.i > 0 else None
            if before is not None and not (before.is_space or before.text in SENTENCE_END):
                continue  # at the start of its sentence only
            end = self.sentence_end[comma]
            span = self._trim([i for i in range(comma + 1, end + 1) if self.para[i] == self.para[noun.i]])
            if span is None or self._covered(*span):
                continue
            resolved = self.resolver.speaker(owner)
            if not resolved.ok:
                continue
            end_of_cue = noun.idx + len(noun.text)
            cue = Cue(text=self.text[prep.idx : end_of_cue], start=prep.idx, end=end_of_cue)
            self._add(*span, _kind(self.text[span[0] : span[1]], "according_to"), resolved, None, cue)

    def _nominal(self) -> None:
        """ "Koval's claim that the port is closed", "his warning that …", "the assertion by the
        council that …": a noun of saying with a that-clause reports the clause, said by its
        possessor or by whoever "by" names; with neither, nothing is reported."""
        for noun in self.doc:
            if noun.pos_ != "NOUN" or noun.lemma_.lower() not in _SAYING_NOUNS or self.in_quote[noun.i] != -1:
                continue
            clause = self._that_clause_after(noun)
            source = next((c for c in noun.lefts if c.dep_ == "poss"), None)
            if source is None:
                by = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ == "by"), None)
                source = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            if clause is None or source is None or self.in_quote[source.i] != -1:
                continue
            span = self._trim(self._clause(clause, noun))
            if span is None or self._covered(*span):
                continue
            resolved = self.resolver.speaker(source)
            if resolved.ok:
                self._add(*span, _kind(self.text[span[0] : span[1]], "indirect"), resolved, noun)

    def _opinions(self) -> None:
        """ "Koval is confident that the port will reopen": an adjective of conviction with a
        clause reports the clause as its subject's view."""
        for adj in self.doc:
            if (
                adj.lemma_.lower() not in _OPINION_ADJECTIVES
                or adj.dep_ != "acomp"
                or self.in_quote[adj.i] != -1
            ):
                continue
            copula = adj.head
            clause = next(
                (c for c in [*adj.children, *copula.children] if c.dep_ == "ccomp" and c.i > adj.i),
                None,
            )
            if clause is None or clause.left_edge.i > adj.i + 2 or self.para[clause.i] != self.para[adj.i]:
                continue
            if clause.left_edge.lower_ in ("whether", "if", "why", "where", "how", "what", "who", "when"):
                continue  # "not sure whether he will run": a question, no view
            if any(c.dep_ in _SUBJECTS and c.lower_ in ("it", "this", "there") for c in copula.children):
                continue  # "It is certain that …": no one's view
            if copula.dep_ == "ccomp" and _says(copula.head):
                continue  # "Tyler said voters are confident that …": the speaker's words, found
            span = self._trim(self._clause(clause, copula))
            if span is None or self._covered(*span):
                continue
            resolved = self._resolve(copula)
            if resolved is not None and resolved.ok and resolved.speaker != NOBODY:
                self._add(*span, _kind(self.text[span[0] : span[1]], "indirect"), resolved, adj)

    def _that_clause_after(self, noun: Any) -> Any | None:
        """The verb of the that-clause right after `noun`, or after a preposition's phrase on it
        ("her assertion during the debate that …"), wherever the parse hung the clause: on the
        noun, on the sentence's verb ("with his warning that …"), on the phrase's noun."""
        i = noun.i + 1
        while i < min(len(self.doc), noun.i + 8) and self.in_quote[i] == -1:
            t = self.doc[i]
            if t.lower_ == "that":
                verb = t.head
                on_noun = verb.head.i == noun.i and verb.dep_ in ("acl", "ccomp")
                starts = verb.left_edge.i == t.i and verb.pos_ in ("VERB", "AUX")
                return verb if starts and (t.dep_ == "mark" or on_noun) else None
            if i == noun.i + 1 and t.dep_ != "prep":
                return None
            if t.pos_ not in ("ADP", "DET", "ADJ", "NOUN", "PROPN", "NUM"):
                return None
            i += 1
        return None

    # --- reported speech -----------------------------------------------------------------------

    def _frames(self, verb: Any) -> Iterator[tuple[Any, tuple[str, str]]]:
        """Dependents of `verb` that hold what it reports, best first, with their frame."""
        lemma = verb.lemma_.lower()
        # What follows the verb first: a clause before it is rarely what it reports ("Sitting down
        # with …, during which she touched on …, Clinton remarked that …").
        children = sorted(verb.children, key=lambda c: c.i < verb.i)
        # "accused the moderators of asking …": the parse may hang the preposition on the object.
        # Of or for only after someone ("accused the mayor of …"; not "spoke a word of English").
        objects = [c for c in children if c.dep_ == "dobj" and c.i > verb.i]
        held = [
            p
            for o in objects
            for p in o.rights
            if p.dep_ == "prep" and p.lower_ in _WITH_OBJECT and (p.lower_ == "as" or _someone(o))
        ]
        for dep in ("ccomp", "xcomp", "dobj", "prep", "oprd", "advcl", "acomp", "attr"):
            for child in children + held if dep == "prep" else children:
                if child.dep_ != dep:
                    continue
                frame = (lemma, dep if dep != "prep" else "prep:" + child.lower_)
                if frame in REPORT_FRAME_SET or (dep == "ccomp" and lemma in CLAUSE_CUES):
                    yield child, frame

    def _reported(self) -> None:
        for verb in self.doc:
            if verb.pos_ != "VERB" or verb.i in self.used_cues or self.in_quote[verb.i] != -1:
                continue
            if self._question(verb):
                continue  # "Will the dictator agree to send troops?" reports nothing
            for child, frame in self._frames(verb):
                node = child
                if child.dep_ == "prep":
                    node = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                    if node is None:  # "described as “like an open orchid”": the parse nests a preposition
                        node = next((c for c in child.rights if not c.is_punct), None)
                if node is None or self.para[node.i] != self.para[verb.i]:
                    continue
                if child.dep_ == "prep" and node.ent_type_ in _TIMES:
                    continue  # "has known him for years": a time, not what anyone said
                tokens = self._clause(node, verb)
                # Where what the verb reports starts when it starts before the complement itself.
                first: int | None = None
                if child.dep_ == "oprd" or (child.dep_ == "prep" and child.lower_ in _WITH_OBJECT):
                    # "called the merger “a terrible deal”", "described the toll as “a tax”": what is
                    # called, and what it is called. So "accused the mayor of lying", "blamed the
                    # mayor for the delay" (PolNeAR train starts 43 of 47 such contents at the object).
                    obj = next((c for c in verb.rights if c.dep_ == "dobj" and c.i < child.i), None)
                    if tokens:
                        first = obj.left_edge.i if obj is not None else self._relative_start(verb, tokens[0])
                elif frame in _RAISING and tokens:
                    # "The House is expected to pass the bill": what is expected is the subject's
                    # doing it (PolNeAR annotates subject, verb and complement), no one's words.
                    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if subject is not None and subject.i < verb.i and self.in_quote[subject.i] == -1:
                        first = subject.left_edge.i
                elif child.dep_ == "xcomp" and tokens and (asked := self._asked(verb, child)) is not None:
                    # "called on the mayor to resign", "urged farmers to sell": who is to do it, and
                    # what (PolNeAR train annotates both).
                    first = asked.left_edge.i
                elif child.dep_ != "ccomp" and tokens:
                    tokens = self._with_quoted_complement(verb, tokens)
                elif tokens:
                    tokens = self._with_quoted_conjunct(verb, tokens)
                if first is not None:
                    tokens = list(range(first, tokens[0])) + tokens
                span = self._trim(tokens)
                if span is not None:
                    span = self._cut_rival(self._run_on(self._cut_aside(span)), verb)
                    if child.dep_ == "ccomp":
                        span = self._colon_on(span)
                inside = span is not None and span[0] <= verb.idx < span[1] and frame not in _RAISING
                if span is None or inside or self._covered(*span):
                    continue
                resolved = Resolved(NOBODY) if frame in SOURCELESS_FRAMES else self._resolve(verb)
                if resolved is not None and resolved.ok and not self._second_hand(verb, resolved):
                    self._add(*span, _kind(self.text[span[0] : span[1]], "indirect"), resolved, verb)
                break
            else:
                self._parenthetical(verb)
                self._as_reported(verb)

    def _opening_asked(self, verb: Any) -> bool:
        """True for "asked" opening a sentence with no subject, a passive: "Asked whether the port
        would reopen, Koval said …", "When asked if …". The question is whoever "by" names ("Asked
        by Thrush if …") or someone (a reporter, a pollster) the text does not name, as PolNeAR
        train has it; never the subject of the clause it hangs on, who answers it."""
        if verb.lemma_.lower() != "ask" or verb.tag_ not in ("VBN", "VBD"):
            return False
        if any(c.dep_ in _SUBJECTS for c in verb.children):
            return False
        k = verb.i - 1
        if k >= 0 and self.doc[k].lower_ in ("when", "once", "after"):
            k -= 1  # '“We’ll see,” when asked whether …' too
        elif k >= 0 and self.doc[k].text in _QUOTE_CHARS and not verb.text[:1].isupper():
            return False  # '“Why now?” asked the mayor': the verb of the quotation before it
        return k < 0 or self.doc[k].is_space or self.doc[k].text in SENTENCE_END | _QUOTE_CHARS

    def _asked(self, verb: Any, xcomp: Any) -> Any | None:
        """The one a verb asks to do what its complement says: its object, or whom it "calls on"."""
        for c in verb.children:
            if c.i > xcomp.i or c.i < verb.i or self.in_quote[c.i] != -1:
                continue
            if c.dep_ == "prep" and c.lower_ in ("on", "upon"):
                c = next((o for o in c.children if o.dep_ == "pobj"), c)
            elif c.dep_ != "dobj":
                continue
            # Not a time ("urged Tuesday to …"), nor "on condition of anonymity to speak".
            if c.dep_ in ("dobj", "pobj") and c.ent_type_ not in _TIMES and c.lower_ != "condition":
                return c
        return None

    def _colon_on(self, span: tuple[int, int]) -> tuple[int, int]:
        """The span run on past a colon to the end of its sentence, when what follows the colon
        quotes words and no one else speaks there: "argued that his client was not to be taken
        seriously: her posts were the rants of a “shock jock”"."""
        k = self._tok(span[1])
        while k < len(self.doc) and self.doc[k].is_space:
            k += 1
        if k + 1 >= len(self.doc) or self.doc[k].text != ":" or self.in_quote[k] != -1:
            return span
        if self.in_quote[k + 1] != -1 or self.doc[k + 1].text in _QUOTE_CHARS:
            return span  # "…: “…”" is a quotation of its own
        end = self.sentence_end[k]
        rest = range(k + 1, end + 1)
        if not self._quoted(k + 1, end) or any(
            self.in_quote[i] == -1 and _is_verb(self.doc[i]) and _says(self.doc[i]) for i in rest
        ):
            return span
        widened = self._trim(list(rest))
        return span if widened is None else (span[0], max(span[1], widened[1]))

    def _with_quoted_conjunct(self, verb: Any, tokens: list[int]) -> list[int]:
        """`tokens` run on through a clause joined to the speech verb by "and" right after them that
        holds a quotation: "said that the server was open, and he had access to a server that “was
        like an open window”" (the parse joins the second clause to "said")."""
        last = tokens[-1]
        for c in verb.rights:
            if c.dep_ != "conj" or c.i <= last or self.para[c.i] != self.para[verb.i] or _says(c):
                continue
            between = [t for t in self.doc[last + 1 : c.left_edge.i] if not t.is_punct]
            if (
                c.left_edge.i > last
                and [t.lower_ for t in between] in (["and"], ["but"])
                and any(ch.dep_ in _SUBJECTS for ch in c.children)
                and self._quoted(c.i, c.right_edge.i)
            ):
                return tokens + list(range(last + 1, c.right_edge.i + 1))
        return tokens

    def _with_quoted_complement(self, verb: Any, tokens: list[int]) -> list[int]:
        """`tokens` run on through the verb's later complements to the last holding a quoted
        phrase: "described the act as a “crazy system”", "accused the moderators of asking too many
        “please attack Ted” questions", as PolNeAR train annotates them."""
        last = tokens[-1]
        end = last
        for c in verb.rights:
            if c.i <= last:
                continue
            if c.dep_ in ("cc", "conj", "punct") or self.para[c.i] != self.para[verb.i]:
                break
            if self._quoted(c.left_edge.i, c.right_edge.i):
                end = c.right_edge.i
        return tokens + list(range(last + 1, end + 1))

    def _parenthetical(self, verb: Any) -> None:
        """'The two nations, Xi said, now have …': a speech verb set off by commas reports the
        clause it interrupts, all of it as written."""
        if verb.lemma_.lower() not in SPEECH_VERBS or verb.dep_ not in (
            "parataxis",
            "ccomp",
            "advcl",
            "conj",
        ):
            return
        # "as you pointed out", "to be answered": a clause of its own, not an attribution.
        if any(c.dep_ in ("ccomp", "dobj", "xcomp", "mark", "aux", "auxpass") for c in verb.children):
            return
        # "Bondar, speaking on the radio, called …": a participle tells how the clause's subject
        # spoke; what was said is the clause's own to report.
        if verb.tag_ == "VBG":
            return
        words = [t.i for t in verb.subtree if not t.is_punct]  # the parse hangs the commas on the verb
        left, right = min(words), max(words)
        if right - left > 8 or left == 0 or right + 1 >= len(self.doc):
            return
        if self.doc[left - 1].text != "," or self.doc[right + 1].text not in (",", ".", ";"):
            return
        head = verb.head
        if head.i == verb.i or head.pos_ not in ("VERB", "AUX"):
            return
        # The clause may run into a quotation ("For the fishermen, she said, the rules “mean
        # another winter …”"), but a quotation split by the aside is a direct quote's, found before.
        if self.in_quote[head.i] != -1 and (left < 2 or self.in_quote[left - 2] != -1):
            return
        aside = range(left - 1, right + 2 if self.doc[right + 1].text == "," else right + 1)
        self._report_around(head, verb, aside)

    def _as_reported(self, verb: Any) -> None:
        """'As the Daily Tribune reported, the mayor “paid for …”', 'the bridge, as Bondar noted, has
        …': a speech verb in an "as" clause reports the clause it hangs on, as written."""
        if verb.lemma_.lower() not in _AS_CUES or verb.dep_ != "advcl":
            return
        if not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
            return
        # "as she told them this", "as he asked what …": a clause of its own. "as he put it" is not.
        if any(
            c.dep_ in ("ccomp", "xcomp", "dative") or (c.dep_ == "dobj" and c.lower_ != "it")
            for c in verb.children
        ):
            return
        head = verb.head
        if head.dep_ in _SUBJECTS and head.head.pos_ in ("VERB", "AUX"):
            head = head.head  # "The bridge, as Bondar noted, has …": the parse hangs it on the subject
        if head.pos_ not in ("VERB", "AUX") or self.para[head.i] != self.para[verb.i]:
            return
        aside = {t.i for t in verb.subtree}
        left, right = min(aside), max(aside)
        for k in (left - 1, right + 1):  # its commas
            if 0 <= k < len(self.doc) and self.doc[k].text == ",":
                aside.add(k)
        self._report_around(head, verb, aside)

    def _report_around(self, head: Any, verb: Any, aside: Container[int]) -> None:
        """The clause of `head`, as written but for the `aside` where `verb` stands, as reported
        by `verb`'s speaker, when someone the text names."""
        span = self._trim([i for i in self._clause(head, verb) if i not in aside])
        if span is None or self._covered(*span):
            return
        resolved = self._resolve(verb)
        if resolved is not None and resolved.ok and resolved.speaker != NOBODY:
            self._add(*span, _kind(self.text[span[0] : span[1]], "indirect"), resolved, verb)

    # --- quoted phrases ------------------------------------------------------------------------

    def _fragments(self) -> None:
        """A quotation inside a clause that no quote holds yet: the clause of the reporting verb
        that governs it ("Trump called the merger “a terrible deal”"), a mixed quote."""
        for q in self.quotations:
            if self._standalone(q) or any(self.index.overlapping(q.start, q.end)):
                continue
            if q.end - q.start < SHORT_QUOTATION and self._title_case(q):
                continue  # a name (on ABC's “This Week”, the “Jeb Can Fix It” bus tour), no one's words
            first, last = self._tok(q.start), self._tok(q.end) - 1
            if first > last:
                continue
            # The quotation's token whose head lies outside it, then up to a reporting verb.
            inside = range(first, last + 1)
            # A word, not the opening mark the parse may hang on the verb by itself.
            outside = [self.doc[i] for i in inside if self.doc[i].head.i not in inside]
            child = next((t for t in outside if not t.is_punct), outside[0] if outside else self.doc[first])
            verb = child.head
            fallback: tuple[Any, Any] | None = None
            for _ in range(6):
                if verb.i == child.i or self.in_quote[verb.i] != -1:
                    break
                if _is_verb(verb) and verb.i not in self.used_cues:
                    if self._reads(verb, q):
                        # "One message read “…”": the words on it, quoted whole
                        resolved = self._resolve(verb)
                        if resolved is not None and resolved.ok:
                            self._add(q.start, q.end, "direct", resolved, verb)
                        fallback = None
                        break
                    if verb.lemma_.lower() in FRAGMENT_CUES:
                        self._fragment_quote(verb, child)
                        fallback = None
                        break
                    if fallback is None and self._named_subject(verb):
                        fallback = (verb, child)
                child, verb = verb, verb.head
            if fallback is not None:
                self._fragment_quote(*fallback)

    def _named_subject(self, verb: Any) -> bool:
        """True when the verb's subject is a person the text names: a quoted phrase under a verb no
        lexicon knows ("Halyna Rudenko scoffed at the “paper wall”") is still that person's words."""
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        return subject is not None and subject.ent_type_ == "PERSON" and self.in_quote[subject.i] == -1

    def _run_on(self, span: tuple[int, int]) -> tuple[int, int]:
        """The span run on to a quoted phrase right after it that the parse hung elsewhere ("called
        the suspension “arbitrary.”", "he is a negotiator, “like you folks.”")."""
        start, end = span
        i = end
        while i < len(self.text) and self.text[i] in " \t\xa0":
            i += 1
        if i < len(self.text) and self.text[i] == ",":
            i += 1
            while i < len(self.text) and self.text[i] in " \t\xa0":
                i += 1
        # "not to “rebuild the old port” but to “build a new one”", "“late” and “overcrowded”"
        link = _LINK.match(self.text, i)
        if link is not None and self.text[end - 1 : end] in _QUOTE_CHARS:
            i = link.end()
        n = bisect_left(self.quote_starts, i)
        if n == len(self.quotations) or self.quotations[n].start != i:
            return span
        q = self.quotations[n]
        # A phrase after a comma (', “like you folks.”') runs on; a sentence of its own does not.
        phrase = self.text[q.inner[0] : q.inner[0] + 1].islower()
        if (self._standalone(q) and not phrase) or any(self.index.overlapping(q.start, q.end)):
            return span
        return start, q.end

    def _cut_rival(self, span: tuple[int, int], verb: Any) -> tuple[int, int]:
        """The span up to a clause in it where someone else speaks, set against it: "Kyiv says the
        strike killed three people, while Moscow claims it hit a military target"; or where the
        speaker goes on to say something else, which the parse hung inside the clause ("saying
        that the bill had … - and arguing that …")."""
        first, last = self._tok(span[0]), self._tok(span[1])
        for i in range(max(first, verb.i + 1), last):
            t = self.doc[i]
            if not _is_verb(t) or self.in_quote[i] != -1:
                continue
            contrast = any(c.dep_ == "mark" and c.lower_ in ("while", "whereas") for c in t.children)
            rival = (
                _says(t)
                and contrast
                and any(c.dep_ in _SUBJECTS and self.in_quote[c.i] == -1 for c in t.children)
            )
            over = _reporting_over(t) if t.dep_ == "conj" else None
            if rival or (over is not None and over.i == verb.i):
                end = t.left_edge.i
                while end > first and self.doc[end - 1].dep_ in ("cc", "punct"):
                    end -= 1
                cut = self._trim(list(range(first, end)))
                return cut if cut is not None else span
        return span

    def _cut_aside(self, span: tuple[int, int]) -> tuple[int, int]:
        """The span without what a comma or a dash adds after a quotation in it: "that he has
        “expanded the party,” claiming that …", "“self-deportation,” which is …"."""
        start, end = span
        for q in self.quotations[bisect_left(self.quote_starts, start) :]:
            if q.end >= end:
                break
            k = self._tok(q.end)  # ”, claiming … / ,” claiming …
            if k + 1 >= len(self.doc) or self.doc[k].idx >= end:
                continue
            # The aside's first word: after the comma or dash, or right after a mark closing on one.
            t = self.doc[k]
            if t.text in (",", "—", "–", "--"):
                t = self.doc[k + 1]
            elif self.text[q.inner[1] - 1 : q.inner[1]] != ",":
                continue
            if t.tag_ == "VBG" or t.lower_ in _ASIDE_WORDS:
                return start, q.end
        return span

    def _relative_start(self, verb: Any, first: int) -> int:
        """Where what a naming verb reports starts: at the relative word it names ("which he
        described as “…”", "what had been called the “Golden Week”"), as PolNeAR train annotates it;
        else at `first`."""
        for c in verb.children:
            if c.i < verb.i and c.dep_ in ("dobj", "nsubjpass") and c.lower_ in _RELATIVES:
                return int(c.i)
        return first

    def _second_hand(self, verb: Any, resolved: Resolved) -> bool:
        """True when `verb` stands inside a quote someone else is given: what it reports is that
        speaker's account ("McCain said Trump told a town hall that waterboarding is “peanuts”"),
        kept whole in that quote, not a second quote as if first-hand (PolNeAR train: e2e_f +0.003
        on both halves, e2e_direct_f +0.0017 even, +0.0020 odd)."""
        speaker = resolved.speaker
        return any(
            not _same_speaker(f.speaker, speaker)
            for f in self.index.overlapping(verb.idx, verb.idx + len(verb.text))
        )

    def _fragment_quote(self, verb: Any, child: Any) -> None:
        """The verb's complements up to and with the one holding the quotation."""
        if child.i < verb.i or self.para[verb.i] != self.para[child.i]:
            return
        rights = [c for c in verb.rights if not c.is_punct and c.i <= child.i]
        first = self._relative_start(verb, min([c.left_edge.i for c in rights] + [child.left_edge.i]))
        para = self.para[verb.i]
        span = self._trim([i for i in range(first, child.right_edge.i + 1) if self.para[i] == para])
        if span is not None:
            span = self._cut_aside(span)
        if span is None or self._covered(*span):
            return
        resolved = self._resolve(verb)
        if resolved is not None and resolved.ok and not self._second_hand(verb, resolved):
            self._add(*span, "mixed", resolved, verb)
