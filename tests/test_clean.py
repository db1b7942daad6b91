"""Cleaning: leftovers out by deletion only, the article's own sentences all kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.article import Article
from newsgraph.clean import clean

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article.txt"

HEADLINE = "Mayor of Chernihiv promises new shelters. Will the schools open in September?"
REWORDED = "The mayor of Chernihiv promised new shelters. Will schools open in September?"

# A scraped article in the seed's style (fictional people, real places) with every leftover kind.
DIRTY = """\
Mayor of Chernihiv promises new shelters. Will the schools open in September?

The mayor of Chernihiv promised new shelters. Will schools open in September?

The city council of Chernihiv approved a plan to build twelve new shelters near schools on Tuesday. \
Nobody replied to our question about the cost, and the council did not share the estimate.

Read also: How Sumy rebuilt its bridges

Money is the main problem

“We have the projects, but we do not have enough money. The help has not come yet,” said Oksana \
Hrytsenko, head of the Roads &amp; Schools committee.

Residents of the Novozavodskyi district say that that is not enough. The shelters near the market had \
had no repairs since March, and if If the council wants to to keep the children safe, the work must start now.

Workers repair a shelter near School No. 12 in Chernihiv. \
Photo: Andriy Melnyk, Chernihiv Today/t.me/chernihivtoday

What the experts say

< h4>Taras Bondarenko, urban planner:</h4>

– The shelters should be part of every new school project. Otherwise&nbsp; the city will pay twice. \
Share prices of building companies have nothing to do with it.

</p>

Share this:
Facebook Twitter Telegram

Leave a Reply

Your email address will not be published. Required fields are marked *

Previous post Kyiv opens a new metro station
Next post Farmers in Poltava expect a good harvest
"""

CLEAN = """\
Mayor of Chernihiv promises new shelters. Will the schools open in September?

The city council of Chernihiv approved a plan to build twelve new shelters near schools on Tuesday. \
Nobody replied to our question about the cost, and the council did not share the estimate.

Money is the main problem

“We have the projects, but we do not have enough money. The help has not come yet,” said Oksana \
Hrytsenko, head of the Roads & Schools committee.

Residents of the Novozavodskyi district say that that is not enough. The shelters near the market had \
had no repairs since March, and if the council wants to keep the children safe, the work must start now.

What the experts say

Taras Bondarenko, urban planner:

