"""Helpers shared by the block decoders: names, references, check rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheath.config.exprs import abs_traversal_for_expr, expr_as_keyword, expr_list, parse_traversal_abs
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal

BAD_IDENTIFIER_DETAIL = (
    "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes."
)

_IDENT_RE = re.compile(r"^[^\W\d][\w-]*$")


def valid_identifier(name: str) -> bool:
    """hclsyntax.ValidIdentifier: a letter or underscore, then letters, digits, underscores, dashes."""
    return bool(_IDENT_RE.match(name))


def check_name(name: str, summary: str, rng: Range, diags: Diagnostics) -> bool:
    if valid_identifier(name):
        return True
    diags.add_error(summary, BAD_IDENTIFIER_DETAIL, rng)
    return False


QUOTED_REF_SUMMARY = "Quoted references are deprecated"
QUOTED_REF_DETAIL = (
    "In this context, references are expected literally rather than in quotes. Terraform 0.11 and earlier "
    "required quotes, but quoted references are now deprecated and will be removed in a future version of "
    "Terraform. Remove the quotes surrounding this reference to silence this warning."
)

QUOTED_KEYWORD_SUMMARY = "Quoted keywords are deprecated"
QUOTED_KEYWORD_DETAIL = (
    "In this context, keywords are expected literally rather than in quotes. Terraform 0.11 and earlier "
    "required quotes, but quoted keywords are now deprecated and will be removed in a future version of "
    "Terraform. Remove the quotes surrounding this keyword to silence this warning."
)


def quoted_string(expr: Expression) -> str | None:
    """The string of a quoted literal with no interpolation, else None."""
    try:
        from sheath.lang.hclsyntax import ast
    except ImportError:  # pragma: no cover
        return None
    t = type(expr)
    if t is ast.TemplateExpr:
        parts = expr.parts  # type: ignore[attr-defined]
        if len(parts) == 1 and type(parts[0]) is ast.LiteralValueExpr:
            v = parts[0].value
            if v.type.is_primitive() and isinstance(v.v, str):
                return str(v.v)
        return None
    fn = getattr(expr, "as_quoted_string", None)
    if callable(fn):
        s = fn()
        return s if isinstance(s, str) else None
    return None


def shim_traversal_in_string(expr: Expression, wanting_keyword: bool, diags: Diagnostics) -> Expression:
    """Accept a legacy quoted reference ("aws.west") with a deprecation warning.

    Returns a traversal expression parsed from the string, or expr unchanged.
    """
    s = quoted_string(expr)
    if s is None:
        return expr
    rng = expr.range
    from sheath.diag import Pos

    start = Pos(rng.start.line, rng.start.column + 1, rng.start.byte + 1)
    trav, tdiags = parse_traversal_abs(s, rng.filename, start)
    if tdiags.has_errors() or trav is None:
        diags.extend(tdiags)
        return expr
    if wanting_keyword:
        diags.add_warning(QUOTED_KEYWORD_SUMMARY, QUOTED_KEYWORD_DETAIL, rng)
    else:
        diags.add_warning(QUOTED_REF_SUMMARY, QUOTED_REF_DETAIL, rng)
    return TraversalExpression(trav, rng)


@dataclass(slots=True)
class TraversalExpression:
    """A synthetic expression standing for a static traversal (from a shimmed string)."""

    traversal: Traversal
    _range: Range

    @property
    def range(self) -> Range:
        return self._range

    @property
    def start_range(self) -> Range:
        return self._range

    def variables(self) -> list[Traversal]:
        return [self.traversal]


def abs_traversal(expr: Expression, diags: Diagnostics) -> Traversal | None:
    if isinstance(expr, TraversalExpression):
        return expr.traversal
    t, d = abs_traversal_for_expr(expr)
    diags.extend(d)
    return t


def decode_depends_on(attr: hcl.Attribute) -> tuple[list[Traversal], Diagnostics]:
    diags = Diagnostics()
    out: list[Traversal] = []
    exprs, d = expr_list(attr.expr)
    diags.extend(d)
    for e in exprs:
        e2 = shim_traversal_in_string(e, False, diags)
        t = abs_traversal(e2, diags)
        if t is not None and t.steps:
            out.append(t)
    return out, diags


def keyword(expr: Expression) -> str | None:
    return expr_as_keyword(expr)


# --- check rules ------------------------------------------------------------------


@dataclass(slots=True)
class CheckRule:
    """A precondition, postcondition, variable validation or check assert."""

    condition: Expression
    error_message: Expression
    decl_range: Range


CHECK_RULE_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("condition", required=True), hcl.AttributeSchema("error_message", required=True))
)


def decode_check_rule(block: hcl.Block) -> tuple[CheckRule | None, Diagnostics]:
    content, diags = block.body.content(CHECK_RULE_SCHEMA)
    cond = content.attributes.get("condition")
    msg = content.attributes.get("error_message")
    if cond is not None and not cond.expr.variables():
        diags.add_error(
            f"Invalid {block.type} expression",
            "The condition expression must refer to at least one object from elsewhere in the configuration, "
            "or else its result would not be checking anything.",
            cond.expr.range,
        )
    if cond is None:
        return None, diags
    # like terraform, the rule is returned even when error_message is missing (with the error)
    return CheckRule(cond.expr, msg.expr if msg is not None else cond.expr, block.def_range), diags


# --- provider config references -----------------------------------------------------


@dataclass(slots=True)
class ProviderConfigRef:
    """A reference to a provider configuration: aws or aws.west, or to one instance of a
    configuration with for_each (OpenTofu): aws.west[KEY], with the key expression kept."""

    name: str
    name_range: Range
    alias: str = ""
    alias_range: Range | None = None
    key_expr: Expression | None = None

    def __str__(self) -> str:
        return f"{self.name}.{self.alias}" if self.alias else self.name

    def addr(self) -> "object":
        from sheath.addrs import LocalProviderConfig

        return LocalProviderConfig(self.name, self.alias)


def decode_provider_config_ref(
    expr: Expression, arg_name: str, allow_key: bool = False
) -> tuple[ProviderConfigRef | None, Diagnostics]:
    """A provider configuration reference; with allow_key, OpenTofu's instance reference
    NAME.ALIAS[KEY] too (a dynamic key expression, or a constant key in the traversal)."""
    diags = Diagnostics()
    key_expr: Expression | None = None
    if allow_key:
        from sheath.lang.hclsyntax import ast

        if isinstance(expr, ast.IndexExpr):
            key_expr = expr.key
            expr = expr.collection
    expr = shim_traversal_in_string(expr, False, diags)
    # as terraform's decodeProviderConfigRef, the traversal's own errors give way to one
    # that says what a provider reference is
    travdiags = Diagnostics()
    trav = abs_traversal(expr, travdiags)
    if not travdiags.has_errors():
        diags.extend(travdiags)
    steps = trav.steps if trav is not None and not travdiags.has_errors() else []
    if allow_key and key_expr is None and len(steps) == 3 and isinstance(steps[2], hcl.TraverseIndex):
        from sheath.lang.hclsyntax import ast
        from sheath.types.cty import Value

        k = steps[2].key
        if isinstance(k, Value):
            key_expr = ast.LiteralValueExpr(k, steps[2].range)
        steps = steps[:2]
    if trav is None or len(steps) < 1 or len(steps) > 2:
        diags.add_error(
            "Invalid provider configuration reference",
            f"The {arg_name} argument requires a provider type name, optionally followed by a period and then "
            "a configuration alias.",
            expr.range,
        )
        return None, diags
    if diags.has_errors():
        return None, diags
    name = trav.root_name
    if name != name.lower():
        diags.add_error(
            "Invalid provider local name",
            f'Provider names must be normalized. Replace "{name}" with "{name.lower()}" to fix this error.',
            steps[0].range,
        )
    ref = ProviderConfigRef(name, steps[0].range)
    if len(steps) > 1:
        s1 = steps[1]
        if not isinstance(s1, hcl.TraverseAttr):
            diags.add_error(
                "Invalid provider configuration reference",
                "Provider name must either stand alone or be followed by a period and then a configuration alias.",
                s1.range,
            )
            return None, diags
        ref.alias = s1.name
        ref.alias_range = s1.range
    if key_expr is not None:
        ref.key_expr = key_expr
        if not ref.alias:
            diags.add_error(
                "Invalid provider configuration reference",
                "Provider assignment requires an alias when specifying an instance key, in the form of "
                "provider.name[instance_key]",
                trav.range,
            )
    return ref, diags



def range_str(r: "Range | None") -> str:
    """hcl's Range.String(): file:line,col-col on one line, file:l,c-l,c otherwise."""
    if r is None:
        return ""
    if r.start.line == r.end.line:
        return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.column}"
    return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.line},{r.end.column}"
