"""How much page furniture in new wordings the strip stage removes; prints figures.

    python benchmarks/furniture_probe.py [-v]

Each file of benchmarks/furniture/ lists junk lines, one per line, written for the probe in
wordings no rule was written from (invented: kinds the labelling rules and issue 10 name,
as English and Chinese news and wire sites word them). ``held-out-*`` files were written after
the rules and never used to change them: their figure is the honest one; ``tuned-*`` files
are what the rules were fitted to (a dev figure). Each line is put alone before, then after,
a two-sentence invented article, and the stage (rules and line classifier, as shipped) runs
on the document: a line "kept" is junk left in. This is the hardest case for the stage (one
junk line, no cluster of furniture around it to give it away); whole pages are measured by
``eval_cleaner.py loso``. The article's lines must survive every run (counted as "article
lines lost").

Files named ``*-keep-*`` list the opposite: article lines a junk filter might wrongly take
(short headlines, section headings, names alone, data lines, sentences that use "share",
"comment" or "follow" in their news sense); each is put first, then between the article's two
sentences, and must stay ("article lines kept"). Not after the last sentence: a short line
alone at the end of a page is a signature or a tag by the labelling rules (``edge-cluster``).
A vocabulary that removes more junk must not lower that figure.

    python benchmarks/furniture_probe.py -v 'tuned-*'   # only the files it was tuned on
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FOLDER = ROOT / "benchmarks" / "furniture"
ARTICLE = {
    "en": [
        "Contoso Biologics said on Tuesday that its bispecific antibody met the main goal of a "
        "phase 3 trial in patients with squamous lung cancer.",
        "The trial enrolled 398 patients at 60 sites in China, and the company plans to file for "
        "approval with the regulator later this year.",
    ],
    "zh": [
        "某某生物今日宣布，其自主研发的双特异性抗体在一项三期临床试验中达到主要终点。",
        "该研究共入组398名鳞状非小细胞肺癌患者，公司计划于年内向监管部门递交上市申请。",
    ],
}


def probe_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list the lines it gets wrong")
    parser.add_argument(
        "pattern", nargs="?", default="*", help="which files of benchmarks/furniture (a glob)"
    )
    args = parser.parse_args()

    from normalize.config import Config
    from normalize.document import Document
    from normalize.strip.cleaner import CleanerStage

    stage = CleanerStage.from_config(Config())
    for path in sorted(FOLDER.glob(f"{args.pattern.removesuffix('.txt')}.txt")):
        lang = path.stem.rsplit("-", 1)[1]
        article = ARTICLE[lang]
        content = "-keep-" in path.stem
        runs = kept = lost = 0
        kept_lines: list[str] = []
        removed_lines: list[str] = []
        for line in probe_lines(path):
            places = (
                ([line, *article], [article[0], line, *article[1:]])
                if content
                else ([line, *article], [*article, line])
            )
            for doc_lines in places:
                doc = stage(Document("\n".join(doc_lines)))
                out = doc.text.splitlines()
                runs += 1
                if line.strip() in (o.strip() for o in out):
                    kept += 1
                    kept_lines.append(line)
                else:
                    removed_lines.append(line)
                lost += sum(1 for sentence in article if sentence not in out)
        if content:
            print(
                f"{path.stem:19} {runs // 2:4} lines x 2 places: article lines kept "
                f"{kept}/{runs} = {kept / runs:.1%}, other article lines lost {lost}"
            )
        else:
            print(
                f"{path.stem:19} {runs // 2:4} lines x 2 places: junk removed "
                f"{runs - kept}/{runs} = {(runs - kept) / runs:.1%}, article lines lost {lost}"
            )
        if args.verbose:
            listed = removed_lines if content else kept_lines
            for line in dict.fromkeys(listed):
                print(f"    {'removed' if content else 'kept'}: {line}")


if __name__ == "__main__":
    main()
