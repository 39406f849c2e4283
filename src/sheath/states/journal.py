"""An append-only journal of completed resource changes.

Between full writes of the state file, every completed change to a resource
instance is appended here as one JSON line and fsynced, so it is durable the
moment it completes at a cost proportional to that change, not to the state.

Appends are thread-safe and group-committed: each caller writes its line and
returns only once an fsync that covers it has completed, but while one fsync
is in flight the lines of other threads accumulate and the next fsync makes
all of them durable at once, so concurrent workers share the cost of a sync
instead of queueing for one sync each.

The first line names the state file the journal applies to (lineage and
serial). Replaying applies each complete line in order; a torn last line (a
crash mid-append) is ignored. After the full state is written the journal is
removed; a journal whose header does not match the state file on disk is
stale (its changes already reached the state) and is discarded.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import orjson

from sheath.states import gojson
from sheath.states.state import InstanceKey, InstanceObject, Resource, ResourceInstance, State


@dataclass(frozen=True, slots=True)
class ResourceRef:
    module: str
    mode: str
    type: str
    name: str
    provider: str


def _object_to_json(o: InstanceObject) -> dict[str, Any]:
    return {
        "attributes": o.attributes,
        "schema_version": o.schema_version,
        "status": o.status,
        "sensitive_attributes": o.sensitive_attributes,
        "private": o.private,
        "dependencies": o.dependencies,
        "create_before_destroy": o.create_before_destroy,
    }


def _object_from_json(d: dict[str, Any]) -> InstanceObject:
    return InstanceObject(
        attributes=d.get("attributes"),
        schema_version=int(d.get("schema_version") or 0),
        status=str(d.get("status") or ""),
        sensitive_attributes=list(d.get("sensitive_attributes") or []),
        private=d.get("private"),
        dependencies=list(d.get("dependencies") or []),
        create_before_destroy=bool(d.get("create_before_destroy")),
    )


class Journal:
    """The journal file beside a state file. Appends may come from any thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._cond = threading.Condition(threading.Lock())
        self._written = 0  # lines appended to the file (after the header)
        self._synced = 0  # lines known to be on stable storage
        self._syncing = False  # a thread is in fsync without holding the lock
        self.syncs = 0  # fsyncs of appended lines since start (fewer than lines when grouped)

    def start(self, lineage: str, serial: int) -> None:
        """Begin a fresh journal for the state file with this lineage and serial."""
        self.close()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        try:
            _write_all(fd, orjson.dumps({"lineage": lineage, "serial": serial}) + b"\n")
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        _fsync_dir(self.path)
        with self._cond:
            self._fd = fd
            self._written = self._synced = self.syncs = 0

    def _append(self, entry: dict[str, Any]) -> None:
        line = gojson.dumps_line(entry) + b"\n"
        with self._cond:
            if self._fd is None:
                raise RuntimeError("journal not started")
            # One write(2) of the whole line under the lock: lines never interleave.
            _write_all(self._fd, line)
            self._written += 1
            mine = self._written
            while self._synced < mine:
                if self._syncing:
                    self._cond.wait()
                    continue
                # Lead a sync for every line written so far, outside the lock so that
                # other threads can append meanwhile (their lines go in the next sync).
                self._syncing = True
                target, fd = self._written, self._fd
                synced = False
                self._cond.release()
                try:
                    _sync_data(fd)
                    synced = True
                finally:
                    self._cond.acquire()
                    self._syncing = False
                    if synced:
                        self._synced = max(self._synced, target)
                        self.syncs += 1
                    self._cond.notify_all()

    def set_object(self, r: ResourceRef, key: InstanceKey, obj: InstanceObject, deposed: str = "") -> None:
        self._append({"op": "set", "r": list(_ref_tuple(r)), "k": key, "d": deposed, "o": _object_to_json(obj)})

    def remove_object(self, r: ResourceRef, key: InstanceKey, deposed: str = "") -> None:
        self._append({"op": "rm", "r": list(_ref_tuple(r)), "k": key, "d": deposed})

    def set_output(self, name: str, value: Any, type_: Any, sensitive: bool) -> None:
        self._append({"op": "out", "n": name, "v": value, "t": type_, "s": sensitive})

    def close(self) -> None:
        with self._cond:
            while self._syncing:
                self._cond.wait()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def discard(self) -> None:
        self.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            return
        _fsync_dir(self.path)

    def replay(self, state: State, lineage: str, serial: int) -> int:
        """Apply a matching journal's entries to state; returns how many were applied."""
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return 0
        lines = data.split(b"\n")
        if not lines:
            return 0
        try:
            header = orjson.loads(lines[0])
        except orjson.JSONDecodeError:
            return 0
        if not isinstance(header, dict) or header.get("lineage") != lineage or header.get("serial") != serial:
            return 0
        applied = 0
        for raw in lines[1:]:
            if not raw:
                continue
            try:
                entry = gojson.loads(raw)
            except ValueError:
                break  # a torn final line
            _apply(state, entry)
            applied += 1
        return applied


def _ref_tuple(r: ResourceRef) -> tuple[str, str, str, str, str]:
    return (r.module, r.mode, r.type, r.name, r.provider)


def _apply(state: State, e: dict[str, Any]) -> None:
    op = e.get("op")
    if op == "out":
        from sheath.states.state import OutputValue

        if e.get("v") is None and e.get("t") is None:
            state.outputs.pop(e["n"], None)
        else:
            state.outputs[e["n"]] = OutputValue(e.get("v"), e.get("t"), bool(e.get("s")))
        return
    module, mode, type_, name, provider = e["r"]
    key: InstanceKey = e.get("k")
    deposed = e.get("d") or ""
    res = state.resource(module, mode, type_, name)
    if op == "set":
        if res is None:
            res = Resource(module, mode, type_, name, provider)
            state.set_resource(res)
        res.provider = provider
        ri = res.instances.get(key)
        if ri is None:
            ri = res.instances[key] = ResourceInstance(key)
        obj = _object_from_json(e["o"])
        if deposed:
            ri.deposed[deposed] = obj
        else:
            ri.current = obj
    elif op == "rm" and res is not None:
        ri = res.instances.get(key)
        if ri is not None:
            if deposed:
                ri.deposed.pop(deposed, None)
            else:
                ri.current = None
            if ri.current is None and not ri.deposed:
                del res.instances[key]
        if not res.instances:
            state.remove_resource(module, mode, type_, name)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _sync_data(fd: int) -> None:
    """Make the file's data (and its size) durable; fdatasync where there is one."""
    sync = getattr(os, "fdatasync", os.fsync)
    sync(fd)


def _fsync_dir(path: str) -> None:
    d = os.path.dirname(os.path.abspath(path))
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
