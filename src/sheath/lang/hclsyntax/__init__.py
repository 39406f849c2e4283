"""The HCL native syntax: lexer, AST with source ranges, parser.

Modules:
  lexer   lex(src, filename) -> (tokens, diagnostics); lossless token stream
  ast     expression node classes (hclsyntax's node set)
  body    Body / Attribute / Block and schema decoding (hcl.Body protocol)
  parser  parse_config, parse_expression, parse_template, parse_traversal_abs

Source ranges on tokens and nodes are ``diag.Range`` instances whose line and
column are computed lazily (see ``_pos``); they compare equal to plain Ranges.
"""

from sheath.lang.hclsyntax.parser import (
    parse_config,
    parse_config_tokens,
    parse_expression,
    parse_template,
    parse_traversal_abs,
)

__all__ = ["parse_config", "parse_config_tokens", "parse_expression", "parse_template", "parse_traversal_abs"]
