"""Policies as a plan check: what the operation runner calls with every plan it makes.

A plan check is a function of the plan (and the working directory it was made in) that
returns diagnostics and a report; errors stop the apply. ``policy_check`` evaluates the
built-in pack, the policy directories given, the settings and skips of the working
directory and the blast-radius limits, exactly as ``sheath policy check`` does on a saved
plan.
"""

from __future__ import annotations

import hashlib
import json

import orjson
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

from sheath.diag import Diagnostics
from sheath.plans.model import Plan


@dataclass
class CheckResult:
    name: str
    # everything the check found (errors refuse the apply), as a machine-readable view reports it
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    report: Any = None
    # how a human view shows it: a text after the plan (given color or not), and the
    # diagnostics it still reports beside that text (None: all of them)
    text: Callable[[bool], str] | None = None
    text_diagnostics: Diagnostics | None = None

    @property
    def refused(self) -> bool:
        return self.diagnostics.has_errors()

    def human_diagnostics(self) -> Diagnostics:
        return self.diagnostics if self.text_diagnostics is None else self.text_diagnostics


class PlanContext(Protocol):
    """Where a plan was made: the root module's directory and its configuration (an
    engine Session is one)."""

    @property
    def root_dir(self) -> str: ...

    @property
    def config(self) -> Any: ...


@dataclass(frozen=True)
class CheckContext:
    root_dir: str = "."
    config: Any = None


PlanCheck = Callable[[Plan, PlanContext], CheckResult]


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan's JSON representation (terraform's format), as policies read it."""
    from sheath.plans.jsonplan import plan_to_json

    return plan_to_json(plan)


def plan_hash(plan: Plan) -> str:
    """A stable digest of what the plan will do (its JSON representation, timestamp left out)."""
    doc = dict(plan_document(plan))
    doc.pop("timestamp", None)
    try:
        data = orjson.dumps(doc, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits (numbers are arbitrary precision)
        data = json.dumps(doc, sort_keys=True, default=str).encode()
    return hashlib.sha256(data).hexdigest()


def policy_check(policy_dirs: Sequence[str] = (), allow_destroy: Sequence[str] = ()) -> PlanCheck:
    """The policy gate (sheath.policy.gate) as a plan check with its full report: the
    built-in pack, the policy directories given, the working directory's settings, skips
    and limits — what the Python API, show -markdown and the ui report."""
    from sheath.policy.gate import GateOptions, gate_check

    return gate_check(GateOptions(True, tuple(policy_dirs), tuple(allow_destroy)), full_report=True)
