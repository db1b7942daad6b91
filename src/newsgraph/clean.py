"""Cleaning: page leftovers out of the text, sections and captions kept, every removal recorded.

The clean text is the raw text with pieces deleted, never rewritten: every clean character is
the raw character at `article.raw_offset(i)`. Leftovers are recognised only as whole lines or
short whole paragraphs (comment forms, sharing and navigation lines, a repeated headline,
photo captions) or as markup inside a line; a line that is merely about replies or sharing is
prose and stays. Blank lines left behind by a removal collapse to the separator the text had
after the last kept paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise

from .article import Article, Caption, Removed, RemovedKind, Section
from .pipeline import stage

STAGE = "clean.v2"

# Longest line that can be a leftover line; longer lines are always kept as prose.
MAX_LEFTOVER_LINE = 300
# A caption paragraph is short: its text part at most this long (the seed's is 101 characters).
MAX_CAPTION_TEXT = 300
MAX_HEADLINE = 250
MAX_HEADING = 120
MAX_HEADING_WORDS = 16
# A headline repeated in another form (tests/data/cleaning, the seed): most of its words again, in
# any order; or, for a repeat ending in a full stop, nearly the same characters in the same order.
SAME_WORDS = 0.8
CLOSE_REPEAT = 0.85

_SOCIAL = (
    r"facebook|twitter|x|telegram|whatsapp|viber|linkedin|pinterest|reddit|tumblr|vk|vkontakte|"
    r"odnoklassniki|ok|messenger|skype|pocket|flipboard|mastodon|threads|instagram|youtube|tiktok|"
    r"e-?mail|print|copy link|copy"
)

# A line going on with ", the mayor wrote" is someone's words reported, not the site's own prompt.
_NOT_REPORTED = (
    r"(?!.*,\s+(?:[\w’'-]+\s+){0,6}(?:said|says|wrote|writes|told|tells|urged|urges|added|asked|asks|"
    r"noted|explained|stressed|promised|warned|warns)\b)"
)

# Whole-line leftovers of the page around an article. Each pattern must match the whole line
# (stripped, case-insensitive), so a sentence that merely mentions replies or sharing is kept.
_BOILERPLATE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            # comment forms
            r"leave a (?:reply|comment)(?: to .{1,80})?(?:\s*cancel reply)?",
            r"cancel reply|reply|comments?(?: \(\d+\))?|(?:\d+|no) comments?(?: yet)?\.?",
            r"(?:post|submit|add|write) (?:a |your )?comment",
            r"your email address will not be published\.?(?:\s*required fields are marked \*?)?",
            r"required fields are marked \*?",
            r"(?:name|e-?mail|comment|website)\s*\*",
            r"please enter (?:your |a )?(?:comment|name|e-?mail(?: address)?|website)(?: here)?[!.]?",
            r"save my name,? e-?mail,? and website in this browser for the next time i comment\.?",
            r"notify me of (?:follow-up comments|new posts|new comments)(?: by e-?mail)?\.?",
            r"this site uses akismet to reduce spam\..{0,100}",
            r"you must be (?:logged|signed) in to (?:post|leave|add|write) a comment\.?",
            r"be the first to comment\.?|(?:show|view|load|hide) (?:all |more )?comments(?: \(\d+\))?",
            # previous / next post navigation, with the other post's title; a sentence ends in "."
            r"[«‹<←]?\s*(?:previous|prev|next|older|newer)\s*[»›>→]?",
            r"[«‹<←]?\s*(?:previous|prev|next|older|newer) (?:post|article|story|entry|item|news)s?\b"
            r"(?:\s*[»›>→:]|\s+[-–—])?(?!\s+(?:is|are|was|were|will|has|have|had|would|can|could|should|may|"
            r"might|said|says|shows?|showed)\b)(?:\s+.{0,250}[^.])?",
            # sharing
            rf"(?:share|tweet|pin|email|print)(?: (?:this|the) (?:article|post|story|page|news))?"
            rf"(?: (?:on|via)(?: (?:{_SOCIAL}))?)?\s*:?(?: \d+)?",
            rf"(?:{_SOCIAL})(?:[\s,|•·/]+(?:{_SOCIAL}))*",
            r"click to (?:share|email|print)\b.{0,80}",
            r"(?:like|share) this:?|like loading\.{0,3}",
            # subscribe and follow prompts
            r"subscribe(?: now| here| today)?[!.]?",
            rf"{_NOT_REPORTED}(?:subscribe|sign up)(?: now| here| today)? (?:to|for|on) "
            r"(?:our|the|my|this|us)\b.{0,100}"
            r"\b(?:newsletters?|channels?|telegram|youtube|facebook|twitter|instagram|updates|news|podcast|"
            r"feed|alerts|page)\b.{0,40}",
            r"(?:follow|join|find) us(?: on .{1,80})?[!.]?",
            # "Join our Facebook page ...": the reader addressed, a page or channel of the site named
            rf"{_NOT_REPORTED}(?:join|follow|like) (?:us|our)\b.{{0,60}}\b(?:facebook|telegram|twitter|"
            r"instagram|youtube|viber|tiktok|whatsapp|page|channel|group|newsletter|community)\b.{0,120}",
            # cookie notices
            r"(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b.{0,200}"
            r"\b(?:experience|browsing|website|site|consent|agree|accept|policy|improve|personali[sz]e|analytics)"
            r"\b.{0,200}",
            r"by (?:continuing|using|browsing)\b.{0,100}\b(?:agree|consent) to\b.{0,60}cookies\b.{0,100}",
            r"(?:accept|allow|reject|decline|manage)(?: all)? cookies",
            r"cookie (?:policy|settings|preferences|notice)",
            # pointers to other articles
            r"(?:read|see|watch|listen)(?: also| more)?(?:\s*:|\s+[-–—])\s*.{0,250}",
            r"(?:read also|also read)(?:\s*[:–—-].{0,250}|\s+.{0,250}[^.\s])?|read more\s*[»›→.]*",
            r"related(?: (?:articles?|news|posts?|stories|topics?|reading|coverage))?(?:\s*:.{0,250})?",
            r"more (?:on|about) (?:this|the) (?:topic|subject|story)\s*:.{0,250}",
            r"(?:you (?:may|might) (?:also )?(?:like|be interested in)|recommended(?: for you)?"
            r"|most (?:read|popular)|trending(?: now)?|don't miss)(?:\s*:.{0,250})?",
            r"(?:tags?|tagged|categories|category|filed under|posted in)\s*:\s*.{0,250}",
            # page furniture
            r"advertisement|advertising|sponsored(?: content)?|scroll to continue(?: with content)?"
            r"|continue reading(?: below)?|loading\.{0,3}|click here\b.{0,100}",
            r"(?:©|\(c\)|copyright ©|copyright \d{4}\b).{0,150}|.{0,100}\ball rights reserved\.?",
        )
    ),
    re.IGNORECASE,
)

# A line introducing a list of links to other articles ("Read more:", "Related news:"); the short
# lines under it are those articles' titles (see _pointer_titles).
_POINTER_HEADER = re.compile(
    r"(?:(?:read|see)(?: also| more)?|also read|related(?: (?:articles?|news|posts?|stories|reading))?"
    r"|more (?:news|stories|on (?:this|the) (?:topic|subject))|latest news|you (?:may|might) also like"
    r"|recommended(?: for you)?|most (?:read|popular)|trending(?: now)?|don't miss)\s*:",
    re.IGNORECASE,
)

# Buttons and form labels of a cookie banner or a comment form: leftovers only beside the banner or
# form they belong to (a paragraph whose other lines are all boilerplate), never alone.
_FURNITURE = re.compile(
    r"accept(?: all)?(?: cookies)?|ok(?:ay)?|got it|i agree|agree|learn more|more info(?:rmation)?|decline|"
    r"reject(?: all)?|close|settings|privacy policy|name|e-?mail|comment|website|post comment|submit",
    re.IGNORECASE,
)

# HTML tags that survive scraping, complete or broken ("< h4>", "</p>"); only known tag names,
# so "a < b" or "<Ukraine>" in prose never match. Inside the text of a kept line.
_TAG_NAMES = (
    r"a|abbr|article|aside|b|big|blockquote|body|br|button|caption|center|cite|code|dd|del|div|dl|dt|em|"
    r"embed|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|"
    r"link|main|mark|meta|nav|noscript|ol|p|picture|pre|q|s|section|small|source|span|strike|strong|sub|"
    r"sup|table|tbody|td|tfoot|th|thead|time|title|tr|tt|u|ul|video"
)
_MARKUP = re.compile(
    rf"(?P<tag><\s*/?\s*(?:{_TAG_NAMES})\b(?:\s[^<>]{{0,300}}?)?\s*/?\s*>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<zero>&(?:shy|zwnj|zwj|#8203|#x200b|#173|#xad);)"
    r"|(?P<space>(?:&(?:nbsp|ensp|emsp|thinsp|#160|#xa0);)+)"
    r"|(?P<amp>&amp;)",
    re.IGNORECASE,
)

# A word typed twice ("if If"). Names ("Bora Bora") and doubles that English allows are kept.
_REPEATED_WORD = re.compile(r"(?<![\w-])([^\W\d_]+)[ \u00a0](\1)(?![\w-])", re.IGNORECASE)
_LEGIT_DOUBLES = frozenset(
    "had that is do did her very so no bye ha haha he hee heh ho ya yeah really far many yes well there now "
    "come tut tsk chop knock boo hoo la blah bla dum ding bang tick pom cha hip again more round night great "
    "way something".split()
)
# After "that that" one of these words shows the slip ("says that that the plan"); a noun or a verb
# shows the pronoun ("that that decision", "that that is why").
_SUBJECTS = frozenset("the a an he she we they i you it his her their our my its this these those".split())
_FUNCTION_WORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be it this that these those "
    "he she we they you i his her its our their will would can could".split()
)

# A photo credit: "Photo: NAME, OUTLET", "Photo by NAME", "(AP Photo/NAME)", "Image: ...".
# After the caption's own text, or alone. A credit is a few names, never a sentence.
_CREDIT_MARK = (
    r"(?:(?:AP|AFP|EPA|Reuters|Getty(?: Images)?|TASS|UNIAN)\s+)?"
    r"(?:photos?|photograph|photo credit|pictures?|images?|illustration|illustrative photo|фото)"
)
_LEADING_CREDIT_MARK = r"(?:photos?|photograph|photo credit|image|illustration|фото)"
_CREDIT = r"(?P<credit>(?:(?![.!?]\s)[^()\[\]]){2,150}?)"
_CAPTION_END = re.compile(
    rf"(?P<text>.{{1,{MAX_CAPTION_TEXT}}}?(?:(?:[.!?…\"”»)]|\s[|–—-])\s*[(\[]?|\s*[(\[]))"
    rf"\s*{_CREDIT_MARK}\s*(?::|/|\bby\b)\s*"
    rf"{_CREDIT}\s*[)\]]?",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    rf"[(\[]?\s*(?:{_LEADING_CREDIT_MARK}\s*(?::|\bby\b)|(?:AP|AFP|EPA|Reuters)\s+photos?\s*/)\s*{_CREDIT}\s*[)\]]?",
    re.IGNORECASE,
)
MAX_CREDIT_WORDS = 12

_WORD = re.compile(r"\w+")
_HEADING_END = re.compile(r"[\w)]$")


@dataclass
class _Line:
    """One line of the raw text and what cleaning decided about it."""

    start: int  # raw offset of the line's first character
    end: int  # raw offset after its content, before "\r\n" or "\n"
    stop: int  # raw offset after its line break
    content: str
    markup: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text) to delete
    visible: str = ""  # the content without its markup
    deleted: bool = False

    @property
    def blank(self) -> bool:
        return not self.content.strip()

    @property
    def empty(self) -> bool:
        """Blank, or nothing left once its markup goes."""
        return not self.visible.strip()


@stage("clean", version=2, requires=("raw",), assigns=("text", "removed", "captions", "sections", "title"))
def clean(article: Article) -> Article:
    """Remove page leftovers from the raw text (a no-op with --as-is)."""
    if article.as_is:
        return article
    raw = article.raw
    lines = _split_lines(raw)
    removed: list[Removed] = []
    captions: list[Caption] = []

    def drop(line: _Line, kind: RemovedKind) -> None:
        line.deleted = True
        removed.append(_removed(kind, line.visible.strip(), _visible_start(line)))

    paragraphs = _paragraphs(lines)
    for paragraph in paragraphs:
        for line in paragraph:
            if len(line.visible) <= MAX_LEFTOVER_LINE and _BOILERPLATE.fullmatch(line.visible.strip()):
                drop(line, "boilerplate")
        for line in _orphans(paragraph):
            drop(line, "boilerplate")
    for line in _pointer_titles(paragraphs):
        drop(line, "boilerplate")
    kept = _kept(paragraphs)
    for paragraph in kept:
        for caption_lines, caption in _captions(paragraph):
            for line in caption_lines:
                line.deleted = True
            captions.append(caption)
            removed.append(_removed("caption", _joined(caption_lines), caption.start or 0))
    kept = _kept(kept)
    headline = _headline(kept, article.title)
    if headline is not None:
        for duplicate in _repeated_headlines(kept, headline):
            drop(duplicate, "duplicate_title")
        kept = _kept(kept)
        if article.title is None:
            article.title = headline

    cuts: list[tuple[int, int]] = []
    for line in lines:
        if line.deleted:
            continue
        for start, end, text in line.markup:
            cuts.append(_with_space(raw, line, start, end))
            removed.append(_removed("markup", text, start))
        if line.empty and not line.blank:
            line.deleted = True  # a line of markup only: "</p>"
            continue
        for start, end, word in _repeated_words(line):
            cuts.append((start, end))
            removed.append(_removed("repeated_word", word, end - len(word)))
    cuts.extend(_line_cuts(lines))
    text, raw_offsets = _assemble(raw, cuts)
    article.set_text(text, raw_offsets)
    article.removed = sorted(removed, key=lambda r: r.start or 0)
    article.captions = captions
    headings = [p[0] for p in kept if _is_heading(p, headline if p is kept[0] else None)]
    article.sections = _sections(text, raw_offsets, headings)
    return article


def _split_lines(raw: str) -> list[_Line]:
    lines = []
    start = 0
    while start < len(raw):
        newline = raw.find("\n", start)
        if newline < 0:
            end = stop = len(raw)
        else:
            stop = newline + 1
            end = newline - 1 if newline > start and raw[newline - 1] == "\r" else newline
        line = _Line(start=start, end=end, stop=stop, content=raw[start:end])
        line.markup = _markup(raw, start, end)
        line.visible = _without(line.content, start, line.markup)
        lines.append(line)
        start = stop
    return lines


def _markup(raw: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The stretches of markup inside one line that deleting leaves readable."""
    found: list[tuple[int, int, str]] = []
    if raw.find("<", start, end) < 0 and raw.find("&", start, end) < 0:
        return found  # most lines: no regex run needed
    spaces: list[tuple[int, int, str]] = []
    for match in _MARKUP.finditer(raw, start, end):
        s, e = match.span()
        if match.lastgroup == "amp":
            found.append((s + 1, e, match.group()[1:]))  # "&amp;" keeps its "&": "amp;" goes
        elif match.lastgroup == "space":
            # Between two words a space entity is the only space: deleting it would glue them.
            if s == start or e == end or raw[s - 1].isspace() or raw[e].isspace():
                found.append((s, e, match.group()))
            else:
                spaces.append((s, e, match.group()))
        else:
            found.append((s, e, match.group()))
    if spaces and not _without(raw[start:end], start, sorted(found + spaces)).strip():
        found = sorted(found + spaces)  # a line of markup only: "<p>&nbsp;</p>"
    return found


