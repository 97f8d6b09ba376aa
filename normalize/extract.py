"""Main-content extraction from HTML: trafilatura first, readability-lxml when it returns too
little. Both libraries are imported lazily (only HTML input needs them).

The output is plain text, one block (title, paragraph, list item, table row) per line, which the
plain-text rules in :mod:`normalize.cleaner` then clean further.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.errors import MissingDependencyError

# If the first extractor returns fewer characters than this, the fallback is tried as well and
# the longer of the two is kept. Measured on the evaluation sets (benchmarks/eval_cleaner.py).
MIN_CHARS = 250
# Pages whose visible text is at least this share CJK characters count as Chinese; for them
# readability-lxml goes first (measured: it keeps more of the article on Chinese layouts).
CJK_PAGE_SHARE = 0.3
# The fallback result must be at least this much longer than the first to replace it.
FALLBACK_GAIN = 1.5

ORDERS = ("auto", "trafilatura", "readability")

_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "br",
    "blockquote",
    "pre",
    "section",
    "article",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "figcaption",
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S | re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


@dataclass(frozen=True)
class Extraction:
    text: str
    method: str  # which extractor produced the text
    title: str = ""


def extract_main_text(html: str, url: str | None = None, order: str = "auto") -> Extraction:
    """The article of ``html`` as plain text (title first, blocks on their own lines)."""
    if order not in ORDERS:
        raise ValueError(f"unknown extractor order {order!r} (one of {', '.join(ORDERS)})")
    if order == "auto":
        order = "readability" if _cjk_share(html) >= CJK_PAGE_SHARE else "trafilatura"
    first, second = (
        (_trafilatura, _readability) if order == "trafilatura" else (_readability, _trafilatura)
    )
    result = first(html, url)
    if len(result.text) < MIN_CHARS:
        other = second(html, url)
        if len(other.text) > max(len(result.text) * FALLBACK_GAIN, len(result.text) + 50):
            result = other
    if not result.text.strip():
        result = Extraction(_visible_text(html), "visible-text")
    title = _title(html)
    text = result.text
    if title and not _starts_with_title(text, title):
        text = f"{title}\n{text}"
    return Extraction(text.strip(), result.method, title)


def _trafilatura(html: str, url: str | None) -> Extraction:
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "HTML input needs trafilatura: pip install trafilatura"
        ) from exc
    text = (
        trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
        )
        or ""
    )
    return Extraction(text, "trafilatura")


def _readability(html: str, url: str | None) -> Extraction:
    try:
        from readability import Document as ReadabilityDocument
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "HTML input needs readability-lxml: pip install readability-lxml"
        ) from exc
    try:
        summary = ReadabilityDocument(html, url=url).summary(html_partial=True)
    except Exception:  # readability raises bare exceptions on odd markup; treat as "nothing found"
        return Extraction("", "readability")
    return Extraction(html_to_text(summary), "readability")


def html_to_text(fragment: str) -> str:
    """Block-aware text of an HTML fragment: one line per paragraph, list item, table row."""
    import lxml.html

    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fromstring(fragment)
    except Exception:  # lxml raises ParserError on empty documents
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(node: object) -> None:
        tag = getattr(node, "tag", None)
        if not isinstance(tag, str):
            return
        name = tag.lower()
        block = name in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if name == "li":
            parts.append("- ")
        if node.text:  # type: ignore[attr-defined]
            parts.append(node.text)  # type: ignore[attr-defined]
        for child in node:  # type: ignore[attr-defined]
            walk(child)
            if name == "tr" and getattr(child, "tag", "") in ("td", "th"):
                parts.append(" | ")
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    lines = (_SPACES.sub(" ", line).strip(" |") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _visible_text(html: str) -> str:
    """Last resort when both extractors find nothing: all visible text, block by block."""
    body = re.search(r"<body.*?</body>", html, re.S | re.I)
    return (
        html_to_text(body.group(0) if body else html)
        or _SPACES.sub(" ", _TAG.sub(" ", html)).strip()
    )


def _cjk_share(html: str) -> float:
    text = _TAG.sub(" ", html[:200_000])
    letters = sum(1 for ch in text if ch.isalpha())
    return len(_CJK.findall(text)) / letters if letters else 0.0


_TITLE_PATTERNS = (
    re.compile(r"<meta[^>]+property=[\"']og:title[\"'][^>]+content=[\"']([^\"']+)", re.I),
    re.compile(r"<meta[^>]+content=[\"']([^\"']+)[\"'][^>]+property=[\"']og:title", re.I),
    re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S),
    re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S),
)
# "Headline | Site name", "Headline - Site name", "Headline_新浪财经": keep the headline part.
_TITLE_SUFFIX = re.compile(r"\s*(?:\||–|—|-|_|::)\s*[^|–—_:]{1,40}$")


def _title(html: str) -> str:
    import html as htmllib

    for pattern in _TITLE_PATTERNS:
        match = pattern.search(html)
        if match:
            title = _SPACES.sub(" ", htmllib.unescape(_TAG.sub(" ", match.group(1)))).strip()
            if pattern.pattern.startswith("<title"):
                title = _TITLE_SUFFIX.sub("", title)
            if 4 <= len(title) <= 300:
                return title
    return ""


def _starts_with_title(text: str, title: str) -> bool:
    head = _SPACES.sub(" ", text[: len(title) * 3 + 200]).lower()
    key = _SPACES.sub(" ", title).lower()
    return key[:40] in head
