"""Create intents: objects a provider may have created that the state does not hold.

Before sheath asks a provider to create an object (a create, or the create of a
replacement), it journals a create intent (``Journal.intend``, fsynced): the
resource instance, its provider and the planned values that identify the object
(never sensitive ones). The result settles it: the object's own journal entry, or
a settle line when the provider returned no object. A run killed between the
provider's create and the journal entry leaves the intent unsettled, and the next
run that reads the journal reports it (``orphan_warning``) for as long as the
state holds no object at that address.

Unsettled intents outlive the journal in ``.<state>.intents`` beside the state
file (``IntentFile``; JSON lines, the journal's own intent entries, 0600),
written before the journal that held them is dropped. The file exists only while
some object may be orphaned.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Protocol

from sheath.diag import Diagnostic, Diagnostics, warning
from sheath.states import gojson
from sheath.states.codec import PLAIN, StateCodec
from sheath.states.encryption import EncryptionError
from sheath.addrs.instance_key import IndexKey
from sheath.states.state import State
from sheath.states.statemgr.durable import atomic_write

# the identity of one object of the state: module, mode, type, name, instance key, deposed key
InstanceId = tuple[str, str, str, str, IndexKey, str]


@dataclass(frozen=True, slots=True)
class CreateIntent:
    """A create about to be sent to a provider, journaled before it is."""

    module: str
    mode: str
    type: str
    name: str
    provider: str
    key: IndexKey
    address: str
    deposed: str = ""
    identity: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def instance(self) -> InstanceId:
        return (self.module, self.mode, self.type, self.name, self.key, self.deposed)

    def entry(self) -> dict[str, Any]:
        """The journal line (without its newline)."""
        return {
            "op": "intent",
            "r": [self.module, self.mode, self.type, self.name, self.provider],
            "k": self.key,
            "d": self.deposed,
            "a": self.address,
            "id": self.identity,
        }

    @staticmethod
    def from_entry(e: dict[str, Any]) -> "CreateIntent":
        module, mode, type_, name, provider = e["r"]
        return CreateIntent(module, mode, type_, name, provider, e.get("k"), e["a"], e.get("d") or "", dict(e.get("id") or {}))

    def in_state(self, state: State) -> bool:
        """Whether the state holds an object where this create was to put one."""
        res = state.resource(self.module, self.mode, self.type, self.name)
        inst = res.instances.get(self.key) if res is not None else None
        if inst is None:
            return False
        return (inst.deposed.get(self.deposed) if self.deposed else inst.current) is not None


class IntentLog(Protocol):
    """Where apply records create intents (the journal)."""

    def intend(self, intent: CreateIntent) -> None: ...

    def settle(self, intent: CreateIntent) -> None: ...


def intent_problem(e: dict[str, Any]) -> str:
    """Why a journal line of kind "intent" is not one; "" when it is."""
    if not isinstance(e.get("a"), str) or not isinstance(e.get("id", {}), dict):
        return 'an intent needs an address "a" and an identity "id" object'
    return ""


def instance_of(e: dict[str, Any]) -> InstanceId:
    """The object a checked journal entry with "r", "k" and "d" is about."""
    r = e["r"]
    return (r[0], r[1], r[2], r[3], e.get("k"), e.get("d") or "")


class IntentFile:
    """``.<state>.intents``: the unsettled create intents of journals already dropped; each
    line sealed with codec (the state's journal codec) when the state is encrypted."""

    def __init__(self, path: str, codec: StateCodec = PLAIN) -> None:
        self.path = path
        self.codec = codec

    def read(self) -> tuple[list[CreateIntent] | None, Diagnostics]:
        """The intents the file holds (none without a file); None with a warning when it is
        not a valid intents file (it is then left as it is)."""
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return [], Diagnostics()
        except OSError as exc:
            return None, self._invalid(0, f"it cannot be read ({exc.strerror})")
        out: list[CreateIntent] = []
        for n, raw in enumerate(data.split(b"\n"), 1):
            if not raw.strip():
                continue
            try:
                raw, _ = self.codec.decode(raw)
            except EncryptionError as exc:
                return None, self._invalid(n, f"the line cannot be decrypted with the configured state encryption ({exc})")
            try:
                e = gojson.loads(raw)
            except (ValueError, UnicodeDecodeError):
                return None, self._invalid(n, "the line is not valid JSON")
            if not isinstance(e, dict) or e.get("op") != "intent":
                return None, self._invalid(n, "the line is not a create intent")
            r = e.get("r")
            if not (isinstance(r, list) and len(r) == 5 and all(isinstance(x, str) for x in r)):
                return None, self._invalid(n, 'the resource "r" must be [module, mode, type, name, provider]')
            why = intent_problem(e)
            if why:
                return None, self._invalid(n, why)
            out.append(CreateIntent.from_entry(e))
        return out, Diagnostics()

    def write(self, intents: list[CreateIntent]) -> None:
        """Replace the file with intents (atomically, 0600); none: the file goes."""
        if not intents:
            self.remove()
            return
        atomic_write(self.path, b"".join(self.codec.encode(gojson.dumps_line(i.entry())) + b"\n" for i in intents))

    def remove(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def _invalid(self, line: int, why: str) -> Diagnostics:
        where = f"{self.path}, line {line}" if line else self.path
        return Diagnostics(
            [
                warning(
                    "Invalid record of possibly orphaned objects",
                    f"{where}: {why}.\n\nThe file lists objects a provider may have created that the state does "
                    "not hold; sheath leaves it as it is and reports none of them until it is repaired or moved away.",
                )
            ]
        )


def unresolved(intents: list[CreateIntent], state: State | None) -> list[CreateIntent]:
    """intents without an object in state, each instance once (the latest)."""
    latest: dict[InstanceId, CreateIntent] = {}
    for i in intents:
        latest.pop(i.instance, None)
        latest[i.instance] = i
    if state is None:
        return list(latest.values())
    return [i for i in latest.values() if not i.in_state(state)]


def keep_unresolved(record: IntentFile, unsettled: list[CreateIntent], state: State | None) -> list[CreateIntent] | None:
    """Rewrite record with the creates that may still have left objects outside state: those
    it holds and unsettled, less those whose address holds an object. None (and record left
    as it is) when it cannot be read or written."""
    carried, _ = record.read()
    if carried is None:
        return None
    still = unresolved(carried + unsettled, state)
    try:
        if still != carried:
            record.write(still)
    except OSError:
        return None
    return still


@dataclass(slots=True)
class Orphans:
    """What a run that reads the state reports: intents, the creates whose objects may exist
    outside the state (None when the record is not valid: it is left as it is); changed,
    whether the record must be written with them; a warning for each."""

    intents: list[CreateIntent] | None
    changed: bool
    diags: Diagnostics


def find_orphans(record: IntentFile, found: list[CreateIntent], state: State | None) -> Orphans:
    """The creates recorded in record, or found unsettled in a journal, without an object in state."""
    carried, diags = record.read()
    if carried is None:
        return Orphans(None, False, diags)
    if not carried and not found:
        return Orphans([], False, diags)
    orphans = unresolved(carried + found, state)
    for i in orphans:
        diags.append(orphan_warning(i, record.path))
    return Orphans(orphans, orphans != carried, diags)


def orphan_warning(i: CreateIntent, record: str) -> Diagnostic:
    """The warning for one create that may have left an object outside the state."""
    if i.identity:
        width = max(len(k) for k in i.identity)
        values = "\n".join(f"  {k.ljust(width)} = {gojson.dumps_line(v).decode()}" for k, v in sorted(i.identity.items()))
        shown = f"The planned values that identify it:\n{values}\n\n"
    else:
        shown = "No planned value identifies it before it is created.\n\n"
    what = f"{i.address} (deposed object {i.deposed})" if i.deposed else i.address
    return warning(
        "Object may exist outside the state",
        f"A sheath run was interrupted after it asked {i.provider} to create {what} and before the result "
        "was recorded, so the object may exist without being in the state.\n\n"
        f"{shown}"
        "If it exists, adopt it into the state with "
        f"`sheath import '{i.address}' <id>` (terraform import), or an import block with to = {i.address}, "
        "where the provider supports import; or delete it. This warning is repeated until the state holds an object at "
        f"{i.address}; when the object does not exist, remove its line from {record}.",
    )


__all__ = [
    "CreateIntent",
    "InstanceId",
    "IntentFile",
    "IntentLog",
    "Orphans",
    "find_orphans",
    "instance_of",
    "intent_problem",
    "keep_unresolved",
    "orphan_warning",
    "unresolved",
]