– The shelters should be part of every new school project. Otherwise the city will pay twice. \
Share prices of building companies have nothing to do with it.
"""

PROSE = (
    "The council of Vinnytsia met on Monday, and the mayor said the budget would be ready in a week.\n\n"
    "{line}\n\n"
    "The vote is planned for Friday, according to the agenda published by the council in Vinnytsia."
)


def run(article: Article) -> Article:
    returned = clean(article)
    assert returned is article
    return article


def cleaned(raw: str, **kwargs: object) -> Article:
    return run(Article.from_raw(raw, source="test", **kwargs))  # type: ignore[arg-type]


def assert_offsets_exact(article: Article) -> None:
    raw, text = article.raw, article.text
    assert all(text[i] == raw[article.raw_offset(i)] for i in range(len(text)))
    assert sum(length for _, _, length in article.raw_offsets) == len(text)
    for clean_start, raw_start, length in article.raw_offsets:
        assert text[clean_start : clean_start + length] == raw[raw_start : raw_start + length]


def test_dirty_article_gives_the_exact_clean_text() -> None:
    article = cleaned(DIRTY)
    assert article.text == CLEAN
    assert_offsets_exact(article)


def test_every_leftover_kind_is_recorded_where_it_stood() -> None:
    article = cleaned(DIRTY)
    kinds = {r.kind for r in article.removed}
    assert kinds == {"boilerplate", "duplicate_title", "caption", "markup", "repeated_word"}
    for r in article.removed:
        assert r.start is not None and r.stage == "clean.v2"
        assert DIRTY.startswith(r.text, r.start), r
    removed = {(r.kind, r.text) for r in article.removed}
    assert ("duplicate_title", REWORDED) in removed
    assert ("repeated_word", "If") in removed and ("repeated_word", "to") in removed
    assert {("markup", "< h4>"), ("markup", "</h4>"), ("markup", "</p>"), ("markup", "&nbsp;")} <= removed
    assert ("markup", "amp;") in removed  # "&amp;" keeps its "&"
    assert ("boilerplate", "Previous post Kyiv opens a new metro station") in removed


def test_title_comes_from_the_first_line_when_unknown() -> None:
    assert cleaned(DIRTY).title == HEADLINE
    assert cleaned(DIRTY, title="Shelters for Chernihiv").title == "Shelters for Chernihiv"


def test_caption_moves_out_with_its_credit() -> None:
    (caption,) = cleaned(DIRTY).captions
    assert caption.text == "Workers repair a shelter near School No. 12 in Chernihiv."
    assert caption.credit == "Andriy Melnyk, Chernihiv Today/t.me/chernihivtoday"
    assert caption.start == DIRTY.index("Workers repair")


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo: Olena Marchenko, Lviv Post", "Olena Marchenko, Lviv Post"),
        ("Photo by Olena Marchenko", "Olena Marchenko"),
        ("(AP Photo/Olena Marchenko)", "Olena Marchenko"),
        ("A tram in Lviv. (Photo: Olena Marchenko)", "Olena Marchenko"),
    ],
)
def test_caption_forms(line: str, credit: str) -> None:
    article = cleaned(PROSE.format(line=line))
    assert [c.credit for c in article.captions] == [credit]
    assert line not in article.text


def test_sections_run_from_heading_to_heading() -> None:
    article = cleaned(DIRTY)
    assert [s.heading for s in article.sections] == ["Money is the main problem", "What the experts say"]
    first, second = article.sections
    assert article.text[first.start : first.start + len(first.heading)] == first.heading
    assert article.text[first.end - len("start now.") : first.end] == "start now."
    assert second.end == len(article.text.rstrip())
    # A line introducing a block quote is not a heading.
    assert "Taras Bondarenko, urban planner:" not in [s.heading for s in article.sections]


@pytest.mark.parametrize(
    "line",
    [
        "Nobody replied to the letter, and the ministry would not share its plans.",
        "Share prices fell by three percent after the announcement",
        "Next week the council will vote on the plan",
        "Previous attempts have failed",
        "Next steps",
        "We use cookies as an example of tracking, the lawyer said.",
        "Subscribe to the idea that the war will end soon",
        "Read more about the shelters in our next issue",
        "See-through walls are a problem in the building",
        "Pictures by children from Kharkiv were shown at the exhibition",
        "Comments from the ministry were not available.",
        "Leave a reply on the form if you want, the clerk told the visitors.",
        "Photo exhibitions opened in Lviv and Odesa this week.",
    ],
)
def test_real_sentences_are_never_removed(line: str) -> None:
    article = cleaned(PROSE.format(line=line))
    assert article.text == PROSE.format(line=line)
    assert not article.removed


@pytest.mark.parametrize(
    "phrase", ["had had", "that that", "Bora Bora", "very very", "great great grandfather", "LVIV lviv"]
)
def test_legitimate_doubles_stay(phrase: str) -> None:
    raw = f"The report from Lviv says {phrase} in this sentence, the editor noted."
    assert cleaned(raw).text == raw


def test_blank_lines_collapse_to_one_separator() -> None:
    raw = "First paragraph of prose.\n\nLeave a Reply\n\n\nShare\n\nSecond paragraph of prose.\n"
    assert cleaned(raw).text == "First paragraph of prose.\n\nSecond paragraph of prose.\n"


def test_windows_line_breaks_are_kept_and_cleaned_alike() -> None:
    article = cleaned(DIRTY.replace("\n", "\r\n"))
    assert article.text == CLEAN.replace("\n", "\r\n")
    assert_offsets_exact(article)


def test_as_is_is_left_alone() -> None:
    article = cleaned(DIRTY, as_is=True)
    assert article.text == DIRTY
    assert not article.removed and not article.captions and not article.sections


def test_cleaning_twice_from_raw_gives_the_same_record() -> None:
    article = cleaned(DIRTY)
    first = article.to_dict()
    assert run(article).to_dict() == first


_PIECES = st.sampled_from(
    [
        "Leave a Reply",
        "Share",
        "Photo: Ivan Petrov",
        "Read also: Kyiv",
        "if If",
        "the the",
        "< h4>",
        "</p>",
        "&nbsp;",
        "&amp;",
        "<!-- x -->",
        "Expert Opinion",
        "Next post Lviv",
        "Kharkiv",
        "word.",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "“",
        ":",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join))
def test_cleaning_never_invents_characters(raw: str) -> None:
    article = cleaned(raw)
    assert_offsets_exact(article)
    starts = [seg[1] for seg in article.raw_offsets]
    assert starts == sorted(starts)
    for section in article.sections:
        assert 0 <= section.start <= section.end <= len(article.text)


@pytest.mark.shared
def test_seed_article_is_cleaned() -> None:
    if not SEED.parent.parent.is_dir():
        pytest.skip(f"needs the shared folder at {SEED.parent.parent} (seed article); it is absent")
    raw = SEED.read_text(encoding="utf-8")
    article = cleaned(raw)
    text = article.text
    assert "Leave a Reply" not in text
    assert "Your email address" not in text
    assert not any(line.startswith(("Previous post", "Next post")) for line in text.splitlines())
    assert "Will they show where the attack was prepared from?" not in text
    assert text.startswith("Putin goes to Lukashenka. Will they show where the attack was coming from?")
    assert article.title == "Putin goes to Lukashenka. Will they show where the attack was coming from?"
    assert "< h4>" not in text and "if If" not in text
    assert [c.credit for c in article.captions] == ["Ruslan Guk, Vayar/t.me/modmilby"]
    assert article.captions[0].text.startswith("Military exercises on the border of Belarus")
    assert "Photo:" not in text
    assert "Expert Opinion" in [s.heading for s in article.sections]
    assert "Vladimir Fesenko, political scientist:" in text
    # Every real paragraph is still there, but for the one repeated word.
    leftovers = (
        "Putin is going to Lukashenka.",
        "Military exercises on the border",
        "Leave a Reply",
        "Your email",
        "Previous post",
    )
    for paragraph in raw.split("\n\n"):
        paragraph = paragraph.strip().replace("< h4>", "").replace("if If", "if")
        if paragraph and not paragraph.startswith(leftovers):
            assert paragraph in text, paragraph[:60]
    assert_offsets_exact(article)


# Rules added with the labelled set in tests/data/cleaning (issue 3); each case here is a variant of
# one labelled there, reworded, so the rule is pinned apart from the set.


def test_headline_repeated_on_the_line_under_it_goes() -> None:
    raw = (
        "Sumy region restored 40 bridges destroyed in the war\n"
        "40 bridges destroyed in the war were restored in the Sumy region\n\n"
        "The road services of the Sumy region restored 40 of the 78 bridges, the administration said.\n"
    )
    article = cleaned(raw)
    assert article.text == (
        "Sumy region restored 40 bridges destroyed in the war\n\n"
        "The road services of the Sumy region restored 40 of the 78 bridges, the administration said.\n"
    )
    assert [(r.kind, r.text) for r in article.removed] == [
        ("duplicate_title", "40 bridges destroyed in the war were restored in the Sumy region")
    ]
    assert article.title == "Sumy region restored 40 bridges destroyed in the war"
    assert_offsets_exact(article)


@pytest.mark.parametrize(
    "second",
    [
        "Officials in Lutsk say the hospital got a new tomograph from the regional budget.",  # a lede
        "The first patients will be examined next week",  # a subtitle
    ],
)
def test_a_second_line_that_is_not_the_headline_stays(second: str) -> None:
    raw = f"Lutsk hospital gets a new tomograph\n{second}\n\nThe hospital in Lutsk got the tomograph.\n"
    article = cleaned(raw)
    assert article.text == raw
    assert not article.removed


@pytest.mark.parametrize(
    "listing",
    [
        "Read more:\nIn Mukachevo, displaced people get jobs\nZakarpattia receives aid from Slovakia",
        "Related news:\nThe IAEA head will visit Kyiv next week",
        "Read also:\n\nThe Khmelnytskyi NPP will build two new units",
    ],
)
def test_titles_listed_under_a_pointer_line_go(listing: str) -> None:
    article = cleaned(PROSE.format(line=listing))
    assert article.text == PROSE.format(line="").replace("\n\n\n\n", "\n\n")
    assert all(r.kind == "boilerplate" for r in article.removed)
    assert_offsets_exact(article)


def test_a_sentence_under_a_pointer_line_stays() -> None:
    article = cleaned(PROSE.format(line="Read more:\nThe council in Vinnytsia published the plan on Monday."))
    assert "The council in Vinnytsia published the plan on Monday." in article.text
    assert "Read more:" not in article.text


@pytest.mark.parametrize(
    "banner",
    [
        "We use cookies to improve your experience on our website.\nCookie settings\nAccept",
        "This site uses cookies. By continuing to use the site, you agree to their use.\nI agree",
        "Leave a Reply\nComment *\nName *\nEmail *\nWebsite",
    ],
)
def test_buttons_and_labels_of_a_removed_banner_or_form_go(banner: str) -> None:
    article = cleaned(PROSE.format(line=banner))
    assert article.text == PROSE.format(line="").replace("\n\n\n\n", "\n\n")


@pytest.mark.parametrize("line", ["Accept", "Website", "I agree"])
def test_a_button_word_alone_stays(line: str) -> None:
    assert cleaned(PROSE.format(line=line)).text == PROSE.format(line=line)


@pytest.mark.parametrize(
    ("paragraph", "kept", "credit", "text"),
    [
        # a whole caption line after a line of prose: the prose stays
        (
            "The ministry says the prices are under control.\nThe market in Minsk. Photo: Belsat",
            "The ministry says the prices are under control.",
            "Belsat",
            "The market in Minsk.",
        ),
        # the credit on its own line, after or before the caption's text
        (
            "A woman near her house in Irpin.\nPhoto: Roman Hutsuliak",
            "",
            "Roman Hutsuliak",
            "A woman near her house in Irpin.",
        ),
        (
            "The passage on Sobornyi Avenue\nPhoto: City Administration",
            "",
            "City Administration",
            "The passage on Sobornyi Avenue",
        ),
        (
            "Photo: Dnipro Today\nThe blast furnace in Kamianske.",
            "",
            "Dnipro Today",
            "The blast furnace in Kamianske.",
        ),
        # a bracketed credit after text with no final stop
        (
            "Pupils at the lesson in Uzhhorod (Photo: Ivan Fedak)",
            "",
            "Ivan Fedak",
            "Pupils at the lesson in Uzhhorod",
        ),
    ],
)
def test_caption_lines_and_credit_lines(paragraph: str, kept: str, credit: str, text: str) -> None:
    article = cleaned(PROSE.format(line=paragraph))
    expected = PROSE.format(line=kept) if kept else PROSE.format(line="").replace("\n\n\n\n", "\n\n")
    assert article.text == expected
    (caption,) = article.captions
    assert caption.credit == credit
    assert caption.text == text
    if not kept:
        assert caption.start == PROSE.index("{line}")
    assert_offsets_exact(article)


@pytest.mark.parametrize(
    ("dirty", "clean_"),
    [
        ("He says that that the new place is too far.", "He says that the new place is too far."),
        ("She said that that it was too late.", "She said that it was too late."),
        ("He said that that decision was wrong.", "He said that that decision was wrong."),
        ("He says that that is why the price rose.", "He says that that is why the price rose."),
    ],
)
def test_that_that_is_a_slip_only_before_a_subject(dirty: str, clean_: str) -> None:
    assert cleaned(dirty).text == clean_


@pytest.mark.parametrize(
    ("dirty", "clean_"),
    [
        ("The council announced the plan. </p>\n", "The council announced the plan.\n"),
        ("<p> The council announced the plan.\n", "The council announced the plan.\n"),
        ("The council <br> announced the plan.\n", "The council announced the plan.\n"),
        ("<p>&nbsp;</p>\nThe council announced the plan.\n", "The council announced the plan.\n"),
        ("The council&nbsp;announced the plan.\n", "The council&nbsp;announced the plan.\n"),
    ],
)
def test_markup_goes_with_the_space_it_leaves(dirty: str, clean_: str) -> None:
    article = cleaned(dirty)
    assert article.text == clean_
    assert_offsets_exact(article)


def test_separator_left_by_a_removal_is_the_texts_usual_one() -> None:
    raw = "First paragraph.\n\nSecond paragraph.\n\n\nRead also: Kyiv\n\n\nThird paragraph.\n"
    assert cleaned(raw).text == "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"
    spaced = "First paragraph.\n\n\nSecond paragraph.\n\n\nShare\n\n\nThird paragraph.\n"
    assert cleaned(spaced).text == "First paragraph.\n\n\nSecond paragraph.\n\n\nThird paragraph.\n"


@pytest.mark.parametrize(
    "line",
    [
        "Please enter your comment!",
        "You must be logged in to post a comment.",
        "Join our Facebook page to follow the latest news from the region",
        "Share on:",
        "Read also How Sumy rebuilt its bridges",
    ],
)
def test_more_boilerplate_lines(line: str) -> None:
    article = cleaned(PROSE.format(line=line))
    assert [(r.kind, r.text) for r in article.removed] == [("boilerplate", line)]


@pytest.mark.parametrize(
    "line",
    [
        "Read also the ministry's statement, the spokesman urged.",
        "Join our fight, the mayor wrote on his Facebook page.",
        "Subscribe to our channel, the blogger urged his readers.",
        "Reply from the ministry came only in August.",
        "Photo and video recording in the shelters is forbidden, the administration warns.",
        "Continue reading the names, the organizers asked the visitors.",
        "She said she would not leave a reply unanswered.",
    ],
)
def test_more_real_sentences_are_never_removed(line: str) -> None:
    article = cleaned(PROSE.format(line=line))
    assert article.text == PROSE.format(line=line)
    assert not article.removed


def test_an_address_under_a_removed_label_is_not_a_heading() -> None:
    article = cleaned(PROSE.format(line="Email:\nolena.marchenko@example.org"))
    assert "olena.marchenko@example.org" in article.text
    assert not article.sections
