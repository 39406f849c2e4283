"""The one provider interface: every provider (native Python, builtin, gRPC) implements it.

Method names and request/response shapes mirror terraform's providers.Interface
(and so the plugin protocol): values are sheath Values of the schema's implied
type, attribute paths are :class:`Path`, problems are Diagnostics (with an
optional attribute path in ``Diagnostic.extra["attribute_path"]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.providers.schema import Schema
from sheath.types import Value
from sheath.types.cty import Type
from sheath.types.ops import value_key

# --- attribute paths ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GetAttrStep:
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class IndexStep:
    """An index step; key is a string or number Value (or a set element).

    Steps compare by the key's value (as cty.IndexStep does), ignoring marks.
    """

    key: Value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndexStep) and value_key(self.key) == value_key(other.key)

    def __hash__(self) -> int:
        return hash(value_key(self.key))


PathStep = GetAttrStep | IndexStep


@dataclass(frozen=True, slots=True)
class Path:
    """An attribute path like cty.Path: a sequence of get-attr / index steps."""

    steps: tuple[PathStep, ...] = ()

    @staticmethod
    def attr(name: str) -> Path:
        return Path((GetAttrStep(name),))

    def get_attr(self, name: str) -> Path:
        return Path(self.steps + (GetAttrStep(name),))

    def index(self, key: Value) -> Path:
        return Path(self.steps + (IndexStep(key),))

    def __str__(self) -> str:
        out: list[str] = []
        for s in self.steps:
            if isinstance(s, GetAttrStep):
                out.append(("." if out else "") + s.name)
            else:
                k = s.key.v
                out.append(f'["{k}"]' if isinstance(k, str) else f"[{k}]")
        return "".join(out)


ATTRIBUTE_PATH = "attribute_path"


def attribute_diag(severity: Severity, summary: str, detail: str, path: Path) -> Diagnostic:
    """A diagnostic about one attribute (terraform's tfdiags.AttributeValue)."""
    d = Diagnostic(severity, summary, detail)
    d.extra[ATTRIBUTE_PATH] = path
    return d


def attribute_error(summary: str, detail: str, path: Path) -> Diagnostic:
    return attribute_diag(Severity.ERROR, summary, detail, path)


# --- schema ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FunctionParameter:
    name: str
    type: Type
    allow_null_value: bool = False
    allow_unknown_values: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class FunctionDecl:
    parameters: tuple[FunctionParameter, ...]
    return_type: Type
    variadic_parameter: FunctionParameter | None = None
    summary: str = ""
    description: str = ""
    deprecation_message: str = ""


@dataclass(frozen=True, slots=True)
class ServerCapabilities:
    plan_destroy: bool = False
    get_provider_schema_optional: bool = False
    move_resource_state: bool = False


@dataclass(slots=True)
class ProviderSchema:
    provider: Schema
    provider_meta: Schema | None = None
    resource_types: dict[str, Schema] = field(default_factory=dict)
    data_sources: dict[str, Schema] = field(default_factory=dict)
    ephemeral_resource_types: dict[str, Schema] = field(default_factory=dict)
    functions: dict[str, FunctionDecl] = field(default_factory=dict)
    server_capabilities: ServerCapabilities = field(default_factory=ServerCapabilities)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


# --- requests and responses ---------------------------------------------------------


@dataclass(slots=True)
class ValidateResponse:
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class ValidateProviderConfigResponse:
    prepared_config: Value | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class UpgradeResourceStateRequest:
    type_name: str
    version: int
    raw_state_json: bytes | None = None
    raw_state_flatmap: Mapping[str, str] | None = None


@dataclass(slots=True)
class UpgradeResourceStateResponse:
    upgraded_state: Value | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class ConfigureProviderRequest:
    terraform_version: str
    config: Value


@dataclass(slots=True)
class ReadResourceRequest:
    type_name: str
    prior_state: Value
    private: bytes = b""
    provider_meta: Value | None = None


@dataclass(slots=True)
class ReadResourceResponse:
    new_state: Value | None = None
    private: bytes = b""
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class PlanResourceChangeRequest:
    type_name: str
    prior_state: Value
    proposed_new_state: Value
    config: Value
    prior_private: bytes = b""
    provider_meta: Value | None = None


@dataclass(slots=True)
class PlanResourceChangeResponse:
    planned_state: Value | None = None
    requires_replace: list[Path] = field(default_factory=list)
    planned_private: bytes = b""
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    legacy_type_system: bool = False


@dataclass(slots=True)
class ApplyResourceChangeRequest:
    type_name: str
    prior_state: Value
    planned_state: Value
    config: Value
    planned_private: bytes = b""
    provider_meta: Value | None = None


@dataclass(slots=True)
class ApplyResourceChangeResponse:
    new_state: Value | None = None
    private: bytes = b""
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    legacy_type_system: bool = False


@dataclass(slots=True)
class ImportResourceStateRequest:
    type_name: str
    id: str


@dataclass(slots=True)
class ImportedResource:
    type_name: str
    state: Value
    private: bytes = b""


@dataclass(slots=True)
class ImportResourceStateResponse:
    imported_resources: list[ImportedResource] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class MoveResourceStateRequest:
    """Move state between resource types (a moved block across types), as MoveResourceState."""

    source_provider_address: str
    source_type_name: str
    source_schema_version: int
    source_state_json: bytes
    target_type_name: str
    source_private: bytes = b""


@dataclass(slots=True)
class MoveResourceStateResponse:
    target_state: Value | None = None
    target_private: bytes = b""
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class OpenEphemeralResourceRequest:
    type_name: str
    config: Value


@dataclass(slots=True)
class OpenEphemeralResourceResponse:
    result: Value | None = None
    private: bytes = b""
    renew_at: float | None = None  # seconds since the epoch
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class RenewEphemeralResourceRequest:
    type_name: str
    private: bytes = b""


@dataclass(slots=True)
class RenewEphemeralResourceResponse:
    private: bytes = b""
    renew_at: float | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class CloseEphemeralResourceRequest:
    type_name: str
    private: bytes = b""


@dataclass(slots=True)
class ReadDataSourceRequest:
    type_name: str
    config: Value
    provider_meta: Value | None = None
    address: str = ""  # the data resource instance read (absolute), for the builtin terraform_remote_state


@dataclass(slots=True)
class ReadDataSourceResponse:
    state: Value | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass(slots=True)
class CallFunctionRequest:
    function_name: str
    arguments: Sequence[Value]


@dataclass(slots=True)
class CallFunctionResponse:
    result: Value | None = None
    error: str = ""
    argument_index: int | None = None


# --- the interface ----------------------------------------------------------------------


@runtime_checkable
class Provider(Protocol):
    """What the engine needs from a provider (terraform's providers.Interface)."""

    def get_provider_schema(self) -> ProviderSchema: ...

    def validate_provider_config(self, config: Value) -> ValidateProviderConfigResponse: ...

    def validate_resource_config(self, type_name: str, config: Value) -> ValidateResponse: ...

    def validate_data_resource_config(self, type_name: str, config: Value) -> ValidateResponse: ...

    def upgrade_resource_state(self, req: UpgradeResourceStateRequest) -> UpgradeResourceStateResponse: ...

    def configure_provider(self, req: ConfigureProviderRequest) -> ValidateResponse: ...

    def read_resource(self, req: ReadResourceRequest) -> ReadResourceResponse: ...

    def plan_resource_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse: ...

    def apply_resource_change(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse: ...

    def import_resource_state(self, req: ImportResourceStateRequest) -> ImportResourceStateResponse: ...

    def move_resource_state(self, req: MoveResourceStateRequest) -> MoveResourceStateResponse: ...

    def read_data_source(self, req: ReadDataSourceRequest) -> ReadDataSourceResponse: ...

    def validate_ephemeral_resource_config(self, type_name: str, config: Value) -> ValidateResponse: ...

    def open_ephemeral_resource(self, req: OpenEphemeralResourceRequest) -> OpenEphemeralResourceResponse: ...

    def renew_ephemeral_resource(self, req: RenewEphemeralResourceRequest) -> RenewEphemeralResourceResponse: ...

    def close_ephemeral_resource(self, req: CloseEphemeralResourceRequest) -> ValidateResponse: ...

    def call_function(self, req: CallFunctionRequest) -> CallFunctionResponse: ...

    def stop_provider(self) -> None: ...

    def close(self) -> None: ...


ProviderFactory = Callable[[], Provider]


__all__ = [
    "ATTRIBUTE_PATH",
    "ApplyResourceChangeRequest",
    "ApplyResourceChangeResponse",
    "CallFunctionRequest",
    "CallFunctionResponse",
    "CloseEphemeralResourceRequest",
    "ConfigureProviderRequest",
    "FunctionDecl",
    "FunctionParameter",
    "GetAttrStep",
    "ImportResourceStateRequest",
    "ImportResourceStateResponse",
    "ImportedResource",
    "IndexStep",
    "MoveResourceStateRequest",
    "MoveResourceStateResponse",
    "OpenEphemeralResourceRequest",
    "OpenEphemeralResourceResponse",
    "Path",
    "PathStep",
    "PlanResourceChangeRequest",
    "PlanResourceChangeResponse",
    "Provider",
    "ProviderFactory",
    "ProviderSchema",
    "ReadDataSourceRequest",
    "ReadDataSourceResponse",
    "ReadResourceRequest",
    "ReadResourceResponse",
    "RenewEphemeralResourceRequest",
    "RenewEphemeralResourceResponse",
    "ServerCapabilities",
    "UpgradeResourceStateRequest",
    "UpgradeResourceStateResponse",
    "ValidateProviderConfigResponse",
    "ValidateResponse",
    "attribute_diag",
    "attribute_error",
]
