"""Edits change only the lines they are about, in fmt's layout; fmt keeps every comment, is
idempotent, refuses alias bombs; writes keep links and modes; old lint problems that merely
moved do not block an edit. Edits run on a copy of the bundled glossary (it is in fmt's layout)."""

from __future__ import annotations

import difflib
import os
import random
import shutil
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.cli import main
from normalize.glossary.entries import load_glossary, parse_glossary_text
from normalize.resources import data_dir


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMALIZE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    target = tmp_path / "glossaries"
    shutil.copytree(data_dir("glossaries"), target)
    return target


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["glossary", *args], catch_exceptions=False)
    return result.exit_code, result.output


def changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines)."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))}


def test_alias_add_changes_the_alias_line_only(bundled: Path) -> None:
    before = snapshot(bundled)
    code, out = run("alias", "add", "pyrotinib", "Pyrotinib Maleate X", "--glossary", str(bundled))
    assert code == 0, out
    after = snapshot(bundled)
    assert [n for n in after if after[n] != before[n]] == ["drugs.yaml"]
    assert changes(before["drugs.yaml"], after["drugs.yaml"]) == (
        [],
        ["  aliases: [Pyrotinib Maleate X]"],
    )
    assert run("fmt", "--check", "--glossary", str(bundled))[0] == 0
    # An existing list grows on its own line; a Chinese name goes to zh.
    first = after["drugs.yaml"]
    zh_name = ["pyrotinib", "吡咯替尼X", "--field", "zh"]
    code, out = run("alias", "add", *zh_name, "--glossary", str(bundled))
    assert code == 0, out
    removed, added = changes(first, snapshot(bundled)["drugs.yaml"])
    assert len(removed) == 1 and removed[0].startswith("  zh: [吡咯替尼,")
    assert len(added) == 1 and added[0].startswith("  zh: [吡咯替尼,") and "吡咯替尼X]" in added[0]
    assert run("fmt", "--check", "--glossary", str(bundled))[0] == 0
    assert "吡咯替尼X" in load_glossary([bundled])["pyrotinib"].zh


def test_add_writes_a_new_entry_in_fmt_layout(bundled: Path) -> None:
    before = snapshot(bundled)["drugs.yaml"]
    args = ["add", "zz_examplinib", "--type", "drug", "--canonical", "examplinib"]
    args += ["--code", "EXL-1", "--source", "https://example.org/a", "--glossary", str(bundled)]
    code, out = run(*args, "--dry-run")
    assert code == 0, out
    assert out.startswith("--- a/") and len(out.splitlines()) < 25  # a diff, not the file
    assert snapshot(bundled)["drugs.yaml"] == before
    assert run(*args)[0] == 0
    removed, added = changes(before, snapshot(bundled)["drugs.yaml"])
    assert removed == []
    assert added == [
        "",
        "- id: zz_examplinib",
        "  type: drug",
        "  canonical: examplinib",
        "  status: draft",
        "  codes: [EXL-1]",
        "  sources:",  # one per line, as the glossary README asks
        "  - https://example.org/a",
    ]
    assert run("fmt", "--check", "--glossary", str(bundled))[0] == 0
    assert load_glossary([bundled])["zz_examplinib"].codes == ("EXL-1",)


def test_edit_writes_through_a_symlink_and_keeps_the_mode(tmp_path: Path, bundled: Path) -> None:
    real = tmp_path / "real-drugs.yaml"
    (bundled / "drugs.yaml").rename(real)
    os.chmod(real, 0o600)
    (bundled / "drugs.yaml").symlink_to(real)
    assert run("alias", "add", "pyrotinib", "Pyrotinib Y", "--glossary", str(bundled))[0] == 0
    assert (bundled / "drugs.yaml").is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert "Pyrotinib Y" in real.read_text(encoding="utf-8")


SHARED_NAME = """\
entries:
- id: beta_one
  type: drug
  canonical: betamab
  aliases: [Beta Shared]

- id: gamma_two
  type: drug
  canonical: gammamab
  aliases: [Beta Shared]
"""


