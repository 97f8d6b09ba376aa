"""The CLI around the strip stage, through click's CliRunner: `normalize clean --no-translate
--no-canonicalize` (strip only), `--site-rules`, and `normalize sites learn / lint`."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from normalize.cli import main

ARTICLE = (
    "Headline about an approval\n"
    "The regulator approved the new drug on Monday, the company said in a statement.\n"
    "Share:\nSubscribe\n"
)


def _strip_only(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["clean", "--no-translate", "--no-canonicalize", *args], input=input
    )
    return result.exit_code, result.output


def test_clean_strips_junk_from_stdin() -> None:
    code, out = _strip_only("-", input=ARTICLE)
    assert code == 0
    assert out == (
        "Headline about an approval\n"
        "The regulator approved the new drug on Monday, the company said in a statement.\n"
    )


def test_clean_json_lists_removed_lines() -> None:
    code, out = _strip_only("--format", "json", "-", input=ARTICLE)
    assert code == 0
    changes = json.loads(out)["changes"]
    assert [c["before"] for c in changes if c["action"] == "remove"] == ["Share:", "Subscribe"]
    assert all(c["stage"] == "strip" and c["rule"] for c in changes)


def test_clean_with_site_rules(tmp_path: Path) -> None:
    rules = tmp_path / "example.com.yaml"
    rules.write_text(
        "site: example.com\nlines:\n"
        "  - Brought to you by the Example desk, your daily source for drug news.\n"
    )
    record = {
        "id": "1",
        "url": "https://example.com/a",
        "text": "The drug was approved on Friday after a long review, the agency said today.\n"
        "Brought to you by the Example desk, your daily source for drug news.",
    }
    code, out = _strip_only("--site-rules", str(rules), "-", input=json.dumps(record) + "\n")
    assert code == 0, out
    assert "Example desk" not in json.loads(out)["text"]
    code, out = _strip_only("-", input=json.dumps(record) + "\n")  # without the profile it stays
    assert "Example desk" in json.loads(out)["text"]


def test_bad_site_rules_give_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x1\n    match: '(oops'\n")
    code, out = _strip_only("--site-rules", str(bad), "-", input=ARTICLE)
    assert code != 0 and "bad.yaml:2: rule 'x1': bad regex" in out


def _corpus(tmp_path: Path) -> Path:
    records = []
    for i in range(4):
        records.append(
            {
                "id": str(i),
                "url": f"https://www.example.com/news/{i}",
                "text": f"Story number {i} about a licensing deal\n"
                f"Company {i} signed a licensing deal worth US${i + 1} billion "
                f"with a partner on day {i}.\n"
                "Example Daily: the pharma news you need\nFollow Example Daily for more updates",
            }
        )
    records.append(
        {"id": "x", "url": "https://other.org/a", "text": "Only one document from this site"}
    )
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_sites_learn_writes_a_profile_that_clean_uses(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    out_dir = tmp_path / "sites"
    result = CliRunner().invoke(main, ["sites", "learn", str(corpus), "-o", str(out_dir)])
    assert result.exit_code == 0, result.output
    profile = yaml.safe_load((out_dir / "example.com.yaml").read_text())
    assert profile["site"] == "example.com" and profile["learnt"] == 4
    assert profile["lines"] == [
        "example daily: the pharma news you need",
        "follow example daily for more updates",
    ]
    assert not (out_dir / "other.org.yaml").exists()  # one document teaches nothing
    code, out = _strip_only("--site-rules", str(out_dir), str(corpus))
    assert code == 0
    texts = [json.loads(line)["text"] for line in out.splitlines()]
    assert all("Example Daily" not in t for t in texts) and "licensing deal worth" in texts[0]


def test_sites_learn_errors(tmp_path: Path) -> None:
    corpus = tmp_path / "few.jsonl"
    corpus.write_text(json.dumps({"url": "https://a.com/1", "text": "x\ny"}) + "\n")
    result = CliRunner().invoke(main, ["sites", "learn", str(corpus)])
    assert result.exit_code != 0 and "nothing learnt" in result.output
    result = CliRunner().invoke(
        main,
        [
            "sites",
            "learn",
            str(_corpus(tmp_path)),
            "--min-docs",
            "2",
            "--site",
            "example.com",
            "-o",
            str(tmp_path / "one.yaml"),
        ],
    )
    assert result.exit_code == 0 and (tmp_path / "one.yaml").is_file()


def test_sites_lint(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sites", "lint"])
    assert result.exit_code == 0 and "generic rules" in result.output
    (tmp_path / "bad.yaml").write_text("site: example.com\nlines: nope\n")
    result = CliRunner().invoke(main, ["sites", "lint", str(tmp_path)])
    assert result.exit_code != 0 and "bad.yaml:1" in result.output
