"""Breakdowns: the cost of every managed resource of a state (terraform's JSON state
representation) or of a plan's prior state and planned values, and the difference."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from sheath.cost.catalog import PriceCatalog
from sheath.cost.components import CostComponent
from sheath.cost.pricing import FREE_TYPES, PRICERS, PricingContext
from sheath.cost.usage import Usage, UsageFile

_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:[^:]*:([a-z]{2}(?:-[a-z]+)+-\d+):")
_AZ = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$")
AWS_PROVIDERS = ("registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws")


@dataclass(frozen=True)
class ResourceInput:
    """One managed resource instance: its address, type, provider and attribute values."""

    address: str
    type: str
    provider: str
    values: dict[str, Any]


@dataclass(frozen=True)
class ResourceCost:
    address: str
    type: str
    region: str
    components: tuple[CostComponent, ...] = ()
    unpriced_reason: str = ""  # the whole resource has no price

    @property
    def priced(self) -> bool:
        return not self.unpriced_reason

    @property
    def monthly_cost(self) -> Decimal | None:
        if self.unpriced_reason:
            return None
        costs = [c.monthly_cost for c in self.components if c.monthly_cost is not None]
        return sum(costs, Decimal(0)) if costs else (Decimal(0) if not self.components else None)

    @property
    def hourly_cost(self) -> Decimal | None:
        if self.unpriced_reason:
            return None
        costs = [c.hourly_cost for c in self.components if c.hourly_cost is not None]
        return sum(costs, Decimal(0)) if costs else (Decimal(0) if not self.components else None)

    @property
    def unpriced_components(self) -> list[CostComponent]:
        return [c for c in self.components if c.price is None]

    @property
    def usage_without_quantity(self) -> list[CostComponent]:
        return [c for c in self.components if c.usage_based and c.quantity is None and c.price is not None]


@dataclass(frozen=True)
class Breakdown:
    resources: tuple[ResourceCost, ...] = ()
    free: tuple[tuple[str, str], ...] = ()  # (address, type) of types AWS does not charge for
    other_providers: tuple[str, ...] = ()  # addresses of resources of providers other than aws

    @property
    def monthly_cost(self) -> Decimal:
        return sum((r.monthly_cost or Decimal(0) for r in self.resources), Decimal(0))

    @property
    def hourly_cost(self) -> Decimal:
        return sum((r.hourly_cost or Decimal(0) for r in self.resources), Decimal(0))

    @property
    def unpriced(self) -> list[ResourceCost]:
        return [r for r in self.resources if not r.priced]

    def by_address(self) -> dict[str, ResourceCost]:
        return {r.address: r for r in self.resources}


@dataclass(frozen=True)
class PlanCost:
    past: Breakdown
    planned: Breakdown

    @property
    def diff(self) -> Decimal:
        return self.planned.monthly_cost - self.past.monthly_cost


@dataclass(frozen=True)
class ProviderRegion:
    """The provider configuration a configured resource uses, as the plan's JSON configuration
    gives it: its key in provider_config ("aws", "aws.west", "module.net:aws"), its region
    ("" when not known), and whether the block sets one (a region it sets that is not known
    is never replaced by another: the resource is unpriced)."""

    key: str
    region: str = ""
    set_in_block: bool = False


@dataclass
class Estimator:
    catalog: PriceCatalog
    usage: UsageFile = field(default_factory=UsageFile)
    default_region: str = ""  # the aws provider's region, when known
    env_region: str = ""  # AWS_REGION / AWS_DEFAULT_REGION: the last resort

    def breakdown(self, resources: list[ResourceInput], provider_regions: dict[str, ProviderRegion] | None = None) -> Breakdown:
        """provider_regions: configuration address (no instance keys) -> its provider configuration.
        A resource without a region of its own takes its provider configuration's region; only
        resources whose configuration is not known take the default provider's, the one
        region of the others, or the environment's."""
        fallback = self.default_region or _common_region(resources) or self.env_region
        by_config = provider_regions or {}
        priced: list[ResourceCost] = []
        free: list[tuple[str, str]] = []
        other: list[str] = []
        for r in resources:
            if r.provider not in AWS_PROVIDERS and not r.type.startswith("aws_"):
                other.append(r.address)
                continue
            if r.type in FREE_TYPES:
                free.append((r.address, r.type))
                continue
            pr = by_config.get(config_address(r.address))
            if pr is None:
                priced.append(self.resource_cost(r, fallback))
            else:
                priced.append(self.configured_resource_cost(r, pr))
        return Breakdown(tuple(priced), tuple(free), tuple(other))

    def configured_resource_cost(self, r: ResourceInput, pr: ProviderRegion) -> ResourceCost:
        """r's cost in its own region, else its provider configuration's: the block's region,
        or, when the block sets none, the environment's (as the AWS provider reads it)."""
        if pr.region or resource_region(r.values):
            return self._cost_in(r, resource_region(r.values) or pr.region, "")
        if pr.set_in_block:
            return self._cost_in(r, "", f"the region of its provider configuration ({pr.key}) is not known before apply "
                                        "(not a constant or a variable the plan gives)")
        return self._cost_in(r, self.env_region, f"its provider configuration ({pr.key}) sets no region and "
                                                 "AWS_REGION / AWS_DEFAULT_REGION are not set")

    def resource_cost(self, r: ResourceInput, fallback_region: str = "") -> ResourceCost:
        region = resource_region(r.values) or fallback_region or self.default_region or self.env_region
        return self._cost_in(r, region, "its region is unknown (no ARN, availability zone or provider region)")

    def _cost_in(self, r: ResourceInput, region: str, unknown_reason: str) -> ResourceCost:
        pricer = PRICERS.get(r.type)
        if pricer is None:
            return ResourceCost(r.address, r.type, region, unpriced_reason=f"{r.type} is not in sheath's price snapshot")
        if not region:
            return ResourceCost(r.address, r.type, region, unpriced_reason=unknown_reason)
        if not self.catalog.has_region(region):
            return ResourceCost(r.address, r.type, region, unpriced_reason=f"the price snapshot has no prices for {region}")
        usage: Usage = self.usage.for_resource(r.address, r.type)
        ctx = PricingContext(self.catalog, region, usage)
        return ResourceCost(r.address, r.type, region, tuple(pricer(r.values, ctx)))


