"""The review side of ``glossary suggest``: its rows as TSV, JSON and a static HTML page (every
value escaped; a small inline script turns the decisions picked on the page into the TSV), and
reading the decisions an editor marked back for ``glossary accept``."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from normalize.errors import GlossaryError
from normalize.glossary.mining import Candidate

DECISIONS = (
    "alias",
    "alias-exact",
    "code",
    "brand",
    "former",
    "abbreviation",
    "zh",
    "zh-brand",
    "new",
    "skip",
)
TSV_COLUMNS = (
    "decision",
    "id",
    "type",
    "surface",
    "kind",
    "count",
    "score",
    "candidates",
    "contexts",
    "why",
)


# ---- output ------------------------------------------------------------------------------------


def _candidates_cell(c: Candidate) -> str:
    return "; ".join(f"{x['id']} {x['score']:g} ({x['kind']} {x['form']})" for x in c.candidates)


def to_tsv(candidates: Sequence[Candidate]) -> str:
    lines = ["\t".join(TSV_COLUMNS)]
    for c in candidates:
        row = c.to_dict()
        cells = [
            row["decision"],
            row["id"],
            row["type"],
            c.surface,
            c.kind,
            str(c.count),
            f"{c.score:g}",
            _candidates_cell(c),
            " | ".join(c.contexts),
            "; ".join(row["why"]),
        ]
        lines.append("\t".join(_tsv_safe(x) for x in cells))
    return "\n".join(lines) + "\n"


def _tsv_safe(cell: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", cell)


def to_json(candidates: Sequence[Candidate]) -> str:
    return json.dumps([c.to_dict() for c in candidates], ensure_ascii=False, indent=2) + "\n"


def to_html(
    candidates: Sequence[Candidate], *, title: str = "Glossary suggestions", note: str = ""
) -> str:
    """A static review page: one table row per candidate; every value HTML-escaped; a small
    inline script turns the decisions picked on the page into a TSV for ``glossary accept``."""
    esc = html.escape
    rows = []
    for n, c in enumerate(candidates):
        d = c.to_dict()
        cands = (
            "".join(
                f"<li><code>{esc(x['id'])}</code> {x['score']:g} "
                f"<small>{esc(x['kind'])}: {esc(x['form'])}</small></li>"
                for x in c.candidates
            )
            or "<li><em>none</em></li>"
        )
        contexts = "".join(f"<li>{_mark(ctx)}</li>" for ctx in c.contexts)
        why = "".join(f"<li>{esc(reason)}</li>" for reason in d["why"])
        options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in ("", *DECISIONS))
        rows.append(
            f'<tr data-row="{n}"><td><select name="decision">{options}</select></td>'
            f'<td><input name="id" value="{esc(d["id"], quote=True)}" size="18"></td>'
            f'<td><input name="type" value="{esc(d["type"], quote=True)}" size="8"></td>'
            f'<td class="surface">{esc(c.surface)}</td><td>{esc(c.kind)}</td><td>{c.count}</td>'
            f'<td><ol>{cands}</ol></td><td class="why"><ul>{why}</ul></td>'
            f"<td><ul>{contexts}</ul></td></tr>"
        )
    data = json.dumps([c.to_dict() for c in candidates], ensure_ascii=False).replace("<", "\\u003c")
    return _PAGE.format(
        title=esc(title),
        note=esc(note),
        count=len(candidates),
        rows="\n".join(rows),
        data=data,
        columns=json.dumps(list(TSV_COLUMNS)),  # script text: JSON, never HTML-escaped
        decisions=esc(", ".join(DECISIONS)),
    )


def _mark(context: str) -> str:
    parts = re.split(r"\[\[(.*?)\]\]", context, maxsplit=1)
    if len(parts) == 3:
        return f"{html.escape(parts[0])}<mark>{html.escape(parts[1])}</mark>{html.escape(parts[2])}"
    return html.escape(context)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; }}
th {{ background: #f3f3f3; position: sticky; top: 0; }}
td.surface {{ font-weight: bold; }} mark {{ background: #ffe58a; }}
ol, ul {{ margin: 0; padding-left: 1.2em; }}
</style></head><body>
<h1>{title}</h1>
<p>{count} candidate names. {note}</p>
<p>Pick a decision per row ({decisions}), correct the id or type where needed, then
<button id="download">download decisions (TSV)</button> and run
<code>normalize glossary accept decisions.tsv</code>.</p>
<table><thead><tr><th>decision</th><th>id</th><th>type</th><th>surface</th><th>kind</th><th>count</th>
<th>best candidates</th><th>why proposed</th><th>contexts</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<script type="application/json" id="data">{data}</script>
<script>
// The marked rows as the TSV `normalize glossary accept` reads (also called by the tests).
function decisionsTsv() {{
  var data = JSON.parse(document.getElementById("data").textContent);
  var columns = {columns};
  var clean = function (s) {{ return String(s).replace(/[\\t\\r\\n]+/g, " "); }};
  var lines = [columns.join("\\t")];
  document.querySelectorAll("tr[data-row]").forEach(function (tr) {{
    var row = data[Number(tr.dataset.row)];
    var decision = tr.querySelector("select[name=decision]").value;
    if (!decision) return;
    row.decision = decision;
    row.id = tr.querySelector("input[name=id]").value;
    row.type = tr.querySelector("input[name=type]").value;
    lines.push(columns.map(function (c) {{
      var v = row[c];
      if (c === "candidates") v = v.map(function (x) {{ return x.id + " " + x.score; }}).join("; ");
      if (c === "contexts") v = v.join(" | ");
      if (c === "why") v = v.join("; ");
      return clean(v);
    }}).join("\\t"));
  }});
  return lines.join("\\n") + "\\n";
}}
document.getElementById("download").addEventListener("click", function () {{
  var tsv = decisionsTsv();
  var blob = new Blob([tsv], {{type: "text/tab-separated-values"}});
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = "decisions.tsv";
  a.click();
}});
</script>
</body></html>
"""


