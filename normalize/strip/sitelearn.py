"""Learning site boilerplate from a batch: lines that repeat across many documents of the same
site (the record's ``url`` domain) are the site's template, not its articles.

``normalize sites learn`` saves what is learnt as a site profile (``rules/sites/<domain>.yaml``)
that editors can review; :meth:`CleanerStage.with_profiles` uses profiles directly.

:class:`SiteTemplates` learns the same thing *during* one ``normalize clean`` run, with bounded
memory: for each registered domain it keeps the line sets of that domain's last
``TEMPLATE_WINDOW`` pages (and at most ``TEMPLATE_MAX_SITES`` domains, the least recently seen
forgotten first). A line on at least ``TEMPLATE_MIN_PAGES`` of those pages is the site's
template (rule ``site-template``). Pages are observed as they are read, ``TEMPLATE_LOOKAHEAD``
records ahead of cleaning (:func:`observe_ahead`), so the first pages of a site are cleaned with
what the pages after them show.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from normalize.strip.cleaner import is_sentence, repair_line
from normalize.strip.rules import SiteProfile, host_of, normalize_line

if TYPE_CHECKING:
    from normalize.pipeline import Pipeline

# A site needs at least this many documents before anything is learnt from it.
LEARN_MIN_DOCS = 3
# A short line must occur in at least this share of the site's documents...
LEARN_MIN_SHARE = 0.5
# ...and a line that reads as a sentence in at least this share and this many documents: a
# press-release "About the company" paragraph repeats too, but not on nearly every page.
LEARN_SENTENCE_SHARE = 0.8
LEARN_SENTENCE_MIN_DOCS = 5
# Lines this short carry no signal (numbers, single characters).
LEARN_MIN_CHARS = 2
# Site templates within one run (see the module docstring).
TEMPLATE_MIN_PAGES = 3
TEMPLATE_WINDOW = 200
TEMPLATE_MAX_SITES = 2_000
TEMPLATE_LOOKAHEAD = 64


def learn_site_profiles(
    docs: Iterable[tuple[str, str | None]],
    *,
    min_docs: int = LEARN_MIN_DOCS,
    min_share: float = LEARN_MIN_SHARE,
    site: str | None = None,
) -> list[SiteProfile]:
    """Profiles for every site with enough documents in ``docs`` ((text, url) pairs; ``site``
    overrides the urls). Texts should already be plain text (extract HTML first)."""
    per_site: dict[str, Counter[str]] = defaultdict(Counter)
    sentence_lines: dict[str, set[str]] = defaultdict(set)
    n_docs: Counter[str] = Counter()
    for text, url in docs:
        host = site or host_of(url)
        if not host:
            continue
        n_docs[host] += 1
        seen = set()
        for raw in text.splitlines():
            line, _ = repair_line(raw)
            norm = normalize_line(line)
            if len(norm) < LEARN_MIN_CHARS or norm in seen:
                continue
            seen.add(norm)
            if is_sentence(line):
                sentence_lines[host].add(norm)
        per_site[host].update(seen)
    profiles = []
    for host, counts in sorted(per_site.items()):
        total = n_docs[host]
        if total < min_docs:
            continue
        lines = set()
        for norm, count in counts.items():
            if norm in sentence_lines[host]:
                if count >= LEARN_SENTENCE_MIN_DOCS and count / total >= LEARN_SENTENCE_SHARE:
                    lines.add(norm)
            elif count >= min_docs and count / total >= min_share:
                lines.add(norm)
        if lines:
            profiles.append(
                SiteProfile(host, frozenset(lines), (), f"learnt from {total} documents")
            )
    return profiles


def site_document_counts(docs: Iterable[tuple[str, str | None]]) -> Counter[str]:
    """How many documents each site has (for reporting what could not be learnt)."""
    return Counter(host_of(url) for _, url in docs if host_of(url))


def registered_domain(url: str | None) -> str:
    """The site a page belongs to: the host without ``www.``, cut to its registered domain
    (``news.example.com`` -> ``example.com``; ``x.example.com.cn`` -> ``example.com.cn``)."""
    host = host_of(url)
    if not host:
        return ""
    parts = host.removeprefix("www.").split(".")
    if len(parts) >= 3 and (
        parts[-2] in ("com", "co", "org", "net", "gov", "edu", "ac") or len(parts[-2]) <= 2
    ):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def page_lines(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A page's distinct lines as the cleaner compares them, and those that read as sentences."""
    lines, sentences = set(), set()
    for raw in text.splitlines():
        line, _ = repair_line(raw)
        norm = normalize_line(line)
        if len(norm) < LEARN_MIN_CHARS or norm in lines:
            continue
        lines.add(norm)
        if is_sentence(line):
            sentences.add(norm)
    return frozenset(lines), frozenset(sentences)


