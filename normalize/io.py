"""Reading inputs: files or stdin; plain text, HTML or JSONL; gzip transparently.

Inputs are streamed record by record (JSONL is never slurped), and gzip is inflated only as far
as the record being read (never past ``max_bytes`` for one record). A problem with one record or
file (bad JSON, a truncated .gz, an unreadable file) gives a :class:`Record` with ``error`` set;
the caller reports it and goes on with the rest.

Text reaching the pipeline holds no NUL characters and no lone surrogates (JSON can encode
``\ud800``, UTF-8 cannot): they are removed or replaced, with a warning on the record.
Output rows are written as strict JSON by :func:`dumps_json`.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from normalize.strip.encoding import decode_html, decode_text

FORMATS = ("auto", "text", "html", "jsonl")
_EXT_FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".md": "text",
}
_SNIFF = 4096


@dataclass
class Record:
    source: str  # file path or "<stdin>"
    line: int | None = None  # JSONL line number
    text: str = ""
    is_html: bool = False
    id: str | None = None
    url: str | None = None
    lang: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the input record, passed through
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # how it was read (encoding, format)

    @property
    def where(self) -> str:
        if not self.source:  # a record handed over in memory (Pipeline.process_records)
            return f"record {self.line}" + (f" (id {self.id})" if self.id is not None else "")
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where} (id {self.id})" if self.id is not None else where


def read_records(
    inputs: Sequence[str],
    *,
    input_format: str = "auto",
    max_bytes: int,
    stdin: IO[bytes] | None = None,
) -> Iterator[Record]:
    """Yield one record per document in ``inputs`` (paths, or ``-`` for stdin)."""
    for name in inputs or ["-"]:
        source = "<stdin>" if name == "-" else name
        try:
            stream = _open(name, stdin)
        except OSError as exc:
            yield Record(source, error=f"{source}: cannot read: {exc.strerror or exc}")
            continue
        with stream:
            done = 0
            try:
                fmt = input_format if input_format != "auto" else _guess_format(name, stream)
                if fmt == "jsonl":
                    for record in _jsonl_records(stream, source, max_bytes):
                        done = record.line or done
                        yield record
                else:
                    # Plain text by extension or content may still be a saved page: sniffed
                    # unless the caller said --input-format text.
                    sniff = fmt == "text" and input_format == "auto"
                    yield _repaired(
                        _whole_file_record(stream, source, fmt == "html", max_bytes, sniff=sniff)
                    )
            except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt .gz, EIO
                after = f" after line {done}" if done else ""
                yield Record(source, error=f"{source}: cannot read{after}: {_describe(exc)}")
            except Exception as exc:  # a bug reading one file must not end the batch
                yield Record(
                    source, error=f"{source}: internal error: {type(exc).__name__}: {exc}"
                )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "truncated gzip data (the file ends early)"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _open(name: str, stdin: IO[bytes] | None) -> _Peekable:
    if name == "-":
        raw: IO[bytes] = stdin if stdin is not None else sys.stdin.buffer
        # Keep stdin open for the caller; wrap so that `with` does not close it.
        stream = _Peekable(raw, close=False)
    else:
        stream = _Peekable(open(name, "rb"))  # noqa: SIM115 - closed by the caller's `with`
    if stream.peek(2)[:2] == b"\x1f\x8b":
        gz = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[call-overload]
        return _Peekable(gz)  # type: ignore[arg-type]
    return stream


class _Peekable:
    """A binary reader with ``peek`` for format sniffing, over any stream (stdin, gzip)."""

    def __init__(self, raw: IO[bytes], close: bool = True) -> None:
        self._raw, self._buf, self._close = raw, b"", close

    def peek(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self._raw.read(n - len(self._buf))
            if not chunk:
                break
            self._buf += chunk
        return self._buf[:n]

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            data, self._buf = self._buf + self._raw.read(), b""
            return data
        if len(self._buf) >= n:
            data, self._buf = self._buf[:n], self._buf[n:]
            return data
        data = self._buf + self._raw.read(n - len(self._buf))
        self._buf = b""
        return data

    def readline(self, limit: int = -1) -> bytes:
        if b"\n" in self._buf:
            cut = self._buf.index(b"\n") + 1
            if limit >= 0:
                cut = min(cut, limit)
            data, self._buf = self._buf[:cut], self._buf[cut:]
            return data
        head, self._buf = self._buf, b""
        rest_limit = -1 if limit < 0 else max(limit - len(head), 0)
        if limit >= 0 and rest_limit == 0:
            return head
        return head + self._raw.readline(rest_limit)

    def close(self) -> None:
        if self._close:
            self._raw.close()

    def __enter__(self) -> _Peekable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _guess_format(name: str, stream: Any) -> str:
    path = Path(name)
    suffix = path.suffixes[-2] if path.suffix == ".gz" and len(path.suffixes) > 1 else path.suffix
    if suffix.lower() in _EXT_FORMATS:
        return _EXT_FORMATS[suffix.lower()]
    head = stream.peek(_SNIFF).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "jsonl"
    return "text"


def looks_like_html(data: bytes) -> bool:
    """Whether bytes (the start of an input) are an HTML document rather than text."""
    lowered = data[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    return (
        lowered.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<body" in lowered
        or b"<div" in lowered
    )


def _whole_file_record(
    stream: Any, source: str, is_html: bool, max_bytes: int, *, sniff: bool = False
) -> Record:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return Record(
            source,
            error=f"{source}: input is larger than the limit of {max_bytes:,} bytes "
            "(raise it with --max-bytes)",
        )
    problem = _check_bytes(data)
    if problem:
        return Record(source, error=f"{source}: {problem}")
    if sniff and looks_like_html(data):
        return Record(
            source,
            text=decode_html(data),
            is_html=True,
            warnings=["input: read as HTML (the text is an HTML document)"],
        )
    if is_html:
        return Record(source, text=decode_html(data), is_html=True)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with a byte-order mark passes the NUL check above (Windows tools write it).
        try:
            return Record(source, text=data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            return Record(
                source,
                error=f"{source}: not valid UTF-16 (byte-order mark, then a bad "
                f"sequence at offset {exc.start})",
            )
    text, encoding = decode_text(data)
    if encoding is None:
        return Record(source, text=text)
    return Record(
        source,
        text=text,
        warnings=[f"input: not UTF-8; read as {encoding} (detected)"],
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _repaired(rec: Record) -> Record:
    """``rec`` without NUL characters and lone surrogates in its text (warnings say so)."""
    if "\x00" in rec.text:
        count = rec.text.count("\x00")
        rec.text = rec.text.replace("\x00", "")
        rec.warnings.append(f"input: removed {count} NUL character(s)")
    if _SURROGATE.search(rec.text):
        count = len(_SURROGATE.findall(rec.text))
        rec.text = _SURROGATE.sub("\ufffd", rec.text)
        rec.warnings.append(f"input: replaced {count} lone surrogate(s) with U+FFFD")
    return rec


def _check_bytes(data: bytes) -> str | None:
    if not data.strip():
        return "empty input"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "looks like a binary file (NUL bytes), not text, HTML or JSONL"
    return None


def _jsonl_records(stream: Any, source: str, max_bytes: int) -> Iterator[Record]:
    number = 0
    seen_any = False
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            break
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            # Skip the rest of an oversized line without holding it in memory.
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(1 << 20)
            yield Record(
                source,
                number,
                error=f"{source}:{number}: record is larger than the limit of {max_bytes:,} bytes",
            )
            seen_any = True
            continue
        stripped = raw.strip()
        if not stripped or (stripped[:1] != b"{" and stripped.decode("utf-8", "replace").isspace()):
            continue  # a blank line, also one of Unicode spaces (no-break, ideographic, \x1f)
        seen_any = True
        yield parse_json_record(raw, source, number)
    if not seen_any:
        yield Record(source, error=f"{source}: empty input")


def _constant(token: str) -> str:
    return token  # NaN, Infinity, -Infinity: not JSON numbers; kept as the token, a string


def _float(token: str) -> float | str:
    value = float(token)
    return value if math.isfinite(value) else token  # 1e999 -> "1e999"


def _int(token: str) -> int | str:
    # Python refuses to parse integers of over 4,300 digits; keep those as their digits.
    return int(token) if len(token.lstrip("-")) <= 4000 else token


def parse_json_record(raw: bytes, source: str, number: int) -> Record:
    """One JSONL line as a record. Numbers JSON output cannot carry (NaN, Infinity, 1e999)
    and integers too long for Python become strings holding the original token."""
    try:
        obj = json.loads(
            raw.decode("utf-8-sig"),
            parse_constant=_constant,
            parse_float=_float,
            parse_int=_int,
        )
    except RecursionError:
        return Record(
            source, number, error=f"{source}:{number}: malformed JSON: nested too deeply"
        )
    except UnicodeDecodeError as exc:
        return Record(
            source, number, error=f"{source}:{number}: not valid UTF-8 at byte {exc.start}"
        )
    except json.JSONDecodeError as exc:
        return Record(
            source,
            number,
            error=f"{source}:{number}: malformed JSON: {exc.msg} (column {exc.colno})",
        )
    except ValueError as exc:  # e.g. a number Python cannot hold
        return Record(source, number, error=f"{source}:{number}: malformed JSON: {exc}")
    if not isinstance(obj, dict):
        return Record(
            source,
            number,
            error=f"{source}:{number}: expected a JSON object, got {type(obj).__name__}",
        )
    return record_from_object(obj, source, number)


def record_from_object(obj: dict[str, Any], source: str, number: int) -> Record:
    """A record from one decoded JSON object (or a table's row: the same fields)."""
    rec_id = obj.get("id")
    rec = Record(
        source,
        number,
        id=None if rec_id is None else str(rec_id),
        fields=obj,
        url=obj.get("url") if isinstance(obj.get("url"), str) else None,
        lang=obj.get("lang") if isinstance(obj.get("lang"), str) else None,
    )
    if rec.url is not None and not _valid_url(rec.url):
        rec.warnings.append(f"input: url {rec.url[:200]!r} is malformed; site rules not applied")
        rec.url = None
    if isinstance(obj.get("text"), str):
        rec.text = obj["text"]
    elif isinstance(obj.get("html"), str):
        rec.text, rec.is_html = obj["html"], True
    else:
        rec.error = f"{rec.where}: record has no 'text' or 'html' string field"
        return rec
    if not rec.text.strip():
        rec.error = f"{rec.where}: empty text"
    return _repaired(rec)


def _valid_url(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        # as the strip stage reads it (strip.rules.host_of); raises on "http://[::1"
        urlsplit(url if "//" in url else f"//{url}").hostname  # noqa: B018
    except ValueError:
        return False
    return True


def dumps_json(obj: Any, indent: int | None = None) -> str:
    """Strict JSON (RFC 8259) for an output row: no NaN or Infinity (a non-finite float is
    written as null), and a lone surrogate in a passed-through string as its ``\\u`` escape, so
    the text encodes as UTF-8 and every JSON parser reads it; U+0085, U+2028 and U+2029 are
    escaped too, so that one row is one line for every line splitter."""
    try:
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=indent)
    except ValueError:
        text = json.dumps(_finite(obj), ensure_ascii=False, allow_nan=False, indent=indent)
    if _ESCAPE.search(text):
        text = _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


# Lone surrogates cannot be encoded; NEL and the Unicode line and paragraph separators are
# valid in JSON strings but split lines for readers that use str.splitlines() or old JS.
_ESCAPE = re.compile("[\ud800-\udfff\u0085\u2028\u2029]")


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
