"""Version constraints with terraform's syntax (go-version semantics)."""

from __future__ import annotations

import pytest

from sheath.config.versions import parse_constraints, parse_version


@pytest.mark.parametrize(
    "constraint,version,ok",
    [
        (">= 1.2, < 2.0", "1.11.4", True),
        (">= 1.2, < 1.11", "1.11.4", False),
        ("~> 1.5", "1.11.4", True),
        ("~> 1.5", "2.0.0", False),
        ("~> 1.11.0", "1.11.4", True),
        ("~> 1.10.0", "1.11.4", False),
        ("~> 1", "1.99.0", True),
        ("!= 1.11.4", "1.11.4", False),
        ("1.11.4", "1.11.4", True),
        ("= 1.11", "1.11.4", False),
        ("= 1.11", "1.11.0", True),
        ("> 1.11.4", "1.11.4", False),
        ("<= 1.11.4", "1.11.4", True),
        ("v1.11.4", "1.11.4", True),
        (">= 1.0.0-beta", "1.11.4", True),
        (">= 1.11.4-beta1", "1.11.4-beta2", True),
        (">= 1.0", "1.11.4-beta2", False),
        (">=1.0,<2", "1.5.0", True),
        ("1.2.3.4", "1.11.4", False),
        ("> 1.11.3.9", "1.11.4", True),
    ],
)
def test_check(constraint: str, version: str, ok: bool) -> None:
    c = parse_constraints(constraint)
    assert c is not None
    assert c.check(version) is ok


@pytest.mark.parametrize("bad", ["banana", ">= ", "=> 1.0", "", ">= 1.0,", "1.x"])
def test_invalid(bad: str) -> None:
    assert parse_constraints(bad) is None


def test_version_ordering() -> None:
    a, b, c = parse_version("1.2.0-alpha"), parse_version("1.2.0"), parse_version("1.10.0")
    assert a is not None and b is not None and c is not None
    assert a.compare(b) < 0 < c.compare(b)
    assert str(parse_version("v1.2")) == "1.2.0"
