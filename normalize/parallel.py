"""``normalize clean --jobs N``: worker processes, each with one pipeline, results in input order.

The parent reads records (a reader thread feeding a bounded queue, so an endless stdin stream
is never read ahead without bound), sends them to the workers in small chunks and yields each
record's result in input order, at most :data:`MAX_CHUNKS_PER_WORKER` chunks per worker ahead.
Every worker runs :func:`normalize.pipeline.process_record`, so the output is the one of a
single process, byte for byte.

Cores: translation workers split the available cores (CTranslate2 ``intra_threads``, torch
threads = cores // workers). On a machine with GPUs, translation runs one worker per GPU, each
seeing only its own GPU.

Site templates (lines recurring on a site's pages within the run, :mod:`normalize.strip.
sitelearn`) are run-level state that depends on record order, so the parent keeps it: for a
plain-text page it works out the page's template in input order and sends it with the record;
an HTML page with a url (whose lines are known only after extraction) is cleaned by the parent
itself, in order. Outcomes are then those of one process.

Where ``fork`` exists (Linux) the workers are forked from a parent that has built the pipeline
once: they start at once and share its loaded glossary pages. The parent never loads a model
or touches CUDA, so forking stays safe. Elsewhere workers are spawned and build their own.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from normalize.config import Config
from normalize.errors import NormalizeError
from normalize.io import Record
from normalize.pipeline import Outcome, Pipeline, process_record

if TYPE_CHECKING:
    from normalize.strip.sitelearn import SiteTemplates

CHUNK_RECORDS = 8  # records per task: amortizes the hand-over, keeps the order buffer short
CHUNK_CHARS = 200_000  # ... or fewer when records are long
MAX_CHUNKS_PER_WORKER = 4  # chunks in flight per worker: bounds memory on endless input
QUEUE_RECORDS = 256  # records read ahead of the workers
FLUSH_AFTER_S = 0.05  # a half-full chunk is sent when input pauses (a slow stream)

Template = tuple[str, frozenset[str]]  # (site, lines), as SiteTemplates.template_lines gives


@dataclass(frozen=True)
class Plan:
    jobs: int  # worker processes
    threads: int  # CPU threads per worker for translation
    gpus: tuple[str, ...] = ()  # CUDA device ids, one per worker, when translating on GPU
    note: str = ""  # why jobs differs from what was asked, for the user


def resolve_jobs(value: str | int) -> int:
    """``--jobs``: a count, or ``0``/``auto`` for the available cores."""
    from normalize.translate.backends import available_cores

    if isinstance(value, str):
        text = value.strip().lower()
        if text == "auto":
            return available_cores()
        try:
            value = int(text)
        except ValueError:
            raise NormalizeError(f"--jobs: expected a number or 'auto', got {value!r}") from None
    if value < 0:
        raise NormalizeError(f"--jobs: expected 0 (auto) or more, got {value}")
    return value or available_cores()


def visible_gpus() -> tuple[str, ...]:
    """CUDA device ids this process may use, found without initializing CUDA (a forked child
    of a process that initialized CUDA cannot use it): CUDA_VISIBLE_DEVICES, else the NVIDIA
    driver's device list."""
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        return tuple(d.strip() for d in env.split(",") if d.strip() and d.strip() != "-1")
    try:
        count = len(os.listdir("/proc/driver/nvidia/gpus"))
    except OSError:
        return ()
    return tuple(str(i) for i in range(count))


