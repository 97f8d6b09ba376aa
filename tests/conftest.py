"""Shared fixtures: one compiled bundled glossary per test session.

Compiling the bundled glossary takes a few seconds, so it is done once and kept in a session
cache folder; ``NORMALIZE_CACHE`` points there for the whole session, so pipelines the CLI
builds in tests load the same compiled index and nothing is written to the user's home.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from normalize.canonicalize import Canonicalizer
from normalize.canonicalize.index import compile_glossary
from normalize.config import Config
from normalize.glossary.entries import Glossary, load_glossary
from normalize.pipeline import Pipeline


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # The same folder test_glossary_tools uses, so both share one compiled index.
    path = tmp_path_factory.getbasetemp() / "cache"
    path.mkdir(exist_ok=True)
    old = os.environ.get("NORMALIZE_CACHE")
    os.environ["NORMALIZE_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("NORMALIZE_CACHE", None)
    else:
        os.environ["NORMALIZE_CACHE"] = old


@pytest.fixture(scope="session")
def bundled_glossary() -> Glossary:
    return load_glossary()


@pytest.fixture(scope="session")
def canon(bundled_glossary: Glossary, session_cache: Path) -> Canonicalizer:
    return Canonicalizer(bundled_glossary, compile_glossary(bundled_glossary, session_cache))


@pytest.fixture(scope="session")
def pipeline_no_translate(bundled_glossary: Glossary, session_cache: Path) -> Pipeline:
    """What ``normalize clean --no-translate`` runs."""
    return Pipeline(Config(translate=False, cache_dir=session_cache), glossary=bundled_glossary)
