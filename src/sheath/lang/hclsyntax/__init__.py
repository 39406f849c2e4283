"""The HCL native syntax: lexer, AST with source ranges, parser.

Modules:
  lexer   lex(src, filename) -> (tokens, diagnostics); lossless token stream
  ast     expression node classes (hclsyntax's node set)
  body    Body / Attribute / Block and schema decoding (hcl.Body protocol)
  parser  parse_config, parse_expression, parse_template, parse_traversal_abs
"""
