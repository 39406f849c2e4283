"""Source positions for the scanner and parser, computed lazily.

A large configuration has hundreds of thousands of tokens and AST nodes, but
only a handful of ranges are ever turned into line/column positions (for
diagnostics). So the scanner and parser build :class:`SrcRange` objects: real
``diag.Range`` instances (a subclass) holding only character offsets into the
source and a shared :class:`SourceIndex`; ``start`` and ``end`` are computed
(and cached) on first access. They compare and hash equal to the plain Range
with the same file and positions.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from typing import Any

from sheath.diag import Pos, Range

_new = object.__new__
_set_line = getattr(Pos, "line").__set__
_set_col = getattr(Pos, "column").__set__
_set_byte = getattr(Pos, "byte").__set__
_set_fn = getattr(Range, "filename").__set__
_set_start = getattr(Range, "start").__set__
_set_end = getattr(Range, "end").__set__


def mk_pos(line: int, column: int, byte: int) -> Pos:
    """Pos(line, column, byte), built without the dataclass __init__ overhead."""
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


def grapheme_count(s: str) -> int:
    """The number of user-perceived characters in s (an approximation of
    Unicode grapheme clusters: combining marks, variation selectors, emoji
    modifiers and zero-width-joiner sequences join the preceding character;
    regional indicators pair up), as hcl counts columns."""
    n = 0
    ri = False
    zwj = False
    for c in s:
        o = ord(c)
        if o < 0x300:
            n += 1
            ri = zwj = False
            continue
        if zwj:
            zwj = False
            if n:
                continue
        if o == 0x200D:
            zwj = True
            if n:
                continue
        elif 0x1F1E6 <= o <= 0x1F1FF:
            if ri:
                ri = False
                continue
            ri = True
            n += 1
            continue
        elif n and (
            0xFE00 <= o <= 0xFE0F
            or 0x1F3FB <= o <= 0x1F3FF
            or 0xE0020 <= o <= 0xE007F
            or unicodedata.category(c) in ("Mn", "Me", "Mc")
        ):
            continue
        ri = False
        n += 1
    return n


class SourceIndex:
    """Maps character offsets of one decoded source text to Pos values."""

    __slots__ = ("filename", "text", "start", "byte0", "ascii", "_line_starts", "_line_bytes")

    def __init__(self, filename: str, text: str, start: Pos, byte0: int, ascii_only: bool) -> None:
        self.filename = filename
        self.text = text
        self.start = start  # position of text[0]
        self.byte0 = byte0  # byte offset of text[0]
        self.ascii = ascii_only
        self._line_starts: list[int] | None = None
        self._line_bytes: list[int] | None = None

    def _lines(self) -> list[int]:
        ls = self._line_starts
        if ls is None:
            text = self.text
            ls = [0]
            find = text.find
            i = find("\n")
            while i >= 0:
                ls.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = ls
        return ls

    def pos(self, off: int) -> Pos:
        ls = self._lines()
        li = bisect_right(ls, off) - 1
        ls_off = ls[li]
        st = self.start
        line = st.line + li
        if self.ascii:
            col = off - ls_off + 1
        else:
            prefix = self.text[ls_off:off]
            col = (len(prefix) if prefix.isascii() else grapheme_count(prefix)) + 1
        if li == 0:
            col += st.column - 1
        if self.ascii:
            byte = self.byte0 + off
        else:
            lb = self._line_bytes
            if lb is None:
                lb = [0] * len(ls)
                text = self.text
                acc = 0
                prev = 0
                for i in range(1, len(ls)):
                    acc += len(text[prev : ls[i]].encode("utf-8", "surrogateescape"))
                    prev = ls[i]
                    lb[i] = acc
                self._line_bytes = lb
            byte = self.byte0 + lb[li] + len(self.text[ls_off:off].encode("utf-8", "surrogateescape"))
        return mk_pos(line, col, byte)


class SrcRange(Range):
    """A Range whose positions are computed on demand from character offsets."""

    __slots__ = ("ix", "s", "e", "_sp", "_ep")

    ix: SourceIndex
    s: int
    e: int
    _sp: Pos
    _ep: Pos

    @property
    def filename(self) -> str:
        return self.ix.filename

    @property
    def start(self) -> Pos:
        try:
            return self._sp
        except AttributeError:
            p = self.ix.pos(self.s)
            object.__setattr__(self, "_sp", p)
            return p

    @property
    def end(self) -> Pos:
        try:
            return self._ep
        except AttributeError:
            p = self.ix.pos(self.e)
            object.__setattr__(self, "_ep", p)
            return p

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SrcRange) and other.ix is self.ix:
            return other.s == self.s and other.e == self.e
        if isinstance(other, Range):
            return (self.filename, self.start, self.end) == (other.filename, other.start, other.end)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.filename, self.start, self.end))

    def __repr__(self) -> str:
        return f"Range({self.filename!r}, {self.start!r}, {self.end!r})"

    def __reduce__(self) -> Any:
        return (Range, (self.filename, self.start, self.end))

    def between_same(self, other: Range) -> Range:
        """Range.between without computing positions (see diag.Range.between)."""
        return between(self, other)


_set_ix = getattr(SrcRange, "ix").__set__
_set_s = getattr(SrcRange, "s").__set__
_set_e = getattr(SrcRange, "e").__set__


def src_range(ix: SourceIndex, s: int, e: int) -> SrcRange:
    r: SrcRange = _new(SrcRange)
    _set_ix(r, ix)
    _set_s(r, s)
    _set_e(r, e)
    return r


def between(a: Range, b: Range) -> Range:
    """The range covering a and b (same file)."""
    if type(a) is SrcRange and type(b) is SrcRange and a.ix is b.ix:
        s = a.s if a.s <= b.s else b.s
        e = a.e if a.e >= b.e else b.e
        if s == a.s and e == a.e:
            return a
        if s == b.s and e == b.e:
            return b
        return src_range(a.ix, s, e)
    start = a.start if a.start.byte <= b.start.byte else b.start
    end = a.end if a.end.byte >= b.end.byte else b.end
    return mk_range(a.filename, start, end)


def start_point(r: Range) -> Range:
    """The zero-width range at r's start."""
    if type(r) is SrcRange:
        return src_range(r.ix, r.s, r.s)
    return mk_range(r.filename, r.start, r.start)


