"""How a state manager turns the state document into the bytes it stores, and back.

A state manager keeps and compares the plain JSON document; the codec is applied
only where bytes leave for storage (a file, a database row, an object) and where
they come back. ``PLAIN`` stores the document as it is; ``EncryptedStateCodec``
stores OpenTofu's encrypted document (``sheath.states.encryption``) and reads
plaintext too where an ``unencrypted`` method allows it (migrating in).

``configured_encryption`` is the configuration a root module's ``encryption``
blocks and the ``TF_ENCRYPTION`` variable give; ``state_codec`` and
``plan_codec`` pick the codec the state and saved plans use.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sheath.diag import Diagnostics, error
from sheath.states.encryption import EncryptionConfig, EncryptionError, Target, environment_body, parse_encryption, state_passthrough

if TYPE_CHECKING:
    from sheath.config.module import Module


class StateCodec(Protocol):
    """Stored bytes from the plain document and back; both raise EncryptionError. decode
    also says whether the bytes are in another form than encode writes (read with the
    fallback method, or plaintext read while the method encrypts): the next write
    should rewrite them even when the document is unchanged (rotation, migration)."""

    def encode(self, plain: bytes) -> bytes: ...

    def decode(self, stored: bytes) -> tuple[bytes, bool]: ...


@dataclass(frozen=True)
class PlainCodec:
    """The document stored as it is (no encryption configured)."""

    def encode(self, plain: bytes) -> bytes:
        return plain

    def decode(self, stored: bytes) -> tuple[bytes, bool]:
        if is_encrypted_document(stored):
            raise EncryptionError(
                "it is encrypted, and no encryption is configured to decrypt it with (an encryption block "
                "in the terraform block, or TF_ENCRYPTION)"
            )
        return stored, False


PLAIN = PlainCodec()

# the runs that lock a state to change it: holding their lock, a manager rewrites a state
# stored in another form than the configured one at once (a run that ends without a
# change writes nothing, and key rotation and migration must not wait for a change)
REWRITING_OPERATIONS = ("OperationTypeApply", "OperationTypeRefresh")


@dataclass(frozen=True)
class EncryptedStateCodec:
    """A state target: written with its method (serial and lineage kept in clear), read
    with the method or its fallback."""

    target: Target

    def encode(self, plain: bytes) -> bytes:
        return self.target.encrypt(plain, state_passthrough)

    def decode(self, stored: bytes) -> tuple[bytes, bool]:
        plain, other_form = self.target.decrypt(stored)
        _check_clear_fields(stored, plain)
        return plain, other_form


@dataclass(frozen=True)
class EncryptedPlanCodec:
    """A plan target: the saved plan file as a whole, written with its method."""

    target: Target

    def encode(self, plain: bytes) -> bytes:
        return self.target.encrypt(plain)

    def decode(self, stored: bytes) -> tuple[bytes, bool]:
        return self.target.decrypt(stored)


@dataclass(frozen=True)
class EncryptedLineCodec:
    """One line of a state's journal, sealed as an encrypted document of its own with the
    state's method. Plain lines (journaled before encryption was configured) still read:
    the journal is sheath's own local file."""

    target: Target

    def encode(self, plain: bytes) -> bytes:
        return self.target.encrypt(plain)

    def decode(self, stored: bytes) -> tuple[bytes, bool]:
        if not is_encrypted_document(stored):
            return stored, self.target.method.type != "unencrypted"
        return self.target.decrypt(stored)


def document_codec(codec: StateCodec) -> StateCodec:
    """The codec of sheath's own documents about a state stored with codec (its journal
    lines, its configuration snapshots): sealed with the state's method when it has one."""
    if isinstance(codec, EncryptedStateCodec):
        return EncryptedLineCodec(codec.target)
    return PLAIN



def _check_clear_fields(stored: bytes, plain: bytes) -> None:
    """The serial and lineage kept in clear must be the encrypted state's (OpenTofu checks
    the same): a document whose clear fields were edited is refused."""
    try:
        outer = json.loads(stored)
        inner = json.loads(plain)
    except ValueError:
        return
    if not isinstance(outer, dict) or not isinstance(inner, dict) or "encryption_version" not in outer:
        return
    if outer.get("serial") is not None and outer.get("serial") != inner.get("serial"):
        raise EncryptionError(f"invalid state metadata: the serial in clear ({outer.get('serial')}) is not the state's ({inner.get('serial')})")
    if outer.get("lineage") and outer.get("lineage") != inner.get("lineage"):
        raise EncryptionError("invalid state metadata: the lineage in clear is not the state's")


def encryption_error(path: str, exc: EncryptionError, writing: bool = False) -> Diagnostics:
    """The error for a state that cannot be encrypted or decrypted (never a key)."""
    if writing:
        d = error("Failed to encrypt the state", f"The state for {path} was not written: {exc}")
    else:
        d = error(
            "Failed to decrypt the state",
            f"The state in {path} could not be decrypted with the configured encryption: {exc}. Nothing was "
            "changed. Check the passphrase or key (TF_ENCRYPTION, the encryption block), or add the previous "
            "key as the state's fallback method.",
        )
    d.extra["encryption"] = path
    return Diagnostics([d])


