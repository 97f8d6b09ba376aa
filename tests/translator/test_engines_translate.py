"""Translation on Ray Data and Spark (local mode) with the tiny Marian model: each engine's
rows are those Pipeline.process_records gives in one process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize.pipeline import Pipeline

pytestmark = [pytest.mark.torch, pytest.mark.slow]

GLOSSARY = Path(__file__).resolve().parents[1] / "data" / "translator-glossary"


def records() -> list[dict[str, str]]:
    rows = [{"id": f"z{i}", "text": f"安贝生物宣布维洛妥珠单抗第{i}期获批。"} for i in range(6)]
    rows[2]["text"] = ""  # a bad record
    return rows


def config(tiny_marian: Path, cache: Path) -> dict[str, object]:
    return {
        "model": str(tiny_marian),
        "glossary_paths": [str(GLOSSARY)],
        "cache_dir": str(cache),
        "translation_cache": False,
    }


def expected(tiny_marian: Path, cache: Path) -> dict[str, tuple[object, object]]:
    rows = Pipeline(config(tiny_marian, cache)).process_records(records())
    return {
        r["id"]: (r.get("error") is None and r["text"], r.get("error") is not None) for r in rows
    }


def got(rows: list[dict[str, object]]) -> dict[str, tuple[object, object]]:
    return {str(r["id"]): (r["error"] is None and r["text"], r["error"] is not None) for r in rows}


@pytest.mark.ray
def test_ray_translates(ray_local, tiny_marian: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import ray.data

    from normalize.integrations.ray import normalize_dataset

    ds = ray.data.from_items(records(), override_num_blocks=2)
    rows = normalize_dataset(ds, config(tiny_marian, tmp_path)).take_all()
    assert got(rows) == expected(tiny_marian, tmp_path)
    good = [r for r in rows if r["error"] is None]
    assert all(json.loads(str(r["entities"]))[0]["id"] == "anbei" for r in good)
    assert {r["lang"] for r in good} == {"zh"}


@pytest.mark.spark
def test_spark_translates(spark_local, tiny_marian: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from normalize.integrations.spark import normalize_dataframe

    df = spark_local.createDataFrame(records()).repartition(2)
    rows = [r.asDict() for r in normalize_dataframe(df, config(tiny_marian, tmp_path)).collect()]
    assert got(rows) == expected(tiny_marian, tmp_path)
    assert {r["lang"] for r in rows if r["error"] is None} == {"zh"}