def _with_space(raw: str, line: _Line, start: int, end: int) -> tuple[int, int]:
    """A stretch of markup to delete with the space its deletion leaves over: the space before it at the
    end of a line ("announced. </p>"), else the space after it when a space or the line start is before
    it ("<p> The", "word <br> word")."""
    if not raw[end : line.end].strip():
        while start > line.start and raw[start - 1] in " \t":
            start -= 1
    elif start == line.start or raw[start - 1] in " \t":
        while end < line.end and raw[end] in " \t":
            end += 1
    return start, end


def _without(content: str, offset: int, cuts: list[tuple[int, int, str]]) -> str:
    pieces, at = [], offset
    for s, e, _ in cuts:
        pieces.append(content[at - offset : s - offset])
        at = e
    pieces.append(content[at - offset :])
    return "".join(pieces)


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of lines with text in them, between blank lines (or lines of markup only)."""
    paragraphs: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.empty:
            if current:
                paragraphs.append(current)
            current = []
        else:
            current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


def _kept(paragraphs: list[list[_Line]]) -> list[list[_Line]]:
    """The paragraphs without their deleted lines, those left empty gone."""
    kept = [[line for line in p if not line.deleted] for p in paragraphs]
    return [p for p in kept if p]


def _pointer_titles(paragraphs: list[list[_Line]]) -> list[_Line]:
    """The titles listed under a "Read more:" line removed as boilerplate, up to the first line of prose.

    A title is short and does not end in a full stop; a sentence after the pointer line is kept.
    The titles follow in the pointer's paragraph, or, when the pointer is a paragraph of its own,
    as the one line of the next paragraph.
    """
    found: list[_Line] = []
    for n, paragraph in enumerate(paragraphs):
        listing = False
        for line in paragraph:
            if line.deleted:
                listing = _POINTER_HEADER.fullmatch(line.visible.strip()) is not None
            elif listing and _title_like(line):
                found.append(line)
            else:
                listing = False
        if listing and paragraph[-1].deleted and n + 1 < len(paragraphs):
            following = paragraphs[n + 1]
            if len(following) == 1 and _title_like(following[0]) and following[0] not in found:
                found.append(following[0])
    return found


def _title_like(line: _Line) -> bool:
    text = line.visible.strip()
    return not line.deleted and len(text) <= MAX_HEADLINE and not text.endswith(".")


def _orphans(paragraph: list[_Line]) -> list[_Line]:
    """Buttons and field labels ("Accept", "Website") left in a paragraph whose other lines all went."""
    deleted = [line for line in paragraph if line.deleted]
    rest = [line for line in paragraph if not line.deleted]
    if not deleted or not all(_FURNITURE.fullmatch(line.visible.strip()) for line in rest):
        return []
    return rest


def _visible_start(line: _Line) -> int:
    """The raw offset of the line's first character that is neither markup nor space."""
    at = line.start
    for s, e, _ in [*line.markup, (line.end, line.end, "")]:
        while at < s and line.content[at - line.start].isspace():
            at += 1
        if at < s:
            return at
        at = max(at, e)
    return at