def end_point(r: Range) -> Range:
    """The zero-width range at r's end."""
    if type(r) is SrcRange:
        return src_range(r.ix, r.e, r.e)
    return mk_range(r.filename, r.end, r.end)


def with_end(a: Range, b: Range) -> Range:
    """a's start to b's end."""
    if type(a) is SrcRange and type(b) is SrcRange and a.ix is b.ix:
        return src_range(a.ix, a.s, b.e)
    return mk_range(a.filename, a.start, b.end)


def sub_range(r: Range, text: str, s: int, e: int) -> Range:
    """The part text[s:e] of a single-line token r whose source is text."""
    if type(r) is SrcRange:
        return src_range(r.ix, r.s + s, r.s + e)
    st = r.start
    sb = st.byte + len(text[:s].encode("utf-8", "surrogateescape"))
    eb = sb + len(text[s:e].encode("utf-8", "surrogateescape"))
    return mk_range(r.filename, mk_pos(st.line, st.column + s, sb), mk_pos(st.line, st.column + e, eb))


def shift_start(r: Range, text: str) -> Range:
    """r with its start moved past text (which must not contain newlines)."""
    if type(r) is SrcRange:
        return src_range(r.ix, r.s + len(text), r.e)
    st = r.start
    nb = st.byte + len(text.encode("utf-8", "surrogateescape"))
    return mk_range(r.filename, mk_pos(st.line, st.column + len(text), nb), r.end)
