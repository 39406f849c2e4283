"""Go's notion of white space (unicode.IsSpace) and strings.TrimSpace.

One definition for every layer: the HCL parser's template trimming, the
``trimspace`` function, the plan renderer's multi-line strings and the console's
heredocs. Python's ``str.isspace``/``str.strip`` differ: they also take the ASCII
separators \\x1c-\\x1f, which Go keeps.
"""

from __future__ import annotations

GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def go_is_space(c: str) -> bool:
    """unicode.IsSpace for one character."""
    return c in GO_SPACE


def go_trim_space(s: str) -> str:
    """strings.TrimSpace."""
    return s.strip(GO_SPACE)
