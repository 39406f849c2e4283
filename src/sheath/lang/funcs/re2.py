"""Go RE2 regular expressions on Python's ``re``: a syntax translator.

Terraform's regex/regexall/replace use Go's regexp (RE2 syntax). This module
parses an RE2 pattern, reports RE2's errors (with Go's error codes) and emits
an equivalent Python pattern:

  * ``\\d \\w \\s \\b`` are ASCII-only in RE2; ``.`` excludes only ``\\n``;
  * ``$`` without (?m) is end of text (``\\z``); ``\\z`` -> ``\\Z``;
  * mid-pattern flag groups ``(?i)`` become scoped groups; ``(?U)`` swaps
    greediness; ``\\Q...\\E``, POSIX classes ``[[:alpha:]]``, ``\\pL``/``\\p{Greek}``
    and ``\\x{...}`` are expanded;
  * lookarounds and backreferences are rejected as RE2 does.
Duplicate group names (legal in Go) are renamed; ``group_names`` keeps the
original name of every group by index.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


class RE2Error(Exception):
    """A pattern RE2 would reject: code is Go's ErrorCode text, expr the culprit."""

    def __init__(self, code: str, expr: str) -> None:
        super().__init__(f"{code} in {expr}")
        self.code = code
        self.expr = expr


ERR_MISSING_PAREN = "missing closing )"
ERR_UNEXPECTED_PAREN = "unexpected )"
ERR_MISSING_BRACKET = "missing closing ]"
ERR_INVALID_ESCAPE = "invalid escape sequence"
ERR_INVALID_PERL_OP = "invalid or unsupported Perl syntax"
ERR_INVALID_REPEAT_OP = "invalid nested repetition operator"
ERR_INVALID_REPEAT_SIZE = "invalid repeat count"
ERR_MISSING_REPEAT_ARG = "missing argument to repetition operator"
ERR_TRAILING_BACKSLASH = "trailing backslash at end of expression"
ERR_INVALID_CHAR_RANGE = "invalid character class range"
ERR_INVALID_CHAR_CLASS = "invalid character class"
ERR_INVALID_NAMED_CAPTURE = "invalid named capture"


@dataclass
class Compiled:
    regex: re.Pattern[str]
    group_names: list[str | None]  # index i -> name of group i+1 (None: unnamed)


_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}

_PERL = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}

# A few scripts by block ranges (Python's unicodedata has no script property).
_SCRIPTS = {
    "Latin": "A-Za-z\\xaa\\xba\\xc0-\\xd6\\xd8-\\xf6\\xf8-\\u024f\\u1e00-\\u1eff\\u2c60-\\u2c7f\\ua720-\\ua7ff\\uff21-\\uff3a\\uff41-\\uff5a",
    "Greek": "\\u0370-\\u0373\\u0375-\\u0377\\u037a-\\u037d\\u037f\\u0384\\u0386\\u0388-\\u03e1\\u03f0-\\u03ff\\u1f00-\\u1fff",
    "Cyrillic": "\\u0400-\\u052f\\u1c80-\\u1c88\\u2de0-\\u2dff\\ua640-\\ua69f",
    "Han": "\\u2e80-\\u2fd5\\u3005\\u3007\\u3021-\\u3029\\u3038-\\u303b\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\U00020000-\\U0003134f",
    "Hiragana": "\\u3041-\\u3096\\u309d-\\u309f",
    "Katakana": "\\u30a1-\\u30fa\\u30fd-\\u30ff\\u31f0-\\u31ff\\uff66-\\uff6f\\uff71-\\uff9d",
    "Arabic": "\\u0600-\\u0604\\u0606-\\u060b\\u060d-\\u061a\\u061c-\\u061e\\u0620-\\u063f\\u0641-\\u064a\\u0656-\\u066f\\u0671-\\u06dc\\u06de-\\u06ff",
    "Hebrew": "\\u0591-\\u05c7\\u05d0-\\u05ea\\u05ef-\\u05f4\\ufb1d-\\ufb4f",
    "Hangul": "\\u1100-\\u11ff\\u3131-\\u318e\\uac00-\\ud7a3",
    "Thai": "\\u0e01-\\u0e3a\\u0e40-\\u0e5b",
    "Devanagari": "\\u0900-\\u097f",
}

