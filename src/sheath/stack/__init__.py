"""Infrastructure in Python: stack files (stack.py, *.stack.py) in a root module.

    from sheath.stack import variable, output, local_value, Module, resource
    from sheath.stack.providers import random

    env = variable("env", type=str, default="dev")
    pet = random.Pet("suffix", length=2)
    marker = resource("terraform_data", "marker", input=f"{env}-{pet.id}")
    output("marker", marker.output)

sheath runs the file while loading the configuration and reads the blocks it declares
as a JSON-syntax file of the root module (sheath.stack.synth); see docs/stacks.md.
"""

from sheath.stack.blocks import (
    DataSource,
    Module,
    Referable,
    Resource,
    check,
    data,
    imported,
    local_value,
    moved,
    output,
    provider,
    required_providers,
    resource,
    variable,
)
from sheath.stack.model import Count, Each, Ref, StackError, UnknownValueError, expr

__all__ = [
    "Count",
    "DataSource",
    "Each",
    "Module",
    "Ref",
    "Referable",
    "Resource",
    "StackError",
    "UnknownValueError",
    "check",
    "data",
    "expr",
    "imported",
    "local_value",
    "moved",
    "output",
    "provider",
    "required_providers",
    "resource",
    "variable",
]
