"""GRPCProvider: the Provider interface over a provider process (plugin protocol 5 or 6).

The engine cannot tell it from a native provider: every method takes and
returns the shapes in :mod:`sheath.providers.interface`. Values go on the
wire as msgpack DynamicValues of the schema's implied type (marks are never
sent); problems come back as Diagnostics. A provider that crashed or stopped
answering yields terraform's "Plugin did not respond" error with the panic
output the process left on stderr -- never an exception.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

import grpc

from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    CallFunctionRequest,
    CallFunctionResponse,
    CloseEphemeralResourceRequest,
    ConfigureProviderRequest,
    ImportedResource,
    ImportResourceStateRequest,
    ImportResourceStateResponse,
    MoveResourceStateRequest,
    MoveResourceStateResponse,
    OpenEphemeralResourceRequest,
    OpenEphemeralResourceResponse,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    ProviderSchema,
    ReadDataSourceRequest,
    ReadDataSourceResponse,
    ReadResourceRequest,
    ReadResourceResponse,
    RenewEphemeralResourceRequest,
    RenewEphemeralResourceResponse,
    UpgradeResourceStateRequest,
    UpgradeResourceStateResponse,
    ValidateProviderConfigResponse,
    ValidateResponse,
)
from sheath.providers.schema import Block, Schema
from sheath.providers.tfplugin.cache import SchemaCache, binary_sha256, remembered_sha256
from sheath.providers.tfplugin.convert import (
    TypeCache,
    decode_value,
    diagnostics_from_proto,
    encode_value,
    path_from_proto,
    provider_schema_from_proto,
)
from sheath.providers.tfplugin.plugin import PluginProcess
from sheath.providers.tfplugin.proto import tfplugin5_pb2, tfplugin5_pb2_grpc, tfplugin6_pb2, tfplugin6_pb2_grpc
from sheath.types import Value
from sheath.types.cty import DYNAMIC, Type
from sheath.types.json import JSONError
from sheath.types.msgpack_codec import MsgpackError

_log = logging.getLogger("sheath.provider")


@dataclass(frozen=True, slots=True)
class _Protocol:
    """The per-version names of the RPCs and messages that differ between 5 and 6."""

    pb: ModuleType
    stub: Callable[[grpc.Channel], Any]
    get_schema: str
    validate_provider: str
    validate_resource: str
    validate_data: str
    configure: str
    stop: str
    go_package: str  # terraform's Go package, as named in its error messages


_V5: Final = _Protocol(
    tfplugin5_pb2,
    tfplugin5_pb2_grpc.ProviderStub,
    "GetSchema",
    "PrepareProviderConfig",
    "ValidateResourceTypeConfig",
    "ValidateDataSourceConfig",
    "Configure",
    "Stop",
    "plugin",
)
_V6: Final = _Protocol(
    tfplugin6_pb2,
    tfplugin6_pb2_grpc.ProviderStub,
    "GetProviderSchema",
    "ValidateProviderConfig",
    "ValidateResourceConfig",
    "ValidateDataResourceConfig",
    "ConfigureProvider",
    "StopProvider",
    "plugin6",
)

def _exit_description(name: str, status: int) -> str:
    """How a plugin process that left no crash report ended."""
    if status < 0:
        try:
            sig = signal.Signals(-status).name
        except ValueError:
            sig = f"signal {-status}"
        return f"The {name} process was killed ({sig})."
    return f"The {name} process exited with status {status}."


_EMPTY_SCHEMA: Final = Schema(Block())


class _CallFailed(Exception):
    def __init__(self, diag: Diagnostic) -> None:
        super().__init__(diag.summary)
        self.diag = diag


class GRPCProvider:
    """A provider process spoken to over gRPC; implements :class:`sheath.providers.interface.Provider`."""

    def __init__(self, process: PluginProcess, schema_cache: SchemaCache | None = None) -> None:
        self._process = process
        self._proto = _V6 if process.protocol_version == 6 else _V5
        self._stub = self._proto.stub(process.channel)
        self._cache = schema_cache
        self._types = TypeCache()
        self._schema: ProviderSchema | None = None
        self._schema_lock = threading.Lock()
        self._implied: dict[tuple[str, str], Type] = {}
        self.schema_from_cache = False

    # --- plumbing -----------------------------------------------------------

    @property
    def protocol_version(self) -> int:
        return self._process.protocol_version

    @property
    def process(self) -> PluginProcess:
        return self._process

    def _call(self, rpc: str, method: str, request: Any, timeout: float | None = None) -> Any:
        """Call one RPC; failures become a _CallFailed carrying terraform's diagnostic."""
        try:
            return getattr(self._stub, rpc)(request, timeout=timeout)
        except grpc.RpcError as e:
            raise _CallFailed(self._rpc_error(e, method)) from None

    def _rpc_error(self, e: grpc.RpcError, method: str) -> Diagnostic:
        code = e.code() if isinstance(e, grpc.Call) else grpc.StatusCode.UNKNOWN
        details = e.details() if isinstance(e, grpc.Call) else str(e)
        where = f"{self._proto.go_package}.(*GRPCProvider).{method}"
        if code is grpc.StatusCode.UNAVAILABLE or self._process.exited():
            name = self._process.name
            detail = f"The plugin encountered an error, and failed to respond to the {where} call. The plugin logs may contain more details."
            panic = self._process.crash_output()
            d = Diagnostic(Severity.ERROR, "Plugin did not respond", detail)
            if panic:
                d.detail += f"\n\nStack trace from the {name} plugin:\n\n{panic}\n\nError: The {name} plugin crashed!"
                d.extra["plugin_panic"] = panic
            status = self._process.proc.returncode if self._process.exited() else None
            if status is not None:
                d.extra["plugin_exit_status"] = status
                if not panic:
                    d.detail += f" {_exit_description(name, status)}"
            _log.debug("%s: %s failed: %s %s", name, method, code.name if code else "?", details)
            return d
        if code is grpc.StatusCode.CANCELLED:
            return Diagnostic(Severity.ERROR, "Request cancelled", "The request was cancelled.")
        if code is grpc.StatusCode.UNIMPLEMENTED:
            return Diagnostic(Severity.ERROR, "Unsupported plugin method", f"The {method} method is not supported by this plugin.")
        return Diagnostic(
            Severity.ERROR,
            "Plugin error",
            f"The plugin returned an unexpected error from {where}: rpc error: code = {code.name.title().replace('_', '')} desc = {details}",
        )

    @staticmethod
    def _decode_failed(method: str, err: Exception) -> Diagnostic:
        return Diagnostic(Severity.ERROR, "Invalid value from the provider", f"The provider returned a value that sheath cannot decode in {method}: {err}.")

    def _type(self, kind: str, type_name: str) -> Type:
        key = (kind, type_name)
        t = self._implied.get(key)
        if t is None:
            schema = self.get_provider_schema()
            table = {
                "resource": schema.resource_types,
                "data": schema.data_sources,
                "ephemeral": schema.ephemeral_resource_types,
            }[kind]
            s = table.get(type_name)
            t = s.block.implied_type() if s is not None else DYNAMIC
            self._implied[key] = t
        return t

    def _provider_meta(self, v: Value | None) -> Any:
        pm = self.get_provider_schema().provider_meta
        if v is None or pm is None:
            return None
        return encode_value(self._proto.pb, v, pm.block.implied_type())

    def _client_caps(self) -> Any:
        return self._proto.pb.ClientCapabilities(deferral_allowed=False, write_only_attributes_allowed=True)

    # --- schema -------------------------------------------------------------

    def get_provider_schema(self) -> ProviderSchema:
        with self._schema_lock:
            if self._schema is None:
                self._schema = self._load_schema()
            return self._schema

    def _load_schema(self) -> ProviderSchema:
        pb = self._proto.pb
        cache = self._cache
        key: str | None = None
        hasher: threading.Thread | None = None
        hashed: list[str] = []
        if cache is not None:
            key = remembered_sha256(self._process.executable, cache.root)
            if key is None:
                # first sight of this binary: hash it while the provider answers GetProviderSchema
                def work() -> None:
                    try:
                        hashed.append(binary_sha256(self._process.executable, cache.root))
                    except OSError:
                        pass

                hasher = threading.Thread(target=work, name="sha256", daemon=True)
                hasher.start()
            else:
                cached = self._from_cache(cache, key)
                if cached is not None:
                    return cached
        try:
            resp = self._call(self._proto.get_schema, "GetProviderSchema", pb.GetProviderSchema.Request())
        except _CallFailed as e:
            return ProviderSchema(provider=_EMPTY_SCHEMA, diagnostics=Diagnostics([e.diag]))
        ps = provider_schema_from_proto(resp, self._types)
        if hasher is not None:
            hasher.join()
            key = hashed[0] if hashed else None
        if cache is not None and key is not None and not ps.diagnostics.has_errors():
            cache.store(key, self.protocol_version, resp.SerializeToString())
        return ps

    def provider_schema_message(self) -> tuple[Any | None, Diagnostics]:
        """The GetProviderSchema response as the provider sends it, descriptions included
        (which the ProviderSchema leaves out); None and the call's error when it fails."""
        try:
            resp = self._call(self._proto.get_schema, "GetProviderSchema", self._proto.pb.GetProviderSchema.Request())
        except _CallFailed as e:
            return None, Diagnostics([e.diag])
        return resp, diagnostics_from_proto(resp.diagnostics)

    def _from_cache(self, cache: SchemaCache, key: str) -> ProviderSchema | None:
        data = cache.load(key, self.protocol_version)
        if data is None:
            return None
        try:
            resp = self._proto.pb.GetProviderSchema.Response.FromString(data)
        except Exception:  # a corrupt entry: fetch afresh (and overwrite it)
            return None
        self.schema_from_cache = True
        ps = provider_schema_from_proto(resp, self._types)
        if not resp.server_capabilities.get_provider_schema_optional:
            # this provider must be asked for its schema before other calls; the answer is already known
            try:
                self._call(self._proto.get_schema, "GetProviderSchema", self._proto.pb.GetProviderSchema.Request())
            except _CallFailed as e:
                ps.diagnostics.append(e.diag)
        return ps

    def get_metadata(self) -> Any | None:
        """The GetMetadata response, or None when the provider does not offer it."""
        try:
            return self._call("GetMetadata", "GetMetadata", self._proto.pb.GetMetadata.Request())
        except _CallFailed:
            return None

    # --- validation and configuration -----------------------------------------------

    def validate_provider_config(self, config: Value) -> ValidateProviderConfigResponse:
        pb = self._proto.pb
        schema = self.get_provider_schema()
        t = schema.provider.block.implied_type()
        msg = getattr(pb, self._proto.validate_provider)
        try:
            resp = self._call(self._proto.validate_provider, "ValidateProviderConfig", msg.Request(config=encode_value(pb, config, t)))
        except _CallFailed as e:
            return ValidateProviderConfigResponse(None, Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        prepared: Value | None = None
        if self.protocol_version == 5 and resp.HasField("prepared_config"):
            try:
                prepared = decode_value(resp.prepared_config, t)
            except (MsgpackError, JSONError) as err:
                diags.append(self._decode_failed("PrepareProviderConfig", err))
        return ValidateProviderConfigResponse(prepared, diags)

    def validate_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        pb = self._proto.pb
        msg = getattr(pb, self._proto.validate_resource)
        req = msg.Request(type_name=type_name, config=encode_value(pb, config, self._type("resource", type_name)), client_capabilities=self._client_caps())
        return self._diags_only(self._proto.validate_resource, "ValidateResourceConfig", req)

    def validate_data_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        pb = self._proto.pb
        msg = getattr(pb, self._proto.validate_data)
        req = msg.Request(type_name=type_name, config=encode_value(pb, config, self._type("data", type_name)))
        return self._diags_only(self._proto.validate_data, "ValidateDataResourceConfig", req)

    def validate_ephemeral_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        pb = self._proto.pb
        req = pb.ValidateEphemeralResourceConfig.Request(type_name=type_name, config=encode_value(pb, config, self._type("ephemeral", type_name)))
        return self._diags_only("ValidateEphemeralResourceConfig", "ValidateEphemeralResourceConfig", req)

    def _diags_only(self, rpc: str, method: str, req: Any) -> ValidateResponse:
        try:
            resp = self._call(rpc, method, req)
        except _CallFailed as e:
            return ValidateResponse(Diagnostics([e.diag]))
        return ValidateResponse(diagnostics_from_proto(resp.diagnostics))

    def configure_provider(self, req: ConfigureProviderRequest) -> ValidateResponse:
        pb = self._proto.pb
        t = self.get_provider_schema().provider.block.implied_type()
        msg = getattr(pb, self._proto.configure)
        r = msg.Request(terraform_version=req.terraform_version, config=encode_value(pb, req.config, t), client_capabilities=self._client_caps())
        return self._diags_only(self._proto.configure, "ConfigureProvider", r)

    # --- managed resources --------------------------------------------------------

    def upgrade_resource_state(self, req: UpgradeResourceStateRequest) -> UpgradeResourceStateResponse:
        pb = self._proto.pb
        t = self._type("resource", req.type_name)
        raw = pb.RawState(json=req.raw_state_json or b"", flatmap=dict(req.raw_state_flatmap or {}))
        try:
            resp = self._call("UpgradeResourceState", "UpgradeResourceState", pb.UpgradeResourceState.Request(type_name=req.type_name, version=req.version, raw_state=raw))
        except _CallFailed as e:
            return UpgradeResourceStateResponse(None, Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        return UpgradeResourceStateResponse(self._decode(resp, "upgraded_state", t, "UpgradeResourceState", diags), diags)

    def _decode(self, resp: Any, field: str, t: Type, method: str, diags: Diagnostics) -> Value | None:
        if not resp.HasField(field):
            return None
        try:
            return decode_value(getattr(resp, field), t)
        except (MsgpackError, JSONError) as err:
            diags.append(self._decode_failed(method, err))
            return None

    def read_resource(self, req: ReadResourceRequest) -> ReadResourceResponse:
        pb = self._proto.pb
        t = self._type("resource", req.type_name)
        r = pb.ReadResource.Request(
            type_name=req.type_name,
            current_state=encode_value(pb, req.prior_state, t),
            private=req.private,
            provider_meta=self._provider_meta(req.provider_meta),
            client_capabilities=self._client_caps(),
        )
        try:
            resp = self._call("ReadResource", "ReadResource", r)
        except _CallFailed as e:
            return ReadResourceResponse(None, b"", Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        return ReadResourceResponse(self._decode(resp, "new_state", t, "ReadResource", diags), bytes(resp.private), diags)

    def plan_resource_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        pb = self._proto.pb
        t = self._type("resource", req.type_name)
        r = pb.PlanResourceChange.Request(
            type_name=req.type_name,
            prior_state=encode_value(pb, req.prior_state, t),
            proposed_new_state=encode_value(pb, req.proposed_new_state, t),
            config=encode_value(pb, req.config, t),
            prior_private=req.prior_private,
            provider_meta=self._provider_meta(req.provider_meta),
            client_capabilities=self._client_caps(),
        )
        try:
            resp = self._call("PlanResourceChange", "PlanResourceChange", r)
        except _CallFailed as e:
            return PlanResourceChangeResponse(diagnostics=Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        return PlanResourceChangeResponse(
            planned_state=self._decode(resp, "planned_state", t, "PlanResourceChange", diags),
            requires_replace=[path_from_proto(p) for p in resp.requires_replace],
            planned_private=bytes(resp.planned_private),
            diagnostics=diags,
            legacy_type_system=resp.legacy_type_system,
        )

    def apply_resource_change(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        pb = self._proto.pb
        t = self._type("resource", req.type_name)
        r = pb.ApplyResourceChange.Request(
            type_name=req.type_name,
            prior_state=encode_value(pb, req.prior_state, t),
            planned_state=encode_value(pb, req.planned_state, t),
            config=encode_value(pb, req.config, t),
            planned_private=req.planned_private,
            provider_meta=self._provider_meta(req.provider_meta),
        )
        try:
            resp = self._call("ApplyResourceChange", "ApplyResourceChange", r)
        except _CallFailed as e:
            return ApplyResourceChangeResponse(diagnostics=Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        return ApplyResourceChangeResponse(
            new_state=self._decode(resp, "new_state", t, "ApplyResourceChange", diags),
            private=bytes(resp.private),
            diagnostics=diags,
            legacy_type_system=resp.legacy_type_system,
        )

    def import_resource_state(self, req: ImportResourceStateRequest) -> ImportResourceStateResponse:
        pb = self._proto.pb
        r = pb.ImportResourceState.Request(type_name=req.type_name, id=req.id, client_capabilities=self._client_caps())
        try:
            resp = self._call("ImportResourceState", "ImportResourceState", r)
        except _CallFailed as e:
            return ImportResourceStateResponse([], Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        out: list[ImportedResource] = []
        for ir in resp.imported_resources:
            state = self._decode(ir, "state", self._type("resource", ir.type_name), "ImportResourceState", diags)
            if state is not None:
                out.append(ImportedResource(ir.type_name, state, bytes(ir.private)))
        return ImportResourceStateResponse(out, diags)

    def move_resource_state(self, req: MoveResourceStateRequest) -> MoveResourceStateResponse:
        pb = self._proto.pb
        t = self._type("resource", req.target_type_name)
        r = pb.MoveResourceState.Request(
            source_provider_address=req.source_provider_address,
            source_type_name=req.source_type_name,
            source_schema_version=req.source_schema_version,
            source_state=pb.RawState(json=req.source_state_json),
            target_type_name=req.target_type_name,
            source_private=req.source_private,
        )
        try:
            resp = self._call("MoveResourceState", "MoveResourceState", r)
        except _CallFailed as e:
            return MoveResourceStateResponse(None, b"", Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        return MoveResourceStateResponse(self._decode(resp, "target_state", t, "MoveResourceState", diags), bytes(resp.target_private), diags)

    # --- data sources -------------------------------------------------------------

    def read_data_source(self, req: ReadDataSourceRequest) -> ReadDataSourceResponse:
        pb = self._proto.pb
        t = self._type("data", req.type_name)
        r = pb.ReadDataSource.Request(
            type_name=req.type_name,
            config=encode_value(pb, req.config, t),
            provider_meta=self._provider_meta(req.provider_meta),
            client_capabilities=self._client_caps(),
        )
        try:
            resp = self._call("ReadDataSource", "ReadDataSource", r)
        except _CallFailed as e:
            return ReadDataSourceResponse(None, Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        return ReadDataSourceResponse(self._decode(resp, "state", t, "ReadDataSource", diags), diags)

    # --- ephemeral resources -------------------------------------------------------

    @staticmethod
    def _renew_at(resp: Any) -> float | None:
        if not resp.HasField("renew_at"):
            return None
        ts = resp.renew_at
        return float(ts.seconds) + float(ts.nanos) / 1e9

    def open_ephemeral_resource(self, req: OpenEphemeralResourceRequest) -> OpenEphemeralResourceResponse:
        pb = self._proto.pb
        t = self._type("ephemeral", req.type_name)
        r = pb.OpenEphemeralResource.Request(type_name=req.type_name, config=encode_value(pb, req.config, t), client_capabilities=self._client_caps())
        try:
            resp = self._call("OpenEphemeralResource", "OpenEphemeralResource", r)
        except _CallFailed as e:
            return OpenEphemeralResourceResponse(diagnostics=Diagnostics([e.diag]))
        diags = diagnostics_from_proto(resp.diagnostics)
        return OpenEphemeralResourceResponse(
            result=self._decode(resp, "result", t, "OpenEphemeralResource", diags),
            private=bytes(resp.private),
            renew_at=self._renew_at(resp),
            diagnostics=diags,
        )

    def renew_ephemeral_resource(self, req: RenewEphemeralResourceRequest) -> RenewEphemeralResourceResponse:
        pb = self._proto.pb
        try:
            resp = self._call("RenewEphemeralResource", "RenewEphemeralResource", pb.RenewEphemeralResource.Request(type_name=req.type_name, private=req.private))
        except _CallFailed as e:
            return RenewEphemeralResourceResponse(diagnostics=Diagnostics([e.diag]))
        return RenewEphemeralResourceResponse(bytes(resp.private), self._renew_at(resp), diagnostics_from_proto(resp.diagnostics))

    def close_ephemeral_resource(self, req: CloseEphemeralResourceRequest) -> ValidateResponse:
        pb = self._proto.pb
        r = pb.CloseEphemeralResource.Request(type_name=req.type_name, private=req.private)
        return self._diags_only("CloseEphemeralResource", "CloseEphemeralResource", r)

    # --- functions ------------------------------------------------------------------

    def get_functions(self) -> Any | None:
        """The GetFunctions response (functions without loading the whole schema), or None."""
        try:
            return self._call("GetFunctions", "GetFunctions", self._proto.pb.GetFunctions.Request())
        except _CallFailed:
            return None

    def call_function(self, req: CallFunctionRequest) -> CallFunctionResponse:
        pb = self._proto.pb
        decl = self.get_provider_schema().functions.get(req.function_name)
        if decl is None:
            return CallFunctionResponse(None, f"the provider has no function named {req.function_name!r}")
        args = []
        for i, a in enumerate(req.arguments):
            if i < len(decl.parameters):
                pt = decl.parameters[i].type
            elif decl.variadic_parameter is not None:
                pt = decl.variadic_parameter.type
            else:
                return CallFunctionResponse(None, "too many arguments", i)
            args.append(encode_value(pb, a, pt))
        try:
            resp = self._call("CallFunction", "CallFunction", pb.CallFunction.Request(name=req.function_name, arguments=args))
        except _CallFailed as e:
            return CallFunctionResponse(None, f"{e.diag.summary}: {e.diag.detail}")
        if resp.HasField("error") and resp.error.text:
            idx = int(resp.error.function_argument) if resp.error.HasField("function_argument") else None
            return CallFunctionResponse(None, resp.error.text, idx)
        diags = Diagnostics()
        result = self._decode(resp, "result", decl.return_type, "CallFunction", diags)
        if diags:
            return CallFunctionResponse(None, diags[0].detail)
        return CallFunctionResponse(result)

    # --- lifecycle ---------------------------------------------------------------------

    def stop_provider(self) -> None:
        """Ask the provider to cancel in-flight operations (Stop / StopProvider)."""
        msg = getattr(self._proto.pb, self._proto.stop)
        try:
            resp = self._call(self._proto.stop, "Stop", msg.Request(), timeout=10)
        except _CallFailed as e:
            _log.debug("%s: stop failed: %s", self._process.name, e.diag.summary)
            return
        if resp.Error:
            _log.warning("%s: stop: %s", self._process.name, resp.Error)

    def close(self) -> None:
        """Shut the process down (go-plugin controller, then exit, then kill)."""
        self._process.close()

    def __enter__(self) -> GRPCProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["GRPCProvider"]
