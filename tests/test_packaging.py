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
    # The distribution's name (`normalize` on the index is another project); the import
    # package inside stays `normalize`.
    (wheel,) = tmp_path.glob("normalize_news-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "normalize/_data/glossaries/drugs.yaml",
        "normalize/_data/glossaries/companies.yaml",
        "normalize/_data/glossaries/regulators.yaml",
        "normalize/_data/glossaries/lexicon/zh-en.yaml",
        "normalize/_data/models/registry.yaml",
        "normalize/_data/rules/grammar/line-grammar.yaml",
        "normalize/cli/__init__.py",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    assert any(n.startswith("normalize/_data/rules/") and n.endswith(".yaml") for n in names)
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "normalize = normalize.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "\nName: normalize-news\n" in meta
    # Translation with CTranslate2 needs no torch; the torch extra is for conversion.
    requires = [ln for ln in meta.splitlines() if ln.startswith("Requires-Dist:")]
    translate = [ln for ln in requires if "extra == 'translate'" in ln]
    assert any("ctranslate2" in ln for ln in translate)
    assert not any(n in ln for ln in translate for n in ("torch", "transformers"))
    assert any("torch" in ln and "extra == 'torch'" in ln for ln in requires)


def test_install_hints_name_the_distribution() -> None:
    """Every pip hint in the code and the README installs this project, not `normalize` (an
    unrelated package on the index), with the extra that holds what is missing."""
    import re

    from normalize.errors import DISTRIBUTION, install_hint

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'name = "{DISTRIBUTION}"' in pyproject
    hint = re.compile(r"pip install [^\n`]*?'?([\w.-]+)\[")
    files = [ROOT / "README.md", *sorted((ROOT / "normalize").rglob("*.py"))]
    for path in files:
        for name in hint.findall(path.read_text(encoding="utf-8")):
            assert name in (DISTRIBUTION, "."), f"{path}: pip hint installs {name!r}"
    assert install_hint("translate") == "pip install 'normalize-news[translate]'"
    assert "download.pytorch.org/whl/cpu" in install_hint("torch")
