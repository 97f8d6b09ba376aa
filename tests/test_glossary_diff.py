"""`glossary diff [REV]`: the mentions an edit maps differently, against a git revision or a
folder, over the glossary's examples and a corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalize.cli import main
from normalize.resources import data_dir

GIT = shutil.which("git")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMALIZE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["glossary", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_diff_lists_mentions_whose_mapping_changed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    folder = repo / "glossaries"
    shutil.copytree(data_dir("glossaries"), folder)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "glossary"], check=True)
    before = tmp_path / "before"
    shutil.copytree(folder, before)
    corpus = tmp_path / "news.txt"
    corpus.write_text("Hengrui said Quixotinib met its primary endpoint.\n", encoding="utf-8")
    code, out, err = run("diff", "--glossary", str(folder), "--corpus", str(corpus))
    assert code == 0 and out == "" and "0 mentions map differently than at HEAD" in err
    assert run("alias", "add", "pyrotinib", "Quixotinib", "--glossary", str(folder))[0] == 0
    for revision in ("HEAD", str(before)):  # a git revision or a folder
        code, out, err = run("diff", revision, "--glossary", str(folder), "--corpus",
                             str(corpus), "--format", "json")  # fmt: skip
        assert code == 0, err
        changes = json.loads(out)
        assert [(c["surface"], c["after"]) for c in changes] == [("Quixotinib", "pyrotinib")]
        assert changes[0]["before"] != "pyrotinib" and "Hengrui said" in changes[0]["context"]
    code, _, err = run("diff", "no-such-rev", "--glossary", str(folder))
    assert code == 1 and "cannot read git revision 'no-such-rev'" in err
