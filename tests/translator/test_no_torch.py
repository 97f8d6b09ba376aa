"""Translation with the CTranslate2 backend needs no PyTorch: once a model is converted (the
step that needs the ``torch`` extra), a process where ``import torch`` and ``import
transformers`` fail still translates, as one with only ``normalize-news[translate]`` would.

The fixture converts the tiny Marian model with torch (so this module is marked ``torch``);
the translation itself runs in a fresh interpreter with both imports blocked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.torch, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib.abc, json, sys

class Block(importlib.abc.MetaPathFinder):
    # As if the torch extra were not installed.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "transformers"):
            raise ImportError(f"blocked: {{name}}")
        return None

sys.meta_path.insert(0, Block())
from normalize import Config, Pipeline
config = Config(model={model!r}, backend="ctranslate2", cache_dir={cache!r}, canonicalize=False)
doc = Pipeline(config).process("公司宣布新药获批上市。")
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{"torch", "transformers"}})
print(json.dumps({{"text": doc.text, "lang": doc.lang, "stamp": doc.stamp, "heavy": heavy}}))
"""


def test_ctranslate2_translation_imports_no_torch(tiny_marian: Path, tmp_path: Path) -> None:
    from normalize.translate.registry import convert_ct2, load_registry, resolve

    convert_ct2(resolve(str(tiny_marian), "zh", tmp_path, load_registry()), tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(model=str(tiny_marian), cache=str(tmp_path))],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["heavy"] == []
    assert result["lang"] == "zh"
    assert result["stamp"]["backend"] == "ctranslate2-int8"
    assert result["stamp"]["model"] == tiny_marian.name
    assert "公司" not in result["text"]  # translated (random weights: nonsense, but English)


def test_without_a_converted_copy_the_message_names_the_torch_extra(
    tiny_marian: Path, tmp_path: Path
) -> None:
    code = PROBE.format(model=str(tiny_marian), cache=str(tmp_path))
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "MissingDependencyError" in proc.stderr
    assert "pip install 'normalize-news[torch]'" in proc.stderr
    assert "download.pytorch.org/whl/cpu" in proc.stderr
