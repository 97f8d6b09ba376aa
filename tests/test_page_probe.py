"""The invented labelled pages of benchmarks/pages/ (benchmarks/page_probe.py): every file reads,
and the scorer counts what the stage removed from its recorded changes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def probe():  # type: ignore[no-untyped-def]
    # loaded from its file: benchmarks/ is no package
    path = ROOT / "benchmarks" / "page_probe.py"
    spec = importlib.util.spec_from_file_location("page_probe", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_reads_with_content_and_boilerplate(probe) -> None:  # type: ignore[no-untyped-def]
    pages = sorted((ROOT / "benchmarks" / "pages").glob("*.txt"))
    assert len(pages) >= 70
    for path in pages:
        lines, labels = probe.read_page(path)
        assert path.stem.removeprefix("tuned-").split("-")[0] in ("en", "zh"), path.name
        assert "C" in labels and "B" in labels, path.name
        assert len(lines) == len(labels)


def test_a_bad_label_names_the_file_and_line(probe, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "en-01-x.txt"
    path.write_text("# a page\nC\tTitle\nQ\tMenu\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"en-01-x.txt:3: expected C, B or X"):
        probe.read_page(path)


def test_removed_lines_are_the_stages_recorded_removals(probe) -> None:  # type: ignore[no-untyped-def]
    from normalize.config import Config
    from normalize.strip.cleaner import CleanerStage

    stage = CleanerStage.from_config(Config())
    text = "\n".join(
        [
            "Share on LinkedIn",
            "Contoso Biologics said on Tuesday that its antibody met the main goal of a trial.",
            "The company plans to file for approval with the regulator later this year.",
            "© 2026 Example Media. All rights reserved.",
        ]
    )
    gone = probe.removed_lines(stage, text)
    assert set(gone) == {0, 3}
    assert all(isinstance(rule, str) and rule for rule in gone.values())
