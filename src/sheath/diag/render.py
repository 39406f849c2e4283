"""Render diagnostics exactly as terraform's human-readable CLI output does.

Two modes, chosen by the caller (terraform picks colour unless ``-no-color``,
whether or not the stream is a terminal):

* colour: the message is framed by a left rule (``╷ │ ╵``) with ANSI colour
  codes, the subject is underlined in the source snippet;
* plain: no escape codes, no frame.

``render_diagnostic`` returns the complete text terraform writes for one
diagnostic (including the trailing newline its UI layer adds), so callers just
write it to the right stream (errors: stderr; warnings: the UI's output stream).

Width: terraform wraps detail paragraphs to the error stream's width (78 when
it is not a terminal): at ``width - 1`` columns in plain mode and ``width - 3``
in colour mode (room for the rule). Lines of detail starting with a space are
never wrapped.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import Callable, Mapping

from sheath.diag import Diagnostic, Severity
from sheath.goquote import go_quote as _go_quote

# ANSI sequences terraform's colorstring produces.
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_UNDERLINE = "\x1b[4m"
_RED = "\x1b[31m"
_YELLOW = "\x1b[33m"
_DARK_GRAY = "\x1b[90m"

_VALUES_RULE = "├────────────────"

# A resolver from (filename, source bytes, byte offset) to the "in <context>"
# string (the header of the top-level block containing the offset).
ContextResolver = Callable[[str, bytes, int], str]


def word_wrap(s: str, lim: int) -> str:
    """Wrap s at whitespace so lines are at most lim characters where possible.

    Same algorithm as the word wrapper terraform uses (a word longer than the
    limit is never broken; breaks replace the spaces before a word).
    """
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for ch in s:
        if ch == "\n":
            if not word:
                if current + len(space) <= lim:
                    out.extend(space)
            else:
                out.extend(space)
                out.extend(word)
                word = []
            space = []
            out.append(ch)
            current = 0
        elif ch.isspace() and ch != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out.extend(space)
                out.extend(word)
                space = []
                word = []
            space.append(ch)
        else:
            word.append(ch)
            if current + len(space) + len(word) > lim and len(word) < lim:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= lim:
            out.extend(space)
    else:
        out.extend(space)
        out.extend(word)
    return "".join(out)


def _scan_lines(text: str) -> list[str]:
    """Split like Go's bufio.ScanLines: no empty token after a final newline."""
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]


def default_context(filename: str, src: bytes, offset: int) -> str:
    """The header of the top-level block containing offset (native syntax), or
    the path of the JSON objects containing it (JSON syntax).

    The file is parsed once, not once per diagnostic: a file of garbage that
    yields thousands of diagnostics costs one parse here."""
    if filename.endswith(".json"):
        return _json_context(filename, src, offset)
    blocks = _block_headers(filename, src)
    i = bisect.bisect_right(blocks, offset, key=lambda b: b[0]) - 1
    if i >= 0:
        start, end, header = blocks[i]
        if start <= offset < end:
            return header
    return ""


@lru_cache(maxsize=16)
def _block_headers(filename: str, src: bytes) -> list[tuple[int, int, str]]:
    """(start byte, end byte, "type \"label\"...") of each top-level block, in order."""
    try:
        from sheath.lang.hclsyntax.parser import parse_config
    except ImportError:
        return []
    out: list[tuple[int, int, str]] = []
    try:
        parsed = parse_config(src, filename)
        file = parsed[0] if isinstance(parsed, tuple) else parsed
        blocks = getattr(file.body, "blocks", None)
        if blocks is None:
            return []
        for block in blocks:
            rng = getattr(block, "range", None)
            if rng is None:
                continue
            labels = list(getattr(block, "labels", []))
            header = str(block.type) if not labels else block.type + " " + " ".join(_go_quote(str(lbl)) for lbl in labels)
            out.append((rng.start.byte, rng.end.byte, header))
    except Exception:  # a broken file only loses the context string
        return []
    # the first block containing an offset wins, as in a linear scan
    out.sort(key=lambda b: b[0])
    return out


@lru_cache(maxsize=16)
def _json_root(filename: str, src: bytes) -> object | None:
    try:
        from sheath.lang.hcljson.parser import parse_value

        root, _ = parse_value(src, filename)
    except Exception:
        return None
    return root


def _json_context(filename: str, src: bytes, offset: int) -> str:
    """hcl's JSON context string: the path of nested objects/arrays containing offset."""
    from sheath.lang.hcljson.parser import JSONArray, JSONObject

    root = _json_root(filename, src)
    if root is None:
        return ""
    steps: list[str] = []
    node: object = root
    while True:
        nxt: object | None = None
        if isinstance(node, JSONObject):
            for attr in node.attrs:
                v = attr.value
                if isinstance(v, (JSONObject, JSONArray)) and v.range.start.byte <= offset < v.range.end.byte:
                    steps.append("." + attr.name)
                    nxt = v
                    break
        elif isinstance(node, JSONArray):
            for i, v in enumerate(node.values):
                if isinstance(v, (JSONObject, JSONArray)) and v.range.start.byte <= offset < v.range.end.byte:
                    steps.append(f"[{i}]")
                    nxt = v
                    break
        if nxt is None:
            break
        node = nxt
    ret = "".join(steps)
    return ret[1:] if ret.startswith(".") else ret


