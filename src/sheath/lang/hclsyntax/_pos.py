"""Fast constructors for diag.Pos and diag.Range.

Pos and Range are frozen dataclasses; their generated __init__ is slow for
the millions of positions a large configuration needs. These build the very
same objects by setting the slots directly.
"""

from __future__ import annotations

from sheath.diag import Pos, Range

_new = object.__new__
_set_line = getattr(Pos, "line").__set__
_set_col = getattr(Pos, "column").__set__
_set_byte = getattr(Pos, "byte").__set__
_set_fn = getattr(Range, "filename").__set__
_set_start = getattr(Range, "start").__set__
_set_end = getattr(Range, "end").__set__


def mk_pos(line: int, column: int, byte: int) -> Pos:
    p: Pos = _new(Pos)
    _set_line(p, line)
    _set_col(p, column)
    _set_byte(p, byte)
    return p


def mk_range(filename: str, start: Pos, end: Pos) -> Range:
    r: Range = _new(Range)
    _set_fn(r, filename)
    _set_start(r, start)
    _set_end(r, end)
    return r


def between(a: Range, b: Range) -> Range:
    """The range from a's start to b's end (a before b, same file)."""
    r: Range = _new(Range)
    _set_fn(r, a.filename)
    _set_start(r, a.start if a.start.byte <= b.start.byte else b.start)
    _set_end(r, b.end if b.end.byte >= a.end.byte else a.end)
    return r