def _joined(paragraph: list[_Line]) -> str:
    return " ".join(line.visible.strip() for line in paragraph)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _removed(kind: RemovedKind, text: str, start: int) -> Removed:
    return Removed(kind=kind, text=text, start=start, stage=STAGE)


def _captions(paragraph: list[_Line]) -> list[tuple[list[_Line], Caption]]:
    """The captions in a short paragraph, each with the lines it takes.

    A line that is a whole caption (its text, then its credit) goes alone and the paragraph's
    other lines stay: a caption line can follow a line of prose. Otherwise the paragraph as a
    whole may be one caption: a credit line after the caption's text, or before its one line
    of text ("Photo: NAME" then "The bridge in Irpin.").
    """
    if len(paragraph) > 3:
        return []
    if len(paragraph) > 1:
        alone = [
            (line, _caption(line.visible.strip(), _visible_start(line), _CAPTION_END)) for line in paragraph
        ]
        found = [([line], caption) for line, caption in alone if caption is not None]
        if found:
            return found
    start = _visible_start(paragraph[0])
    if len(paragraph) == 2:
        # The credit on a line of its own, before or after the caption's one line of text.
        first, second = (line.visible.strip() for line in paragraph)
        text, credit = second, _caption(first, start, _CAPTION_START)
        if credit is None:
            text, credit = first, _caption(second, start, _CAPTION_START)
        if credit is not None and len(text) <= MAX_CAPTION_TEXT:
            return [(paragraph, Caption(text=text, credit=credit.credit, start=start, stage=STAGE))]
    joined = _joined(paragraph)
    caption = _caption(joined, start, _CAPTION_END) or _caption(joined, start, _CAPTION_START)
    return [] if caption is None else [(paragraph, caption)]


