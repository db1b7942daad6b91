"""The knowledge base store, over SQLite and PostgreSQL: migrations, round trips, copies, stories,
the registry across articles, every query and filter, hostile queries, bad store locations.

The PostgreSQL cases need NEWSGRAPH_TEST_PG (see scripts/ci_services.sh); each test gets a schema
of its own. Without it they skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import pg_schema
from newsgraph.api import analyze_articles, example_articles
from newsgraph.article import Article
from newsgraph.errors import StoreError
from newsgraph.store import Filters, Page, Store, as_dict, migrations, open_store, registry, writer
from newsgraph.store import export as export_module
from newsgraph.store.migrations import MIGRATIONS, Migration
from newsgraph.store.runner import ingest_paths, reprocess

BACKENDS = ["sqlite", "postgresql"]


def pg_location() -> Iterator[str]:
    """A fresh schema on the test server, dropped afterwards."""
    with pg_schema("test", "PostgreSQL store tests") as url:
        yield url


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
    else:
        yield from pg_location()


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    with open_store(location) as s:
        yield s


@pytest.fixture(scope="module")
def analysed() -> list[Article]:
    """The bundled examples, analysed for real (once per module)."""
    return list(analyze_articles(example_articles()))


# -- records built by code: fictional people, real places -------------------------------------------


def span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def record(
    text: str,
    *,
    source: str,
    published: str | None,
    title: str | None = None,
    entities: list[tuple[str, str, str, list[str], list[tuple[str, str | None]]]] = (),  # type: ignore[assignment]
    quotes: list[tuple[str, str, str, str, str]] = (),  # type: ignore[assignment]
    places: list[tuple[str, str, str, int | None, float, float, str]] = (),  # type: ignore[assignment]
    claims: list[dict[str, Any]] = (),  # type: ignore[assignment]
    events: list[dict[str, Any]] = (),  # type: ignore[assignment]
    predictions: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Article:
    """An analysed-looking record. entities: (id, name, type, names written, roles);
    quotes: (id, quote text, kind, speaker entity id, speaker as written)."""
    data: dict[str, Any] = {
        "source": source,
        "title": title,
        "published": published,
        "language": "en",
        "text": text,
        "stages": ["clean.v1", "entities.v1", "quotes.v1"],
    }
    data["entities"] = [
        {
            "id": eid,
            "name": name,
            "type": etype,
            "aliases": sorted(set(written)),
            "roles": [{"role": r, "of": o} for r, o in roles],
            "mentions": [{"start": s, "end": e, "text": w} for w in written for s, e in [span(text, w)]],
        }
        for eid, name, etype, written, roles in entities
    ]
    data["quotes"] = []
    for qid, quote, kind, speaker, written in quotes:
        qs, qe = span(text, quote)
        ss, se = span(text, written)
        name = next(e[1] for e in entities if e[0] == speaker)
        data["quotes"].append(
            {
                "id": qid,
                "text": quote,
                "start": qs,
                "end": qe,
                "kind": kind,
                "speaker": {"entity": speaker, "name": name, "start": ss, "end": se},
            }
        )
    data["places"] = [
        {
            "name": name,
            "text": written,
            "start": span(text, written)[0],
            "end": span(text, written)[1],
            "kind": kind,
            "geonames_id": gid,
            "lat": lat,
            "lon": lon,
            "country": country,
        }
        for name, written, kind, gid, lat, lon, country in places
    ]
    data["claims"] = list(claims)
    data["events"] = list(events)
    data["predictions"] = list(predictions)
    article = Article.model_validate(data)
    article.id = writer.raw_sha(text)
    return article


MINSK = ("Minsk", "Minsk", "city", 625144, 53.9, 27.57, "BY")
VILNIUS = ("Vilnius", "Vilnius", "city", 593116, 54.69, 25.28, "LT")
KYIV_AS_KIEV = ("Kyiv", "Kiev", "city", 703448, 50.45, 30.52, "UA")

TEXT_BY = (
    "Andrei Kavalenka, the deputy head of the Minsk transport office, said on Monday: "
    "“The new bus line will open in March.” Kavalenka added that 40 buses were ordered."
)
TEXT_RU = (
    "Andrey Kovalenko, now head of the Minsk transport office, told reporters in Vilnius: "
    "“We will not raise the fares this year.” Up to 12 routes will change, Kovalenko said."
)


def belarusian_spelling() -> Article:
    text = TEXT_BY
    return record(
        text,
        source="https://news.example.org/minsk/buses",
        published="2023-02-06",
        title="Minsk orders new buses",
        entities=[
            (
                "e1",
                "Andrei Kavalenka",
                "PERSON",
                ["Andrei Kavalenka", "Kavalenka"],
                [("deputy head", "Minsk transport office")],
            )
        ],
        quotes=[("q1", "“The new bus line will open in March.”", "direct", "e1", "Andrei Kavalenka")],
        places=[MINSK],
        claims=[
            {
                "id": "c1",
                "text": "40 buses were ordered",
                **dict(zip(("start", "end"), span(text, "40 buses were ordered"), strict=True)),
                "value": 40,
                "qualifier": "exactly",
                "unit": "bus",
                "subject": "buses",
                "place": 0,
                "source_entity": "e1",
            }
        ],
        events=[
            {
                "id": "v1",
                "type": "announcement",
                "text": "The new bus line will open",
                **dict(zip(("start", "end"), span(text, "The new bus line will open"), strict=True)),
                "participants": ["e1"],
                "place": 0,
            }
        ],
    )


def russian_spelling() -> Article:
    text = TEXT_RU
    return record(
        text,
        source="/data/wire/kovalenko.txt",
        published="2023-09-14",
        title="No fare rise in Minsk this year",
        entities=[
            (
                "e1",
                "Andrey Kovalenko",
                "PERSON",
                ["Andrey Kovalenko", "Kovalenko"],
                [("head", "Minsk transport office")],
            )
        ],
        quotes=[
            ("q1", "“We will not raise the fares this year.”", "direct", "e1", "Andrey Kovalenko"),
            ("q2", "Up to 12 routes will change", "indirect", "e1", "Kovalenko"),
        ],
        places=[MINSK, VILNIUS],
        claims=[
            {
                "id": "c1",
                "text": "Up to 12 routes",
                **dict(zip(("start", "end"), span(text, "Up to 12 routes"), strict=True)),
                "value": 12,
                "qualifier": "up_to",
                "unit": "route",
                "subject": "routes",
                "place": 1,
                "quote": "q2",
                "source_entity": "e1",
            }
        ],
        predictions=[
            {
                "id": "p1",
                "text": "We will not raise the fares this year",
                **dict(
                    zip(("start", "end"), span(text, "We will not raise the fares this year"), strict=True)
                ),
                "speaker": "e1",
                "stance": "likely",
                "about": "fares",
            }
        ],
    )


def kyiv_article() -> Article:
    text = "Ivan Petrenko spoke in Kiev about the bridge. “It will be ready in May,” Petrenko said."
    return record(
        text,
        source="https://kyiv.example.net/bridge",
        published="2024-01-10",
        title="A bridge in Kyiv",
        entities=[("e1", "Ivan Petrenko", "PERSON", ["Ivan Petrenko", "Petrenko"], [])],
        quotes=[("q1", "“It will be ready in May,”", "direct", "e1", "Petrenko")],
        places=[KYIV_AS_KIEV],
        claims=[
            {
                "id": "c1",
                "text": "ready in May",
                **dict(zip(("start", "end"), span(text, "ready in May"), strict=True)),
                "place": 0,
            }
        ],
    )


# -- migrations ------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_are_recorded_and_a_second_run_applies_nothing(backend: str, tmp_path: Path) -> None:
    for location in pg_location() if backend == "postgresql" else iter([str(tmp_path / "m.db")]):
        with open_store(location) as store:
            assert store.migrations() == [m.name for m in MIGRATIONS]
            assert migrations.migrate(store.db) == []
        with open_store(location) as again:
            assert again.migrations() == [m.name for m in MIGRATIONS]


def test_a_failing_migration_leaves_no_trace(store: Store) -> None:
    broken = (
        *MIGRATIONS,
        Migration(
            "9000_half", sql="CREATE TABLE half_done (x INTEGER);\nCREATE TABLE broken (x NOSUCHTYPE(;"
        ),
    )
    with pytest.raises(Exception):  # noqa: B017 - the driver's own syntax error
        migrations.migrate(store.db, broken)
    assert "9000_half" not in store.migrations()
    with pytest.raises(Exception):  # noqa: B017
        store.db.all("SELECT * FROM half_done")


def test_a_store_from_a_newer_newsgraph_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="E307"):
        migrations.migrate(store.db, MIGRATIONS[:1])


# -- ingest ----------------------------------------------------------------------------------------


def test_an_analysed_record_round_trips(store: Store, analysed: list[Article]) -> None:
    report = store.ingest(analysed)
    assert report.stored == len(analysed) and not report.failed
    for article in analysed:
        stored = store.article(article.id)
        assert stored is not None
        assert stored.to_dict() == article.to_dict()
    assert store.article("0" * 64) is None


def test_the_same_article_twice_is_stored_once_with_two_copies(store: Store) -> None:
    first = belarusian_spelling()
    assert store.ingest([first]).stored == 1
    again = belarusian_spelling()
    again.source = "https://mirror.example.com/minsk-buses"
    report = store.ingest([again, belarusian_spelling()])
    assert (report.stored, report.duplicates) == (0, 2)
    assert store.stats().articles == 1
    links = store.article_links(first.id)
    assert links is not None
    assert sorted(c.source for c in links.copies) == sorted([first.source, again.source])
    assert store.articles().items[0].copies == 2


NEWS = (
    "Repair crews restored electricity to most districts of Kharkiv by the morning of November 18, "
    "two days after the night attack on the city's power plant. The head of the city energy company, "
    "Viktor Lysenko, said that about 70 percent of the consumers have power again. Schools in the "
    "Saltivka district will stay closed until November 22, the city council announced. Residents say "
    "they are tired but not afraid, and many have bought generators for the winter."
)


def test_near_duplicates_are_stored_and_grouped_into_one_story(store: Store) -> None:
    original = record(NEWS, source="a.txt", published="2022-11-18")
    syndicated = record(
        "KHARKIV POWER BACK\n\n" + NEWS + "\n\nSubscribe for more.", source="b.txt", published=None
    )
    other = record(TEXT_BY, source="c.txt", published=None)
    report = store.ingest([original, syndicated, other])
    assert (report.stored, report.near_duplicates) == (3, 1)
    links = store.article_links(syndicated.id)
    assert links is not None and links.story == original.id and links.story_articles == [original.id]
    other_links = store.article_links(other.id)
    assert other_links is not None and other_links.story == other.id
    assert store.stats().stories == 2


def test_failed_records_are_reported_and_not_stored(store: Store) -> None:
    report = store.ingest(
        [Article.failed("broken.html", "E010 broken.html: bad HTML (x)"), belarusian_spelling()]
    )
    assert report.stored == 1
    assert [(f.source, f.reason) for f in report.failed] == [
        ("broken.html", "E010 broken.html: bad HTML (x)")
    ]


def test_an_article_is_stored_whole_or_not_at_all(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    real = registry.resolve_all

    def failing(db: Any, items: Any) -> list[int]:
        # fails after the article row, its copy and its story bands were written
        if any(item[0] == "Andrei Kavalenka" for item in items):
            raise RuntimeError("disk on fire")
        return real(db, items)

    monkeypatch.setattr(registry, "resolve_all", failing)
    report = store.ingest([belarusian_spelling(), russian_spelling()], batch_size=2)
    assert report.stored == 1 and len(report.failed) == 1
    assert "E310" in report.failed[0].reason and "disk on fire" in report.failed[0].reason
    assert store.article(belarusian_spelling().id) is None
    counts = {
        t: store.db.scalar(f"SELECT count(*) FROM {t} WHERE article_id = ?", (belarusian_spelling().id,))
        for t in ("copies", "quotes", "mentions", "place_mentions", "claims", "story_bands")
    }
    assert set(counts.values()) == {0}, counts
    assert store.article(russian_spelling().id) is not None


def test_ingest_is_resumable_and_skips_stored_inputs_before_analysis(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT_BY, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT_RU, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    first = ingest_paths(store, [str(folder)])
    assert first.stored == 2 and len(first.failed) == 1 and "empty" in first.failed[0].reason

    import newsgraph.store.runner as runner

    seen: list[str] = []
    real = runner.analyze_articles

    def counting(articles: Any, settings: Any) -> Any:
        def spy() -> Iterator[Article]:
            for a in articles:
                seen.append(a.source)
                yield a

        return real(spy(), settings)

    monkeypatch.setattr(runner, "analyze_articles", counting)
    copy = tmp_path / "copy-of-a.txt"
    copy.write_text(TEXT_BY, encoding="utf-8")
    second = ingest_paths(store, [str(folder), str(copy)])
    assert seen == []  # nothing analysed again
    assert (second.stored, second.skipped, second.duplicates) == (0, 2, 1)
    assert store.stats().copies == 3


def test_reprocess_reruns_older_stages_from_the_raw_input(store: Store, analysed: list[Article]) -> None:
    article = analysed[0]
    store.ingest([article])
    assert store.stale_articles(article.stages) == []
    older = [s.replace("quotes.v", "quotes.v0") if s.startswith("quotes.") else s for s in article.stages]
    older = [s if not s.startswith("quotes.") else "quotes.v0" for s in older]
    with store.db.transaction():
        store.db.execute("UPDATE articles SET stages = ? WHERE id = ?", (json.dumps(older), article.id))
    assert store.stale_articles(article.stages) == [article.id]
    report = reprocess(store)
    assert (report.checked, report.reprocessed, report.failed) == (1, 1, [])
    again = store.article(article.id)
    assert again is not None and again.to_dict() == article.to_dict()
    assert store.stale_articles(article.stages) == []
    assert store.stats().copies == 1


# -- the registry across articles ------------------------------------------------------------------


def test_two_spellings_of_one_person_are_one_entity(store: Store) -> None:
    store.ingest([belarusian_spelling(), russian_spelling()])
    people = store.entities(Filters(kind="PERSON")).items
    assert len(people) == 1
    person = people[0]
    assert person.articles == 2 and person.quotes == 3
    assert {"Andrei Kavalenka", "Andrey Kovalenko", "Kavalenka", "Kovalenko"} <= set(person.aliases)
    for name in ("Kavalenka", "Andrey Kovalenko", "KOVALENKA", "Kowalenko", f"#{person.id}"):
        detail = store.entity(name)
        assert detail is not None and detail.entity.id == person.id, name
    detail = store.entity("Kovalenko")
    assert detail is not None
    assert [(r.role, r.of, r.date) for r in detail.roles] == [
        ("deputy head", "Minsk transport office", "2023-02-06"),
        ("head", "Minsk transport office", "2023-09-14"),
    ]
    assert (detail.first_seen, detail.last_seen) == ("2023-02-06", "2023-09-14")
    quotes = store.quotes(speaker="Kavalenka")
    assert quotes.total == 3
    assert {q.speaker_text for q in quotes.items} == {"Andrei Kavalenka", "Andrey Kovalenko", "Kovalenko"}
    assert {q.entity_name for q in quotes.items} == {"Andrei Kavalenka"}
    assert store.entity("Nobody Atall") is None


def test_spellings_that_fold_alike_are_all_listed_as_aliases(store: Store) -> None:
    """Zelensky and Zelenskyy have one transliteration-folded form; both spellings are kept."""
    from newsgraph.store.registry import folded, resolve

    assert folded("Taras Zelensky") == folded("Taras Zelenskyy")
    with store.db.transaction():
        first = resolve(store.db, "Taras Zelensky", "PERSON", ["Taras Zelensky"])
        second = resolve(store.db, "Taras Zelenskyy", "PERSON", ["Taras Zelenskyy", "Taras Zelensky"])
    assert first == second
    person = store.entity(first)
    assert person is not None
    assert {"Taras Zelensky", "Taras Zelenskyy"} <= set(person.entity.aliases)
    assert [e.id for e in store.find_entities("Taras Zelenskyy")] == [first]


def test_a_surname_alone_joins_a_person_only_when_one_fits(store: Store) -> None:
    def person(name: str, written: list[str], source: str) -> Article:
        text = f"{name} spoke in {source}. " + " ".join(f"{w} spoke." for w in written if w != name)
        return record(
            text,
            source=source,
            published="2024-01-01",
            entities=[("e1", name, "PERSON", sorted({name, *written}), [])],
        )

    store.ingest([person("Ivan Petrenko", [], "1.txt")])
    store.ingest([person("Petrenko", [], "2.txt")])  # one Petrenko known: it is him
    assert [e.name for e in store.entities(Filters(kind="PERSON")).items] == ["Ivan Petrenko"]
    store.ingest([person("Olha Petrenko", [], "3.txt")])  # another first name: another person
    store.ingest([person("Petrenko", [], "4.txt")])
    people = {e.name: e.articles for e in store.entities(Filters(kind="PERSON")).items}
    # "Petrenko" alone with two Petrenkos known is ambiguous: an entity of its own
    assert people == {"Ivan Petrenko": 2, "Olha Petrenko": 1, "Petrenko": 1}
    # a person's query finds every Petrenko
    assert {e.name for e in store.find_entities("Petrenko")} == {"Ivan Petrenko", "Olha Petrenko", "Petrenko"}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Andrei Kavalenka", "Andrey Kovalenko", "full"),
        ("A. Kavalenka", "Andrey Kovalenko", "full"),
        ("Kavalenka", "Andrey Kovalenko", "surname"),
        ("Olha Petrenko", "Ivan Petrenko", None),
        ("Mr Petrenko", "Ivan Petrenko", "surname"),
        ("Serhiy Holub", "Sergei Golub", "full"),
    ],
)
def test_name_fit(a: str, b: str, expected: str | None) -> None:
    assert registry.fit(a, b, "person") == expected


# -- queries ---------------------------------------------------------------------------------------


@pytest.fixture
def filled(store: Store) -> Store:
    store.ingest([belarusian_spelling(), russian_spelling(), kyiv_article()])
    return store


def test_articles_filters(filled: Store) -> None:
    def ids(**kw: Any) -> list[str]:
        return [a.title or "" for a in filled.articles(Filters(**kw)).items]

    assert ids() == ["A bridge in Kyiv", "No fare rise in Minsk this year", "Minsk orders new buses"]
    assert ids(since="2023-03", until="2023") == ["No fare rise in Minsk this year"]
    assert ids(until="2023-02-06") == ["Minsk orders new buses"]
    assert ids(source="news.example.org") == ["Minsk orders new buses"]
    assert ids(source="WIRE/") == ["No fare rise in Minsk this year"]
    assert ids(source="100%_") == []
    assert ids(entity="Kovalenko") == ["No fare rise in Minsk this year", "Minsk orders new buses"]
    assert ids(place="Vilnius") == ["No fare rise in Minsk this year"]
    assert ids(place="Kiev") == ["A bridge in Kyiv"]
    assert ids(speaker="Petrenko") == ["A bridge in Kyiv"]
    assert ids(entity="Nobody") == []
    page = filled.articles(page=Page(limit=1, offset=1))
    assert (page.total, len(page.items), page.has_next) == (3, 1, True)
    with pytest.raises(StoreError, match="E311"):
        filled.articles(Filters(since="last week"))


def test_quotes_filters(filled: Store) -> None:
    assert filled.quotes().total == 4
    assert filled.quotes(Filters(kind="indirect")).items[0].text == "Up to 12 routes will change"
    assert filled.quotes(Filters(since="2024")).items[0].speaker_text == "Petrenko"
    assert filled.quotes(Filters(speaker="Kowalenko", until="2023-06")).total == 1
    assert filled.quotes(Filters(place="Vilnius")).total == 2
    assert filled.quotes(speaker="Nobody Atall").total == 0
    row = filled.quotes(speaker="Petrenko").items[0]
    article = filled.article(row.article_id)
    assert article is not None and article.text[row.start : row.end] == row.text


def test_places_claims_events_predictions(filled: Store) -> None:
    places = {p.name: p for p in filled.places().items}
    assert places["Minsk"].articles == 2 and places["Minsk"].lat == pytest.approx(53.9)
    assert [p.name for p in filled.places(Filters(place="Kiev")).items] == ["Kyiv"]
    detail = filled.place("Minsk")
    assert detail is not None and len(detail.articles) == 2 and len(detail.quotes) == 3
    assert [c.text for c in detail.claims] == ["40 buses were ordered"]
    assert [e.type for e in detail.events] == ["announcement"]
    assert filled.place(f"#{places['Vilnius'].id}") is not None
    assert filled.place("Atlantis") is None
    claims = filled.claims(Filters(place="Vilnius")).items
    assert [(c.value, c.unit, c.entity_name, c.place_name) for c in claims] == [
        (12.0, "route", "Andrei Kavalenka", "Vilnius")
    ]
    assert [c.text for c in filled.claims(Filters(place="Kyiv")).items] == ["ready in May"]
    assert filled.claims(Filters(kind="bus")).total == 1
    assert filled.claims(Filters(speaker="Kovalenko")).total == 2
    events = filled.events(Filters(kind="announcement")).items
    assert events[0].participants == [(events[0].participants[0][0], "Andrei Kavalenka")]
    assert events[0].participants[0][0] is not None
    assert filled.events(Filters(kind="meeting")).total == 0
    predictions = filled.predictions(Filters(speaker="Kavalenka", kind="likely")).items
    assert [p.about for p in predictions] == ["fares"]


def test_timeline_and_stats(filled: Store) -> None:
    days = filled.timeline()
    assert [(d.day, d.articles, d.quotes) for d in days] == [
        ("2023-02-06", 1, 1),
        ("2023-09-14", 1, 2),
        ("2024-01-10", 1, 1),
    ]
    assert [d.day for d in filled.timeline(Filters(source="example"))] == ["2023-02-06", "2024-01-10"]
    stats = filled.stats()
    assert (stats.articles, stats.quotes, stats.claims, stats.events, stats.predictions) == (3, 4, 3, 1, 1)
    assert (stats.first_published, stats.last_published) == ("2023-02-06", "2024-01-10")
    assert json.loads(json.dumps(as_dict(stats)))["backend"] == filled.backend


def test_search_with_snippets_and_facets(filled: Store) -> None:
    result = filled.search("transport office")
    assert result.hits.total == 2
    hit = result.hits.items[0]
    assert all(hit.snippet[s:e].lower() in ("transport", "office") for s, e in hit.highlights)
    assert hit.highlights
    assert {f.label: f.count for f in result.facets["place"]}["Minsk"] == 2
    assert {f.label for f in result.facets["entity"]} == {"Andrei Kavalenka"}
    assert {f.value for f in result.facets["year"]} == {"2023"}
    assert {f.value for f in result.facets["source"]} == {"news.example.org", "local"}
    assert filled.search('"transport office" Minsk', Filters(since="2023-06")).hits.total == 1
    assert filled.search("bridge", Filters(entity="Petrenko")).hits.total == 1
    assert filled.search("buses").hits.items[0].article.title == "Minsk orders new buses"  # title weighs more
    assert filled.search("nothingmatcheshere").hits.total == 0


HOSTILE = [
    '"unbalanced',
    "AND OR",
    "NOT",
    "NEAR(",
    "a OR",
    "*",
    "title:buses",
    "-minsk",
    "'; DROP TABLE articles; --",
    "^minsk",
    "minsk) OR (1=1",
    "\x00minsk",
    "Минск",
    "%_%",
    "?",
    "{buses}",
    "x" * 900,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_strings_never_break_the_sql(filled: Store, query: str) -> None:
    try:
        result = filled.search(query)
    except StoreError as exc:
        assert exc.code == "E304"
    else:
        assert result.hits.total >= 0
    assert filled.stats().articles == 3


@pytest.mark.parametrize("query", ["", "   ", '""', "!!!", "x" * 1001])
def test_a_query_without_words_is_one_clear_error(filled: Store, query: str) -> None:
    with pytest.raises(StoreError, match="E304"):
        filled.search(query)


# -- export ----------------------------------------------------------------------------------------


def test_export_formats(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert export_module.export(filled, "jsonl", out) == 3
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in records} == {belarusian_spelling().id, russian_spelling().id, kyiv_article().id}
    stored = filled.article(records[0]["id"])
    assert stored is not None and records[0] == stored.to_dict()

    import csv

    assert export_module.export(filled, "csv", tmp_path / "a.csv", Filters(since="2024")) == 1
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["title"] for r in rows] == ["A bridge in Kyiv"] and rows[0]["quotes"] == "1"

    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed")
    assert export_module.export(filled, "parquet", tmp_path / "a.parquet") == 3
    table = pq.read_table(tmp_path / "a.parquet")
    assert table.num_rows == 3
    assert json.loads(table.column("record")[0].as_py())["schema"] == "newsgraph.article/1"


def test_parquet_without_pyarrow_is_one_clear_error(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(StoreError, match=r"E306.*pip install pyarrow"):
        export_module.export(filled, "parquet", tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()


def test_export_to_an_unwritable_place_is_one_clear_error(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="E309"):
        export_module.export(filled, "jsonl", tmp_path / "no" / "such" / "folder.jsonl")


# -- bad store locations (SQLite) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"hello, this is a text file\n",
        b"\x00" * 4096,
        b"SQLite format 2\x00" + b"\x01" * 100,
        b"PK\x03\x04zip",
    ],
)
def test_a_file_that_is_not_a_store_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="E302"):
        open_store(str(path))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_corrupt_sqlite_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    with open_store(str(path)) as store:
        store.ingest([belarusian_spelling()])
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"E30[12]"):
        open_store(str(path)).articles()


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"E302.*another program"):
        open_store(str(path))
    assert path.read_bytes() == before


def test_a_read_only_or_missing_location_is_one_clear_error(tmp_path: Path) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x", encoding="utf-8")
    for location in (
        str(a_file / "store.db"),
        str(tmp_path / "no" / "such" / "store.db"),
        "/proc/newsgraph.db",
        str(tmp_path),
    ):
        with pytest.raises(StoreError, match=r"E30[12]"):
            open_store(location)
    if os.geteuid() != 0:  # root writes anywhere: only a non-root run can check permissions
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        with pytest.raises(StoreError, match=r"E301.*not writable"):
            open_store(str(locked / "store.db"))


def test_queries_do_not_create_a_store(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="E303"):
        open_store(str(path), create=False)
    assert not path.exists()


def test_an_unreachable_server_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match=r"E301.*\*\*\*"):
        open_store("postgresql://someone:secret@127.0.0.1:1/nothing?connect_timeout=2")


def test_readers_see_a_store_while_it_is_written(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    with open_store(path) as writer_store, open_store(path, create=False) as reader:
        with writer_store.db.transaction():
            writer.store_article(
                writer_store.db, belarusian_spelling(), writer.Origin.of(belarusian_spelling())
            )
            assert reader.stats().articles == 0  # not committed: not seen, and no waiting
        assert reader.stats().articles == 1


def test_two_ingests_into_one_store_at_once_neither_fail_nor_duplicate(location: str) -> None:
    import threading

    open_store(location).close()  # migrated once, before the race
    texts = [f"{TEXT_BY} Report number {i} from the city council of Minsk." for i in range(12)]
    batches = [
        [record(t, source=f"{who}-{i}.txt", published="2023-02-06") for i, t in enumerate(texts)]
        for who in ("first", "second")
    ]
    reports = []
    errors: list[BaseException] = []

    def work(batch: list[Article]) -> None:
        try:
            with open_store(location) as mine:
                reports.append(mine.ingest(batch))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(r.stored for r in reports) == len(texts)
    assert sum(r.duplicates for r in reports) == len(texts)
    assert not any(r.failed for r in reports)
    with open_store(location) as store:
        stats = store.stats()
    assert (stats.articles, stats.copies) == (len(texts), 2 * len(texts))


CRASH_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_store import TEXT_RU, record
from newsgraph.store import open_store

with open_store({location!r}) as store:
    for i in range({count}):
        text = TEXT_RU + f" Bulletin {{i}}: " + " ".join(f"word{{i * 7 + k}}" for k in range(60))
        store.ingest([record(text, source=f"crash-{{i}}.txt", published="2023-09-14",
                             entities=[("e1", "Andrey Kovalenko", "PERSON", ["Kovalenko"], [])],
                             quotes=[("q1", "Up to 12 routes will change", "indirect", "e1", "Kovalenko")])])
        print(i, flush=True)
"""


