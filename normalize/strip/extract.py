"""Main-content extraction from HTML: trafilatura first, readability-lxml when it returns too
little (short, and not even one paragraph of prose). Both libraries are imported lazily (only
HTML input needs them).

trafilatura sometimes drops an article's opening paragraphs (a lead or standfirst set apart from
the body in the markup); readability-lxml keeps them. So on pages where trafilatura goes first,
the prose paragraphs readability finds *before* the first paragraph both extractors share are
put in front of trafilatura's text (measured: recall up, precision unchanged; see
benchmarks/eval_cleaner.py). When the two share no paragraph they disagree about where the
article is, and trafilatura's text stays alone. readability-lxml takes about as long as
trafilatura, so it only runs for this where the page has prose just before trafilatura's first
sentence that trafilatura's text lacks (a quick look at the HTML source), and only on the HTML
around that sentence.

The output is plain text, one block (title, paragraph, list item, table row) per line, which the
plain-text rules in :mod:`.cleaner` then clean further.

Every pattern run over a whole page runs on RE2 (:func:`.linear.compile_search`), in time linear
in the page: with Python's backtracking engine the tag, title and body patterns were quadratic on
crafted pages (50,000 ``<h1>``: 82 s). RE2 gives the same matches as before, so results are
unchanged; parsing with lxml instead would change which title and lead are found on broken
markup. The pattern that finds the article's first words in the source (exponential in Python's
engine: a 755-byte page took minutes) is a linear search of its own, :func:`find_words`, which
finds what the pattern found without compiling one per page. Patterns over one short line or
title stay on ``re`` (they are linear there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from normalize.errors import MissingDependencyError
from normalize.strip.linear import compile_search

# If the first extractor returns fewer characters than this, the fallback is tried as well and
# the longer of the two is kept. Measured on the evaluation sets (benchmarks/eval_cleaner.py).
MIN_CHARS = 250
# Pages whose visible text is at least this share CJK characters count as Chinese; for them
# readability-lxml goes first (measured: it keeps more of the article on Chinese layouts).
CJK_PAGE_SHARE = 0.3
# The fallback result must be at least this much longer than the first to replace it.
FALLBACK_GAIN = 1.5
# ... unless the first result holds a whole paragraph: a line that reads as article prose of at
# least this many characters (CJK characters count twice; about two sentences). Then the first
# extractor found a short article, not nothing, and a longer text from the other one is the
# page around it (on zh-cwced-dev a forum post of one paragraph, which trafilatura's whole
# thread replaced). Short results without one (a caption, a byline) still fall back.
PARAGRAPH_MIN_CHARS = 200
# Where the HTML source has trafilatura's first sentence: found by its first few words.
LEAD_PROBE_WORDS = 3
# Text between two tags, at least this long, that reads as a sentence is prose.
LEAD_MIN_SEGMENT = 40
# A lead sits just above the article body in the source: only this many characters of HTML
# before trafilatura's first sentence are looked at (further up are menus and teasers), and
# readability is given this much on either side of it.
LEAD_WINDOW_CHARS = 5000

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
# What strip_tags removes, as the regex it replaces: <script.*?</script>|<style.*?</style>|<[^>]+>
_TAG_OPEN = {"<script": re.compile("<script", re.I), "<style": re.compile("<style", re.I)}
_TAG_CLOSE = {"<script": re.compile("</script>", re.I), "<style": re.compile("</style>", re.I)}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_WORD = re.compile(r"\w+")
_ENTITY = re.compile(r"&#?\w+;")
_PLAIN_SEPARATORS = re.compile(r"[^\w<&]+")
_BODY = re.compile(r"<body\b", re.I)
# RE2 has no backreference: one alternative per element ("<script ...</script>" and so on).
_NOT_SHOWN = compile_search(
    "|".join(rf"<{tag}\b.*?</{tag}\s*>" for tag in ("script", "style", "noscript", "template"))
    + "|<!--.*?-->",
    re.S | re.I,
)
_SEGMENT = compile_search(rf">([^<]{{{LEAD_MIN_SEGMENT},}})<")
_BODY_ELEMENT = compile_search(r"<body.*?</body>", re.S | re.I)


@dataclass(frozen=True)
class Extraction:
    text: str
    method: str  # which extractor produced the text
    title: str = ""


def extract_main_text(html: str, url: str | None = None, order: str = "auto") -> Extraction:
    """The article of ``html`` as plain text (title first, blocks on their own lines)."""
    if order not in ORDERS:
        raise ValueError(f"unknown extractor order {order!r} (one of {', '.join(ORDERS)})")
    complete_lead = order == "auto"
    if order == "auto":
        order = "readability" if _cjk_share(html) >= CJK_PAGE_SHARE else "trafilatura"
    first, second = (
        (_trafilatura, _readability) if order == "trafilatura" else (_readability, _trafilatura)
    )
    result = first(html, url)
    if len(result.text) < MIN_CHARS and not _has_paragraph(result.text):
        other = second(html, url)
        if len(other.text) > max(len(result.text) * FALLBACK_GAIN, len(result.text) + 50):
            result = other
    elif complete_lead and first is _trafilatura:
        around = _lead_source(html, result.text)
        lead = missing_lead(result.text, _readability(around, url).text) if around else []
        if lead:
            result = Extraction("\n".join([*lead, result.text]), "trafilatura+readability-lead")
    if not result.text.strip():
        result = Extraction(_visible_text(html), "visible-text")
    title = _title(html)
    text = result.text
    if title and not _starts_with_title(text, title):
        text = f"{title}\n{text}"
    return Extraction(text.strip(), result.method, title)


def _has_paragraph(text: str) -> bool:
    """Whether ``text`` has a line of article prose of PARAGRAPH_MIN_CHARS or more."""
    from normalize.strip.cleaner import is_sentence

    for line in text.splitlines():
        line = line.strip()
        size = len(line) + len(_CJK.findall(line))
        if size >= PARAGRAPH_MIN_CHARS and is_sentence(line):
            return True
    return False


def _lead_source(html: str, text: str) -> str:
    """The HTML around the first sentence of ``text`` (an extraction of ``html``) if the part
    just before it has prose that ``text`` lacks, else ""; all of ``html`` when that sentence
    cannot be found. readability only needs to see this much to tell the lead (and it is
    several times faster on it than on the whole page)."""
    import html as htmllib

    from normalize.strip.cleaner import is_sentence

    lines = [line for line in text.splitlines() if line.strip()]
    anchor = next((line for line in lines if is_sentence(line)), lines[0] if lines else "")
    words = _WORD.findall(anchor)[:LEAD_PROBE_WORDS]
    if not words:
        return html
    body = _BODY.search(html)
    start = body.start() if body else 0
    at = find_words(html, words, start)
    if at is None:
        return html
    have = " ".join(text.split())
    before = _NOT_SHOWN.sub(" ", html[max(start, at - LEAD_WINDOW_CHARS) : at])
    for segment in _SEGMENT.findall(before):
        prose = " ".join(htmllib.unescape(segment).split())
        if len(prose) >= LEAD_MIN_SEGMENT and prose not in have and is_sentence(prose):
            window = html[max(0, at - LEAD_WINDOW_CHARS) : at + LEAD_WINDOW_CHARS]
            return f"<html><body>{window}</body></html>"
    return ""


def find_words(html: str, words: Sequence[str], start: int = 0) -> int | None:
    """Where ``words`` (each ``\\w+``) first occur in ``html`` at or after ``start``, separated by
    runs of tags, entities and other non-word characters: the start of what
    ``re.search(SEP.join(map(re.escape, words)), html[start:])`` finds, with
    ``SEP = (?:\\W|<[^>]*>|&#?\\w+;)+``, or None.

    That regex is exponential in Python's engine on runs of "<>", and on RE2 it cost a compile and
    a whole-page search per page (a third of the time the strip stage adds to trafilatura). Here
    each occurrence of the first word is followed through the separators it can be read with
    (a tag may also be read as "<" and text, so both ways are tried); a position found once
    after word k and leading nowhere is not followed again, so the search is linear."""
    if not words:
        return None
    first, rest = words[0], list(words[1:])
    seen: list[set[int]] = [set() for _ in rest]  # positions reached after word k (dead ends)
    closing = _NextChar(html, ">")

    def follows(pos: int, k: int) -> bool:
        if k == len(rest):
            return True
        word, reached = rest[k], seen[k]
        todo = list(_separator_steps(html, pos, closing))
        while todo:
            x = todo.pop()
            if x in reached:
                continue
            reached.add(x)
            if html.startswith(word, x) and follows(x + len(word), k + 1):
                return True
            todo.extend(_separator_steps(html, x, closing))
        return False

    i = html.find(first, start)
    while i >= 0:
        if follows(i + len(first), 0):
            return i
        i = html.find(first, i + 1)
    return None


class _NextChar:
    """``text.find(char, pos)`` in linear total time over calls at any positions (a page of "<"
    without ">" must not be scanned to its end from every "<")."""

    def __init__(self, text: str, char: str) -> None:
        self.text, self.char = text, char
        self.low, self.found = 0, text.find(char)  # the answer for every pos in [low, found]

    def __call__(self, pos: int) -> int:
        if pos < self.low or pos > self.found >= 0:
            self.low, self.found = pos, self.text.find(self.char, pos)
        return self.found


def _separator_steps(html: str, pos: int, closing: _NextChar) -> list[int]:
    """The positions one separator step (a non-word character, a tag, an entity) after ``pos``.
    A run of non-word characters other than "<" and "&" is one step to its end: the positions
    inside it can neither start a word nor a tag or entity."""
    if pos >= len(html):
        return []
    char = html[pos]
    if char == "<":
        end = closing(pos + 1)
        return [pos + 1, end + 1] if end >= 0 else [pos + 1]
    if char == "&":
        entity = _ENTITY.match(html, pos)
        return [pos + 1, entity.end()] if entity else [pos + 1]
    run = _PLAIN_SEPARATORS.match(html, pos)
    return [run.end()] if run else []


def missing_lead(primary: str, other: str) -> list[str]:
    """The lines of ``other`` that read as article sentences and come before its first line
    that ``primary`` also has; none if no line of ``other`` is in ``primary``."""
    from normalize.strip.cleaner import is_sentence

    have = " ".join(primary.split())
    lead: list[str] = []
    for line in other.splitlines():
        line = line.strip()
        if not line:
            continue
        if " ".join(line.split()) in have:
            return lead
        if is_sentence(line):
            lead.append(line)
    return []


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
    body = _BODY_ELEMENT.search(html)
    return (
        html_to_text(body.group(0) if body else html) or _SPACES.sub(" ", strip_tags(html)).strip()
    )


def strip_tags(html: str) -> str:
    """``html`` with each script and style element and each tag replaced by a space: what
    ``re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S | re.I)``
    gives, in one linear pass (that regex is quadratic on "<" without ">" or "<script" without
    its end, and RE2's Python wrapper pays ~40 us per match on pages of 50,000 tags)."""
    out: list[str] = []
    i = 0
    missing: set[str] = set()  # a closing tag not found after some point is not found later
    while (j := html.find("<", i)) >= 0:
        element = (
            next((k for k, p in _TAG_OPEN.items() if p.match(html, j)), None)
            if html[j + 1 : j + 2] in ("s", "S")  # the patterns' cheap first test
            else None
        )
        if element is not None and element not in missing:
            close = _TAG_CLOSE[element].search(html, j + len(element))
            if close is not None:
                out.append(html[i:j])
                out.append(" ")
                i = close.end()
                continue
            missing.add(element)
        end = html.find(">", j + 1)
        if end < 0:
            break  # no ">" after this "<": no more tags
        if end == j + 1:  # "<>" is no tag
            out.append(html[i : j + 1])
            i = j + 1
            continue
        out.append(html[i:j])
        out.append(" ")
        i = end + 1
    out.append(html[i:])
    return "".join(out)


def _cjk_share(html: str) -> float:
    text = strip_tags(html[:200_000])
    letters = sum(map(str.isalpha, text))  # a C loop: several times a generator's speed
    return len(_CJK.findall(text)) / letters if letters else 0.0


_TITLE_PATTERNS = (  # (pattern, whether a "| Site name" suffix is cut)
    (
        compile_search(r"<meta[^>]+property=[\"']og:title[\"'][^>]+content=[\"']([^\"']+)", re.I),
        False,
    ),
    (
        compile_search(r"<meta[^>]+content=[\"']([^\"']+)[\"'][^>]+property=[\"']og:title", re.I),
        False,
    ),
    (compile_search(r"<h1[^>]*>(.*?)</h1>", re.I | re.S), False),
    (compile_search(r"<title[^>]*>(.*?)</title>", re.I | re.S), True),
)
# "Headline | Site name", "Headline - Site name", "Headline_新浪财经": keep the headline part.
_TITLE_SUFFIX = re.compile(r"\s*(?:\||–|—|-|_|::)\s*[^|–—_:]{1,40}$")


def _title(html: str) -> str:
    import html as htmllib

    for pattern, has_suffix in _TITLE_PATTERNS:
        match = pattern.search(html)
        if match:
            title = _SPACES.sub(" ", htmllib.unescape(strip_tags(match.group(1)))).strip()
            if has_suffix:
                title = _TITLE_SUFFIX.sub("", title)
            if 4 <= len(title) <= 300:
                return title
    return ""


def _starts_with_title(text: str, title: str) -> bool:
    head = _SPACES.sub(" ", text[: len(title) * 3 + 200]).lower()
    key = _SPACES.sub(" ", title).lower()
    return key[:40] in head
