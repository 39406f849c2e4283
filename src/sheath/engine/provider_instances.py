"""OpenTofu's provider for_each in the engine: provider instances and which one each
resource instance uses.

A `provider` block with `for_each` (OpenTofu 1.9, alias required) is configured once per
element, with `each.key`/`each.value` in its arguments; its instances are kept in
`Run.providers` under OpenTofu's instance address, `provider["…"].ALIAS["KEY"]`. A
resource whose `provider` argument is `NAME.ALIAS[KEY]` evaluates KEY for each of its
instances (with that instance's `each`/`count`) and plans, applies and destroys the
instance with that provider instance; the key is kept on each object in the state
(`InstanceObject.provider_key`, the per-instance `"provider"` field of OpenTofu's state
file). An object whose provider instance is gone cannot be planned or destroyed: OpenTofu's
"Provider instance not present".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from sheath import diag
from sheath.addrs.instance_key import IndexKey
from sheath.engine.evalctx import Repetition
from sheath.providers import interface as pi
from sheath.states.state import InstanceObject, provider_instance_string
from sheath.states.state import Resource as StateResource
from sheath.types.convert import ConversionError, convert
from sheath.types.cty import SENSITIVE, STRING

if TYPE_CHECKING:
    from sheath.addrs.module import ModuleInstance
    from sheath.config.resource import Resource
    from sheath.engine.run import Run
    from sheath.graph.references import ConfigNode


def uses_instances(run: "Run", node: "ConfigNode") -> bool:
    """Whether a resource's provider configuration has for_each (its instances choose one)."""
    pn = run.provider_of.get(node)
    return pn is not None and pn.name in run.provider_keys


def key_source(run: "Run", r: "Resource", mi: "ModuleInstance", rep: Repetition) -> tuple[Any, "ModuleInstance", Repetition] | None:
    """Where a resource instance's provider instance key comes from: the key expression, the
    module instance it is evaluated in and its repetition. The resource's own
    `provider = NAME.ALIAS[KEY]` (with the instance's each/count), or, for a resource in a
    child module, the `providers = { NAME = NAME.ALIAS[KEY] }` entry of the module call that
    passed the configuration down (evaluated in the calling module, with the module
    instance's each/count), as OpenTofu resolves them."""
    ref = r.provider_config_ref
    if ref is not None and ref.key_expr is not None:
        return ref.key_expr, mi, rep
    name, alias = (ref.name, ref.alias) if ref is not None else (r.provider_local_name(), "")
    cfg = run.configs.get(mi.module())
    cur = mi
    while cfg is not None and cfg.call is not None and cur.steps:
        passed = next((p for p in cfg.call.providers if p.in_child.name == name and p.in_child.alias == alias), None)
        if passed is None:
            return None  # implicit inheritance: default configurations only, never instanced
        if passed.in_parent.key_expr is not None:
            return passed.in_parent.key_expr, cur.parent(), run.module_reps.get(cur, Repetition())
        name, alias = passed.in_parent.name, passed.in_parent.alias
        cur = cur.parent()
        cfg = run.configs.get(cur.module())
    return None


def provider_key(run: "Run", mi: "ModuleInstance", rep: Repetition, expr: Any, addr: str) -> str | None:
    """The provider instance key for one resource instance (OpenTofu's resolveProviderInstance)."""
    v, d = run.values.eval_expr(mi, expr, rep.variables())
    if run.add_diags(d):
        return None
    plain, marks = v.unmark_deep()
    summary = "Invalid provider instance key"
    if SENSITIVE in marks:
        run.add_diags([diag.error(summary, "A provider instance key must not be derived from a sensitive value.", expr.range)])
        return None
    if plain.is_null:
        run.add_diags([diag.error(summary, "A provider instance key must not be null.", expr.range)])
        return None
    if not plain.is_wholly_known():
        run.add_diags(
            [
                diag.error(
                    summary,
                    f"The provider instance key for {addr} depends on values that cannot be determined until apply, "
                    "and so OpenTofu cannot select a provider instance to create a plan for this resource instance.",
                    expr.range,
                )
            ]
        )
        return None
    try:
        s = convert(plain, STRING)
    except ConversionError as exc:
        run.add_diags([diag.error(summary, f"The given instance key is unsuitable: {exc.message}.", expr.range)])
        return None
    assert isinstance(s.v, str)
    return s.v


def instance_for_key(run: "Run", config_addr: str, key: str, rng: Any = None) -> pi.Provider | None:
    """The configured instance KEY of a provider configuration with for_each."""
    p = run.providers.get(provider_instance_string(config_addr, key))
    if p is None:
        # OpenTofu's error for a key its provider configuration has no instance for
        run.add_diags(
            [diag.error(f"provider {config_addr} not initialized with key {provider_instance_string('', key)}", "", rng)]
        )
    return p