_CATEGORY_NAMES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
    "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So",
    "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Co", "Cs",
}  # fmt: skip


def _esc_cp(cp: int) -> str:
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


@lru_cache(maxsize=1)
def _all_category_intervals() -> dict[str, list[tuple[int, int]]]:
    """Code point intervals of every two-letter general category (one scan)."""
    out: dict[str, list[tuple[int, int]]] = {}
    cat_of = unicodedata.category
    prev_cat = ""
    start = 0
    for cp in range(sys.maxunicode + 1):
        c = cat_of(chr(cp))
        if c != prev_cat:
            if prev_cat:
                out.setdefault(prev_cat, []).append((start, cp - 1))
            prev_cat = c
            start = cp
    out.setdefault(prev_cat, []).append((start, sys.maxunicode))
    return out


@lru_cache(maxsize=None)
def _category_ranges(cat: str) -> str:
    """Class body (no brackets) of code points whose general category starts with cat."""
    ivs: list[tuple[int, int]] = []
    for name, lst in _all_category_intervals().items():
        if name.startswith(cat):
            ivs.extend(lst)
    ivs.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in ivs:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return "".join(_range(lo, hi) for lo, hi in merged)


def _range(a: int, b: int) -> str:
    if a == b:
        return _esc_cp(a)
    return _esc_cp(a) + "-" + _esc_cp(b)


def _unicode_class(name: str, expr: str) -> str:
    if name == "Any":
        return "\\x00-\\U0010ffff"
    if name in _CATEGORY_NAMES:
        return _category_ranges(name)
    if name in _SCRIPTS:
        return _SCRIPTS[name]
    raise RE2Error("invalid character class range", expr)


class _Scope:
    __slots__ = ("i", "m", "s", "u", "openers")

    def __init__(self, i: bool, m: bool, s: bool, u: bool) -> None:
        self.i = i
        self.m = m
        self.s = s
        self.u = u
        self.openers: list[str] = []  # scoped flag groups opened inside this group


_SPECIAL_OUT = set("\\.^$|?*+()[]{}")
_ESCAPABLE = set("\\.+*?()|[]{}^$-#&~ \t\n\f\r\v!\"%',/:;<=>@_`")


