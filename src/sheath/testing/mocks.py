"""mock_provider blocks: a provider whose resources and data sources are never created or
read for real (terraform's moduletest mocking). The provider's schema is the real one; it is
neither validated nor configured; planning a new object leaves its computed attributes
unknown, applying gives them values (the block's ``mock_resource``/``mock_data`` defaults,
else generated ones: 8 random lowercase letters and digits for a string, 0, false, empty
collections, null for a dynamic value), and reading a data source does the same at once."""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sheath.addrs.provider import LocalProviderConfig
from sheath.addrs.provider import Provider as ProviderAddr
from sheath.diag import Diagnostics, Range
from sheath.engine.providers import ProviderFactory
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.providers import interface as pi
from sheath.providers.schema import Block, Nesting
from sheath.types.cty import BOOL, NUMBER, STRING, Type, Value, null, unknown

_MOCK_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("alias"), hcl.AttributeSchema("source")),
    blocks=(
        hcl.BlockHeaderSchema("mock_resource", ("type",)),
        hcl.BlockHeaderSchema("mock_data", ("type",)),
        hcl.BlockHeaderSchema("override_resource"),
        hcl.BlockHeaderSchema("override_data"),
    ),
)
_DEFAULTS_SCHEMA = hcl.BodySchema(attributes=(hcl.AttributeSchema("defaults"), hcl.AttributeSchema("override_during")))

_ALPHABET = string.ascii_lowercase + string.digits


@dataclass
class DataOverride:
    """An override_data block: the data source instances at target read as values."""

    target: str  # "data.t.n", "data.t.n[0]", "module.m.data.t.n"
    values: Value | None


_OVERRIDE_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("target"), hcl.AttributeSchema("values"), hcl.AttributeSchema("override_during"))
)


def decode_override_data(block: hcl.Block) -> tuple[DataOverride | None, Diagnostics]:
    """An override_data block (its target is checked by sheath.config.testfile)."""
    from sheath.config.exprs import abs_traversal_for_expr
    from sheath.testing.addresses import traversal_address

    content, diags = block.body.content(_OVERRIDE_SCHEMA)
    during = content.attributes.get("override_during")
    if during is not None:
        diags.add_error("Unsupported argument", 'sheath test does not support "override_during" yet.', during.name_range)
    target = content.attributes.get("target")
    if target is None:
        return None, diags
    t, d = abs_traversal_for_expr(target.expr)
    diags.extend(d)
    if t is None or diags.has_errors():
        return None, diags
    values: Value | None = None
    va = content.attributes.get("values")
    if va is not None:
        v, d = evaluate(va.expr, EvalContext({}, None))
        diags.extend(d)
        values = v
    return (None if diags.has_errors() else DataOverride(traversal_address(t), values)), diags


def matching_override(overrides: list[DataOverride], address: str) -> DataOverride | None:
    """The first override whose target is the instance or its resource."""
    for o in overrides:
        if address == o.target or (address.startswith(o.target + "[") and "[" not in o.target.rsplit(".", 1)[-1]):
            return o
    return None


@dataclass
class MockProviderBlock:
    name: str  # the provider's local name
    alias: str
    range: Range
    resources: dict[str, Value] = field(default_factory=dict)  # type -> defaults object
    data: dict[str, Value] = field(default_factory=dict)
    data_overrides: list[DataOverride] = field(default_factory=list)


