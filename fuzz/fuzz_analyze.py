"""atheris harness for `analyze` on text: the whole default pipeline over any text, plain or as-is.

The pipeline is built once (as `analyze_articles` does per call) so each input costs only its analysis.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["newsgraph"]):
    from newsgraph.api import build_pipeline
    from newsgraph.article import Article
    from newsgraph.settings import Settings, using

from common import check_one
from harness import main

SETTINGS = Settings()
PIPELINE = build_pipeline(SETTINGS)
RUN_SETTINGS = SETTINGS.but(components=tuple(sorted(PIPELINE.components)))


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    as_is = provider.ConsumeBool()
    text = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())
    article = Article.from_raw(text, source="fuzz", as_is=as_is)
    with using(RUN_SETTINGS.but(as_is=as_is)):
        (done,) = PIPELINE.run([article])
    check_one(done)


if __name__ == "__main__":
    main(test_one_input)
