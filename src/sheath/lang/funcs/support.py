"""Small helpers shared by the function modules: parameters, text segmentation,
Go-compatible case mapping."""

from __future__ import annotations

import unicodedata
from typing import Sequence

from sheath.lang.funcs.function import Function, ImplFn, Parameter, ReturnTypeFn, static_return
from sheath.types.cty import Type


def param(
    name: str,
    type_: Type,
    *,
    allow_null: bool = False,
    allow_unknown: bool = False,
    allow_dynamic_type: bool = False,
    allow_marked: bool = False,
) -> Parameter:
    return Parameter(
        name=name,
        type=type_,
        allow_null=allow_null,
        allow_unknown=allow_unknown,
        allow_dynamic_type=allow_dynamic_type,
        allow_marked=allow_marked,
    )


def func(
    name: str,
    params: Sequence[Parameter],
    ret: Type | ReturnTypeFn,
    impl: ImplFn,
    var_param: Parameter | None = None,
    description: str = "",
) -> Function:
    rt: ReturnTypeFn = static_return(ret) if isinstance(ret, Type) else ret
    return Function(
        name=name, params=tuple(params), return_type=rt, impl=impl, var_param=var_param, description=description
    )


# --- grapheme clusters (an approximation of Unicode UAX #29) -----------------


_PREPEND = frozenset(
    [0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x0D4E, 0x110BD, 0x110CD, 0x111C2, 0x111C3, 0x1193F, 0x11941]
    + list(range(0x0600, 0x0606))
    + [0x11A3A, 0x11D46]
    + list(range(0x11A84, 0x11A8A))
)


def _is_extend(cp: int, cat: str) -> bool:
    """Extend, ZWJ or SpacingMark (all attach to the preceding character)."""
    return (
        cat in ("Mn", "Me", "Mc")
        or cp in (0x0E33, 0x0EB3)
        or cp in (0x200C, 0x200D)
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0020 <= cp <= 0xE007F
        or 0xE0100 <= cp <= 0xE01EF
        or cp in (0xFF9E, 0xFF9F)
    )


def _is_pictographic(cp: int, cat: str) -> bool:
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2300 <= cp <= 0x23FF
        or 0x2B00 <= cp <= 0x2BFF
        or cp in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
        or (cat == "So" and cp >= 0x2190)
    )


def _hangul(cp: int) -> str:
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "L"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "V"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "T"
    if 0xAC00 <= cp <= 0xD7A3:
        return "LV" if (cp - 0xAC00) % 28 == 0 else "LVT"
    return ""


def graphemes(s: str) -> list[str]:
    """Split s into (extended) grapheme clusters, as terraform counts characters."""
    if s.isascii():
        if "\r\n" not in s:
            return list(s)
    out: list[str] = []
    cur = ""
    prev_h = ""
    ri_count = 0
    pict = False
    prev_zwj = False
    prev_cr = False
    prev_prepend = False
    for ch in s:
        cp = ord(ch)
        cat = unicodedata.category(ch)
        h = _hangul(cp) if 0x1100 <= cp <= 0xD7FB else ""
        join = False
        if cur:
            if prev_prepend and not (ch in "\r\n" or cat in ("Cc", "Zl", "Zp")):
                join = True
            elif prev_cr:
                join = ch == "\n"
            elif ch in "\r\n" or cat in ("Cc", "Zl", "Zp"):
                join = False
            elif unicodedata.category(cur[-1]) in ("Cc", "Zl", "Zp"):
                join = False
            elif _is_extend(cp, cat):
                join = True
            elif prev_zwj and pict and _is_pictographic(cp, cat):
                join = True
            elif 0x1F1E6 <= cp <= 0x1F1FF and ri_count % 2 == 1:
                join = True
            elif h and prev_h:
                join = (
                    (prev_h == "L" and h in ("L", "V", "LV", "LVT"))
                    or (prev_h in ("LV", "V") and h in ("V", "T"))
                    or (prev_h in ("LVT", "T") and h == "T")
                )
        if join:
            cur += ch
        else:
            if cur:
                out.append(cur)
            cur = ch
            pict = False
            ri_count = 0
        if 0x1F1E6 <= cp <= 0x1F1FF:
            ri_count += 1
        if _is_pictographic(cp, cat):
            pict = True
        prev_zwj = cp == 0x200D
        prev_cr = ch == "\r"
        prev_prepend = cp in _PREPEND
        if h:
            prev_h = h
        elif not _is_extend(cp, cat):
            prev_h = ""
    if cur:
        out.append(cur)
    return out


def grapheme_count(s: str) -> int:
    if s.isascii() and "\r\n" not in s:
        return len(s)
    return len(graphemes(s))


# --- Go's simple (per-rune) case mapping -------------------------------------


def go_upper(s: str) -> str:
    """strings.ToUpper: per-rune simple case mapping (no "ß" -> "SS")."""
    if s.isascii():
        return s.upper()
    return "".join(_upper_rune(c) for c in s)


def _upper_rune(c: str) -> str:
    u = c.upper()
    if len(u) == 1:
        return u
    t = c.title()
    if len(t) == 1 and t != c:
        return t
    return c


def go_lower(s: str) -> str:
    """strings.ToLower: per-rune simple case mapping."""
    if s.isascii():
        return s.lower()
    return "".join(_lower_rune(c) for c in s)


def _lower_rune(c: str) -> str:
    low = c.lower()
    if len(low) == 1:
        return low
    if c == "\u0130":
        return "i"
    return c


def go_title_rune(c: str) -> str:
    """unicode.ToTitle for one rune."""
    t = c.title()
    if len(t) == 1:
        return t
    return c