def plan(config: Config, jobs: int) -> Plan:
    from normalize.translate.backends import available_cores

    cores = available_cores()
    if config.translate and config.device != "cpu":
        gpus = visible_gpus()
        if gpus:
            note = ""
            if jobs != len(gpus):
                note = (
                    f"--jobs {jobs}: translating on GPU runs one worker per GPU "
                    f"({len(gpus)}); use --device cpu or --no-translate for CPU workers"
                )
            return Plan(len(gpus), max(1, cores // len(gpus)), gpus, note)
    return Plan(jobs, max(1, cores // jobs))


def process_parallel(
    pipeline: Pipeline,
    records: Iterable[Record],
    plan: Plan,
    templates: SiteTemplates | None = None,
    *,
    several_inputs: bool = False,
) -> Iterator[tuple[Record, Outcome]]:
    """``(record, outcome)`` for each record, in input order, computed by
    ``plan.jobs`` worker processes. A worker that dies raises NormalizeError. Build
    ``pipeline`` with ``threads=plan.threads`` in its config: each worker's thread share.
    ``templates``: the site templates ``pipeline``'s strip stage uses, if any."""
    methods = multiprocessing.get_all_start_methods()
    fork = "fork" in methods
    context = multiprocessing.get_context("fork" if fork else "spawn")
    # Forked workers inherit the built pipeline; spawned ones get (and build from) its config.
    seed: Pipeline | Config = pipeline if fork else pipeline.config
    ranks = context.Value("i", 0)
    several = several_inputs
    executor = ProcessPoolExecutor(
        plan.jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(seed, plan.gpus, ranks, several),
    )
    try:
        # Start the workers before any thread of ours exists (fork and threads do not mix).
        executor.submit(os.getpid).result()
        yield from _ordered(executor, records, plan.jobs, pipeline, templates, several)
    except BrokenProcessPool:
        raise NormalizeError(
            "a worker process died (out of memory, or killed); the records it held were not "
            "written. Run with fewer --jobs, or --jobs 1 to see the record that fails"
        ) from None
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _ordered(
    executor: ProcessPoolExecutor,
    records: Iterable[Record],
    jobs: int,
    pipeline: Pipeline,
    templates: SiteTemplates | None,
    several: bool,
) -> Iterator[tuple[Record, Outcome]]:
    inbox: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_RECORDS)
    done = object()
    stop = threading.Event()

    def read() -> None:
        try:
            for record in records:
                while not stop.is_set():
                    try:
                        inbox.put(record, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            inbox.put(done)
        except BaseException as exc:  # re-raised in the caller's thread
            inbox.put(_Failed(exc))

    reader = threading.Thread(target=read, name="normalize-reader", daemon=True)
    reader.start()
    pending: deque[tuple[list[Record], Future[list[Outcome]]]] = deque()
    chunk: list[tuple[Record, Template | None]] = []
    chars = 0
    finished = False

    def submit() -> None:
        nonlocal chunk, chars
        if chunk:
            tasks = [(r, t) for r, t in chunk]
            pending.append(([r for r, _ in chunk], executor.submit(_work, tasks)))
            chunk, chars = [], 0

    try:
        while not finished or chunk or pending:
            while pending and pending[0][1].done():
                yield from _results(pending.popleft())
            if pending and len(pending) >= jobs * MAX_CHUNKS_PER_WORKER:
                yield from _results(pending.popleft())  # waits: the oldest chunk is due first
                continue
            if finished:
                if chunk:
                    submit()
                elif pending:
                    yield from _results(pending.popleft())
                continue
            try:
                item = inbox.get(timeout=FLUSH_AFTER_S if (chunk or pending) else None)
            except queue.Empty:
                submit()  # input paused: send what we have rather than sit on it
                continue
            if item is done:
                finished = True
                continue
            if isinstance(item, _Failed):
                raise item.exc
            template = None
            if templates is not None and item.error is None and item.url:
                if item.is_html:
                    # Its lines are known after extraction only, and later pages' templates
                    # depend on them: clean it here, in order.
                    submit()
                    done_here: Future[list[Outcome]] = Future()
                    done_here.set_result([process_record(pipeline, item, several_inputs=several)])
                    pending.append(([item], done_here))
                    continue
                template = templates.template_lines(item.text, item.url)
            chunk.append((item, template))
            chars += len(item.text)
            if len(chunk) >= CHUNK_RECORDS or chars >= CHUNK_CHARS:
                submit()
    finally:
        stop.set()


@dataclass
class _Failed:
    exc: BaseException


def _results(
    item: tuple[list[Record], Future[list[Outcome]]],
) -> Iterator[tuple[Record, Outcome]]:
    chunk, future = item
    yield from zip(chunk, future.result(), strict=True)


# ---- in the worker ---------------------------------------------------------------------------

_pipeline: Pipeline | None = None
_several = False


def _init_worker(seed: Pipeline | Config, gpus: tuple[str, ...], ranks: Any, several: bool) -> None:
    global _pipeline, _several
    _several = several
    with ranks.get_lock():
        rank = ranks.value
        ranks.value += 1
    if gpus:
        # Before anything imports CUDA: this worker sees (and translates on) one GPU.
        os.environ["CUDA_VISIBLE_DEVICES"] = gpus[rank % len(gpus)]
    _pipeline = seed if isinstance(seed, Pipeline) else Pipeline(seed)


def _work(tasks: list[tuple[Record, Template | None]]) -> list[Outcome]:
    assert _pipeline is not None, "worker not initialized"
    results = []
    for record, template in tasks:
        _use_template(_pipeline, template)
        results.append(process_record(_pipeline, record, several_inputs=_several))
    return results


class _Fixed:
    """A page's site template as the parent worked it out, in input order."""

    def __init__(self, template: Template) -> None:
        self.template = template

    def template_lines(self, text: str, url: str | None) -> Template:
        return self.template


def _use_template(pipeline: Pipeline, template: Template | None) -> None:
    from normalize.strip.cleaner import CleanerStage

    for k, stage in enumerate(pipeline.stages):
        if isinstance(stage, CleanerStage):
            fixed = _Fixed(template) if template is not None else None
            pipeline.stages[k] = stage.with_templates(fixed)  # type: ignore[arg-type]
            return