def test_old_problems_that_move_do_not_block_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "g" / "drugs.yaml"
    path.parent.mkdir()
    path.write_text(SHARED_NAME, encoding="utf-8")
    assert run("lint", "--glossary", str(path.parent))[0] == 1  # the same-name error is old
    # The new entry sorts first: every line of the old error moves, and its text names them.
    code, out = run("add", "alpha_new", "--type", "drug", "--canonical", "alphamab",
                    "--glossary", str(path.parent))  # fmt: skip
    assert code == 0, out
    assert "- id: alpha_new" in path.read_text(encoding="utf-8")
    # A new instance of the same kind of problem is still refused.
    code, out = run("alias", "add", "alpha_new", "Beta Shared", "--glossary", str(path.parent))
    assert code == 1 and "not written" in out


def test_fmt_refuses_an_alias_bomb_fast(tmp_path: Path) -> None:
    lines = ["meta:", '  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        lines.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines += ["entries:", "- id: x", "  type: drug", "  canonical: x"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    code, out = run("fmt", "--check", str(path))
    assert code == 1 and "anchors and aliases" in out and f"{path}:2" in out
    assert time.perf_counter() - started < 10


def test_fmt_keeps_end_of_line_comments_and_the_prologue(tmp_path: Path) -> None:
    text = """\
# Made-up drugs for a test.
---
# the list
entries:
- id: alpha
  canonical: alphamab  # the INN
  type: drug
  notes: a note  # trails the last key
"""
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    assert run("fmt", str(path))[0] == 0
    once = path.read_text(encoding="utf-8")
    assert once.startswith("# Made-up drugs for a test.\n---\n# the list\nentries:\n")
    for comment in ("# the INN", "# trails the last key"):
        assert comment in once
    assert run("fmt", "--check", str(path))[0] == 0


# ---- property: fmt on larger generated files ---------------------------------------------------

_KEYS = ["canonical", "status", "aliases", "codes", "zh", "notes", "sources", "render", "examples"]
_LISTS = {"aliases": ["Alias{i}a", "Alias{i}b"], "codes": ["AB-{i}"], "zh": ["阿尔法{i}"],
          "sources": ["https://example.org/{i}"]}  # fmt: skip


def _generated(rng: random.Random) -> str:
    """A glossary of 3-20 entries: keys in any order, lists inline or not, comments anywhere."""
    out = ["# header", "entries:"]

    def note(tag: str) -> str:
        return f"  # {tag}" if rng.random() < 0.3 else ""

    for i in range(rng.randint(3, 20)):
        keys = rng.sample(_KEYS, rng.randint(1, len(_KEYS)))
        keys = keys if "canonical" in keys else [*keys, "canonical"]
        rng.shuffle(keys)
        out += [f"- id: e{i}", "  type: drug"]
        for key in keys:
            c = note(f"c{i}{key}")
            if key in _LISTS:
                values = [v.format(i=i) for v in _LISTS[key]]
                if rng.random() < 0.5:
                    out.append(f"  {key}: [{', '.join(values)}]{c}")
                else:
                    out += [f"  {key}:{c}"] + [f"  - {v}{note(f'v{i}{v}')}" for v in values]
            elif key == "render":
                out += [f"  render:{c}", f"    first: Name {i}{note(f'r{i}')}"]
            elif key == "examples":
                out += [f"  examples:{c}", f"    match: [name{i} works]{note(f'm{i}')}"]
            else:
                value = {"canonical": f"name{i}", "status": "draft", "notes": f"note {i}"}[key]
                out.append(f"  {key}: {value}{c}")
        if rng.random() < 0.3:
            out.append(f"# before e{i + 1}")
        if rng.random() < 0.5:
            out.append("")
    return "\n".join(out) + "\n"


@settings(max_examples=25, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_fmt_keeps_comments_and_is_idempotent_on_generated_files(rng: random.Random) -> None:
    from normalize.glossary.termbase import comparable
    from normalize.glossary.yamledit import format_text

    text = _generated(rng)
    once = format_text(text)
    assert format_text(once) == once
    for line in text.splitlines():
        if "#" in line:
            assert "# " + line.split("# ", 1)[1] in once
    assert [comparable(e) for e in parse_glossary_text(once)] == [
        comparable(e) for e in parse_glossary_text(text)
    ]
