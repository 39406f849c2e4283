"""The builtin provider terraform.io/builtin/terraform.

terraform_data: stores ``input`` and mirrors it into ``output``; a change of
``triggers_replace`` replaces the instance; ``id`` is a random UUID in
hashicorp/go-uuid's format (16 random bytes, no version bits).

terraform_remote_state: reads the root outputs of another state from the
``local``, ``pg`` or ``s3`` backend (``sheath.backend.remote_read``: the backend's
schema and sheath's own clients), in the given ``workspace``. An encrypted state is decrypted with the method the
root module's ``remote_state_data_sources`` configures for the instance (as OpenTofu
does; ``sheath.states.codec.remote_state_codec``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sheath.backend.config import BackendConfig
from sheath.backend.remote_read import LOADING_STATE_ERROR, READABLE_BACKENDS, ConfigProblem, coerce_backend_config, read_stored_state
from sheath.diag import Diagnostics
from sheath.providers.builtin.functions import provider_functions
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    MoveResourceStateRequest,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    ReadDataSourceRequest,
    ReadDataSourceResponse,
    ServerCapabilities,
    attribute_error,
)
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import (
    DataSourceType,
    NativeProvider,
    ResourceType,
    attr,
    with_attrs,
)
from sheath.states import gojson, read_state_file
from sheath.types import (
    DYNAMIC,
    STRING,
    MapType,
    ObjectType,
    Value,
    null,
    object_val,
    string_val,
    unknown,
)
from sheath.types.json import JSONError, type_from_json, value_from_json
from sheath.types.ops import go_quote, raw_equal

if TYPE_CHECKING:
    from sheath.states.encryption import EncryptionConfig

PROVIDER_ADDRESS = "terraform.io/builtin/terraform"

_NULL_RESOURCE_TYPE = ObjectType({"id": STRING, "triggers": MapType(STRING)})

DATA_SCHEMA = Schema(
    Block(
        {
            "id": Attribute(STRING, computed=True),
            "input": Attribute(DYNAMIC, optional=True),
            "output": Attribute(DYNAMIC, computed=True),
            "triggers_replace": Attribute(DYNAMIC, optional=True),
        }
    )
)

REMOTE_STATE_SCHEMA = Schema(
    Block(
        {
            "backend": Attribute(STRING, required=True, description="The remote backend to use, e.g. `remote` or `http`."),
            "config": Attribute(DYNAMIC, optional=True, description="The configuration of the remote backend."),
            "defaults": Attribute(DYNAMIC, optional=True, description="Default values for outputs."),
            "outputs": Attribute(DYNAMIC, computed=True, description="Every root-level output in the remote state."),
            "workspace": Attribute(STRING, optional=True, description="The Terraform workspace to use."),
        }
    )
)


def go_uuid() -> str:
    """A random UUID formatted as hashicorp/go-uuid's GenerateUUID does."""
    b = os.urandom(16).hex()
    return f"{b[0:8]}-{b[8:12]}-{b[12:16]}-{b[16:20]}-{b[20:32]}"


def _output_for(input_: Value) -> Value:
    # The output's type always follows the input's, even when it is null.
    return input_ if input_.is_null else unknown(input_.type)


