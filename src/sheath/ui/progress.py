"""What a plan or drift check made from the page is doing, for the page to poll: the
engine's hooks (``sheath.engine.hooks``) as terraform's progress lines."""

from __future__ import annotations

import threading
from typing import Any

from sheath.addrs.resource import AbsResourceInstance
from sheath.engine.hooks import NoHooks, deposed_display

MAX_LINES = 10_000


class Progress:
    """The lines of the operation running (or last run), and whether it still runs.
    Hooks are called from walker threads; readers take a copy under the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = False
        self._lines: list[str] = []

    def start(self) -> None:
        with self._lock:
            self.running = True
            self._lines = []

    def stop(self) -> None:
        with self._lock:
            self.running = False

    def add(self, line: str) -> None:
        with self._lock:
            if len(self._lines) < MAX_LINES:
                self._lines.append(line)

    def json(self) -> dict[str, Any]:
        with self._lock:
            return {"running": self.running, "lines": list(self._lines)}


class LatestRun:
    """A button's operation on root_dir: one run at a time (a second request waits for the
    first), its Progress for the page to poll, the latest document kept in memory."""

    def __init__(self, root_dir: str) -> None:
        self.root_dir = root_dir
        self._lock = threading.Lock()
        self.latest: dict[str, Any] | None = None
        self.progress = Progress()

    def make(self) -> dict[str, Any]:
        """The operation's document (telling self.progress what it does)."""
        raise NotImplementedError

    def run(self) -> dict[str, Any]:
        with self._lock:
            self.progress.start()
            try:
                self.latest = self.make()
                return self.latest
            finally:
                self.progress.stop()


class ProgressHooks(NoHooks):
    """terraform's refresh and import progress lines, into a Progress."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def pre_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        self.progress.add(f"{deposed_display(addr, deposed)}: Refreshing state..." + (f" [id={id_}]" if id_ else ""))

    def post_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        shown = deposed_display(addr, deposed)
        self.progress.add(f"{shown}: Refresh complete" if id_ else f"{shown}: Read complete")

    def pre_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self.progress.add(f"{addr}: Preparing import... [id={id_}]")

    def post_import(self, addr: AbsResourceInstance, failed: bool) -> None:
        self.progress.add(f"{addr}: Import {'failed' if failed else 'prepared'}")

    def ephemeral_start(self, addr: AbsResourceInstance, op: str) -> None:
        self.progress.add(f"{addr}: {'Opening' if op == 'open' else 'Closing'}...")
