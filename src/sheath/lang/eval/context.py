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

    __slots__ = ("variables", "functions", "parent", "anon")

    def __init__(
        self,
        variables: Mapping[str, Value] | None = None,
        functions: Mapping[str, "Function"] | None = None,
        parent: "EvalContext | None" = None,
    ) -> None:
        self.variables: Mapping[str, Value] | None = variables
        self.functions: Mapping[str, "Function"] | None = functions
        self.parent = parent
        # Values of splat placeholders (AnonSymbolExpr) bound in this scope.
        self.anon: dict[int, Value] | None = None

    def new_child(self, variables: Mapping[str, Value] | None = None) -> "EvalContext":
        return EvalContext(variables, None, self)

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

    def all_function_names(self) -> list[str]:
        out: list[str] = []
        c: EvalContext | None = self
        while c is not None:
            if c.functions is not None:
                out.extend(c.functions)
            c = c.parent
        return out
