"""Canonical formatting of HCL native syntax, byte-identical to ``terraform fmt``.

``format_source(src, filename)`` returns ``(formatted_bytes, diagnostics)``.
Like terraform, a file with syntax errors is not formatted: the result is
empty and the diagnostics say why.

Modules:
  format   whitespace layout of a token stream (hclwrite's formatter)
  rewrite  terraform fmt's syntax rewrites (labels, "${x}" unwrapping, legacy types)
"""

from __future__ import annotations

import bisect
import gc

from sheath.diag import Diagnostics, Range
from sheath.lang.hclsyntax._pos import SrcRange
from sheath.lang.hcl import TraverseIndex
from sheath.lang.hclsyntax.body import Attribute, Block, Body
from sheath.lang.hclsyntax.lexer import TokenType
from sheath.lang.hclsyntax.parser import parse_config_tokens
from sheath.lang.hclwrite.format import WToken, format_tokens, render
from sheath.lang.hclwrite.rewrite import RewriteError, rewrite


def _offset(r: Range, end: bool = False) -> int:
    """A comparable offset of a range's start (or end) without computing line/column."""
    if isinstance(r, SrcRange):
        return r.e if end else r.s
    return r.end.byte if end else r.start.byte


def _keyword_index_ranges(body: Body, out: list[tuple[int, int]]) -> None:
    """Byte ranges of traversal index steps keyed by a literal null/true/false.

    hclwrite (and so terraform fmt) keeps only string and number keys of the
    index steps of the references in an expression: ``x[null]`` is written
    back as ``x[]``. Replicated for byte-identical output.
    """
    for item in body.items:
        if isinstance(item, Attribute):
            for traversal in item.expr.variables():
                for step in traversal.steps:
                    if isinstance(step, TraverseIndex):
                        key = step.key
                        if getattr(key, "v", 0) is None or isinstance(getattr(key, "v", 0), bool):
                            out.append((_offset(step.range), _offset(step.range, end=True)))
        elif isinstance(item, Block):
            _keyword_index_ranges(item.body, out)


def _drop_keyword_index_keys(tokens: list[WToken], starts: list[int], ranges: list[tuple[int, int]]) -> list[WToken]:
    drop: set[int] = set()
    for lo, hi in ranges:
        i = bisect.bisect_left(starts, lo)
        while i < len(tokens) and starts[i] < hi and tokens[i].type is not TokenType.OBrack:
            i += 1
        i += 1
        while i < len(tokens) and starts[i] < hi and tokens[i].type is not TokenType.CBrack:
            drop.add(i)
            i += 1
    return [t for i, t in enumerate(tokens) if i not in drop]


def format_source(src: bytes, filename: str) -> tuple[bytes, Diagnostics]:
    """Format one file's source as terraform fmt does (without its stdout newline)."""
    # Formatting allocates one small object per token and frees nothing until
    # the end; the cyclic GC would rescan that growing heap over and over.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _format_source(src, filename)
    finally:
        if gc_was_enabled:
            gc.enable()


def _format_source(src: bytes, filename: str) -> tuple[bytes, Diagnostics]:
    file, tokens, diags = parse_config_tokens(src, filename)
    if diags.has_errors():
        return b"", diags
    # Only the whitespace before EOF survives formatting (as that many spaces,
    # one per byte); every other token's spacing is recomputed.
    wtoks = [WToken(tok.type, tok.text) for tok in tokens]
    if len(tokens) > 1:
        wtoks[-1].spaces = tokens[-1].range.start.byte - tokens[-2].range.end.byte
    elif tokens:
        wtoks[-1].spaces = tokens[-1].range.start.byte
    if not wtoks or wtoks[-1].type is not TokenType.EOF:  # pragma: no cover - lexer always ends with EOF
        wtoks.append(WToken(TokenType.EOF, ""))
    ranges: list[tuple[int, int]] = []
    if isinstance(file.body, Body):
        _keyword_index_ranges(file.body, ranges)
    if ranges:
        wtoks = _drop_keyword_index_keys(wtoks, [_offset(t.range) for t in tokens], ranges)
    try:
        wtoks = rewrite(wtoks)
    except RewriteError as exc:
        diags.add_error("Invalid configuration syntax", f"The file could not be formatted: {exc}.")
        return b"", diags
    format_tokens(wtoks)
    return render(wtoks).encode("utf-8", "surrogateescape"), diags


__all__ = ["format_source"]
