"""The local-exec provisioner: runs a command on the machine running sheath.

As terraform's: the command goes to an interpreter (default ``/bin/sh -c``),
stdout and stderr share one pipe whose lines are streamed to the user, the
environment adds ``environment`` to sheath's own, and a failure quotes the
last 8 KiB of the output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass

from sheath.diag import Diagnostics
from sheath.goquote import go_quote
from sheath.provisioners.interface import ProvisionRequest
from sheath.provisioners.output import copy_lines, decode
from sheath.providers.schema import Attribute, Block
from sheath.types.cty import BOOL, STRING, ListType, MapType, Value

SCHEMA = Block(
    attributes={
        "command": Attribute(STRING, required=True),
        "interpreter": Attribute(ListType(STRING), optional=True),
        "working_dir": Attribute(STRING, optional=True),
        "environment": Attribute(MapType(STRING), optional=True),
        "quiet": Attribute(BOOL, optional=True),
    }
)

SUMMARY = "local-exec provisioner error"

# Go's names of the Linux signals (syscall.Signal.String), as its exit errors print them
_GO_SIGNALS = {
    1: "hangup", 2: "interrupt", 3: "quit", 4: "illegal instruction", 5: "trace/breakpoint trap", 6: "aborted",
    7: "bus error", 8: "floating point exception", 9: "killed", 10: "user defined signal 1",
    11: "segmentation fault", 12: "user defined signal 2", 13: "broken pipe", 14: "alarm clock", 15: "terminated",
    16: "stack fault", 17: "child exited", 18: "continued", 19: "stopped (signal)", 20: "stopped",
    21: "stopped (tty input)", 22: "stopped (tty output)", 23: "urgent I/O condition", 24: "CPU time limit exceeded",
    25: "file size limit exceeded", 26: "virtual timer expired", 27: "profiling timer expired", 28: "window changed",
    29: "I/O possible", 30: "power failure", 31: "bad system call",
}  # fmt: skip


def _strings(v: Value) -> list[str]:
    if v.is_null:
        return []
    return [e.as_str() for e in v.elements() if not e.is_null]


def exit_description(returncode: int) -> str:
    """How Go's os.ProcessState prints a finished process."""
    if returncode >= 0:
        return f"exit status {returncode}"
    sig = -returncode
    return "signal: " + _GO_SIGNALS.get(sig, f"signal {sig}")


def _start_error(argv0: str, exc: OSError) -> str:
    """Go's wording for a command that could not start (its errno texts are lower case)."""
    reason = exc.strerror or str(exc)
    return f"fork/exec {argv0}: {reason[:1].lower()}{reason[1:]}"


@dataclass(frozen=True, slots=True)
class LocalExec:
    def schema(self) -> Block:
        return SCHEMA

    def validate(self, config: Value) -> Diagnostics:
        return Diagnostics()

    def provision(self, req: ProvisionRequest) -> Diagnostics:
        diags = Diagnostics()
        cfg = req.config.attrs()
        command = cfg["command"].as_str()
        if command == "":
            diags.add_error("Invalid local-exec provisioner command", "The command must be a non-empty string.")
            return diags
        env = dict(os.environ)
        envv = cfg["environment"]
        if not envv.is_null:
            for k, v in envv.attrs().items():
                if not v.is_null:
                    env[k] = v.as_str()
        argv = _strings(cfg["interpreter"]) or ["/bin/sh", "-c"]
        argv.append(command)
        wd = cfg["working_dir"]
        cwd = wd.as_str() if not wd.is_null and wd.as_str() != "" else None
        quiet = cfg["quiet"]
        if not quiet.is_null and quiet.as_bool():
            req.ui.output("local-exec: Executing: Suppressed by quiet=true")
        else:
            req.ui.output(f"Executing: [{' '.join(go_quote(a) for a in argv)}]")
        tail = bytearray()
        err = self._run(argv, cwd, env, req, tail)
        if err:
            diags.add_error(SUMMARY, f"Error running command '{command}': {err}. Output: {decode(bytes(tail))}")
        return diags

    def _run(self, argv: list[str], cwd: str | None, env: dict[str, str], req: ProvisionRequest, tail: bytearray) -> str:
        """Run argv, streaming its output; the error text ("" when it succeeded)."""
        if cwd is not None and not os.path.isdir(cwd):
            return f"chdir {cwd}: no such file or directory"
        exe = argv[0] if "/" in argv[0] else shutil.which(argv[0], path=env.get("PATH"))
        if exe is None:
            return f"exec: {go_quote(argv[0])}: executable file not found in $PATH"
        r, w = os.pipe()
        try:
            proc = subprocess.Popen(
                argv, executable=exe, stdin=subprocess.DEVNULL, stdout=w, stderr=w, cwd=cwd, env=env,
                restore_signals=True, start_new_session=False,
            )  # fmt: skip
        except OSError as exc:
            os.close(r)
            os.close(w)
            return _start_error(exe, exc)
        os.close(w)
        with os.fdopen(r, "rb", buffering=0) as stream:
            reader = threading.Thread(target=copy_lines, args=(stream.read, req.ui, tail), daemon=True)
            reader.start()
            code = proc.wait()
            reader.join()
        if code == 0:
            return ""
        return exit_description(code)


__all__ = ["LocalExec", "SCHEMA", "exit_description"]