class Snippet:
    """The source lines of a diagnostic and the highlighted part of them (bytes offsets into code)."""

    __slots__ = ("code", "start_line", "hl_start", "hl_end", "context")

    def __init__(self, code: bytes, start_line: int, hl_start: int, hl_end: int, context: str) -> None:
        self.code = code
        self.start_line = start_line
        self.hl_start = hl_start
        self.hl_end = hl_end
        self.context = context


@lru_cache(maxsize=16)
def _line_ranges(src: bytes) -> tuple[list[int], list[int], list[int]]:
    """Per line: starts, ends of content and ends of the line's range including its newline.

    Like hcl's range scanner over bufio.ScanLines: a line's range covers the
    bytes consumed (newline included); its text excludes the line ending.
    """
    starts: list[int] = []
    ends: list[int] = []
    range_ends: list[int] = []
    pos = 0
    n = len(src)
    while pos < n:
        nl = src.find(b"\n", pos)
        if nl < 0:
            starts.append(pos)
            ends.append(n)
            range_ends.append(n)
            break
        end = nl
        if end > pos and src[end - 1 : end] == b"\r":
            end -= 1
        starts.append(pos)
        ends.append(end)
        range_ends.append(nl + 1)
        pos = nl + 1
    return starts, ends, range_ends


def build_snippet(d: Diagnostic, src: bytes, resolve_context: ContextResolver) -> Snippet:
    """The snippet terraform shows for d's subject in src."""
    assert d.subject is not None
    hl = d.subject
    hl_start, hl_end = hl.start.byte, hl.end.byte
    if hl_end < hl_start:  # a subject without a proper end
        hl_end = hl_start
    snip_start, snip_end = hl_start, hl_end
    snip_start_line = hl.start.line
    ctx = d.context
    if ctx is not None and ctx.filename == hl.filename:
        snip_start, snip_end = ctx.start.byte, ctx.end.byte
        snip_start_line = ctx.start.line
    # The snippet always covers the highlight.
    if hl_start < snip_start:
        snip_start = hl_start
        snip_start_line = hl.start.line
    snip_end = max(snip_end, hl_end)
    if snip_end == snip_start:
        snip_end += 1
    if hl_end == hl_start:
        hl_end += 1

    context = resolve_context(hl.filename, src, hl.start.byte - 1)

    code_parts: list[bytes] = []
    code_start = 0
    starts, ends, _ = _line_ranges(src)
    # Only lines with start <= snip_end and end >= snip_start can overlap (both
    # lists ascend); the exact test below is hcl's.
    first = bisect.bisect_left(ends, snip_start)
    last = bisect.bisect_right(starts, snip_end)
    for i in range(first, last):
        ls, le = starts[i], ends[i]
        # hcl's Range.Overlaps with the scanned line's token range (newline
        # excluded): either range contains an end point of the other, so a
        # subject that covers a line's newline also shows the next line.
        if (
            ls <= snip_start < le
            or ls <= snip_end < le
            or snip_start <= ls < snip_end
            or snip_start <= le < snip_end
        ):
            if code_start == 0 and not code_parts:
                code_start = ls
            code_parts.append(src[ls:le])
    code = b"\n".join(code_parts)
    start = hl_start - code_start
    end = start + (hl_end - hl_start)
    start = min(max(start, 0), len(code))
    end = min(max(end, 0), len(code))
    return Snippet(code, snip_start_line, start, end, context)


def _format_body(d: Diagnostic, sources: Mapping[str, bytes], color: bool, width: int, resolve_context: ContextResolver) -> str:
    """The diagnostic's text before framing (terraform's message buffer)."""
    buf: list[str] = []
    is_error = d.severity is Severity.ERROR
    if color:
        if is_error:
            buf.append(f"{_BOLD}{_RED}Error: {_RESET}{_RESET}")
        else:
            buf.append(f"{_BOLD}{_YELLOW}Warning: {_RESET}{_RESET}")
        buf.append(f"{_BOLD}{d.summary}{_RESET}\n\n{_RESET}")
    else:
        buf.append("\nError: " if is_error else "\nWarning: ")
        buf.append(f"{d.summary}\n\n")

    address = d.extra.get("address")
    if address:
        buf.append(f"  with {address},\n")

    subject = d.subject
    if subject is not None:
        src = sources.get(subject.filename)
        if src is None:
            buf.append(f"  on {subject.filename} line {subject.start.line}:\n  (source code not available)\n")
        else:
            snip = build_snippet(d, src, resolve_context)
            ctx_str = f", in {snip.context}" if snip.context else ""
            buf.append(f"  on {subject.filename} line {subject.start.line}{ctx_str}:\n")
            _write_snippet(buf, d, snip, color)
        buf.append("\n")

    if d.detail:
        lim = width - 3 if color else width - 1
        if lim > 0:
            for line in d.detail.split("\n"):
                if not line.startswith(" "):
                    line = word_wrap(line, lim)
                buf.append(line + "\n")
        else:
            buf.append(d.detail + "\n")
    return "".join(buf)