def _caption(text: str, start: int, pattern: re.Pattern[str]) -> Caption | None:
    """The caption `text` is, when `pattern` matches all of it: its text, and its credit apart.

    The credit is kept whole as written, a link included ("Ruslan Guk, Vayar/t.me/modmilby");
    a line that is only a credit ("Photo: NAME") gives a caption with empty text.
    """
    match = pattern.fullmatch(text)
    if match is None or len(match["credit"].split()) > MAX_CREDIT_WORDS:
        return None
    caption_text = match["text"].rstrip(" |–—-([") if "text" in match.groupdict() else ""
    return Caption(text=caption_text, credit=match["credit"].strip(), start=start, stage=STAGE)


def _headline(kept: list[list[_Line]], title: str | None) -> str | None:
    """The article's headline when its first paragraph is one: a single short line, or a short line
    and its repeat right under it.

    A line ending in a full stop is a sentence, not a headline, unless it is the known title.
    """
    if not kept or len(kept[0]) > 2:
        return None
    first = kept[0][0].visible.strip()
    if len(kept[0]) == 2 and not _repeats(kept[0][1].visible.strip(), first):
        return None
    if len(first) > MAX_HEADLINE:
        return None
    if title is not None and _same_headline(first, title):
        return first
    return None if first.endswith((".", ",", ":", ";", "-", "–", "—")) else first


