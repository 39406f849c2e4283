"""Run sheath's CLI many times quickly: each run is a process forked from a worker that has
already imported sheath.

The console corpus starts about 1,300 `sheath console` processes; importing sheath is most
of each one's time, and the corpus tests what the console evaluates, not how fast Python
imports. Each run here is still its own process, as `python -m sheath ARGS` would be: its own
working directory, environment, stdin, stdout and stderr (files, as with a pipe), argv, and
exit status (main()'s return code, SystemExit's code, or a signal). Start-up itself is
covered by every other CLI test, which runs `python -m sheath`.

Workers come from a `forkserver` pool: single-threaded processes that were never forked
from the test session (which may run server threads), so a child forked from one inherits
no lock that another thread held.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    cwd: str
    stdin: str
    env: Mapping[str, str]
    timeout: float


def _preload(modules: tuple[str, ...]) -> None:
    """Import each module; `PKG.*` imports a package and every module under it (commands
    import most of what they use lazily, so a forked child would otherwise import it again)."""
    import importlib
    import pkgutil

    for name in modules:
        if not name.endswith(".*"):
            importlib.import_module(name)
            continue
        package = importlib.import_module(name[:-2])
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            try:
                importlib.import_module(info.name)
            except Exception:  # an optional dependency missing: the child imports it if it must
                pass


def _child(run: Run, paths: tuple[str, str, str]) -> None:
    """In the forked child: become `sheath ARGS` and exit; never returns."""
    code = 1
    try:
        for target, (path, flags) in enumerate(zip(paths, (os.O_RDONLY, os.O_WRONLY, os.O_WRONLY))):
            fd = os.open(path, flags)
            os.dup2(fd, target)
            os.close(fd)
        sys.stdin = open(0, encoding="utf-8", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        os.environ.clear()
        os.environ.update(run.env)
        os.chdir(run.cwd)
        sys.argv = [sys.argv[0], *run.args]
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from sheath.cli.main import main

        code = main(list(run.args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # what `python -m sheath` would print for an escaped exception
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _execute(run: Run) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory(prefix="forkrun-") as tmp:
        paths = (os.path.join(tmp, "stdin"), os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr"))
        Path(paths[0]).write_text(run.stdin, encoding="utf-8")
        for p in paths[1:]:
            Path(p).touch()
        pid = os.fork()
        if pid == 0:
            _child(run, paths)
        deadline = time.monotonic() + run.timeout
        delay = 0.001
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return (-1, "", f"timed out after {run.timeout}s")
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        out = Path(paths[1]).read_text(encoding="utf-8", errors="replace")
        err = Path(paths[2]).read_text(encoding="utf-8", errors="replace")
        return (os.waitstatus_to_exitcode(status), out, err)


class ForkRunner:
    """A pool of `workers` processes that have imported `preload`; `run_all` runs each Run in
    a child forked from one of them."""

    def __init__(self, workers: int, preload: tuple[str, ...] = ("sheath.*",)) -> None:
        self._pool = multiprocessing.get_context("forkserver").Pool(workers, initializer=_preload, initargs=(preload,))

    def run_all(self, runs: Iterable[Run]) -> list[subprocess.CompletedProcess[str]]:
        items = list(runs)
        results = self._pool.map(_execute, items, chunksize=1)
        return [subprocess.CompletedProcess(list(r.args), rc, out, err) for r, (rc, out, err) in zip(items, results)]

    def close(self) -> None:
        self._pool.close()
        self._pool.join()


def fork_available() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"
