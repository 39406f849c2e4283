"""Running a stack file and synthesizing terraform's JSON configuration syntax from it.

run_stack(filename, src) executes the file in a fresh namespace with a Stack as the
current collector; errors become diagnostics at the stack file's line.
stack_hcl_file(stack, src) is the stack as an hcl.File of the JSON syntax whose every
range is the line of the stack file the block was declared at, so diagnostics about a
block point at Python. json_document(stacks) is the JSON a .tf.json file holds.
"""

from __future__ import annotations

import builtins
import json
import os
import traceback
from collections.abc import Iterable
from typing import Any

from sheath.config.loader import is_stack_file as is_stack_file
from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.lang import hcl
from sheath.lang.hcljson.body import JSONBody
from sheath.lang.hcljson.parser import JSONArray, JSONNode, JSONObject, parse_value
from sheath.stack.importpath import stack_import_path
from sheath.stack.model import CURRENT_STACK, Declaration, Stack, StackError, UnknownValueError


def line_ranges(filename: str, src: bytes) -> list[Range]:
    """The range of each line of src (without its line break and leading blanks)."""
    out: list[Range] = []
    start = 0
    for number, raw in enumerate(src.split(b"\n"), 1):
        text = raw.rstrip(b"\r")
        stripped = len(text) - len(text.lstrip())
        width = len(text.decode("utf-8", "replace"))
        out.append(Range(filename, Pos(number, stripped + 1, start + stripped), Pos(number, width + 1, start + len(text))))
        start += len(raw) + 1
    return out


def line_range(filename: str, src: bytes, line: int) -> Range:
    """The range of one line of src (without its line break and leading blanks)."""
    lines = line_ranges(filename, src)
    return lines[max(1, min(line, len(lines))) - 1]


def _error_line(exc: BaseException, filename: str) -> int:
    if isinstance(exc, SyntaxError) and exc.filename == filename and exc.lineno:
        return exc.lineno
    line = 1
    for fs in traceback.extract_tb(exc.__traceback__):
        if fs.filename == filename and fs.lineno:
            line = fs.lineno
    return line


def run_stack(filename: str, src: bytes) -> tuple[Stack | None, Diagnostics]:
    """Execute a stack file; its declarations, or an error diagnostic at its line."""
    diags = Diagnostics()
    stack = Stack(filename)
    namespace: dict[str, Any] = {"__name__": "__sheath_stack__", "__file__": filename, "__builtins__": builtins}
    token = CURRENT_STACK.set(stack)
    try:
        code = compile(src, filename, "exec")
        with stack_import_path(os.path.dirname(filename) or "."):
            exec(code, namespace)  # noqa: S102 - running the stack file is what a stack is
    except UnknownValueError as exc:
        diags.append(Diagnostic(Severity.ERROR, "Value not known while the stack is built", str(exc), line_range(filename, src, _error_line(exc, filename))))
        return None, diags
    except StackError as exc:
        diags.append(Diagnostic(Severity.ERROR, "Invalid stack declaration", str(exc), line_range(filename, src, _error_line(exc, filename))))
        return None, diags
    except SyntaxError as exc:
        diags.append(Diagnostic(Severity.ERROR, "Python syntax error in stack", f"{exc.msg}.", line_range(filename, src, _error_line(exc, filename))))
        return None, diags
    except Exception as exc:  # noqa: BLE001 - any failure of user code is a diagnostic
        diags.append(
            Diagnostic(
                Severity.ERROR,
                "Error running Python stack",
                f"{type(exc).__name__}: {exc}",
                line_range(filename, src, _error_line(exc, filename)),
            )
        )
        return None, diags
    finally:
        CURRENT_STACK.reset(token)
    return stack, diags


def block_json(d: Declaration) -> dict[str, Any]:
    """One declaration as a JSON-syntax object holding just that block."""
    if d.block_type in ("locals", "terraform"):
        return {d.block_type: d.body}
    inner: Any = d.body
    for label in reversed(d.labels):
        inner = {label: inner}
    return {d.block_type: inner}


def json_document(stacks: Iterable[Stack]) -> dict[str, Any]:
    """The declarations of stacks as one .tf.json document (blocks grouped by type)."""
    doc: dict[str, Any] = {}
    for stack in stacks:
        for d in stack.declarations:
            if d.block_type == "locals":
                doc.setdefault("locals", {}).update(d.body)
            elif not d.labels:  # terraform, moved, import: blocks without labels
                doc.setdefault(d.block_type, []).append(d.body)
            elif d.block_type == "provider":
                doc.setdefault("provider", {}).setdefault(d.labels[0], []).append(d.body)
            else:
                node = doc.setdefault(d.block_type, {})
                for label in d.labels[:-1]:
                    node = node.setdefault(label, {})
                node[d.labels[-1]] = d.body
    return doc


def _remap(node: JSONNode, r: Range) -> None:
    """Set every range of a parsed JSON value to r (the Python line of its block)."""
    if isinstance(node, JSONObject):
        node.range, node.open_range, node.close_range = r, r, r
        for a in node.attrs:
            a.name_range = r
            _remap(a.value, r)
    elif isinstance(node, JSONArray):
        node.range, node.open_range = r, r
        for v in node.values:
            _remap(v, r)
    else:
        node.range = r


def stack_hcl_file(stack: Stack, src: bytes) -> tuple[hcl.File, Diagnostics]:
    """The stack as a JSON-syntax hcl.File whose ranges are the stack file's lines."""
    diags = Diagnostics()
    text = ("[" + ",".join(json.dumps(block_json(d), ensure_ascii=False) for d in stack.declarations) + "]").encode()
    node, d2 = parse_value(text, stack.filename)
    lines = line_ranges(stack.filename, src)
    objects: list[JSONNode] = []
    if isinstance(node, JSONArray) and len(node.values) == len(stack.declarations):
        for d, value in zip(stack.declarations, node.values):
            _remap(value, lines[max(0, min(d.line, len(lines)) - 1)])
            objects.append(value)
    else:  # not reached: json.dumps writes valid JSON
        for diag in d2:
            diags.append(Diagnostic(diag.severity, diag.summary, diag.detail, lines[0]))
    root = JSONArray(objects, lines[0], lines[0])
    return hcl.File(stack.filename, JSONBody(root), src), diags