def _write_snippet(buf: list[str], d: Diagnostic, snip: Snippet, color: bool) -> None:
    code = snip.code
    before = code[: snip.hl_start].decode("utf-8", "replace")
    highlight = code[snip.hl_start : snip.hl_end].decode("utf-8", "replace")
    after = code[snip.hl_end :].decode("utf-8", "replace")
    if color:
        text = f"{before}{_UNDERLINE}{highlight}{_RESET}{after}{_RESET}"
    else:
        text = before + highlight + after
    for i, line in enumerate(text.split("\n")):
        buf.append(f"{snip.start_line + i:4d}: {line}\n")

    values = sorted(d.expression_values, key=lambda tv: tv[0])
    call = d.extra.get("function_call")
    call_sig: tuple[str, list[str], str | None] | None = None
    if isinstance(call, tuple) and len(call) == 3:
        call_sig = call  # (called_as, param names, variadic param name or None)
    if not values and call_sig is None:
        return
    if color:
        buf.append(f"    {_DARK_GRAY}{_VALUES_RULE}{_RESET}\n{_RESET}")
    else:
        buf.append(f"    {_VALUES_RULE}\n")
    if call_sig is not None:
        called_as, params, variadic = call_sig
        if color:
            buf.append(f"    {_DARK_GRAY}│{_RESET} while calling {_BOLD}{called_as}{_RESET}({_RESET}")
        else:
            buf.append(f"    │ while calling {called_as}(")
        names = list(params)
        if variadic is not None:
            names.append(variadic + "...")
        buf.append(", ".join(names))
        buf.append(")\n")
    for trav, statement in values:
        lines = statement.split("\n")
        if color:
            buf.append(f"    {_DARK_GRAY}│{_RESET} {_BOLD}{trav}{_RESET} {lines[0]}\n{_RESET}")
            for extra in lines[1:]:
                buf.append(f"    {_DARK_GRAY}│{_RESET}   {extra}\n{_RESET}")
        else:
            buf.append(f"    │ {trav} {lines[0]}\n")
            for extra in lines[1:]:
                buf.append(f"    │   {extra}\n")


def render_diagnostic(
    d: Diagnostic,
    sources: Mapping[str, bytes],
    color: bool,
    width: int = 78,
    resolve_context: ContextResolver | None = None,
) -> str:
    """The exact text terraform prints for diagnostic d.

    sources maps file names to their bytes (for the source snippet); a subject
    in a file not in sources prints "(source code not available)".
    """
    body = _format_body(d, sources, color, width, resolve_context or default_context)
    if not color:
        return body + "\n"
    is_error = d.severity is Severity.ERROR
    c = _RED if is_error else _YELLOW
    rule_line = f"{c}│{_RESET} {_RESET}"
    out = [f"{c}{c}╷{_RESET}{_RESET}\n"]
    for line in _scan_lines(body):
        out.append(rule_line)
        out.append(line)
        out.append("\n")
    out.append(f"{c}╵{_RESET}{_RESET}\n")
    out.append(f"{_RESET}{_RESET}\n")
    return "".join(out)


def render_diagnostics(
    diags: list[Diagnostic], sources: Mapping[str, bytes], color: bool, width: int = 78
) -> tuple[str, str]:
    """Render many diagnostics: (text for stderr (errors), text for stdout (warnings))."""
    err: list[str] = []
    out: list[str] = []
    for d in diags:
        (err if d.severity is Severity.ERROR else out).append(render_diagnostic(d, sources, color, width))
    return "".join(err), "".join(out)


__all__ = ["render_diagnostic", "render_diagnostics", "word_wrap", "ContextResolver", "Snippet", "build_snippet", "default_context"]

def strip_ui_newline(text: str, color: bool) -> str:
    """render_diagnostic includes the newline terraform's UI adds; validate's view writes without it."""
    if not color:
        return text[:-1] if text.endswith("\n") else text
    tail = "\x1b[0m\x1b[0m\n"
    if text.endswith(tail):
        text = text[: -len(tail)]
    for c in ("\x1b[31m", "\x1b[33m"):
        if text.startswith(c + c):
            text = text[len(c) :]
    return text
