"""Policies in Python: decorate a function and put its file in a policy directory.

    from sheath.policy.api import resource_policy

    @resource_policy("aws_s3_bucket", id="ORG_S3_NAMES", severity="MEDIUM", level="mandatory",
                     title="Bucket names start with the team prefix")
    def bucket_prefix(r):
        name = r.get("bucket")
        if name is None or name is r.unknown:
            return None                      # nothing to say (unknown until apply)
        if not name.startswith("team-"):
            return f"bucket {name} does not start with team-"
        return None                          # passes

The function receives each planned resource of the matching type(s) (``*`` wildcards
allowed): ``r.address``, ``r.type``, ``r.actions``, ``r.values``, ``r.get(attr, ...)``,
``r.unknown`` (the marker of values known only after apply). It returns None or True
when the resource passes, a message (or False) when it fails.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from sheath.policy.model import PASSED, UNDECIDED, Level, Result, Rule, Severity, failed
from sheath.policy.planinput import PlanInput, PlannedResource, Unknown

PolicyFn = Callable[[Any], Any]


@dataclass
class Collector:
    rules: list[Rule] = field(default_factory=list)


_active = threading.local()


@contextlib.contextmanager
def collecting(c: Collector) -> Iterator[Collector]:
    """Collect the policies that the policy files loaded in this block declare."""
    prev = getattr(_active, "collector", None)
    _active.collector = c
    try:
        yield c
    finally:
        _active.collector = prev


class ResourceView:
    """What a Python policy sees of one planned resource."""

    unknown = Unknown

    def __init__(self, r: PlannedResource) -> None:
        self._r = r
        self.address = r.address
        self.type = r.type
        self.name = r.name
        self.module_address = r.module_address
        self.actions = r.actions
        self.values = r.values

    def get(self, *path: Any) -> Any:
        return self._r.get(*path)


def resource_policy(
    *types: str,
    id: str,
    title: str = "",
    severity: str = "MEDIUM",
    level: str = "mandatory",
    fix: str = "",
) -> Callable[[PolicyFn], PolicyFn]:
    def register(fn: PolicyFn) -> PolicyFn:
        def check(r: PlannedResource, plan: PlanInput) -> Result:
            out = fn(ResourceView(r))
            if out is None or out is True:
                return PASSED
            if out is Unknown:
                return UNDECIDED
            return failed(str(out) if out is not False else "the policy failed")

        collector = getattr(_active, "collector", None)
        if collector is not None:
            collector.rules.append(
                Rule(
                    id=id,
                    title=title or (fn.__doc__ or fn.__name__).strip().splitlines()[0],
                    rationale=fn.__doc__ or "",
                    fix=fix or "See the policy's message.",
                    severity=Severity(severity.upper()),
                    resource_types=tuple(types),
                    check=check,
                    pack="custom",
                    default_level=Level(level),
                )
            )
        return fn

    return register
