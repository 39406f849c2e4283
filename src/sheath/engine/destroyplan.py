"""terraform's planDestroy: the provider sees every planned delete.

A delete is planned by asking the provider (PlanResourceChange with a null
configuration and a null proposed state) when it advertises the PlanDestroy
server capability, as terraform 1.11 does through its gRPC client: the
provider may refuse the destroy with a diagnostic, or add private data that
ApplyResourceChange then gets. A provider without the capability is not
asked, and the object's own private data goes to the apply.
"""

from __future__ import annotations

from sheath import diag
from sheath.engine.dataloss import allowing, supports
from sheath.engine.run import Run
from sheath.providers import interface as pi
from sheath.providers.schema import Schema
from sheath.types.cty import Value, null


def plan_destroy(
    run: Run, provider: pi.Provider, type_name: str, prior: Value, private: bytes, address: str, provider_source: str, allow: bool = False
) -> bytes | None:
    """The private data for the delete of ``address`` (``prior`` being the object as planned);
    None when the provider refused it (its diagnostics are recorded on ``run``). ``allow``:
    the provider sees the object say allow_data_loss = true (a replacement's new object says so)."""
    ps = provider.get_provider_schema()
    schema = ps.resource_types.get(type_name)
    # -allow-data-loss (engine.dataloss): a delete has no configuration; the provider sees
    # the state saying allow_data_loss = true
    allowed = allow or (bool(run.opts.allow_data_loss) and schema is not None and run.opts.allow_data_loss.allows(address, type_name, schema))
    caps = ps.server_capabilities
    if caps is None or not caps.plan_destroy:
        return private
    plain, _ = prior.unmark_deep()
    if allowed:
        plain = allowing(plain)
    gone = null(plain.type)
    resp = provider.plan_resource_change(pi.PlanResourceChangeRequest(type_name, plain, gone, gone, private))
    for d in resp.diagnostics:
        d.extra.setdefault("address", address)
    if run.add_diags(resp.diagnostics):
        return None
    if resp.planned_state is not None and not resp.planned_state.is_null:
        run.add_diags(
            [
                diag.error(
                    "Provider produced invalid plan",
                    f'Provider "{provider_source}" planned a non-null destroy value for {address}.\n\n'
                    "This is a bug in the provider, which should be reported in the provider's own issue tracker.",
                )
            ]
        )
        return None
    return resp.planned_private


def replaced_delete_allowed(
    run: Run, provider: pi.Provider, type_name: str, schema: Schema, prior: Value, private: bytes, address: str, provider_source: str, allow: bool
) -> bool:
    """Whether the provider allows the delete half of a replacement it did not ask for
    (-replace, a tainted object, replace_triggered_by). sheath asks it, as a delete is
    asked above, only for a resource type that can refuse a change for losing data
    (engine.dataloss): such a replacement drops the old object as a destroy does, so it is
    refused at plan as the destroy would be (terraform asks nothing for it, and no other
    type is asked), unless ``allow`` (the new object says allow_data_loss = true, which the
    apply's delete then honours too). The refusal's diagnostics are recorded on ``run``."""
    if not supports(schema):
        return True
    return plan_destroy(run, provider, type_name, prior, private, address, provider_source, allow) is not None