def test_sigkill_never_leaves_half_an_article(location: str) -> None:
    import random
    import signal
    import subprocess
    import time

    count = 60
    script = CRASH_SCRIPT.format(tests=str(Path(__file__).parent), location=location, count=count)
    open_store(location).close()
    rng = random.Random(20)
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # it is writing
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        with open_store(location) as store:
            rows = store.db.all(
                "SELECT a.id, a.n_quotes, a.n_entities, "
                "(SELECT count(*) FROM quotes q WHERE q.article_id = a.id), "
                "(SELECT count(*) FROM mentions m WHERE m.article_id = a.id), "
                "(SELECT count(*) FROM copies c WHERE c.article_id = a.id) FROM articles a"
            )
            assert all(r[1] == r[3] == 1 and r[2] == r[4] == 1 and r[5] == 1 for r in rows), rows
            orphans = store.db.scalar(
                "SELECT count(*) FROM quotes q "
                "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = q.article_id)"
            )
            assert orphans == 0
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    with open_store(location) as store:
        stats = store.stats()
    assert (stats.articles, stats.copies, stats.quotes) == (count, count, count)


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "'; DROP TABLE quotes; --", "%", "_", "\\", "🙂" * 300])
def test_hostile_filter_values_are_plain_text(filled: Store, value: str) -> None:
    for field in ("source", "speaker", "entity", "place", "kind"):
        filters = Filters(**{field: value})
        results = [
            filled.quotes(filters),
            filled.articles(filters),
            filled.claims(filters),
            filled.events(filters),
        ]
        results += [filled.places(filters), filled.entities(filters), filled.predictions(filters)]
        if field in ("speaker", "entity", "place") and value not in ("\x00",):
            assert [r.total for r in results[:3]] == [0, 0, 0], field
        assert all(0 <= r.total <= 10 for r in results)
        filled.timeline(filters)
    assert filled.stats().quotes == 4