def resource_region(values: dict[str, Any]) -> str:
    """The region a resource is in, from its own attributes: region (AWS provider 6),
    its ARN, or its availability zone."""
    region = values.get("region")
    if isinstance(region, str) and region:
        return region
    arn = values.get("arn")
    if isinstance(arn, str):
        m = _ARN_REGION.match(arn)
        if m:
            return m.group(1)
    az = values.get("availability_zone")
    if isinstance(az, str):
        m = _AZ.match(az)
        if m:
            return m.group(1)
    return ""


def _common_region(resources: list[ResourceInput]) -> str:
    """The one region every resource that names one is in (else none)."""
    regions = {resource_region(r.values) for r in resources} - {""}
    return regions.pop() if len(regions) == 1 else ""


# ---- terraform's JSON state and plan representations -------------------------------


def _module_resources(module: dict[str, Any] | None) -> Iterator[ResourceInput]:
    if not isinstance(module, dict):
        return
    for res in module.get("resources") or []:
        if not isinstance(res, dict) or res.get("mode") != "managed":
            continue
        values = res.get("values")
        yield ResourceInput(str(res.get("address")), str(res.get("type")), str(res.get("provider_name", "")),
                            values if isinstance(values, dict) else {})
    for child in module.get("child_modules") or []:
        yield from _module_resources(child)


def state_resources(state_json: dict[str, Any] | None) -> list[ResourceInput]:
    """The managed resource instances of `show -json` of a state (or a plan's prior_state)."""
    if not isinstance(state_json, dict):
        return []
    values = state_json.get("values")
    if not isinstance(values, dict):
        return []
    return list(_module_resources(values.get("root_module")))


def planned_resources(plan_json: dict[str, Any]) -> list[ResourceInput]:
    """The managed resource instances a plan leaves (planned_values)."""
    planned = plan_json.get("planned_values")
    if not isinstance(planned, dict):
        return []
    return list(_module_resources(planned.get("root_module")))


_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def config_address(address: str) -> str:
    """A resource instance's address without its (and its modules') instance keys."""
    return _INSTANCE_KEY.sub("", address)


def _provider_region(provider_config: dict[str, Any], key: str) -> ProviderRegion:
    cfg = provider_config.get(key)
    region_expr = ((cfg.get("expressions") or {}).get("region") if isinstance(cfg, dict) else None) or None
    if not isinstance(region_expr, dict):
        return ProviderRegion(key)
    region = region_expr.get("constant_value")
    return ProviderRegion(key, region if isinstance(region, str) else "", True)


def provider_regions(plan_json: dict[str, Any]) -> dict[str, ProviderRegion]:
    """Each configured managed resource's provider configuration and its region, as the plan's
    JSON configuration gives them (jsonconfig folds configurations passed to a module, or
    inherited by it, into the one they come from; a module's own provider block keeps its
    module-qualified key)."""
    config = plan_json.get("configuration")
    if not isinstance(config, dict):
        return {}
    providers = config.get("provider_config") or {}
    out: dict[str, ProviderRegion] = {}

    def walk(module: Any, prefix: str) -> None:
        if not isinstance(module, dict):
            return
        for res in module.get("resources") or []:
            if isinstance(res, dict) and res.get("mode") == "managed" and res.get("provider_config_key"):
                out[prefix + str(res.get("address"))] = _provider_region(providers, str(res["provider_config_key"]))
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict):
                walk(call.get("module"), f"{prefix}module.{name}.")

    walk(config.get("root_module"), "")
    return out


def provider_region(plan_json: dict[str, Any]) -> str:
    """The default aws provider's region, when the plan's configuration gives it as a constant."""
    config = plan_json.get("configuration")
    if not isinstance(config, dict):
        return ""
    return _provider_region(config.get("provider_config") or {}, "aws").region


def plan_cost(estimator: Estimator, plan_json: dict[str, Any]) -> PlanCost:
    region = provider_region(plan_json)
    est = Estimator(estimator.catalog, estimator.usage, region or estimator.default_region, estimator.env_region)
    regions = provider_regions(plan_json)
    return PlanCost(est.breakdown(state_resources(plan_json.get("prior_state")), regions),
                    est.breakdown(planned_resources(plan_json), regions))
