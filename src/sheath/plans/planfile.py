"""sheath's saved-plan file (``plan -out=F`` / ``apply F``).

A zip archive, like terraform's, holding:

* ``tfplan``: the Plan as JSON (this module's format, described below);
* ``tfstate``: the prior state snapshot, in terraform's state file format
  (its lineage and serial tell whether the plan is still applicable);
* ``tfstate-prev``: the previous run state, when the plan has one;
* ``tfconfig/<path>``: the configuration snapshot: every file the plan's
  configuration was loaded from (root module, local and installed modules,
  the modules manifest), by path relative to the working directory; a
  ``tfconfig/<dir>/`` entry records a module directory without files.
  ``apply PLANFILE`` loads the configuration from this snapshot only;
* ``origin``: for a rollback's plan (``rollback -out``), what it returns to
  ("version 3"), as UTF-8 text; applying the plan records the new applied
  version with this origin.

The archive's comment is the integrity trailer, the last bytes of the file::

  sheath-plan sha256=<64 hex digits>[ hmac-sha256=<64 hex digits>]

The SHA-256 digest covers every byte of the file before the comment (all
entries, their zip headers and the end record, which gives the comment's
length); reading refuses a file whose bytes do not match it. The optional
HMAC-SHA256, keyed with a signing key's bytes, covers the same bytes: a
plan saved with a key can only be read with that key, and a reader given
a key refuses plans without a signature or signed with another key.

When the configuration's encryption (its ``encryption`` block, or ``TF_ENCRYPTION``)
has a ``plan`` target, the whole file (archive and trailer) is stored as OpenTofu's
encrypted document (``sheath.states.encryption``) and decrypted before it is verified.

``tfplan`` is a JSON object: ``format`` ("sheath-plan"), ``format_version``
(1), ``terraform_version``, ``ui_mode``, ``timestamp``, ``applyable``,
``complete``, ``errored``, ``target_addrs``, ``exclude_addrs`` (when there
are any), ``force_replace_addrs``, ``allow_data_loss_addrs`` (when there are any),
``variables`` (name -> encoded value), ``changes`` and ``drift`` (lists of
resource instance changes with every model field; before/after encoded),
``output_changes``, ``relevant_attributes`` and ``checks``.

An encoded value keeps everything terraform's JSON plan loses::

  {"type": <cty type JSON>, "value": <JSON data; unknowns as null,
   numbers as decimal strings>, "unknown": [<path>, ...],
   "marks": [[<path>, ["sensitive", ...]], ...]}

A path is a list of steps: a string (attribute or map key) or an integer
(list, tuple or set index). Paths in ``replace_paths`` and
``relevant_attributes`` also use ``{"key": K}`` for an index by string key.
"""

from __future__ import annotations

import base64

import hashlib
import hmac
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from sheath import TERRAFORM_VERSION
from sheath.diag import Diagnostics
from sheath.plans.model import (
    Action,
    ActionReason,
    CheckResult,
    Importing,
    OutputChange,
    Path,
    Plan,
    ResourceInstanceChange,
    UIMode,
)
from sheath.states.codec import PLAIN, StateCodec, is_encrypted_document, working_plan_codec
from sheath.states.encryption import EncryptionError
from sheath.states.statefile import StateFile, read_state_file, write_state_file
from sheath.types.cty import (
    STRING,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    PrimitiveType,
    SetType,
    TupleType,
    Type,
    Value,
)
from sheath.types.json import type_from_json, type_to_json_value
from sheath.types.number import Number

FORMAT = "sheath-plan"
FORMAT_VERSION = 1


class PlanFileError(ValueError):
    """The plan file is not one sheath can read."""


@dataclass(slots=True)
class PlanFile:
    plan: Plan
    config_files: dict[str, bytes] = field(default_factory=dict)
    origin: str = ""  # a rollback's plan: what it returns to ("version 3")


# ------------------------------------------------------------------ values


