"""``init``'s part for the backend (terraform's Meta.Backend with Init set).

The backend block's configuration, with the ``-backend-config`` overrides
merged over it (files and KEY=VALUE items, later ones winning), is compared
with the record of the last ``init`` in ``.terraform/terraform.tfstate``:

  no block, no record        the implied local backend; nothing is recorded
  a block, no record         the backend is configured and recorded (existing
                             local states are migrated into it first)
  a block that matches       nothing changes
  a block that changed       an error, unless ``-reconfigure`` (record the new
                             one, leave the states alone) or ``-migrate-state``
                             (copy the old backend's states into the new one)
  a record, no block         the same, with the implied local backend as new

The record's hash is the hash of the block alone, as terraform's is, so
overrides given once are remembered and a plain ``init`` afterwards matches.
Copying states needs approval: ``-force-copy``, or "yes" on standard input;
with ``-input=false`` and no ``-force-copy`` it is terraform's error.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from sheath.backend import Backend
from sheath.backend.config import SCHEMAS, BackendConfig, build_backend, decode_backend, literal_value, record_path
from sheath.backend.current import block_matches_record, read_record
from sheath.backend.local import LocalBackend
from sheath.config.module import Module
from sheath.diag import Diagnostics, error
from sheath.lang.hclsyntax.parser import parse_config
from sheath.providers.schema import Block, decode_body
from sheath.states.statefile import StateFile
from sheath.types.convert import ConversionError, convert
from sheath.types.cty import Value, object_val, string_val

SUCCESS = (
    'Successfully configured the backend "{type}"! Terraform will automatically\n'
    "use this backend unless the backend configuration changes."
)

_CHANGED_DETAIL = (
    "A change in the backend configuration has been detected, which may require migrating existing state.\n\n"
    'If you wish to attempt automatic migration of the state, use "terraform init -migrate-state".\n'
    'If you wish to store the current configuration with no changes to the state, use "terraform init -reconfigure".'
)

_INPUT_DISABLED = (
    "Can't ask approval for state migration when interactive input is disabled.\n\n"
    'Please remove the "-input=false" option and try again.'
)

_ASK_EMPTY = (
    "Pre-existing state was found while migrating the previous {old!r} backend to the\n"
    "newly configured {new!r} backend. No existing state was found in the newly\n"
    "configured {new!r} backend. Do you want to copy this state to the new {new!r}\n"
    'backend? Enter "yes" to copy and "no" to start with an empty state.'
)


@dataclass
class BackendInitOptions:
    overrides: Sequence[str] = ()  # -backend-config items, in order
    reconfigure: bool = False
    migrate_state: bool = False
    force_copy: bool = False
    input: bool = True
    environ: Mapping[str, str] | None = None
    ask: Callable[[str], str] | None = None  # the approval prompt (None: no input possible)
    lock: bool = True  # lock each destination state while a state is copied into it
    lock_timeout: float = 0.0


@dataclass
class BackendInitResult:
    """What init says about the backend (terraform's coloured success message) and the backend."""

    configured_type: str = ""  # set when the backend was (re)configured: the success message names it
    migrated: list[str] = field(default_factory=list)  # workspaces whose state was copied


def _quoted(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def override_values(
    schema: Block, items: Sequence[str], read_file: Callable[[str], bytes] | None = None
) -> tuple[dict[str, Value], Diagnostics]:
    """The -backend-config items as attribute values: FILE (an HCL file of attributes) or
    KEY=VALUE (a primitive-typed value converted from the string, others parsed as HCL)."""
    diags = Diagnostics()
    out: dict[str, Value] = {}
    reader = read_file or _read_bytes
    for item in items:
        eq = item.find("=")
        if eq == -1:
            try:
                src = reader(item)
            except OSError:
                diags.append(error("Failed to read file", f'The file "{item}" could not be read.'))
                continue
            f, pd = parse_config(src, item)
            diags.extend(pd)
            if pd.has_errors():
                continue
            value, vd = decode_body(schema, f.body, literal_value)
            diags.extend(vd)
            if vd.has_errors():
                continue
            present, _ = f.body.just_attributes()
            for name in present:
                out[name] = value.v[name]
            continue
        name, raw = item[:eq], item[eq + 1 :]
        attr = schema.attributes.get(name)
        if attr is None:
            diags.append(
                error(
                    "Invalid backend configuration argument",
                    f"The backend configuration argument {_quoted(name)} given on the command line is not expected "
                    "for the selected backend type.",
                )
            )
            continue
        want = attr.implied_type()
        if want.is_primitive():
            try:
                out[name] = convert(string_val(raw), want)
            except ConversionError as exc:
                diags.append(
                    error(
                        "Invalid backend configuration value",
                        f"Invalid backend configuration argument {item}: {exc}",
                    )
                )
            continue
        from sheath.lang.hclsyntax.parser import parse_expression

        expr, ed = parse_expression(raw.encode(), item)
        diags.extend(ed)
        if ed.has_errors():
            continue
        v, vd = literal_value(expr)
        diags.extend(vd)
        if not vd.has_errors():
            try:
                out[name] = convert(v, want)
            except ConversionError as exc:
                diags.append(error("Invalid backend configuration value", f"Invalid backend configuration argument {item}: {exc}"))
    return out, diags


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def configured(module: Module, items: Sequence[str]) -> tuple[BackendConfig | None, Diagnostics]:
    """The block's configuration with the overrides merged over it; its hash is the block's own."""
    diags = Diagnostics()
    block = module.backend
    assert block is not None
    decoded, d = decode_backend(block.type, [block.config])
    diags.extend(d)
    if decoded is None:
        return None, diags
    if not items:
        return decoded, diags
    schema = SCHEMAS[block.type]
    values, od = override_values(schema, items)
    diags.extend(od)
    if od.has_errors():
        return None, diags
    merged = dict(decoded.value.v)
    merged.update(values)
    return BackendConfig(block.type, object_val(merged), decoded.hash), diags


def _same_settings(a: BackendConfig, b: BackendConfig) -> bool:
    return a.type == b.type and a.settings() == b.settings()


def initialise_backend(root_dir: str, module: Module, opts: BackendInitOptions) -> tuple[BackendInitResult, Diagnostics]:
    """Configure (and record) the backend the root module selects; see the module docstring."""
    res = BackendInitResult()
    diags = Diagnostics()
    items = list(opts.overrides)
    if items == [""]:
        items = []  # -backend-config='' removes the remembered overrides
    if module.backend is None:
        if items:
            diags.append(
                error(
                    "Invalid command-line option",
                    "The -backend-config option is used only when the root module has a backend block.",
                )
            )
            return res, diags
        record, rd = read_record(root_dir, opts.environ)
        diags.extend(rd)
        if rd.has_errors() or record is None:
            return res, diags
        # unsetting a recorded backend: back to the implied local backend
        if not (opts.reconfigure or opts.migrate_state):
            diags.append(error("Backend configuration changed", _CHANGED_DETAIL))
            return res, diags
        if opts.migrate_state and not opts.reconfigure:
            previous, bd = build_backend(record, opts.environ)
            diags.extend(bd)
            if previous is None:
                return res, diags
            diags.extend(_migrate(previous, record.type, LocalBackend(), "local", opts, res, module))
            if diags.has_errors():
                return res, diags
        try:
            os.remove(record_path(root_dir, opts.environ))
        except FileNotFoundError:
            pass
        except OSError as exc:
            diags.append(error("Failed to save the backend configuration", f"Error removing {record_path(root_dir, opts.environ)}: {exc.strerror}"))
        return res, diags

    cfg, cd = configured(module, items)
    diags.extend(cd)
    if cfg is None:
        return res, diags
    record, rd = read_record(root_dir, opts.environ)
    diags.extend(rd)
    if rd.has_errors():
        return res, diags
    if record is not None and not opts.reconfigure:
        unchanged = record.type == cfg.type and (
            _same_settings(record, cfg) if items else block_matches_record(cfg, record)
        )
        if unchanged:
            if not items:
                cfg = record  # keep the overrides given before
            backend, bd = build_backend(cfg, opts.environ)
            diags.extend(bd)
            if backend is not None:
                diags.extend(backend.workspaces()[1])
            return res, diags
        if not opts.migrate_state:
            diags.append(error("Backend configuration changed", _CHANGED_DETAIL))
            return res, diags
    backend, bd = build_backend(cfg, opts.environ)
    diags.extend(bd)
    if backend is None:
        return res, diags
    _, wd = backend.workspaces()  # reaches the backend (pg creates its schema and table here)
    diags.extend(wd)
    if wd.has_errors():
        return res, diags
    if not opts.reconfigure:
        if record is None:
            old: Backend | None = LocalBackend()
            old_type = "local"
        else:
            old, od = build_backend(record, opts.environ)
            diags.extend(od)
            old_type = record.type
        if old is not None and not (record is None and cfg.type == "local" and _same_local(cfg)):
            diags.extend(_migrate(old, old_type, backend, cfg.type, opts, res, module))
            if diags.has_errors():
                return res, diags
    diags.extend(_write_record(record_path(root_dir, opts.environ), cfg))
    if not diags.has_errors():
        res.configured_type = cfg.type
    return res, diags


def _same_local(cfg: BackendConfig) -> bool:
    """A local backend block naming the default paths: the states stay where they are."""
    s = cfg.settings()
    path, workspace_dir = str(s.get("path", "terraform.tfstate")), str(s.get("workspace_dir", "terraform.tfstate.d"))
    return path == "terraform.tfstate" and workspace_dir == "terraform.tfstate.d"


def _write_record(path: str, cfg: BackendConfig) -> Diagnostics:
    diags = Diagnostics()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(cfg.record())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        diags.append(error("Failed to save the backend configuration", f"Error writing {path}: {exc.strerror}"))
    return diags


def _migrate(
    old: Backend,
    old_type: str,
    new: Backend,
    new_type: str,
    opts: BackendInitOptions,
    res: BackendInitResult,
    module: Module | None = None,
) -> Diagnostics:
    """Copy every non-empty workspace state's content into new (terraform's backendMigrateState),
    then empty the old local states (their last content stays in the .backup file). Both
    backends read and write with the configuration's state encryption (as OpenTofu's do)."""
    from sheath.states.codec import state_codec

    diags = Diagnostics()
    codec, cd = state_codec(module, opts.environ)
    diags.extend(cd)
    if codec is None:
        return diags
    for b in (old, new):
        if hasattr(b, "state_codec"):
            setattr(b, "state_codec", codec)
    names, ld = old.workspaces()
    diags.extend(ld)
    if ld.has_errors():
        return diags
    sources = []
    for name in names:
        mgr, md = old.state_mgr(name)
        diags.extend(md)
        if mgr is None:
            return diags
        rd = mgr.refresh_state()
        diags.extend(rd)
        if rd.has_errors():
            return diags
        has = getattr(mgr, "has_state", None)
        if has is not None and not has():
            continue
        sf = mgr.state_file()
        if not sf.state.resources and not sf.state.outputs:
            continue
        sources.append((name, mgr, sf))
    if not sources:
        return diags
    if not opts.force_copy:
        if not opts.input or opts.ask is None:
            diags.append(error(_INPUT_DISABLED, ""))
            return diags
        answer = opts.ask(_ASK_EMPTY.format(old=old_type, new=new_type).replace("'", '"'))
        if answer.strip() != "yes":
            return diags
    for name, _, sf in sources:
        dest, dd = new.state_mgr(name)
        diags.extend(dd)
        if dest is None:
            return diags
        info = None
        if opts.lock:
            info, lk = dest.lock("OperationTypeInvalid", opts.lock_timeout)
            diags.extend(lk)
            if lk.has_errors():
                return diags
        try:
            # terraform writes the state's content, not its identity: the destination keeps
            # its lineage (a new one when it has no state) and its serial goes up
            rd = dest.refresh_state()
            diags.extend(rd)
            if not rd.has_errors():
                has = getattr(dest, "has_state", None)
                cur = dest.state_file() if has is None or has() else StateFile(lineage="")
                dest.write_state(StateFile(sf.state, cur.serial, cur.lineage, cur.terraform_version))
                diags.extend(dest.persist_state())
        finally:
            if info is not None:
                diags.extend(dest.unlock(info.id))
        if diags.has_errors():
            return diags
        res.migrated.append(name)
    if isinstance(old, LocalBackend) and not isinstance(new, LocalBackend):
        for name, _, _ in sources:
            diags.extend(_empty_local_state(old.state_path(name)))
    return diags


def _empty_local_state(path: str) -> Diagnostics:
    """terraform writes a nil state to the local file it migrated from: the file is left empty,
    its last content in path.backup."""
    diags = Diagnostics()
    try:
        shutil.copyfile(path, path + ".backup")
        with open(path, "r+b") as fh:
            fh.truncate(0)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        diags.append(error("Failed to empty the migrated local state", f"{path}: {exc.strerror}"))
    return diags


__all__ = [
    "SUCCESS",
    "BackendInitOptions",
    "BackendInitResult",
    "configured",
    "initialise_backend",
    "override_values",
]
