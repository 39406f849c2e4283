"""Go RE2 regular expressions, matched in linear time.

Terraform's regex/regexall/replace use Go's regexp (RE2 syntax, guaranteed
linear time). This module checks a pattern as Go's regexp/syntax parser does,
reporting its errors with Go's error texts, and then compiles it with RE2
itself (the ``google-re2`` binding of the C++ library Go's regexp was ported
from): ``regex("^(a+)+$", ...)`` takes microseconds on any input, where a
backtracking engine takes exponential time.

Texts are matched as UTF-8 bytes, as Go matches them; positions in ``Match``
are byte offsets. ``find_all`` and ``replace_all`` follow Go's FindAll and
ReplaceAll loops (empty matches, advancing one character).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import re2 as _re2_engine


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
ERR_LARGE = "expression too large"


_POSIX_NAMES = frozenset(
    {"alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"}
)

_PERL = frozenset("dws")


def _esc_cp(cp: int) -> str:
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


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
            return c.isupper(), ""
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
            if name.startswith("^"):
                neg = not neg
            # the class name itself is checked by RE2 when the pattern is compiled
            return neg, ""
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
                if end < 0 or not hexs or not all(h in "0123456789abcdefABCDEF" for h in hexs) or int(hexs, 16) > 0x10FFFF:
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
                    if name.startswith("^"):
                        name = name[1:]
                    if name not in _POSIX_NAMES:
                        raise RE2Error(ERR_INVALID_CHAR_RANGE, p[self.i : end + 2])
                    self.i = end + 2
                    continue
            if c == "\\" and self.i + 1 < len(p) and (p[self.i + 1].lower() in _PERL or p[self.i + 1] in "pP"):
                esc_start = self.i
                if self._class_escape_body(esc_start) is None:
                    raise RE2Error(ERR_INVALID_ESCAPE, p[esc_start : esc_start + 2])
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


def _py_flags(i: bool) -> str:
    return "i" if i else "-i"


# RE2's (C++) error texts -> Go's, for what only RE2 itself finds (the checker
# above finds the rest with Go's exact texts).
_RE2_ERRORS = {
    "invalid character class range": ERR_INVALID_CHAR_RANGE,
    "invalid character class": ERR_INVALID_CHAR_CLASS,
    "invalid repetition size": ERR_INVALID_REPEAT_SIZE,
    "bad repetition operator": ERR_INVALID_REPEAT_OP,
    "invalid escape sequence": ERR_INVALID_ESCAPE,
    "invalid named capture group": ERR_INVALID_NAMED_CAPTURE,
    "pattern too large - compile failed": ERR_LARGE,
    "pattern too large - reverse compile failed": ERR_LARGE,
}


def _re2_error(message: str, pattern: str) -> RE2Error:
    text, sep, arg = message.partition(": ")
    code = _RE2_ERRORS.get(text)
    if code is None:
        return RE2Error(ERR_INVALID_PERL_OP, pattern)
    return RE2Error(code, arg if sep and code != ERR_LARGE else pattern)


def _options() -> Any:
    opts = _re2_engine.Options()
    opts.log_errors = False  # errors are values here, not lines on stderr
    opts.max_mem = 64 << 20  # Go's regexp has no memory cap; RE2's default (8 MiB) rejects large patterns
    return opts


def utf8(text: str) -> bytes:
    """text as the UTF-8 bytes Go would hold (lone surrogates kept, as WTF-8)."""
    return text.encode("utf-8", "surrogatepass")


def _decode(b: bytes) -> str:
    try:
        return b.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:  # a match that split an invalid sequence, as Go's strings can
        return b.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Match:
    """One match: the searched text and, per group (0 = the whole match), its byte span ((-1, -1): unset)."""

    text: bytes
    spans: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[0][1]

    def group(self, index: int = 0) -> str | None:
        """The text of group index, None when the group did not take part in the match."""
        a, b = self.spans[index]
        if a < 0:
            return None
        return _decode(self.text[a:b])


def _rune_width(text: bytes, pos: int) -> int:
    """The width of the UTF-8 sequence at pos as Go's decoder steps (1 for an invalid byte, 0 at the end)."""
    if pos >= len(text):
        return 0
    lead = text[pos]
    if lead < 0x80:
        return 1
    width = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 1
    if width == 1 or pos + width > len(text):
        return 1
    try:
        text[pos : pos + width].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return 1
    return width


@dataclass(frozen=True)
class Compiled:
    """A compiled pattern; group_names[i] is the name of group i+1 (None: unnamed)."""

    regexp: Any
    group_names: list[str | None]

    def _search(self, text: bytes, pos: int) -> Match | None:
        m = self.regexp.search(text, pos)
        if m is None:
            return None
        return Match(text, tuple(m.span(i) for i in range(len(self.group_names) + 1)))

    def search(self, text: str) -> Match | None:
        """The leftmost match in text (Go's FindStringSubmatchIndex)."""
        return self._search(utf8(text), 0)

    def find_all(self, text: str) -> list[Match]:
        """Every match, as Go's FindAllStringSubmatch(-1): an empty match right after
        the previous match is skipped, and after an empty match the scan moves one character on."""
        b = utf8(text)
        out: list[Match] = []
        pos = 0
        end = len(b)
        prev_end = -1
        while pos <= end:
            m = self._search(b, pos)
            if m is None:
                break
            accept = True
            if m.end == pos:
                if m.start == prev_end:
                    accept = False
                width = _rune_width(b, pos)
                pos = pos + width if width > 0 else end + 1
            else:
                pos = m.end
            prev_end = m.end
            if accept:
                out.append(m)
        return out

    def replace_all(self, text: str, repl: Callable[[Match], str]) -> str:
        """Go's ReplaceAllString loop: repl's text for each match."""
        b = utf8(text)
        buf: list[bytes] = []
        last_end = 0
        pos = 0
        end = len(b)
        while pos <= end:
            m = self._search(b, pos)
            if m is None:
                break
            buf.append(b[last_end : m.start])
            if m.end > last_end or m.start == 0:
                buf.append(utf8(repl(m)))
            last_end = m.end
            width = _rune_width(b, pos)
            if pos + width > m.end:
                pos += width
            elif pos + 1 > m.end:
                pos += 1
            else:
                pos = m.end
        buf.append(b[last_end:])
        return _decode(b"".join(buf))


@lru_cache(maxsize=256)
def compile_re2(pattern: str) -> Compiled:
    """Compile an RE2 pattern; raises RE2Error as Go's regexp.Compile would."""
    t = _Translator(pattern)
    t.translate()
    try:
        rx = _re2_engine.compile(utf8(pattern), _options())
    except _re2_engine.error as e:
        message = e.args[0] if e.args else ""
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        raise _re2_error(str(message), pattern) from None
    return Compiled(rx, t.names)


def expand_template(template: str, m: Match, names: list[str | None]) -> str:
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


def _group_text(m: Match, names: list[str | None], name: str) -> str:
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
