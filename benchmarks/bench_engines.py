"""Ray Data (local, 2 CPUs) and Spark (local[2]) against ``normalize clean --jobs 2`` on the
same English records; prints the fixed start-up cost and records/s of each.

    python benchmarks/bench_engines.py            # 2,000 records, ~5 minutes on 2 cores
    python benchmarks/bench_engines.py --records 500

Each engine normalizes a small run (SMALL records) and the full run, in one session, from the
records in memory (Ray: from_items; Spark: createDataFrame) to the collected rows. Start-up is
the engine's own (ray.init, SparkSession) plus the small run (workers start, pipelines load:
the fixed cost of a job). records/s is the full run's records over its whole wall time, engine
start-up included (Ray starts a new actor pool, and so new pipelines, for every dataset run;
Spark's Python workers keep theirs). For ``--jobs 2`` both runs are subprocesses on a JSONL
file. Same English records as
bench_jobs.py (synthetic articles cut to ~1,200 characters), --no-translate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SMALL = 20
CONFIG = {"translate": False}


def records(n: int) -> list[dict[str, object]]:
    from benchmarks.bench_jobs import english_records

    path = english_records(Path(tempfile.mkdtemp()) / "english.jsonl", n)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def bench_jobs(rows: list[dict[str, object]], work: Path) -> tuple[float, float, float]:
    from benchmarks.bench_jobs import run

    files = []
    for n in (SMALL, len(rows)):
        path = work / f"engines-{n}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows[:n]), encoding="utf-8")
        files.append(path)
    small = run(["--no-translate", "--jobs", "2", str(files[0])], work / "out-small.jsonl")
    full = run(["--no-translate", "--jobs", "2", str(files[1])], work / "out-full.jsonl")
    return 0.0, small, full


def bench_ray(rows: list[dict[str, object]]) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    import ray
    import ray.data

    from normalize.integrations.ray import normalize_dataset

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    start = time.perf_counter() - t0
    times = []
    for n in (SMALL, len(rows)):
        t0 = time.perf_counter()
        ds = ray.data.from_items(rows[:n])
        got = normalize_dataset(ds, CONFIG, omit=("changes",)).take_all()
        assert len(got) == n and not any(r["error"] for r in got)
        times.append(time.perf_counter() - t0)
    ray.shutdown()
    return start, times[0], times[1]


def bench_spark(rows: list[dict[str, object]]) -> tuple[float, float, float]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    t0 = time.perf_counter()
    from pyspark.sql import SparkSession

    from normalize.integrations.spark import normalize_dataframe

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter() - t0
    times = []
    for n in (SMALL, len(rows)):
        t0 = time.perf_counter()
        df = spark.createDataFrame(rows[:n]).repartition(2)
        got = normalize_dataframe(df, CONFIG, omit=("changes",)).collect()
        assert len(got) == n and not any(r["error"] for r in got)
        times.append(time.perf_counter() - t0)
    spark.stop()
    return start, times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--only", choices=("jobs", "ray", "spark"), action="append")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "normalize-bench"
    )
    args = parser.parse_args()
    work = args.workdir / "engines"
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NORMALIZE_CACHE", str(args.workdir / "cache"))
    rows = records(args.records)
    print(
        f"{args.records} English records, {os.cpu_count()} CPU cores shared with other work; "
        f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"{'engine':<22}{'start-up s':>11}{'records/s':>11}{'total s':>9}   load (1 min) after")
    for name, bench in (
        ("--jobs 2", bench_jobs),
        ("Ray local (2 CPUs)", bench_ray),
        ("Spark local[2]", bench_spark),
    ):
        key = name.split()[0].lstrip("-").lower()
        if args.only and key not in args.only:
            continue
        if name == "--jobs 2":
            start, small, full = bench_jobs(rows, work)
        else:
            start, small, full = bench(rows)  # type: ignore[operator]
        rate = len(rows) / (start + full)
        print(
            f"{name:<22}{start + small:>11.1f}{rate:>11.1f}{start + full:>9.1f}"
            f"   {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
