"""The template hook for templatefile / templatestring.

``make_template_renderer()`` returns a callable (src, filename, vars) -> Value
for FunctionContext.render_template; set its ``functions`` after building the
function table (the table and the renderer refer to each other).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sheath.diag import Diagnostic, Pos
from sheath.lang.eval.closures import range_str
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.funcs.function import Function, FunctionError
from sheath.types.cty import Value


def diag_error_string(d: Diagnostic) -> str:
    """hcl's Diagnostic.Error()."""
    if d.subject is not None:
        return f"{range_str(d.subject)}: {d.summary}; {d.detail}"
    return f"{d.summary}; {d.detail}"


def diags_error_string(diags: list[Diagnostic]) -> str:
    """hcl's Diagnostics.Error()."""
    errs = [d for d in diags if d.is_error] or list(diags)
    if len(errs) == 1:
        return diag_error_string(errs[0])
    return f"{diag_error_string(errs[0])}, and {len(errs) - 1} other diagnostic(s)"


_TEMPLATE_FUNCS = ("templatefile", "templatestring")


def _recursion_guard(fn: Function, called_as: str) -> Function:
    """A stand-in for a template function inside a template: calling it is an error."""
    msg = f"cannot recursively call {called_as} from inside another template function"

    def fail(*_a: object) -> Value:
        raise FunctionError(msg)

    return Function(
        name=fn.name,
        params=fn.params,
        var_param=fn.var_param,
        return_type=fail,  # type: ignore[arg-type]
        impl=fail,
        description=fn.description,
    )


class TemplateFunctions(Mapping[str, Function]):
    """The function table seen inside a template: the given one, except that template
    functions cannot recurse. A view: nothing is looked up before it is called."""

    __slots__ = ("_functions", "_guards")

    def __init__(self, functions: Mapping[str, Function]) -> None:
        self._functions = functions
        self._guards: dict[str, Function] = {}

    def __getitem__(self, name: str) -> Function:
        f = self._functions[name]
        bare = name[6:] if name.startswith("core::") else name
        if bare not in _TEMPLATE_FUNCS:
            return f
        g = self._guards.get(name)
        if g is None:
            g = self._guards[name] = _recursion_guard(f, name)
        return g

    def __contains__(self, name: object) -> bool:
        return name in self._functions

    def __iter__(self) -> Iterator[str]:
        return iter(self._functions)

    def __len__(self) -> int:
        return len(self._functions)


def template_functions(functions: Mapping[str, Function]) -> Mapping[str, Function]:
    """The function table seen inside a template (template functions cannot recurse)."""
    return TemplateFunctions(functions)


class TemplateRenderer:
    """Parses and evaluates a template with the given variables and functions."""

    __slots__ = ("_functions", "_inner")

    def __init__(self, functions: Mapping[str, Function] | None = None) -> None:
        self._functions: Mapping[str, Function] = {}
        self._inner: Mapping[str, Function] = {}
        self.functions = functions or {}

    @property
    def functions(self) -> Mapping[str, Function]:
        return self._functions

    @functions.setter
    def functions(self, fns: Mapping[str, Function]) -> None:
        self._functions = fns
        self._inner = template_functions(fns)

    def __call__(self, src: str, filename: str, variables: "dict[str, Value]") -> Value:
        from sheath.lang.hclsyntax.parser import parse_template

        expr, diags = parse_template(src.encode("utf-8"), filename, Pos(1, 1, 0))
        if diags.has_errors():
            raise FunctionError(diags_error_string(diags))
        # Pre-check references so the error names the vars argument (as terraform does).
        for trav in expr.variables():
            root = trav.steps[0]
            name = getattr(root, "name", None)
            if name is not None and name not in variables:
                raise FunctionError(
                    f'vars map does not contain key "{name}", referenced at {range_str(root.range)}', arg_index=1
                )
        # a template's diagnostics are hcl's own: terraform only rewrites a module's
        val, ediags = evaluate(expr, EvalContext(dict(variables), self._inner, provider_function_hints=False))
        if ediags.has_errors():
            raise FunctionError(diags_error_string(ediags))
        return val


def make_template_renderer(functions: Mapping[str, Function] | None = None) -> TemplateRenderer:
    return TemplateRenderer(functions)


def render_template(src: str, filename: str, variables: "dict[str, Value]", functions: Mapping[str, Function]) -> Value:
    return TemplateRenderer(functions)(src, filename, variables)
