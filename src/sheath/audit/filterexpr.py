"""The ``-filter`` expression of ``sheath unmanaged``: a small subset of JMESPath, as
driftctl's filters are written.

    Type=='aws_s3_bucket'
    Type=='aws_iam_user' && starts_with(Id, 'ci-')
    !(Type=='aws_sqs_queue' || Region=='eu-west-1')

Fields: ``Type``, ``Id``, ``Region`` ("" for global types), ``Name``. Comparisons
``==`` and ``!=`` against a quoted string ('...' or "..."); functions
``starts_with``, ``ends_with``, ``contains`` (FIELD, 'text'); ``&&``, ``||``, ``!``
and parentheses. A syntax error is a ``FilterError`` that names the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

FIELDS = ("Type", "Id", "Region", "Name")
FUNCTIONS: dict[str, Callable[[str, str], bool]] = {
    "starts_with": lambda a, b: a.startswith(b),
    "ends_with": lambda a, b: a.endswith(b),
    "contains": lambda a, b: b in a,
}

_TOKEN = re.compile(
    r"\s*(?:(?P<op>==|!=|&&|\|\||[!(),])|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)


class FilterError(Exception):
    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (at column {column})")
        self.column = column


Record = Mapping[str, str]
Predicate = Callable[[Record], bool]


@dataclass(frozen=True)
class Filter:
    text: str
    predicate: Predicate

    def matches(self, record: Record) -> bool:
        return self.predicate(record)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            col = pos + 1 + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise FilterError(f"unexpected character {text[col - 1]!r}", col)
        kind = m.lastgroup or ""
        value = m.group(kind)
        out.append((kind, value, m.start(kind) + 1))
        pos = m.end()
    out.append(("end", "", len(text) + 1))
    return out


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s[1:-1])


def parse_filter(text: str) -> Filter:
    toks = _tokens(text)
    i = 0

    def peek() -> tuple[str, str, int]:
        return toks[i]

    def take(kind: str, value: str | None = None) -> tuple[str, str, int]:
        nonlocal i
        t = toks[i]
        if t[0] != kind or (value is not None and t[1] != value):
            want = value or {"str": "a quoted string", "name": "a field name", "end": "the end of the expression"}.get(kind, kind)
            got = t[1] or "the end of the expression"
            raise FilterError(f"expected {want}, found {got!r}", t[2])
        i += 1
        return t

    def field_name() -> str:
        t = take("name")
        if t[1] not in FIELDS:
            raise FilterError(f"unknown field {t[1]!r}; fields are {', '.join(FIELDS)}", t[2])
        return t[1]

    def primary() -> Predicate:
        kind, value, col = peek()
        if kind == "op" and value == "!":
            take("op", "!")
            inner = primary()
            return lambda r: not inner(r)
        if kind == "op" and value == "(":
            take("op", "(")
            e = disjunction()
            take("op", ")")
            return e
        if kind == "name" and value in FUNCTIONS:
            take("name")
            fn = FUNCTIONS[value]
            take("op", "(")
            f = field_name()
            take("op", ",")
            s = _unquote(take("str")[1])
            take("op", ")")
            return lambda r: fn(r.get(f, ""), s)
        if kind == "name":
            f = field_name()
            _k, op, ocol = peek()
            if op not in ("==", "!="):
                raise FilterError(f"expected == or != after {f}", ocol)
            take("op")
            s = _unquote(take("str")[1])
            if op == "==":
                return lambda r: r.get(f, "") == s
            return lambda r: r.get(f, "") != s
        raise FilterError(f"unexpected {value or 'end of the expression'!r}", col)

    def conjunction() -> Predicate:
        parts = [primary()]
        while peek()[:2] == ("op", "&&"):
            take("op", "&&")
            parts.append(primary())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def disjunction() -> Predicate:
        parts = [conjunction()]
        while peek()[:2] == ("op", "||"):
            take("op", "||")
            parts.append(conjunction())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    pred = disjunction()
    take("end")
    return Filter(text, pred)
