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
serial). Before the state file that includes the journal's changes is
written, a commit line names that state (``commit``: its lineage, serial and
the SHA-256 of its bytes): a journal whose commit names the state on disk
was fully applied and may go. ``read`` checks every
line: a torn last line (a crash mid-append) is ignored, any other line that
is not a journal entry is a diagnostic naming the file and the line, and
nothing is replayed. The journal holds secrets: it is created 0600, and with state
encryption configured every line after the first is sealed with it (``codec``: each
line an encrypted document of its own; the first line, lineage and serial, stays in
clear as the encrypted state's do).

Before a create is sent to a provider, a create intent is appended (fsynced):
the object's own entry, or a settle line when the provider returned none,
settles it later in the journal. An intent still unsettled when the journal is
read is an object the provider may have created that the state does not hold
(``intents``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import orjson

from sheath.diag import Diagnostics, error
from sheath.states import gojson
from sheath.states.codec import PLAIN, StateCodec
from sheath.states.encryption import EncryptionError
from sheath.states.intents import CreateIntent, InstanceId, instance_of, intent_problem
from sheath.addrs.instance_key import IndexKey
from sheath.states.state import InstanceObject, Resource, ResourceInstance, State


@dataclass(frozen=True, slots=True)
class ResourceRef:
    module: str
    mode: str
    type: str
    name: str
    provider: str


def _object_to_json(o: InstanceObject) -> dict[str, Any]:
    out: dict[str, Any] = {
        "attributes": o.attributes,
        "schema_version": o.schema_version,
        "status": o.status,
        "sensitive_attributes": o.sensitive_attributes,
        "private": o.private,
        "dependencies": o.dependencies,
        "create_before_destroy": o.create_before_destroy,
        "skip_destroy": o.skip_destroy,
    }
    if o.provider_key is not None:  # OpenTofu's provider for_each
        out["provider_key"] = o.provider_key
    return out


def _object_from_json(d: dict[str, Any]) -> InstanceObject:
    return InstanceObject(
        attributes=d.get("attributes"),
        schema_version=int(d.get("schema_version") or 0),
        status=str(d.get("status") or ""),
        sensitive_attributes=list(d.get("sensitive_attributes") or []),
        private=d.get("private"),
        dependencies=list(d.get("dependencies") or []),
        create_before_destroy=bool(d.get("create_before_destroy")),
        skip_destroy=bool(d.get("skip_destroy")),
        provider_key=d.get("provider_key") if isinstance(d.get("provider_key"), str) else None,
    )


class Journal:
    """The journal file beside a state file. Appends may come from any thread."""

    def __init__(self, path: str, codec: StateCodec = PLAIN) -> None:
        self.path = path
        self.codec = codec  # seals each line after the first (see document_codec)
        self._fd: int | None = None
        self._cond = threading.Condition(threading.Lock())
        self._written = 0  # lines appended to the file (after the header)
        self._synced = 0  # lines known to be on stable storage
        self._syncing = False  # a thread is in fsync without holding the lock
        self.syncs = 0  # fsyncs of appended lines since start (fewer than lines when grouped)
        self._open: dict[InstanceId, CreateIntent] = {}  # intents journaled and not yet settled

    def start(self, lineage: str, serial: int) -> None:
        """Begin a fresh journal for the state file with this lineage and serial."""
        self.close()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
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
            self._open = {}

    def _append(self, entry: dict[str, Any], sync: bool = True) -> None:
        """Append one line; with sync, return once it is on stable storage (a later synced
        line makes an unsynced one durable too). An entry about an object settles its intent."""
        line = self.codec.encode(gojson.dumps_line(entry)) + b"\n"
        with self._cond:
            if self._fd is None:
                raise RuntimeError("journal not started")
            # One write(2) of the whole line under the lock: lines never interleave.
            _write_all(self._fd, line)
            self._written += 1
            if self._open and "r" in entry and entry["op"] != "intent":
                self._open.pop(instance_of(entry), None)
            if not sync:
                return
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

    def set_object(self, r: ResourceRef, key: IndexKey, obj: InstanceObject, deposed: str = "") -> None:
        self._append({"op": "set", "r": list(_ref_tuple(r)), "k": key, "d": deposed, "o": _object_to_json(obj)})

    def remove_object(self, r: ResourceRef, key: IndexKey, deposed: str = "") -> None:
        self._append({"op": "rm", "r": list(_ref_tuple(r)), "k": key, "d": deposed})

    def intend(self, intent: CreateIntent) -> None:
        """Record, durably, that a create is about to be sent to the provider."""
        with self._cond:
            self._open[intent.instance] = intent
        self._append(intent.entry())

    def settle(self, intent: CreateIntent) -> None:
        """The provider answered the create: unless the object's entry already settled the
        intent, a settle line does (not synced: if it is lost, the intent is reported needlessly)."""
        with self._cond:
            if intent.instance not in self._open:
                return
        self._append({"op": "settle", "r": intent.entry()["r"], "k": intent.key, "d": intent.deposed}, sync=False)

    def open_intents(self) -> list[CreateIntent]:
        """The intents journaled in this run and not settled (a create that raised, say)."""
        with self._cond:
            return list(self._open.values())

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

    def commit(self, lineage: str, serial: int, data: bytes) -> None:
        """Record, durably, that the state file about to be written (lineage, serial, its
        bytes data) holds every change of this journal; a journal not started here is opened for it."""
        with self._cond:
            opened = self._fd is None
        if opened:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            except FileNotFoundError:
                return
            with self._cond:
                self._fd = fd
        try:
            self._append({"op": "commit", "lineage": lineage, "serial": serial, "sha256": hashlib.sha256(data).hexdigest()})
        finally:
            if opened:
                self.close()

    def exists(self) -> bool:
        return os.path.lexists(self.path)

    def read(self) -> "JournalRead | None":
        """The journal's lines, checked; None when there is no journal."""
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            return JournalRead(diags=_invalid(self.path, 0, "it is a directory, not a file"))
        except OSError as exc:
            return JournalRead(diags=_invalid(self.path, 0, f"it cannot be read ({exc.strerror})"))
        return parse_journal(data, self.path, self.codec)

    def replay(self, state: State, lineage: str, serial: int) -> int:
        """Apply a valid, matching journal's entries to state; returns how many were applied."""
        jr = self.read()
        if jr is None or jr.diags.has_errors() or jr.header != (lineage, serial):
            return 0
        return jr.apply(state)


@dataclass(slots=True)
class JournalRead:
    """A journal as read: the state it applies to, its entries and commits, or why it is invalid."""

    header: tuple[str, int] | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    commits: list[tuple[str, int, str]] = field(default_factory=list)
    diags: Diagnostics = field(default_factory=Diagnostics)
    # create intents without their result, in journal order
    open_intents: dict[InstanceId, CreateIntent] = field(default_factory=dict)

    @property
    def intents(self) -> list[CreateIntent]:
        """The creates this journal records as sent but not answered: their objects may
        exist outside the state."""
        return list(self.open_intents.values())

    def apply(self, state: State) -> int:
        for e in self.entries:
            _apply(state, e)
        return len(self.entries)

    def committed_to(self, lineage: str, serial: int, data: bytes) -> bool:
        """Whether the state file (lineage, serial, bytes data) was written with all of this
        journal's changes (the digest tells it from another writer's state of the same serial)."""
        return any(c[:2] == (lineage, serial) and c[2] == hashlib.sha256(data).hexdigest() for c in self.commits)


def _invalid(path: str, line: int, why: str) -> Diagnostics:
    where = f"{path}, line {line}" if line else path
    d = error(
        "Invalid state journal",
        f"{where}: {why}.\n\nThe journal holds changes sheath completed after the last full write of the "
        "state file. sheath will not use the state until the journal is repaired or moved away.",
    )
    d.extra["journal"] = path
    return Diagnostics([d])


def parse_journal(data: bytes, path: str, codec: StateCodec = PLAIN) -> JournalRead:
    """Check and parse a journal's bytes (lines after the first unsealed with codec). A last
    line without its newline is torn by a crash mid-append and is ignored unless it is
    complete; any other bad line is an error."""
    out = JournalRead()
    lines = data.split(b"\n")
    torn = lines.pop()  # after the last newline: b"" when the file ends with one
    for n, raw in enumerate(lines, 1):
        if not raw:
            continue
        if out.header is not None:
            try:
                raw, _ = codec.decode(raw)
            except EncryptionError as exc:
                out.diags.extend(_invalid(path, n, f"the line cannot be decrypted with the configured state encryption ({exc})"))
                out.entries.clear()
                return out
        why = _check_line(out, raw, first=out.header is None)
        if why:
            out.diags.extend(_invalid(path, n, why))
            out.entries.clear()
            return out
    if torn and out.header is not None:
        try:
            torn, _ = codec.decode(torn)
        except EncryptionError:
            return out  # a sealed line cut short
        _check_line(out, torn, first=False)  # adds the line only when it is complete
    return out


def _check_line(out: JournalRead, raw: bytes, first: bool) -> str:
    """Add one line to out; the reason it is invalid, or ""."""
    try:
        e = gojson.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return "the line is not valid JSON"
    if not isinstance(e, dict):
        return "the line is not a JSON object"
    if first:
        if not isinstance(e.get("lineage"), str) or not _is_serial(e.get("serial")):
            return 'the first line must name the state it applies to ("lineage" and "serial")'
        out.header = (e["lineage"], e["serial"])
        return ""
    why = _entry_problem(e)
    if why:
        return why
    op = e["op"]
    if op == "commit":
        out.commits.append((e["lineage"], e["serial"], e["sha256"]))
        return ""
    if op == "intent":
        intent = CreateIntent.from_entry(e)
        out.open_intents.pop(intent.instance, None)
        out.open_intents[intent.instance] = intent
        return ""
    if op != "out" and out.open_intents:
        out.open_intents.pop(instance_of(e), None)
    if op != "settle":
        out.entries.append(e)
    return ""


def _is_serial(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _is_key(v: Any) -> bool:
    return v is None or (isinstance(v, (int, str)) and not isinstance(v, bool))


def _entry_problem(e: dict[str, Any]) -> str:
    op = e.get("op")
    if op == "commit":
        ok = isinstance(e.get("lineage"), str) and _is_serial(e.get("serial")) and isinstance(e.get("sha256"), str)
        return "" if ok else 'a commit needs "lineage", "serial" and "sha256"'
    if op == "out":
        ok = isinstance(e.get("n"), str) and isinstance(e.get("s", False), bool)
        return "" if ok else 'an output entry needs a name "n"'
    if op not in ("set", "rm", "intent", "settle"):
        return f"unknown entry kind {op!r}"
    r = e.get("r")
    if not (isinstance(r, list) and len(r) == 5 and all(isinstance(x, str) for x in r)):
        return 'the resource "r" must be [module, mode, type, name, provider]'
    if r[1] not in ("managed", "data"):
        return f"invalid resource mode {r[1]!r}"
    if not _is_key(e.get("k")) or not isinstance(e.get("d", ""), str):
        return 'invalid instance key "k" or deposed key "d"'
    if op == "intent":
        return intent_problem(e)
    if op in ("rm", "settle"):
        return ""
    o = e.get("o")
    if not isinstance(o, dict):
        return 'the object "o" must be a JSON object'
    kinds: dict[str, type | tuple[type, ...]] = {
        "schema_version": int,
        "status": str,
        "sensitive_attributes": list,
        "dependencies": list,
        "create_before_destroy": bool,
        "skip_destroy": bool,
    }
    for k, kind in kinds.items():
        v = o.get(k)
        if v is not None and not isinstance(v, kind):
            return f'the object field "{k}" has the wrong type'
    return ""


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
    key: IndexKey = e.get("k")
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
