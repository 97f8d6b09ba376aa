"""The engine-neutral batch entry point: Pipeline.process_records, plain-dict configs, pickling,
and the field selection every output shares."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from normalize.batch import parse_field_list, select_fields
from normalize.config import Config
from normalize.pipeline import Pipeline

GOOD = "Hengrui Medicine said Ruikang trastuzumab met its goal.\n"


@pytest.fixture(scope="module")
def pipeline(session_cache: Path) -> Pipeline:
    return Pipeline({"translate": False, "cache_dir": str(session_cache)})


def test_rows_in_input_order_with_fields_passed_through(pipeline: Pipeline) -> None:
    records = [{"id": n, "text": GOOD, "site": f"s{n}"} for n in range(5)]
    rows = pipeline.process_records(records)
    assert [r["id"] for r in rows] == [0, 1, 2, 3, 4]
    assert [r["site"] for r in rows] == ["s0", "s1", "s2", "s3", "s4"]
    expected = pipeline.process(GOOD).to_dict()
    assert all({k: r[k] for k in expected} == expected for r in rows)
    assert "Jiangsu Hengrui Pharmaceuticals" in rows[0]["text"]


def test_a_bad_record_is_an_error_row_and_the_rest_go_on(pipeline: Pipeline) -> None:
    rows = pipeline.process_records(
        [
            {"id": "a", "text": GOOD},
            {"id": "b", "text": "   "},
            {"id": "c", "body": "no text field"},
            "not a mapping",  # type: ignore[list-item]
            {"id": "e", "html": "<html><body><p>" + GOOD + "</p></body></html>"},
        ]
    )
    assert [r.get("id") for r in rows] == ["a", "b", "c", None, "e"]
    assert "error" not in rows[0] and "error" not in rows[4]
    assert rows[1]["error"] == "record 2 (id b): empty text"
    assert rows[2]["error"] == "record 3 (id c): record has no 'text' or 'html' string field"
    assert rows[3]["error"] == "record 4: expected a mapping, got str"
    assert "Jiangsu Hengrui" in rows[4]["text"]


def test_an_unexpected_exception_in_a_stage_is_an_error_row(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.stages[-1]

    class Exploding:
        name = "canonicalize"

        def __call__(self, doc):  # type: ignore[no-untyped-def]
            if "boom" in doc.text:
                raise ZeroDivisionError("division by zero")
            return real(doc)

        def stamp(self) -> dict[str, str]:
            return real.stamp()

    monkeypatch.setattr(pipeline, "stages", [*pipeline.stages[:-1], Exploding()])
    rows = pipeline.process_records(
        [{"id": 1, "text": "A boom in biotech deals went on.\n"}, {"id": 2, "text": GOOD}]
    )
    assert (
        rows[0]["error"] == "record 1 (id 1): internal error: ZeroDivisionError: division by zero"
    )
    assert "Jiangsu Hengrui" in rows[1]["text"]


def test_fields_and_omit(pipeline: Pipeline) -> None:
    rows = pipeline.process_records(
        [{"id": 1, "text": GOOD, "html": "<p>x</p>"}, {"id": 2, "text": ""}],
        omit=("changes", "html", "stamp"),
    )
    assert set(rows[0]) == {"id", "text", "lang", "entities", "suggestions", "warnings"}
    rows = pipeline.process_records(
        [{"id": 1, "text": GOOD}, {"id": 2, "text": ""}], fields=("text",)
    )
    assert set(rows[0]) == {"text"}
    assert set(rows[1]) == {"id", "text", "error"}  # error rows keep what names them


def test_select_fields_never_drops_error() -> None:
    row = {"id": 1, "line": 3, "error": "x", "text": "t"}
    assert select_fields(row, omit=("error", "id")) == {"line": 3, "error": "x", "text": "t"}
    assert select_fields(row, fields=()) == {"id": 1, "line": 3, "error": "x"}
    assert parse_field_list(" id, text,,entities ") == ("id", "text", "entities")
    assert parse_field_list(None) is None


def test_config_round_trips_through_a_plain_dict(tmp_path: Path) -> None:
    config = Config(
        translate=False, glossary_paths=(tmp_path / "g",), cache_dir=tmp_path, threads=3
    )
    plain = config.to_dict()
    assert plain["glossary_paths"] == [str(tmp_path / "g")]
    assert pickle.loads(pickle.dumps(plain)) == plain
    assert Config.from_dict(plain) == config
    assert Config.coerce(None) == Config()
    assert Config.coerce(config) is config
    with pytest.raises(ValueError, match=r"unknown field.*translat"):
        Config.from_dict({"translat": False})


def test_a_pipeline_pickles_as_its_config(pipeline: Pipeline) -> None:
    data = pickle.dumps(pipeline)
    assert len(data) < 2000  # no glossary, index or model inside
    other = pickle.loads(data)
    assert other.config == pipeline.config
    assert other.stamp == pipeline.stamp
    assert other.process_records([{"text": GOOD}]) == pipeline.process_records([{"text": GOOD}])
