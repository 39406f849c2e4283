"""Property tests: the parsers never raise on bad input, and the scanner is lossless.

Random bytes and mutated valid files go to parse_config (native and JSON),
parse_expression and parse_template; each must return a result and
diagnostics (never an uncaught exception) within hypothesis' deadline.
Every .tf / .tf.json file found under tests/ is also parsed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheath.diag import Diagnostics
from sheath.lang import hcl, hcljson
from sheath.lang.hclsyntax.lexer import lex, whitespace_before
from sheath.lang.hclsyntax.parser import parse_config, parse_expression, parse_template

FUZZ = settings(deadline=2000, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

SEEDS = [
    b'''terraform {
  required_version = ">= 1.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "names" {
  type    = list(object({ name = string, size = optional(number, 1) }))
  default = []
}

locals {
  # comment
  m    = { for i, v in var.names : v.name => v.size... if v.size > 0 }
  s    = "prefix-${var.names[0].name}-%{ if length(var.names) > 1 }many%{ else }one%{ endif }"
  ids  = aws_instance.web[*].id
  old  = aws_instance.web.*.tags.Name
  leg  = aws_instance.web.0.id
  cond = var.x == null ? -1 : (var.x + 2) * 3 % 4 / 5
  h    = <<-EOT
    hello ${upper("x")}
      %{~ for x in [1, 2] ~}
      ${x}
      %{~ endfor ~}
  EOT
  f = provider::aws::arn_parse("arn:aws:s3:::b")
  e = concat([1], [2]...)
}

resource "aws_instance" "web" {
  count = 2
  ami   = "ami-123"
  tags  = { Name = "web-${count.index}" }
  lifecycle { create_before_destroy = true }
  dynamic "ebs" {
    for_each = local.m
    content {
      size = ebs.value
    }
  }
}
''',
    b'a = 1\nb = "two"\nc = [true, false, null]\n/* block */\nd = { x = 1, y = "z" }\n',
]

JSON_SEEDS = [
    b'{"resource": {"aws_instance": {"web": {"ami": "${var.x}", "count": 2, "tags": {"Name": "n"}}}}, '
    b'"variable": {"x": {"default": [1, 2.5e3, null, true]}}, "//": "comment"}',
]


def _check_result(body: object, diags: Diagnostics) -> None:
    assert isinstance(diags, Diagnostics)
    assert isinstance(body, hcl.Body)
    for d in diags:
        assert d.summary
        if d.subject is not None:
            # ranges must be computable
            assert d.subject.start.line >= 1 and d.subject.end.byte >= d.subject.start.byte


def _exercise_body(body: hcl.Body) -> None:
    content, _ = body.content(hcl.BodySchema(attributes=(hcl.AttributeSchema("a"),), blocks=(hcl.BlockHeaderSchema("resource", ("t", "n")),)))
    for b in content.blocks:
        b.body.just_attributes()
    attrs, _ = body.just_attributes()
    for a in attrs.values():
        a.expr.variables()
        _ = a.expr.range.start


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    src = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        if not src:
            break
        op = draw(st.integers(0, 3))
        i = draw(st.integers(0, len(src) - 1))
        j = min(len(src), i + draw(st.integers(0, 20)))
        if op == 0:  # delete a span
            del src[i:j]
        elif op == 1:  # insert random bytes
            src[i:i] = draw(st.binary(max_size=8))
        elif op == 2:  # insert syntax-significant characters
            src[i:i] = draw(st.sampled_from([b"{", b"}", b'"', b"${", b"%{", b"~}", b"<<EOT\n", b"\n", b"[", b"(", b"#", b"/*", b"\\"]))
        else:  # duplicate a span elsewhere
            k = draw(st.integers(0, len(src)))
            src[k:k] = src[i:j]
    return bytes(src)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_parse_config(src: bytes) -> None:
    f, diags = parse_config(src, "fuzz.tf")
    _check_result(f.body, diags)
    _exercise_body(f.body)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('ab =1."${}%~[]()<>!&|?:,\n#/*\\-+EOT\t')), max_size=200))
def test_random_syntax_soup(text: str) -> None:
    src = text.encode()
    f, diags = parse_config(src, "fuzz.tf")
    _check_result(f.body, diags)
    e, _ = parse_expression(src, "fuzz.tf")
    _ = e.range.start
    t, _ = parse_template(src, "fuzz.tmpl")
    _ = t.range.start


@FUZZ
@given(mutated(SEEDS))
def test_mutated_native_files(src: bytes) -> None:
    f, diags = parse_config(src, "fuzz.tf")
    _check_result(f.body, diags)
    _exercise_body(f.body)


@FUZZ
@given(st.binary(max_size=300) | mutated(SEEDS))
def test_lexer_is_lossless(src: bytes) -> None:
    toks, _ = lex(src, "fuzz.tf")
    rebuilt = b"".join(whitespace_before(src, toks, i) + t.bytes for i, t in enumerate(toks))
    assert rebuilt == src


@FUZZ
@given(st.binary(max_size=300) | mutated(JSON_SEEDS))
def test_json_never_raises(src: bytes) -> None:
    f, diags = hcljson.parse(src, "fuzz.tf.json")
    _check_result(f.body, diags)
    _exercise_body(f.body)
    attrs, _ = f.body.just_attributes()
    for a in attrs.values():
        a.expr.to_native()  # type: ignore[attr-defined]


def test_seeds_parse_cleanly() -> None:
    for s in SEEDS:
        _, diags = parse_config(s, "seed.tf")
        assert not diags, [(d.summary, str(d.subject)) for d in diags]
    for s in JSON_SEEDS:
        _, diags = hcljson.parse(s, "seed.tf.json")
        assert not diags


def _corpus_files() -> list[Path]:
    root = Path(__file__).parent
    files = sorted(p for p in root.rglob("*.tf") if p.is_file())
    files += sorted(p for p in root.rglob("*.tf.json") if p.is_file())
    return files


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(Path(__file__).parent)))
def test_corpus_files_parse(path: Path) -> None:
    src = path.read_bytes()
    if path.name.endswith(".json"):
        f, diags = hcljson.parse(src, path.name)
    else:
        f, diags = parse_config(src, path.name)
    _check_result(f.body, diags)


@pytest.mark.parametrize("depth", [10, 150, 3000])
def test_deep_nesting_never_raises(depth: int) -> None:
    for src in ("a = " + "(" * depth + "1" + ")" * depth + "\n", "a = " + "[" * depth + "]" * depth + "\n", "a = " + "{a=" * depth + "1" + "}" * depth):
        f, diags = parse_config(src.encode(), "deep.tf")
        _check_result(f.body, diags)
        if depth <= 150:
            assert not diags
        e, diags = parse_expression(src[4:].encode(), "deep.tf")
        _ = e.range.start
    jf, diags = hcljson.parse(('{"a":' + "[" * depth + "]" * depth + "}").encode(), "deep.tf.json")
    _check_result(jf.body, diags)
