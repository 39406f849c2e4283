"""Instance keys: the [0] or ["k"] part of a resource or module instance address."""

from __future__ import annotations

from dataclasses import dataclass


def quote_hcl_string(s: str) -> str:
    """A string literal in HCL native syntax, as terraform prints instance keys."""
    out = ['"']
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c in "$%" and i + 1 < n and s[i + 1] == "{":
            out.append(c + c)
        elif ord(c) < 0x20 or c == "\x7f":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
        i += 1
    out.append('"')
    return "".join(out)


@dataclass(frozen=True, slots=True)
class IntKey:
    """The key of an instance created with count."""

    value: int

    def __str__(self) -> str:
        return f"[{self.value}]"


@dataclass(frozen=True, slots=True)
class StringKey:
    """The key of an instance created with for_each."""

    value: str

    def __str__(self) -> str:
        return f"[{quote_hcl_string(self.value)}]"


InstanceKey = IntKey | StringKey | None
"""None is terraform's NoKey: the object has neither count nor for_each."""

NO_KEY: InstanceKey = None

IndexKey = int | str | None
"""An instance key as a state file's ``index_key`` holds it (and the walk passes it):
None (no count/for_each), an int (count) or a str (for_each). ``instance_key`` turns
it into an InstanceKey, ``index_key`` back."""


def instance_key(k: IndexKey) -> InstanceKey:
    """The InstanceKey of a state file's index_key."""
    if k is None:
        return None
    if isinstance(k, int):
        return IntKey(k)
    return StringKey(k)


def index_key(k: InstanceKey) -> IndexKey:
    """The index_key a state file holds for an InstanceKey."""
    return None if k is None else k.value


def key_str(key: InstanceKey) -> str:
    return "" if key is None else str(key)


def key_sort_order(key: InstanceKey) -> tuple[int, int, str]:
    """A sort key: no-key first, then int keys numerically, then string keys."""
    if key is None:
        return (0, 0, "")
    if isinstance(key, IntKey):
        return (1, key.value, "")
    return (2, 0, key.value)