def _lit(c: str) -> str:
    if c in _SPECIAL_OUT or c in "#& ~-":
        return "\\" + c
    if c == "\n":
        return "\\n"
    return c


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out: list[str] = []
        self.names: list[str | None] = []
        self.used_names: set[str] = set()
        self.scopes: list[_Scope] = [_Scope(False, False, False, False)]
        self.open_positions: list[int] = []
        # repetition state: may the previous item be repeated? was it a repetition?
        self.can_repeat = False
        self.last_repeat = ""

    @property
    def scope(self) -> _Scope:
        return self.scopes[-1]

    def translate(self) -> str:
        p = self.p
        n = len(p)
        while self.i < n:
            c = p[self.i]
            if c == "(":
                self._open_group()
            elif c == ")":
                self._close_group()
            elif c == "|":
                # close mid-group flag scopes around the alternation, reopen after
                sc = self.scope
                self.out.append(")" * len(sc.openers) + "|" + "".join(sc.openers))
                self.i += 1
                self.can_repeat = False
                self.last_repeat = ""
            elif c in "*+?":
                self._repeat(c, 1)
            elif c == "{":
                m = re.compile(r"\{(\d+)(,(\d*))?\}").match(p, self.i)
                if m is None:
                    self._atom("\\{")
                    self.i += 1
                else:
                    self._repeat_braces(m)
            elif c == "[":
                self._atom(self._char_class())
            elif c == "\\":
                self._escape()
            elif c == ".":
                self._atom("(?s:.)" if self.scope.s else "[^\\n]")
                self.i += 1
            elif c == "^":
                self._assertion("(?m:^)" if self.scope.m else "\\A")
                self.i += 1
            elif c == "$":
                self._assertion("(?m:$)" if self.scope.m else "\\Z")
                self.i += 1
            else:
                self._atom(_lit(c))
                self.i += 1
        if len(self.scopes) > 1:
            raise RE2Error(ERR_MISSING_PAREN, p)
        self.out.append(")" * len(self.scope.openers))
        return "".join(self.out)

    # --- items -----------------------------------------------------------
    def _atom(self, s: str) -> None:
        self.out.append(s)
        self.can_repeat = True
        self.last_repeat = ""

    def _assertion(self, s: str) -> None:
        # RE2 allows repeating empty-width assertions; Python does not: wrap.
        self.out.append("(?:" + s + ")")
        self.can_repeat = True
        self.last_repeat = ""

    def _repeat(self, op: str, width: int) -> None:
        p = self.p
        start = self.i
        self.i += width
        lazy = False
        if self.i < len(p) and p[self.i] == "?":
            lazy = True
            self.i += 1
        text = p[start : self.i]
        if self.last_repeat:
            raise RE2Error(ERR_INVALID_REPEAT_OP, self.last_repeat + text[: len(text)])
        if not self.can_repeat:
            raise RE2Error(ERR_MISSING_REPEAT_ARG, text)
        if self.scope.u:
            lazy = not lazy
        self.out.append(op + ("?" if lazy else ""))
        self.last_repeat = text
        self.can_repeat = False

    def _repeat_braces(self, m: re.Match[str]) -> None:
        text = m.group(0)
        lo = int(m.group(1))
        hi: int | None = lo
        if m.group(2):
            hi = int(m.group(3)) if m.group(3) else None
        if lo > 1000 or (hi is not None and (hi > 1000 or hi < lo)):
            raise RE2Error(ERR_INVALID_REPEAT_SIZE, text)
        if m.group(2):
            op = "{%d,%s}" % (lo, "" if hi is None else hi)
        else:
            op = "{%d}" % lo
        if not self.can_repeat and not self.last_repeat:
            raise RE2Error(ERR_MISSING_REPEAT_ARG, text)
        # _repeat handles lazy suffix and nesting checks
        save = self.out
        self.out = []
        self._repeat(op, len(text))
        emitted = "".join(self.out)
        self.out = save
        self.out.append(emitted)

    def _open_group(self) -> None:
        p = self.p
        start = self.i
        if p.startswith("(?", self.i):
            if p.startswith("(?P<", self.i) or p.startswith("(?<", self.i):
                j = self.i + (4 if p[self.i + 2] == "P" else 3)
                end = p.find(">", j)
                if end < 0:
                    raise RE2Error(ERR_INVALID_NAMED_CAPTURE, p[start:])
                name = p[j:end]
                if not name or not re.fullmatch(r"[A-Za-z0-9_]+", name):
                    raise RE2Error(ERR_INVALID_NAMED_CAPTURE, p[start : end + 1])
                pyname = name
                if name in self.used_names or name[0].isdigit():
                    pyname = f"_sheath_g{len(self.names) + 1}"
                self.used_names.add(pyname)
                self.names.append(name)
                self.out.append(f"(?P<{pyname}>")
                self.i = end + 1
                self._push()
                return
            if p.startswith("(?P", self.i):
                raise RE2Error(ERR_INVALID_NAMED_CAPTURE, p[start:])
            # flags: (?flags) or (?flags:...)
            j = self.i + 2
            sc = self.scope
            fi, fm, fs, fu = sc.i, sc.m, sc.s, sc.u
            neg = False
            saw_flag = False
            while j < len(p):
                c = p[j]
                if c in "imsU":
                    val = not neg
                    if c == "i":
                        fi = val
                    elif c == "m":
                        fm = val
                    elif c == "s":
                        fs = val
                    else:
                        fu = val
                    saw_flag = True
                    j += 1
                    continue
                if c == "-" and not neg:
                    neg = True
                    saw_flag = False
                    j += 1
                    continue
                break
            if j >= len(p) or p[j] not in ":)" or (neg and not saw_flag):
                raise RE2Error(ERR_INVALID_PERL_OP, p[start : j + 1] if j < len(p) else p[start:])
            flags = _py_flags(fi)
            if p[j] == ")":
                # set flags for the rest of the current group
                opener = f"(?{flags}:" if flags else "(?:"
                self.out.append(opener)
                sc.openers.append(opener)
                sc.i, sc.m, sc.s, sc.u = fi, fm, fs, fu
                self.i = j + 1
                self.can_repeat = False
                self.last_repeat = ""
                return
            self.out.append(f"(?{flags}:" if flags else "(?:")
            self.i = j + 1
            self._push(fi, fm, fs, fu)
            return
        self.names.append(None)
        self.out.append("(")
        self.i += 1
        self._push()

    def _push(self, i: bool | None = None, m: bool | None = None, s: bool | None = None, u: bool | None = None) -> None:
        sc = self.scope
        self.scopes.append(
            _Scope(
                sc.i if i is None else i,
                sc.m if m is None else m,
                sc.s if s is None else s,
                sc.u if u is None else u,
            )
        )
        self.open_positions.append(self.i)
        self.can_repeat = False
        self.last_repeat = ""

    def _close_group(self) -> None:
        if len(self.scopes) == 1:
            raise RE2Error(ERR_UNEXPECTED_PAREN, self.p)
        sc = self.scopes.pop()
        self.open_positions.pop()
        self.out.append(")" * len(sc.openers) + ")")
        self.i += 1
        self.can_repeat = True
        self.last_repeat = ""

    # --- escapes ---------------------------------------------------------
    def _escape(self) -> None:
        p = self.p
        start = self.i
        if self.i + 1 >= len(p):
            raise RE2Error(ERR_TRAILING_BACKSLASH, "")
        c = p[self.i + 1]
        if c == "Q":
            end = p.find("\\E", self.i + 2)
            lit = p[self.i + 2 :] if end < 0 else p[self.i + 2 : end]
            self.i = len(p) if end < 0 else end + 2
            for ch in lit:
                self._atom(_lit(ch))
            return
        if c in "AbBz":
            self.i += 2
            if c == "A":
                self._assertion("\\A")
            elif c == "z":
                self._assertion("\\Z")
            else:
                self._assertion("(?a:\\" + c + ")")
            return
        cls = self._class_escape(start)
        if cls is not None:
            self._atom(cls)
            return
        self._atom(self._char_escape(start))

    def _class_escape(self, start: int) -> str | None:
        """\\d \\pL etc. at self.i: a bracketed Python class, or None."""
        body = self._class_escape_body(start)
        if body is None:
            return None
        neg, ranges = body
        return ("[^" if neg else "[") + ranges + "]"

    def _class_escape_body(self, start: int) -> tuple[bool, str] | None:
        p = self.p
        c = p[self.i + 1]
        if c.lower() in _PERL:
            self.i += 2
            return c.isupper(), _PERL[c.lower()]
        if c in "pP":
            neg = c == "P"
            j = self.i + 2
            if j >= len(p):
                raise RE2Error(ERR_INVALID_CHAR_RANGE, p[start:])
            if p[j] == "{":
                end = p.find("}", j)
                if end < 0:
                    raise RE2Error(ERR_INVALID_CHAR_RANGE, p[start:])
                name = p[j + 1 : end]
                self.i = end + 1
            else:
                name = p[j]
                self.i = j + 1
            expr = p[start : self.i]
            if name.startswith("^"):
                neg = not neg
                name = name[1:]
            return neg, _unicode_class(name, expr)
        return None

    def _char_escape(self, start: int) -> str:
        """A single-character escape at self.i, emitted as a Python literal."""
        p = self.p
        c = p[self.i + 1]
        if c in "1234567" or c == "0":
            # octal: \0, \012; \1-\7 followed by digits is octal, \1 alone is a backref
            j = self.i + 1
            k = j
            while k < len(p) and k < j + 3 and p[k] in "01234567":
                k += 1
            digits = p[j:k]
            if c != "0" and len(digits) < 2:
                raise RE2Error(ERR_INVALID_ESCAPE, p[start : self.i + 2])
            self.i = k
            return _esc_cp(int(digits, 8))
        if c == "x":
            j = self.i + 2
            if j < len(p) and p[j] == "{":
                end = p.find("}", j)
                hexs = p[j + 1 : end] if end > 0 else ""
                if end < 0 or not hexs or not all(h in "0123456789abcdefABCDEF" for h in hexs) or int(hexs, 16) > sys.maxunicode:
                    raise RE2Error(ERR_INVALID_ESCAPE, p[start : (end + 1 if end > 0 else len(p))])
                self.i = end + 1
                return _esc_cp(int(hexs, 16))
            hexs = p[j : j + 2]
            if len(hexs) < 2 or not all(h in "0123456789abcdefABCDEF" for h in hexs):
                raise RE2Error(ERR_INVALID_ESCAPE, p[start : j + len(hexs)])
            self.i = j + 2
            return _esc_cp(int(hexs, 16))
        simple = {"a": "\\x07", "f": "\\f", "t": "\\t", "n": "\\n", "r": "\\r", "v": "\\v"}
        if c in simple:
            self.i += 2
            return simple[c]
        if ord(c) < 0x80 and not c.isalnum():
            self.i += 2
            return _lit(c)
        raise RE2Error(ERR_INVALID_ESCAPE, p[start : self.i + 2])

    # --- character classes -------------------------------------------------
    def _char_class(self) -> str:
        p = self.p
        start = self.i
        self.i += 1
        neg = False
        if self.i < len(p) and p[self.i] == "^":
            neg = True
            self.i += 1
        parts: list[str] = []
        first = True
        while True:
            if self.i >= len(p):
                raise RE2Error(ERR_MISSING_BRACKET, p[start:])
            c = p[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if c == "[" and p.startswith("[:", self.i):
                end = p.find(":]", self.i + 2)
                if end >= 0:
                    name = p[self.i + 2 : end]
                    pneg = name.startswith("^")
                    if pneg:
                        name = name[1:]
                    if name not in _POSIX:
                        raise RE2Error(ERR_INVALID_CHAR_RANGE, p[self.i : end + 2])
                    self.i = end + 2
                    parts.append(_negate_ranges(_POSIX[name]) if pneg else _POSIX[name])
                    continue
            if c == "\\" and self.i + 1 < len(p) and (p[self.i + 1].lower() in _PERL or p[self.i + 1] in "pP"):
                esc_start = self.i
                esc = self._class_escape_body(esc_start)
                assert esc is not None
                bneg, ranges = esc
                parts.append(_negate_ranges(ranges) if bneg else ranges)
                continue
            lo_start = self.i
            lo = self._class_char()
            if self.i + 1 < len(p) and p[self.i] == "-" and p[self.i + 1] != "]":
                self.i += 1
                hi = self._class_char()
                if _cp_of(hi) < _cp_of(lo):
                    raise RE2Error(ERR_INVALID_CHAR_RANGE, p[lo_start : self.i])
                parts.append(lo + "-" + hi)
            else:
                parts.append(lo)
        joined = "".join(parts)
        return ("[^" if neg else "[") + joined + "]"

    def _class_char(self) -> str:
        p = self.p
        c = p[self.i]
        if c == "\\":
            if self.i + 1 >= len(p):
                raise RE2Error(ERR_MISSING_BRACKET, p)
            start = self.i
            return self._char_escape(start)
        self.i += 1
        if c in "\\]-[^&~|":
            return "\\" + c
        return c


def _cp_of(lit: str) -> int:
    if lit.startswith("\\u") or lit.startswith("\\U"):
        return int(lit[2:], 16)
    if lit.startswith("\\x"):
        return int(lit[2:], 16)
    if lit.startswith("\\") and len(lit) == 2:
        return {"n": 10, "t": 9, "r": 13, "f": 12, "v": 11}.get(lit[1], ord(lit[1]))
    return ord(lit)


_BODY_TOKEN = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\x([0-9a-fA-F]{2})|\\(.)|(.)", re.S)
_SIMPLE_ESC = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13}


