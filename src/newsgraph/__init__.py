"""newsgraph: who said what, about whom, where and when, from raw news articles."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

# The stages' subpackage is imported first: importing it binds the name `analyze` on this package,
# and the function imported next must be what `newsgraph.analyze` means, whatever is imported later.
from . import analyze as _stages  # noqa: F401
from .api import analyze, analyze_articles, analyze_paths
from .article import SCHEMA, Article
from .settings import Settings

try:
    __version__ = version("newsgraph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["SCHEMA", "Article", "Settings", "__version__", "analyze", "analyze_articles", "analyze_paths"]
