"""Addresses as test files write them."""

from __future__ import annotations

from sheath.lang import hcl


def traversal_address(t: hcl.Traversal) -> str:
    """The address a static traversal spells: var.n, aws_instance.a[0], module.m.x."""
    from sheath.addrs.parse import steps_from_traversal

    out = ""
    for s in steps_from_traversal(t):
        if s.kind == "name":
            out += ("." if out else "") + str(s.value)
        elif s.kind == "index":
            out += f'["{s.value}"]' if isinstance(s.value, str) else f"[{s.value}]"
    return out
