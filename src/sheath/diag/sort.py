"""The order terraform prints diagnostics in (tfdiags' sort)."""

from __future__ import annotations

from typing import Iterable

from sheath.diag import Diagnostic, Severity


def _key(d: Diagnostic) -> tuple[int, int, int, str, int, int]:
    sev = 0 if d.severity is Severity.WARNING else 1
    s = d.subject
    if s is None:
        return (sev, 0, 0, "", 0, 0)
    return (sev, 1, s.filename.count("/"), s.filename, s.start.byte, s.end.byte)


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Warnings before errors (so a warning that gives an error its context comes first when
    stdout and stderr share a log); unpositioned first; then by file (fewer path segments
    first), the subject's start byte, then its end byte; otherwise in the order they came
    (terraform sorts with sort.Stable and defines no further order)."""
    return sorted(diags, key=_key)
