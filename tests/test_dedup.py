"""Deduplication: exact copies, syndicated near copies, and different stories kept apart."""

from __future__ import annotations

from newsgraph.article import Article
from newsgraph.dedup import Deduplicator, shingles

STORY = (
    "Repair crews restored electricity to most districts of Kharkiv by the morning of November 18, "
    "two days after the night attack on the city's power plant. The head of the city energy company, "
    "Viktor Lysenko, said that about 70 percent of the consumers have power again. Schools in the "
    "Saltivka district will stay closed until November 22, the city council announced. Residents say "
    "they are tired but not afraid, and many have bought generators for the winter."
)
SYNDICATED = (
    "KHARKIV POWER BACK FOR MOST\n\n" + STORY + "\n\nSubscribe to our channel for more news from the region."
)
OTHER_REPORT = (
    "Kharkiv's power plant was hit again on the night of November 16. Engineers from Lviv arrived to help "
    "the local crews, and the regional governor said that the hospitals in the north of Kharkiv would be "
    "reconnected first. Officials in Kyiv promised new transformers before the end of the month, while "
    "volunteers handed out warm clothes at the metro stations."
)


def article(text: str) -> Article:
    return Article.from_raw(text, as_is=True)


def test_an_exact_copy_is_one_story() -> None:
    dedup = Deduplicator()
    first = dedup.add(article(STORY))
    again = dedup.add(article(STORY))
    assert first.verdict == "new"
    assert again.verdict == "exact" and again.story == first.story
    assert len(dedup) == 1


def test_a_syndicated_copy_with_another_headline_and_footer_is_a_near_copy() -> None:
    dedup = Deduplicator()
    first = dedup.add(article(STORY))
    copy = dedup.add(article(SYNDICATED))
    assert copy.verdict == "near"
    assert copy.story == first.story
    assert 0.7 <= copy.similarity < 1.0
    # a copy of the copy belongs to the same story
    assert dedup.add(article(SYNDICATED)).story == first.story


def test_another_report_of_the_same_event_is_a_story_of_its_own() -> None:
    dedup = Deduplicator()
    dedup.add(article(STORY))
    other = dedup.add(article(OTHER_REPORT))
    assert other.verdict == "new"
    assert len(dedup) == 2


def test_empty_and_tiny_texts_do_not_break_it() -> None:
    dedup = Deduplicator()
    assert dedup.add(article("")).verdict == "new"
    assert dedup.add(article("Short.")).verdict == "new"
    assert dedup.add(article("Short.")).verdict == "exact"
    assert shingles("") == set()
