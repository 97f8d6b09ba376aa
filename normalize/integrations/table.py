"""Rows to table columns, shared by the engine adapters.

A table needs the same columns in every batch, so every output column is always present
(null when a row does not have it) and nested values (``entities``, ``changes``,
``suggestions``, ``warnings``, ``stamp``) are JSON text: one fixed, flat schema that Parquet,
Arrow and Spark all take, whatever a batch holds.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from normalize.batch import record_from_mapping
from normalize.io import parse_json_record
from normalize.pipeline import Pipeline, process_record

# Output columns after the input's own, in this order; nested ones hold JSON text.
OUTPUT_COLUMNS = (
    "text",
    "lang",
    "entities",
    "changes",
    "suggestions",
    "warnings",
    "stamp",
    "error",
)
JSON_KEPT = ("id", "url")  # input fields kept from JSONL lines (other fields vary by line)
NESTED = frozenset({"entities", "changes", "suggestions", "warnings", "stamp"})


def output_columns(
    input_columns: Sequence[str],
    fields: Collection[str] | None = None,
    omit: Collection[str] = (),
    json_column: str | None = None,
) -> list[str]:
    """The columns a batch with ``input_columns`` comes out with (``error`` always)."""
    if json_column:  # each line has its own fields: keep the ones every table wants
        passed = list(JSON_KEPT)
    else:
        passed = [c for c in input_columns if c not in OUTPUT_COLUMNS]
    columns = [*passed, *OUTPUT_COLUMNS]
    if fields is not None:
        columns = [c for c in columns if c in fields or c == "error"]
    return [c for c in columns if c not in omit or c == "error"]


def process_rows(
    pipeline: Pipeline,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    json_column: str | None = None,
) -> dict[str, list[Any]]:
    """Column lists for ``columns`` from input rows. With ``json_column`` each row's value
    there is one JSONL line to parse (as ``ray.data.read_text`` gives): a malformed line is
    then an error row, not a failed read."""
    out: dict[str, list[Any]] = {c: [] for c in columns}
    for number, row in enumerate(rows, 1):
        if json_column is not None:
            raw = row.get(json_column)
            record = parse_json_record(
                raw.encode("utf-8") if isinstance(raw, str) else b"null", "", number
            )
        else:
            record = record_from_mapping(row, number)
        values = process_record(pipeline, record).row
        if json_column:
            # A JSONL line's id may be a number on one line and text on the next: one type.
            values = {**values, "id": record.id, "url": record.url}
        for column in columns:
            value = values.get(column)
            if column in NESTED and value is not None:
                value = json.dumps(value, ensure_ascii=False)
            out[column].append(value)
    return out