def encode_value(v: Value) -> dict[str, Any]:
    unknown: list[list[Any]] = []
    marks: list[list[Any]] = []

    def enc(x: Value, path: list[Any]) -> Any:
        if x.marks:
            marks.append([list(path), sorted(str(m) for m in x.marks)])
        p = x.v
        if p is UNKNOWN:
            unknown.append(list(path))
            return None
        if p is None:
            return None
        if isinstance(p, Number):
            return p.format()
        if isinstance(p, tuple):
            return [enc(e, path + [i]) for i, e in enumerate(p)]
        if isinstance(p, dict):
            return {k: enc(e, path + [k]) for k, e in p.items()}
        return p

    data = enc(v, [])
    return {"type": type_to_json_value(v.type), "value": data, "unknown": unknown, "marks": marks}


_END: Any = object()  # trie leaf marker


def _trie(items: list[tuple[list[Any], Any]]) -> dict[Any, Any]:
    root: dict[Any, Any] = {}
    for path, payload in items:
        node = root
        for step in path:
            node = node.setdefault(step, {})
        node[_END] = payload
    return root


_EMPTY: dict[Any, Any] = {}


def decode_value(d: dict[str, Any], type_cache: dict[str, Type] | None = None) -> Value:
    tj = d["type"]
    tkey = tj if isinstance(tj, str) else json.dumps(tj, separators=(",", ":"))
    t = type_cache.get(tkey) if type_cache is not None else None
    if t is None:
        t = type_from_json(json.dumps(tj))
        if type_cache is not None:
            type_cache[tkey] = t
    unknown = _trie([(p, True) for p in d.get("unknown", [])])
    marks = _trie([(p, frozenset(m)) for p, m in d.get("marks", [])])

    def dec(x: Any, t: Type, un: dict[Any, Any], mk: dict[Any, Any]) -> Value:
        m = mk.get(_END, frozenset()) if mk else frozenset()
        if un and _END in un:
            return Value(t, UNKNOWN, m)
        if x is None:
            return Value(t, None, m)
        if isinstance(t, PrimitiveType):
            if t is STRING or t.name == "string":
                return Value(t, x, m)
            if t.name == "number":
                return Value(t, Number.parse(x), m)
            return Value(t, bool(x), m)
        if isinstance(t, (ListType, SetType)):
            et = t.element
            return Value(
                t, tuple(dec(e, et, un.get(i, _EMPTY), mk.get(i, _EMPTY)) for i, e in enumerate(x)), m
            )
        if isinstance(t, TupleType):
            return Value(
                t,
                tuple(
                    dec(e, et, un.get(i, _EMPTY), mk.get(i, _EMPTY)) for i, (e, et) in enumerate(zip(x, t.elements))
                ),
                m,
            )
        if isinstance(t, MapType):
            return Value(t, {k: dec(x[k], t.element, un.get(k, _EMPTY), mk.get(k, _EMPTY)) for k in sorted(x)}, m)
        if isinstance(t, ObjectType):
            return Value(
                t, {k: dec(x[k], t.attrs[k], un.get(k, _EMPTY), mk.get(k, _EMPTY)) for k in sorted(t.attrs)}, m
            )
        raise PlanFileError(f"cannot decode a known value of type {t.friendly_name()}")

    return dec(d["value"], t, unknown, marks)


def _path_enc(p: Path) -> list[Any]:
    return [{"key": s[0]} if isinstance(s, tuple) else s for s in p]


def _path_dec(p: list[Any]) -> Path:
    return tuple((s["key"],) if isinstance(s, dict) else s for s in p)


# ------------------------------------------------------------------ changes