# ---- accept ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    where: str
    decision: str
    id: str
    type: str
    surface: str


def read_decisions(path: Path) -> list[Decision]:
    """Rows an editor marked in a ``suggest`` TSV or JSON file (rows without a decision are
    skipped; an unknown decision is an error naming the row)."""
    text = path.read_text(encoding="utf-8-sig")
    rows: list[tuple[str, dict[str, Any]]] = []
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GlossaryError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
        if not isinstance(data, list):
            raise GlossaryError(f"{path}: expected a list of rows")
        rows = [(f"{path} row {i + 1}", r) for i, r in enumerate(data) if isinstance(r, dict)]
    else:
        lines = text.splitlines()
        if not lines:
            return []
        header = lines[0].split("\t")
        missing = {"decision", "id", "surface"} - set(header)
        if missing:
            raise GlossaryError(f"{path}:1: header lacks column(s) {', '.join(sorted(missing))}")
        for n, line in enumerate(lines[1:], 2):
            if line.strip():
                cells = line.split("\t")
                rows.append((f"{path}:{n}", dict(zip(header, cells, strict=False))))
    out = []
    for where, row in rows:
        decision = str(row.get("decision") or "").strip().lower()
        if not decision or decision == "skip":
            continue
        if decision not in DECISIONS:
            raise GlossaryError(
                f"{where}: unknown decision {decision!r} (expected one of {', '.join(DECISIONS)})"
            )
        surface = str(row.get("surface") or "").strip()
        if not surface:
            raise GlossaryError(f"{where}: empty surface")
        out.append(
            Decision(
                where,
                decision,
                str(row.get("id") or "").strip(),
                str(row.get("type") or "").strip(),
                surface,
            )
        )
    return out
