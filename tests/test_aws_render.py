"""sheath's human plan and state output for resources with nested blocks, against terraform's.

Both tools plan the same configuration against the same moto state (terraform on
a copy of sheath's state, before either applies) and their ``plan`` stdout must
be equal line by line, with and without colour; after sheath applies, ``show``
of the state must be equal too. Only values moto makes up differently for the
two tools' reads (none so far) would be normalised.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest

from test_aws_e2e import (  # noqa: F401  (fixtures)
    Pair,
    Tools,
    e2e_env,
    names,
    ok,
    pair,
    provider_hcl,
    tools,
)

pytestmark = pytest.mark.oracle

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_VOLATILE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _norm(s: str) -> str:
    """Volatile values made up by moto; diagnostics after the plan are left out (sheath
    does not yet consolidate repeated warnings into "(and N more similar warnings)")."""
    lines = s.splitlines()
    refreshing = [i for i, line in enumerate(lines) if ": Refreshing state..." in line]
    if refreshing:  # refreshed in parallel: in no particular order
        lo, hi = refreshing[0], refreshing[-1] + 1
        # the progress lines are the CLI hook's, not the renderer's: sheath does not colour them yet
        lines[lo:hi] = sorted(_ANSI.sub("", line) for line in lines[lo:hi])
    end = next((i for i, line in enumerate(lines) if "Plan:" in line or "No changes." in line), len(lines))
    return _VOLATILE.sub("<time>", "\n".join(lines[: end + 1]))


def _plan_text(p: Pair, color: bool, extra: list[str]) -> tuple[str, str]:
    state = p.sheath_dir / "terraform.tfstate"
    if state.exists():
        shutil.copyfile(state, p.tf_dir / "terraform.tfstate")
    args = ["plan", "-input=false", "-lock=false", *extra] + ([] if color else ["-no-color"])
    s = ok(p.tools.sheath(args, p.sheath_dir), "sheath plan")
    t = ok(p.tools.tf(args, p.tf_dir), "terraform plan")
    return _norm(s), _norm(t)


def _diff(s: str, t: str) -> str:
    return "\n".join(difflib.unified_diff(t.splitlines(), s.splitlines(), "terraform", "sheath", lineterm=""))


def assert_same_plan(p: Pair, extra: list[str] | None = None) -> str:
    for color in (False, True):
        s, t = _plan_text(p, color, extra or [])
        assert s.splitlines() == t.splitlines(), f"color={color}\n{_diff(s, t)}"
    return _ANSI.sub("", s)


def apply(p: Pair) -> None:
    ok(p.tools.sheath(["apply", "-input=false", "-auto-approve", "-no-color"], p.sheath_dir), "sheath apply")


def assert_same_show(p: Pair) -> None:
    shutil.copyfile(p.sheath_dir / "terraform.tfstate", p.tf_dir / "terraform.tfstate")
    for extra in (["-no-color"], []):
        s = ok(p.tools.sheath(["show", *extra], p.sheath_dir), "sheath show")
        t = ok(p.tools.tf(["show", *extra], p.tf_dir), "terraform show")
        assert s.splitlines() == t.splitlines(), _diff(s, t)


def _config(
    url: str, n: str, status: str, days: int, extra_rule: bool, policy_action: str, port: int, target: str = "b"
) -> str:
    rule2 = (
        f"""
  rule {{
    id     = "logs"
    status = "Enabled"
    filter {{
      prefix = "logs/"
    }}
    expiration {{
      days = 7
    }}
  }}"""
        if extra_rule
        else ""
    )
    return provider_hcl(url) + f"""
resource "aws_s3_bucket" "b" {{
  bucket = "{n}-bucket"
  tags = {{
    env = "test"
  }}
}}

resource "aws_s3_bucket" "b2" {{
  bucket = "{n}-other"
}}

resource "aws_s3_bucket_versioning" "v" {{
  bucket = aws_s3_bucket.{target}.id
  versioning_configuration {{
    status = "{status}"
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "l" {{
  bucket = aws_s3_bucket.{target}.id
  rule {{
    id     = "tmp"
    status = "Enabled"
    filter {{
      prefix = "tmp/"
    }}
    expiration {{
      days = {days}
    }}
  }}{rule2}
}}

resource "aws_iam_role" "r" {{
  name = "{n}-role"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = {{ Service = "ec2.amazonaws.com" }}
    }}]
  }})
  inline_policy {{
    name = "read"
    policy = jsonencode({{
      Version   = "2012-10-17"
      Statement = [{{ Action = ["{policy_action}"], Effect = "Allow", Resource = "*" }}]
    }})
  }}
}}