def decode_mock_provider(block: hcl.Block) -> tuple[MockProviderBlock | None, Diagnostics]:
    content, diags = block.body.content(_MOCK_SCHEMA)
    mp = MockProviderBlock(block.labels[0], "", block.def_range)
    alias = content.attributes.get("alias")
    if alias is not None:
        v, d = evaluate(alias.expr, EvalContext({}, None))
        diags.extend(d)
        if not d.has_errors() and v.type == STRING and v.is_known and not v.is_null:
            mp.alias = str(v.v)
        diags.add_error("Unsupported argument", "sheath test does not support aliased mock_provider blocks yet.", alias.name_range)
    for name in ("source",):
        a = content.attributes.get(name)
        if a is not None:
            diags.add_error("Unsupported argument", f'sheath test does not support the "{name}" argument of mock_provider blocks yet.', a.name_range)
    for b in content.blocks:
        if b.type == "override_resource":
            diags.add_error("Unsupported block type", f"sheath test does not support {b.type} blocks yet.", b.def_range)
            continue
        if b.type == "override_data":
            o, d = decode_override_data(b)
            diags.extend(d)
            if o is not None:
                mp.data_overrides.append(o)
            continue
        dc, d = b.body.content(_DEFAULTS_SCHEMA)
        diags.extend(d)
        if "override_during" in dc.attributes:
            a = dc.attributes["override_during"]
            diags.add_error("Unsupported argument", 'sheath test does not support "override_during" yet.', a.name_range)
        defaults = dc.attributes.get("defaults")
        if defaults is not None:
            v, d = evaluate(defaults.expr, EvalContext({}, None))
            diags.extend(d)
            if not d.has_errors():
                (mp.resources if b.type == "mock_resource" else mp.data)[b.labels[0]] = v
    return (None if diags.has_errors() else mp), diags


def _generated(t: Type) -> Value:
    if t == STRING:
        return Value(STRING, "".join(secrets.choice(_ALPHABET) for _ in range(8)))
    if t == NUMBER:
        from sheath.types.number import Number

        return Value(NUMBER, Number.parse("0"))
    if t == BOOL:
        return Value(BOOL, False)
    if t.is_list() or t.is_set() or t.is_tuple():
        return Value(t, ())
    if t.is_map():
        return Value(t, {})
    if t.is_object():
        attrs: dict[str, Type] = getattr(t, "attrs", {})
        return Value(t, {k: _generated(at) for k, at in attrs.items()})
    return null(t)


def _default(defaults: Value | None, name: str) -> Value | None:
    if defaults is None or defaults.is_null or not defaults.is_known or not isinstance(defaults.v, dict):
        return None
    v = defaults.v.get(name)
    return v if isinstance(v, Value) else None


def _computed_unknown(v: Value, block: Block) -> Value:
    """A new object's plan: its computed attributes the configuration leaves null are unknown."""
    if v.is_null or not v.is_known or not isinstance(v.v, dict):
        return v
    attrs = dict(v.v)
    for name, a in block.attributes.items():
        cur = attrs.get(name)
        if a.computed and (cur is None or cur.is_null):
            attrs[name] = unknown(a.implied_type())
    for name, nb in block.block_types.items():
        cur = attrs.get(name)
        if cur is not None and nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            attrs[name] = _computed_unknown(cur, nb.block)
    return Value(v.type, attrs)


def _filled(v: Value, block: Block, defaults: Value | None) -> Value:
    """The object with its unknown (or, for a data source, null computed) attributes given values."""
    if v.is_null or not isinstance(v.v, dict):
        return v
    from sheath.lang.eval.valops import ConversionError, convert

    attrs = dict(v.v)
    for name, a in block.attributes.items():
        cur = attrs.get(name)
        if cur is None or not (not cur.is_known or (a.computed and cur.is_null)):
            continue
        t = a.implied_type()
        d = _default(defaults, name)
        if d is not None:
            try:
                attrs[name] = convert(d, t)
                continue
            except ConversionError:
                pass
        attrs[name] = _generated(t)
    for name, nb in block.block_types.items():
        cur = attrs.get(name)
        if cur is not None and nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            attrs[name] = _filled(cur, nb.block, _default(defaults, name))
    return Value(v.type, attrs)