def select_for_instance(
    run: "Run",
    node: "ConfigNode",
    r: "Resource",
    mi: "ModuleInstance",
    rep: Repetition,
    sr: StateResource | None,
    key: IndexKey,
    addr: str,
) -> pi.Provider | None:
    """The provider instance one resource instance uses, recorded for the objects written for
    it (sr: its resource in the state; None for an ephemeral resource)."""
    pn = run.provider_of[node]
    src = key_source(run, r, mi, rep)
    if src is None:
        run.add_diags(
            [diag.error("Invalid resource provider configuration", f"No instance of {pn.name} is chosen for {addr}.", r.decl_range)]
        )
        return None
    expr, key_mi, key_rep = src
    pkey = provider_key(run, key_mi, key_rep, expr, addr)
    if pkey is None:
        return None
    p = instance_for_key(run, pn.name, pkey, expr.range)
    if p is not None and sr is not None:
        with run.state_lock:
            run.chosen_provider_keys[(sr.address, key)] = pkey
    return p


def for_object(
    run: "Run", sr: StateResource, obj: InstanceObject, addr: str, default: pi.Provider, deposed: str = ""
) -> pi.Provider | None:
    """The provider instance that manages an object in the state (its recorded key), or None
    with OpenTofu's "Provider instance not present" when that instance is no longer declared.
    Objects of configurations without for_each get the default."""
    if obj.provider_key is None and sr.provider not in run.provider_keys:
        return default
    p = run.providers.get(provider_instance_string(sr.provider, obj.provider_key))
    if p is not None:
        return p
    run.add_diags([not_present(sr, addr, obj.provider_key, deposed)])
    return None


def change_provider_addr(run: "Run", sr: StateResource, key: IndexKey, obj: InstanceObject | None) -> str:
    """The provider (instance) address a planned change records: provider["…"].ALIAS["KEY"]
    for an object of a provider instance, the configuration's address otherwise."""
    pkey = run.chosen_provider_keys.get((sr.address, key)) if obj is None else obj.provider_key
    return provider_instance_string(sr.provider, pkey)


def not_present(sr: StateResource, addr: str, pkey: str | None, deposed: str = "") -> diag.Diagnostic:
    """OpenTofu's "Provider instance not present", for an object or a deposed object."""
    inst = provider_instance_string(sr.provider, pkey)
    resource = addr.rsplit("[", 1)[0] if addr.endswith("]") else addr
    if not deposed:
        if pkey is not None:
            detail = (
                f"To work with {addr} its original provider instance at {inst} is required, but it has been removed. "
                "This occurs when an element is removed from the provider configuration's for_each collection while "
                "objects created by that the associated provider instance still exist in the state. Re-add the "
                f"for_each element to destroy {addr}, after which you can remove the provider configuration again.\n\n"
                "This is commonly caused by using the same for_each collection both for a resource (or its containing "
                "module) and its associated provider configuration. To successfully remove an instance of a resource "
                "it must be possible to remove the corresponding element from the resource's for_each collection "
                "while retaining the corresponding element in the provider's for_each collection."
            )
        else:
            key_text = addr[len(resource) :] if addr != resource else "<nil>"
            detail = (
                f"To work with {addr} its original provider instance at {inst} is required, but it has been removed. "
                "This suggests that you've added for_each to this provider configuration while there are existing "
                f"instances of {resource} that need to be destroyed by the original single-instance provider "
                f"configuration.\n\nTo proceed, return to your previous single-instance configuration for {sr.provider} "
                f"and ensure that {addr} has been destroyed or forgotten before using for_each with this provider, or "
                f"change the resource configuration to still declare an instance with the key {key_text}."
            )
    elif pkey is not None:
        detail = (
            f"To work with {addr}'s deposed object {deposed} its original provider instance at {inst} is required, but "
            "it has been removed. This occurs when an element is removed from the provider configuration's for_each "
            "collection while objects created by that the associated provider instance still exist in the state. "
            f"Re-add the for_each element to destroy this deposed object for {addr}, after which you can remove the "
            "provider configuration again."
        )
    else:
        detail = (
            f"To work with {addr}'s deposed object {deposed} its original provider instance at {inst} is required, but "
            "it has been removed. This suggests that you've added for_each to this provider configuration while there "
            f"are existing deposed objects of {addr} that need to be destroyed by the original single-instance "
            f"provider configuration.\n\nTo proceed, return to your previous single-instance configuration for "
            f"{sr.provider} and ensure that all deposed instances of {addr} have been destroyed before using for_each "
            "with this provider."
        )
    return diag.error("Provider instance not present", detail)


def configure_each(
    run: "Run", node: "ConfigNode", mi: "ModuleInstance", for_each: Any, configure: Callable[[Repetition], pi.Provider | None]
) -> bool:
    """Configure one provider instance per element of a provider block's for_each
    (configure returns the configured provider, None when it failed); False on failure."""
    v, d = run.values.eval_expr(mi, for_each)
    if run.add_diags(d):
        return False
    items = run.for_each_items(v, for_each)
    if items is None:
        return False
    keys: list[str] = []
    for k, ev in items:
        p = configure(Repetition(each_key=k, each_value=ev))
        if p is None:
            return False
        run.providers[provider_instance_string(node.name, k)] = p
        keys.append(k)
    run.provider_keys[node.name] = keys
    return True