resource "aws_security_group" "g" {{
  name        = "{n}-sg"
  description = "test"
  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}
"""


# about 7 minutes (six plans and three applies of bucket sub-resources against moto, each
# tool in turn): the largest single test of the suite. Nested-block rendering stays in the
# default run through test_bucket_inline_blocks_three_levels_deep and the native providers'
# plan corpus; this one runs with -m slow.
@pytest.mark.slow
def test_nested_blocks_create_update_add(pair: Pair, moto_server: str, names: str) -> None:
    pair.write(_config(moto_server, names, "Enabled", 30, False, "s3:GetObject", 443))
    pair.init()
    text = assert_same_plan(pair)
    assert "versioning_configuration {" in text and "rule {" in text
    apply(pair)
    assert_same_show(pair)
    # in-place update of nested block attributes, and a block added
    pair.write(_config(moto_server, names, "Suspended", 60, True, "s3:ListBucket", 8443))
    text = assert_same_plan(pair)
    assert "# (" in text
    apply(pair)
    assert_same_show(pair)
    # a block removed
    pair.write(_config(moto_server, names, "Suspended", 60, False, "s3:ListBucket", 8443))
    assert_same_plan(pair)
    apply(pair)
    # the blocks of replaced resources (their bucket forces replacement)
    pair.write(_config(moto_server, names, "Suspended", 60, False, "s3:ListBucket", 8443, target="b2"))
    text = assert_same_plan(pair)
    assert "must be replaced" in text
    # every block destroyed
    text = assert_same_plan(pair, ["-destroy"])
    assert "- rule {" in text


def _bucket_with_inline_blocks(url: str, n: str, algorithm: str, versioning: bool) -> str:
    return provider_hcl(url) + f"""
resource "aws_s3_bucket" "b" {{
  bucket = "{n}-inline"
  server_side_encryption_configuration {{
    rule {{
      apply_server_side_encryption_by_default {{
        sse_algorithm = "{algorithm}"
      }}
    }}
  }}
  versioning {{
    enabled = {str(versioning).lower()}
  }}
}}
"""


@pytest.mark.slow  # over a minute (60-120 s) against moto: run with -m slow
def test_bucket_inline_blocks_three_levels_deep(pair: Pair, moto_server: str, names: str) -> None:
    """aws_s3_bucket's own (deprecated) nested blocks: a single-element list of blocks
    holding blocks, created, then changed two levels down."""
    pair.write(_bucket_with_inline_blocks(moto_server, names, "AES256", False))
    pair.init()
    text = assert_same_plan(pair)
    assert "+ apply_server_side_encryption_by_default {" in text
    apply(pair)
    assert_same_show(pair)
    pair.write(_bucket_with_inline_blocks(moto_server, names, "aws:kms", True))
    text = assert_same_plan(pair)
    assert "~ apply_server_side_encryption_by_default {" in text


def _typed_sequences(url: str, n: str, thumbprints: list[str], clients: list[str], cidrs: list[str]) -> str:
    def hcl(xs: list[str]) -> str:
        return "[" + ", ".join(f'"{x}"' for x in xs) + "]"

    return provider_hcl(url) + f"""
resource "aws_iam_openid_connect_provider" "o" {{
  url             = "https://{n}.example.com"
  client_id_list  = {hcl(clients)}
  thumbprint_list = {hcl(thumbprints)}
}}

resource "aws_security_group" "g" {{
  name        = "{n}-seq"
  description = "test"
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = {hcl(cidrs)}
  }}
}}
"""


# over a minute (an apply and two plans by each tool against moto)
@pytest.mark.slow
def test_typed_lists_and_sets_changed_in_place(pair: Pair, moto_server: str, names: str) -> None:
    """Attributes typed list(string) (thumbprint_list, cidr_blocks in a set of blocks) and
    set(string) (client_id_list) whose elements all change, their lengths kept: a list is
    diffed element by element, a set as removals and additions; then a reordered list."""
    t = ["a" * 40, "b" * 40]
    pair.write(_typed_sequences(moto_server, names, t, ["c1", "c2"], ["10.0.0.0/8", "10.1.0.0/16"]))
    pair.init()
    apply(pair)
    pair.write(_typed_sequences(moto_server, names, ["c" * 40, "d" * 40], ["c3", "c4"], ["10.2.0.0/16", "10.3.0.0/16"]))
    text = assert_same_plan(pair)
    assert f'~ "{"a" * 40}" -> "{"c" * 40}",' in text
    pair.write(_typed_sequences(moto_server, names, list(reversed(t)), ["c1", "c2"], ["10.0.0.0/8", "10.1.0.0/16"]))
    assert_same_plan(pair)
