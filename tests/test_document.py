"""The records that flow through the pipeline: JSON shapes and immutability."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.document import Change, Document, Entity, Suggestion


def test_change_to_dict_keeps_before_and_after_and_drops_unset_fields() -> None:
    removal = Change("strip", "remove", "Share:", "", 0, 6, rule="en-share")
    assert removal.to_dict() == {
        "stage": "strip",
        "action": "remove",
        "before": "Share:",
        "after": "",
        "start": 0,
        "end": 6,
        "rule": "en-share",
    }
    untracked = Change("translate", "translate", "你好", "Hello")
    assert untracked.to_dict() == {
        "stage": "translate",
        "action": "translate",
        "before": "你好",
        "after": "Hello",
    }


def test_document_to_dict_is_json() -> None:
    doc = Document(
        "Hengrui said so.",
        entities=(
            Entity(
                "hengrui",
                "Jiangsu Hengrui Pharmaceuticals Co., Ltd.",
                "company",
                "Hengrui Medicine",
                0,
                7,
                100.0,
                "exact",
            ),
        ),
        changes=(Change("canonicalize", "replace", "Hengrui Medicine", "Hengrui", 0, 16),),
        suggestions=(Suggestion("Hengruimab", 0, 10, (("hengrui", 78.456),), "below threshold"),),
        stamp={"tool": "normalize"},
    )
    d = json.loads(json.dumps(doc.to_dict()))
    assert d["entities"][0]["surface"] == "Hengrui Medicine"
    assert d["text"][d["entities"][0]["start"] : d["entities"][0]["end"]] == "Hengrui"
    assert d["suggestions"][0]["candidates"] == [{"id": "hengrui", "score": 78.46}]
    assert set(d) == {"text", "lang", "entities", "changes", "suggestions", "warnings", "stamp"}


def test_documents_are_immutable_and_evolve() -> None:
    doc = Document("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "b"  # type: ignore[misc]
    new = doc.evolve(text="b", lang="en")
    assert (doc.text, doc.lang, new.text, new.lang) == ("a", None, "b", "en")


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "text": st.text(max_size=5),
            "is_html": st.booleans(),
            "url": st.none() | st.text(max_size=5),
            "lang": st.none() | st.sampled_from(["en", "zh"]),
            "warnings": st.lists(st.text(max_size=3)).map(tuple),
            "stamp": st.dictionaries(st.text(max_size=3), st.text(max_size=3)),
        },
    )
)
def test_evolve_is_dataclasses_replace(changes: dict[str, object]) -> None:
    doc = Document("a", url="https://example.com/", lang="zh", warnings=("w",), stamp={"s": "1"})
    assert doc.evolve(**changes) == dataclasses.replace(doc, **changes)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        doc.evolve(txt="b")
