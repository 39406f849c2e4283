"""The builtin provider's functions: provider::terraform::encode_expr, encode_tfvars, decode_tfvars."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sheath.config.common import valid_identifier
from sheath.diag import Diagnostics, Range
from sheath.lang.eval import EvalContext, evaluate
from sheath.lang.hclsyntax import parse_config
from sheath.providers.interface import FunctionDecl, FunctionParameter
from sheath.providers.sdk import FunctionCallError, ProviderFunction
from sheath.types import DYNAMIC, STRING, Number, Value, object_val, string_val
from sheath.goquote import go_quote as _go_quote

DECODE_FILENAME = "<decode_tfvars argument>"


FUNCTIONS: dict[str, FunctionDecl] = {
    "encode_expr": FunctionDecl(
        (FunctionParameter("value", DYNAMIC),),
        STRING,
        summary="Produce a string representation of an arbitrary value using Terraform expression syntax",
        description="A rarely-needed function which takes any value and produces a string containing "
        "Terraform language expression syntax approximating that value.",
    ),
    "encode_tfvars": FunctionDecl(
        (FunctionParameter("value", DYNAMIC),),
        STRING,
        summary="Produce a string representation of an object using the same syntax as for `.tfvars` files",
        description="A rarely-needed function which takes an object value and produces a string containing "
        "a description of that object using the same syntax as Terraform CLI would expect in a `.tfvars`.",
    ),
    "decode_tfvars": FunctionDecl(
        (FunctionParameter("src", STRING),),
        DYNAMIC,
        summary="Parse a string containing syntax like that used in a `.tfvars` file",
        description="A rarely-needed function which takes a string containing the content of a `.tfvars` "
        "file and returns an object describing the raw variable values it defines.",
    ),
}


def _tokens(v: Value) -> str:
    """hclwrite.TokensForValue, before formatting."""
    from sheath.lang.hclwrite.rewrite import escape_quoted

    if not v.is_known:
        raise FunctionCallError("cannot encode unknown value")
    if v.is_null:
        return "null"
    p = v.v
    t = v.type
    if isinstance(p, bool):
        return "true" if p else "false"
    if isinstance(p, Number):
        return p.format()
    if isinstance(p, str):
        return '"' + escape_quoted(p) + '"'
    if isinstance(p, tuple):
        return "[" + ", ".join(_tokens(e) for e in p) + "]"
    if isinstance(p, dict):
        if not p:
            return "{}"
        lines = ["{"]
        for k, e in p.items():
            key = k if valid_identifier(k) else '"' + escape_quoted(k) + '"'
            lines.append(f"{key} = {_tokens(e)}")
        return "\n".join(lines) + "\n}"
    raise FunctionCallError(f"cannot encode a value of type {t.friendly_name()}")


def encode_expr(v: Value) -> Value:
    from sheath.lang.hclwrite import format_source

    src = "x = " + _tokens(v) + "\n"
    out, _ = format_source(src.encode(), "<encode_expr>")
    text = out.decode()
    return string_val(text[len("x = ") :].rstrip("\n") if text.startswith("x = ") else text.rstrip("\n"))


def encode_tfvars(v: Value) -> Value:
    from sheath.lang.hclwrite import format_source

    if not v.is_known:
        raise FunctionCallError("cannot encode unknown value")
    if not (v.type.is_object() or v.type.is_map()):
        raise FunctionCallError(
            "invalid value to encode: must be an object whose attribute names will become the encoded variable names"
        )
    lines = []
    for name, e in v.attrs().items():
        if not valid_identifier(name):
            raise FunctionCallError(
                f"invalid variable name {_go_quote(name)}: must be a valid identifier, per Terraform's rules for input variable declarations"
            )
        lines.append(f"{name} = {_tokens(e)}\n")
    out, _ = format_source("".join(lines).encode(), "<encode_tfvars>")
    return string_val(out.decode())


def _hcl_range(r: Range | None) -> str:
    if r is None:
        return DECODE_FILENAME
    if r.start.line == r.end.line:
        return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.column}"
    return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.line},{r.end.column}"


def _hcl_error(diags: Diagnostics) -> str:
    """hcl.Diagnostics.Error(): "subject: summary; detail", joined with ", " when several."""
    return ", ".join(f"{_hcl_range(d.subject)}: {d.summary}; {d.detail}" for d in diags.errors())


def decode_tfvars(src: Value) -> Value:
    f, diags = parse_config(src.as_str().encode(), DECODE_FILENAME)
    if diags.has_errors():
        raise FunctionCallError(f"invalid tfvars syntax: {_hcl_error(diags)}")
    attrs, diags = f.body.just_attributes()
    if diags.has_errors():
        raise FunctionCallError(f"invalid tfvars content: {_hcl_error(diags)}")
    ctx = EvalContext()
    out: dict[str, Value] = {}
    for name, a in attrs.items():
        v, d = evaluate(a.expr, ctx)
        if d.has_errors():
            raise FunctionCallError(f"invalid expression for variable {_go_quote(name)}: {_hcl_error(d)}")
        out[name] = v
    return object_val(out)


def provider_functions() -> dict[str, ProviderFunction]:
    impls = {"encode_expr": encode_expr, "encode_tfvars": encode_tfvars, "decode_tfvars": decode_tfvars}
    return {name: ProviderFunction(decl, _unary(impls[name])) for name, decl in FUNCTIONS.items()}


def _unary(f: Callable[[Value], Value]) -> Callable[[Sequence[Value]], Value]:
    return lambda args: f(args[0])
