"""Ray Data: run the pipeline over a ``ray.data.Dataset`` with a pool of actors.

    import ray, ray.data
    from normalize.integrations.ray import normalize_dataset

    ds = ray.data.read_parquet("s3://crawl/2026-12/")           # columns text|html, id, url, ...
    out = normalize_dataset(ds, {"translate": False}, omit=("changes",))
    out.write_parquet("s3://crawl-clean/2026-12/")

:class:`Normalizer` is the callable class for ``Dataset.map_batches`` (one pipeline per actor,
built in ``__init__``); :func:`normalize_dataset` calls it with resources that avoid the known
traps:

* an actor pool that reserves every CPU leaves none for the read tasks, and the job hangs:
  actors reserve a fraction of a CPU each (:func:`actor_cpus`), one CPU stays free;
* Ray Data does not keep row order unless asked: rows carry the input's ``id`` to join on;
* one exception in a UDF fails the whole dataset: every record is caught, a bad one is a row
  with ``error`` set (see :mod:`normalize.batch`);
* ``ray.data.read_json`` fails the read on one malformed line: read JSONL with
  ``ray.data.read_text`` and ``json_column="text"``, and a bad line becomes an error row.

Output columns: the input's columns, then ``text``, ``lang``, ``entities``, ``changes``,
``suggestions``, ``warnings``, ``stamp`` (nested ones as JSON text) and ``error``
(:mod:`normalize.integrations.table`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from normalize.config import Config
from normalize.errors import MissingDependencyError, install_hint
from normalize.integrations.table import output_columns, process_rows
from normalize.pipeline import Pipeline

INSTALL = install_hint("ray")
BATCH_SIZE = 64  # records per map_batches call: large enough to amortize, small for memory
FREE_CPUS = 1.0  # CPUs the actors leave unreserved for read and write tasks


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise MissingDependencyError(f"the Ray adapter needs ray[data]: {INSTALL}") from None
    return ray


class Normalizer:
    """``ds.map_batches(Normalizer, fn_constructor_kwargs={"config": {...}}, batch_format=
    "pandas", concurrency=N, num_cpus=...)``: one pipeline per actor; each batch (a pandas
    DataFrame) comes back with the output columns, one row per input row, in batch order."""

    def __init__(
        self,
        config: Config | Mapping[str, Any] | None = None,
        *,
        fields: Collection[str] | None = None,
        omit: Collection[str] = (),
        json_column: str | None = None,
    ) -> None:
        self.pipeline = Pipeline(config)
        self.fields, self.omit, self.json_column = fields, tuple(omit), json_column

    def __call__(self, batch: Any) -> Any:
        import pandas as pd

        columns = output_columns(list(batch.columns), self.fields, self.omit, self.json_column)
        rows = batch.to_dict("records")
        return pd.DataFrame(process_rows(self.pipeline, rows, columns, self.json_column))


def actor_cpus(cluster_cpus: float, actors: int) -> float:
    """Logical CPUs each actor reserves so that :data:`FREE_CPUS` stay free for reading and
    writing (an actor still uses a whole core; reservations only schedule)."""
    return max(0.05, min(1.0, (cluster_cpus - FREE_CPUS) / max(1, actors)))


def normalize_dataset(
    ds: Any,
    config: Config | Mapping[str, Any] | None = None,
    *,
    actors: int | None = None,
    num_gpus: float = 0,
    batch_size: int = BATCH_SIZE,
    fields: Collection[str] | None = None,
    omit: Collection[str] = (),
    json_column: str | None = None,
) -> Any:
    """``ds`` normalized by a pool of ``actors`` (default: the cluster's CPUs, or its GPUs
    when ``num_gpus`` is set: one translating actor per GPU)."""
    ray = _ray()
    config = Config.coerce(config)
    if not ray.is_initialized():
        ray.init()  # what Ray Data would do on first use; the pool is sized from it
    resources = ray.cluster_resources()
    cpus = float(resources.get("CPU", 1))
    if actors is None:
        gpus = int(resources.get("GPU", 0) / num_gpus) if num_gpus else 0
        actors = max(1, gpus or int(cpus))
    per_actor = actor_cpus(cpus, actors)
    # Each actor's translation model gets the cores it reserves, at least one.
    config = Config.from_dict({**config.to_dict(), "threads": max(1, int(per_actor))})
    return ds.map_batches(
        Normalizer,
        fn_constructor_kwargs={
            "config": config.to_dict(),
            "fields": fields,
            "omit": tuple(omit),
            "json_column": json_column,
        },
        batch_format="pandas",
        batch_size=batch_size,
        concurrency=actors,
        num_cpus=per_actor,
        num_gpus=num_gpus or None,
    )
