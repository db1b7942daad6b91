"""The quotes stage: every form of quote attributed to the right speaker; the seed; PolNeAR dev gates.

The articles below are written for these tests: the people are fictional, the places real.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED, scores
from newsgraph.analyze.attribution import find_quotations
from newsgraph.article import Article, Quote
from newsgraph.pipeline import Pipeline

_PIPELINE: Pipeline | None = None


def quotes(text: str) -> list[Quote]:
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = Pipeline.build(["parse", "entities", "roles", "quotes"], on_error="raise")
    article = _PIPELINE(Article.from_raw(text, as_is=True))
    for q in article.quotes:
        assert article.text[q.start : q.end] == q.text
        if q.speaker is not None and q.speaker.start is not None:
            assert q.speaker.end is not None and 0 <= q.speaker.start < q.speaker.end <= len(text)
    assert [q.id for q in article.quotes] == [f"q{i}" for i in range(1, len(article.quotes) + 1)]
    return article.quotes


def one(text: str) -> Quote:
    found = quotes(text)
    assert len(found) == 1, [(q.kind, q.text) for q in found]
    return found[0]


def written(text: str, q: Quote) -> str:
    """The speaker mention as the text writes it."""
    assert q.speaker is not None and q.speaker.start is not None and q.speaker.end is not None
    return text[q.speaker.start : q.speaker.end]


# --- quotation marks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “yes” and left.", ["“yes”"]),
        ('He said "it is a "farce" indeed," and left.', ['"it is a "farce" indeed,"']),
        (
            "«Odesa is ready», and „we stay”, and „wir bleiben“.",
            ["«Odesa is ready»", "„we stay”", "„wir bleiben“"],
        ),
        ("''Hopefully,'' the mayor said.", ["''Hopefully,''"]),
        ("“One paragraph.\n\n“And the next,” she said.", ["“One paragraph.\n\n“And the next,”"]),
        ("“Never closed.\n\nA new paragraph “here” ends it.", ["“Never closed.", "“here”"]),
        # a paragraph opening on ” and a space: it opens when the paragraph closes it
        ("Koval spoke.\n\n” … and the pier,” he said.", ["” … and the pier,”"]),
        ("“She left\n” and no one saw her.", ["“She left"]),
        # a bidi mark pasted before a Swedish-style ” that opens: read past it
        ("\u202a”Sorry, Marta, you were right!” posted Ivan.", ["”Sorry, Marta, you were right!”"]),
        ("“One paragraph.\n\n\u200b“And the next,” she said.", ["“One paragraph.\n\n\u200b“And the next,”"]),
    ],
)
def test_quotation_marks_pair_up(text: str, expected: list[str]) -> None:
    assert [text[q.start : q.end] for q in find_quotations(text)] == expected


def test_nested_marks_of_the_same_glyph_balance() -> None:
    text = "“All the mayor's “power” rests on the port,” Hrytsenko notes."
    (q,) = find_quotations(text)
    assert text[q.start : q.end] == "“All the mayor's “power” rests on the port,”"
    assert [text[s:e] for s, e in q.nested] == ["“power”"]


@given(st.text(alphabet=st.sampled_from(list("ab .,:\n“”„«»\"'")), max_size=80))
def test_quotations_are_ordered_disjoint_and_open_on_a_mark(text: str) -> None:
    previous_end = 0
    for q in find_quotations(text):
        assert previous_end <= q.start < q.end <= len(text)
        assert text[q.start] in "“”„«»\"'"
        assert all(q.start <= s < e <= q.end for s, e in q.nested)
        previous_end = q.end


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=30), st.integers(0, 260))
def test_the_index_of_found_quotes_finds_every_overlap(spans: list[tuple[int, int]], at: int) -> None:
    from newsgraph.analyze.quotes import _Found, _FoundIndex

    index = _FoundIndex()
    found = [_Found(s, s + n, "direct", None, None) for s, n in spans]
    for f in found:
        index.add(f)
    if found:
        index.extend(found[0], found[0].end + 50)
    expected = [f for f in found if f.start < at + 10 and at < f.end]
    assert sorted(map(id, index.overlapping(at, at + 10))) == sorted(map(id, expected))


def test_empty_and_markless_texts() -> None:
    assert find_quotations("") == []
    assert quotes("") == []
    assert quotes("“") == []


# --- direct quotes --------------------------------------------------------------------------------


def test_speaker_after_the_quote_with_apposition() -> None:
    text = (
        "The council met in Lviv on Monday. “The bridge over the Poltva will reopen next week,” "
        "said Andriy Koval, spokesman for the city council."
    )
    q = one(text)
    assert (q.kind, q.text) == ("direct", "“The bridge over the Poltva will reopen next week,”")
    assert q.speaker is not None and q.speaker.name == "Andriy Koval" and q.speaker.entity is not None
    assert q.cue is not None and q.cue.text == "said"


def test_speaker_before_the_quote_with_a_colon() -> None:
    text = "Olena Kovalenko, a historian from Kamianets, said: “The fortress has stood here for centuries.”"
    q = one(text)
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Olena Kovalenko"


@pytest.mark.parametrize(
    "lead_in",
    [
        # the verb before the colon with a longer object of its own
        "He also played up his strength in the vote in Odesa:",
        # "he's said": the parse reads "'s" as "is", a passive, but the verb has an object
        "Last year, he's said the same thing at every stop:",
        # a double hyphen introduces as a dash does
        "He also embraced tougher port checks --",
    ],
)
def test_a_sentence_introducing_a_quotation_with_a_colon_speaks_it(lead_in: str) -> None:
    text = f"Ivan Koval ran for mayor of Lviv. {lead_in} “Who gives us the best chance? I know that I do.”"
    direct = [q for q in quotes(text) if q.kind == "direct"]
    assert [(q.text, q.speaker and q.speaker.name) for q in direct] == [
        ("“Who gives us the best chance? I know that I do.”", "Ivan Koval")
    ]


def test_speaker_named_after_the_quote_believes() -> None:
    q = one(
        "“The river port in Kherson will not work before winter,” military expert Mykola Shevchuk believes."
    )
    assert q.speaker is not None and q.speaker.name == "Mykola Shevchuk"
    assert q.cue is not None and q.cue.text == "believes"


def test_a_quote_split_by_its_attribution_is_one_quote_of_a_pronoun() -> None:
    text = (
        "Ivan Hrytsenko, a farmer near Poltava, lost his harvest. “We expected rain in April,” he said. "
        "“Instead we got frost, and half the crop is gone.”"
    )
    q = one(text)
    assert q.text.startswith("“We expected rain") and q.text.endswith("half the crop is gone.”")
    assert written(text, q) == "he"
    assert q.speaker is not None and q.speaker.name == "Ivan Hrytsenko"


def test_a_quote_split_by_a_short_attribution_in_mid_sentence_goes_on_past_a_later_cue() -> None:
    text = (
        "“In breaking news,” Roman Kuzmenko tweeted last January, “the mayor of Dnipro endorses himself,” "
        "after the city spokesman Petro Lytvyn tweeted his praise."
    )
    found = [q for q in quotes(text) if q.kind == "direct"]
    assert len(found) == 1 and found[0].text.endswith("endorses himself,”")
    assert found[0].speaker is not None and found[0].speaker.name == "Roman Kuzmenko"


def test_a_split_quote_goes_on_past_a_title_in_its_attribution() -> None:
    text = (
        "“The ferries run on time,” Taras Bondar said on “Morning Odesa.” "
        "“The bridge over the Dniester is another story.”"
    )
    q = one(text)
    assert q.kind == "direct" and q.text == text
    assert q.speaker is not None and q.speaker.name == "Taras Bondar"


def test_a_split_quote_goes_on_past_a_military_title() -> None:
    text = (
        "“The bridge at Kupiansk held through the night,” said Army Sgt. Maj. Denys Hnatiuk. "
        "“We crossed it at dawn.”"
    )
    q = one(text)
    assert q.kind == "direct" and q.text == text
    assert q.speaker is not None and q.speaker.name == "Denys Hnatiuk"


def test_an_attribution_set_off_inside_a_clause_that_runs_into_a_quotation_reports_it() -> None:
    text = (
        "Oksana Melnyk runs the grain depot in Vylkove. For the fishermen of the delta, she said, "
        "the new rules “mean another winter without work.”"
    )
    q = one(text)
    assert q.kind == "mixed" and q.text.startswith("For the fishermen of the delta, she said, the new")
    assert q.text.endswith("without work.”")
    assert q.speaker is not None and q.speaker.name == "Oksana Melnyk"


def test_a_pronoun_after_a_quotation_is_not_the_person_the_quotation_names() -> None:
    text = "Olena Bondar spoke in Lviv on Monday. “Ivan Melnyk is a liar,” she said."
    q = one(text)
    assert written(text, q) == "she"
    assert q.speaker is not None and q.speaker.name == "Olena Bondar"


def test_a_verb_after_a_quotation_but_not_right_after_it_has_no_inverted_subject() -> None:
    text = (
        "Petro Kravets said he would wait. “We will decide after the harvest” before naming a price, he said."
    )
    q = next(q for q in quotes(text) if q.kind in ("direct", "mixed"))
    assert q.text == "“We will decide after the harvest” before naming a price"
    assert q.speaker is not None and q.speaker.name == "Petro Kravets"


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # an as-clause with a speech verb reports the clause it hangs on
        (
            "Taras Bondar edits the Lviv Gazette. As the Lviv Gazette reported, the former mayor "
            "“gave the school a new roof” last spring.",
            "the former mayor “gave the school a new roof” last spring",
            "Lviv Gazette",
        ),
        (
            "The ferry will sail again in May, as Olena Bondar said on Monday in Odesa.",
            "The ferry will sail again in May",
            "Olena Bondar",
        ),
        # an opening "according to" phrase ends at the comma after its source, even where the
        # parse hangs the whole clause on the source
        (
            "According to radio host Taras Bondar, the move reeks of “fear” and desperation.",
            "the move reeks of “fear” and desperation",
            "Taras Bondar",
        ),
        (
            "According to the mayor of Lviv, Oksana Lytvyn, the tram will run again in May.",
            "the tram will run again in May",
            "Oksana Lytvyn",
        ),
        # whom a verb moves to act speaks for the act
        (
            'That prompted Koval to make a joke about yoga and call Bondar "very flexible," to laughter.',
            'Bondar "very flexible,"',
            "Koval",
        ),
        # a participle at one point in a clause speaks for the clause's subject
        (
            "Mayor Lytvyn clashed with the council over the budget in Odesa, at one point calling the "
            'treasurer a "liar" who was not "honorable."',
            'the treasurer a "liar" who was not "honorable."',
            "Lytvyn",
        ),
        # an unnamed source stays unnamed: not the place the parse hangs its relative clause on,
        # whose verb is no cue while the sentence has another
        (
            "“Nobody knows,” a senior official in Kyiv, who spoke on condition of anonymity, told "
            "the agency.",
            "“Nobody knows,”",
            "a senior official in Kyiv",
        ),
        # verbs of war and crisis reporting that PolNeAR's US election news rarely uses
        (
            "Analysts at the Odesa Institute assess that Russian forces are regrouping near Kupiansk.",
            "that Russian forces are regrouping near Kupiansk",
            "Analysts at the Odesa Institute",
        ),
        (
            "Taras Lytvyn reiterated in Lviv that the border crossing would stay open.",
            "that the border crossing would stay open",
            "Taras Lytvyn",
        ),
        # a name the parse hangs on the place of a description is the description's
        (
            "The mayor of Lviv, Olena Bondar, stressed that “the city is ready for any scenario.”",
            "that “the city is ready for any scenario.”",
            "Olena Bondar",
        ),
        # a sentence opening on someone's opinion or words is theirs
        (
            "Olena Bondar is an analyst in Kyiv. In her opinion, the attack was aimed at the grid.",
            "the attack was aimed at the grid",
            "Olena Bondar",
        ),
        (
            "Ivan Koval runs the port of Odesa.\n\nIn Koval’s words, the port “will never be the same.”",
            "the port “will never be the same.”",
            "Ivan Koval",
        ),
        # a participle set off by commas tells how the subject spoke; it reports nothing itself
        (
            "Bondar, speaking on Radio Odesa, called Koval a “blowhard,” and left.",
            "Koval a “blowhard,”",
            "Bondar",
        ),
        # "went on to say", which the parse may read as a clause of purpose
        (
            "Taras Bondar went on to add that the port in Odesa “will reopen in May.”",
            "that the port in Odesa “will reopen in May.”",
            "Taras Bondar",
        ),
        # British spellings of the lexicon's -ize verbs
        (
            "Oksana Lytvyn apologised for “the long delay” at the border near Lviv.",
            "“the long delay” at the border near Lviv",
            "Oksana Lytvyn",
        ),
        (
            "Ivan Koval recognised in Kyiv that the ferry would not run in May.",
            "that the ferry would not run in May",
            "Ivan Koval",
        ),
    ],
)
def test_one_quote_its_content_and_its_speaker(text: str, content: str, speaker: str) -> None:
    q = one(text)
    assert q.text == content
    assert q.speaker is not None and q.speaker.name == speaker


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Asked whether Koval “has the integrity to serve as mayor,” 75 percent of voters in Odesa "
            "said yes.",
            "whether Koval “has the integrity to serve as mayor,”",
            None,
        ),
        (
            "Asked if she believed the port would reopen, Oksana Bondar said she was not going to guess.",
            "if she believed the port would reopen",
            None,
        ),
        (
            "Ivan Koval interviewed Oksana Bondar in Lviv. Asked by Koval if the mayor “gets” race, "
            "Bondar avoided a declarative answer.",
            "if the mayor “gets” race",
            "Ivan Koval",
        ),
    ],
)
def test_an_opening_asked_is_asked_by_whom_by_names_or_by_no_one_named(
    text: str, content: str, speaker: str | None
) -> None:
    # not by the one who answers: the subject of the clause "asked" hangs on
    (asked,) = [q for q in quotes(text) if q.cue is not None and q.cue.text == "Asked"]
    assert asked.text == content
    assert (asked.speaker and asked.speaker.name) == speaker


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        # a participle after a quotation does not invert: what it refers to is no speaker
        (
            "When Ivan Koval suggested that Lviv would sue the port, Olena Bondar fired back: “If they "
            "sue us in a court in Odesa, they’re going to lose,” referencing the large number of sailors "
            "in the region.",
            "referencing",
            "Olena Bondar",
        ),
        # "before claiming" hung by the parse inside the clause the speech verb reports
        (
            "Oksana Lytvyn said the council’s deadlock has “kept us safe” on Twitter before claiming "
            "that open borders are “tearing families apart.”",
            "claiming",
            "Oksana Lytvyn",
        ),
        # "asked" after its quotation: the one after it asks, even where the parse made them its
        # object, or hung the question's "Is" on the verb as a passive
        ("The council met in Odesa.\n\n“Why now?” asked Olena Bondar.", "asked", "Olena Bondar"),
        ("The council met in Odesa.\n\n“Why now?” asked the mayor.", "asked", "the mayor"),
        ("“Is the ferry running?” asked Taras Bondar, who had waited an hour.", "asked", "Taras Bondar"),
        ("“Why now?” Ivan Koval asked Olena Bondar in Odesa.", "asked", "Ivan Koval"),
        # a participle set off by a comma and hung by the parse on a name (the verb between missed)
        (
            "Olena Bondar, the legendary environmental activist and lawyer, endorsed Lukas’ approach "
            "Saturday, saying she hadn’t yet called for the mayor’s resignation because she believed "
            "“we need to focus all of our energy on helping the people of Odesa.”",
            "saying",
            "Olena Bondar",
        ),
        # a name before a party and state speaks, whatever the parse made of it (here: an object)
        (
            "Asked about the flyer, which was compared to the Star of David, Speaker of the House Rep. "
            "Taras Bondar (R-Ohio) said “such images, they’ve got no place in a presidential campaign.”",
            "said",
            "Taras Bondar",
        ),
    ],
)
def test_the_speaker_is_not_a_noun_the_parse_puts_in_its_place(text: str, cue: str, speaker: str) -> None:
    (q,) = [q for q in quotes(text) if q.cue is not None and q.cue.text == cue]
    assert q.speaker is not None and q.speaker.name == speaker


def test_an_unnamed_source_with_a_clause_after_it_is_not_the_name_inside_it() -> None:
    text = "“The plan is dead,” said a longtime adviser to Ivan Koval, who declined to be identified."
    speakers = {q.text: q.speaker and q.speaker.name for q in quotes(text)}
    # the clause set off by a comma is no part of the description; "who" is the adviser, not Koval
    assert speakers == {
        "“The plan is dead,”": "a longtime adviser to Ivan Koval",
        "to be identified": "a longtime adviser to Ivan Koval",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what someone else says against it is no part of the content
        (
            "Ivan Koval said the port would reopen in May, while Olena Bondar insisted it would stay shut.",
            {"the port would reopen in May": "Ivan Koval", "it would stay shut": "Olena Bondar"},
        ),
        # a participle the parse joins to the reported clause ("and arguing" on "was stalled,"
        # inside what "saying" reports) is the reporter's, and ends the first content
        (
            "Ivan Koval pushed back on those claims on Thursday, saying that the bill had the right "
            "safeguards but was stalled by mistrust in Lviv - and arguing that he and Olena Bondar "
            "shared “almost all the same views.”",
            {
                "that the bill had the right safeguards but was stalled by mistrust in Lviv": "Ivan Koval",
                "that he and Olena Bondar shared “almost all the same views.”": "Ivan Koval",
            },
        ),
        # a quoted phrase inside what someone else says is that speaker's account: no quote of its own
        (
            "Olena Bondar said Ivan Koval told the council in Odesa that the port is “closed for good.”",
            {"Ivan Koval told the council in Odesa that the port is “closed for good.”": "Olena Bondar"},
        ),
        # so is "but added", which the parse hangs on "takes", inside what "said" reports
        (
            "Taras Bondar said in politics it takes time to build ties but added, “I back the mayor.”",
            {"it takes time to build ties": "Taras Bondar", "“I back the mayor.”": "Taras Bondar"},
        ),
    ],
)
def test_each_content_goes_to_its_own_speaker(text: str, expected: dict[str, str]) -> None:
    assert {q.text: q.speaker and q.speaker.name for q in quotes(text)} == expected


def test_dialogue_between_dashes_is_quoted_with_the_attribution_after_the_second() -> None:
    text = (
        "Ivan Koval met reporters in Odesa.\n\n"
        "— Will the port reopen?\n\n"
        "— Yes, in May, — Koval replied.\n\n"
        "– We will rebuild everything! – said Olena Bondar.\n\n"
        "– The bridge is another matter – it will take years."
    )
    found = [(q.kind, q.text, q.speaker and q.speaker.name) for q in quotes(text)]
    # the question has no one to attribute it to; a dash inside a sentence is no attribution
    assert found == [
        ("direct", "Yes, in May", "Ivan Koval"),
        ("direct", "We will rebuild everything!", "Olena Bondar"),
    ]


def test_a_description_naming_another_place_is_not_the_person_described_for_one() -> None:
    text = (
        "Olena Bondar, the mayor of Lviv, spoke on Monday.\n\n"
        "“We will not stop,” the mayor of Odesa said.\n\n"
        "“We will go on,” the mayor of Lviv said."
    )
    assert [(q.text, q.speaker and q.speaker.name) for q in quotes(text)] == [
        ("“We will not stop,”", "the mayor of Odesa"),
        ("“We will go on,”", "Olena Bondar"),
    ]


def test_invisible_marks_before_a_quotation_change_nothing() -> None:
    # comments pasted from a social network, each opening with a bidi mark and a ” that opens
    text = (
        "Oksana Koval wrote about the pier in Odesa.\n\n"
        "\u202a”Sorry, Oksana, you were right!” posted Ivan Bondar.\n\n"
        "\u200b”The pier is closed again,” wrote Marta Lysenko."
    )
    found = [(q.kind, q.text, q.speaker and q.speaker.name) for q in quotes(text) if q.kind != "indirect"]
    assert found == [
        ("direct", "”Sorry, Oksana, you were right!”", "Ivan Bondar"),
        ("direct", "”The pier is closed again,”", "Marta Lysenko"),
    ]


def test_an_as_clause_saying_when_reports_nothing() -> None:
    assert not quotes("As Olena Bondar spoke in Odesa, the ferry left the port.")


def test_a_quotation_going_on_with_a_sentence_its_attribution_interrupts_is_one_mixed_quote() -> None:
    text = "Olena Bondar grows apricots near Uzhhorod. The late frost, she said, “cost us half the harvest.”"
    q = one(text)
    assert q.kind == "mixed"
    assert q.text == "The late frost, she said, “cost us half the harvest.”"
    assert q.speaker is not None and q.speaker.name == "Olena Bondar"


def test_a_quotation_opening_in_capitals_after_an_interrupted_lead_in_is_its_own() -> None:
    text = "Olena Bondar runs a bank in Lviv. On the subject of loans, Bondar added, “Nobody lends more.”"
    q = one(text)
    assert q.kind == "direct" and q.text == "“Nobody lends more.”"


def test_reported_words_run_on_through_a_quoted_phrase_linked_to_the_next() -> None:
    text = "Olena Bondar said the aim was not to “make Izmail rich again” but to “make Izmail safe again.”"
    q = one(text)
    assert q.kind == "mixed"
    assert q.text == "the aim was not to “make Izmail rich again” but to “make Izmail safe again.”"


def test_a_fronted_quote_is_attributed_past_a_relative_clause_on_its_speaker() -> None:
    text = (
        "Kravets “knows every ferry captain on the Danube, and I think that matters more than anything,” "
        "said Oleh Savchuk, whose home village of Vylkove sits where the river meets the sea. "
        "“He has earned their trust.”"
    )
    q = one(text)
    assert q.kind == "mixed" and q.text == text
    assert q.speaker is not None and q.speaker.name == "Oleh Savchuk"


def test_words_going_on_from_a_quotation_to_its_attribution_are_part_of_the_quote() -> None:
    text = (
        "Olena Bondar leads the Lviv nurses' union. “We are relieved” by the court's ruling, said "
        "Olena Bondar, the union's director."
    )
    q = one(text)
    assert q.kind == "mixed" and q.text == "“We are relieved” by the court's ruling"
    assert q.speaker is not None and q.speaker.name == "Olena Bondar"


def test_an_attribution_right_after_a_quotation_leaves_the_quotation_alone() -> None:
    text = "Olena Bondar leads the Lviv nurses' union. “We are relieved” she said about the ruling."
    q = one(text)
    assert q.kind == "direct" and q.text == "“We are relieved”"


def test_a_name_inside_a_description_set_off_before_the_verb_is_not_the_speaker() -> None:
    text = "Oleh Savchuk, a Bondar ally, called the city’s budget “honest.”"
    q = one(text)
    assert q.speaker is not None and q.speaker.name == "Oleh Savchuk"


def test_an_interrupting_attribution_may_name_whom_it_was_told() -> None:
    text = "Olena Bondar runs a bank in Lviv. Next spring, she told reporters, “we open in Drohobych.”"
    q = one(text)
    assert q.kind == "mixed" and q.text == "Next spring, she told reporters, “we open in Drohobych.”"
    assert q.speaker is not None and q.speaker.name == "Olena Bondar"


def test_a_that_clause_after_the_attribution_goes_on_with_the_quote() -> None:
    text = (
        "Oleh Sami runs the ferry in Izmail. “It was simply bad timing,” he said, that both engines "
        "failed in the same week."
    )
    q = one(text)
    assert q.kind == "mixed"
    assert q.text == "“It was simply bad timing,” he said, that both engines failed in the same week"
    assert q.speaker is not None and q.speaker.name == "Oleh Sami"


@pytest.mark.parametrize("lead", ["It is “the third time this month.”", "Instead, “it is the third time.”"])
def test_a_short_sentence_closed_by_a_quotation_after_the_attribution_goes_on_with_the_quote(
    lead: str,
) -> None:
    text = f"Olena Hrytsak runs the ferry office in Izmail. “The ferry is late again,” she says. {lead}"
    q = one(text)
    assert q.kind == "mixed"
    assert q.text == f"“The ferry is late again,” she says. {lead}"
    assert q.speaker is not None and q.speaker.name == "Olena Hrytsak"


def test_a_sentence_after_the_attribution_with_a_speaker_of_its_own_is_not_joined() -> None:
    text = (
        "Olena Hrytsak runs the ferry office in Izmail. “The ferry is late again,” she says. "
        "Ivan Petrenko, the captain, said it was “unavoidable.”"
    )
    found = quotes(text)
    assert [q.text for q in found if q.kind == "direct"] == ["“The ferry is late again,”"]


def test_a_clause_leading_into_the_next_quotation_attributes_that_one() -> None:
    text = (
        "Halyna Rudenko runs the ferry office in Izmail. “The port will open in May.” Asked about the "
        "delay, Olena Marchuk replied, “We are ready for the first ships.”"
    )
    found = [q for q in quotes(text) if q.kind == "direct"]
    ready = next(q for q in found if "ready" in q.text)
    assert ready.text == "“We are ready for the first ships.”"
    assert ready.speaker is not None and ready.speaker.name == "Olena Marchuk"
    assert ready.cue is not None and ready.cue.text == "replied"
    # The clause after the first quotation is not its attribution.
    assert not any(q.speaker and q.speaker.name == "Olena Marchuk" for q in found if "May" in q.text)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        (
            "Mykola Hrytsenko told reporters that the harbour would stay open, “whatever the weather comes.”",
            "that the harbour",
        ),
        (
            "Mykola Hrytsenko noted that the ferry to Izmail was late again, “as it is every Monday.”",
            "that the ferry",
        ),
    ],
)
def test_a_reported_clause_running_into_a_quotation_is_one_mixed_quote(text: str, start: str) -> None:
    q = one(text)
    assert q.kind == "mixed" and q.text.startswith(start) and q.text.endswith("”")
    assert q.speaker is not None and q.speaker.name == "Mykola Hrytsenko"


def test_a_quoted_phrase_under_an_unknown_verb_is_its_named_subjects() -> None:
    text = "Halyna Rudenko scoffed at the “paper wall” at the crossing near Chernivtsi."
    q = one(text)
    assert q.kind == "mixed" and "“paper wall”" in q.text
    assert q.speaker is not None and q.speaker.name == "Halyna Rudenko"
    assert q.cue is not None and q.cue.text == "scoffed"


def test_a_day_after_the_verb_is_no_speaker() -> None:
    text = "“The water in the reservoir is clean again,” said Tuesday Bohdan Lysenko, the harbour master."
    q = one(text)
    assert q.speaker is not None and q.speaker.name == "Bohdan Lysenko"


@pytest.mark.parametrize(
    "text",
    [
        "“Yes.” “No.” “Maybe.”",
        "“A,” he said on “",
        "“It is over,” Taras Bondar said on “Morning Odesa.”",
        "Taras Bondar said that “",
        "”.” ”",
    ],
)
def test_odd_mark_layouts_do_not_break_the_stage(text: str) -> None:
    for q in quotes(text):
        assert 0 <= q.start < q.end <= len(text)


def test_a_quote_over_two_paragraphs() -> None:
    text = (
        "Ivan Hrytsenko runs a ferry on the Dnipro.\n\n“The first week was quiet.\n\n"
        "“Then the river rose and we lost the pier,” Hrytsenko says."
    )
    q = one(text)
    assert q.text == "“The first week was quiet.\n\n“Then the river rose and we lost the pier,”"
    assert q.speaker is not None and q.speaker.name == "Ivan Hrytsenko"


def test_nested_marks_keep_the_quote_whole() -> None:
    q = one("“The so-called “reform” of the port changed nothing,” Ivan Hrytsenko notes.")
    assert q.text == "“The so-called “reform” of the port changed nothing,”"
    assert q.speaker is not None and q.speaker.name == "Ivan Hrytsenko"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Yulia Marchenko said: "Kharkiv will rebuild its theatre."', "Yulia Marchenko"),
        ("«Odesa is ready for the season», said Serhiy Tkachenko.", "Serhiy Tkachenko"),
        ("„We will stay in Dnipro”, Anna Boyko added.", "Anna Boyko"),
    ],
)
def test_straight_guillemet_and_low_marks(text: str, speaker: str) -> None:
    q = one(text)
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == speaker


def test_speaker_in_the_paragraph_before() -> None:
    text = (
        "Olena Kovalenko, a historian, explained why the fortress matters:\n\n"
        "“Every invader who came through Kamianets-Podilskyi had to take it first, and few did.”"
    )
    q = one(text)
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Olena Kovalenko"


def test_a_quote_continued_in_the_next_paragraph_keeps_its_speaker() -> None:
    text = (
        "“The ferry will run again in May,” said Serhiy Tkachenko, the harbour master in Izmail.\n\n"
        "“After that we will need new boats, and nobody has ordered them yet.”"
    )
    q = one(text)
    assert q.text.endswith("nobody has ordered them yet.”")
    assert q.speaker is not None and q.speaker.name == "Serhiy Tkachenko"


def test_a_name_the_parse_left_between_quotation_and_verb_is_the_speaker() -> None:
    text = (
        "“The bridge at Zatoka will stay closed until the spring,” Oksana Melnyk, a regional engineer, "
        "said Thursday morning on the radio."
    )
    q = one(text)
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Oksana Melnyk"


def test_a_dash_or_a_time_of_day_is_no_speaker() -> None:
    from newsgraph import nlp as nlp_module
    from newsgraph.analyze.quotes import _speaks

    doc = nlp_module.load()("Taxes were made public ― Ivan Sokolenko said at 5:45 p.m. on Monday.")
    by_text = {t.text: t for t in doc}
    assert any(t.ent_type_ == "TIME" for t in doc)
    assert not _speaks(by_text["―"])
    assert _speaks(by_text["Sokolenko"])
    assert not any(_speaks(t) for t in doc if t.ent_type_ == "TIME")


def test_a_speech_verb_after_a_preposition_speaks_for_the_clause_subject() -> None:
    text = "Marta Hrytsenko rallied the dockers in Izmail by warning that “the port will not wait for us.”"
    q = one(text)
    assert q.kind == "mixed" and q.text.startswith("that")
    assert q.speaker is not None and q.speaker.name == "Marta Hrytsenko"
    assert q.cue is not None and q.cue.text == "warning"


@pytest.mark.parametrize("choice", ["a side", "whose side he is on"])
def test_a_participle_hung_on_the_reported_clause_is_the_reporters(choice: str) -> None:
    text = (
        f"Even a harbour official in Izmail said the mayor will have to choose {choice}, saying, "
        "“At some point Petro Zinchenko has to tell the dockers where he stands.”"
    )
    direct = [q for q in quotes(text) if q.text.startswith("“At some point")]
    assert len(direct) == 1 and direct[0].speaker is not None
    assert written(text, direct[0]).endswith("a harbour official in Izmail")


def test_a_quote_held_with_its_cue_inside_another_speakers_quote_is_not_given_again() -> None:
    # "blasted" inside what the spot shows: the words are not Bondar's, whatever else is found
    text = (
        "The spot concludes with footage of Ivan Koval saying during the debate in Odesa last week, "
        "“That makes me smart,” when Olena Bondar blasted him for not paying the port tax."
    )
    found = quotes(text)
    assert found and all(q.speaker is None or q.speaker.name != "Olena Bondar" for q in found)


def test_an_add_with_a_subject_auxiliary_or_object_of_its_own_adds_no_words() -> None:
    text = "Olena Bondar said the port had shared the plan and added its own comment on Odesa."
    (q,) = quotes(text)
    assert q.text == "the port had shared the plan and added its own comment on Odesa"


def test_a_letter_that_says_is_no_speaker() -> None:
    text = "Bohdan Lysenko released a letter from his doctor that says he has “excellent health” for his age."
    for q in quotes(text):
        assert q.speaker is None or q.speaker.name != "a letter from his doctor", q


def test_an_unattributed_quotation_paragraph_opens_the_attributed_one_after_it() -> None:
    text = (
        "Ivan Hrytsenko runs a ferry on the Dnipro.\n\n“Nobody in the village believed the river would "
        "freeze in November.”\n\n"
        "“Then it did, and the pier at Kremenchuk was gone by morning,” Hrytsenko says."
    )
    q = one(text)
    assert q.text.startswith("“Nobody in the village") and q.text.endswith("by morning,”")
    assert q.speaker is not None and q.speaker.name == "Ivan Hrytsenko"


def test_a_name_after_a_dash_signs_the_quote() -> None:
    q = one("“We will rebuild every school in Irpin before September.” ― Oksana Hnatiuk\n")
    assert q.speaker is not None and q.speaker.name == "Oksana Hnatiuk"


def test_a_signature_touching_the_mark_or_with_an_initial_signs_the_quote() -> None:
    text = (
        "“The ferry to Kherson should run again by spring.”― Taras M. Bondar\n"
        "“Our bakery in Mykolaiv never closed, not for one day.” ― Olha Kovalenko\n"
    )
    found = quotes(text)
    assert [q.speaker.name if q.speaker else None for q in found] == ["Taras M. Bondar", "Olha Kovalenko"]
    assert found[0].text.endswith("by spring.”")


def test_a_signature_names_all_of_the_name_not_the_part_the_model_tagged() -> None:
    text = (
        "Readers wrote to us after the debate in Lviv.\n"
        "“You are not a leader, you are a dictator.” ― Christina N Luis Olidem\n"
    )
    q = one(text)
    assert q.speaker is not None and written(text, q) == q.speaker.name == "Christina N Luis Olidem"


def test_a_quotation_after_a_sentence_of_its_speaker_is_theirs() -> None:
    text = (
        "The mayor spoke first. Later Dmytro Savchenko cited the flooded cellars as one reason to move "
        "the market. “Nobody will buy bread standing in water.”"
    )
    q = next(q for q in quotes(text) if q.text.startswith("“Nobody"))
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Dmytro Savchenko"


def test_words_attributed_after_a_comma_join_the_quotation_after_them() -> None:
    text = (
        "The new ferry to Ochakiv is not a luxury, Yurii Danyliuk said on Friday. "
        "“It is the only road the village has left.”"
    )
    q = next(q for q in quotes(text) if "only road" in q.text)
    assert q.text.startswith("The new ferry to Ochakiv is not a luxury, Yurii Danyliuk said")
    assert q.speaker is not None and q.speaker.name == "Yurii Danyliuk"


def test_an_unattributed_quotation_in_another_speakers_paragraph_is_not_joined_to_the_last_quote() -> None:
    text = (
        "“The new bridge at Zaporizhzhia will carry trams,” Iryna Melnyk said on Monday.\n\n"
        "Pavlo Hrebeniuk, the city engineer, described the plan as a gamble on Tuesday. "
        "“Trams have not crossed the Dnipro here since 1994 and the piers are old.”"
    )
    found = quotes(text)
    first = next(q for q in found if q.text.startswith("“The new bridge"))
    assert first.text.endswith("trams,”")
    last = next(q for q in found if "piers are old" in q.text)
    assert last.speaker is not None and last.speaker.name == "Pavlo Hrebeniuk"


def test_adding_cues_the_second_quotation_of_its_own() -> None:
    text = (
        "“The port of Izmail is working,” Nadiia Koval said, adding, “We loaded four ships on Sunday "
        "and will load five more this week.”"
    )
    found = [q for q in quotes(text) if q.kind == "direct"]
    assert [q.text[:12] for q in found] == ["“The port of", "“We loaded f"]
    assert all(q.speaker is not None and q.speaker.name == "Nadiia Koval" for q in found)


@pytest.mark.parametrize(
    "text",
    [
        "Ivanna Rudko talked about the harvest in Poltava on her weekly podcast, “Steppe Nights.”",
        "Bohdan Lysenko spoke on Sunday on the Kyiv channel's “Morning Show” about the dam.",
    ],
)
def test_a_title_in_quotation_marks_is_no_ones_words(text: str) -> None:
    assert not [q for q in quotes(text) if "“" in q.text], quotes(text)


def test_i_said_outside_a_quotation_is_the_writer_unnamed() -> None:
    text = "I asked the driver in Uzhhorod about the queue. “We wait two days at the border,” I wrote down."
    q = next(q for q in quotes(text) if q.kind == "direct")
    assert written(text, q) == "I"
    assert q.speaker is not None and q.speaker.name is None and q.speaker.entity is None


# --- reported speech ------------------------------------------------------------------------------


def test_indirect_speech_is_the_that_clause() -> None:
    q = one("Mykola Shevchuk believes that the harvest near Vinnytsia will be late this year.")
    assert q.kind == "indirect"
    assert q.text == "that the harvest near Vinnytsia will be late this year"
    assert q.speaker is not None and q.speaker.name == "Mykola Shevchuk"


def test_an_organisation_reports() -> None:
    q = one("The Ministry of Agriculture notes that grain exports through Izmail grew in May.")
    assert q.kind == "indirect" and q.speaker is not None and q.speaker.name == "Ministry of Agriculture"


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Serhii Boyko described the new toll on the Odesa road as “a tax on farmers.”",
            "the new toll on the Odesa road as “a tax on farmers.”",
        ),
        (
            "Serhii Boyko accused the council of hiding “the real cost” of the works.",
            "the council of hiding “the real cost” of the works",
        ),
    ],
)
def test_a_reported_object_runs_on_to_its_quoted_complement(text: str, content: str) -> None:
    q = next(q for q in quotes(text) if q.cue is not None)
    assert (q.kind, q.text) == ("mixed", content)
    assert q.speaker is not None and q.speaker.name == "Serhii Boyko"


def test_two_subjects_of_one_verb_the_nearest_speaks() -> None:
    text = "Her verdict on the Kherson ferry: “It is not quite finished,” Halyna Moroz said."
    q = next(q for q in quotes(text) if q.kind == "direct")
    assert q.speaker is not None and q.speaker.name == "Halyna Moroz"


def test_a_relative_clause_naming_something_is_reported_from_its_relative_word() -> None:
    text = "The council met in Chernihiv, which Andrii Tkach described as “a town of bridges.”"
    q = next(q for q in quotes(text) if q.cue is not None)
    assert q.text == "which Andrii Tkach described as “a town of bridges.”"
    assert q.speaker is not None and q.speaker.name == "Andrii Tkach"


def test_a_relative_clause_naming_inside_a_reported_clause_is_a_quote_of_its_own() -> None:
    text = (
        "Bohdan Kravets said that he had access to the city's email server, which he described as "
        "“like an open orchid.”"
    )
    found = [q for q in quotes(text) if q.cue is not None]
    assert [(q.cue.text, q.text) for q in found if q.cue is not None] == [
        ("said", "that he had access to the city's email server"),
        ("described", "which he described as “like an open orchid.”"),
    ]
    assert all(q.speaker is not None and q.speaker.name == "Bohdan Kravets" for q in found)


def test_a_quotation_right_after_a_naming_verb_is_a_name_given() -> None:
    text = "Yurii Shevchenko attacked the accreditation boards, which he called “a cartel for diplomas.”"
    q = next(q for q in quotes(text) if q.cue is not None and q.cue.text == "called")
    assert (q.kind, q.text) == ("mixed", "which he called “a cartel for diplomas.”")


def test_an_aside_after_the_quoted_words_is_not_reported() -> None:
    text = "Larysa Bondarenko said the harbour in Odesa was “open again,” adding that six ships had left."
    q = next(q for q in quotes(text) if q.cue is not None and q.cue.text == "said")
    assert q.text == "the harbour in Odesa was “open again,”"


@pytest.mark.parametrize("verb", ["whispered", "boomed", "mused"])
def test_verbs_of_speaking_attribute_a_quotation(verb: str) -> None:
    text = f"“The trains to Lviv will run tonight,” Oleksii Hnatiuk {verb}."
    q = one(text)
    assert q.speaker is not None and q.speaker.name == "Oleksii Hnatiuk"


_PARTICLE = (
    "After councillor Petro Lysenko criticized the budget during the debate in Poltava, Marta Hnatiuk {} "
    "“I could have stayed home, but I chose to serve.”"
)
_INVERTED = (
    "Critics, among them the economist Petro Hnatiuk, say the plan is too costly. {} Hnatiuk: “No money.”"
)


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "written_as"),
    [
        # Verbs that speak only with their particle.
        (_PARTICLE.format("shot back,"), "Marta Hnatiuk", "shot back", "Marta Hnatiuk"),
        (_PARTICLE.format("fired back:"), "Marta Hnatiuk", "fired back", "Marta Hnatiuk"),
        (_PARTICLE.format("chimed in:"), "Marta Hnatiuk", "chimed in", "Marta Hnatiuk"),
        # A sentence of a speech verb, a name and a colon before the quotation.
        (_INVERTED.format("Said"), "Petro Hnatiuk", "Said", "Hnatiuk"),
        (_INVERTED.format("Continued"), "Petro Hnatiuk", "Continued", "Hnatiuk"),
        (_INVERTED.format("Added"), "Petro Hnatiuk", "Added", "Hnatiuk"),
    ],
)
def test_the_cue_and_the_speaker_of_a_direct_quote(
    text: str, speaker: str, cue: str, written_as: str
) -> None:
    q = next(q for q in quotes(text) if q.kind == "direct")
    assert q.speaker is not None and q.speaker.name == speaker and written(text, q) == written_as
    assert q.cue is not None and q.cue.text == cue


def test_a_second_speaker_cutting_in_speaks_the_next_quotation() -> None:
    text = "“Bring the maps,” Hnatiuk said, and her deputy cut in. “Don’t forget the permits for Kherson.”"
    first, second = sorted((q for q in quotes(text) if q.kind == "direct"), key=lambda q: q.start)
    assert first.text == "“Bring the maps,”"
    assert second.speaker is not None and second.speaker.name == "her deputy"
    assert second.cue is not None and second.cue.text == "cut in"


def test_a_name_after_a_dash_and_before_a_colon_labels_the_quotation() -> None:
    text = (
        "POLLS MISSED THE SURGE IN KHARKIV - Oksana Lytvyn: “The turnout model assumed that young "
        "voters would stay home, and they did not.”\n\n"
        "Online panels look problematic - Kyiv Survey Centre: “All the samples we checked lean "
        "towards engaged voters.”"
    )
    found = sorted((q for q in quotes(text) if q.kind == "direct"), key=lambda q: q.start)
    assert [q.speaker.name if q.speaker else None for q in found] == ["Oksana Lytvyn", "Kyiv Survey Centre"]


def test_a_place_after_a_dash_is_no_label_when_a_speaker_follows_the_quotation() -> None:
    q = one("Air raid in the night - Kyiv: “The sirens went on at three,” said Mayor Ivan Koval.")
    assert q.speaker is not None and q.speaker.name == "Ivan Koval"


@pytest.mark.parametrize(
    "line",
    ["Exports fell again, said Ivan Melnyk, head of the Odesa Grain Traders Association", "Talks in Odesa"],
)
def test_a_speaker_opening_a_paragraph_is_not_hung_on_the_line_before(line: str) -> None:
    text = f"{line}\n\nKoval said that the port has already “lost half of its ships” this year."
    q = next(q for q in quotes(text) if q.kind == "mixed")
    assert q.speaker is not None and q.speaker.name == "Koval"


def test_a_quotation_after_a_colon_is_the_speaker_s_not_the_reported_clause_s() -> None:
    text = (
        "Another voter said she hoped with all her heart that Koval wins the election in Lviv: “Then I "
        "can watch the show for four more years.”"
    )
    q = next(q for q in quotes(text) if q.kind == "direct")
    assert q.speaker is not None and q.speaker.name == "Another voter"
    assert q.cue is not None and q.cue.text == "said"


def test_a_speech_verb_repeated_after_and_has_the_first_one_s_speaker() -> None:
    text = (
        "Ivan Koval spoke in Odesa on Monday. He said his recent attacks on the mayor have given his "
        "campaign momentum and said that the mayor did not represent the “spirit of Odesa.”"
    )
    q = next(q for q in quotes(text) if q.text.startswith("that the mayor"))
    assert q.speaker is not None and q.speaker.name == "Ivan Koval"


def test_a_participle_the_parse_hangs_on_the_quotation_speaks_for_the_clause_before_it() -> None:
    text = (
        "Marta Hnatiuk did not seem impressed with the mayor's plan on Tuesday, telling reporters, "
        "“A lot of people want the governor of Lviv to step down.”"
    )
    q = one(text)
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Marta Hnatiuk"
    assert q.cue is not None and q.cue.text == "telling"


def test_a_participle_after_a_comma_speaks_for_the_clause_that_has_a_subject_not_a_reported_one() -> None:
    text = (
        "The drivers' union in Kharkiv filed a complaint alleging that the depot broke the law with "
        "its new rota, calling it “reckless” and “unfair.”"
    )
    q = next(q for q in quotes(text) if q.kind == "mixed")
    assert q.text.startswith("it “reckless”")
    assert q.speaker is not None and q.speaker.name == "The drivers' union in Kharkiv"


def test_a_verb_listed_after_a_comma_without_a_subject_has_the_subject_before_it() -> None:
    text = (
        "Ivan Koval has mocked a reporter, referred to migrants from Moldova as “thieves” and called "
        "a critic in the crowd “my little friend.”"
    )
    mixed = [q for q in quotes(text) if q.kind == "mixed"]
    assert [q.text for q in mixed] == [
        "migrants from Moldova as “thieves”",
        "a critic in the crowd “my little friend.”",
    ]
    assert all(q.speaker is not None and q.speaker.name == "Ivan Koval" for q in mixed)


def test_a_verb_the_parse_leaves_loose_has_the_subject_of_the_verb_it_hangs_on() -> None:
    text = "Koval gestured as if to stop the noise, then leaned in and boomed: “Let’s beat them in November.”"
    q = one(text)
    assert q.speaker is not None and q.speaker.name == "Koval"
    assert q.cue is not None and q.cue.text == "boomed"


@pytest.mark.parametrize(
    ("text", "begins", "ends", "speaker"),
    [
        pytest.param(
            "Campaigning in Lviv for his wife, the former mayor Ivan Koval said his wife was uniquely "
            "qualified to lead the city at this time because “the city’s in tough shape.”",
            "his wife was",
            "tough shape.”",
            "Ivan Koval",
            id="a name right before a verb without a subject",
        ),
        pytest.param(
            "Ivan Koval won over many in the room. He also said he was best placed to get a peace deal "
            'in the region because he\'s a negotiator, "like you folks." The room laughed.',
            "he was best placed",
            'negotiator, "like you folks."',
            "Ivan Koval",
            id="on to a quoted phrase after its comma",
        ),
        pytest.param(
            "Levchenko said, through a translator, that the council's server was unprotected, and he had "
            "full access to a server that “was like an open window on the internet.”",
            "that the council's",
            "internet.”",
            "Levchenko",
            id="through a second clause with a quotation after 'and'",
        ),
        pytest.param(
            "Her lawyer, Petro Savchuk, argued that his client was not to be taken seriously: her posts "
            'were the rants of a "shock jock," "an entertainer," but also a "local reporter."',
            "that his client",
            'reporter."',
            "Petro Savchuk",
            id="past a colon to the quoted words after it",
        ),
    ],
)
def test_a_reported_clause_runs_on_to_the_quoted_words_that_are_part_of_it(
    text: str, begins: str, ends: str, speaker: str
) -> None:
    q = one(text)
    assert q.kind == "mixed" and q.text.startswith(begins) and q.text.endswith(ends)
    assert q.speaker is not None and q.speaker.name == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Ivan Koval did not attend. Koval's campaign said on Monday that the rally in Lviv would "
            "go ahead.",
            "Koval's campaign",
        ),
        (
            "Ivan Koval did not attend. Koval's spokesman, Taras Bondar, said: “The mayor is unwell.”",
            "Taras Bondar",
        ),
    ],
)
def test_a_person_named_in_a_possessive_is_not_the_speaker(text: str, speaker: str) -> None:
    q = one(text)
    assert q.speaker is not None and q.speaker.name == speaker and q.speaker.entity != "e1"


def test_a_day_is_no_speaker_but_an_age_is() -> None:
    from newsgraph import nlp
    from newsgraph.analyze.quotes import _speaks

    doc = nlp.load()("On Saturday the 46-year-old said that the bridge in Lviv would open in May.")
    day = next(t for t in doc if t.text == "Saturday")
    age = next(t for t in doc if t.text == "old")
    assert (day.ent_type_, day.pos_) == ("DATE", "PROPN") and age.ent_type_ == "DATE"
    assert not _speaks(day) and _speaks(age)


def test_a_quoted_phrase_whose_opening_mark_the_parse_hangs_apart_is_still_found() -> None:
    text = (
        'Melnyk supports "fair pay rises," opposes "blanket pay freezes" and wants the city to hire nurses.'
    )
    q = next(q for q in quotes(text) if q.text.startswith('"fair'))
    assert q.kind == "mixed" and q.speaker is not None and q.speaker.name == "Melnyk"


@pytest.mark.parametrize("verb", ["testified", "confessed", "boasted", "quipped"])
def test_verbs_of_saying_too_rare_in_polnear_report_a_that_clause(verb: str) -> None:
    q = one(f"Before the council in Lviv, Ivan Koval {verb} that the emails had not been handed over.")
    assert q.kind == "indirect" and q.text == "that the emails had not been handed over"
    assert q.speaker is not None and q.speaker.name == "Ivan Koval"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            'Another critic, Oksana Melnyk, likened the new rules to "burning the city charter."',
            "Oksana Melnyk",
        ),
        ('Poland branded the junta "an outlaw regime in the neighbourhood."', "Poland"),
    ],
)
def test_a_phrase_quoted_under_a_verb_that_names_or_judges_is_the_subject_s(text: str, speaker: str) -> None:
    q = one(text)
    assert q.kind == "mixed" and q.speaker is not None and q.speaker.name == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Ivan Koval did not comment. His office put out a statement saying the city “does not have "
            "the money to rebuild the bridge this year.”",
            "His office",
        ),
        (
            'The opposition placed newspaper ads in Lviv calling the deal a "ten-million mistake."',
            "The opposition",
        ),
    ],
)
def test_a_statement_or_an_ad_saying_something_speaks_for_whoever_put_it_out(text: str, speaker: str) -> None:
    q = one(text)
    assert q.kind == "mixed" and q.speaker is not None and q.speaker.name == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('The new spot uses footage of Oksana Lytvyn asking, "Why are we not ahead?"', "Oksana Lytvyn"),
        (
            "The row was nothing new, no different from Ivan Koval calling the old port “a museum” in 2019.",
            "Ivan Koval",
        ),
        ('Taras Bondar wrote a letter to Ivan Koval asking him to "stop the demolition."', "Taras Bondar"),
    ],
)
def test_a_name_right_before_a_participle_says_it_unless_it_is_addressed(text: str, speaker: str) -> None:
    q = next(q for q in quotes(text) if q.kind != "indirect")
    assert q.speaker is not None and q.speaker.name == speaker


@pytest.mark.parametrize(("pronoun", "speaker"), [("she", "Oksana Lytvyn"), ("he", "Taras Bondar")])
def test_a_pronoun_speaks_for_a_person_of_its_gender(pronoun: str, speaker: str) -> None:
    for first, second in (("Taras Bondar", "Oksana Lytvyn"), ("Oksana Lytvyn", "Taras Bondar")):
        q = one(f'{first} met {second} in Lviv on Monday. "We agreed on the corridor," {pronoun} said.')
        assert q.speaker is not None and q.speaker.name == speaker


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Bondar accused the mayor of Odesa of hiding the port's accounts.", "the mayor of Odesa of hiding"),
        (
            "Lytvyn blamed the city council for the delay at the grain terminal.",
            "the city council for the delay",
        ),
        (  # the parse hangs "of" on the object
            'Bondar accused the debate moderators of asking too many "please attack Koval" questions.',
            'the debate moderators of asking too many "please attack Koval" questions',
        ),
    ],
)
def test_whom_a_verb_accuses_or_blames_is_part_of_what_it_reports(text: str, content: str) -> None:
    assert one(text).text.startswith(content)


@pytest.mark.parametrize(
    "text",
    [
        "Bondar seems content that the port deal he pushed for nearly a decade to win is done.",
        "None of them fit the plan that Lytvyn had spoken of a few days earlier.",
        "Koval spoke barely a word of English at the meeting in Lviv.",
    ],
)
def test_a_time_or_a_thing_after_a_verb_reports_nothing(text: str) -> None:
    assert quotes(text) == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "The Odesa city council is expected to approve the port budget on Friday.",
            "The Odesa city council is expected to approve the port budget on Friday",
        ),
        (
            "Support for Koval appears to have fallen since the spring.",
            "Support for Koval appears to have fallen",
        ),
        (
            "The farmers who are expected to vote for Bondar met in Lviv.",
            "who are expected to vote for Bondar",
        ),
    ],
)
def test_what_is_expected_or_appears_to_happen_keeps_its_subject_and_no_source(
    text: str, content: str
) -> None:
    q = one(text)
    assert q.kind == "indirect" and q.text.startswith(content) and q.speaker is None


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Bondar called on the mayor of Odesa to resign over the port scandal.",
            "the mayor of Odesa to resign",
        ),
        (
            "Lytvyn urged the farmers to sell their grain before the winter.",
            "the farmers to sell their grain",
        ),
        ("Koval urged Tuesday to delay the vote.", "to delay the vote"),
    ],
)
def test_whom_a_verb_asks_to_act_is_part_of_what_it_reports(text: str, content: str) -> None:
    assert one(text).text.startswith(content)


def test_a_preposition_is_no_speaker_nor_a_name_in_the_speaker_s_relative_clause() -> None:
    text = "Of Koval, Levchenko, who has given money to Marta Hnatiuk, said, “He is kind but a poor manager.”"
    q = one(text)
    assert q.speaker is not None and q.speaker.name == "Levchenko"


def test_a_reported_clause_and_the_quotation_after_it_are_one_quote() -> None:
    text = (
        "Her lawyer, Petro Savchuk, said that his client never meant to harm anyone. “She was trying "
        "to help the neighbours.”"
    )
    q = one(text)
    assert q.kind == "mixed" and q.text.startswith("that his client") and q.text.endswith("neighbours.”")
    assert q.speaker is not None and q.speaker.name == "Petro Savchuk"


def test_reported_words_run_on_to_the_quoted_phrase_after_them() -> None:
    text = "Mariia Lytvyn said the new tram line in Vinnytsia is a gamble, “and a costly one.”"
    q = next(q for q in quotes(text) if q.cue is not None and q.cue.text == "said")
    assert q.kind == "mixed" and q.text.endswith("“and a costly one.”")


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Bondar said he had received offers for the farm near Poltava, but “the offers were to use "
            "the land in a way I did not like.”",
            "he had received offers for the farm near Poltava, but “the offers were to use the land in a "
            "way I did not like.”",
        ),
        (
            "Lytvyn said the ferry to Kherson will run again, but she added nothing on the date.",
            "the ferry to Kherson will run again",
        ),
    ],
)
def test_a_clause_joined_by_but_goes_on_with_the_reported_words_only_when_it_quotes_them(
    text: str, content: str
) -> None:
    q = next(q for q in quotes(text) if q.cue is not None and q.cue.text == "said")
    assert q.text == content


def test_an_attribution_set_off_by_a_no_break_space_reports_its_clause() -> None:
    text = "Koval, Bondar said,\u00a0has created a “strange, reality-bending zone” in\u00a0Lviv."
    q = one(text)
    assert (q.kind, q.text) == ("mixed", text[:-1])
    assert q.speaker is not None and q.speaker.name == "Bondar"


def test_two_speech_verbs_joined_by_but_report_two_things_of_one_speaker() -> None:
    text = (
        "Kharkiv Mayor Oksana Lytvyn said Friday that she thinks the footage should be released but said "
        "“the question is the timing.”"
    )
    found = quotes(text)
    assert [q.text for q in found] == [
        "that she thinks the footage should be released",
        "“the question is the timing.”",
    ]
    assert all(q.speaker is not None and q.speaker.name == "Oksana Lytvyn" for q in found)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        (
            "“You know, I respect Taras,” Lytvyn said, but “when it comes to grain, Taras has a history "
            "of siding with the big traders.”",
            "“You know, I respect Taras,” Lytvyn said, but “when it comes to grain, Taras has a history "
            "of siding with the big traders.”",
        ),
        (
            "Koval “got an immunity deal,” Bondar said in Lviv, and still “got to sit in on the interview.”",
            "Koval “got an immunity deal,” Bondar said in Lviv, and still “got to sit in on the interview.”",
        ),
    ],
)
def test_a_quotation_joined_by_and_or_but_to_the_attribution_goes_on_with_the_quote(
    text: str, quote: str
) -> None:
    q = one(text)
    assert q.text == quote
    assert q.speaker is not None and q.speaker.name in ("Lytvyn", "Bondar")


def test_a_sentence_finished_by_a_quotation_and_its_second_part_are_one_quote() -> None:
    text = (
        "Teachers in Rivne are “looking to see who will pay for the new heating system,” Olena Savchuk "
        "said. “That has to worry every school.”"
    )
    q = one(text)
    assert q.kind == "mixed" and q.text.startswith("Teachers in Rivne") and q.text.endswith("every school.”")
    assert q.speaker is not None and q.speaker.name == "Olena Savchuk"


def test_a_that_clause_after_the_verb_is_reported_not_a_clause_before_it() -> None:
    text = (
        "Sitting in a cafe in Lviv on Thursday, during which she also spoke about trains, Maria Tkachuk "
        "remarked that the city was “a little crowded” this summer."
    )
    q = next(q for q in quotes(text) if q.cue is not None and q.cue.text == "remarked")
    assert q.text.startswith("that the city was “a little crowded”")


def test_has_repeatedly_reported_that() -> None:
    q = one(
        "The General Staff of the Armed Forces has repeatedly reported that the border near Sumy is quiet."
    )
    assert q.kind == "indirect" and q.text == "that the border near Sumy is quiet"
    assert q.speaker is not None and "General Staff" in (q.speaker.name or "")
    assert q.cue is not None and q.cue.text == "reported"


def test_mixed_reported_speech_with_a_quoted_fragment() -> None:
    q = one("Kateryna Lysenko said the new ferry timetable was “a step in the right direction.”")
    assert q.kind == "mixed"
    assert q.text == "the new ferry timetable was “a step in the right direction.”"
    assert q.speaker is not None and q.speaker.name == "Kateryna Lysenko"


def test_according_to() -> None:
    q = one("According to Andriy Koval, the port of Odesa will reopen in May.")
    assert (q.kind, q.text) == ("according_to", "the port of Odesa will reopen in May")
    assert q.speaker is not None and q.speaker.name == "Andriy Koval"
    assert q.cue is not None and q.cue.text == "According to"


def test_a_quotation_glued_to_the_comma_before_it_keeps_its_speaker() -> None:
    q = one("Lytvyn said,“Look, these posters have no place in a campaign in Lviv.”")
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Lytvyn"


def test_a_transcript_line_is_a_block_quote_of_the_name_before_its_colon() -> None:
    text = (
        "Ivan Hrytsenko, who runs the port, spoke to Nadiia Koval of Radio Odesa. The transcript follows.\n\n"
        '"HRYTSENKO: Well, look, the port of Odesa has been working since March and we loaded four ships.\n\n'
        '"But the truth is that the insurance is still the problem for every owner.\n\n'
        '"KOVAL: And the grain?\n\n'
        '"HRYTSENKO: The grain will go by rail through Poland, as it did last year.\n\n'
        "Clinton: 1,769.\n\nThe Latest: the port reopens on Monday."
    )
    found = quotes(text)
    assert [(q.kind, q.speaker.name if q.speaker else None, q.text[:12]) for q in found] == [
        ("block", "Ivan Hrytsenko", "Well, look, "),
        ("block", "Nadiia Koval", "And the grai"),
        ("block", "Ivan Hrytsenko", "The grain wi"),
    ]
    assert found[0].text.endswith("for every owner.")
    assert [written(text, q) for q in found] == ["HRYTSENKO", "KOVAL", "HRYTSENKO"]


def test_a_label_with_a_title_and_a_party_names_the_speaker_of_the_quotation_after_it() -> None:
    text = (
        "Rep. Marta Hlushko asked the minister about the grain in Izmail.\n\n"
        'Rep. Marta Hlushko (Servant of the People):"Who told you that ninety percent of it had left?"'
    )
    q = next(q for q in quotes(text) if q.text.startswith('"Who told'))
    assert q.kind == "block" and q.speaker is not None and q.speaker.name == "Marta Hlushko"
    assert written(text, q) == "Rep. Marta Hlushko (Servant of the People)"


def test_a_name_set_off_by_commas_before_the_verb_speaks() -> None:
    text = (
        "In a statement to the Kyiv Independent, her adviser, Ivan Demchuk, said: “The minister believes "
        "that the corridor through Odesa must stay open all winter.”"
    )
    q = next(q for q in quotes(text) if q.kind == "direct")
    assert q.speaker is not None and q.speaker.name == "Ivan Demchuk"


def test_a_headline_naming_its_speaker_before_a_colon_reports_their_words() -> None:
    text = "Senator Taras Bondar spoke in Lutsk on Friday.\n\nBondar: We will rebuild the bridge by June."
    q = next(q for q in quotes(text) if q.text.startswith("We will"))
    assert q.kind == "indirect" and q.speaker is not None and q.speaker.name == "Taras Bondar"


def test_block_quote_under_a_line_naming_the_speaker() -> None:
    text = (
        "Expert Opinion\n\nIryna Savchenko, economist:\n\n"
        "– Prices in Kyiv will keep rising until the spring, and the hryvnia will stay under pressure."
    )
    q = one(text)
    assert q.kind == "block" and q.text.startswith("Prices in Kyiv") and q.text.endswith("under pressure.")
    assert q.speaker is not None and q.speaker.name == "Iryna Savchenko"


def test_a_description_resolves_to_the_person_it_described() -> None:
    text = (
        "Serhiy Tkachenko, spokesman for the port authority, spoke to reporters in Izmail. "
        "Later the spokesman said that repairs to the grain terminal would take a month."
    )
    q = one(text)
    assert written(text, q) == "the spokesman"
    assert q.speaker is not None and q.speaker.name == "Serhiy Tkachenko" and q.speaker.entity is not None


# --- sources that are not people the article names -------------------------------------------------


def test_an_unnamed_source_keeps_its_words_and_no_entity() -> None:
    q = one("“The talks have stalled,” a source in the General Staff said.")
    assert q.speaker is not None
    assert (q.speaker.name, q.speaker.entity) == ("a source in the General Staff", None)


def test_most_experts_is_an_unnamed_source() -> None:
    q = one("Most analysts believe that the bridge near Zaporizhzhia will not reopen this year.")
    assert q.speaker is not None and (q.speaker.name, q.speaker.entity) == ("Most analysts", None)


def test_no_quote_for_a_photo_credit_or_a_lone_they() -> None:
    text = (
        "Cranes on the quay in Mykolaiv. Photo: Marko Didenko\n\n"
        "The port is quiet. It is, they say, only a matter of time before ships return. And all these "
        "exercises on the border are a picture for the mayor that, they say, the port is preparing for war."
    )
    assert quotes(text) == []


def test_they_with_an_antecedent_is_that_group() -> None:
    text = "Officials in Kherson warned of floods on Monday. They said that the dam would not hold for long."
    q = one(text)
    assert written(text, q) == "They"
    assert q.speaker is not None and (q.speaker.name, q.speaker.entity) == ("Officials in Kherson", None)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Council members in Odesa blocked the bill because they said its language was a “poison pill.”",
            "Council members in Odesa",
        ),
        ("The new rules in Odesa were dropped because they said the language was a “poison pill.”", None),
    ],
)
def test_they_is_people_named_as_a_subject_before_it_in_its_sentence(text: str, speaker: str | None) -> None:
    found = quotes(text)
    assert [q.speaker.name for q in found if q.speaker is not None] == ([speaker] if speaker else [])


@pytest.mark.parametrize(
    ("text", "contents"),
    [
        (
            "Lytvyn noted the 2014 floods, her support for first responders and her work trying to "
            "bring in jobs from “Kharkiv to Odesa.”",
            [
                "the 2014 floods, her support for first responders and her work trying to bring in jobs "
                "from “Kharkiv to Odesa.”"
            ],
        ),
        (
            'Bondar said Koval has been tested, coming from 40 points behind to a "dead heat" in Lviv.',
            ['Koval has been tested, coming from 40 points behind to a "dead heat" in Lviv'],
        ),
        (
            "Koval said the port in Odesa would reopen soon, saying it was “a matter of weeks.”",
            ["the port in Odesa would reopen soon", "it was “a matter of weeks.”"],
        ),
    ],
)
def test_an_aside_quoting_words_goes_on_with_the_content_unless_it_says_them_itself(
    text: str, contents: list[str]
) -> None:
    assert [q.text for q in quotes(text)] == contents


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Despite Koval's claims that his net worth exceeds $10 billion, the bank refused the loan.",
            "that his net worth exceeds $10 billion",
            "Koval",
        ),
        (
            "Oksana Lytvyn spoke in Odesa on Monday. Her promise that the port would reopen “within "
            "weeks” drew applause.",
            "that the port would reopen “within weeks”",
            "Oksana Lytvyn",
        ),
        # the parse hangs the clause on the sentence's verb, or on the noun of a phrase between
        (
            "Ivan Koval angered Lviv, particularly with his warning that Odesa would have to go to "
            "the “back of the queue” if it wanted a deal.",
            "that Odesa would have to go to the “back of the queue” if it wanted a deal",
            "Ivan Koval",
        ),
        (
            'Olena Bondar came under fire over her assertion during the debate that "we now finally '
            'are where we need to be" on the port.',
            'that "we now finally are where we need to be" on the port',
            "Olena Bondar",
        ),
        # reports, beliefs and fears are said too
        (
            "On Friday it was a report by Radio Odesa that he “fabricated” the story of the ferry.",
            "that he “fabricated” the story of the ferry",
            "Radio Odesa",
        ),
        (
            "Olena Bondar’s belief that the port will reopen in May is widely shared in Lviv.",
            "that the port will reopen in May",
            "Olena Bondar",
        ),
        ("The claim that the tram in Kharkiv is unsafe was debated at length.", None, None),
        # a relative clause on the noun is no that-clause of saying
        ("Koval repeated the warnings that he had published in Odesa.", None, None),
    ],
)
def test_a_noun_of_saying_reports_its_that_clause_for_its_possessor(
    text: str, content: str | None, speaker: str | None
) -> None:
    nouns = ("claims", "promise", "claim", "warning", "warnings", "assertion", "report", "belief")
    found = [q for q in quotes(text) if q.cue is not None and q.cue.text in nouns]
    assert [(q.text, q.speaker.name if q.speaker else None) for q in found] == (
        [(content, speaker)] if content else []
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Olena Bondar is confident that the port in Odesa will reopen in May.",
            [("that the port in Odesa will reopen in May", "Olena Bondar", "confident")],
        ),
        ("Ivan Koval was not sure the ferry would run.", [("the ferry would run", "Ivan Koval", "sure")]),
        (
            "The mayor of Lviv is worried that “nobody will come back” to the city.",
            [("that “nobody will come back” to the city", "The mayor of Lviv", "worried")],
        ),
        # a question is no view; nor is a clause no one holds
        ("Ivan Koval is not sure whether he will run in Lviv.", []),
        ("It is certain that the port in Odesa is closed.", []),
    ],
)
def test_an_adjective_of_conviction_reports_its_clause_as_its_subjects_view(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    found = [(q.text, q.speaker and q.speaker.name, q.cue and q.cue.text) for q in quotes(text)]
    assert found == expected


def test_what_a_sign_or_a_message_reads_is_quoted() -> None:
    text = (
        "Six planes filled the skies over Lviv with messages.\n\n“Lviv is great! The mayor is a "
        "disgrace,” read one. One message read “anybodybutkoval.ua,” a website of a group in Odesa."
    )
    found = [(q.text, q.kind, q.speaker and q.speaker.name, q.cue and q.cue.text) for q in quotes(text)]
    assert found == [
        ("“Lviv is great! The mayor is a disgrace,”", "direct", "one", "read"),
        ("“anybodybutkoval.ua,”", "direct", "One message", "read"),
    ]


def test_a_question_reports_nothing() -> None:
    assert quotes("Will the mayor of Chernihiv agree to close the bridge?") == []


@pytest.mark.parametrize("text", ["Koval said: “", "Koval said: “ ” and left.", "Saying, “…”"])
def test_a_quotation_mark_with_no_words_quotes_nothing(text: str) -> None:
    assert [q.text for q in quotes(text)] == []


def test_an_article_without_quotes() -> None:
    assert quotes("The ferry from Izmail leaves at nine. The river is calm in May.") == []


# --- the seed article and PolNeAR dev (need ../shared) ---------------------------------------------


@pytest.mark.shared
def test_seed_article_sources() -> None:
    seed = SHARED / "seed" / "article.txt"
    if not seed.is_file():
        pytest.skip(f"needs the seed article at {seed}; the shared folder is absent")
    found = quotes(seed.read_text(encoding="utf-8"))
    names = [(q.speaker.name or "") if q.speaker else "" for q in found]
    for source in ("Mishustin", "Zhdanov", "Motuzyanyk", "Venislavsky", "Gudkov", "Fesenko", "Radio Liberty"):
        assert any(source in n for n in names), (source, names)
    assert not any(n.lower() in ("they", "ruslan guk") for n in names), names
    gudkov = next(q for q in found if q.speaker and "Gudkov" in (q.speaker.name or ""))
    assert gudkov.text.startswith("“All Lukashenka's “power”") and gudkov.text.endswith("destroy him,”")
    fesenko = next(q for q in found if q.speaker and "Fesenko" in (q.speaker.name or ""))
    assert fesenko.kind == "block"


# Minimums on the first 20 PolNeAR dev documents, a little under what the stage measured there
# (scripts/eval_quotes.py --limit 20). Raise them when the stage improves; never lower them.
# Measured 2026-11-29: e2e_direct_f 0.7335, e2e_f 0.5945, speaker_acc 0.9122.
# Measured 2026-12-03: e2e_direct_f 0.7622, e2e_f 0.6104, speaker_acc 0.9283.
# Measured 2026-12-03 (quotes.v4): e2e_direct_f 0.7824, e2e_f 0.6479, speaker_acc 0.9498.
# Measured 2026-12-03 (quotes.v5): e2e_direct_f 0.7824, e2e_f 0.6496, speaker_acc 0.9500.
# Measured 2026-12-03 (quotes.v6, parse.v3): e2e_direct_f 0.7824, e2e_f 0.6536, speaker_acc 0.9536.
# Measured 2026-12-03 (quotes.v7): e2e_direct_f 0.7857, e2e_f 0.6545, speaker_acc 0.9537.
# Measured 2026-12-04 (quotes.v8, entities.v4): e2e_direct_f 0.7912, e2e_f 0.6585, speaker_acc 0.9574.
# Measured 2026-12-04 (quotes.v9, parse.v4): e2e_direct_f 0.7945, e2e_f 0.6626, speaker_acc 0.9611.
# Measured 2026-12-04 (quotes.v9 with nominal attributions): 0.8033, 0.6667, 0.9648.
# Measured 2026-12-04 (quotes.v10, parse.v5): 0.8033, 0.6683, 0.9649.
# Measured 2026-12-04 (quotes.v11): 0.8065, 0.6731, 0.9685; with second-hand quotes kept inside
# the quote reporting them: 0.8065, 0.6806, 0.9685; also those found before it: 0.8110, 0.6831, 0.9754.
POLNEAR_DEV20_MINIMUMS = {"e2e_direct_f": 0.81, "e2e_f": 0.68, "speaker_acc": 0.97}


@pytest.mark.shared
def test_polnear_dev_subset_scores() -> None:
    data = SHARED / "datasets" / "quotes" / "polnear"
    metrics = scores("score_quotes.py", "--data", str(data), "--split", "dev", limit=20)
    for name, minimum in POLNEAR_DEV20_MINIMUMS.items():
        assert metrics[name] >= minimum, (name, metrics[name], metrics)


@pytest.mark.shared
def test_wire_marks_make_a_gold_content_direct_in_the_side_scoring() -> None:
    if not (SHARED / "eval" / "score_quotes.py").is_file():
        pytest.skip(f"needs the shared scorer at {SHARED / 'eval'}; the shared folder is absent")
    import eval_quotes

    sq = eval_quotes.scorer_module()
    text = "''We will win,'' Ivan Petrenko said in Uzhhorod."
    docs = [{"text": text, "gold": [((0, 16), (17, 30), "Ivan Petrenko")]}]
    speaker = {"entity": None, "name": "Ivan Petrenko", "start": 17, "end": 30}
    records = [{"entities": [], "quotes": [{"start": 0, "end": 16, "kind": "direct", "speaker": speaker}]}]
    plain = eval_quotes.score_records(sq, docs, records)
    wired = eval_quotes.score_records(sq, docs, records, (*sq.QUOTE_CHARS, *eval_quotes.WIRE_MARKS))
    assert (plain["gold_direct"], plain["e2e_direct_f"]) == (0, 0.0)
    assert (wired["gold_direct"], wired["e2e_direct_f"]) == (1, 1.0)
    assert plain["e2e_f"] == wired["e2e_f"] == 1.0


def test_the_stage_bench_times_every_stage() -> None:
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_quotes", ROOT / "bench" / "bench_quotes.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    texts = ["“The pier is ready,” said Taras Bondar in Odesa.", "", "No quotes in Lviv today."]
    spent = bench.stage_times(texts)
    assert {"parse.v5", "quotes.v11"} <= set(spent)
    assert all(seconds >= 0 for seconds in spent.values())
