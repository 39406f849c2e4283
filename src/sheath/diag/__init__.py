"""Diagnostics: errors and warnings as values, each with an optional source range.

Functions return diagnostics alongside results; callers accumulate them so one
run reports every error it can find. Exceptions are reserved for bugs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterable


@dataclass(frozen=True, slots=True)
class Pos:
    """A position in a source file. line and column are 1-based; byte is 0-based.

    column counts Unicode characters (grapheme-ish, like HCL), byte counts bytes.
    """

    line: int = 1
    column: int = 1
    byte: int = 0


@dataclass(frozen=True, slots=True)
class Range:
    """A half-open range [start, end) in one source file."""

    filename: str
    start: Pos
    end: Pos

    def __str__(self) -> str:
        return f"{self.filename}:{self.start.line},{self.start.column}-{self.end.line},{self.end.column}"

    @staticmethod
    def between(a: "Range", b: "Range") -> "Range":
        """The range that covers a and b (which must be in the same file)."""
        fast = getattr(a, "between_same", None)
        if fast is not None:
            r: Range = fast(b)
            return r
        start = a.start if a.start.byte <= b.start.byte else b.start
        end = a.end if a.end.byte >= b.end.byte else b.end
        return Range(a.filename, start, end)

    def contains(self, pos: Pos) -> bool:
        return self.start.byte <= pos.byte < self.end.byte


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(slots=True)
class Diagnostic:
    """One problem found in the user's input.

    subject: the range the problem is about (underlined in output).
    context: an optional wider range (e.g. the whole expression).
    expression_values: optional list of (traversal-string, rendered-value) pairs
      terraform prints as "├────────────────\\n│ var.x is ...".
    """

    severity: Severity
    summary: str
    detail: str = ""
    subject: Range | None = None
    context: Range | None = None
    expression_values: list[tuple[str, str]] = field(default_factory=list)
    # Extra information for machine consumers (e.g. "address", "attribute path").
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(summary: str, detail: str = "", subject: Range | None = None, context: Range | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, summary, detail, subject, context)


def warning(summary: str, detail: str = "", subject: Range | None = None, context: Range | None = None) -> Diagnostic:
    return Diagnostic(Severity.WARNING, summary, detail, subject, context)


class Diagnostics(list[Diagnostic]):
    """An ordered collection of diagnostics."""

    def __init__(self, items: Iterable[Diagnostic] = ()) -> None:
        super().__init__(items)

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self)

    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.severity is Severity.ERROR]

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self if d.severity is Severity.WARNING]

    def add_error(self, summary: str, detail: str = "", subject: Range | None = None, context: Range | None = None) -> None:
        self.append(error(summary, detail, subject, context))

    def add_warning(self, summary: str, detail: str = "", subject: Range | None = None) -> None:
        self.append(warning(summary, detail, subject))


class DiagnosticsError(Exception):
    """Carries diagnostics up through code that cannot return them (e.g. deep recursion).

    Catch at a layer boundary and merge into the caller's Diagnostics.
    """

    def __init__(self, diags: Iterable[Diagnostic]) -> None:
        self.diags = Diagnostics(diags)
        super().__init__("; ".join(d.summary for d in self.diags))


__all__ = [
    "Pos",
    "Range",
    "Severity",
    "Diagnostic",
    "Diagnostics",
    "DiagnosticsError",
    "error",
    "warning",
]
