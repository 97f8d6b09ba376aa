"""The Ray Data and Spark adapters in local mode (markers ``ray`` and ``spark``): rows in
order of ``id``, a bad record and a malformed JSONL line as error rows, fixed columns; and the
message when an engine is not installed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from normalize.errors import MissingDependencyError

GOOD = "Hengrui Medicine said Ruikang trastuzumab met its goal."
CANONICAL = "Jiangsu Hengrui Pharmaceuticals said trastuzumab rezetecan (SHR-A1811) met its goal."


def records() -> list[dict[str, object]]:
    return [{"id": f"r{i}", "text": "" if i == 3 else GOOD, "site": "s"} for i in range(12)]


def jsonl_file(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": i, "text": GOOD}) for i in range(4)]
    lines[2] = "{broken"
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check_rows(rows: list[dict[str, object]]) -> None:
    rows = sorted(rows, key=lambda r: int(str(r["id"])[1:]))
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(12)]
    assert set(rows[0]) == {
        "id",
        "site",
        "text",
        "lang",
        "entities",
        "suggestions",
        "warnings",
        "stamp",
        "error",
    }
    # "record N": N counts within the engine's batch, so only the id names it.
    assert str(rows[3]["error"]).endswith("(id r3): empty text")
    good = [r for r in rows if r["id"] != "r3"]
    assert all(r["error"] is None and r["text"] == CANONICAL for r in good)
    entities = json.loads(str(good[0]["entities"]))
    assert [e["id"] for e in entities] == ["hengrui", "trastuzumab_rezetecan"]


def check_jsonl_rows(rows: list[dict[str, object]]) -> None:
    assert len(rows) == 4
    bad = [r for r in rows if r["error"]]
    assert len(bad) == 1 and "malformed JSON" in str(bad[0]["error"])
    assert sorted(str(r["id"]) for r in rows if not r["error"]) == ["0", "1", "3"]


@pytest.mark.ray
def test_ray(ray_local, session_cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import ray.data

    from normalize.integrations.ray import normalize_dataset

    config = {"translate": False, "cache_dir": str(session_cache)}
    ds = ray.data.from_items(records(), override_num_blocks=3)
    check_rows(normalize_dataset(ds, config, omit=("changes",)).take_all())
    lines = ray.data.read_text(str(jsonl_file(tmp_path)))
    out = normalize_dataset(lines, config, json_column="text", fields=("id", "text"))
    check_jsonl_rows(out.take_all())


@pytest.mark.spark
def test_spark(spark_local, session_cache: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from normalize.integrations.spark import normalize_dataframe

    config = {"translate": False, "cache_dir": str(session_cache)}
    df = spark_local.createDataFrame(records()).repartition(2)
    out = normalize_dataframe(df, config, omit=("changes",))
    assert out.schema.names == [
        "id",
        "site",
        "text",
        "lang",
        "entities",
        "suggestions",
        "warnings",
        "stamp",
        "error",
    ]
    check_rows([r.asDict() for r in out.collect()])
    lines = spark_local.read.text(str(jsonl_file(tmp_path)))
    out = normalize_dataframe(lines, config, json_column="value", fields=("id", "text"))
    check_jsonl_rows([r.asDict() for r in out.collect()])


def test_ray_actors_leave_a_cpu_for_reading() -> None:
    from normalize.integrations.ray import actor_cpus

    assert actor_cpus(2, 2) == 0.5  # 2 actors on 2 CPUs: 1 CPU stays free for read tasks
    assert actor_cpus(16, 4) == 1.0
    assert actor_cpus(1, 1) == 0.05


@pytest.mark.parametrize(("module", "extra"), [("ray", "ray"), ("pyspark", "spark")])
def test_a_missing_engine_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, module: str, extra: str
) -> None:
    import importlib

    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(
        sys.modules, f"{module}.sql.types" if extra == "spark" else "ray.data", None
    )
    adapter = importlib.import_module(f"normalize.integrations.{extra}")
    call = adapter._ray if extra == "ray" else adapter._pyspark
    with pytest.raises(MissingDependencyError, match=rf"pip install 'normalize-news\[{extra}\]'"):
        call()
