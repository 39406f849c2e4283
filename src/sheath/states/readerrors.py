"""Why a state file cannot be read, in terraform's words (statefile.Read's diagnostics).

``load_problems(data)`` returns the (summary, detail) pairs terraform reports for
the common ways a state file is broken (not JSON or truncated, not an object,
no or an unsupported format version, a field of the wrong type, an unknown
resource mode), or None when the file is not broken in one of these ways.
``problems_error`` joins them as terraform's error strings do.
"""

from __future__ import annotations

import json
from typing import Any

UNSUPPORTED = "Unsupported state file format"
NO_VERSION = (
    UNSUPPORTED,
    'The state file does not have a "version" attribute, which is required to identify the format version.',
)


def _json_kind(x: Any) -> str:
    if isinstance(x, list):
        return "array"
    if isinstance(x, dict):
        return "object"
    if isinstance(x, str):
        return "string"
    if isinstance(x, bool):
        return "bool"
    if x is None:
        return "null"
    return "number"


def _syntax_offset(data: bytes, exc: json.JSONDecodeError) -> int:
    """The offset Go's encoding/json reports: the end of the input when it stops early,
    else one past the offending byte."""
    text = data.decode("utf-8", "replace")
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        return len(data)
    return len(text[: exc.pos].encode("utf-8")) + 1


def load_problems(
    data: bytes, terraform_version: str = "1.11.4"
) -> list[tuple[str, str]] | None:
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        return [
            (
                UNSUPPORTED,
                f"The state file could not be parsed as JSON: syntax error at byte offset {_syntax_offset(data, exc)}.",
            ),
            NO_VERSION,
        ]
    except UnicodeDecodeError:
        return None
    if not isinstance(doc, dict):
        return [
            (
                UNSUPPORTED,
                f"The version in the state file is {_json_kind(doc)}. A positive whole number is required.",
            ),
            NO_VERSION,
        ]
    if "version" not in doc:
        return [NO_VERSION]
    version = doc["version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > 4:
        detail = (
            f"The state file uses format version {version}, which is not supported by Terraform "
            f"{terraform_version}. This state file may have been created by a newer version of Terraform."
        )
        return [(UNSUPPORTED, detail)]
    if version != 4:
        return None
    for field in ("serial",):
        if field in doc and not (
            isinstance(doc[field], int) and not isinstance(doc[field], bool)
        ):
            return [
                (
                    "Invalid state file format",
                    f'The state file field "{field}" has invalid value {_json_kind(doc[field])}',
                )
            ]
    for r in doc.get("resources") or []:
        if isinstance(r, dict) and r.get("mode") not in ("managed", "data"):
            mode = r.get("mode")
            detail = (
                f'State contains a resource with mode "{mode if isinstance(mode, str) else ""}" '
                f'("{r.get("type", "")}" "{r.get("name", "")}") which is not supported.'
            )
            return [("Invalid resource mode in state", detail)]
    return None


def problems_error(problems: list[tuple[str, str]]) -> str:
    """tfdiags' error string: "summary: detail", or "N problems:" and a list."""
    if len(problems) == 1:
        s, d = problems[0]
        return f"{s}: {d}"
    return f"{len(problems)} problems:\n\n" + "\n".join(
        f"- {s}: {d}" for s, d in problems
    )


__all__ = ["load_problems", "problems_error"]
