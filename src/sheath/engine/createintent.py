"""The create intent of one resource instance: what the journal records before the
provider is asked to create an object (see sheath.states.intents).

The object is identified by the planned values already known before the create:
the top-level attributes of primitive type that are known, not null, short and
not sensitive (in the schema or by their configuration's marks). Objects of
terraform_data (the built-in provider) exist only in the state: no intent.

A create the provider never answered (the plugin crashed or stopped responding,
the call was cancelled) may have made the object all the same: its intent is
left unsettled, to be reported.
"""

from __future__ import annotations

from typing import Any

from sheath.diag import Diagnostics
from sheath.engine.objects import marked_paths
from sheath.providers.schema import Schema
from sheath.states import gojson
from sheath.states.intents import CreateIntent
from sheath.addrs.instance_key import IndexKey
from sheath.types.cty import Value
from sheath.types.json import value_to_json

BUILTIN_PROVIDER = "terraform.io/builtin/terraform"
# the errors of a provider call that got no answer (sheath.providers.tfplugin.client)
NO_ANSWER = frozenset({"Plugin did not respond", "Request cancelled", "Plugin error"})
LONGEST_SHOWN = 256  # characters: longer strings (file contents, policies) do not identify at a glance


def create_intent(
    module: str, type_: str, name: str, provider: str, key: IndexKey, address: str, schema: Schema, planned: Value, config: Value
) -> CreateIntent | None:
    """The intent to record before creating address; None when the object cannot outlive the state."""
    if BUILTIN_PROVIDER in provider:
        return None
    return CreateIntent(module, "managed", type_, name, provider, key, address, identity=identifying_values(schema, planned, config))


def identifying_values(schema: Schema, planned: Value, config: Value) -> dict[str, Any]:
    """The known, non-sensitive, primitive top-level planned values (JSON values by name)."""
    if not planned.is_known or planned.is_null or not planned.type.is_object():
        return {}
    secret = {str(p[0]) for p in marked_paths(config) if p}
    if config.is_marked:
        return {}
    out: dict[str, Any] = {}
    for name, v in planned.attrs().items():
        a = schema.block.attributes.get(name)
        if a is None or a.sensitive or a.write_only or name in secret:
            continue
        if not v.is_known or v.is_null or not v.type.is_primitive() or v.is_marked:
            continue
        if isinstance(v.v, str) and len(v.v) > LONGEST_SHOWN:
            continue
        out[name] = gojson.loads(value_to_json(v))
    return out


def answered(diags: Diagnostics) -> bool:
    """Whether the provider answered the create call (with success or its own error)."""
    return not any(d.is_error and d.summary in NO_ANSWER for d in diags)


__all__ = ["NO_ANSWER", "answered", "create_intent", "identifying_values"]
