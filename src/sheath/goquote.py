"""Go's strconv.Quote (fmt's %q): how terraform quotes strings in its messages.

One implementation for every layer (diagnostics, values, functions, graphs).
Printable characters (Unicode letters, marks, numbers, punctuation, symbols and
the ASCII space) stay as they are; quote and backslash are escaped; the C-style
escapes \\a \\b \\f \\n \\r \\t \\v are used where they exist; other control
characters become \\xNN; other non-printable characters \\uNNNN or \\UNNNNNNNN;
lone surrogates (undecodable input) become \\ufffd, as Go replaces invalid UTF-8.
"""

from __future__ import annotations

_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
}


def go_quote(s: str) -> str:
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'
    out = ['"']
    for ch in s:
        e = _ESCAPES.get(ch)
        if e is not None:
            out.append(e)
        elif ch.isprintable():
            out.append(ch)
        else:
            c = ord(ch)
            if c < 0x80:
                out.append(f"\\x{c:02x}")
            elif 0xD800 <= c <= 0xDFFF:
                out.append("\\ufffd")
            elif c < 0x10000:
                out.append(f"\\u{c:04x}")
            else:
                out.append(f"\\U{c:08x}")
    out.append('"')
    return "".join(out)


__all__ = ["go_quote"]
