"""The README is the contract: every ```python block runs (in a fresh interpreter, outside the
checkout), a ``print(...)  # TEXT`` line must print TEXT, and every ``normalize clean`` command
in its ```sh blocks runs on small files named as the README names them."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARTICLE = "Hengrui Medicine said Ruikang trastuzumab met its goal.\n\nShare:\n"
PAGE = (
    "<html><head><title>Trial news</title></head><body><nav>Home | News</nav><article>"
    "<p>Hengrui Medicine said adebelimumab met its main goal in a trial of patients with "
    "small cell lung cancer, and it will file for approval next year.</p></article></body></html>"
)


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", README, re.S | re.M)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


PYTHON_BLOCKS = _blocks("python")


def test_readme_has_python_blocks() -> None:
    assert PYTHON_BLOCKS, "the README's Python API section lost its code"


@pytest.mark.parametrize(
    "code", PYTHON_BLOCKS, ids=[f"python-{i}" for i in range(len(PYTHON_BLOCKS))]
)
def test_python_block_runs(code: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for expected in re.findall(r"^[ \t]*print\(.*\)[ \t]+#[ \t]*(.+)$", code, re.M):
        assert expected.strip() in proc.stdout, (expected, proc.stdout)


def _clean_commands() -> list[str]:
    commands = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            for part in line.split(" && "):
                part = part.split("  #")[0].strip()
                if re.match(r"^(cat \S+ \| )?normalize clean\b", part):
                    commands.append(part)
    return commands


CLEAN_COMMANDS = _clean_commands()


def test_readme_has_clean_commands() -> None:
    assert len(CLEAN_COMMANDS) >= 6, CLEAN_COMMANDS


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files with the names the README's commands use."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "hengrui-licensing-mt.txt", folder / "examples")
    for name in ("article.txt", "a.txt"):
        (folder / name).write_text(ARTICLE, encoding="utf-8")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "b.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    records = json.dumps({"id": 1, "text": "Adebelimumab was tested."}) + "\n"
    records += json.dumps({"id": 2, "html": PAGE}) + "\n"
    for name in ("crawl.jsonl", "c.jsonl"):
        (folder / name).write_text(records, encoding="utf-8")
    shutil.copytree(ROOT / "tests" / "data" / "core-glossary", folder / "my-glossaries")
    (folder / "my-sites").mkdir()
    (folder / "my-sites" / "example.com.yaml").write_text(
        "site: example.com\nlines:\n  - Home | News\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("command", CLEAN_COMMANDS)
def test_clean_command_runs(command: str, workdir: Path) -> None:
    # The installed `normalize` is this checkout's, as `python -m normalize`.
    shell = command.replace("normalize clean", f"{sys.executable} -m normalize clean")
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {shell}"],
        capture_output=True,
        text=True,
        cwd=workdir,
        env=_env(),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    produced = proc.stdout or (workdir / "clean.jsonl").read_text(encoding="utf-8")
    assert produced.strip()