def _repeated_headlines(kept: list[list[_Line]], headline: str) -> list[_Line]:
    """Later lines in the article's head that repeat the headline, reworded or not.

    Only the short single-line paragraphs right after the headline are looked at: the head ends
    at the first paragraph of prose, so a lede that paraphrases the headline is never touched.
    """
    repeats = kept[0][1:]  # the repeat on the line under it, as _headline found
    for paragraph in kept[1:4]:
        line = paragraph[0].visible.strip()
        if len(paragraph) != 1 or len(line) > MAX_HEADLINE:
            break
        if _repeats(line, headline):
            repeats.append(paragraph[0])
    return repeats


def _repeats(line: str, headline: str) -> bool:
    """Whether a short line is the headline again. One ending in a full stop must be very close to it
    (the lede can paraphrase the headline in a sentence of its own)."""
    if len(line) > MAX_HEADLINE or not _same_headline(line, headline):
        return False
    if not line.endswith("."):
        return True
    return SequenceMatcher(None, _normal(line), _normal(headline)).ratio() >= CLOSE_REPEAT


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _same_headline(a: str, b: str) -> bool:
    """Whether two short lines are one headline, the second reworded (tuned on the seed's pair)."""
    words_a, words_b = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    if not words_a or not words_b:
        return False  # table rules and separators ("|  |") are not headlines
    if _normal(a) == _normal(b):
        return True
    if min(len(words_a), len(words_b)) < 4:
        return False
    overlap = len(words_a & words_b) / len(words_a | words_b)
    if overlap >= SAME_WORDS:
        # The same words in another order: "Sumy rebuilt 40 bridges" / "40 bridges were rebuilt in Sumy".
        return True
    return overlap >= 0.5 and SequenceMatcher(None, _normal(a), _normal(b)).ratio() >= 0.6


