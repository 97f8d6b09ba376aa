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
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
              "big5": "big5hkscs", "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


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


def decode_html(data: bytes) -> str:
    """Decode an HTML page the way a browser would, as closely as we can without HTTP headers."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    declared = declared_charset(data)
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for name in candidates:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    guessed = _detect(data)
    return data.decode(guessed or declared or "gb18030", errors="replace")


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: GB18030 is the right guess for most undeclared Chinese pages
        return None
    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    return _SUPERSETS.get(best.encoding.lower(), best.encoding)