def variable_values(
    module: Module,
    environ: Mapping[str, str] | None = None,
    given: Mapping[str, Any] | None = None,
    var_args: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The root variables the encryption configuration may use, from every source OpenTofu
    evaluates it with: their defaults, TF_VAR_ variables, terraform.tfvars, *.auto.tfvars,
    then var_args (the command line's -var and -var-file, as ("var", "k=v") or ("var-file",
    path) in their order), then given (InputValues a caller passes, as the Python API's
    variables). A variable without a value is unknown (an error where it is used); the
    sources' own errors are the operation's to report."""
    from sheath.config.variables import collect_variable_values, finalize_variable_value
    from sheath.types.cty import unknown

    values, _ = collect_variable_values(module, module.source_dir or ".", var_args, environ)
    values.update(given or {})
    out: dict[str, Any] = {}
    for name, var in module.variables.items():
        if name not in values and var.default is None:
            out[name] = unknown(var.type)
            continue
        v, d = finalize_variable_value(var, values.get(name))
        if not d.has_errors():
            out[name] = v
    return out


def configured_encryption(
    module: Module | None,
    environ: Mapping[str, str] | None = None,
    given: Mapping[str, Any] | None = None,
    var_args: Sequence[tuple[str, str]] = (),
) -> tuple[EncryptionConfig | None, Diagnostics]:
    """The encryption configuration of the root module merged with TF_ENCRYPTION's; None
    when neither configures any."""
    diags = Diagnostics()
    bodies: list[Any] = [e.config for e in module.encryptions] if module is not None else []
    env_body, d = environment_body(environ)
    diags.extend(d)
    if d.has_errors():
        return None, diags
    if env_body is not None:
        bodies.append(env_body)
    if not bodies:
        return None, diags
    cfg, d = parse_encryption(bodies, variable_values(module, environ, given, var_args) if module is not None else {})
    diags.extend(d)
    return cfg, diags


def state_codec(
    module: Module | None,
    environ: Mapping[str, str] | None = None,
    given: Mapping[str, Any] | None = None,
    var_args: Sequence[tuple[str, str]] = (),
) -> tuple[StateCodec | None, Diagnostics]:
    """The codec of the state (PLAIN without a state target); None with the errors."""
    cfg, diags = configured_encryption(module, environ, given, var_args)
    if diags.has_errors():
        return None, diags
    if cfg is None or cfg.state is None:
        return PLAIN, diags
    return EncryptedStateCodec(cfg.state), diags


def _root_module(root_dir: str) -> Module | None:
    from sheath.config.loader import config_files, load_module

    primary, override, _ = config_files(root_dir)
    if not (primary or override):
        return None
    module, _ = load_module(root_dir)
    return module


def working_plan_codec(
    root_dir: str = ".", environ: Mapping[str, str] | None = None, var_args: Sequence[tuple[str, str]] = ()
) -> tuple[StateCodec | None, Diagnostics]:
    """The plan codec of the root module in root_dir (the working directory a plan file is
    saved in and applied from; var_args: the command's -var and -var-file); None with the errors."""
    return plan_codec(_root_module(root_dir), environ, var_args)


def working_state_codec(root_dir: str = ".", environ: Mapping[str, str] | None = None) -> tuple[StateCodec | None, Diagnostics]:
    """The state codec of the root module in root_dir (for a state file a command is given
    by path); None with the errors."""
    return state_codec(_root_module(root_dir), environ)


def working_encryption(
    root_dir: str = ".",
    environ: Mapping[str, str] | None = None,
    var_args: Sequence[tuple[str, str]] = (),
    given: Mapping[str, Any] | None = None,
) -> tuple[EncryptionConfig | None, Diagnostics]:
    """The encryption configuration of the root module in root_dir merged with
    TF_ENCRYPTION's (None when neither configures any); var_args: the command's -var and
    -var-file; given: the InputValues a calling program passes (the Python API's variables)."""
    return configured_encryption(_root_module(root_dir), environ, given, var_args)


def remote_state_codec(cfg: EncryptionConfig | None, address: str) -> StateCodec:
    """The codec a terraform_remote_state instance (at address) reads its state with: the
    remote_state_data_sources target configured for it (its block, else default), else PLAIN
    (a plain state reads, an encrypted one is an error)."""
    target = cfg.remote_state_target(address) if cfg is not None else None
    return PLAIN if target is None else EncryptedStateCodec(target)


def is_encrypted_document(data: bytes) -> bool:
    """Whether data is an encrypted document (OpenTofu's: JSON with encryption_version)."""
    if not data.lstrip()[:1] == b"{" or b'"encryption_version"' not in data:
        return False
    try:
        doc = json.loads(data)
    except ValueError:
        return False
    return isinstance(doc, dict) and bool(doc.get("encryption_version"))


def plan_codec(
    module: Module | None, environ: Mapping[str, str] | None = None, var_args: Sequence[tuple[str, str]] = ()
) -> tuple[StateCodec | None, Diagnostics]:
    """The codec of saved plan files (PLAIN without a plan target); None with the errors."""
    cfg, diags = configured_encryption(module, environ, None, var_args)
    if diags.has_errors():
        return None, diags
    if cfg is None or cfg.plan is None:
        return PLAIN, diags
    return EncryptedPlanCodec(cfg.plan), diags


__all__ = [
    "PLAIN",
    "REWRITING_OPERATIONS",
    "EncryptedLineCodec",
    "EncryptedPlanCodec",
    "EncryptedStateCodec",
    "PlainCodec",
    "StateCodec",
    "configured_encryption",
    "encryption_error",
    "is_encrypted_document",
    "document_codec",
    "working_encryption",
    "working_plan_codec",
    "working_state_codec",
    "plan_codec",
    "remote_state_codec",
    "state_codec",
    "variable_values",
]
