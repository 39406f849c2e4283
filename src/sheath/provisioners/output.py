"""Turning a stream of bytes into the lines a provisioner shows (go-linereader's role).

Lines end at "\\n"; a "\\r" before it goes too; an unterminated last line is sent
at the end of the stream. Each line is sent as it completes, while the command
still runs.
"""

from __future__ import annotations

from typing import Callable

from sheath.provisioners.interface import UIOutput

MAX_OUTPUT_TAIL = 8 * 1024
"""How much of a command's output an error message quotes (the last bytes, as terraform's circbuf)."""


def decode(b: bytes) -> str:
    return b.decode("utf-8", errors="replace")


def copy_lines(read: Callable[[int], bytes], ui: UIOutput, tail: bytearray | None = None) -> None:
    """Send each line that read (which returns b"" at the end) gives to ui; keep the
    last MAX_OUTPUT_TAIL bytes in tail."""
    pending = b""
    while True:
        chunk = read(65536)
        if not chunk:
            break
        if tail is not None:
            tail.extend(chunk)
            if len(tail) > MAX_OUTPUT_TAIL:
                del tail[: len(tail) - MAX_OUTPUT_TAIL]
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            ui.output(decode(line[:-1] if line.endswith(b"\r") else line))
    if pending:
        ui.output(decode(pending))




def provision_lines(msg: str) -> list[str]:
    """The lines of a provisioner's message as terraform's UI shows them: split at
    "\\n" (or, in a piece without one, at "\\r"), right-trimmed, empty ones left out."""
    out: list[str] = []
    rest = msg
    while rest:
        i = rest.find("\n")
        if i >= 0:
            token, rest = rest[:i], rest[i + 1 :]
            if token.endswith("\r"):
                token = token[:-1]
        else:
            j = rest.find("\r")
            if j >= 0:
                token, rest = rest[:j], rest[j + 1 :]
            else:
                token, rest = rest, ""
        token = token.rstrip()
        if token:
            out.append(token)
    return out


__all__ = ["MAX_OUTPUT_TAIL", "copy_lines", "decode", "provision_lines"]