class SiteTemplates:
    """Lines recurring on the pages of one site within a run (not thread-safe)."""

    def __init__(
        self,
        *,
        min_pages: int = TEMPLATE_MIN_PAGES,
        window: int = TEMPLATE_WINDOW,
        max_sites: int = TEMPLATE_MAX_SITES,
    ) -> None:
        self.min_pages, self.window, self.max_sites = min_pages, window, max_sites
        # per site: the (lines, sentence lines) of its last pages
        self._pages: OrderedDict[str, deque[tuple[frozenset[str], frozenset[str]]]] = OrderedDict()
        self._counts: dict[str, Counter[str]] = {}
        self._sentences: dict[str, Counter[str]] = {}
        self._pending: Counter[tuple[str, int]] = Counter()  # observed ahead, not yet cleaned

    def observe(self, text: str, url: str | None) -> None:
        """Count a page's lines for its site."""
        site = registered_domain(url)
        if not site:
            return
        lines, sentences = page_lines(text)
        if site not in self._pages:
            if len(self._pages) >= self.max_sites:
                old, _ = self._pages.popitem(last=False)
                del self._counts[old], self._sentences[old]
            self._pages[site] = deque()
            self._counts[site] = Counter()
            self._sentences[site] = Counter()
        self._pages.move_to_end(site)
        pages, counts, sent = self._pages[site], self._counts[site], self._sentences[site]
        pages.append((lines, sentences))
        counts.update(lines)
        sent.update(sentences)
        if len(pages) > self.window:
            gone, gone_sentences = pages.popleft()
            counts.subtract(gone)
            sent.subtract(gone_sentences)
            for line in gone:
                if counts[line] <= 0:
                    del counts[line]
            for line in gone_sentences:
                if sent[line] <= 0:
                    del sent[line]

    def observe_ahead(self, text: str, url: str | None) -> None:
        """Observe a page before it is cleaned (see :func:`observe_ahead`)."""
        self.observe(text, url)
        self._pending[(registered_domain(url), hash(text))] += 1

    def template_lines(self, text: str, url: str | None) -> tuple[str, frozenset[str]]:
        """The site of ``url`` and the lines of ``text`` that are its template (``text`` is
        observed now unless it was observed ahead)."""
        site = registered_domain(url)
        if not site:
            return "", frozenset()
        key = (site, hash(text))
        if self._pending[key] > 0:
            self._pending[key] -= 1
            if not self._pending[key]:
                del self._pending[key]
        else:
            self.observe(text, url)
        counts = self._counts.get(site)
        if not counts:
            return site, frozenset()
        pages = len(self._pages[site])
        sent = self._sentences[site]
        lines = set()
        for norm in page_lines(text)[0]:
            count = counts.get(norm, 0)
            if count < self.min_pages:
                continue
            if sent.get(norm, 0) > 0 and (
                count < LEARN_SENTENCE_MIN_DOCS or count < LEARN_SENTENCE_SHARE * pages
            ):
                continue  # a repeated "About the company" paragraph is not a template
            lines.add(norm)
        return site, frozenset(lines)


_R = TypeVar("_R")


def observe_ahead(
    items: Iterable[_R],
    templates: SiteTemplates,
    page: Callable[[_R], tuple[str, str | None] | None],
    lookahead: int = TEMPLATE_LOOKAHEAD,
) -> Iterator[_R]:
    """Yield ``items`` in order, each after the ``lookahead`` items that follow it have been
    observed (``page`` gives an item's plain text and url, or None to skip it)."""
    buffer: deque[_R] = deque()
    for item in items:
        seen = page(item)
        if seen is not None:
            templates.observe_ahead(*seen)
        buffer.append(item)
        if len(buffer) > lookahead:
            yield buffer.popleft()
    yield from buffer


def use_site_templates(pipeline: Pipeline, templates: SiteTemplates) -> bool:
    """Make ``pipeline``'s strip stage use ``templates``; False when it has no strip stage."""
    from normalize.strip.cleaner import CleanerStage

    for k, stage in enumerate(pipeline.stages):
        if isinstance(stage, CleanerStage):
            pipeline.stages[k] = stage.with_templates(templates)
            return True
    return False
