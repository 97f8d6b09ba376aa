"""``normalize clean --jobs N``: the same bytes as one process, errors and exit status unchanged,
streaming with bounded read-ahead, cores shared out, a dead worker reported; --fields/--omit."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import normalize.parallel as parallel
from normalize.cli import main
from normalize.config import Config
from normalize.errors import NormalizeError
from normalize.io import Record
from normalize.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
NORMALIZE = (sys.executable, "-m", "normalize")
STREAMING = ("--input-format", "jsonl", "--no-site-templates")
ARTICLES = [
    "Hengrui Medicine said Ruikang trastuzumab met its goal.\nHengrui Medicine will file it.\n",
    "BeiGene said zanubrutinib sales rose in the quarter.\n",
    "Innovent said sintilimab was approved for a new use.\n",
]


def records_file(path: Path, n: int = 60) -> Path:
    lines = []
    for i in range(n):
        if i == 7:
            lines.append("{not json")
        elif i == 11:
            lines.append(json.dumps({"id": f"r{i}", "text": "  "}))
        else:
            lines.append(json.dumps({"id": f"r{i}", "text": ARTICLES[i % 3] * (1 + i % 4)}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clean(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["clean", "--no-translate", *args], input=input)


@pytest.mark.parametrize("out_format", ["jsonl", "json", "text"])
def test_jobs_2_writes_the_bytes_of_jobs_1(tmp_path: Path, out_format: str) -> None:
    path = records_file(tmp_path / "in.jsonl")
    one = clean("--format", out_format, str(path))
    two = clean("--format", out_format, "--jobs", "2", str(path))
    assert one.exit_code == two.exit_code == 1  # two bad records
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    assert "in.jsonl:8: malformed JSON" in two.stderr
    assert "in.jsonl:12 (id r11): empty text" in two.stderr
    assert two.stderr.endswith("Error: 2 of 60 record(s) failed\n")


def test_jobs_with_several_files_and_stdin(tmp_path: Path) -> None:
    files = []
    for i, text in enumerate(ARTICLES * 3):
        files.append(tmp_path / f"a{i}.txt")
        files[-1].write_text(text, encoding="utf-8")
    names = [str(f) for f in files]
    assert clean("--jobs", "auto", *names).stdout == clean(*names).stdout
    data = records_file(tmp_path / "in.jsonl").read_text(encoding="utf-8")
    two = clean("--jobs", "2", input=data)
    assert two.stdout == clean(input=data).stdout
    assert two.stdout.count("\n") == 60


def test_error_rows_keep_line_and_id_and_fields_select(tmp_path: Path) -> None:
    path = records_file(tmp_path / "in.jsonl", 13)
    result = clean("--jobs", "2", "--omit", "changes,stamp", str(path))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[7] == {"source": str(path), "line": 8, "error": rows[7]["error"]}
    assert (rows[11]["id"], rows[11]["line"]) == ("r11", 12)
    assert "changes" not in rows[0] and "stamp" not in rows[0] and "entities" in rows[0]
    result = clean("--fields", "id,text", str(path))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert set(rows[0]) == {"id", "text"}
    assert set(rows[11]) == {"id", "text", "line", "error"}


@pytest.mark.parametrize(("value", "message"), [("x", "expected a number"), ("-1", "0 (auto)")])
def test_bad_jobs_values(value: str, message: str) -> None:
    result = clean("--jobs", value, input="Text.\n")
    assert result.exit_code == 2
    assert message in result.stderr


def test_resolve_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    import normalize.translate.backends as backends

    monkeypatch.setattr(backends, "available_cores", lambda: 6)
    assert [parallel.resolve_jobs(v) for v in ("auto", "0", 0, "3", 1)] == [6, 6, 6, 3, 1]
    with pytest.raises(NormalizeError):
        parallel.resolve_jobs("two")


def test_plan_shares_cores_and_gives_each_gpu_one_translating_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import normalize.translate.backends as backends

    monkeypatch.setattr(backends, "available_cores", lambda: 8)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert parallel.plan(Config(), 4) == parallel.Plan(4, 2)
    assert parallel.plan(Config(), 3).threads == 2
    assert parallel.plan(Config(), 16).threads == 1
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,5")
    gpu = parallel.plan(Config(), 8)
    assert (gpu.jobs, gpu.gpus, gpu.threads) == (2, ("2", "5"), 4)
    assert "one worker per GPU" in gpu.note
    assert parallel.plan(Config(device="cpu"), 8) == parallel.Plan(8, 1)
    assert parallel.plan(Config(translate=False), 8) == parallel.Plan(8, 1)


@pytest.mark.parametrize(
    ("args", "threads"), [((), 3), (("--threads", "1"), 1), (("--threads", "5"), 5)]
)
def test_threads_option_overrides_the_cores_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: tuple[str, ...], threads: int
) -> None:
    """--threads is each worker's thread count; without it the workers split the cores."""
    import normalize.translate.backends as backends

    monkeypatch.setattr(backends, "available_cores", lambda: 6)
    seen: list[int] = []

    def capture(pipeline: Pipeline, records: object, plan: object, *a: object, **k: object):
        seen.append(pipeline.config.threads)
        return iter(())

    monkeypatch.setattr(parallel, "process_parallel", capture)
    source = tmp_path / "a.txt"
    source.write_text("BeiGene said zanubrutinib sales rose.\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "clean",
            "--no-translate",
            "--cache-dir",
            str(tmp_path),
            "--jobs",
            "2",
            *args,
            str(source),
        ],
    )
    assert result.exit_code == 0, result.output
    assert seen == [threads]