def _change_enc(c: ResourceInstanceChange) -> dict[str, Any]:
    return {
        "address": c.address,
        "mode": c.mode,
        "type": c.type,
        "name": c.name,
        "action": c.action.value,
        "before": encode_value(c.before),
        "after": encode_value(c.after),
        "provider_name": c.provider_name,
        "provider_config_addr": c.provider_config_addr,
        "module_address": c.module_address,
        "index": c.index,
        "prev_run_address": c.prev_run_address,
        "deposed": c.deposed,
        "action_reason": c.action_reason.value,
        "replace_paths": [_path_enc(p) for p in c.replace_paths],
        "importing": None if c.importing is None else {"id": c.importing.id, "identity": c.importing.identity},
        "generated_config": c.generated_config,
        "schema_version": c.schema_version,
        **({} if c.private is None else {"private": base64.b64encode(c.private).decode("ascii")}),
    }


def _change_dec(d: dict[str, Any], tc: dict[str, Type] | None = None) -> ResourceInstanceChange:
    imp = d.get("importing")
    return ResourceInstanceChange(
        address=d["address"],
        mode=d["mode"],
        type=d["type"],
        name=d["name"],
        action=Action(d["action"]),
        before=decode_value(d["before"], tc),
        after=decode_value(d["after"], tc),
        provider_name=d.get("provider_name", ""),
        provider_config_addr=d.get("provider_config_addr", ""),
        module_address=d.get("module_address", ""),
        index=d.get("index"),
        prev_run_address=d.get("prev_run_address", ""),
        deposed=d.get("deposed", ""),
        action_reason=ActionReason(d.get("action_reason", "")),
        replace_paths=[_path_dec(p) for p in d.get("replace_paths", [])],
        importing=None if imp is None else Importing(imp.get("id", ""), imp.get("identity")),
        generated_config=d.get("generated_config", ""),
        schema_version=d.get("schema_version", 0),
        private=None if d.get("private") is None else base64.b64decode(d["private"]),
    )


def plan_to_document(plan: Plan) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "terraform_version": plan.terraform_version,
        "ui_mode": plan.ui_mode.value,
        "timestamp": plan.timestamp,
        "applyable": plan.applyable,
        "complete": plan.complete,
        "errored": plan.errored,
        "target_addrs": list(plan.target_addrs),
        **({"exclude_addrs": list(plan.exclude_addrs)} if plan.exclude_addrs else {}),
        "force_replace_addrs": list(plan.force_replace_addrs),
        **({"allow_data_loss_addrs": list(plan.allow_data_loss_addrs)} if plan.allow_data_loss_addrs else {}),
        "variables": {k: encode_value(v) for k, v in plan.variables.items()},
        "changes": [_change_enc(c) for c in plan.changes],
        "drift": [_change_enc(c) for c in plan.drift],
        "output_changes": [
            {
                "name": o.name,
                "action": o.action.value,
                "before": encode_value(o.before),
                "after": encode_value(o.after),
                "sensitive": o.sensitive,
            }
            for o in plan.output_changes
        ],
        "relevant_attributes": [[r, _path_enc(p)] for r, p in plan.relevant_attributes],
        "checks": None
        if plan.checks is None
        else [{"address": c.address, "status": c.status, "instances": c.instances} for c in plan.checks],
    }


def plan_from_document(d: dict[str, Any]) -> Plan:
    if d.get("format") != FORMAT or d.get("format_version") != FORMAT_VERSION:
        raise PlanFileError(f"unsupported plan format {d.get('format')!r} version {d.get('format_version')!r}")
    checks = d.get("checks")
    tc: dict[str, Type] = {}
    return Plan(
        changes=[_change_dec(c, tc) for c in d.get("changes", [])],
        output_changes=[
            OutputChange(
                o["name"], Action(o["action"]), decode_value(o["before"]), decode_value(o["after"]), o["sensitive"]
            )
            for o in d.get("output_changes", [])
        ],
        drift=[_change_dec(c, tc) for c in d.get("drift", [])],
        variables={k: decode_value(v) for k, v in d.get("variables", {}).items()},
        target_addrs=list(d.get("target_addrs", [])),
        exclude_addrs=list(d.get("exclude_addrs", [])),
        force_replace_addrs=list(d.get("force_replace_addrs", [])),
        allow_data_loss_addrs=list(d.get("allow_data_loss_addrs", [])),
        ui_mode=UIMode(d.get("ui_mode", "normal")),
        timestamp=d.get("timestamp", ""),
        applyable=d.get("applyable", True),
        complete=d.get("complete", True),
        errored=d.get("errored", False),
        relevant_attributes=[(r, _path_dec(p)) for r, p in d.get("relevant_attributes", [])],
        checks=None if checks is None else [CheckResult(c["address"], c["status"], c.get("instances", [])) for c in checks],
        terraform_version=d.get("terraform_version", TERRAFORM_VERSION),
    )


