"""A YAML alias bomb ("billion laughs": a few lines of nested aliases that expand to billions of
nodes) in a glossary or rule file is refused with ``file:line`` before anything walks the
expanded data; ordinary anchors and aliases still load. Each load runs in a subprocess with a
timeout, since before the guard these loads did not finish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 60  # a generous bound for a subprocess on a loaded machine; the refusal takes < 1 s


def _bomb(levels: int = 9) -> str:
    lines = ["  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_an_alias_bomb_in_a_glossary_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    # The bomb sits in 'meta' (anchors come before their aliases); its top enters an entry.
    path.write_text(
        "meta:\n  laughs:\n" + _bomb() + "entries:\n- id: lol\n  type: drug\n"
        "  canonical: lol\n  aliases: *l8\n",
        encoding="utf-8",
    )
    out = _run(
        "import sys\nfrom normalize.glossary.entries import load_glossary\n"
        "from normalize.errors import GlossaryError\n"
        "try:\n    load_glossary([sys.argv[1]])\nexcept GlossaryError as exc:\n    print(exc)\n",
        str(path),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"{path}:11: aliases repeat")


def test_an_alias_bomb_in_a_rule_file_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("lang: en\ndefines:\n  laughs:\n" + _bomb() + "rules: []\n", encoding="utf-8")
    out = _run(
        "import sys\nfrom normalize.strip.rules import load_rules\n"
        "from normalize.errors import RulesError\n"
        "try:\n    load_rules([sys.argv[1]])\nexcept RulesError as exc:\n    print(exc)\n",
        str(path),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"{path}:11: aliases repeat")


def test_recursive_aliases_and_deep_nesting_are_errors_not_crashes() -> None:
    from normalize.errors import GlossaryError
    from normalize.yamlfile import load_data

    with pytest.raises(GlossaryError, match=r"^r\.yaml:1: an alias refers to a node"):
        load_data("a: &a [*a]\n", "r.yaml", GlossaryError)
    with pytest.raises(GlossaryError, match=r"^d\.yaml: YAML error: data nested too deeply"):
        load_data("[" * 100_000, "d.yaml", GlossaryError)


def test_ordinary_aliases_still_load() -> None:
    from normalize.errors import GlossaryError
    from normalize.yamlfile import load_data

    text = "a: &x [1, 2]\nb: *x\n"
    assert load_data(text, "ok.yaml", GlossaryError) == {"a": [1, 2], "b": [1, 2], "__line__": 1}
    assert load_data(text, "ok.yaml", GlossaryError, lines=False) == {"a": [1, 2], "b": [1, 2]}