def _repeated_words(line: _Line) -> list[tuple[int, int, str]]:
    """Deletions for a word typed twice: the space and the second one, so that the first keeps its
    place and its case ("if If Russia" -> "if Russia", "The the war" -> "The war")."""
    found = []
    for match in _REPEATED_WORD.finditer(line.content):
        first, second = match.group(1), match.group(2)
        lower = first.lower()
        if lower in _LEGIT_DOUBLES and not (
            lower == "that" and _next_word(line.content, match.end()) in _SUBJECTS
        ):
            continue
        if first[0].isupper() and second[0].isupper() and lower not in _FUNCTION_WORDS:
            continue  # a name: "Bora Bora", "Walla Walla"
        if len(first) > 1 and first.isupper() and not second.isupper():
            continue  # a heading run into its text: "LYMPHEDEMA lymphedema therapists"
        start, end = line.start + match.end(1), line.start + match.end(2)
        if any(s < end and start < e for s, e, _ in line.markup):
            continue
        found.append((start, end, second))
    return found


def _next_word(text: str, at: int) -> str:
    match = _WORD.search(text, at)
    return match.group().lower() if match else ""


def _line_cuts(lines: list[_Line]) -> list[tuple[int, int]]:
    """Whole-line deletions: the deleted lines, and the blank lines their removal leaves over.

    Between two kept lines with deleted lines between them, one run of blank lines stays: the
    shortest, and no longer than the text's usual separator between paragraphs (the commonest
    run where nothing was deleted). Blank lines before the first kept line and after the last
    one go too.
    """
    kept = [i for i, line in enumerate(lines) if not line.deleted and not line.blank]
    cuts = [(line.start, line.stop) for line in lines if line.deleted]
    if not kept:
        return [(lines[0].start, lines[-1].stop)] if lines else []
    edges = list(range(kept[0])) + list(range(kept[-1] + 1, len(lines)))
    cuts.extend((lines[i].start, lines[i].stop) for i in edges if not lines[i].deleted)
    usual = Counter(
        right - left - 1
        for left, right in pairwise(kept)
        if right - left > 1 and not any(lines[i].deleted for i in range(left + 1, right))
    )
    longest = usual.most_common(1)[0][0] if usual else 1
    for left, right in pairwise(kept):
        gap = range(left + 1, right)
        if not any(lines[i].deleted for i in gap):
            continue
        runs: list[list[int]] = [[]]
        for i in gap:
            if lines[i].deleted:
                runs.append([])
            else:
                runs[-1].append(i)
        runs = [run for run in runs if run]
        stays = min(runs, key=len) if runs else []
        cuts.extend((lines[i].start, lines[i].stop) for run in runs if run is not stays for i in run)
        cuts.extend((lines[i].start, lines[i].stop) for i in stays[longest:])
    return cuts


