"""Differential check of encoding / date / network / hash functions against terraform.

Many edge-case expressions are evaluated in ONE console process per tool by
collecting them into a single jsonencode([...]) (piped console prints only the
last line's value), so the comparison stays cheap. Only expressions that
succeed in terraform belong here; error cases are covered by the unit tests
and the console corpus.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Callable

import pytest

RunFn = Callable[..., subprocess.CompletedProcess[str]]


def _long(n: int, word: str, sep: str) -> str:
    return f'join("{sep}", [for i in range({n}): "{word}"])'


EXPRESSIONS = [
    # yamlencode: quoting, block scalars, folding, indentation, key forms
    'yamlencode({a=[{b=[1,[2,{c="x"}]]}]})',
    "yamlencode([[[]]])",
    "yamlencode([{}])",
    'yamlencode([null, true, 1.25, -0.5, 1e20, 1/3])',
    'yamlencode(tomap({b="1", a="2"}))',
    "yamlencode(toset([1, 2]))",
    'yamlencode(["", " ", "a ", "#x", "\\t", "yes", "1", "null", "- x"])',
    'yamlencode(["x\\n\\ny", "\\nx", "x\\r", " \\nx", "x\\n ", "x\\n", "x\\n\\n", "\\n\\n", "a\\nb "])',
    'yamlencode(["日本語", "日本語\\nx", "😀\\nx", "a\\u2028b", "a\\u2028b\\nc", "a\\u0085b\\nc"])',
    'yamlencode({"日本"=1, "a\\tb"=2, "a\\nb"=3, "a\\u2028b"=4, ""=5})',
    f'yamlencode({{"${{{_long(130, "k", "")}}}"=1, "${{{_long(128, "k", "")}}}"=2}})',
    f'yamlencode("${{{_long(40, "ab", " ")}}}")',
    f'yamlencode("${{{_long(40, "ab", "  ")}}}")',
    f'yamlencode({{a="${{{_long(40, "ab", " ")}}}"}})',
    f'yamlencode([[["${{{_long(40, "ab", " ")}}}"]]])',
    f'yamlencode("${{{_long(81, "é", "")}}} y")',
    f'yamlencode("${{{_long(81, "x", "")}}}\\t y")',
    'yamlencode({a=[["x\\ny"]], b={c="x\\ny"}, d=[[{e="x\\ny"}]]})',
    # yamldecode: scalar resolution, anchors, merges, block scalars
    'yamldecode("a: 1\\nb:\\n  - x\\n  - y: z")',
    'yamldecode("[1, 2, [3, {a: b}]]")',
    'yamldecode("[true, True, TRUE, tRUE, No, off, NULL, ~, y, n, On]")',
    'yamlencode(yamldecode("[1e3, 1E+3, +.INF, -.inf, 0.0, 00, 0b, 0x, 0o, 0x1F, 0o17, 017, 09, 1_0, +1, -0]"))',
    'yamldecode("[2001-12-14t21:59:43.10-05:00, 2001-12-14T21:59:43.10+00:00, 2001-13-14, 2001-02-29, 2000-02-29, 1:2]")',
    'yamldecode("[!!int 0o17, !!int 017, !!float 1_000.5, !!float 1.5, !!int 2, !!null ~, !!null x, !!bool true]")',
    'yamldecode("a: >-\\n  x\\n  y\\nb: |+\\n  x\\n\\nc: \'it\'\'s\'\\nd: \\"\\\\t\\\\u263A\\"")',
    'yamldecode("a: &x 1\\nb: *x\\nc: &x 2\\nd: *x\\ne: !!binary |\\n  aGVs\\n  bG8=\\n")',
    'yamldecode("b: &b {x: 1, y: 1}\\nd:\\n  x: 2\\n  <<: *b\\n  z: 3")',
    'yamldecode("%TAG !e! tag:example.com,2000:\\n---\\nx")',
    'yamldecode("!<tag:yaml.org,2002:str> 12")',
    # csv, base64, text encodings, url
    'csvdecode("a,b\\n\\"\\",\\"\\"\\n1,\\"2\\"\\"\\"\\n,\\n")',
    'csvdecode("\\"a\\nb\\",c\\n1,2\\r\\n3,4\\n\\n\\n")',
    'textencodebase64("日本", "Shift_JIS")',
    'textencodebase64("中", "HZ-GB-2312")',
    'textdecodebase64("//5hAA==", "UTF-16")',
    'textdecodebase64("gA==", "windows-1252")',
    'urlencode("\\n\\t!*\'();:@&=+$,/?#[]日本")',
    'base64decode("\\nYQ==\\n")',
    # date and time
    'formatdate("EEE MMM D hh:mm:ss", "1970-01-01T00:00:00Z")',
    'formatdate("YYYY-MM-DD\'T\'hh:mm:ssZ ZZZ ZZZZ", "2018-01-02T23:12:01+23:59")',
    'formatdate("YY \'a\'\'b\' é H AA", "0005-01-01T00:00:00Z")',
    'timeadd("2018-01-02T23:12:01.999999999Z", "1ns")',
    'timeadd("0001-01-01T00:00:00Z", "-1s")',
    'timeadd("2018-01-02T23:12:01+01:30", "-24h")',
    'timeadd("2018-01-02T23:12:01Z", "-2562047h47m16.854775808s")',
    'timecmp("2018-01-02T23:12:01Z", "2018-01-02T23:12:01.000000001Z")',
    # IP networks
    'cidrhost("2001:db8::/32", -1)',
    'cidrhost("::ffff:1.2.3.0/120", 5)',
    'cidrhost("1:2:3:4:5:6:7:8/64", 1)',
    'cidrsubnet("2001:db8::/32", 32, 4294967295)',
    'cidrsubnet("::ffff:10.0.0.0/104", 4, 1)',
    'cidrsubnets("10.0.0.0/8", 8, 16, 8)',
    'cidrsubnets("ffff::/16", 1, 1)',
    'cidrnetmask("::ffff:10.0.0.0/104")',
    # hashes and uuidv5
    'md5("☃")',
    'base64sha512("")',
    'uuidv5("00000000-0000-0000-0000-000000000000", "x")',
]

BATCH = "jsonencode([\n" + ",\n".join(EXPRESSIONS) + "\n])"


@pytest.mark.oracle
def test_batch_matches_terraform(run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    expr = BATCH.replace("\n", " ")
    tf = run_terraform(["console"], cwd=tmp_path, stdin=expr + "\n")
    assert tf.returncode == 0, tf.stderr
    sh = run_sheath(["console"], cwd=tmp_path, stdin=expr + "\n")
    assert sh.returncode == 0, sh.stderr
    want = json.loads(json.loads(tf.stdout))
    got = json.loads(json.loads(sh.stdout))
    assert len(got) == len(want) == len(EXPRESSIONS)
    diffs = [f"{e}\n  terraform: {w!r}\n  sheath:    {g!r}" for e, w, g in zip(EXPRESSIONS, want, got) if w != g]
    assert not diffs, "\n".join(diffs)


# --- seeded random yamlencode inputs ---------------------------------------------

_ALPHABET = [
    " ", "  ", "\n", "\n\n", "\t", ":", "#", "- ", "é", "😀", '"', "\\", "a", "word ", "\r",
    "\u2028", "\u0085", "'", "{", "[", ",", "?", "x" * 30, "\u00a0", "\ufeff", "\x01",
]  # fmt: skip


def _hcl_string(s: str) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o in (0x85, 0x2028, 0xFEFF):
            out.append(f"\\u{o:04X}")
        elif o > 0xFFFF:
            out.append(f"\\U{o:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _random_value(rng: "random.Random", depth: int = 0) -> str:
    r = rng.random()
    if depth > 2 or r < 0.5:
        if rng.random() < 0.1:
            return rng.choice(["1.5", "null", "true", "-3", "1e30"])
        return _hcl_string("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 30))))
    if r < 0.7:
        return "[" + ", ".join(_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))) + "]"
    items = []
    for _ in range(rng.randint(0, 3)):
        key = _hcl_string("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 8))))
        items.append(f"{key} = {_random_value(rng, depth + 1)}")
    return "{" + ", ".join(items) + "}"


@pytest.mark.oracle
@pytest.mark.parametrize("seed", [1, 2])
def test_random_yamlencode_matches_terraform(seed: int, run_terraform: RunFn, run_sheath: RunFn, tmp_path: Path) -> None:
    rng = random.Random(seed)
    exprs = [f"yamlencode({_random_value(rng)})" for _ in range(60)]
    batch = "jsonencode([" + ", ".join(exprs) + "])\n"
    tf = run_terraform(["console"], cwd=tmp_path, stdin=batch)
    assert tf.returncode == 0, tf.stderr
    sh = run_sheath(["console"], cwd=tmp_path, stdin=batch)
    assert sh.returncode == 0, sh.stderr
    want = json.loads(json.loads(tf.stdout))
    got = json.loads(json.loads(sh.stdout))
    diffs = [f"{e}\n  terraform: {w!r}\n  sheath:    {g!r}" for e, w, g in zip(exprs, want, got) if w != g]
    assert not diffs, "\n".join(diffs[:5])
