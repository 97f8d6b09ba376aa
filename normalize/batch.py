"""Records in memory in, rows out: :meth:`Pipeline.process_records`, the entry point of every
batch engine (``normalize clean --jobs``, :mod:`normalize.integrations`).

Each record goes through :func:`normalize.pipeline.process_record`, the same function
``normalize clean`` runs, so rows are the same whichever way they are produced. A bad record
never raises: its row carries ``error`` (naming the record and the problem) and the rest go on.

A record is a mapping with ``text`` or ``html``, optional ``id``, ``url`` and ``lang``; other
fields pass through to its row. A row is the record's fields plus the pipeline's output
(``text``, ``lang``, ``entities``, ``changes``, ``suggestions``, ``warnings``, ``stamp``), or plus
``error``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from normalize.io import Record, record_from_object

if TYPE_CHECKING:
    from normalize.pipeline import Pipeline

# What a row always keeps when --fields picks columns: enough to find a failed record again.
ERROR_FIELDS = ("error", "line", "id")


def record_from_mapping(obj: Mapping[str, Any], number: int) -> Record:
    """A record handed over in memory; ``number`` (1-based) names it in error messages."""
    if not isinstance(obj, Mapping):
        return Record(
            "", number, error=f"record {number}: expected a mapping, got {type(obj).__name__}"
        )
    return record_from_object(dict(obj), "", number)


def process_records(
    pipeline: Pipeline,
    records: Iterable[Mapping[str, Any]],
    *,
    fields: Collection[str] | None = None,
    omit: Collection[str] = (),
) -> list[dict[str, Any]]:
    """One row per record, in input order. ``fields``/``omit``: see :func:`select_fields`."""
    from normalize.pipeline import process_record

    rows = []
    for number, obj in enumerate(records, 1):
        outcome = process_record(pipeline, record_from_mapping(obj, number))
        rows.append(select_fields(outcome.row, fields, omit))
    return rows


def select_fields(
    row: dict[str, Any], fields: Collection[str] | None = None, omit: Collection[str] = ()
) -> dict[str, Any]:
    """Keep only ``fields`` (when given; an error row also keeps ``error``, ``line``, ``id``),
    then drop ``omit`` (e.g. ``changes``, ``html``, ``stamp``: downstream tables rarely want
    them, and changes and entities triple a JSONL file). ``error`` is never dropped."""
    if fields is not None:
        keep = set(fields) | (set(ERROR_FIELDS) if "error" in row else set())
        row = {k: v for k, v in row.items() if k in keep}
    if omit:
        row = {k: v for k, v in row.items() if k not in omit or k == "error"}
    return row


def parse_field_list(value: str | None) -> tuple[str, ...] | None:
    """``"id,text, entities"`` -> ``("id", "text", "entities")``; None stays None."""
    if value is None:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())
