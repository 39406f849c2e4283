"""Typed Python bindings generated from a provider's schema.

render_bindings(local_name, schema) is the source of a module with one class per resource
type and, in its `data` namespace, one per data source: the constructor takes the resource
name (positional only), then the schema's settable arguments and nested blocks as keyword
parameters (required ones without a default) with type hints from the attribute types, then
the meta-arguments; nothing else, so a type checker reports an unknown argument. Arguments
named by a Python keyword (aws_iot_topic_rule's lambda) are left out. Descriptions
become docstrings. The modules in sheath.stack.providers are this function's output for the
providers built into sheath (tests/test_stack_bindings.py checks they are up to date).
"""

from __future__ import annotations

import keyword
import re

from sheath.providers.interface import ProviderSchema
from sheath.providers.schema import Block, Schema
from sheath.types.cty import BOOL, NUMBER, STRING, ListType, MapType, ObjectType, SetType, TupleType, Type

_HEADER = '''"""{title}

Generated from the provider's schema by sheath.stack.bindings; do not edit.
"""

from __future__ import annotations

{imports}
'''


RESOURCE_META = ("count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection")
"""The meta-arguments a resource class takes (untyped; provisioner and connection as dicts)."""
DATA_META = ("count", "for_each", "depends_on", "lifecycle", "provider")


def type_hint(t: Type | None) -> str:
    """The hint for an argument of cty type t (any argument may also be a reference)."""
    if t == STRING:
        return "StrArg"
    if t == NUMBER:
        return "NumberArg"
    if t == BOOL:
        return "BoolArg"
    if isinstance(t, (ListType, SetType, TupleType)):
        return "ListArg"
    if isinstance(t, MapType):
        return "MapArg"
    if isinstance(t, ObjectType):
        return "ObjectArg"
    return "Any"


def class_name(local_name: str, type_name: str) -> str:
    """random_pet -> Pet, local_sensitive_file -> SensitiveFile."""
    base = type_name[len(local_name) + 1 :] if type_name.startswith(local_name + "_") else type_name
    return "".join(p[:1].upper() + p[1:] for p in base.split("_") if p) or "Resource"


def _docstring(lines: list[str], indent: str) -> str:
    clean = [x.replace("\\", "\\\\").replace('"""', "'''") for x in lines]
    if len(clean) == 1:
        return f'{indent}"""{clean[0]}"""\n'
    body = f"\n\n{indent}Arguments:\n" + "".join(f"{indent}  {x}\n" for x in clean[1:])
    return f'{indent}"""{clean[0]}{body}{indent}"""\n'


def _class(local_name: str, type_name: str, schema: Schema, base: str, indent: str) -> str:
    block: Block = schema.block
    name = class_name(local_name, type_name)
    kind = "data source" if base == "DataSource" else "resource"
    out = [f"{indent}class {name}({base}):\n"]
    doc_lines = [f"{type_name} ({kind}). {' '.join(block.description.split())}".strip()]
    doc_lines += [f"{n}: {' '.join(a.description.split())}" for n, a in sorted(block.attributes.items()) if (a.required or a.optional) and a.description]
    out.append(_docstring(doc_lines, indent + "    "))
    out.append(f'\n{indent}    TYPE = "{type_name}"\n\n')
    attrs = set(block.attributes) | set(block.block_types)
    receiver = "self" if "self" not in attrs else "this"
    label = next(n for n in ("resource_name", "label", "block_label") if n not in attrs)
    params: list[str] = []
    names: list[str] = []
    settable = sorted((n, a) for n, a in block.attributes.items() if a.required or a.optional)
    for n, a in sorted(settable, key=lambda x: not x[1].required):
        if keyword.iskeyword(n):
            continue  # not expressible as a keyword argument: use resource(type, name, ...)
        hint = type_hint(a.type) if a.nested_type is None else "Any"
        params.append(f"{n}: {hint}" if a.required else f"{n}: {hint} | None = None")
        names.append(n)
    for n in sorted(block.block_types):
        if keyword.iskeyword(n) or n in names:
            continue
        params.append(f"{n}: BlockArg | None = None")
        names.append(n)
    meta = RESOURCE_META if base == "Resource" else DATA_META
    params += [f"{m}: Dynamic = None" for m in meta]
    sig = ", ".join([receiver, f"{label}: str", "/", "*", *params])
    out.append(f"{indent}    def __init__({sig}) -> None:\n")
    args = ", ".join([label, *(f"{n}={n}" for n in names), *(f"{m}={m}" for m in meta)])
    out.append(f"{indent}        super().__init__({args})\n")
    return "".join(out)


def render_bindings(local_name: str, schema: ProviderSchema, title: str) -> str:
    """The source of the bindings module of one provider."""
    parts: list[str] = []
    for type_name in sorted(schema.resource_types):
        parts.append("\n\n" + _class(local_name, type_name, schema.resource_types[type_name], "Resource", ""))
    if schema.data_sources:
        parts.append('\n\nclass data:  # noqa: N801 - the data sources, as PROVIDER.data.NAME\n    """The provider\'s data sources."""\n')
        for type_name in sorted(schema.data_sources):
            parts.append("\n" + _class(local_name, type_name, schema.data_sources[type_name], "DataSource", "    "))
    body = "".join(parts)
    hints = sorted(h for h in ("BlockArg", "BoolArg", "Dynamic", "ListArg", "MapArg", "NumberArg", "ObjectArg", "StrArg") if f"{h}" in body)
    bases = [b for b in ("DataSource", "Resource") if f"({b})" in body]
    imports = f"from sheath.stack.blocks import {', '.join(bases)}\nfrom sheath.stack.hints import {', '.join(hints)}"
    if re.search(r": Any\b", body):
        imports = "from typing import Any\n\n" + imports
    return _HEADER.format(title=title, imports=imports) + body


def builtin_bindings() -> dict[str, str]:
    """The modules of sheath.stack.providers (file name -> source), from the schemas of the
    providers built into sheath. Regenerate with `python -m sheath.stack.bindings DIR`."""
    from sheath.providers.builtin import terraform
    from sheath.providers.native import local, random

    return {
        "random.py": render_bindings("random", random.new_provider().get_provider_schema(), "hashicorp/random resources."),
        "local.py": render_bindings("local", local.new_provider().get_provider_schema(), "hashicorp/local resources and data sources."),
        "terraform.py": render_bindings(
            "terraform", terraform.new_provider().get_provider_schema(), "The builtin terraform provider (terraform.io/builtin/terraform)."
        ),
    }


if __name__ == "__main__":
    import os
    import sys

    for file_name, text in builtin_bindings().items():
        with open(os.path.join(sys.argv[1], file_name), "w", encoding="utf-8") as fh:
            fh.write(text)
