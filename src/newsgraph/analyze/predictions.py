"""Predictions: forward-looking statements, who makes them, what they are about, and their stance.

A prediction is a clause about what will, would or may happen ("Lukashenka would not dare to go to
war", "he can enter the war only if ...", "they will probably remain so") that someone stands
behind: the speaker of the quote it sits in, the subject of "X believes that ...", the source of
"according to X", or, when the article itself hedges ("probably", "unlikely"), nobody. Its stance
is conditional when it is bound to a condition, unlikely when it is denied, likely otherwise.
"""

from __future__ import annotations

from typing import Any, Final

from ..article import Article, Prediction, Stance
from ..nlp import span_text
from ..pipeline import ENGLISH, stage
from .claims import PERSON_ORG, Context

STAGE_ID: Final = "predictions.v2"

FUTURE_AUX: Final = frozenset({"will", "'ll", "wo", "would", "shall", "could", "may", "might", "can", "ca"})
# "can" states an ability as often as it predicts: it counts only with a condition or a denial.
WEAK_AUX: Final = frozenset({"can", "ca"})
HEDGES: Final = frozenset({"probably", "likely", "perhaps", "possibly", "surely", "certainly", "definitely"})
DENYING: Final = frozenset({"not", "n't", "never", "hardly", "no"})
# Adjectives that predict: "an attack is unlikely", "an offensive is possible only if ...".
PREDICTING_ADJECTIVES: Final[dict[str, Stance]] = {
    "likely": "likely", "probable": "likely", "inevitable": "likely", "possible": "likely",
    "unlikely": "unlikely", "impossible": "unlikely", "improbable": "unlikely",
}  # fmt: skip
# Verbs and nouns through which someone stands behind a prediction: "X believes that ...".
STANCE_HEADS: Final = frozenset(
    "believe think expect predict say warn suggest assume sure doubt exclude fear hope forecast argue "
    "claim note insist convince confident case opinion view belief add stress tell write estimate "
    "incline certain add explain report announce".split()
)
# Words opening a sentence that goes on with the previous sentence's speaker: "After all, ...".
CONTINUING: Final = (
    "after all",
    "and ",
    "but ",
    "also",
    "so ",
    "therefore",
    "moreover",
    "besides",
    "he ",
    "she ",
)
# The speaker is "he" or "she": the one the previous sentences quoted.
PRONOUN: Final = "<pronoun>"
CONDITION_MARKS: Final = frozenset({"if", "unless", "provided", "once"})
CONDITION_PHRASES: Final = (
    "only if",
    "as long as",
    "in case",
    "only in one case",
    "on condition",
    "only when",
)


@stage(
    "predictions",
    version=2,
    languages=ENGLISH,
    requires=("doc", "entities", "quotes"),
    assigns=("predictions",),
    components=("tagger", "parser", "ner", "lemmatizer"),
)
def extract_predictions(article: Article) -> Article:
    """Find forward-looking statements, with their speaker, subject and stance."""
    article.predictions = find_predictions(article)
    return article


def find_predictions(article: Article) -> list[Prediction]:
    """The predictions of a parsed article, one per sentence at most, in text order."""
    ctx = Context(article)
    predictions: list[Prediction] = []
    last_speaker: tuple[int, str | None] = (-10, None)
    for si, sent in enumerate(ctx.sents):
        quote = ctx.quote_at(sent.start_char, sent.start_char + 1) or ctx.quote_at(
            sent.end_char - 2, sent.end_char - 1
        )
        quote_speaker = quote.speaker.entity if quote is not None and quote.speaker is not None else None
        found = _predicted_verb(sent)
        if span_text(sent).rstrip().endswith("?"):
            found = None  # a question asks, it does not predict
        speaker, attributed = _speaker(ctx, sent, found[0]) if found else (None, False)
        if found is not None:
            verb, hedged = found
            if quote is not None and not attributed:
                speaker, attributed = quote_speaker, True
            if speaker == PRONOUN:
                speaker = last_speaker[1] if last_speaker[0] >= si - 2 else None
            if not attributed and _continues(ctx, si, sent) and last_speaker[0] >= si - 1:
                speaker, attributed = last_speaker[1], True
            if attributed or hedged:
                predictions.append(_prediction(ctx, sent, verb, speaker, len(predictions)))
        # The speaker the next sentence may go on with.
        own = _sentence_speaker(ctx, sent) or quote_speaker
        if own is not None:
            last_speaker = (si, own)
        elif "\n" in article.text[sent.start_char - 2 : sent.start_char + 1]:
            last_speaker = (-10, None)
    return predictions


def _predicted_verb(sent: Any) -> tuple[Any, bool] | None:
    """The verb of the sentence's forward-looking clause and whether the clause is hedged, or None."""
    text = span_text(sent).lower()
    for tok in sent:
        lower = tok.lower_
        if tok.dep_ == "aux" and tok.tag_ == "MD" and lower in FUTURE_AUX:
            verb = tok.head
            if lower in WEAK_AUX and not (_denied(verb) or _conditional(sent, verb, text)):
                continue
            return verb, any(c.lower_ in HEDGES for c in verb.children) or lower in ("may", "might", "could")
        if lower in ("going",) and tok.i + 2 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            nxt = tok.doc[tok.i + 2]
            if nxt.pos_ in ("VERB", "AUX"):
                return nxt, False
        if (
            lower in PREDICTING_ADJECTIVES
            and tok.dep_ in ("acomp", "amod", "attr")
            and tok.head.pos_ in ("AUX", "VERB")
        ):
            return tok.head, True
    return None


