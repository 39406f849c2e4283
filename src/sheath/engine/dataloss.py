"""-allow-data-loss=ADDR: one run allows named resources to lose data.

Resource types that can refuse a change because it would lose data (sheath's native
``postgresql_table`` and ``postgresql_sequence``) say so with an optional, non-computed
boolean argument ``allow_data_loss`` in their schema. The option is provider-independent:
for an instance the addresses name, the engine presents ``allow_data_loss = true`` to the
provider in every request of the run that decides on a loss, and keeps what is stored as
configured:

- planning and applying a create, update or replacement: the configuration (and so the
  proposed new state) says true; the planned and the new state get the configured value
  back (a non-computed argument is planned as configured, so that is the value the
  provider would have planned), so the next plan shows no difference;
- planning (terraform's PlanDestroy) and applying a delete: the prior state says true
  (a delete has no configuration; the provider decides from what the state says).

A replacement the provider did not plan itself (-replace, taint, replace_triggered_by) of
such a type is also planned as a delete (engine.destroyplan.replaced_delete_allowed), so
that the old object's loss is refused at plan as a destroy's is.

An address is a resource (every instance of it) or a resource instance, in a module
instance as -target names them. A malformed address, one that is not a managed resource,
and one naming a resource whose type has no such argument are errors; one that matches no
instance in the configuration or the state is a warning. The addresses are recorded in a
saved plan, which is applied with them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from sheath import diag
from sheath.addrs.resource import ResourceMode
from sheath.diag import Diagnostics
from sheath.providers.schema import Schema
from sheath.states.lookup import Target, parse_target
from sheath.types import BOOL, TRUE, Value

ATTRIBUTE = "allow_data_loss"
FLAG = "allow-data-loss"


def address_errors(raw: str) -> Diagnostics:
    """What is wrong with one -allow-data-loss address (nothing when it is valid)."""
    _, diags = _parse(raw)
    return diags


def _parse(raw: str) -> tuple[Target | None, Diagnostics]:
    t, diags = parse_target(raw)
    if t is None or diags.has_errors():
        detail = next((d.detail for d in diags if d.severity is diag.Severity.ERROR), "")
        return None, Diagnostics([diag.error(f'Invalid -{FLAG} address "{raw}"', detail)])
    if t.resource is None or t.resource.mode is not ResourceMode.MANAGED:
        return None, Diagnostics(
            [
                diag.error(
                    f'Invalid -{FLAG} address "{raw}"',
                    "The address must name a managed resource or a resource instance, such as "
                    'postgresql_table.users or module.db.postgresql_table.users["x"]: only a resource can lose data.',
                )
            ]
        )
    return t, Diagnostics()


def supports(schema: Schema) -> bool:
    """Whether a resource type can be allowed to lose data: its schema has the optional,
    non-computed boolean argument allow_data_loss."""
    a = schema.block.attributes.get(ATTRIBUTE)
    return a is not None and a.type == BOOL and a.optional and not a.computed


def allows_data_loss(schema: Schema, v: Value) -> bool:
    """Whether v (a planned object of a type that supports it) says allow_data_loss = true."""
    if not supports(schema) or v.is_null or not v.is_known:
        return False
    a = v.unmark_deep()[0].attrs()[ATTRIBUTE]
    return a.is_known and not a.is_null and a.v is True


def allowing(v: Value) -> Value:
    """v (a configuration or state object) saying allow_data_loss = true."""
    if v.is_null or not v.is_known:
        return v
    attrs = dict(v.attrs())
    attrs[ATTRIBUTE] = TRUE
    return Value(v.type, attrs)


def as_configured(v: Value, config: Value) -> Value:
    """v (a planned or new state) with allow_data_loss as config has it."""
    if v.is_null or not v.is_known or config.is_null or not config.is_known:
        return v
    attrs = dict(v.attrs())
    attrs[ATTRIBUTE] = config.attrs()[ATTRIBUTE]
    return Value(v.type, attrs)


@dataclass
class DataLossAllowance:
    """The addresses of one run's -allow-data-loss options, and what they matched."""

    addresses: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    matched: set[int] = field(default_factory=set)
    unsupported: dict[int, str] = field(default_factory=dict)  # address index -> resource type
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __bool__(self) -> bool:
        return bool(self.targets)

    def allows(self, address: str, type_name: str, schema: Schema) -> bool:
        """Whether the run allows the instance at address (canonical) to lose data: an
        address names it and its type has the argument (else that is recorded as an error)."""
        hits = [i for i, t in enumerate(self.targets) if _covers(t, address)]
        if not hits:
            return False
        ok = supports(schema)
        with self.lock:
            for i in hits:
                if ok:
                    self.matched.add(i)
                else:
                    self.unsupported.setdefault(i, type_name)
        return ok

    def diagnostics(self) -> Diagnostics:
        """After a plan's walk: an address naming a type without the argument (error) or
        matching nothing (warning)."""
        diags = Diagnostics()
        for i, raw in enumerate(self.addresses):
            if i in self.unsupported:
                diags.append(
                    diag.error(
                        f'Invalid -{FLAG} address "{raw}"',
                        f'Resource type "{self.unsupported[i]}" has no {ATTRIBUTE} argument: its provider never refuses '
                        f"a change for losing data, so -{FLAG} would do nothing.",
                    )
                )
            elif i not in self.matched:
                diags.append(
                    diag.warning(
                        f'-{FLAG} matches no resource instance',
                        f'No resource instance in the configuration or the state has the address "{raw}", so '
                        f"-{FLAG}={raw} allows nothing in this run. Check the address (as terraform state list "
                        "shows it; a resource in a module instance with count or for_each needs the module's key).",
                    )
                )
        return diags


def _covers(t: Target, address: str) -> bool:
    if t.has_key:
        return address == str(t)
    base = str(t.abs_resource())
    return address == base or address.startswith(base + "[")


def allowance(addresses: Sequence[str]) -> tuple[DataLossAllowance, Diagnostics]:
    """The allowance of a run's -allow-data-loss addresses, and their errors."""
    targets: list[Target] = []
    diags = Diagnostics()
    for raw in addresses:
        t, d = _parse(raw)
        diags.extend(d)
        if t is not None:
            targets.append(t)
    if diags.has_errors():
        return DataLossAllowance(), diags
    return DataLossAllowance(tuple(addresses), tuple(targets)), diags


__all__ = ["ATTRIBUTE", "FLAG", "DataLossAllowance", "address_errors", "allowance", "allowing", "allows_data_loss", "as_configured", "supports"]
