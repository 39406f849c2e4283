"""Expression evaluation (hcl semantics) and terraform's evaluation scope.

Public API:
  EvalContext(variables, functions, parent)   scopes of names and functions
  evaluate(expr, ctx) -> (Value, Diagnostics)  evaluate a native-syntax expression
  expression_values(diag) -> list[(str, str)]  terraform's "var.x is ..." lines
  Scope, ModuleData                            terraform's reference-checked module scope
  render_template(src, filename, vars, functions) -> Value   template hook for
      templatefile/templatestring (raises FunctionError)
"""

from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.lang.eval.diagvalues import annotate, expression_values
from sheath.lang.eval.scope import ModuleData, Scope
from sheath.lang.eval.templates import make_template_renderer, render_template

__all__ = [
    "EvalContext",
    "evaluate",
    "annotate",
    "expression_values",
    "make_template_renderer",
    "ModuleData",
    "Scope",
    "render_template",
]
