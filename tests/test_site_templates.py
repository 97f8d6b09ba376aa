"""Site templates learnt within one ``normalize clean`` run: pages of two invented sites, whose
shared template lines go (rule site-template) and whose article lines stay."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from normalize.cli import main
from normalize.strip.sitelearn import SiteTemplates, registered_domain

DRUGS = ["fabrikumab", "contosotinib", "northwindimab", "tailspinib", "wingtipumab", "adatumab"]
EVENTS = ["met its primary endpoint", "won approval", "entered Phase 3", "was licensed out"]
PLACES = ["in Europe", "in China", "in Japan", "in the United States"]

# (a row of one separator: three or more short segments would go as a menu row anyway)
EN_TEMPLATE = ["Newsroom | Investors and careers", "Fabrikam Pharma Media Centre"]
EN_FOOTER = "Fabrikam Pharma is part of the Northwind Group of companies and their affiliates."
ZH_TEMPLATE = ["康托健康 新闻中心", "首页 > 新闻动态 > 公司新闻"]
ZH_PHRASES = [
    "宣布其创新药获批上市",
    "公布三期临床试验结果",
    "与海外伙伴达成授权合作",
    "启动新的临床研究",
]


def _en_page(k: int) -> str:
    drug, event, place = DRUGS[k % 6], EVENTS[k % 4], PLACES[(k // 2) % 4]
    article = [
        f"{drug.capitalize()} {event} {place}, update {k}",
        f"Fabrikam Pharma said on day {k + 1} that {drug} {event} {place}, "
        f"after a review that took {k + 3} months.",
        f"The company expects {k + 2} further filings for {drug} over the next years.",
    ]
    return "\n".join([*EN_TEMPLATE, *article, EN_FOOTER])


def _zh_page(k: int) -> str:
    article = [
        f"康托健康{ZH_PHRASES[k % 4]}，编号{k}",
        f"康托健康第{k + 1}号公告称，公司{ZH_PHRASES[(k + 1) % 4]}，预计将在{k + 2}个月内完成。",
    ]
    return "\n".join([*ZH_TEMPLATE, *article])


def _batch(tmp_path: Path, n: int = 6) -> tuple[Path, list[dict]]:
    records = []
    for k in range(n):  # the two sites interleaved, as a crawl writes them
        records.append(
            {"id": f"en{k}", "url": f"https://news.fabrikam-pharma.com/p/{k}", "text": _en_page(k)}
        )
        records.append(
            {"id": f"zh{k}", "url": f"https://www.contoso-health.cn/n/{k}", "text": _zh_page(k)}
        )
    path = tmp_path / "crawl.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path, records


def _run(path: Path, *extra: str) -> list[dict]:
    result = CliRunner().invoke(
        main, ["clean", "--no-translate", "--no-canonicalize", *extra, str(path)]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_template_lines_go_and_article_lines_stay(tmp_path: Path) -> None:
    path, records = _batch(tmp_path)
    outputs = _run(path)
    assert [o["id"] for o in outputs] == [r["id"] for r in records]  # order kept
    for rec, out in zip(records, outputs, strict=True):
        template = [*EN_TEMPLATE, EN_FOOTER] if rec["id"].startswith("en") else ZH_TEMPLATE
        kept = out["text"].splitlines()
        for line in template:  # from the first page on: pages are observed ahead
            assert line not in kept, (rec["id"], line)
        article = [x for x in rec["text"].splitlines() if x not in template]
        assert kept == article, rec["id"]
        removed = {c["before"]: c["rule"] for c in out["changes"] if c["action"] == "remove"}
        for line in EN_TEMPLATE if rec["id"].startswith("en") else ZH_TEMPLATE:
            assert removed[line] == "site-template"


def test_no_site_templates_keeps_them(tmp_path: Path) -> None:
    path, _ = _batch(tmp_path)
    outputs = _run(path, "--no-site-templates")
    assert all(EN_TEMPLATE[1] in o["text"] for o in outputs if o["id"].startswith("en"))
    assert not any(c["rule"] == "site-template" for o in outputs for c in o["changes"])


def test_a_site_with_fewer_pages_than_needed_keeps_its_lines(tmp_path: Path) -> None:
    path, _ = _batch(tmp_path, n=2)
    outputs = _run(path)
    assert all(EN_TEMPLATE[1] in o["text"] for o in outputs if o["id"].startswith("en"))


def test_memory_is_a_window_of_pages_per_site_and_a_bounded_number_of_sites() -> None:
    templates = SiteTemplates(min_pages=2, window=2, max_sites=2)
    url = "https://a.example.com/x"
    for k in range(2):
        templates.observe(f"Shared menu line\nArticle {k} text", url)
    assert "shared menu line" in templates.template_lines("Shared menu line\nnew", url)[1]
    for k in range(3):  # the window holds the last 2 pages: the menu line falls out
        templates.observe(f"Other line {k}\nArticle {k} text", url)
    assert not templates.template_lines("Shared menu line\nx", url)[1]
    templates.observe("Menu\nb", "https://b.example.org/")
    templates.observe("Menu\nc", "https://c.example.net/")  # a third site: the oldest goes
    assert len(templates._pages) == 2 and "example.com" not in templates._pages


def test_registered_domain() -> None:
    assert registered_domain("https://news.fabrikam-pharma.com/p/1") == "fabrikam-pharma.com"
    assert registered_domain("https://www.contoso-health.com.cn/n") == "contoso-health.com.cn"
    assert registered_domain(None) == ""
