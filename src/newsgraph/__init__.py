"""newsgraph: who said what, about whom, where and when, from raw news articles."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .api import analyze, analyze_articles, analyze_paths
from .article import SCHEMA, Article
from .settings import Settings

try:
    __version__ = version("newsgraph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["SCHEMA", "Article", "Settings", "__version__", "analyze", "analyze_articles", "analyze_paths"]
