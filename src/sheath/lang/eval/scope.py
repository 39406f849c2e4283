"""Terraform's evaluation scope for a module: references checked, then evaluated.

``Scope.eval_expr`` does what terraform's lang.Scope.EvalExpr does: parse each
traversal of the expression as a reference (addrs.parse_ref), check it
against the module's declarations ("Reference to undeclared input variable",
"Invalid "path" attribute"...), build the EvalContext (var, local, path,
terraform, module, data, resource types) and evaluate. Reference errors stop
evaluation before it starts, as in terraform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import DYNAMIC_VAL, evaluate, name_suggestion
from sheath.lang.funcs.function import Function
from sheath.types.cty import DYNAMIC, EMPTY_OBJECT_VAL, EPHEMERAL, FALSE, ObjectType, Type, Value, string_val, unknown

_PATH_ATTRS = ("cwd", "module", "root")


def object_of(d: Mapping[str, Value]) -> Value:
    if not d:
        return EMPTY_OBJECT_VAL
    s = dict(sorted(d.items()))
    return Value(ObjectType({k: v.type for k, v in s.items()}), s)


@dataclass
class ModuleData:
    """The values a module's expressions can refer to.

    variables: declared input variables -> value (unknown when not set);
    locals: declared local values -> value;
    managed / data resources: "type.name" -> value (unknown when not in state);
    module_calls: declared module call names -> value.
    """

    variables: dict[str, Value] = field(default_factory=dict)
    locals: dict[str, Value] = field(default_factory=dict)
    managed: dict[str, Value] = field(default_factory=dict)
    data: dict[str, Value] = field(default_factory=dict)
    ephemeral: dict[str, Value] = field(default_factory=dict)  # ephemeral resources: "type.name" -> value
    module_calls: dict[str, Value] = field(default_factory=dict)
    path_module: str = "."
    path_root: str = "."
    path_cwd: str = "."
    workspace: str = "default"


def _err(summary: str, detail: str, subject: Any) -> Diagnostic:
    return Diagnostic(Severity.ERROR, summary, detail, subject)


_TERRAFORM_ENV_DETAIL = (
    "The terraform.env attribute was deprecated in v0.10 and removed in v0.12. The \"state environment\" "
    'concept was renamed to "workspace" in v0.12, and so the workspace name can now be accessed using the '
    "terraform.workspace attribute."
)


def _terraform_attr_detail(name: str) -> str:
    return (
        f'The "terraform" object does not have an attribute named "{name}". The only supported attributes are '
        "terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean "
        "which is true only during apply."
    )


def _count_attr_detail(name: str) -> str:
    return (
        f'The "count" object does not have an attribute named "{name}". The only supported attribute is '
        'count.index, which is the index of each instance of a resource block that has the "count" argument set.'
    )


def _each_attr_detail(name: str) -> str:
    return (
        f'The "each" object does not have an attribute named "{name}". The supported attributes are each.key '
        'and each.value, the current key and value pair of the "for_each" attribute set.'
    )


# Terraform quirk: a bare (or indexed) var/local/path/terraform/count/each also
# yields an error about an object with an empty name and no source range.
_NO_RANGE = Range("", Pos(0, 0, 0), Pos(0, 0, 0))


def _empty_name_quirk(trav: Any) -> Diagnostic | None:
    from sheath.lang.hcl import TraverseAttr

    steps = trav.steps
    if not steps or (len(steps) > 1 and type(steps[1]) is TraverseAttr):
        return None
    root = getattr(steps[0], "name", "")
    if root == "var":
        return _err(
            "Reference to undeclared input variable",
            'An input variable with the name "" has not been declared. This variable can be declared with a '
            'variable "" {} block.',
            _NO_RANGE,
        )
    if root == "local":
        return _err("Reference to undeclared local value", 'A local value with the name "" has not been declared.', _NO_RANGE)
    if root == "path":
        return _err('Invalid "path" attribute', 'The "path" object does not have an attribute named "".', _NO_RANGE)
    if root == "terraform":
        return _err('Invalid "terraform" attribute', _terraform_attr_detail(""), _NO_RANGE)
    if root == "count":
        return _err('Invalid "count" attribute', _count_attr_detail(""), _NO_RANGE)
    if root == "each":
        return _err('Invalid "each" attribute', _each_attr_detail(""), _NO_RANGE)
    return None


class RootObjects(Mapping[str, Value]):
    """A module's root names (var, local, path, terraform, module, data and the
    resource types) to their object values, each built when first looked up and
    kept until ``forget``: a configuration with thousands of locals does not
    rebuild every object each time one local gets its value."""

    _FIXED = ("var", "local", "path", "terraform", "module", "data", "ephemeral")

    def __init__(self, data: ModuleData) -> None:
        self.data = data
        self.built: dict[str, Value] = {}
        self.resource_types: dict[str, dict[str, Value]] | None = None

    def forget(self, name: str | None = None) -> None:
        """Drop the object of root name (all of them with None): it is rebuilt when next looked up."""
        if name is None:
            self.built.clear()
            self.resource_types = None
        else:
            self.built.pop(name, None)

    def _types(self) -> dict[str, dict[str, Value]]:
        if self.resource_types is None:
            by_type: dict[str, dict[str, Value]] = {}
            for key, v in self.data.managed.items():
                t, _, n = key.partition(".")
                by_type.setdefault(t, {})[n] = v
            self.resource_types = by_type
        return self.resource_types

    def _build(self, name: str) -> Value:
        d = self.data
        if name == "var":
            return object_of(d.variables)
        if name == "local":
            return object_of(d.locals)
        if name == "path":
            return object_of(
                {"module": string_val(d.path_module), "root": string_val(d.path_root), "cwd": string_val(d.path_cwd)}
            )
        if name == "terraform":
            return object_of({"workspace": string_val(d.workspace), "applying": FALSE.mark(EPHEMERAL)})
        if name == "module":
            return object_of(d.module_calls)
        if name in ("data", "ephemeral"):
            dby: dict[str, dict[str, Value]] = {}
            for key, v in (d.data if name == "data" else d.ephemeral).items():
                t, _, n = key.partition(".")
                dby.setdefault(t, {})[n] = v
            return object_of({t: object_of(objs) for t, objs in dby.items()})
        objs = self._types().get(name)
        if objs is None:
            raise KeyError(name)
        return object_of(objs)

    def __getitem__(self, name: str) -> Value:
        v = self.built.get(name)
        if v is None:
            v = self._build(name)
            self.built[name] = v
        return v

    def __iter__(self) -> Iterator[str]:
        yield from self._FIXED
        yield from (t for t in self._types() if t not in self._FIXED)

    def __len__(self) -> int:
        return len(self._FIXED) + sum(1 for t in self._types() if t not in self._FIXED)


def referenced_names(traversals: Iterable[Any], root: str) -> set[str] | None:
    """The attribute names the traversals read from root (``local.a`` -> a); None
    when one of them uses root otherwise (bare or indexed)."""
    from sheath.lang.hcl import TraverseAttr

    names: set[str] = set()
    for t in traversals:
        if t.root_name != root:
            continue
        steps = t.steps
        if len(steps) < 2 or type(steps[1]) is not TraverseAttr:
            return None
        names.add(steps[1].name)
    return names


def shadows(ctx: EvalContext, name: str) -> bool:
    """Whether a scope below ctx's root defines name (a for expression's symbol)."""
    c: EvalContext | None = ctx
    while c is not None and c.parent is not None:
        if c.variables is not None and name in c.variables:
            return True
        c = c.parent
    return False


class Scope:
    """A module's evaluation scope (terraform's lang.Scope)."""

    def __init__(self, data: ModuleData, functions: Mapping[str, Function]) -> None:
        self.data = data
        self.functions = functions
        self._ctx: EvalContext | None = None
        self._roots: RootObjects | None = None

    def context(self) -> EvalContext:
        if self._ctx is None or self._roots is None:
            self._roots = RootObjects(self.data)
            self._ctx = EvalContext(self._roots, self.functions)
        return self._ctx

    def changed(self, root: str | None = None) -> None:
        """The values under root (every root with None) changed: rebuild its object on next use."""
        if self._roots is not None:
            self._roots.forget(root)

    def context_for(self, ctx: EvalContext, traversals: Iterable[Any]) -> EvalContext:
        """ctx, with ``local`` holding only the locals the traversals refer to (as
        terraform builds an expression's context from its references)."""
        names = referenced_names(traversals, "local")
        if not names or shadows(ctx, "local"):
            return ctx
        locals_ = self.data.locals
        return ctx.new_child({"local": object_of({n: locals_[n] for n in names if n in locals_})})

    def check_references(self, expr: Any) -> Diagnostics:
        """Terraform's reference validation of every traversal in expr."""
        from sheath.addrs import referenceable as R
        from sheath.addrs.resource import Resource, ResourceInstance, ResourceMode

        diags = Diagnostics()
        d = self.data
        for trav in expr.variables():
            ref, rd = R.parse_ref(trav)
            if ref is None:
                quirk = _empty_name_quirk(trav)
                if quirk is not None and rd.has_errors():
                    diags.append(quirk)
                diags.extend(rd)
                continue
            diags.extend(rd)
            subj = ref.subject
            rng = ref.source_range
            if isinstance(subj, R.InputVariable):
                if subj.name not in d.variables:
                    diags.append(
                        _err(
                            "Reference to undeclared input variable",
                            f'An input variable with the name "{subj.name}" has not been declared. This variable can be '
                            f'declared with a variable "{subj.name}" {{}} block.',
                            rng,
                        )
                    )
            elif isinstance(subj, R.LocalValue):
                if subj.name not in d.locals:
                    sugg = name_suggestion(subj.name, d.locals)
                    extra = f' Did you mean "{sugg}"?' if sugg else ""
                    diags.append(
                        _err(
                            "Reference to undeclared local value",
                            f'A local value with the name "{subj.name}" has not been declared.{extra}',
                            rng,
                        )
                    )
            elif isinstance(subj, R.PathAttr):
                if subj.name not in _PATH_ATTRS:
                    sugg = name_suggestion(subj.name, _PATH_ATTRS)
                    extra = f' Did you mean "{sugg}"?' if sugg else ""
                    diags.append(
                        _err(
                            'Invalid "path" attribute',
                            f'The "path" object does not have an attribute named "{subj.name}".{extra}',
                            rng,
                        )
                    )
            elif isinstance(subj, R.TerraformAttr):
                if subj.name == "env":
                    diags.append(_err('Invalid "terraform" attribute', _TERRAFORM_ENV_DETAIL, rng))
                elif subj.name not in ("workspace", "applying"):
                    diags.append(_err('Invalid "terraform" attribute', _terraform_attr_detail(subj.name), rng))
            elif isinstance(subj, R.CountAttr) and subj.name != "index":
                diags.append(_err('Invalid "count" attribute', _count_attr_detail(subj.name), rng))
            elif isinstance(subj, R.ForEachAttr) and subj.name not in ("key", "value"):
                diags.append(_err('Invalid "each" attribute', _each_attr_detail(subj.name), rng))
            elif isinstance(subj, R.CountAttr):
                diags.append(
                    _err(
                        'Reference to "count" in non-counted context',
                        'The "count" object can only be used in "module", "resource", and "data" blocks, and only '
                        'when the "count" argument is set.',
                        rng,
                    )
                )
            elif isinstance(subj, R.ForEachAttr):
                diags.append(
                    _err(
                        'Reference to "each" in context without for_each',
                        'The "each" object can be used only in "module" or "resource" blocks, and only when the '
                        '"for_each" argument is set.',
                        rng,
                    )
                )
            elif isinstance(subj, R.Self):
                diags.append(
                    _err(
                        'Invalid "self" reference',
                        'The "self" object is not available in this context. This object can be used only in '
                        "resource provisioner, connection, and postcondition blocks.",
                        rng,
                    )
                )
            elif isinstance(subj, (Resource, ResourceInstance)):
                res = subj if isinstance(subj, Resource) else subj.resource
                key = f"{res.type}.{res.name}"
                if res.mode is ResourceMode.DATA:
                    if key not in d.data:
                        diags.append(
                            _err(
                                "Reference to undeclared resource",
                                f'A data resource "{res.type}" "{res.name}" has not been declared in the root module.',
                                rng,
                            )
                        )
                elif key not in d.managed:
                    diags.append(
                        _err(
                            "Reference to undeclared resource",
                            f'A managed resource "{res.type}" "{res.name}" has not been declared in the root module.',
                            rng,
                        )
                    )
            else:
                from sheath.addrs.module import ModuleCall, ModuleCallInstance, ModuleCallInstanceOutput

                name: str | None = None
                if isinstance(subj, ModuleCall):
                    name = subj.name
                elif isinstance(subj, ModuleCallInstance):
                    name = subj.call.name
                elif isinstance(subj, ModuleCallInstanceOutput):
                    name = subj.call.call.name
                if name is not None and name not in d.module_calls:
                    diags.append(
                        _err(
                            "Reference to undeclared module",
                            f'No module call named "{name}" is declared in the root module.',
                            rng,
                        )
                    )
        return diags

    def eval_expr(self, expr: Any, want: Type = DYNAMIC) -> tuple[Value, Diagnostics]:
        diags = self.check_references(expr)
        if diags.has_errors():
            return unknown(want), diags
        val, ediags = evaluate(expr, self.context_for(self.context(), expr.variables()))
        diags.extend(ediags)
        if not want.is_dynamic() and not ediags.has_errors():
            from sheath.lang.eval import valops as vo

            try:
                val = vo.convert(val, want)
            except vo.ConversionError as err:
                diags.append(_err("Incorrect value type", f"Invalid expression value: {err.message}.", expr.range))
                return unknown(want), diags
        return val, diags


__all__ = ["ModuleData", "RootObjects", "Scope", "object_of", "referenced_names", "shadows", "DYNAMIC_VAL"]
