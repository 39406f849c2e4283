"""A provider process ends with the sheath that started it, even when sheath is SIGKILLed.

go-plugin's client (and so terraform) leaves a provider running when the client
dies without a chance to run its shutdown: the provider runs in a session of
its own (so that a Ctrl-C reaches it as StopProvider, not as SIGINT), nobody
signals it, and it waits for RPCs forever. ``PR_SET_PDEATHSIG`` does not fit:
it fires when the *thread* that forked the provider ends, and sheath starts
providers from walker threads that end long before the provider is done.

So every provider gets a watcher: a tiny Python process holding a pidfd of
the provider (exact, whatever becomes of the pid) and the read end of a pipe
whose write end only sheath holds. When sheath stops the provider itself it
first writes to the pipe ("disarm") and the watcher exits; when the pipe
reaches end of file with nothing written — sheath ended without stopping the
provider, the kernel closed its end — the watcher kills the provider.

Linux only (pidfds: kernel 5.3); elsewhere no watcher runs and a killed
sheath leaves its providers running, as terraform does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Final

# Run as `python -I -S -c WATCHER PID`: no site, no user environment, a few milliseconds.
WATCHER: Final = (
    "import os,signal,sys\n"
    "signal.signal(signal.SIGINT,signal.SIG_IGN)\n"
    "signal.signal(signal.SIGHUP,signal.SIG_IGN)\n"
    "try:\n"
    " fd=os.pidfd_open(int(sys.argv[1]))\n"
    "except OSError:\n"
    " sys.exit(0)\n"
    "if not sys.stdin.buffer.read():\n"
    " try:\n"
    "  signal.pidfd_send_signal(fd,signal.SIGKILL)\n"
    " except OSError:\n"
    "  pass\n"
)


class DeathWatch:
    """The watcher of one provider process (see the module's docstring)."""

    def __init__(self, proc: subprocess.Popen[bytes] | None) -> None:
        self._proc = proc

    @classmethod
    def start(cls, pid: int) -> DeathWatch:
        """Watch the process pid; a no-op watch where pidfds do not exist."""
        if not hasattr(os, "pidfd_open") or not sys.executable:
            return cls(None)
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", WATCHER, str(pid)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # survives a kill of sheath's process group, and its ^C
            )
        except OSError:
            return cls(None)
        return cls(proc)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def disarm(self) -> None:
        """sheath stops the provider itself: the watcher exits without killing it."""
        proc, self._proc = self._proc, None
        if proc is None or proc.stdin is None:
            return
        try:
            proc.stdin.write(b"stopped by sheath\n")
            proc.stdin.close()
        except OSError:
            pass  # the watcher is gone already
        # no wait: the watcher exits once it reads this (it may still be starting, some
        # milliseconds); subprocess reaps it when sheath starts its next process
        proc.poll()