# ------------------------------------------------------------------ integrity

_DIGEST_TAG = b"sheath-plan sha256="
_SIGNATURE_TAG = b" hmac-sha256="
_HEX_LEN = 64
_UNSIGNED_LEN = len(_DIGEST_TAG) + _HEX_LEN
_SIGNED_LEN = _UNSIGNED_LEN + len(_SIGNATURE_TAG) + _HEX_LEN
_EOCD = b"PK\x05\x06"
_EOCD_LEN = 22
_HEX = frozenset(b"0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Trailer:
    """A plan file's integrity trailer: the digest (and signature) as written, in hex,
    and the length of the bytes they cover."""

    digest: bytes
    signature: bytes | None
    covered: int


def _trailer_text(digest: bytes, signature: bytes | None) -> bytes:
    return _DIGEST_TAG + digest + (b"" if signature is None else _SIGNATURE_TAG + signature)


def find_trailer(data: bytes) -> Trailer | None:
    """The trailer of a plan file saved by this sheath, or None when the file does not
    end with one (not a plan file, an older one, truncated or damaged)."""
    for length, signed in ((_UNSIGNED_LEN, False), (_SIGNED_LEN, True)):
        if len(data) < _EOCD_LEN + length:
            continue
        end = data[-(_EOCD_LEN + length) : -length]
        if end[:4] != _EOCD or int.from_bytes(end[20:22], "little") != length:
            continue
        text = data[-length:]
        digest = text[len(_DIGEST_TAG) : _UNSIGNED_LEN]
        signature = text[_UNSIGNED_LEN + len(_SIGNATURE_TAG) :] if signed else None
        if text != _trailer_text(digest, signature) or not set(digest) <= _HEX:
            continue
        if signature is not None and not set(signature) <= _HEX:
            continue
        return Trailer(digest, signature, len(data) - length)
    return None


def _digest(body: bytes) -> bytes:
    return hashlib.sha256(body).hexdigest().encode("ascii")


def _signature(body: bytes, key: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")


def _read_error(filename: str, reason: str) -> Diagnostics:
    diags = Diagnostics()
    diags.add_error("Failed to read plan from plan file", f"Cannot read the plan from the given plan file {filename}: {reason}")
    return diags


def _untrailed_reason(data: bytes) -> str:
    """Why a file without a trailer is refused, as precisely as can be told."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, struct.error):
        return "it is not a valid zip file: the file is corrupt or truncated, or it is not a plan file."
    if "tfplan" not in names or "tfstate" not in names:
        return "it is not a sheath plan file (missing tfplan or tfstate), or it is corrupt."
    if _terraform_plan(data):
        return "it is a plan file saved by terraform; sheath reads only the plan files it saves (sheath plan -out=FILE)."
    return (
        "it has no integrity digest: it was modified after it was saved or is corrupt, "
        'or an older sheath saved it. Make a new plan with "sheath plan -out=FILE".'
    )


def _terraform_plan(data: bytes) -> bool:
    """Whether tfplan holds terraform's binary plan (protocol buffers) rather than JSON."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            head = z.read("tfplan")[:1]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, struct.error, zlib.error, KeyError):
        return False
    return head not in (b"{", b"")


def verify_plan_file(data: bytes, filename: str, signing_key: bytes | None) -> Diagnostics:
    """Errors unless data is a plan file whose bytes match its digest and whose signature
    matches signing_key (no key: the plan must be unsigned; a key: it must be signed
    with that key)."""
    trailer = find_trailer(data)
    if trailer is None:
        return _read_error(filename, _untrailed_reason(data))
    body = data[: trailer.covered]
    if not hmac.compare_digest(_digest(body), trailer.digest):
        return _read_error(
            filename,
            "its content does not match its digest: the plan file was modified after it was saved, "
            'or it is corrupt. Make a new plan with "sheath plan -out=FILE".',
        )
    diags = Diagnostics()
    if trailer.signature is None and signing_key is not None:
        diags.add_error(
            "Plan file is not signed",
            f"A plan signing key is configured, but the plan file {filename} has no signature. Only a plan "
            "saved with the same key (sheath plan -out=FILE -plan-signing-key=KEYFILE) is accepted.",
        )
    elif trailer.signature is not None and signing_key is None:
        diags.add_error(
            "Plan file is signed",
            f"The plan file {filename} is signed; give the key to verify it, with -plan-signing-key=KEYFILE "
            "or the SHEATH_PLAN_SIGNING_KEY_FILE environment variable.",
        )
    elif trailer.signature is not None and signing_key is not None:
        if not hmac.compare_digest(_signature(body, signing_key), trailer.signature):
            diags.add_error(
                "Plan file signature does not match",
                f"The plan file {filename} was signed with another key, or modified after it was signed. "
                "It will not be used.",
            )
    return diags


# ------------------------------------------------------------------ files

_MEMBERS = ("tfplan", "tfstate", "tfstate-prev", "origin")
_CONFIG_PREFIX = "tfconfig/"
# The most a plan file's entries may hold once decompressed, together: a bound on
# the memory a hostile file (a "zip bomb" with a recomputed digest) can claim.
MAX_CONTENT_BYTES = 4 << 30


def write_plan_file(
    plan: Plan,
    config_files: dict[str, bytes] | None = None,
    signing_key: bytes | None = None,
    codec: StateCodec | None = None,
    origin: str = "",
) -> bytes:
    """The bytes of a plan file for plan (its prior state must be set), with its digest
    and, given a signing key, its signature; encrypted as a whole with codec (None: the
    plan encryption the working directory's configuration gives, see sheath.states.codec)."""
    buf = io.BytesIO()
    placeholder = _trailer_text(b"0" * _HEX_LEN, None if signing_key is None else b"0" * _HEX_LEN)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("tfplan", json.dumps(plan_to_document(plan), separators=(",", ":"), ensure_ascii=False))
        prior = plan.prior_state if plan.prior_state is not None else StateFile()
        z.writestr("tfstate", write_state_file(prior))
        if plan.prev_run_state is not None:
            z.writestr("tfstate-prev", write_state_file(plan.prev_run_state))
        for name in sorted(config_files or {}):
            z.writestr(_CONFIG_PREFIX + name, (config_files or {})[name])
        if origin:
            z.writestr("origin", origin.encode("utf-8"))
        z.comment = placeholder
    data = buf.getvalue()
    body = data[: len(data) - len(placeholder)]
    assert data[len(body) :] == placeholder
    signature = None if signing_key is None else _signature(body, signing_key)
    data = body + _trailer_text(_digest(body), signature)
    if codec is None:
        codec, cd = working_plan_codec()
        if codec is None:
            raise PlanFileError("; ".join(f"{d.summary}: {d.detail}" for d in cd if d.is_error))
    try:
        return codec.encode(data)
    except EncryptionError as exc:
        raise PlanFileError(f"the plan could not be encrypted: {exc}") from None


# What reading a plan file may raise on damaged or hostile content: zip structure,
# decompression, JSON shape and value decoding errors. They all become a diagnostic.
_DECODE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    PlanFileError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    OverflowError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,  # RecursionError, encrypted entries
)


def read_plan_file(
    data: bytes, filename: str = "plan", signing_key: bytes | None = None, codec: StateCodec | None = None
) -> tuple[PlanFile | None, Diagnostics]:
    """Verify and parse plan file bytes (decrypted with codec; None: the working directory's
    plan encryption); problems are diagnostics. See verify_plan_file for what signing_key
    requires."""
    if codec is None:
        codec, cd = working_plan_codec()
        if codec is None:
            return None, cd
    if codec is PLAIN and is_encrypted_document(data):
        return None, _read_error(
            filename,
            "it is encrypted, and the configuration (its encryption block, or TF_ENCRYPTION) configures no plan "
            "encryption to decrypt it with.",
        )
    try:
        data, _ = codec.decode(data)
    except EncryptionError as exc:
        return None, _read_error(filename, f"it could not be decrypted with the configured plan encryption: {exc}.")
    diags = verify_plan_file(data, filename, signing_key)
    if diags.has_errors():
        return None, diags
    try:
        plan, config, origin, diags = _decode(data, filename)
    except _DECODE_ERRORS as exc:
        return None, _read_error(filename, f"its content cannot be decoded ({type(exc).__name__}: {exc}).")
    if plan is None or diags.has_errors():
        return None, diags
    return PlanFile(plan, config, origin), diags


def _decode(data: bytes, filename: str) -> tuple[Plan | None, dict[str, bytes], str, Diagnostics]:
    diags = Diagnostics()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise PlanFileError("an entry appears twice")
        unknown = [n for n in names if n not in _MEMBERS and not n.startswith(_CONFIG_PREFIX)]
        if unknown:
            raise PlanFileError(f"unexpected entry {unknown[0]!r}")
        if "tfplan" not in names or "tfstate" not in names:
            raise PlanFileError("it is not a sheath plan file (missing tfplan or tfstate)")
        if sum(i.file_size for i in infos) > MAX_CONTENT_BYTES:
            raise PlanFileError(f"its entries would hold more than {MAX_CONTENT_BYTES} bytes")
        doc = json.loads(z.read("tfplan"))
        if not isinstance(doc, dict):
            raise PlanFileError("tfplan is not a JSON object")
        plan = plan_from_document(doc)
        prior, sd = read_state_file(z.read("tfstate"), filename + ":tfstate")
        diags.extend(sd)
        plan.prior_state = prior
        if "tfstate-prev" in names:
            prev, pd = read_state_file(z.read("tfstate-prev"), filename + ":tfstate-prev")
            diags.extend(pd)
            plan.prev_run_state = prev
        config = {n[len(_CONFIG_PREFIX) :]: z.read(n) for n in sorted(names) if n.startswith(_CONFIG_PREFIX)}
        origin = z.read("origin").decode("utf-8") if "origin" in names else ""
    return plan, config, origin, diags


def plan_matches_state(plan: Plan, current: StateFile | None) -> Diagnostics:
    """Whether a saved plan may be applied to the current state (terraform's check).

    A plan made from no prior state (lineage "" and serial 0) only needs the
    serial to match; otherwise both lineage and serial must.
    """
    diags = Diagnostics()
    prior = plan.prior_state if plan.prior_state is not None else StateFile()
    cur_lineage = current.lineage if current is not None else ""
    cur_serial = current.serial if current is not None else 0
    first_plan = prior.lineage == "" and prior.serial == 0
    if not first_plan and prior.lineage != cur_lineage:
        diags.add_error(
            "Saved plan does not match the given state",
            "The given plan file can not be applied because it was created from a different state lineage.",
        )
    elif prior.serial != cur_serial:
        diags.add_error(
            "Saved plan is stale",
            "The given plan file can no longer be applied because the state was changed by another operation "
            "after the plan was created.",
        )
    return diags
