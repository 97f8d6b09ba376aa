"""Cleaner rules: YAML files editors maintain (format in ``rules/README.md``), loaded and
validated into immutable :class:`Rule` and :class:`SiteProfile` records.

The bundled folder holds generic files (``generic-*.yaml``) and per-site profiles
(``sites/<domain>.yaml``); extra folders or files (``--site-rules``) are added to them.
Problems raise :class:`RulesError` naming file, line and rule id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from normalize.errors import RulesError
from normalize.resources import data_dir
from normalize.strip.linear import (
    LinearRegexError,
    check,
    compile_linear,
    compile_literal_search,
    compile_one,
    compile_set,
    is_relaxed,
)
from normalize.strip.rulelits import case_folded_equivalent, max_width, required_literals
from normalize.yamlfile import load_data

if TYPE_CHECKING:  # compose reads lines in this module's normalize_line form
    from normalize.strip.compose import LineGrammar

WHERE = ("anywhere", "edges")
LANGS = ("any", "en", "zh")
_RULE_KEYS = {"id", "match", "lines", "where", "sentences", "ends_article", "note"}
_GENERIC_KEYS = {"lang", "defines", "rules", "note"}
_SITE_KEYS = {"site", "lines", "rules", "note", "learnt"}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_SPACE = re.compile(r"\s+")
_FRAME_CHARS = " |*•·"
_FRAME = set(_FRAME_CHARS) - {" "}
_WRAPPED = re.compile(r"（[^（）]+）|\([^()]+\)|【[^【】]+】|\[[^\[\]]+\]")  # one pair of brackets


def _fallbacks(norm: str) -> Iterator[str]:
    """The forms of a line a rule is tried on when it does not match the line whole: without
    the table cell or bullet around it ("| Comments: 0 |", "* Share"), or inside its one pair
    of brackets ("(Photo: Reuters)", "（来源：某某日报）")."""
    if norm[:1] in _FRAME:
        yield norm.strip(_FRAME_CHARS)
    if norm[-1:] in _FRAME:
        yield norm.rstrip(_FRAME_CHARS)
    if _WRAPPED.fullmatch(norm):
        yield norm[1:-1].strip()


def normalize_line(line: str) -> str:
    """The form lines are compared in: whitespace collapsed, trimmed, case folded."""
    return _SPACE.sub(" ", line).strip().casefold()


@dataclass(frozen=True)
class Rule:
    """One junk-line rule. ``match`` must match the whole (trimmed) line, ignoring case."""

    id: str
    pattern: re.Pattern[str] | None = None
    lines: frozenset[str] = frozenset()  # exact lines (normalize_line form)
    where: str = "anywhere"  # anywhere, or edges: only before the first / after the last sentence
    sentences: bool = False  # may remove a line that reads as a sentence (unambiguous markers only)
    ends_article: bool = False  # the article ends here: what follows goes too (see cleaner)
    lang: str = "any"
    source: str = ""  # file:line
    # ``pattern`` is Python's parse of ``match`` (its source and flags feed rulelits); lines are
    # matched by this RE2 copy, in time linear in the line (see normalize.strip.linear).
    # (Given when the loader already compiled it while checking the pattern.)
    linear: Any = field(repr=False, compare=False, hash=False, default=None)

    def __post_init__(self) -> None:
        if self.pattern is not None and self.linear is None:
            compiled = compile_linear(self.pattern.pattern, ignore_case=True)
            object.__setattr__(self, "linear", compiled)

    def matches(self, norm: str) -> bool:
        if norm in self.lines:
            return True
        if self.linear is None:
            return False
        full = self.linear.fullmatch
        return full(norm) is not None or any(full(form) is not None for form in _fallbacks(norm))


@dataclass(frozen=True)
class SiteProfile:
    """Lines and rules for one site (the domain and its subdomains)."""

    site: str
    lines: frozenset[str] = frozenset()  # exact lines, removed wherever they are
    rules: tuple[Rule, ...] = ()
    source: str = ""
    matcher: Matcher | None = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Built once per profile, not per document (compiling the rules is the slow part).
        object.__setattr__(self, "matcher", Matcher(self.rules) if self.rules else None)


class Matcher:
    """Finds the first of ``rules`` that matches a line (in normalize_line form), with the
    patterns combined into one regex (one C-level scan instead of a Python loop over ~80 rules).

    Rules that look for a keyword anywhere in a short line (``.{0,80}\\b(?:newsletter|...)``)
    would make that regex slow: it retries their keywords at every position. Those *scanning*
    branches are left out of the combined regex when every match needs one of a few keywords
    (:mod:`.rulelits`); one literal search (an RE2 set of the keywords) finds which of them a
    line contains, and only those branches are tried, and only on lines no longer than the
    branch can match. Results are the same as with one regex of all rules."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._exact = {}
        for rule in reversed(self.rules):  # the first rule naming a line wins
            for line in rule.lines:
                self._exact[line] = rule
        self._all = _MatchPlan(self.rules, lambda r: True)
        self._sentences = _MatchPlan(self.rules, lambda r: r.sentences)

    def first(self, norm: str, *, sentences_only: bool) -> Rule | None:
        """The first rule matching the whole of ``norm``; with ``sentences_only``, only rules
        allowed to remove sentences."""
        return self.first_many([norm], [sentences_only])[0]

    def first_many(self, norms: Sequence[str], sentences_only: Sequence[bool]) -> list[Rule | None]:
        """:meth:`first` of each line (a document's lines at once: each RE2 automaton then
        reads them one after the other while its tables are in the CPU's cache, several times
        faster than one line through all of them after another)."""
        out: list[Rule | None] = [None] * len(norms)
        todo: tuple[list[int], list[int]] = ([], [])  # by plan: all rules, sentence rules
        for k, (norm, strong) in enumerate(zip(norms, sentences_only, strict=True)):
            exact = self._exact.get(norm)
            if exact is not None and (exact.sentences or not strong):
                out[k] = exact
            else:
                todo[strong].append(k)
        for plan, ks in zip((self._all, self._sentences), todo, strict=True):
            indexes = plan.first_many([norms[k] for k in ks])
            for k, index in zip(ks, indexes, strict=True):
                if index is None:
                    for form in _fallbacks(norms[k]):
                        index = plan.first_many([form])[0]
                        if index is not None:
                            break
                if index is not None:
                    out[k] = self.rules[index]
        return out


