"""Canonical formatting of HCL native syntax, byte-identical to ``terraform fmt``.

``format_source(src, filename)`` returns ``(formatted_bytes, diagnostics)``.
Like terraform, a file with syntax errors is not formatted: the result is
empty and the diagnostics say why.

Modules:
  format   whitespace layout of a token stream (hclwrite's formatter)
  rewrite  terraform fmt's syntax rewrites (labels, "${x}" unwrapping, legacy types)
"""

from __future__ import annotations

from sheath.diag import Diagnostics
from sheath.lang.hclsyntax.lexer import TokenType
from sheath.lang.hclsyntax.parser import parse_config_tokens
from sheath.lang.hclwrite.format import WToken, format_tokens, render
from sheath.lang.hclwrite.rewrite import RewriteError, rewrite


def format_source(src: bytes, filename: str) -> tuple[bytes, Diagnostics]:
    """Format one file's source as terraform fmt does (without its stdout newline)."""
    _, tokens, diags = parse_config_tokens(src, filename)
    if diags.has_errors():
        return b"", diags
    wtoks: list[WToken] = []
    prev_end = 0
    for tok in tokens:
        start = tok.range.start.byte
        wtoks.append(WToken(tok.type, tok.text, start - prev_end))
        prev_end = tok.range.end.byte
    if not wtoks or wtoks[-1].type is not TokenType.EOF:  # pragma: no cover - lexer always ends with EOF
        wtoks.append(WToken(TokenType.EOF, ""))
    try:
        wtoks = rewrite(wtoks)
    except RewriteError as exc:
        diags.add_error("Invalid configuration syntax", f"The file could not be formatted: {exc}.")
        return b"", diags
    format_tokens(wtoks)
    return render(wtoks).encode("utf-8", "surrogateescape"), diags


__all__ = ["format_source"]
