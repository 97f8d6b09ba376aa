"""Garbling a name by letter edits, for the fuzzy finder's property tests (shared by
test_fuzzy_pool and test_fuzzy_shortcuts)."""

from __future__ import annotations


def edit(text: str, edits: list[tuple[str, int, str]]) -> str:
    """``text`` with each (op, at, letter) applied: "d" deletes, "i" inserts, else substitutes."""
    for op, at, letter in edits:
        at %= len(text) + 1
        if op == "d" and len(text) > 1:
            text = text[:at] + text[at + 1 :]
        elif op == "i":
            text = text[:at] + letter + text[at:]
        else:
            text = text[:at] + letter + text[at + 1 :]
    return text
