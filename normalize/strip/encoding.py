"""Turn bytes into text: BOMs, declared charsets (HTML meta, XML prolog), GB2312/GBK read as
their superset GB18030, and detection when nothing is declared."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""",
    re.IGNORECASE,
)
# Pages that declare a legacy Chinese charset routinely contain characters outside it.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
}


def declared_charset(data: bytes) -> str | None:
    match = _DECLARED.search(data[:8192])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "ignore").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


# A declared charset that fails on at most this share of the bytes is still trusted (pages often
# carry a few broken bytes); beyond it the declaration is wrong and detection decides.
DECLARED_MAX_ERRORS = 0.001


def decode_html(data: bytes) -> str:
    """Decode an HTML page the way a browser would, as closely as we can without HTTP headers:
    a BOM wins; then valid UTF-8 (a page that decodes as UTF-8 is UTF-8 whatever it declares);
    then the declared charset (GB2312/GBK read as GB18030); then detection."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    declared = declared_charset(data)
    if declared and declared not in ("utf-8", "utf8"):
        text = data.decode(declared, errors="replace")
        if text.count("\ufffd") <= DECLARED_MAX_ERRORS * len(data):
            return text
    elif data.isascii():
        return data.decode("ascii")
    guessed = _detect(data)
    return data.decode(guessed or declared or "gb18030", errors="replace")


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode a plain-text file; returns the text and, when it was not UTF-8 (or ASCII), the
    encoding it was read as (for a warning). A BOM wins; then UTF-8; then detection as for
    undeclared HTML pages (GB18030 for Chinese, else charset-normalizer, else Windows-1252)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    guessed = _detect(data) or "cp1252"
    return data.decode(guessed, errors="replace"), guessed


# Undeclared pages that decode as GB18030 into mostly CJK characters are Chinese: this project's
# sources are Chinese and English news, and general detectors misread short Chinese pages.
CJK_SHARE_FOR_GB = 0.7
_CJK_OR_PUNCT = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201d]")


def _detect(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        wide = [ch for ch in text if ord(ch) > 127]
        if (
            wide
            and sum(1 for ch in wide if _CJK_OR_PUNCT.match(ch)) >= CJK_SHARE_FOR_GB * len(wide)
            and sum(1 for ch in wide if _high_bytes(ch)) >= CJK_SHARE_FOR_GB * len(wide)
        ):
            return "gb18030"
    if _mostly_ascii_cp1252(data):
        return "cp1252"
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: GB18030 is the right guess for most undeclared Chinese pages
        return None
    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    name = best.encoding.lower()
    # Detectors split hairs between Western single-byte code pages on short pages; browsers read
    # undeclared Western pages as windows-1252.
    if name in _WESTERN:
        return "cp1252"
    return _SUPERSETS.get(name, best.encoding)


def _high_bytes(ch: str) -> bool:
    """Whether GB18030 writes ``ch`` with bytes >= 0x80 only, as it writes every GB2312
    character. A stray Windows-1252 byte before an ASCII letter ("don\x92t") also decodes as a
    GB18030 character, but one whose second byte is that letter."""
    return all(b >= 0x80 for b in ch.encode("gb18030"))


# Text that is mostly ASCII, but for bytes that Windows-1252 defines (curly quotes, dashes,
# accented letters) is Windows-1252: detectors guess wildly on so little evidence.
CP1252_MAX_SHARE = 0.3
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _mostly_ascii_cp1252(data: bytes) -> bool:
    high = [b for b in data if b >= 0x80]
    return (
        bool(high)
        and len(high) <= CP1252_MAX_SHARE * len(data)
        and not _CP1252_UNDEFINED.intersection(high)
    )


_WESTERN = {
    "cp1250",
    "cp1252",
    "latin_1",
    "iso8859_1",
    "iso8859_2",
    "iso8859_15",
    "mac_roman",
    "mac_latin2",
    "cp850",
    "cp437",
}
