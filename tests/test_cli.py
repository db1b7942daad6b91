"""The command line: formats, standard input, exit status, --as-is, help and version."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import validate_jsonl
from newsgraph import __version__
from newsgraph.cli import main

ARTICLE = (
    "Talks in Vilnius end without a deal\n\n"
    "Negotiations between the carriers of Lithuania and Poland ended in Vilnius on July 7. "
    "“We leave with nothing,” said Algirdas Petrauskas, chairman of the union of carriers.\n"
)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "talks.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_json_is_one_indented_record(article_file: Path) -> None:
    code, out = run("analyze", str(article_file), "--format", "json", "--published", "2023-07-08")
    assert code == 0
    record = json.loads(out)
    assert record["schema"] == "newsgraph.article/1"
    assert record["source"] == str(article_file)
    assert record["published"] == "2023-07-08"
    assert "\n  " in out  # indented for a person


def test_several_inputs_give_one_record_per_line_in_input_order(article_file: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.txt"
    second.write_text("Rasa Zukauskiene teaches in Kaunas.", encoding="utf-8")
    code, out = run("analyze", str(second), str(article_file), "--format", "json")
    assert code == 0
    records = validate_jsonl(out)
    assert [r["source"] for r in records] == [str(second), str(article_file)]


def test_text_report_names_title_sources_and_sections(article_file: Path) -> None:
    code, out = run("analyze", str(article_file), "--published", "2023-07-08")
    assert code == 0
    assert out.startswith("Talks in Vilnius end without a deal")
    for heading in ("SOURCES", "PLACES", "DATES", "NUMBERS"):
        assert heading in out or heading in ("PLACES", "DATES")


def test_a_bad_input_gets_an_error_record_and_the_rest_go_on(article_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    code, out = run("analyze", str(missing), str(article_file), "--format", "jsonl")
    assert code == 1
    records = validate_jsonl(out)
    assert len(records) == 2
    assert records[0]["error"] and str(missing) in records[0]["error"]
    assert records[0]["entities"] == [] and records[0]["quotes"] == []
    assert records[1]["error"] is None and records[1]["text"]


def test_a_bad_option_value_is_one_clear_line(article_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("analyze", str(article_file), "--published", "21/06/2022")
    assert code == 2
    assert "published" in capsys.readouterr().err


def test_directories_are_walked(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Olena Markiv lives in Odesa.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Taras Hnatyuk lives in Lviv.", encoding="utf-8")
    code, out = run("analyze", str(tmp_path), "--format", "jsonl")
    assert code == 0
    assert [Path(r["source"]).name for r in validate_jsonl(out)] == ["a.txt", "b.txt"]


def test_standard_input_through_the_installed_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "analyze", "-", "--format", "jsonl", "--as-is"],
        input=ARTICLE.encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    (record,) = validate_jsonl(proc.stdout.decode("utf-8"))
    assert record["text"] == ARTICLE
    assert record["source"] == "-"


TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_as_is_keeps_any_utf8_text_exactly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.txt"
    path.write_bytes(text.encode("utf-8"))
    code, out = run("analyze", "--as-is", "--format", "json", str(path))
    record = json.loads(out)
    if code == 0:
        assert record["text"] == text
    else:  # only an empty text may be refused, and then with a reason
        assert text == "" and record["error"]


def test_version() -> None:
    with pytest.raises(SystemExit) as stop:
        run("--version")
    assert stop.value.code == 0


@pytest.mark.parametrize("command", ["analyze", "example", "stages", "schema"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        run(command, "--help")
    assert stop.value.code == 0
    assert f"usage: newsgraph {command}" in capsys.readouterr().out


def test_version_string_matches_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("--version")
    assert capsys.readouterr().out.strip() == f"newsgraph {__version__}"


def test_stages_lists_the_default_pipeline() -> None:
    code, out = run("stages")
    assert code == 0
    assert "* clean.v2" in out and "* quotes.v11" in out


def test_schema_command_prints_the_schema() -> None:
    code, out = run("schema")
    assert code == 0 and json.loads(out)["title"] == "newsgraph.article/1"
