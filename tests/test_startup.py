"""Start-up stays light: nothing heavy is imported for help or an English --no-translate run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "ctranslate2", "sentencepiece", "numpy")
HELP_SANITY_S = 10.0  # not a benchmark: only catches an import of something enormous

PROBE = """
import json, sys
{body}
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print("HEAVY=" + json.dumps(heavy), file=sys.stderr)
"""


def _run(body: str, cache: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NORMALIZE_CACHE": str(cache)}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    code = PROBE.format(body=body, heavy=HEAVY)
    return subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def _heavy(proc: subprocess.CompletedProcess[str]) -> list[str]:
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY=")]
    assert line, proc.stderr
    return json.loads(line[-1][len("HEAVY=") :])


CLI = """
from normalize.cli import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit:
    pass
"""


@pytest.mark.parametrize(
    ("name", "body", "stdin"),
    [
        ("import", "import normalize", ""),
        ("help", CLI.format(args=["--help"]), ""),
        ("clean help", CLI.format(args=["clean", "--help"]), ""),
        (
            "clean --no-translate",
            CLI.format(args=["clean", "--no-translate"]),
            "Hengrui Medicine said Ruikang trastuzumab met its goal.\n",
        ),
        (
            "library",
            "import normalize\nfrom normalize.config import Config\n"
            "print(normalize.process('Hengrui Medicine said so.', Config(translate=False)).text)",
            "",
        ),
    ],
)
def test_no_heavy_imports(session_cache: Path, name: str, body: str, stdin: str) -> None:
    proc = _run(body, session_cache, stdin)
    assert proc.returncode == 0, proc.stderr
    assert _heavy(proc) == [], f"{name} imported {_heavy(proc)}"
    if "clean --no-translate" in name or name == "library":
        assert "Jiangsu Hengrui Pharmaceuticals" in proc.stdout


def test_help_start_up_time(session_cache: Path) -> None:
    env = {**os.environ, "NORMALIZE_CACHE": str(session_cache)}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "normalize", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    elapsed = time.perf_counter() - start
    print(f"\n`python -m normalize --help` took {elapsed * 1000:.0f} ms")
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: ")
    assert elapsed < HELP_SANITY_S
