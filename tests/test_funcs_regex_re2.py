"""regex, regexall and replace on a linear-time engine (issue 17: hostile input).

Patterns that make a backtracking engine take exponential time
(``^(a+)+$`` on 74 characters: centuries) return at once, as with
terraform's Go regexp. Every expected result below is what
`terraform console` (1.11.4) printed for the same expression.
"""

from __future__ import annotations

import pytest
from funcs_helpers import Err, check

from sheath.lang.funcs.re2 import compile_re2

A74 = "a" * 74

CASES: list[tuple[str, str | Err]] = [
    # catastrophic backtracking for Python's re; linear for RE2
    (f'regex("^(a+)+$", "{A74}")', f'[\n  "{A74}",\n]'),
    (f'regexall("^(a+)+$", "{"a" * 72}!")', "tolist([])"),
    (f'regex("(x+x+)+y", "{"x" * 56}y")', f'[\n  "{"x" * 56}",\n]'),
    (f'can(regex("(x+x+)+y", "{"x" * 5000}"))', "false"),
    # Unicode classes RE2 knows (not only a few scripts)
    ('regex("\\\\p{Gothic}+", "x𐌰𐌱y")', '"𐌰𐌱"'),
    ('regex("[\\\\p{Greek}\\\\d]+", "αβ12c")', '"αβ12"'),
    ('regex("[^\\\\PL]+", "1héllo2")', '"héllo"'),
    # empty matches step one character (not one byte) on
    ('regexall("x*", "héllo")', 'tolist([\n  "",\n  "",\n  "",\n  "",\n  "",\n  "",\n])'),
    ('replace("héllo", "/x*/", "-")', '"-h-é-l-l-o-"'),
    ('replace("héllo wörld", "/(?P<w>\\\\pL+)/", "<$w>")', '"<héllo> <wörld>"'),
    ('regexall("\\\\b", "ab cd")', 'tolist([\n  "",\n  "",\n  "",\n  "",\n])'),
    ('regexall("(?i)k", "\\u212a k K")', 'tolist([\n  "K",\n  "k",\n  "K",\n])'),
    (
        'regexall("(é)|(x)", "éxé")',
        'tolist([\n  [\n    "é",\n    tostring(null),\n  ],\n  [\n    tostring(null),\n    "x",\n  ],\n'
        '  [\n    "é",\n    tostring(null),\n  ],\n])',
    ),
    ('regex("(?P<x>a)(?P<x>b)", "ab")', '{\n  "x" = "b"\n}'),
    # errors keep Go's texts
    (
        'regex("((a{100}){100}){100}", "a")',
        Err("Invalid function argument", 'Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {100}.'),
    ),
    (
        'regex("\\\\C", "a")',
        Err("Invalid function argument", 'Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \\C.'),
    ),
    (
        'regex("\\\\p{Foo}", "a")',
        Err(
            "Invalid function argument",
            'Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \\p{Foo}.',
        ),
    ),
]


@pytest.mark.parametrize("expr,want", CASES, ids=[c[0][:60] for c in CASES])
def test_regex_like_terraform(expr: str, want: str | Err) -> None:
    check(expr, want)


def test_backtracking_patterns_on_long_input() -> None:
    """Nested quantifiers on 100,000 characters: a hang here is the bug this test catches."""
    text = "a" * 100_000 + "!"
    for pattern in ("^(a+)+$", "^(a|a)*$", "^(a|aa)+$", "^(.*a){20}$"):
        assert compile_re2(pattern).search(text) is None, pattern
    m = compile_re2("(.*a){20}!").search(text)
    assert m is not None and m.group(0) == text
    assert len(compile_re2("(a|aa)+?").find_all(text)) == 100_000


def test_lone_surrogates_do_not_break_matching() -> None:
    c = compile_re2("a.")
    m = c.search("xa\ud800")
    assert m is not None and m.group(0) == "a\ud800"
