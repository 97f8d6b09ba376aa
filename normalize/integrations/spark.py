"""Apache Spark: run the pipeline over a DataFrame with ``mapInPandas``.

    from pyspark.sql import SparkSession
    from normalize.integrations.spark import normalize_dataframe

    spark = SparkSession.builder.getOrCreate()
    df = spark.read.parquet("hdfs:///crawl/2026-12/")           # columns text|html, id, url, ...
    out = normalize_dataframe(df, {"translate": False}, omit=("changes",))
    out.write.parquet("hdfs:///crawl-clean/2026-12/")

:func:`normalize_dataframe` is ``df.mapInPandas(mapper(...), output_schema(...))``; use those
two directly to compose your own. Each Python worker builds one pipeline per config and keeps
it for every later partition (:func:`pipeline_for`); a bad record is a row with ``error`` set,
never a failed task. Output columns: the input's, then ``text``, ``lang``, ``entities``,
``changes``, ``suggestions``, ``warnings``, ``stamp`` (nested ones as JSON text), ``error``.

Known traps: executors run ``python3`` from their PATH unless ``PYSPARK_PYTHON`` names the
interpreter that has normalize installed; one input file is one partition unless it is
split (``df.repartition(n)`` before normalizing a few large files); ``spark.read.json`` keeps
a malformed line as a null row (read JSONL with ``spark.read.text`` and ``json_column="value"``
to get an error row naming the problem instead).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from normalize.config import Config
from normalize.errors import MissingDependencyError, install_hint
from normalize.integrations.table import OUTPUT_COLUMNS, output_columns, process_rows
from normalize.pipeline import Pipeline

INSTALL = install_hint("spark")

_pipelines: dict[str, Pipeline] = {}  # per Python worker, keyed by the config's JSON


def _pyspark() -> Any:
    try:
        import pyspark.sql.types as types
    except ImportError:
        raise MissingDependencyError(
            f"the Spark adapter needs pyspark, pandas and pyarrow: {INSTALL}"
        ) from None
    return types


def pipeline_for(config: Mapping[str, Any]) -> Pipeline:
    """This worker's pipeline for ``config`` (built on first use, then kept)."""
    key = json.dumps(dict(config), sort_keys=True, default=str)
    if key not in _pipelines:
        _pipelines[key] = Pipeline(Config.from_dict(config))
    return _pipelines[key]


def output_schema(
    input_schema: Any,
    fields: Collection[str] | None = None,
    omit: Collection[str] = (),
    json_column: str | None = None,
) -> Any:
    """The StructType :func:`mapper` returns for a DataFrame with ``input_schema``."""
    types = _pyspark()
    given = {f.name: f for f in input_schema.fields}
    names = output_columns(list(given), fields, omit, json_column)
    return types.StructType(
        [
            given[n]
            if n in given and n not in OUTPUT_COLUMNS and not json_column
            else types.StructField(n, types.StringType(), True)
            for n in names
        ]
    )


def mapper(
    config: Config | Mapping[str, Any] | None,
    columns: list[str],
    json_column: str | None = None,
) -> Any:
    """The function for ``df.mapInPandas``; ``columns`` are :func:`output_schema`'s names."""
    plain = Config.coerce(config).to_dict()
    return functools.partial(_map, plain, tuple(columns), json_column)


def _map(
    config: dict[str, Any], columns: tuple[str, ...], json_column: str | None, batches: Any
) -> Iterator[Any]:
    import pandas as pd

    if not config.get("threads"):
        # A translation model gets the cores Spark gave this task (spark.task.cpus), not
        # every core of the executor, which runs other tasks beside it.
        config = {**config, "threads": _task_cpus()}
    pipeline = pipeline_for(config)
    for batch in batches:
        rows = batch.to_dict("records")
        yield pd.DataFrame(
            process_rows(pipeline, rows, columns, json_column), columns=list(columns)
        )


def _task_cpus() -> int:
    try:
        from pyspark import TaskContext

        context = TaskContext.get()
        return max(1, int(context.cpus())) if context is not None else 1
    except (ImportError, AttributeError, ValueError):
        return 1


def normalize_dataframe(
    df: Any,
    config: Config | Mapping[str, Any] | None = None,
    *,
    fields: Collection[str] | None = None,
    omit: Collection[str] = (),
    json_column: str | None = None,
) -> Any:
    """``df`` with the pipeline's output columns, one row per input row."""
    schema = output_schema(df.schema, fields, omit, json_column)
    return df.mapInPandas(mapper(config, schema.names, json_column), schema)
