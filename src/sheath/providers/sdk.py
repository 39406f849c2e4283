"""A small SDK for native Python providers.

A native provider is a :class:`NativeProvider` holding :class:`ResourceType`
and :class:`DataSourceType` objects. The provider implements the
:class:`~sheath.providers.interface.Provider` protocol by dispatching each
request to the resource type it names; a resource type overrides only what it
needs (plan, apply, read, import, upgrade). See docs/providers-sdk.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sheath.diag import Diagnostics
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    CallFunctionRequest,
    CallFunctionResponse,
    CloseEphemeralResourceRequest,
    ConfigureProviderRequest,
    FunctionDecl,
    ImportResourceStateRequest,
    ImportResourceStateResponse,
    MoveResourceStateRequest,
    MoveResourceStateResponse,
    OpenEphemeralResourceRequest,
    OpenEphemeralResourceResponse,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    ProviderSchema,
    ReadDataSourceRequest,
    ReadDataSourceResponse,
    ReadResourceRequest,
    ReadResourceResponse,
    RenewEphemeralResourceRequest,
    RenewEphemeralResourceResponse,
    ServerCapabilities,
    UpgradeResourceStateRequest,
    UpgradeResourceStateResponse,
    ValidateProviderConfigResponse,
    ValidateResponse,
    attribute_error,
)
from sheath.providers.schema import Block, Schema
from sheath.types import Value, null, object_val, unknown
from sheath.types.json import JSONError, value_from_json
from sheath.types.ops import raw_equal


def with_attrs(obj: Value, **changes: Value) -> Value:
    """A copy of an object value with some attributes replaced.

    The result's type follows its attribute values (as cty.ObjectVal), so a
    dynamic attribute holding a string makes an object type with a string attribute.
    """
    d = dict(obj.attrs())
    d.update(changes)
    return object_val(d)


def attr(obj: Value, name: str) -> Value:
    return obj.attrs()[name]


def decode_state(schema: Schema, raw_json: bytes) -> Value:
    """Decode a state object's JSON against a schema's implied type (raises JSONError)."""
    return value_from_json(raw_json, schema.block.implied_type())


READ_ONLY_SUMMARY = "Invalid Configuration for Read-Only Attribute"
READ_ONLY_DETAIL = (
    "Cannot set value for this attribute as the provider has marked it as read-only. "
    "Remove the configuration line setting the value.\n\n"
    "Refer to the provider documentation or contact the provider developers for additional "
    "information about configurable and read-only attributes that are supported."
)


def read_only_diagnostics(block: Block, config: Value) -> Diagnostics:
    """Errors for computed-only attributes set in config (terraform-plugin-framework's check)."""
    diags = Diagnostics()
    if config.is_null or not config.is_known:
        return diags
    attrs = config.attrs()
    for name, a in sorted(block.attributes.items()):
        if a.computed and not (a.optional or a.required):
            v = attrs.get(name)
            if v is not None and not v.is_null:
                diags.append(attribute_error(READ_ONLY_SUMMARY, READ_ONLY_DETAIL, Path.attr(name)))
    return diags


class ResourceType:
    """A managed resource type. Subclasses set ``schema`` and override the operations.

    ``check_read_only``: reject computed-only attributes set in configuration
    before ``validate`` runs (the plugin framework's behaviour).
    """

    schema: Schema
    check_read_only = True

    def validate(self, config: Value) -> Diagnostics:
        return Diagnostics()

    def upgrade(self, version: int, raw_json: bytes) -> tuple[Value | None, Diagnostics]:
        """Decode (and upgrade from an older schema version) a stored state object."""
        diags = Diagnostics()
        if version > self.schema.version:
            diags.add_error(
                "Resource instance managed by newer provider version",
                f"The current state was created by a newer provider version (schema version {version}); "
                f"this one supports up to {self.schema.version}.",
            )
            return None, diags
        try:
            return decode_state(self.schema, raw_json), diags
        except JSONError as exc:
            diags.add_error("Invalid resource state", f"The stored state cannot be decoded: {exc}.")
            return None, diags

    def read(self, req: ReadResourceRequest) -> ReadResourceResponse:
        return ReadResourceResponse(new_state=req.prior_state, private=req.private)

    def plan(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        return plan_with_replace(self.schema.block, req, self.replace_attributes())

    def replace_attributes(self) -> Iterable[str]:
        """Attributes whose change forces replacement (ForceNew / RequiresReplace)."""
        return ()

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        return ApplyResourceChangeResponse(new_state=req.planned_state, private=req.planned_private)

    def move_from(self, req: MoveResourceStateRequest) -> tuple[Value | None, Diagnostics]:
        """State for this type moved from another resource type (moved blocks across types)."""
        diags = Diagnostics()
        diags.add_error(
            "Unsupported source resource type",
            f"The {req.target_type_name} resource type does not support moving state from {req.source_type_name}.",
        )
        return None, diags

    def delete(self, prior_state: Value) -> Diagnostics:
        """Destroy the remote object (apply with a null planned state). Default: nothing to do."""
        return Diagnostics()

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        diags = Diagnostics()
        diags.add_error("Resource Import Not Implemented", "This resource type does not support import.")
        return None, diags


class FunctionCallError(Exception):
    """A provider function failed; ``message`` is the text after terraform's "failed: "."""

    def __init__(self, message: str, argument_index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.argument_index = argument_index


@dataclass(frozen=True)
class ProviderFunction:
    """A provider-defined function: its declaration and implementation (raises FunctionCallError)."""

    decl: FunctionDecl
    impl: Callable[[Sequence[Value]], Value]


class DataSourceType:
    schema: Schema
    check_read_only = True

    def validate(self, config: Value) -> Diagnostics:
        return Diagnostics()

    def read(self, config: Value) -> tuple[Value | None, Diagnostics]:
        raise NotImplementedError


def unknown_computed(block: Block, planned: Value, config: Value) -> Value:
    """planned with every computed attribute that the configuration leaves unset made unknown."""
    d = dict(planned.attrs())
    cfg = config.attrs() if config.is_known and not config.is_null else {}
    for name, a in block.attributes.items():
        if a.computed:
            c = cfg.get(name)
            if c is None or c.is_null:
                d[name] = unknown(a.implied_type())
    return object_val(d)


def plan_with_replace(block: Block, req: PlanResourceChangeRequest, replace_attrs: Iterable[str]) -> PlanResourceChangeResponse:
    """The plan most resources want: creates compute unknowns; a change to one of
    replace_attrs requires replacement (and recomputes computed attributes);
    anything else is planned as proposed."""
    resp = PlanResourceChangeResponse(planned_private=req.prior_private)
    proposed = req.proposed_new_state
    if proposed.is_null:
        resp.planned_state = proposed
        return resp
    if req.prior_state.is_null:
        resp.planned_state = unknown_computed(block, proposed, req.config)
        return resp
    prior = req.prior_state.attrs()
    new = proposed.attrs()
    for name in replace_attrs:
        if not raw_equal(prior[name], new[name]):
            resp.requires_replace.append(Path.attr(name))
    if resp.requires_replace:
        resp.planned_state = unknown_computed(block, proposed, req.config)
    else:
        resp.planned_state = proposed
    return resp


@dataclass
class NativeProvider:
    """A Provider built from ResourceType / DataSourceType objects."""

    provider_schema: Schema = field(default_factory=lambda: Schema(Block()))
    resources: dict[str, ResourceType] = field(default_factory=dict)
    data_sources: dict[str, DataSourceType] = field(default_factory=dict)
    configured: bool = False
    server_capabilities: ServerCapabilities = field(default_factory=ServerCapabilities)
    functions: dict[str, ProviderFunction] = field(default_factory=dict)

    def get_provider_schema(self) -> ProviderSchema:
        return ProviderSchema(
            provider=self.provider_schema,
            resource_types={k: r.schema for k, r in self.resources.items()},
            data_sources={k: d.schema for k, d in self.data_sources.items()},
            functions={k: f.decl for k, f in self.functions.items()},
            server_capabilities=self.server_capabilities,
        )

    def _unknown_type(self, kind: str, type_name: str) -> Diagnostics:
        diags = Diagnostics()
        diags.add_error(f"Unsupported {kind} type", f"This provider has no {kind} type named {type_name!r}.")
        return diags

    def validate_provider_config(self, config: Value) -> ValidateProviderConfigResponse:
        return ValidateProviderConfigResponse(prepared_config=config)

    def validate_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        r = self.resources.get(type_name)
        if r is None:
            return ValidateResponse(self._unknown_type("resource", type_name))
        diags = read_only_diagnostics(r.schema.block, config) if r.check_read_only else Diagnostics()
        diags.extend(r.validate(config))
        return ValidateResponse(diags)

    def validate_data_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        d = self.data_sources.get(type_name)
        if d is None:
            return ValidateResponse(self._unknown_type("data source", type_name))
        diags = read_only_diagnostics(d.schema.block, config) if d.check_read_only else Diagnostics()
        diags.extend(d.validate(config))
        return ValidateResponse(diags)

    def upgrade_resource_state(self, req: UpgradeResourceStateRequest) -> UpgradeResourceStateResponse:
        r = self.resources.get(req.type_name)
        if r is None:
            return UpgradeResourceStateResponse(None, self._unknown_type("resource", req.type_name))
        if req.raw_state_json is None:
            diags = Diagnostics()
            diags.add_error("Unsupported state format", "Native providers only read JSON state (format version 4).")
            return UpgradeResourceStateResponse(None, diags)
        v, diags = r.upgrade(req.version, req.raw_state_json)
        return UpgradeResourceStateResponse(v, diags)

    def configure_provider(self, req: ConfigureProviderRequest) -> ValidateResponse:
        self.configured = True
        return ValidateResponse()

    def read_resource(self, req: ReadResourceRequest) -> ReadResourceResponse:
        r = self.resources.get(req.type_name)
        if r is None:
            return ReadResourceResponse(diagnostics=self._unknown_type("resource", req.type_name))
        return r.read(req)

    def plan_resource_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        r = self.resources.get(req.type_name)
        if r is None:
            return PlanResourceChangeResponse(diagnostics=self._unknown_type("resource", req.type_name))
        return r.plan(req)

    def apply_resource_change(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        r = self.resources.get(req.type_name)
        if r is None:
            return ApplyResourceChangeResponse(diagnostics=self._unknown_type("resource", req.type_name))
        if req.planned_state.is_null:  # destroy
            diags = r.delete(req.prior_state)
            if diags.has_errors():
                return ApplyResourceChangeResponse(new_state=req.prior_state, diagnostics=diags)
            return ApplyResourceChangeResponse(new_state=null(r.schema.block.implied_type()), diagnostics=diags)
        return r.apply(req)

    def import_resource_state(self, req: ImportResourceStateRequest) -> ImportResourceStateResponse:
        from sheath.providers.interface import ImportedResource

        r = self.resources.get(req.type_name)
        if r is None:
            return ImportResourceStateResponse(diagnostics=self._unknown_type("resource", req.type_name))
        v, diags = r.import_state(req.id)
        resp = ImportResourceStateResponse(diagnostics=diags)
        if v is not None:
            resp.imported_resources.append(ImportedResource(req.type_name, v))
        return resp

    def move_resource_state(self, req: MoveResourceStateRequest) -> MoveResourceStateResponse:
        r = self.resources.get(req.target_type_name)
        if r is None:
            return MoveResourceStateResponse(diagnostics=self._unknown_type("resource", req.target_type_name))
        v, diags = r.move_from(req)
        return MoveResourceStateResponse(v, diagnostics=diags)

    def validate_ephemeral_resource_config(self, type_name: str, config: Value) -> ValidateResponse:
        return ValidateResponse(self._unknown_type("ephemeral resource", type_name))

    def open_ephemeral_resource(self, req: OpenEphemeralResourceRequest) -> OpenEphemeralResourceResponse:
        return OpenEphemeralResourceResponse(diagnostics=self._unknown_type("ephemeral resource", req.type_name))

    def renew_ephemeral_resource(self, req: RenewEphemeralResourceRequest) -> RenewEphemeralResourceResponse:
        return RenewEphemeralResourceResponse(diagnostics=self._unknown_type("ephemeral resource", req.type_name))

    def close_ephemeral_resource(self, req: CloseEphemeralResourceRequest) -> ValidateResponse:
        return ValidateResponse(self._unknown_type("ephemeral resource", req.type_name))

    def read_data_source(self, req: ReadDataSourceRequest) -> ReadDataSourceResponse:
        d = self.data_sources.get(req.type_name)
        if d is None:
            return ReadDataSourceResponse(diagnostics=self._unknown_type("data source", req.type_name))
        v, diags = d.read(req.config)
        return ReadDataSourceResponse(v, diags)

    def call_function(self, req: CallFunctionRequest) -> CallFunctionResponse:
        f = self.functions.get(req.function_name)
        if f is None:
            return CallFunctionResponse(error=f"This provider has no function named {req.function_name!r}.")
        params = f.decl.parameters
        if len(req.arguments) < len(params) or (len(req.arguments) > len(params) and f.decl.variadic_parameter is None):
            return CallFunctionResponse(error=f"Function {req.function_name!r} takes {len(params)} argument(s), got {len(req.arguments)}.")
        for i, (a, p) in enumerate(zip(req.arguments, params)):
            if a.is_null and not p.allow_null_value:
                return CallFunctionResponse(
                    error=f'Invalid value for "{p.name}" parameter: argument must not be null.', argument_index=i
                )
        try:
            return CallFunctionResponse(result=f.impl(req.arguments))
        except FunctionCallError as exc:
            return CallFunctionResponse(error=exc.message, argument_index=exc.argument_index)

    def stop_provider(self) -> None:
        return None

    def close(self) -> None:
        return None