class MockProvider:
    """A provider answering for the real one (whose schema and validation it keeps): all of
    its work when spec is given (a mock_provider), else only the data sources overridden."""

    def __init__(self, real: pi.Provider, spec: MockProviderBlock | None, overrides: list[DataOverride]) -> None:
        self.real = real
        self.spec = spec
        self.overrides = overrides + (spec.data_overrides if spec is not None else [])
        self.schema: pi.ProviderSchema | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def get_provider_schema(self) -> pi.ProviderSchema:
        if self.schema is None:
            self.schema = self.real.get_provider_schema()
        return self.schema

    def _block(self, data: bool, type_name: str) -> Block | None:
        ps = self.get_provider_schema()
        s = (ps.data_sources if data else ps.resource_types).get(type_name)
        return s.block if s is not None else None

    def validate_provider_config(self, config: Value) -> pi.ValidateProviderConfigResponse:
        if self.spec is None:
            return self.real.validate_provider_config(config)
        return pi.ValidateProviderConfigResponse()

    def configure_provider(self, req: pi.ConfigureProviderRequest) -> pi.ValidateResponse:
        if self.spec is None:
            return self.real.configure_provider(req)
        return pi.ValidateResponse()

    def read_resource(self, req: pi.ReadResourceRequest) -> pi.ReadResourceResponse:
        if self.spec is None:
            return self.real.read_resource(req)
        return pi.ReadResourceResponse(new_state=req.prior_state, private=req.private)

    def plan_resource_change(self, req: pi.PlanResourceChangeRequest) -> pi.PlanResourceChangeResponse:
        if self.spec is None:
            return self.real.plan_resource_change(req)
        block = self._block(False, req.type_name)
        planned = req.proposed_new_state
        if block is not None and req.prior_state.is_null:
            planned = _computed_unknown(planned, block)
        return pi.PlanResourceChangeResponse(planned_state=planned, planned_private=req.prior_private)

    def apply_resource_change(self, req: pi.ApplyResourceChangeRequest) -> pi.ApplyResourceChangeResponse:
        if self.spec is None:
            return self.real.apply_resource_change(req)
        block = self._block(False, req.type_name)
        new = req.planned_state
        if block is not None:
            new = _filled(new, block, self.spec.resources.get(req.type_name))
        return pi.ApplyResourceChangeResponse(new_state=new, private=req.planned_private)

    def read_data_source(self, req: pi.ReadDataSourceRequest) -> pi.ReadDataSourceResponse:
        override = matching_override(self.overrides, req.address)
        if override is None and self.spec is None:
            return self.real.read_data_source(req)
        block = self._block(True, req.type_name)
        state = req.config
        if block is not None:
            defaults = override.values if override is not None else self.spec.data.get(req.type_name) if self.spec else None
            state = _filled(state, block, defaults)
        return pi.ReadDataSourceResponse(state=state)


class MockingFactory(ProviderFactory):
    """Makes the real providers; the mocked ones' instances, and every instance when data
    sources are overridden, answer for them."""

    def __init__(self, real: ProviderFactory, mocks: Mapping[str, MockProviderBlock], overrides: list[DataOverride]) -> None:
        super().__init__(real.root_dir, real.registry)
        self.real = real
        self.mocks = dict(mocks)  # provider source address -> its mock_provider block
        self.overrides = overrides

    def new(self, addr: ProviderAddr) -> pi.Provider:
        p = self.real.new(addr)
        spec = self.mocks.get(str(addr))
        if spec is None and not self.overrides:
            return p
        mock: pi.Provider = MockProvider(p, spec, self.overrides)  # a Provider by delegation
        return mock


def mocking_factory(
    session_module: Any, real: ProviderFactory, blocks: list[MockProviderBlock], overrides: list[DataOverride]
) -> ProviderFactory:
    """The factory a run's session uses: real unless the test file mocks providers or overrides data sources."""
    if not blocks and not overrides and not any(b.data_overrides for b in blocks):
        return real
    mocks = {str(session_module.provider_for_local_config(LocalProviderConfig(b.name, b.alias))): b for b in blocks}
    return MockingFactory(real, mocks, overrides)
