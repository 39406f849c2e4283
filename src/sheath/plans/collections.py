"""How the plan renderer pairs the elements of two sequences and two sets
(terraform's command/jsonformat/collections and differ/set.go).

Elements are compared as terraform's renderer sees them: through the JSON
plan, where an unknown element of a sequence is ``null``, an unknown
attribute of an object is absent and sensitive values are plain
(``json_key``).

``process_slice`` walks a before and an after sequence: of the same length
and not a reordering (some before element is not anywhere in after), they
are paired by position; otherwise along their longest common subsequence,
the elements outside it deleted and created (two objects facing each other
outside it are paired as an update). ``process_set`` pairs equal elements
of two sets, the rest deleted then created.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from sheath.types.cty import SENSITIVE, UNKNOWN, Value
from sheath.types.number import Number

T = TypeVar("T")

_ABSENT = ("absent",)


def json_key(v: Value) -> Hashable:
    """v as a comparable value of its JSON plan form."""
    return _key(v, in_sequence=True)


def _key(v: Value, in_sequence: bool) -> Hashable:
    p = v.v
    if p is UNKNOWN:
        return None if in_sequence else _ABSENT
    if p is None:
        return None
    if isinstance(p, tuple):
        return ("array", tuple(_key(e, True) for e in p))
    if isinstance(p, dict):
        items = ((k, _key(e, False)) for k, e in p.items())
        return ("object", frozenset((k, e) for k, e in items if e is not _ABSENT))
    if isinstance(p, bool):
        return ("bool", p)
    if isinstance(p, Number):
        return ("number", p.format())
    return ("string", str(p))


def longest_common_subsequence(xs: Sequence[T], ys: Sequence[T], eq: Callable[[T, T], bool]) -> list[T]:
    """objchange.LongestCommonSubsequence, with its exact tie-breaking."""
    if not xs or not ys:
        return []
    w = len(xs)
    c = [0] * (len(xs) * len(ys))
    eqs = [False] * (len(xs) * len(ys))
    for y in range(len(ys)):
        for x in range(w):
            e = eq(xs[x], ys[y])
            eqs[w * y + x] = e
            if e:
                c[w * y + x] = 1 if x == 0 or y == 0 else c[w * (y - 1) + (x - 1)] + 1
            else:
                left = c[w * y + x - 1] if x > 0 else 0
                up = c[w * (y - 1) + x] if y > 0 else 0
                c[w * y + x] = max(up, left)
    seq: list[T] = [xs[0]] * c[-1]
    x, y, i = len(xs) - 1, len(ys) - 1, len(seq) - 1
    while x > -1 and y > -1 and i > -1:
        if eqs[w * y + x]:
            seq[i] = xs[x]
            x -= 1
            y -= 1
            i -= 1
        else:
            left = c[w * y + x - 1] if x > 0 else 0
            up = c[w * (y - 1) + x] if y > 0 else 0
            if left > up:
                x -= 1
            else:
                y -= 1
    return seq


def is_reorder(before: Sequence[T], after: Sequence[T], eq: Callable[[T, T], bool]) -> bool:
    """Whether every element of before is somewhere in after (same lengths)."""
    return len(before) == len(after) and all(any(eq(b, a) for a in after) for b in before)


def process_slice(
    before: Sequence[T],
    after: Sequence[T],
    process: Callable[[int, int], None],
    eq: Callable[[T, T], bool],
    is_obj: Callable[[T], bool],
) -> None:
    """collections.ProcessSlice: process(before index, after index) for each
    pair, an index past the end of its sequence meaning absent."""
    if len(before) == len(after) and not is_reorder(before, after, eq):
        for ix in range(len(before)):
            process(ix, ix)
        return
    lcs = longest_common_subsequence(before, after, eq)
    bi = ai = li = 0
    while bi < len(before) or ai < len(after) or li < len(lcs):
        while bi < len(before) and (li >= len(lcs) or not eq(before[bi], lcs[li])):
            if is_obj(before[bi]) and ai < len(after) and is_obj(after[ai]) and (li >= len(lcs) or not eq(after[ai], lcs[li])):
                process(bi, ai)
                bi += 1
                ai += 1
                continue
            process(bi, len(after))
            bi += 1
        while ai < len(after) and (li >= len(lcs) or not eq(after[ai], lcs[li])):
            process(len(before), ai)
            ai += 1
        if li < len(lcs):
            process(bi, ai)
            bi += 1
            ai += 1
            li += 1


def process_set(before: Sequence[Value], after: Sequence[Value], process: Callable[[int, int], None]) -> None:
    """differ.processSet: a before element is paired with the last after
    element equal to it (same sensitivity, not unknown) not already paired;
    unpaired before elements are deleted, then unpaired after ones created."""
    bkeys = [json_key(v) for v in before]
    akeys = [json_key(v) for v in after]
    found_before: dict[int, int] = {}
    found_after: dict[int, int] = {}
    for ix, b in enumerate(before):
        found_before[ix] = -1
        for jx, a in enumerate(after):
            if jx in found_after:
                continue
            if bkeys[ix] == akeys[jx] and (SENSITIVE in b.marks) == (SENSITIVE in a.marks) and a.v is not UNKNOWN:
                found_before[ix] = jx
                found_after[jx] = ix
    for ix in range(len(before)):
        jx = found_before[ix]
        process(ix, jx if jx >= 0 else len(after))
    for jx in range(len(after)):
        if jx not in found_after:
            process(len(before), jx)