def test_a_gpu_worker_sees_only_its_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,5")
    ranks = multiprocessing.Value("i", 0)
    seen = []
    for _ in range(3):
        parallel._init_worker(Config(translate=False, canonicalize=False), ("2", "5"), ranks, False)
        seen.append(os.environ["CUDA_VISIBLE_DEVICES"])
    assert seen == ["2", "5", "2"]


def test_read_ahead_is_bounded_on_an_endless_stream(session_cache: Path) -> None:
    pulled = itertools.count()

    def endless():  # type: ignore[no-untyped-def]
        for n in pulled:
            yield Record("<stdin>", n + 1, text=ARTICLES[n % 3])

    pipeline = Pipeline(Config(translate=False, canonicalize=False, cache_dir=session_cache))
    work = parallel.Plan(2, 1)
    results = parallel.process_parallel(pipeline, endless(), work)
    got = [next(results) for _ in range(40)]
    assert [r.line for r, _ in got] == list(range(1, 41))
    results.close()  # stops the reader and the workers
    limit = (
        40
        + parallel.QUEUE_RECORDS
        + 2 * (work.jobs * parallel.MAX_CHUNKS_PER_WORKER * parallel.CHUNK_RECORDS)
    )
    assert next(pulled) < limit


def test_a_dead_worker_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = parallel.process_record

    def dies_on_r5(pipeline, record, **kwargs):  # type: ignore[no-untyped-def]
        if record.id == "r5":
            os._exit(9)  # as the OOM killer would
        return real(pipeline, record, **kwargs)

    monkeypatch.setattr(parallel, "process_record", dies_on_r5)  # forked workers inherit it
    result = clean("--jobs", "2", str(records_file(tmp_path / "in.jsonl", 20)))
    assert result.exit_code == 1
    assert "a worker process died" in result.stderr


def test_stdin_is_streamed_not_read_first(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        # Sniffing the format would wait for the first 4 KB of input, and site templates for
        # the next 64 records: both are off here, so each row can come back at once.
        [
            *NORMALIZE,
            "clean",
            "--no-translate",
            "--jobs",
            "2",
            "--input-format",
            "jsonl",
            "--no-site-templates",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for i in range(3):
            proc.stdin.write(json.dumps({"id": i, "text": ARTICLES[i]}) + "\n")
            proc.stdin.flush()
            # The row comes back while stdin is still open: nothing waits for the end of input.
            row = json.loads(proc.stdout.readline())
            assert row["id"] == i and row["text"]
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""


def test_site_templates_under_jobs_are_those_of_one_process(tmp_path: Path) -> None:
    footer = "Subscribe to the Example Pharma Daily newsletter\nMore from Example Pharma Daily\n"
    lines = []
    for i in range(30):
        body = f"{ARTICLES[i % 3]}The company said trial {i} enrolled {i + 40} patients.\n"
        url = f"https://news.example.com/{i}"
        if i % 4 == 3:
            html = (
                "<html><body><article>"
                + "".join(f"<p>{line}</p>" for line in (body + footer).splitlines())
                + "</article></body></html>"
            )
            lines.append(json.dumps({"id": i, "html": html, "url": url}))
        else:
            lines.append(json.dumps({"id": i, "text": body + footer, "url": url}))
        if i % 5 == 0:
            lines.append(json.dumps({"id": f"n{i}", "text": ARTICLES[0] + footer}))  # no url
    path = tmp_path / "site.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = clean(str(path))
    two = clean("--jobs", "2", str(path))
    assert one.exit_code == 0, one.stderr
    assert two.stdout == one.stdout
    rows = [json.loads(line) for line in one.stdout.splitlines()]
    removed = [r for r in rows if "Subscribe to" not in r["text"]]
    assert len(removed) > 20  # the template was learnt and used, so the test means something