class TerraformData(ResourceType):
    schema = DATA_SCHEMA
    check_read_only = False  # its own check, with terraform's message

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        if config.is_null:
            return diags
        for name in ("id", "output"):
            if not attr(config, name).is_null:
                diags.append(attribute_error(f'"{name}" attribute is read-only', "", Path.attr(name)))
        return diags

    def plan(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:  # destroy
            resp.planned_state = proposed
            return resp
        input_ = attr(proposed, "input")
        trigger = attr(proposed, "triggers_replace")
        if req.prior_state.is_null:
            resp.planned_state = with_attrs(proposed, id=unknown(STRING), output=_output_for(input_))
        elif not raw_equal(attr(req.prior_state, "triggers_replace"), trigger):
            resp.requires_replace.append(Path.attr("triggers_replace"))
            resp.planned_state = with_attrs(proposed, id=unknown(STRING), output=_output_for(input_))
        elif not raw_equal(attr(req.prior_state, "input"), input_):
            resp.planned_state = with_attrs(proposed, output=unknown(input_.type))
        else:
            resp.planned_state = proposed
        return resp

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        planned = req.planned_state
        changes: dict[str, Value] = {}
        if not attr(planned, "output").is_known:
            changes["output"] = attr(planned, "input")
        if not attr(planned, "id").is_known:
            changes["id"] = string_val(go_uuid())
        return ApplyResourceChangeResponse(new_state=with_attrs(planned, **changes), private=req.planned_private)

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        v = self.schema.block.empty_value()
        return with_attrs(v, id=string_val(id)), Diagnostics()

    def move_from(self, req: MoveResourceStateRequest) -> tuple[Value | None, Diagnostics]:
        """null_resource -> terraform_data: id is kept, triggers become triggers_replace."""
        diags = Diagnostics()
        if req.source_type_name != "null_resource" or req.target_type_name != "terraform_data":
            diags.add_error(
                "Unsupported source resource type",
                f"The source resource type {req.source_type_name!r} is not supported for moving to "
                f"{req.target_type_name!r}; only \"null_resource\" can be moved to \"terraform_data\".",
            )
            return None, diags
        try:
            src = value_from_json(req.source_state_json, _NULL_RESOURCE_TYPE)
        except JSONError as exc:
            diags.add_error("Invalid source state", f"The null_resource state cannot be decoded: {exc}.")
            return None, diags
        triggers = attr(src, "triggers")
        # Configured triggers are usually an object literal; terraform_data compares
        # triggers_replace with RawEquals, so the map becomes an object (and null stays dynamic).
        trig = null(DYNAMIC) if triggers.is_null else object_val(triggers.attrs())
        return with_attrs(self.schema.block.empty_value(), id=attr(src, "id"), triggers_replace=trig), diags


_KNOWN_BACKENDS = frozenset(
    {"local", "remote", "azurerm", "consul", "cos", "gcs", "http", "inmem", "kubernetes", "oss", "pg", "s3", "cloud"}
)

# Backends terraform has removed, with the detail it gives for each.
REMOVED_BACKENDS = {
    "artifactory": 'The "artifactory" backend is not supported in Terraform v1.3 or later.',
    "azure": 'The "azure" backend name has been removed, please use "azurerm".',
    "etcd": 'The "etcd" backend is not supported in Terraform v1.3 or later.',
    "etcdv3": 'The "etcdv3" backend is not supported in Terraform v1.3 or later.',
    "manta": 'The "manta" backend is not supported in Terraform v1.3 or later.',
    "swift": 'The "swift" backend is not supported in Terraform v1.3 or later.',
}
# The arguments terraform's schema of a readable backend requires in config (sheath's backend
# schemas leave them optional, for partial configurations completed by -backend-config).
REQUIRED_CONFIG = {"s3": ("bucket", "key")}
# The summary of sheath's own refusal of a backend terraform knows but sheath cannot read from.
UNSUPPORTED_BACKEND = "Unsupported backend"


def _prepare_local(coerced: Value) -> Diagnostics:
    """The local backend's PrepareConfig on the coerced configuration: a path or workspace_dir
    given must not be empty (the paths are the backend's, so terraform points at the data block)."""
    diags = Diagnostics()
    checks = (("path", "Invalid local state file path"), ("workspace_dir", "Invalid local workspace directory path"))
    for name, summary in checks:
        v = attr(coerced, name)
        if not v.is_null and v.as_str() == "":
            diags.append(attribute_error(summary, f'The "{name}" attribute value must not be empty.', Path.attr(name)))
    return diags


def _prepare_s3(coerced: Value, environ: Mapping[str, str]) -> Diagnostics:
    """The first checks of the s3 backend's PrepareConfig: bucket and key set, not empty,
    the key no path starting or ending with "/" nor holding "//", a region (or AWS_REGION,
    AWS_DEFAULT_REGION). As terraform, a string's checks stop at the first error so far."""
    diags = Diagnostics()

    def not_empty(v: str) -> str | None:
        return "The value cannot be empty or all whitespace" if not v.strip() else None

    def s3_path(v: str) -> str | None:
        return 'The value must not start or end with "/"' if v.startswith("/") or v.endswith("/") else None

    def no_double_slash(v: str) -> str | None:
        return 'Value must not contain "//"' if "//" in v else None

    for name, checks in (("bucket", (not_empty,)), ("key", (not_empty, s3_path, no_double_slash))):
        v = attr(coerced, name)
        if v.is_null:
            detail = (
                f'The attribute "{name}" is required by the backend.\n\n'
                "Refer to the backend documentation for additional information which attributes are required."
            )
            diags.append(attribute_error("Missing Required Value", detail, Path.attr(name)))
            continue
        for check in checks:
            problem = check(v.as_str())
            if problem is not None:
                diags.append(attribute_error("Invalid Value", problem, Path.attr(name)))
            if diags.has_errors():
                break
    region = attr(coerced, "region")
    if (region.is_null or region.as_str() == "") and not environ.get("AWS_REGION") and not environ.get("AWS_DEFAULT_REGION"):
        detail = 'The "region" attribute or the "AWS_REGION" or "AWS_DEFAULT_REGION" environment variables must be set.'
        diags.append(attribute_error("Missing region value", detail, Path.attr("region")))
    return diags


@dataclass
class TerraformRemoteState(DataSourceType):
    working_dir: str | None = None
    # the command's -var and -var-file, for the variables of the encryption configuration
    var_args: tuple[tuple[str, str], ...] = ()
    # the variables a calling program gives (the Python API's InputValues), over var_args
    given: Mapping[str, Any] = field(default_factory=dict)
    # the root module's encryption configuration, loaded at the first read
    encryption: tuple[EncryptionConfig | None, Diagnostics] | None = field(default=None, repr=False, compare=False)
    schema = REMOTE_STATE_SCHEMA
    check_read_only = False  # terraform accepts (and then overwrites) a configured "outputs"

    def validate(self, config: Value) -> Diagnostics:
        diags, _ = self._backend_config(config)
        return diags

    def _backend_config(self, config: Value) -> tuple[Diagnostics, BackendConfig | None]:
        """terraform's validation: the backend's name, then (once config and backend are
        known) config coerced to the backend's schema; the configuration when it is known."""
        diags = Diagnostics()
        backend = attr(config, "backend")
        cfg = attr(config, "config")
        result: BackendConfig | None = None
        if backend.is_known and not backend.is_null and cfg.is_wholly_known():
            name = backend.as_str()
            name = "local" if name == "_local" else name  # terraform's old spelling
            if name not in _KNOWN_BACKENDS:
                detail = REMOVED_BACKENDS.get(name, f"There is no backend type named {go_quote(name)}.")
                diags.append(attribute_error("Invalid backend configuration", detail, Path.attr("backend")))
            elif not cfg.is_null and not (cfg.type.is_object() or cfg.type.is_map()):
                detail = f"The given configuration is not valid for backend {go_quote(name)}: an object is required."
                diags.append(attribute_error("Invalid backend configuration", detail, Path.attr("config")))
            elif name not in READABLE_BACKENDS:
                diags.append(
                    attribute_error(
                        UNSUPPORTED_BACKEND,
                        f"sheath reads remote state from the \"local\", \"pg\" and \"s3\" backends, not {go_quote(name)}.",
                        Path.attr("backend"),
                    )
                )
            else:
                result, problem = coerce_backend_config(name, cfg)
                given = set() if cfg.is_null else set(cfg.attrs())
                missing = [a for a in REQUIRED_CONFIG.get(name, ()) if a not in given]
                if problem is None and missing:
                    detail = f"The given configuration is not valid for backend {go_quote(name)}: attribute {go_quote(missing[0])} is required."
                    problem, result = ConfigProblem(detail), None
                if problem is not None:
                    diags.append(attribute_error("Invalid backend configuration", problem.detail, Path.attr("config")))
                elif name == "local" and result is not None:
                    diags.extend(_prepare_local(result.value))
                elif name == "s3" and result is not None:
                    diags.extend(_prepare_s3(result.value, os.environ))
        elif cfg.type != DYNAMIC and not (cfg.type.is_object() or cfg.type.is_map()):
            diags.append(attribute_error("Invalid backend configuration", "The configuration must be an object value.", Path.attr("config")))
        defaults = attr(config, "defaults")
        if defaults.type != DYNAMIC and not (defaults.type.is_object() or defaults.type.is_map()):
            diags.append(attribute_error("Invalid default values", "Defaults must be given in an object value.", Path.attr("defaults")))
        return diags, result

    def encryption_config(self) -> tuple[EncryptionConfig | None, Diagnostics]:
        """The encryption configuration of the root module in the working directory (and
        TF_ENCRYPTION), once per provider instance."""
        if self.encryption is None:
            from sheath.states.codec import working_encryption

            self.encryption = working_encryption(self.working_dir or ".", None, self.var_args, self.given)
        return self.encryption

    def read(self, config: Value, address: str = "") -> tuple[Value | None, Diagnostics]:
        """The state's outputs; address (the instance read) selects the remote_state_data_sources
        method that decrypts it."""
        diags, backend_cfg = self._backend_config(config)
        if diags.has_errors() or backend_cfg is None:
            return None, diags
        ws = attr(config, "workspace")
        workspace = "default" if ws.is_null else ws.as_str()
        stored, sdiags = read_stored_state(backend_cfg, workspace, self.working_dir or os.getcwd())
        for x in sdiags:
            if x.summary == LOADING_STATE_ERROR and x.subject is None:
                x = attribute_error(x.summary, x.detail, Path.attr("backend"))
            diags.append(x)
        if stored is None or diags.has_errors():
            return None, diags
        outputs: dict[str, Value] = {}
        defaults = attr(config, "defaults")
        if not defaults.is_null:
            outputs.update(defaults.attrs())
        if stored.data is None:
            diags.append(
                attribute_error(
                    "Unable to find remote state",
                    "No stored state was found for the given workspace in the given backend.",
                    Path.attr("workspace"),
                )
            )
            return with_attrs(config, outputs=object_val({})), diags
        enc, ediags = self.encryption_config()
        diags.extend(ediags)
        if ediags.has_errors():
            return None, diags
        from sheath.states.codec import remote_state_codec
        from sheath.states.encryption import EncryptionError, remote_state_key

        try:
            data, _ = remote_state_codec(enc, address).decode(stored.data)
        except EncryptionError as exc:
            diags.add_error(
                "Failed to decrypt the remote state",
                f"The state in {stored.where} could not be read: {exc}. A terraform_remote_state data source decrypts "
                f'with the method of its remote_state_data_source "{remote_state_key(address)}" block in the '
                "encryption configuration (remote_state_data_sources), else of its default block; a plain state "
                "reads only where no method or an unencrypted one is configured for it.",
            )
            return None, diags
        sf, sdiags = read_state_file(data, stored.where)
        diags.extend(sdiags)
        if sf is None:
            return None, diags
        for name, ov in sf.state.outputs.items():
            try:
                t = type_from_json(gojson.dumps(ov.type))
                outputs[name] = value_from_json(gojson.dumps(ov.value), t)
            except JSONError as exc:
                diags.add_error("Error loading state", f"Output {name!r} in {stored.where} cannot be decoded: {exc}.")
                return None, diags
        return with_attrs(config, outputs=object_val(outputs)), diags


class BuiltinTerraformProvider(NativeProvider):
    """The builtin provider: terraform_remote_state reads with the instance's address."""

    def use_variable_arguments(self, var_args: Sequence[tuple[str, str]], given: Mapping[str, Any] | None = None) -> None:
        """The command line's -var and -var-file (("var", "k=v") or ("var-file", path)) and
        the InputValues a calling program gives (the Python API's variables):
        terraform_remote_state evaluates the encryption configuration with them too."""
        d = self.data_sources.get("terraform_remote_state")
        if isinstance(d, TerraformRemoteState):
            d.var_args = tuple(var_args)
            d.given = dict(given or {})
            d.encryption = None

    def read_data_source(self, req: ReadDataSourceRequest) -> ReadDataSourceResponse:
        d = self.data_sources.get(req.type_name)
        if isinstance(d, TerraformRemoteState):
            v, diags = d.read(req.config, req.address)
            return ReadDataSourceResponse(v, diags)
        return super().read_data_source(req)


def new_provider(working_dir: str | None = None) -> NativeProvider:
    """A fresh instance of the builtin provider."""
    return BuiltinTerraformProvider(
        resources={"terraform_data": TerraformData()},
        data_sources={"terraform_remote_state": TerraformRemoteState(working_dir)},
        server_capabilities=ServerCapabilities(move_resource_state=True),
        functions=provider_functions(),
    )


__all__ = ["PROVIDER_ADDRESS", "REMOVED_BACKENDS", "UNSUPPORTED_BACKEND", "BuiltinTerraformProvider", "TerraformData", "TerraformRemoteState", "go_uuid", "new_provider", "null"]
