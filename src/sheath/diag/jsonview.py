"""Diagnostics in terraform's machine-readable JSON shape (validate -json, -json views)."""

from __future__ import annotations

from typing import Any, Mapping

import orjson

from sheath.diag import Diagnostic, Range, Severity
from sheath.diag.render import build_snippet, default_context


def _pos(r: Range, which: str) -> dict[str, int]:
    if which == "start":
        p = r.start
    elif r.end.byte <= r.start.byte:
        # terraform widens an empty subject to cover the next character
        return {"line": r.start.line, "column": r.start.column + 1, "byte": r.start.byte + 1}
    else:
        p = r.end
    return {"line": p.line, "column": p.column, "byte": p.byte}


def diagnostic_json(d: Diagnostic, sources: Mapping[str, bytes]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "severity": "error" if d.severity is Severity.ERROR else "warning",
        "summary": d.summary,
        "detail": d.detail,
    }
    address = d.extra.get("address")
    if address:
        out["address"] = address
    if d.subject is not None:
        out["range"] = {
            "filename": d.subject.filename,
            "start": _pos(d.subject, "start"),
            "end": _pos(d.subject, "end"),
        }
        src = sources.get(d.subject.filename)
        if src is not None:
            snip = build_snippet(d, src, default_context)
            out["snippet"] = {
                "context": snip.context or None,
                "code": snip.code.decode("utf-8", "replace"),
                "start_line": snip.start_line,
                "highlight_start_offset": len(snip.code[: snip.hl_start].decode("utf-8", "replace")),
                "highlight_end_offset": len(snip.code[: snip.hl_end].decode("utf-8", "replace")),
                "values": [{"traversal": t, "statement": s} for t, s in d.expression_values],
            }
    return out


def go_json(doc: Any) -> str:
    """Indented JSON as Go's encoding/json writes it (HTML characters escaped)."""
    text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode("utf-8")
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
