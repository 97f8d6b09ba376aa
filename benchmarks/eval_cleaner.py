"""Evaluate the strip stage on the shared evaluation sets, read in place from ../shared/eval.

Prints figures; exits 0 whatever they are (targets are printed next to them).

    python benchmarks/eval_cleaner.py loso              # leave-site-out figures (first in all)
    python benchmarks/eval_cleaner.py loso --lost       # ... and every held-out line it loses
    python benchmarks/eval_cleaner.py loso --sweep 0.005,0.01   # ... at other loss targets
    python benchmarks/eval_cleaner.py all               # every set, the cleaner as shipped
    python benchmarks/eval_cleaner.py html --mode trafilatura   # a baseline for comparison
    python benchmarks/eval_cleaner.py plaintext -v      # list the lines it gets wrong

Sets: loso (the line classifier scored by leave-site-out cross-validation on the line corpus
built by benchmarks/train_line_model.py and on docs-dev, per language: the honest figures;
--max-pages subsamples trafilatura-eval), html (trafilatura-eval, 990 pages, snippet F1), zh
(zh-cwced-dev, character F1), plaintext (docs-dev.jsonl, boilerplate lines removed / content
lines lost), gne (every page yields text). Modes for the HTML sets: cleaner (default: extraction
+ text rules + line classifier), cleaner-rules (without the classifier), extract (extraction
only, order auto), extract-trafilatura / extract-readability (fixed order), trafilatura,
trafilatura-fast, readability (the libraries alone).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import gzip
import json
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT / ".." / "shared" / "eval"

MODES = (
    "cleaner",
    "cleaner-rules",
    "extract",
    "extract-trafilatura",
    "extract-readability",
    "trafilatura",
    "trafilatura-fast",
    "trafilatura-precision",
    "trafilatura-recall",
    "readability",
)


def run_mode(mode: str, html: str, url: str | None = None) -> str:
    """The text one method produces from one page."""
    if mode in ("cleaner", "cleaner-rules"):
        from normalize.config import Config
        from normalize.document import Document
        from normalize.strip.cleaner import CleanerStage

        stage = CleanerStage.from_config(Config())
        if mode == "cleaner-rules":  # without the line classifier
            stage = dataclasses.replace(stage, line_model=None)
        return stage(Document(html, is_html=True, url=url)).text
    if mode.startswith("extract"):
        from normalize.strip.extract import extract_main_text

        order = {"extract": "auto"}.get(mode, mode.removeprefix("extract-"))
        return extract_main_text(html, url, order=order).text
    if mode.startswith("trafilatura"):
        import trafilatura

        return (
            trafilatura.extract(
                html,
                url=url,
                include_comments=False,
                include_tables=True,
                fast=mode == "trafilatura-fast",
                favor_precision=mode == "trafilatura-precision",
                favor_recall=mode == "trafilatura-recall",
            )
            or ""
        )
    if mode == "readability":
        from normalize.strip.extract import _readability

        return _readability(html, url).text
    raise SystemExit(f"unknown mode {mode}")


def _read_html(path: Path) -> str:
    from normalize.strip.encoding import decode_html

    return decode_html(
        gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    )


def _norm(text: str) -> str:
    return " ".join(text.split())


# --- trafilatura-eval -------------------------------------------------------------------------


def _html_job(
    args: tuple[str, str, str, list[str], list[str]],
) -> tuple[str, int, int, int, int, float]:
    mode, url, file, with_, without = args
    path = SHARED / "boilerplate" / "trafilatura-eval" / "html" / f"{file}.gz"
    html = _read_html(path)
    start = time.perf_counter()
    try:
        text = _norm(run_mode(mode, html, url))
    except Exception as exc:  # report, do not stop the corpus
        print(f"error on {file}: {exc!r}", file=sys.stderr)
        text = ""
    elapsed = time.perf_counter() - start
    tp = sum(_norm(s) in text for s in with_)
    fp = sum(_norm(s) in text for s in without)
    return file, tp, len(with_) - tp, fp, len(without) - fp, elapsed


def eval_html(mode: str, jobs: int, limit: int | None = None) -> dict[str, float]:
    data = json.loads((SHARED / "boilerplate" / "trafilatura-eval" / "evaldata.json").read_text())
    items = [(mode, url, v["file"], v["with"], v["without"]) for url, v in data.items()][:limit]
    tp = fn = fp = tn = 0
    times = []
    for _, a, b, c, d, t in _map(_html_job, items, jobs):
        tp, fn, fp, tn = tp + a, fn + b, fp + c, tn + d
        times.append(t)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    acc = (tp + tn) / (tp + tn + fp + fn)
    print(
        f"trafilatura-eval [{mode}]: {len(items)} pages  precision {precision:.3f}  "
        f"recall {recall:.3f}  "
        f"accuracy {acc:.3f}  F1 {f1:.3f}  (target F1 >= 0.935)"
    )
    return {"f1": f1, "precision": precision, "recall": recall}


# --- zh-cwced-dev -----------------------------------------------------------------------------


def char_f1(predicted: str, gold: str) -> tuple[float, float, float]:
    """Character-level precision, recall, F1: the multiset overlap of non-space characters."""
    pred = collections.Counter(ch for ch in predicted if not ch.isspace())
    ref = collections.Counter(ch for ch in gold if not ch.isspace())
    common = sum((pred & ref).values())
    p = common / sum(pred.values()) if pred else 0.0
    r = common / sum(ref.values()) if ref else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _zh_job(args: tuple[str, str, str]) -> tuple[str, float, float, float]:
    mode, uuid, gold = args
    html = _read_html(SHARED / "boilerplate" / "zh-cwced-dev" / "original" / f"{uuid}.html.gz")
    try:
        text = run_mode(mode, html)
    except Exception as exc:
        print(f"error on {uuid}: {exc!r}", file=sys.stderr)
        text = ""
    return (uuid, *char_f1(text, gold))


def eval_zh(mode: str, jobs: int, verbose: bool = False) -> dict[str, float]:
    truth = json.loads((SHARED / "boilerplate" / "zh-cwced-dev" / "ground-truth.json").read_text())
    items = [(mode, uuid, v["articleBody"]) for uuid, v in sorted(truth.items())]
    rows = list(_map(_zh_job, items, jobs))
    n = len(rows)
    p, r, f = (sum(row[i] for row in rows) / n for i in (1, 2, 3))
    if verbose:
        for uuid, pp, rr, ff in sorted(rows, key=lambda row: row[3])[:10]:
            print(f"  {uuid}  P {pp:.3f} R {rr:.3f} F1 {ff:.3f}")
    print(
        f"zh-cwced-dev [{mode}]: {n} pages  mean char precision {p:.3f}  recall {r:.3f}  "
        f"F1 {f:.3f}  "
        "(target F1 >= 0.92)"
    )
    return {"f1": f, "precision": p, "recall": r}


# --- gne-tests --------------------------------------------------------------------------------


def _gne_job(args: tuple[str, str]) -> tuple[str, int, str]:
    mode, name = args
    path = SHARED / "boilerplate" / "gne-tests-no-ground-truth" / "tests" / name
    try:
        text = run_mode(mode, _read_html(path))
        return name, len(text.strip()), ""
    except Exception as exc:
        return name, 0, repr(exc)


def eval_gne(mode: str, jobs: int) -> dict[str, float]:
    base = SHARED / "boilerplate" / "gne-tests-no-ground-truth" / "tests"
    items = [(mode, str(p.relative_to(base))) for p in sorted(base.rglob("*.html*"))]
    rows = list(_map(_gne_job, items, jobs))
    empty = [name for name, size, err in rows if size == 0 and not err]
    errors = [(name, err) for name, size, err in rows if err]
    for name, err in errors:
        print(f"  error {name}: {err}")
    for name in empty:
        print(f"  empty {name}")
    sizes = sorted(size for _, size, _ in rows)
    print(
        f"gne-tests [{mode}]: {len(rows)} pages  empty {len(empty)}  errors {len(errors)}  "
        f"median chars {sizes[len(sizes) // 2] if sizes else 0}  (target: 0 empty, 0 errors)"
    )
    return {"empty": len(empty), "errors": len(errors)}


# --- plaintext docs-dev -----------------------------------------------------------------------


def eval_plaintext(verbose: bool = False, learn: bool = False) -> dict[str, float]:
    from normalize.config import Config
    from normalize.document import Document
    from normalize.strip.cleaner import CleanerStage, removed_spans

    records = [
        json.loads(line)
        for line in (SHARED / "plaintext" / "docs-dev.jsonl").open(encoding="utf-8")
    ]
    stage = CleanerStage.from_config(Config())
    if learn:
        from normalize.strip.sitelearn import learn_site_profiles

        profiles = learn_site_profiles((r["raw"], r["url"]) for r in records)
        stage = stage.with_profiles(profiles)
    counts: collections.Counter[str] = collections.Counter()
    for rec in records:
        raw = rec["raw"]
        doc = stage(Document(raw, url=rec["url"], lang=rec.get("lang")))
        spans = removed_spans(doc.changes)
        pos = 0
        for line in rec["lines"]:
            text = line["text"]
            start = raw.index(text, pos)
            pos = start + len(text)
            removed = any(s <= start and pos <= e for s, e in spans)
            if line.get("borderline"):
                counts["borderline_removed" if removed else "borderline_kept"] += 1
                continue
            kind = line["label"]
            counts[f"{kind}_{'removed' if removed else 'kept'}"] += 1
            wrong = removed if kind == "content" else not removed
            if verbose and wrong:
                what = "LOST" if kind == "content" else f"MISSED {line.get('bp_type', '')}"
                print(f"  {rec['id']} {rec['site']}: {what}: {text[:100]}")
    bp = counts["boilerplate_removed"] + counts["boilerplate_kept"]
    ct = counts["content_removed"] + counts["content_kept"]
    recall = counts["boilerplate_removed"] / bp if bp else 0.0
    lost = counts["content_removed"] / ct if ct else 0.0
    print(
        f"plaintext docs-dev{' [learn]' if learn else ''} (shipped model, trained on these "
        f"pages among others; see loso for held-out figures): {len(records)} docs  "
        "boilerplate lines removed "
        f"{counts['boilerplate_removed']}/{bp} = {recall:.1%} (target >= 90%)  content lines lost "
        f"{counts['content_removed']}/{ct} = {lost:.2%} (target <= 0.5%)  borderline removed "
        f"{counts['borderline_removed']}/{counts['borderline_removed'] + counts['borderline_kept']}"
    )
    return {"recall": recall, "lost": lost}


def _map(fn: Callable, items: list, jobs: int) -> Iterable:  # type: ignore[type-arg]
    if jobs <= 1:
        return map(fn, items)
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(fn, items, chunksize=4))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("set", choices=["all", "loso", "html", "zh", "plaintext", "gne"])
    parser.add_argument("--mode", choices=MODES, default="cleaner")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="html: only the first N pages")
    parser.add_argument(
        "--max-pages", type=int, default=None, help="loso: only N trafilatura-eval pages"
    )
    parser.add_argument(
        "--learn", action="store_true", help="plaintext: also learn site profiles from the batch"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        "--lost",
        action="store_true",
        help="list the lines it gets wrong (loso: every held-out content line removed, with its "
        "rule and neighbours, and the boilerplate kept counted by kind)",
    )
    parser.add_argument(
        "--sweep",
        type=lambda v: [float(x) for x in v.split(",")],
        default=[],
        metavar="T1,T2",
        help="loso: also the classifier's figures at these loss targets (LOSS_TARGET in "
        "benchmarks/train_line_model.py; thresholds chosen on the training folds for each)",
    )
    parser.add_argument(
        "--kept",
        type=int,
        default=0,
        metavar="N",
        help="loso with --lost: also list N boilerplate lines kept per language",
    )
    args = parser.parse_args()
    if args.set in ("all", "loso"):
        from benchmarks.train_line_model import leave_site_out

        leave_site_out(args.max_pages, lost=args.verbose, kept=args.kept, sweep=args.sweep)
    if args.set in ("all", "plaintext"):
        eval_plaintext(args.verbose, learn=args.learn)
    if args.set in ("all", "zh"):
        eval_zh(args.mode, args.jobs, args.verbose)
    if args.set in ("all", "gne"):
        eval_gne(args.mode, args.jobs)
    if args.set in ("all", "html"):
        eval_html(args.mode, args.jobs, args.limit)


if __name__ == "__main__":
    main()
