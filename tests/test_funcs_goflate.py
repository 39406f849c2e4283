"""goflate: gzip output byte-identical to terraform's base64gzip (Go compress/gzip).

The differential tests feed the same inputs to terraform and to sheath; inputs
are built with terraform expressions so both sides see exactly the same string.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheath.lang.funcs.goflate import deflate, gzip_compress

# Inputs for the differential tests: empty, tiny, match-length edges, text,
# JSON/YAML documents, unicode, hex (literal-heavy, many 16384-token blocks),
# highly repetitive data and inputs longer than Go's 64 KiB window buffer.
INPUTS = [
    '""',
    '" "',
    '"a"',
    '"ab"',
    '"abc"',
    '"abcd"',
    '"aaaa"',
    '"aaaaa"',
    '"abcdabcd"',
    '"hello world"',
    '"hello hello hello hello"',
    'join("", [for i in range(10): "a"])',
    'join("", [for i in range(258): "a"])',
    'join("", [for i in range(259): "a"])',
    'join("", [for i in range(262): "a"])',
    'join("", [for i in range(263): "a"])',
    'join("", [for i in range(1000): "a"])',
    'join("", [for i in range(100): join("", [for j in range(1000): "a"])])',
    'join("", [for i in range(66): join("", [for j in range(1000): "a"])])',
    'join("", [for i in range(65): join("", [for j in range(1008): "b"])])',
    'join("", [for i in range(10): join("", [for j in range(1000): "abcdefghij"])])',
    'join("", [for i in range(500): "line ${i}\\n"])',
    'join("", [for i in range(15): join("", [for j in range(1000): "line ${i * 1000 + j}\\n"])])',
    'join("\\n", [for i in range(1000): "#!/bin/bash\\necho ${i} >> /var/log/cloud-init-${i % 13}.log"])',
    'join("\\n", [for i in range(40): "#cloud-config line ${i}: runcmd echo ${sha256("${i}")}"])',
    'join("", [for i in range(200): sha256("${i}")])',
    'join("", [for i in range(1000): sha256("${i}")])',
    'join("", [for i in range(2): join("", [for j in range(1000): sha256("${i}-${j}")])])',
    'join("", [for i in range(3): join("", [for j in range(1000): sha256("${i}-${j}")])])',
    'join("", [for i in range(3): join("", [for j in range(1000): sha512("${i}-${j}")])])',
    'join("", [for i in range(30): join(",", [for j in range(1000): "${(i * 7919 + j * 104729) % 1000}"])])',
    'join("", [for i in range(3): join("", [for j in range(1000): "${sha256("${j}")}${i}${j % 17}"])])',
    'join("", [for i in range(20): join("", [for j in range(1000): "${j % 3 == 0 ? "x" : "y"}${j % 11}"])])',
    'join("", [for i in range(40): join("", [for j in range(1000): substr(sha256("${i}${j}"), 0, j % 5 + 1)])])',
    'join("", [for i in range(30): join(" ", [for j in range(1000): "w${(i * j) % 97}"])])',
    'join("", [for i in range(1000): "héllo wörld ☃ ${i} "])',
    'join("", [for i in range(1000): "ünïcödé ☃ 😀 ${i % 10} "])',
    'join("", [for i in range(1000): "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ${sha256("${i}")}"])',
    'jsonencode({for i in range(300): "key${i}" => {name = "n${i}", tags = ["a", "b${i % 7}"]}})',
    'jsonencode([for i in range(1000): {id = i, name = "resource-${i}", enabled = i % 2 == 0, cidr = "10.${i % 256}.0.0/16"}])',
    'yamlencode({for i in range(500): "k${i}" => ["v${i}", i, i * 2]})',
    'join("", [for i in range(16): join("", [for j in range(1024): format("%02x", (j * 31 + i) % 256)])])',
    # Pseudo-random sequences over small vocabularies (long hash chains, lazy-match ties).
    'join("", [for i in range(3): join("", [for j in range(1000): element(["a", "b", "ab", "ba", "aaa"], parseint(substr(sha256("v1-${i}-${j}"), 0, 2), 16) % 5)])])',
    'join("", [for i in range(10): join("", [for j in range(1000): element(["the ", "quick ", "brown ", "fox ", "${j % 50}", "\\t", "é", "☃"], parseint(substr(sha256("v2-${i}-${j}"), 0, 2), 16) % 8)])])',
    'join("", [for i in range(3): join("", [for j in range(300): element(["foo", "bar", "baz ", "\\n", "qux${j}"], parseint(substr(sha256("v3-${i}-${j}"), 0, 2), 16) % 5)])])',
]


def _console_json(run, cwd: Path, expr: str) -> object:
    proc = run(["console"], cwd, stdin=expr + "\n", timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(json.loads(proc.stdout))


def test_inputs_are_many_and_distinct() -> None:
    assert len(set(INPUTS)) == len(INPUTS) >= 40


def test_goflate_matches_terraform(run_terraform, tmp_path: Path) -> None:
    """In-process compressor vs terraform, on terraform-built inputs."""
    expr = "jsonencode([" + ", ".join(f"[base64encode({e}), base64gzip({e})]" for e in INPUTS) + "])"
    pairs = _console_json(run_terraform, tmp_path, expr)
    assert isinstance(pairs, list) and len(pairs) == len(INPUTS)
    mismatches = []
    for e, (raw_b64, want) in zip(INPUTS, pairs):
        got = base64.b64encode(gzip_compress(base64.b64decode(raw_b64))).decode()
        if got != want:
            mismatches.append(e)
    assert mismatches == []


def test_sheath_console_base64gzip_matches_terraform(run_terraform, run_sheath, tmp_path: Path) -> None:
    """End to end: the base64gzip function as the language sees it."""
    expr = "jsonencode([" + ", ".join(f"base64gzip({e})" for e in INPUTS) + "])"
    want = _console_json(run_terraform, tmp_path, expr)
    got = _console_json(run_sheath, tmp_path, expr)
    assert isinstance(want, list) and isinstance(got, list) and len(want) == len(INPUTS)
    assert [e for e, a, b in zip(INPUTS, got, want) if a != b] == []


# Vectors recorded from terraform 1.11.4 (no oracle needed).
@pytest.mark.parametrize(
    ("data", "expected_b64"),
    [
        (b"", "H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA=="),
        (b"a", "H4sIAAAAAAAA/0oEAAAA//8BAAD//0O+t+gBAAAA"),
        (b"hello hello hello hello", "H4sIAAAAAAAA/8pIzcnJV8AgAQAAAP//AQAA///jUT2NFwAAAA=="),
        (b"a" * 1000, "H4sIAAAAAAAA/0ocBaNgFAx7AAAAAP//AQAA//8D2jia6AMAAA=="),
    ],
)
def test_recorded_vectors(data: bytes, expected_b64: str) -> None:
    assert base64.b64encode(gzip_compress(data)).decode() == expected_b64


@pytest.mark.parametrize(
    ("data", "sha256_of_b64"),
    [
        (
            "".join(f"line {n}\n" for n in range(15000)).encode(),
            "ec25e0a63e8237a8e9365d392152c8e954979cdfa3f90e728741a5de5acfcba0",
        ),
        (b"a" * 100000, "1e31436b84bc65c449ed6360a46d31fd2eb97d445b1e2021763d4f011648aa69"),
        (
            "".join(hashlib.sha256(f"{i}-{j}".encode()).hexdigest() for i in range(3) for j in range(1000)).encode(),
            "e732be20b16037eb19002887ab438c9fa2f43aa7a9997ca0f70cfa9687e50384",
        ),
    ],
)
def test_recorded_large_vectors(data: bytes, sha256_of_b64: str) -> None:
    b64 = base64.b64encode(gzip_compress(data))
    assert hashlib.sha256(b64).hexdigest() == sha256_of_b64


def test_gzip_framing() -> None:
    out = gzip_compress(b"xyz")
    assert out[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    # Flush leaves an empty non-final stored block, Close an empty final one.
    assert out[-18:-8] == b"\x00\x00\x00\xff\xff\x01\x00\x00\xff\xff"
    assert deflate(b"") == b"\x00\x00\x00\xff\xff\x01\x00\x00\xff\xff"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_round_trip_binary(data: bytes) -> None:
    assert gzip.decompress(gzip_compress(data)) == data


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"ab", b"abc", b"\x00", b"xyz" * 50, b"\xff\xfe"]), max_size=3000))
def test_round_trip_repetitive(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert gzip.decompress(gzip_compress(data)) == data


def test_round_trip_incompressible_uses_stored_blocks() -> None:
    # Pseudo-random bytes: stored blocks win; data crosses several 64 KiB windows.
    data = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(8000))
    out = gzip_compress(data)
    assert gzip.decompress(out) == data
    assert len(out) < len(data) + 200
