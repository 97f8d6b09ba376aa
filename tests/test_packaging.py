"""``pip install .`` (not editable) ships the bundled data: the wheel holds the glossaries,
cleaner rules and model registry under normalize/_data (pyproject's force-include)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_bundled_data(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(ROOT),
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0 and "hatchling" in proc.stderr:
        pytest.skip("hatchling is not installed: " + proc.stderr.strip().splitlines()[-1])
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("normalize-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "normalize/_data/glossaries/drugs.yaml",
        "normalize/_data/glossaries/companies.yaml",
        "normalize/_data/glossaries/regulators.yaml",
        "normalize/_data/glossaries/lexicon/zh-en.yaml",
        "normalize/_data/models/registry.yaml",
        "normalize/cli/__init__.py",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    assert any(n.startswith("normalize/_data/rules/") and n.endswith(".yaml") for n in names)
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "normalize = normalize.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