class _MatchPlan:
    """The compiled form of some rules: one combined regex of the branches every line is
    tried against, and the keyword-guarded scanning branches with their keyword search.

    Lines are case folded, so where that gives the same matches (see
    :func:`.rulelits.case_folded_equivalent`) the regexes are compiled without
    IGNORECASE, which the regex engine runs much faster; a line with a dotless "ı" (the one
    case-folded character an ignore-case "i" matches) uses the ignore-case versions."""

    def __init__(self, rules: Sequence[Rule], keep: Any) -> None:
        always: list[str] = []
        self.always_rules: list[int] = []  # the rule index of each pattern of the always set
        guarded: list[tuple[int, str]] = []
        widths: list[int] = []  # the most characters each guarded branch can match
        keywords: dict[str, set[int]] = {}
        exact_folded = True
        for i, rule in enumerate(rules):
            if rule.pattern is None or not keep(rule):
                continue
            exact_folded = exact_folded and case_folded_equivalent(
                rule.pattern.pattern, rule.pattern.flags
            )
            fixed: list[str] = []
            for branch, rest in _branches_with_scan(rule.pattern.pattern):
                need = required_literals(rest, rule.pattern.flags) if rest else None
                if need is None:
                    fixed.append(branch)
                    continue
                guarded.append((i, branch))
                widths.append(max_width(branch, rule.pattern.flags))
                for word in need:
                    keywords.setdefault(word, set()).add(len(guarded) - 1)
            if fixed:
                always.append("|".join(fixed))
                self.always_rules.append(i)
        # One RE2 set of the always-tried rules (it reports every rule that matches the whole
        # line, in one linear pass; the first of them wins), and the guarded branches apart.
        self.folded = exact_folded
        self._always_sources, self._guarded_sources = always, guarded
        # The set holds relaxed patterns (see linear.compile_set); what it finds for one of
        # those is confirmed by the pattern itself.
        self._relaxed = [is_relaxed(source) for source in always]
        self._ignore_case: tuple[Any, tuple[Any, ...], tuple[tuple[int, Any], ...]] | None = None
        if exact_folded:
            self.always_folded = (
                compile_set(always, ignore_case=False, relax=True) if always else None
            )
            self.always_exact = self._exact_checks(ignore_case=False)
            self.guarded_folded = tuple(
                (i, compile_one(b, ignore_case=False)) for i, b in guarded
            )
        else:
            self.always_folded, self.always_exact, self.guarded_folded = self.ignore_case()
        # One search for every keyword (an RE2 set of plain strings: one pass over the line,
        # however many keywords); each found keyword names the branches that need it.
        self.widths = tuple(widths)
        self.keyword_words = tuple(sorted(keywords))
        self.keyword_branches = tuple(frozenset(keywords[w]) for w in self.keyword_words)
        self.keywords = compile_literal_search(self.keyword_words) if keywords else None
        self.keywords_joinable = not any("\n" in word for word in self.keyword_words)

    def _exact_checks(self, *, ignore_case: bool) -> tuple[Any, ...]:
        return tuple(
            compile_one(source, ignore_case=ignore_case) if relaxed else None
            for source, relaxed in zip(self._always_sources, self._relaxed, strict=True)
        )

    def ignore_case(self) -> tuple[Any, tuple[Any, ...], tuple[tuple[int, Any], ...]]:
        """The ignore-case set, its confirming patterns and branches, compiled on first use:
        when the folded ones are equivalent, only lines with a dotless "ı" need them, and
        compiling them is about half of a plain English run's start-up."""
        if self._ignore_case is None:
            always, guarded = self._always_sources, self._guarded_sources
            self._ignore_case = (
                compile_set(always, ignore_case=True, relax=True) if always else None,
                self._exact_checks(ignore_case=True),
                tuple((i, compile_one(b, ignore_case=True)) for i, b in guarded),
            )
        return self._ignore_case

    def _first_always(
        self, found: Iterable[int], data: bytes, exact: tuple[Any, ...]
    ) -> int | None:
        """The first rule of the set's (relaxed) matches ``found`` that really matches."""
        for j in sorted(found):
            check = exact[j]
            if check is None or check.Match(data):
                return self.always_rules[j]
        return None

    def first_many(self, texts: Sequence[str]) -> list[int | None]:
        """The index of the first rule whose pattern matches the whole of each text (a case
        folded line), or None. Each automaton reads all the texts in turn (see
        :meth:`Matcher.first_many`)."""
        # Keywords are lower-case literals; "ı" is the one case-folded character that an
        # ignore-case "i" matches, so such lines skip the shortcuts.
        out: list[int | None] = [None] * len(texts)
        plain = [k for k, text in enumerate(texts) if "ı" not in text]
        if len(plain) < len(texts):
            always, exact, guarded = self.ignore_case()
            for k, text in enumerate(texts):
                if "ı" in text:
                    data = text.encode()
                    found = always.Match(data) if always is not None else None
                    best = self._first_always(found, data, exact) if found else None
                    out[k] = self._guarded_first(text, data, range(len(guarded)), guarded, best)
        datas = [texts[k].encode() for k in plain]  # RE2 reads UTF-8: encoded once
        if self.always_folded is not None:
            matches = map(self.always_folded.Match, datas)
            for k, data, found in zip(plain, datas, matches, strict=True):
                if found:
                    out[k] = self._first_always(found, data, self.always_exact)
        if self.keywords is not None:
            keywords = self._keywords_of(self.keywords, plain, texts, datas)
            for k, data, found in zip(plain, datas, keywords, strict=True):
                if found:
                    branches = set().union(*map(self.keyword_branches.__getitem__, found))
                    out[k] = self._guarded_first(
                        texts[k], data, branches, self.guarded_folded, out[k]
                    )
        return out

    def _keywords_of(
        self, search: Any, plain: Sequence[int], texts: Sequence[str], datas: Sequence[bytes]
    ) -> Iterable[Sequence[int] | None]:
        """The keywords (indexes) each of ``datas`` (the ``plain`` ones of ``texts``) holds,
        as the keyword ``search`` finds them. One search of all the lines joined
        finds which occur at all (no keyword holds a line break; in most documents none
        occurs): a search per line costs several times more than the reading."""
        if len(datas) < 2 or not self.keywords_joinable:
            return map(search.Match, datas)
        present = search.Match(b"\n".join(datas))
        if not present:
            return [None] * len(datas)
        words = [(j, self.keyword_words[j]) for j in present]
        return [[j for j, word in words if word in texts[k]] for k in plain]

    def _guarded_first(
        self,
        text: str,
        data: bytes,
        branches: Iterable[int],
        guarded: tuple[tuple[int, Any], ...],
        best: int | None,
    ) -> int | None:
        """The first rule of ``branches`` (indexes into ``guarded``) that matches, if it comes
        before rule ``best``; else ``best``."""
        size, widths = len(text), self.widths
        for b in sorted(branches):
            index, pattern = guarded[b]
            if best is not None and index >= best:
                break
            # (a branch that cannot match so many characters is not run)
            if size <= widths[b] and pattern.Match(data):
                return index
        return best