def _body_intervals(body: str) -> list[tuple[int, int]]:
    """Parse a class body we generated ("a-z\\u00aa...") into code point intervals."""
    cps: list[int | str] = []
    for m in _BODY_TOKEN.finditer(body):
        u4, u8, x2, esc, ch = m.groups()
        if u4 or u8 or x2:
            cps.append(int(u4 or u8 or x2, 16))
        elif esc is not None:
            cps.append(_SIMPLE_ESC.get(esc, ord(esc)))
        elif ch == "-":
            cps.append("-")
        else:
            cps.append(ord(ch))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(cps):
        a = cps[i]
        if i + 2 < len(cps) and cps[i + 1] == "-" and isinstance(a, int) and isinstance(cps[i + 2], int):
            out.append((a, cps[i + 2]))  # type: ignore[arg-type]
            i += 3
            continue
        cp = ord("-") if a == "-" else a
        assert isinstance(cp, int)
        out.append((cp, cp))
        i += 1
    return out


@lru_cache(maxsize=None)
def _negate_ranges(ranges: str) -> str:
    """Class body for the complement of the class body `ranges`."""
    ivs = sorted(_body_intervals(ranges))
    parts: list[str] = []
    nxt = 0
    for lo, hi in ivs:
        if lo > nxt:
            parts.append(_range(nxt, lo - 1))
        nxt = max(nxt, hi + 1)
    if nxt <= sys.maxunicode:
        parts.append(_range(nxt, sys.maxunicode))
    return "".join(parts)


