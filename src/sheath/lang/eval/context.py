"""EvalContext: the variables and functions an expression is evaluated with.

Mirrors hcl.EvalContext: a chain of scopes. The root holds the module's
objects (var, local, path, terraform, count, each, self, resource types...)
and the function table; child scopes add the symbols of `for` expressions and
template directives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from sheath.types.cty import Value

if TYPE_CHECKING:
    from sheath.lang.funcs.function import Function


class EvalContext:
    """A scope of variables and functions, optionally nested in a parent.

    variables: root name -> Value (an object value for namespaces like "var").
    functions: function name -> Function (None: calls are not allowed here,
        unless a parent has a table).
    """

    __slots__ = ("variables", "functions", "parent", "anon", "iteration", "provider_function_hints")

    def __init__(
        self,
        variables: Mapping[str, Value] | None = None,
        functions: Mapping[str, "Function"] | None = None,
        parent: "EvalContext | None" = None,
        provider_function_hints: bool = True,
    ) -> None:
        self.variables: Mapping[str, Value] | None = variables
        self.functions: Mapping[str, "Function"] | None = functions
        self.parent = parent
        # Values of splat placeholders (AnonSymbolExpr) bound in this scope.
        self.anon: dict[int, Value] | None = None
        # a scope hcl itself makes with NewChild (a for expression's element, a dynamic
        # block's iterator): calls find the parent's functions, but hcl's unknown-function
        # diagnostic (and terraform's rewrite of it) only sees this scope's own, empty, table
        self.iteration: bool = False
        # terraform's checkForUnknownFunctionDiags rewrites hcl's unknown-function
        # diagnostics of a module's expressions; a template's are hcl's own
        self.provider_function_hints: bool = parent.provider_function_hints if parent is not None else provider_function_hints

    def new_child(self, variables: Mapping[str, Value] | None = None) -> "EvalContext":
        return EvalContext(variables, None, self)

    def new_iteration(self, variables: Mapping[str, Value] | None = None) -> "EvalContext":
        """hcl's EvalContext.NewChild as a for expression or dynamic block uses it."""
        c = EvalContext(variables, None, self)
        c.iteration = True
        return c

    def lookup(self, name: str) -> Value | None:
        """The value of a root variable, searching outwards; None when undefined."""
        c: EvalContext | None = self
        while c is not None:
            vs = c.variables
            if vs is not None:
                v = vs.get(name)
                if v is not None:
                    return v
            c = c.parent
        return None

    def has_variables(self) -> bool:
        c: EvalContext | None = self
        while c is not None:
            if c.variables is not None:
                return True
            c = c.parent
        return False

    def all_variable_names(self) -> list[str]:
        out: list[str] = []
        c: EvalContext | None = self
        while c is not None:
            if c.variables is not None:
                out.extend(c.variables)
            c = c.parent
        return out

    def function(self, name: str) -> tuple["Function | None", bool]:
        """(the function, whether any scope has a function table)."""
        has_table = False
        c: EvalContext | None = self
        while c is not None:
            fs = c.functions
            if fs is not None:
                has_table = True
                f = fs.get(name)
                if f is not None:
                    return f, True
            c = c.parent
        return None, has_table

    def diagnostic_function_names(self) -> list[str]:
        """The names hcl's unknown-function diagnostic looks through (its ctx.Functions): the
        nearest table, but none inside an iteration scope hcl made."""
        c: EvalContext | None = self
        while c is not None:
            if c.functions is not None:
                return list(c.functions)
            if c.iteration:
                return []
            c = c.parent
        return []

    def all_function_names(self) -> list[str]:
        out: list[str] = []
        c: EvalContext | None = self
        while c is not None:
            if c.functions is not None:
                out.extend(c.functions)
            c = c.parent
        return out