# A branch that starts by skipping up to N arbitrary characters (".{0,80}", "[^,.]{0,30}",
# ".*") before what it looks for: a "scanning" branch, see Matcher.
_SCAN_PREFIX = re.compile(r"(?:\.|\[\^(?:\\.|[^\]\\])+\])(?:\*|\{0?,\d+\})\??")


def _branches_with_scan(pattern: str) -> list[tuple[str, str]]:
    """The top-level branches of ``pattern``, each with what follows its skipping prefix
    ("" for a branch that starts at the line's start)."""
    out: list[tuple[str, str]] = []
    for branch in _branches(pattern):
        prefix = _SCAN_PREFIX.match(branch)
        rest = branch[prefix.end() :] if prefix is not None else ""
        out.append((branch, rest))
    return out


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a regex source; a group around the whole is opened."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    closes_at: dict[int, int] = {}
    opened: list[int] = []
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":  # a "]" right after "[" or "[^" is a character
                i += 1
            continue
        elif ch == "(":
            depth += 1
            opened.append(i)
        elif ch == ")":
            depth -= 1
            closes_at[opened.pop()] = i
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    if len(parts) == 1 and pattern.startswith("(?:") and closes_at.get(0) == len(pattern) - 1:
        return _branches(pattern[3:-1])
    return parts


@dataclass(frozen=True)
class RuleSet:
    generic: tuple[Rule, ...]
    sites: Mapping[str, SiteProfile] = field(default_factory=dict, hash=False)
    digest: str = ""
    # the vocabulary of the composite-line decisions (normalize/strip/compose.py); none: off
    grammar: LineGrammar | None = field(default=None, hash=False, compare=False)
    matcher: Matcher = field(init=False, repr=False, compare=False, hash=False)
    # the ids of the generic rules that end the article (once, not per document)
    ends_article: frozenset[str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matcher", Matcher(self.generic))
        ends = frozenset(rule.id for rule in self.generic if rule.ends_article)
        object.__setattr__(self, "ends_article", ends)

    def site_for(self, url: str | None) -> SiteProfile | None:
        """The profile for ``url``'s host: the longest site key it equals or ends with."""
        host = host_of(url)
        while host:
            if host in self.sites:
                return self.sites[host]
            _, _, host = host.partition(".")
        return None

    def with_profiles(self, profiles: Iterable[SiteProfile]) -> RuleSet:
        """A copy with ``profiles`` merged in (their lines added to any existing profile)."""
        sites = dict(self.sites)
        for profile in profiles:
            old = sites.get(profile.site)
            if old is not None:
                profile = SiteProfile(
                    profile.site,
                    old.lines | profile.lines,
                    old.rules + profile.rules,
                    old.source or profile.source,
                )
            sites[profile.site] = profile
        digest = hashlib.sha256(
            (self.digest + repr(sorted((k, sorted(v.lines)) for k, v in sites.items()))).encode()
        ).hexdigest()[:12]
        return RuleSet(self.generic, sites, digest, self.grammar)


def host_of(url: str | None) -> str:
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.lower().removeprefix("www.")


def rule_files(paths: Sequence[Path | str] | None = None) -> list[Path]:
    """The bundled rule files, then those under ``paths`` (folders are listed, with ``sites/``)."""
    roots: list[Path] = [data_dir("rules")]
    roots.extend(Path(p) for p in paths or ())
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            found = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))
            sites = root / "sites"
            if sites.is_dir():
                found += sorted(p for p in sites.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found and root != roots[0]:
                raise RulesError(f"{root}: no *.yaml rule files in this folder")
            files.extend(found)
        elif root.is_file():
            files.append(root)
        else:
            raise RulesError(f"{root}: no such rule file or folder")
    return files


def load_rules(paths: Sequence[Path | str] | None = None) -> RuleSet:
    """Load and validate the bundled rules plus ``paths`` (extra folders or files)."""
    generic: list[Rule] = []
    sites: dict[str, SiteProfile] = {}
    digest = hashlib.sha256()
    seen_ids: dict[str, str] = {}
    for path in rule_files(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesError(f"{path}: cannot read: {exc}") from None
        digest.update(path.name.encode() + b"\0" + text.encode())
        rules, profile = parse_rules_text(text, str(path))
        for rule in rules:
            if rule.id in seen_ids:
                raise RulesError(
                    f"{rule.source}: rule id {rule.id!r} already used at {seen_ids[rule.id]}"
                )
            seen_ids[rule.id] = rule.source
        if profile is not None:
            if profile.site in sites:  # a later file (e.g. --site-rules) adds to a bundled profile
                old = sites[profile.site]
                profile = SiteProfile(
                    profile.site,
                    old.lines | profile.lines,
                    old.rules + profile.rules,
                    f"{old.source}, {profile.source}",
                )
            sites[profile.site] = profile
        else:
            generic.extend(rules)
    from normalize.strip.compose import load_grammar  # (compose imports this module)

    grammar = load_grammar(rule_ids=seen_ids)
    digest.update(b"grammar\0" + grammar.digest.encode())
    return RuleSet(tuple(generic), sites, digest.hexdigest()[:12], grammar)


def parse_rules_text(
    text: str, filename: str = "<string>"
) -> tuple[list[Rule], SiteProfile | None]:
    """Parse one rule file: generic rules, or (with a ``site`` key) a site profile."""
    data = load_data(text, filename, RulesError, label="not valid YAML")
    if not isinstance(data, dict):
        raise RulesError(f"{filename}:1: expected a mapping with 'rules' (or 'site' and 'lines')")
    line = data.pop("__line__", 1)
    is_site = "site" in data
    allowed = _SITE_KEYS if is_site else _GENERIC_KEYS
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RulesError(
            f"{filename}:{line}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )
    lang = data.get("lang", "any")
    if lang not in LANGS:
        raise RulesError(f"{filename}:{line}: lang must be one of {', '.join(LANGS)}, not {lang!r}")
    defines = _defines(data.get("defines") or {}, filename, line)
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise RulesError(f"{filename}:{line}: 'rules' must be a list")
    rules = [_rule(item, filename, lang, defines) for item in raw_rules]
    if not is_site:
        if not rules:
            raise RulesError(f"{filename}:{line}: no rules (a generic file needs a 'rules' list)")
        return rules, None
    site = data["site"]
    if not isinstance(site, str) or not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", site.lower()):
        raise RulesError(
            f"{filename}:{line}: 'site' must be a domain like example.com, not {site!r}"
        )
    lines = _str_list(data.get("lines") or [], f"{filename}:{line}: 'lines'")
    profile = SiteProfile(
        host_of(site),
        frozenset(normalize_line(x) for x in lines if x.strip()),
        tuple(rules),
        f"{filename}:{line}",
    )
    return rules, profile


def _defines(raw: Any, filename: str, line: int) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise RulesError(f"{filename}:{line}: 'defines' must be a mapping of name: regex")
    where = raw.pop("__line__", line)
    out: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            raise RulesError(f"{filename}:{where}: define {name!r} must be a string")
        out[name] = _expand(value, out, f"{filename}:{where}: define {name!r}")
        try:
            re.compile(out[name])
        except re.error as exc:
            raise RulesError(f"{filename}:{where}: define {name!r}: bad regex: {exc}") from None
    return out


def _expand(pattern: str, defines: Mapping[str, str], who: str) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in defines:
            raise RulesError(
                f"{who}: unknown placeholder {{{name}}} (define it above under 'defines')"
            )
        return f"(?:{defines[name]})"

    return _PLACEHOLDER.sub(sub, pattern)


def _rule(item: Any, filename: str, lang: str, defines: Mapping[str, str]) -> Rule:
    if not isinstance(item, dict):
        raise RulesError(
            f"{filename}: each rule must be a mapping with 'id' and 'match' or 'lines'"
        )
    line = item.pop("__line__", 0)
    rid = item.get("id")
    who = f"{filename}:{line}: rule {rid!r}" if rid else f"{filename}:{line}"
    if not isinstance(rid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", rid):
        raise RulesError(f"{who}: 'id' must be lowercase letters, digits, '-', '_' or '.'")
    unknown = sorted(set(item) - _RULE_KEYS)
    if unknown:
        raise RulesError(
            f"{who}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_RULE_KEYS))})"
        )
    if "match" not in item and "lines" not in item:
        raise RulesError(f"{who}: needs 'match' (a regex) or 'lines' (exact lines)")
    pattern = linear = None
    if "match" in item:
        if not isinstance(item["match"], str) or not item["match"].strip():
            raise RulesError(f"{who}: 'match' must be a non-empty regex string")
        source = _expand(item["match"], defines, who)
        if re.search(r"\\[1-9]|\(\?P[<=]|\(\?[aiLmsux-]+\)", source):
            raise RulesError(
                f"{who}: 'match' may not use backreferences, named groups or inline "
                "flags (rules are combined into one pattern; case is always ignored)"
            )
        try:
            pattern = re.compile(source, re.IGNORECASE)
        except re.error as exc:
            raise RulesError(f"{who}: bad regex in 'match': {exc}") from None
        try:
            linear = check(source)
        except LinearRegexError as exc:
            raise RulesError(f"{who}: 'match': {exc}") from None
        if pattern.fullmatch(""):
            raise RulesError(
                f"{who}: 'match' matches the empty line; it would remove nothing useful"
            )
    lines = _str_list(item.get("lines") or [], f"{who}: 'lines'")
    where = item.get("where", "anywhere")
    if where not in WHERE:
        raise RulesError(f"{who}: 'where' must be one of {', '.join(WHERE)}, not {where!r}")
    flags = {}
    for key in ("sentences", "ends_article"):
        value = item.get(key, False)
        if not isinstance(value, bool):
            raise RulesError(f"{who}: {key!r} must be true or false")
        flags[key] = value
    return Rule(
        rid,
        pattern,
        frozenset(normalize_line(x) for x in lines),
        where,
        flags["sentences"],
        flags["ends_article"],
        lang,
        f"{filename}:{line}",
        linear,
    )


def _str_list(raw: Any, who: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise RulesError(f"{who} must be a list of strings")
    return raw


def dump_site_profile(site: str, lines: Iterable[str], *, documents: int, note: str = "") -> str:
    """A site profile as YAML text (what ``normalize sites learn`` writes)."""
    body = {
        "site": site,
        "note": note or f"learnt from {documents} documents by normalize sites learn",
        "learnt": documents,
        "lines": sorted(set(lines)),
    }
    return yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
