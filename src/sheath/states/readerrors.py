"""Why a state file cannot be read, in terraform's words (statefile.Read's diagnostics).

``load_problems(data)`` returns the (summary, detail) pairs terraform reports for
the common ways a state file is broken (not JSON or truncated, a byte-order
mark, not an object, no or an unsupported format version, a field of the wrong
type or out of range such as a negative serial, an unknown resource mode, a
resource instance recorded twice), or None when the file is not broken in one
of these ways.
``problems_error`` joins them as terraform's error strings do.
"""

from __future__ import annotations

import json
from typing import Any
from sheath import TERRAFORM_VERSION

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


BOM = b"\xef\xbb\xbf"
MAX_SERIAL = 2**64 - 1  # terraform's serial is a uint64


class _IntLit(int):
    """An integer that remembers how the file wrote it (Go quotes the literal)."""

    text: str

    def __new__(cls, text: str) -> "_IntLit":
        v = super().__new__(cls, int(text))
        v.text = text
        return v


class _FloatLit(float):
    text: str

    def __new__(cls, text: str) -> "_FloatLit":
        v = super().__new__(cls, float(text))
        v.text = text
        return v


def _field_problem(doc: dict[str, Any]) -> tuple[str, str] | None:
    """The first top-level field (in file order) that does not decode into terraform's
    stateV4 struct: serial is a uint64, lineage and terraform_version are strings."""
    for key, v in doc.items():
        if v is None or key not in ("serial", "lineage", "terraform_version"):
            continue
        if key == "serial":
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_SERIAL:
                continue
            kind = f"number {getattr(v, 'text', v)}" if _json_kind(v) == "number" else _json_kind(v)
        elif isinstance(v, str):
            continue
        else:
            kind = _json_kind(v)
        return ("Invalid state file format", f'The state file field "{key}" has invalid value {kind}')
    return None


def _instance_address(module: str, mode: str, type_: str, name: str, key: Any) -> str:
    addr = ("data." if mode == "data" else "") + f"{type_}.{name}"
    if module:
        addr = f"{module}.{addr}"
    if isinstance(key, str):
        addr += f"[{json.dumps(key, ensure_ascii=False)}]"
    elif isinstance(key, int) and not isinstance(key, bool):
        addr += f"[{key}]"
    return addr


def _duplicate_problem(resources: list[Any]) -> tuple[str, str] | None:
    """terraform's check that each instance's current object, and each deposed object, is
    recorded once (resources listed twice are merged, so their instances count together)."""
    seen: set[tuple[Any, ...]] = set()
    for r in resources:
        if not isinstance(r, dict) or not isinstance(r.get("instances"), list):
            continue
        base = (r.get("module") or "", r.get("mode"), r.get("type"), r.get("name"))
        for inst in r["instances"]:
            if not isinstance(inst, dict):
                continue
            key = inst.get("index_key")
            deposed = inst.get("deposed") or ""
            ident = (*base, json.dumps(key), deposed)
            if ident not in seen:
                seen.add(ident)
                continue
            addr = _instance_address(str(base[0]), str(base[1]), str(base[2]), str(base[3]), key)
            if deposed:
                detail = f"Instance {addr} deposed object {json.dumps(deposed)} appears multiple times in the state file."
            else:
                detail = f"Instance {addr} appears multiple times in the state file."
            return ("Duplicate resource instance in state", detail)
    return None


def load_problems(
    data: bytes, terraform_version: str = TERRAFORM_VERSION
) -> list[tuple[str, str]] | None:
    if data.startswith(BOM):
        # Go's JSON decoder does not skip a byte-order mark: the first byte is a syntax error
        return [
            (UNSUPPORTED, "The state file could not be parsed as JSON: syntax error at byte offset 1."),
            NO_VERSION,
        ]
    try:
        doc = json.loads(data, parse_int=_IntLit, parse_float=_FloatLit)
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
    problem = _field_problem(doc)
    if problem is not None:
        return [problem]
    resources = doc.get("resources") or []
    for r in resources if isinstance(resources, list) else []:
        if isinstance(r, dict) and r.get("mode") not in ("managed", "data"):
            mode = r.get("mode")
            detail = (
                f'State contains a resource with mode "{mode if isinstance(mode, str) else ""}" '
                f'("{r.get("type", "")}" "{r.get("name", "")}") which is not supported.'
            )
            return [("Invalid resource mode in state", detail)]
    dup = _duplicate_problem(resources) if isinstance(resources, list) else None
    if dup is not None:
        return [dup]
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