def _py_flags(i: bool) -> str:
    return "i" if i else "-i"


@lru_cache(maxsize=256)
def compile_re2(pattern: str) -> Compiled:
    """Compile an RE2 pattern; raises RE2Error as Go's regexp.Compile would."""
    t = _Translator(pattern)
    py = t.translate()
    py = py.replace("(?-i:", "(?:")
    try:
        rx = re.compile(py)
    except re.error as e:  # a translation gap: report as RE2 would, roughly
        raise RE2Error(ERR_INVALID_PERL_OP, pattern) from e
    return Compiled(rx, t.names)


def expand_template(template: str, m: re.Match[str], names: list[str | None]) -> str:
    """Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$."""
    out: list[str] = []
    i = 0
    n = len(template)
    while i < n:
        j = template.find("$", i)
        if j < 0:
            out.append(template[i:])
            break
        out.append(template[i:j])
        i = j + 1
        if i < n and template[i] == "$":
            out.append("$")
            i += 1
            continue
        name = ""
        if i < n and template[i] == "{":
            end = template.find("}", i + 1)
            cand = template[i + 1 : end] if end > 0 else ""
            if end < 0 or not cand or not re.fullmatch(r"[A-Za-z0-9_]+", cand):
                out.append("$")
                continue
            name = cand
            i = end + 1
        else:
            k = i
            while k < n and (template[k].isascii() and (template[k].isalnum() or template[k] == "_")):
                k += 1
            if k == i:
                out.append("$")
                continue
            name = template[i:k]
            i = k
        out.append(_group_text(m, names, name))
    return "".join(out)


def _group_text(m: re.Match[str], names: list[str | None], name: str) -> str:
    if name.isdigit() and (name == "0" or name[0] != "0") and len(name) <= 8:
        idx = int(name)
        if idx > len(names):
            return ""
        return m.group(idx) or ""
    # Go: the leftmost group with that name... Expand uses the first matching name
    for idx, nm in enumerate(names, start=1):
        if nm == name:
            return m.group(idx) or ""
    return ""
