"""What terraform's validate walk checks of a resource's ``lifecycle { ignore_changes }``:
each path must exist in the resource type's schema (configschema's
StaticValidateTraversal, with its wording), and a path naming an attribute only the
provider decides (computed, not optional) is the warning "Redundant ignore_changes
element" at the resource's type label."""

from __future__ import annotations

from collections.abc import Sequence

from sheath.config.common import valid_identifier
from sheath.diag import Diagnostics, Range, error, warning
from sheath.lang.eval.evaluator import name_suggestion
from sheath.lang.eval.traversal import traverse_steps
from sheath.lang.hcl import TraverseAttr, TraverseIndex, TraverseRoot, Traversal, Traverser
from sheath.providers.schema import Attribute, Block, Nesting
from sheath.types.cty import STRING, Value, unknown

_ATTRIBUTE_ONLY = "Only attribute access is allowed here, using the dot operator."


def _step_name(step: Traverser) -> str | None:
    return step.name if isinstance(step, (TraverseRoot, TraverseAttr)) else None


def static_validate_traversal(block: Block, steps: Sequence[Traverser]) -> Diagnostics:
    """The traversal's steps against block: terraform's Block.StaticValidateTraversal."""
    diags = Diagnostics()
    if not steps:
        return diags
    step, after = steps[0], steps[1:]
    name = _step_name(step)
    if name is None:
        if isinstance(step, TraverseIndex):
            key = step.key
            if isinstance(key, Value) and key.type == STRING and key.is_known and not key.is_null:
                maybe = key.v
                if isinstance(maybe, str) and valid_identifier(maybe):
                    detail = f'Only attribute access is allowed here. Did you mean to access attribute "{maybe}" using the dot operator?'
                    diags.append(error("Invalid index operation", detail, step.range))
                    return diags
            diags.append(error("Invalid index operation", _ATTRIBUTE_ONLY, step.range))
            return diags
        diags.append(error("Invalid operation", _ATTRIBUTE_ONLY, step.range))
        return diags
    attr = block.attributes.get(name)
    if attr is not None:
        if attr.deprecated:
            detail = f'The attribute "{name}" is deprecated. Refer to the provider documentation for details.'
            diags.append(warning("Deprecated attribute", detail, step.range))
        rel = [TraverseAttr(s.name, s.range) if isinstance(s, TraverseRoot) else s for s in after]
        _, d = traverse_steps(unknown(attr.implied_type()), rel, 0)
        diags.extend(d)
        return diags
    nested = block.block_types.get(name)
    if nested is not None:
        if nested.nesting in (Nesting.SINGLE, Nesting.GROUP):
            diags.extend(static_validate_traversal(nested.block, after))
            return diags
        if not after:
            return diags
        nxt = after[0]
        if nested.nesting == Nesting.SET:
            detail = (
                f'Block type "{name}" is represented by a set of objects, and set elements do not have addressable '
                'keys. To find elements matching specific criteria, use a "for" expression with an "if" clause.'
            )
            diags.append(error("Cannot index a set value", detail, nxt.range))
        elif nested.nesting == Nesting.LIST:
            if isinstance(nxt, TraverseIndex):
                diags.extend(static_validate_traversal(nested.block, after[1:]))
            else:
                detail = f'Block type "{name}" is represented by a list of objects, so it must be indexed using a numeric key, like .{name}[0].'
                diags.append(error("Invalid operation", detail, nxt.range))
        else:  # a map of blocks
            diags.extend(static_validate_traversal(nested.block, after[1:]))
        return diags
    suggestion = name_suggestion(name, sorted([*block.attributes, *block.block_types]))
    detail = f'This object has no argument, nested block, or exported attribute named "{name}".'
    diags.append(error("Unsupported attribute", detail + (f' Did you mean "{suggestion}"?' if suggestion else ""), step.range))
    return diags


def _attribute_at(block: Block, steps: Sequence[Traverser]) -> tuple[Attribute | None, str]:
    """The attribute a path of names (and list/map indexes) names, with its display path."""
    path: list[str] = []
    current: Block | None = block
    attr: Attribute | None = None
    for s in steps:
        name = _step_name(s)
        if name is None:
            if isinstance(s, TraverseIndex):
                k = s.key.v if isinstance(s.key, Value) else None
                path.append(f'["{k}"]' if isinstance(k, str) else f"[{k}]")
                continue
            return None, ""
        if attr is not None or current is None:
            return None, ""  # a step into an attribute's value: not a schema attribute
        path.append(("." if path else "") + name)
        a = current.attributes.get(name)
        if a is not None:
            attr = a
            continue
        nested = current.block_types.get(name)
        current = nested.block if nested is not None else None
    return attr, "".join(path)


def ignore_changes_diagnostics(block: Block, traversals: Sequence[Traversal], type_range: Range) -> Diagnostics:
    """terraform's checks of the ignore_changes paths of one resource, in order; once one
    has failed, no redundancy warning follows."""
    diags = Diagnostics()
    for t in traversals:
        diags.extend(static_validate_traversal(block, t.steps))
        if diags.has_errors():
            continue
        attr, shown = _attribute_at(block, t.steps)
        if attr is not None and attr.computed and not attr.optional:
            detail = (
                "Adding an attribute name to ignore_changes tells Terraform to ignore future changes to the argument in "
                "configuration after the object has been created, retaining the value originally configured.\n\nThe "
                f"attribute {shown} is decided by the provider alone and therefore there can be no configured value to "
                "compare with. Including this attribute in ignore_changes has no effect. Remove the attribute from "
                "ignore_changes to quiet this warning."
            )
            diags.append(warning("Redundant ignore_changes element", detail, type_range))
    return diags
