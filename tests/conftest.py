"""Shared fixtures: one compiled bundled glossary per test session.

Compiling the bundled glossary takes a few seconds, so it is done once and kept in a session
cache folder; ``NORMALIZE_CACHE`` points there (and ``NORMALIZE_CACHE_KEY`` at a
session key) for the whole session, so pipelines the CLI
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
    old_key = os.environ.get("NORMALIZE_CACHE_KEY")
    os.environ["NORMALIZE_CACHE"] = str(path)
    # The key that signs cache files (normalize.cachefile), kept outside the cache like a user's.
    os.environ["NORMALIZE_CACHE_KEY"] = str(tmp_path_factory.getbasetemp() / "key" / "cache-key")
    yield path
    if old_key is None:
        os.environ.pop("NORMALIZE_CACHE_KEY", None)
    else:
        os.environ["NORMALIZE_CACHE_KEY"] = old_key
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


# ---- engines (tests marked ray / spark) ------------------------------------------------------


@pytest.fixture(scope="session")
def ray_local(session_cache: Path) -> Iterator[object]:
    """Ray on this machine with 2 logical CPUs, as CI has; shut down after the session."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="session")
def spark_local(session_cache: Path) -> Iterator[object]:
    """A local[2] SparkSession whose Python workers are this interpreter."""
    import shutil
    import sys

    pytest.importorskip("pyspark")
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime (.ci/run installs default-jre-headless)")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()
