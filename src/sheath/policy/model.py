"""Policies as data: rules, their enforcement levels, and what a check found."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable

from sheath.policy.planinput import PlanInput, PlannedResource, SourceLocation


class Level(enum.Enum):
    """How a failing rule is enforced."""

    ADVISORY = "advisory"  # a warning
    MANDATORY = "mandatory"  # the plan fails, apply refuses
    DISABLED = "disabled"  # never run


class Severity(enum.Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class Outcome(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # depends on values only known after apply: not reported


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message: str = ""


PASSED = Result(Outcome.PASSED)
UNDECIDED = Result(Outcome.UNKNOWN)


def failed(message: str) -> Result:
    return Result(Outcome.FAILED, message)


CheckFn = Callable[[PlannedResource, PlanInput], Result]


@dataclass(frozen=True)
class Rule:
    id: str  # sheath's id; the Checkov id where the rule has one
    title: str
    rationale: str
    fix: str
    severity: Severity
    resource_types: tuple[str, ...]
    check: CheckFn
    mode: str = "managed"
    checkov_id: str = ""
    trivy_id: str = ""
    pack: str = "aws"
    default_level: Level = Level.ADVISORY
    applies_to_deletes: bool = False  # checked on resources the plan deletes (their before values)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every id the rule answers to (in skips and settings)."""
        return tuple(i for i in (self.id, self.checkov_id, self.trivy_id) if i)


@dataclass(frozen=True)
class Skip:
    rule_id: str
    reason: str
    source: str  # "inline" | "ignore-file" | "settings"


@dataclass
class Finding:
    rule: Rule
    resource: PlannedResource
    message: str
    level: Level
    skipped: Skip | None = None

    @property
    def address(self) -> str:
        return self.resource.address

    @property
    def source(self) -> SourceLocation | None:
        return self.resource.source


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)  # failures, skipped ones included
    passed: int = 0
    checked_resources: int = 0

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.skipped is None and f.level is not Level.DISABLED]

    @property
    def mandatory_failures(self) -> list[Finding]:
        return [f for f in self.failures if f.level is Level.MANDATORY]

    @property
    def skipped(self) -> list[Finding]:
        return [f for f in self.findings if f.skipped is not None]
