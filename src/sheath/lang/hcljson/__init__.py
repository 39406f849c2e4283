"""The HCL JSON syntax (.tf.json, .tfvars.json) behind the same hcl.Body interface.

  parse(src, filename)             -> (hcl.File, Diagnostics)   body is a JSONBody (alias parse_config)
  parse_expression(src, filename)  -> (JSONExpression, Diagnostics)

JSON expressions convert to native AST nodes with ``expr.to_native()``; the
static helpers in sheath.lang.hcl.static understand both syntaxes.
"""

from __future__ import annotations

from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.lang import hcl
from sheath.lang.hcljson.body import JSONBody, JSONExpression
from sheath.lang.hcljson.parser import JSONArray, JSONNode, JSONObject, parse_value


def parse(src: bytes, filename: str, start: Pos = Pos()) -> tuple[hcl.File, Diagnostics]:
    """Parse a JSON configuration file: its root must be an object (or an array of objects)."""
    node, diags = parse_value(src, filename, start)
    root: JSONNode = node
    if not isinstance(node, (JSONObject, JSONArray)):
        diags.append(
            Diagnostic(
                Severity.ERROR,
                "Root value must be object",
                "The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.",
                node.start_range,
            )
        )
        fake = Range(filename, Pos(), Pos())
        root = JSONObject([], fake, fake, fake)
    return hcl.File(filename, JSONBody(root), src), diags


parse_config = parse


def parse_expression(src: bytes, filename: str, start: Pos = Pos()) -> tuple[JSONExpression, Diagnostics]:
    """Parse a JSON value as an expression."""
    node, diags = parse_value(src, filename, start)
    return JSONExpression(node), diags


__all__ = ["JSONBody", "JSONExpression", "parse", "parse_config", "parse_expression"]
