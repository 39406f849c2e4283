"""terraform's tfdiags ConsolidateWarnings(1), which every human view applies to what it shows."""

from __future__ import annotations

import dataclasses

from sheath.diag import Diagnostic, Severity


def consolidate_warnings(diags: list[Diagnostic]) -> list[Diagnostic]:
    """terraform's ConsolidateWarnings(1): warnings with a source location and the same
    summary are shown once, the first saying how many more there are elsewhere."""
    firsts: dict[str, int] = {}
    extra: dict[int, int] = {}
    out: list[Diagnostic] = []
    for d in diags:
        # check results are never consolidated (terraform marks them so)
        if (
            d.severity is not Severity.WARNING
            or d.subject is None
            or d.summary.startswith("Check block assertion")
            or d.extra.get("check_rule")
        ):
            out.append(d)
            continue
        i = firsts.get(d.summary)
        if i is None:
            firsts[d.summary] = len(out)
            out.append(d)
        else:
            extra[i] = extra.get(i, 0) + 1
    for i, n in extra.items():
        more = "(and one more similar warning elsewhere)" if n == 1 else f"(and {n} more similar warnings elsewhere)"
        d = out[i]
        out[i] = dataclasses.replace(d, detail=(d.detail + "\n\n" if d.detail else "") + more)
    return out