def _denied(verb: Any) -> bool:
    if any(
        c.dep_ == "neg" or c.lower_ in DENYING for c in verb.children if c.dep_ in ("neg", "advmod", "det")
    ):
        return True
    # "would not dare to go": the denial sits on the governing verb.
    return verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in verb.head.children)


def _conditional(sent: Any, verb: Any, text: str) -> bool:
    if any(phrase in text for phrase in CONDITION_PHRASES):
        return True
    return any(tok.dep_ == "mark" and tok.lower_ in CONDITION_MARKS for tok in sent)


def _stance(sent: Any, verb: Any) -> Stance:
    text = span_text(sent).lower()
    if _conditional(sent, verb, text):
        return "conditional"
    for tok in sent:
        if tok.lower_ in PREDICTING_ADJECTIVES and tok.head.i == verb.i:
            return PREDICTING_ADJECTIVES[tok.lower_]
    if _denied(verb):
        return "unlikely"
    # "X does not believe that they will cross": the denial sits on the one who stands behind it.
    head = verb
    for _ in range(3):
        if head.dep_ not in ("ccomp", "xcomp", "acl", "advcl", "relcl") or head.head.i == head.i:
            break
        head = head.head
        if head.lemma_.lower() in STANCE_HEADS and any(c.dep_ == "neg" for c in head.children):
            return "conditional" if head.lemma_.lower() == "exclude" else "unlikely"
    if "unlikely" in text or " won't " in f" {text} " or "never" in text.split():
        return "unlikely"
    return "likely"


def _speaker(ctx: Context, sent: Any, verb: Any) -> tuple[str | None, bool]:
    """Who stands behind the clause of `verb`: (entity id or None, whether anyone was named)."""
    head = verb
    for _ in range(4):
        if head.dep_ in ("ROOT",) or head.head.i == head.i:
            break
        head = head.head
        if head.lemma_.lower() in STANCE_HEADS:
            holder = head
            while holder.pos_ == "NOUN" or holder.pos_ == "ADJ":
                holder = holder.head  # "made his case that", "is sure that"
                # By position: spaCy makes a new Token on every access, so `is` never held and a
                # noun at the root ("The opinion of X that ... will ...") looped for ever.
                if holder.head.i == holder.i:
                    break
            subj = [c for c in holder.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and subj[0].pos_ == "PRON" and subj[0].lower_ in ("he", "she"):
                return PRONOUN, True
            if subj:
                return _entity_of(ctx, subj[0]), True
    source, name = ctx.according_to(sent)
    if name is not None and span_text(sent).lower().lstrip().startswith("according to"):
        return source, True
    return None, False


def _entity_of(ctx: Context, tok: Any) -> str | None:
    """The entity a subject names; a pronoun ("he") is left to the caller's context."""
    span = ctx.doc[tok.left_edge.i : tok.right_edge.i + 1]
    found = ctx.entity_at(tok.idx, tok.idx + len(tok), PERSON_ORG)
    return found or ctx.entity_at(span.start_char, span.end_char, PERSON_ORG)


def _sentence_speaker(ctx: Context, sent: Any) -> str | None:
    for q in ctx.quotes_starting(sent.start_char, sent.end_char):
        if q.speaker is not None and q.speaker.entity:
            return q.speaker.entity
    root = sent.root
    if root.lemma_.lower() in STANCE_HEADS:
        subj = [c for c in root.children if c.dep_ == "nsubj"]
        if subj and subj[0].pos_ != "PRON":
            return _entity_of(ctx, subj[0])
    return None


def _continues(ctx: Context, si: int, sent: Any) -> bool:
    """Whether the sentence goes on with the previous one's speaker: same paragraph, a continuing opening."""
    if si == 0:
        return False
    prev = ctx.sents[si - 1]
    if "\n" in ctx.article.text[prev.end_char - 1 : sent.start_char + 1]:
        return False
    return bool(span_text(sent).lower().lstrip().startswith(CONTINUING))


def _prediction(ctx: Context, sent: Any, verb: Any, speaker: str | None, index: int) -> Prediction:
    text = ctx.article.text
    clause = list(verb.subtree)
    conditions = {
        t.i
        for c in verb.children
        if c.dep_ == "advcl" and any(m.lower_ in CONDITION_MARKS for m in c.children)
        for t in c.subtree
    }
    for c in verb.children:
        if (c.dep_ == "prep" and c.lower_ == "according") or (c.dep_ in ("cc", "mark") and c.i < verb.i):
            conditions.update(t.i for t in c.subtree)  # "According to X, ...", "And ...": not what is said
    kept = [t for t in clause if t.i not in conditions and t.sent == sent and not t.is_space]
    while kept and (kept[0].is_punct or kept[0].lower_ in ("that", "and", "but", "so")):
        kept = kept[1:]
    start = kept[0].idx if kept else sent.start_char
    end = kept[-1].idx + len(kept[-1]) if kept else sent.end_char
    start = max(start, sent.start_char)
    about_tokens = [
        t for t in kept if t.dep_ not in ("aux", "auxpass", "neg", "punct", "mark") and t.lower_ not in HEDGES
    ]
    about = " ".join(t.text for t in about_tokens[:14]) or None
    return Prediction(
        id=f"p{index + 1}",
        text=text[start:end],
        start=start,
        end=end,
        speaker=speaker,
        stance=_stance(sent, verb),
        about=about,
        stage=STAGE_ID,
    )