def _assemble(raw: str, cuts: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int, int]]]:
    """The raw text without `cuts`, and the segments mapping it back to the raw text."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    at = clean_at = 0
    for start, end in sorted(cuts):
        if start > at:
            pieces.append(raw[at:start])
            segments.append((clean_at, at, start - at))
            clean_at += start - at
        at = max(at, end)
    if at < len(raw):
        pieces.append(raw[at:])
        segments.append((clean_at, at, len(raw) - at))
    return "".join(pieces), segments


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _is_heading(paragraph: list[_Line], headline: str | None) -> bool:
    """A section heading: a short single line with no final punctuation, not the headline."""
    if len(paragraph) != 1:
        return False
    line = paragraph[0].visible.strip()
    return (
        line != headline
        and len(line) <= MAX_HEADING
        and len(line.split()) <= MAX_HEADING_WORDS
        and (line[0].isupper() or line[0].isdigit())
        and "@" not in line  # an address left under a removed "Email:" label
        and "://" not in line
        and _HEADING_END.search(line) is not None
    )


def _sections(text: str, segments: list[tuple[int, int, int]], headings: list[_Line]) -> list[Section]:
    """Sections from their headings: each runs from its heading to the last non-blank character
    before the next heading, or before the end of the text."""
    raw_starts = [seg[1] for seg in segments]
    starts = []
    for line in headings:
        # The heading's first visible character, or the next kept one if cleaning deleted it
        # (markup at the start of the line).
        raw_at = _visible_start(line)
        i = bisect_right(raw_starts, raw_at) - 1
        clean_start, raw_start, length = segments[i] if i >= 0 else (0, 0, 0)
        starts.append(clean_start + raw_at - raw_start if raw_at < raw_start + length else segments[i + 1][0])
    sections = []
    for n, start in enumerate(starts):
        heading = text[start : _line_end(text, start)].strip()
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        end = start + len(text[start:end].rstrip())
        sections.append(Section(heading=heading, start=start, end=end, stage=STAGE))
    return sections
