"""The store's commands: ingest (idempotent, resumable, bad inputs), queries in every format,
export, hostile input, bad --db values; each against SQLite and, where it matters, PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsgraph.cli import build_parser, main
from newsgraph.store import open_store
from test_store import (
    TEXT_BY,
    TEXT_RU,
    belarusian_spelling,
    kyiv_article,
    location,  # noqa: F401 - a fixture, parametrised over the backends
    russian_spelling,
)

STORE_COMMANDS = ("ingest", "reprocess", "search", "quotes", "entity", "claims", "export", "stats")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "2023-02-06-buses.txt").write_text(
        "Minsk orders new buses\n\n" + TEXT_BY + "\n", encoding="utf-8"
    )
    (folder / "2023-09-14-fares.txt").write_text(
        "No fare rise in Minsk\n\n" + TEXT_RU + "\n", encoding="utf-8"
    )
    return folder


@pytest.fixture
def db(location: str) -> str:  # noqa: F811
    """A store with three records made by code (claims, events and predictions included)."""
    with open_store(location) as store:
        store.ingest([belarusian_spelling(), russian_spelling(), kyiv_article()])
    return location


def test_ingest_is_idempotent_and_records_copies(
    location: str,  # noqa: F811
    inputs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run("ingest", str(inputs), "--db", location)
    assert code == 0
    assert out.startswith("stored 2, duplicates 0 (near-duplicate stories 0), skipped 0, failed 0")
    copy = tmp_path / "mirror.txt"
    copy.write_text((inputs / "2023-02-06-buses.txt").read_text(encoding="utf-8"), encoding="utf-8")
    code, out = run("ingest", str(inputs), str(copy), "--db", location)
    assert code == 0
    assert out.startswith("stored 0, duplicates 1 (near-duplicate stories 0), skipped 2, failed 0")
    with open_store(location) as store:
        stats = store.stats()
    assert (stats.articles, stats.copies) == (2, 3)


def test_bad_inputs_get_one_line_each_and_the_batch_goes_on(
    tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\xff" * 2000)
    db = str(tmp_path / "s.db")
    paths = [
        str(tmp_path / "empty.txt"),
        str(tmp_path / "missing.txt"),
        str(tmp_path / "bad.json"),
        str(inputs),
    ]
    code, out = run("ingest", *paths, "--db", db)
    assert code == 1
    assert "stored 2," in out and "failed 3" in out
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
    assert all(line.startswith("newsgraph: E0") for line in err), err
    assert "Traceback" not in "".join(err)


def test_quotes_by_any_alias_in_every_format(db: str) -> None:
    code, out = run("quotes", "--speaker", "Kavalenka", "--db", db)
    assert code == 0
    assert "Andrei Kavalenka" in out and "1-3 of 3 quotes" in out
    code, out = run("quotes", "--speaker", "Andrey Kovalenko", "--db", db, "--format", "json")
    data = json.loads(out)
    assert data["total"] == 3 and {q["entity_name"] for q in data["items"]} == {"Andrei Kavalenka"}
    code, out = run("quotes", "--speaker", "kowalenko", "--db", db, "--format", "csv", "--kind", "indirect")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["as written"], r["quote"]) for r in rows] == [("Kovalenko", "Up to 12 routes will change")]
    code, out = run(
        "quotes",
        "--speaker",
        "Kavalenka",
        "--since",
        "2023-06",
        "--until",
        "2023-12-31",
        "--db",
        db,
        "--format",
        "json",
    )
    assert json.loads(out)["total"] == 2
    code, out = run(
        "quotes", "--speaker", "Kavalenka", "--source", "news.example.org", "--db", db, "--format", "json"
    )
    assert json.loads(out)["total"] == 1
    code, out = run("quotes", "--speaker", "Nobody", "--db", db)
    assert code == 0 and out.strip() == "no quotes"
    code, out = run("quotes", "--db", db, "--limit", "1", "--format", "table")
    assert "(--offset 1 for more)" in out


def test_search_entity_claims(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("search", "transport office", "--db", db)
    assert code == 0 and "1-2 of 2 hits" in out and "place: Minsk (2)" in out
    code, out = run("search", "transport", "--db", db, "--format", "json", "--since", "2023-06")
    assert json.loads(out)["hits"]["total"] == 1
    code, out = run("search", "buses", "--db", db, "--format", "csv")
    assert next(iter(csv.DictReader(io.StringIO(out))))["title"] == "Minsk orders new buses"

    code, out = run("entity", "Kovalenko", "--db", db)
    assert code == 0
    assert (
        out.startswith("Andrei Kavalenka (#") and "2023-02-06  deputy head of Minsk transport office" in out
    )
    code, out = run("entity", "Kowalenko", "--db", db, "--format", "json")
    assert json.loads(out)["entity"]["articles"] == 2
    code, out = run("entity", "Nobody Atall", "--db", db)
    assert code == 1 and "E305" in capsys.readouterr().err

    code, out = run("claims", "--place", "Vilnius", "--db", db, "--format", "json")
    assert [c["text"] for c in json.loads(out)["items"]] == ["Up to 12 routes"]
    code, out = run("claims", "--place", "Kiev", "--db", db, "--format", "csv")
    assert [r["claim"] for r in csv.DictReader(io.StringIO(out))] == ["ready in May"]
    code, out = run("claims", "--place", "Atlantis", "--db", db)
    assert code == 0 and out.strip() == "no claims"


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR", "NEAR(", "'; DROP TABLE articles; --", "*", ""])
def test_hostile_search_gives_results_or_one_line(
    db: str, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run("search", query, "--db", db)
    err = capsys.readouterr().err
    assert code in (0, 2)
    if code == 2:
        assert err.count("\n") == 1 and "E304" in err
    assert "Traceback" not in err and "sqlite3" not in err and "psycopg" not in err
    assert run("stats", "--db", db, "--format", "json")[0] == 0


def test_export_every_format(db: str, tmp_path: Path) -> None:
    code, out = run("export", "--format", "jsonl", "--out", str(tmp_path / "a.jsonl"), "--db", db)
    assert code == 0 and out.strip() == f"exported 3 articles to {tmp_path / 'a.jsonl'}"
    assert len((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    code, _ = run(
        "export", "--format", "csv", "--out", str(tmp_path / "a.csv"), "--db", db, "--since", "2024"
    )
    assert len(list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))) == 1
    pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    code, _ = run("export", "--format", "parquet", "--out", str(tmp_path / "a.parquet"), "--db", db)
    assert code == 0 and (tmp_path / "a.parquet").stat().st_size > 0


@pytest.mark.parametrize("content", [b"just some notes\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64])
def test_a_non_store_file_as_db_is_one_line_and_untouched(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    for argv in (["stats"], ["quotes", "--speaker", "x"], ["search", "x"]):
        code, _ = run(*argv, "--db", str(path))
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "E302" in err and str(path) in err
    assert path.read_bytes() == content


def test_queries_on_a_missing_store_say_so_and_create_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing.db"
    code, _ = run("quotes", "--speaker", "x", "--db", str(path))
    assert code == 2 and "E303" in capsys.readouterr().err
    assert not path.exists()


def test_a_read_only_location_is_one_line(
    tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for db in ("/proc/newsgraph.db", str(tmp_path / "no" / "folder.db")):
        code, _ = run("ingest", str(inputs), "--db", db)
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "E301" in err


def test_newsgraph_db_in_the_environment_is_the_default(
    tmp_path: Path, inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("NEWSGRAPH_DB", str(path))
    code, out = run("ingest", str(inputs / "2023-02-06-buses.txt"))
    assert code == 0 and str(path) in out
    assert json.loads(run("stats", "--format", "json")[1])["articles"] == 1


def test_reprocess_on_an_up_to_date_store_does_nothing(tmp_path: Path, inputs: Path) -> None:
    db = str(tmp_path / "r.db")
    assert run("ingest", str(inputs), "--db", db)[0] == 0
    code, out = run("reprocess", "--db", db)
    assert code == 0 and out.startswith("0 articles made by older stages, 0 re-analysed")


def test_bad_option_values_are_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["quotes", "--since", "yesterday"], ["quotes", "--limit", "-1"]):
        code, _ = run(*argv, "--db", db)
        assert code == 2 and capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("command", STORE_COMMANDS)
def test_every_store_command_has_help_with_db(command: str) -> None:
    parser = build_parser()
    assert parser._subparsers is not None
    sub = parser._subparsers._group_actions[0].choices[command]  # type: ignore[index]
    assert "--db PATH|URL" in sub.format_help()


def test_ingest_from_the_installed_command(tmp_path: Path, inputs: Path) -> None:
    db = tmp_path / "cli.db"
    done = subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "ingest", str(inputs), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stored 2,")
