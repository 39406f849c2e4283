"""Interactive console (stdin a terminal): prompts, multi-line entry, help, exit.

terraform's own interactive session cannot be compared byte for byte (its line
editor redraws the prompt), so these check sheath's session on a pseudo-terminal.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sheath.cli.commands.console import expression_entry_could_continue, type_string
from sheath.types.cty import NUMBER, STRING, ListType, ObjectType, TupleType


@pytest.mark.parametrize(
    "lines,want",
    [
        ([], False),
        ([""], False),
        (["foo(", ""], False),
        (["foo()"], False),
        (["foo("], True),
        (["foo(", "  bar,", ")"], False),
        (["["], True),
        (["[", "]"], False),
        (["{"], True),
        (["{", "}"], False),
        (['"'], False),
        (["<<EOT", "hello"], True),
        (["<<EOT", "hello", "EOT"], False),
        (["]"], False),
        (["[)"], False),
    ],
)
def test_entry_could_continue(lines: list[str], want: bool) -> None:
    assert expression_entry_could_continue(lines) is want


def test_type_string_layout() -> None:
    assert type_string(NUMBER) == "number"
    assert type_string(ListType(STRING)) == "list(string)"
    obj = ObjectType({"a": NUMBER, "b": TupleType([NUMBER, STRING])})
    assert type_string(obj) == "object({\n    a: number,\n    b: tuple([\n        number,\n        string,\n    ]),\n})"
    assert type_string(ListType(ObjectType({"a": NUMBER}))) == "list(\n    object({\n        a: number,\n    }),\n)"


def _session(cwd: Path, keystrokes: list[str], timeout: float = 60) -> str:
    master, slave = pty.openpty()
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sheath", "console", "-no-color"],
        cwd=cwd,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout

    def read_until(marker: bytes) -> None:
        nonlocal out
        while marker not in out and time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                out += chunk

    try:
        for ks in keystrokes:
            read_until(b"> " if not out.endswith(b": ") else b": ")
            os.write(master, ks.encode())
            time.sleep(0.05)
        read_until(b"\x00never")  # drain until the process ends
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)
    return out.decode("utf-8", "replace").replace("\r\n", "\n")


def test_interactive_session(tmp_path: Path) -> None:
    out = _session(tmp_path, ["1+1\n", "[1,\n", "2]\n", "foo.bar\n", "exit\n"])
    assert "> 1+1\n2\n" in out
    assert ": 2]\n[\n  1,\n  2,\n]\n" in out
    assert "Error: Reference to undeclared resource" in out
    assert out.rstrip().endswith("> exit")
