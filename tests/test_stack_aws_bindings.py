"""Typed bindings of a plugin provider (hashicorp/aws 5.100.0 from the filesystem mirror) for
Python stacks: `sheath init` generates them into the working directory (cached per version and
platform), `sheath providers python -out=DIR` writes them for a type checker, mypy accepts a
correct stack and reports unknown arguments, wrong types and missing required arguments, and a
stack using them plans against moto the same resource changes as the equivalent HCL."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import AWS_VERSION, SHEATH_CMD, need
from sheath.stack.bindings import class_name
from sheath.stack.importpath import PACKAGE, stack_import_path
from sheath.stack.synth import json_document, run_stack
from sheath.stack.untyped import type_name

BINDINGS = Path(".terraform", "sheath", "python")
MODULE = Path("sheath", "stack", "providers", "aws.py")
CACHE = Path(".terraform", "sheath", "bindings", "registry.terraform.io", "hashicorp", "aws", AWS_VERSION)

STACK = f"""\
from sheath.stack import output, provider, required_providers
from sheath.stack.providers import aws

URL = "ENDPOINT"
required_providers(aws={{"source": "hashicorp/aws", "version": "{AWS_VERSION}"}})
provider(
    "aws",
    region="us-east-1",
    access_key="test",
    secret_key="test",
    skip_credentials_validation=True,
    skip_requesting_account_id=True,
    skip_metadata_api_check=True,
    s3_use_path_style=True,
    endpoints={{"s3": URL, "iam": URL, "sts": URL}},
)
bucket = aws.S3Bucket("logs", bucket="PREFIX-logs", force_destroy=True, tags={{"team": "infra"}})
aws.S3BucketVersioning("logs", bucket=bucket.id, versioning_configuration={{"status": "Enabled"}})
aws.S3BucketLifecycleConfiguration(
    "logs",
    bucket=bucket.id,
    rule=[{{"id": "expire", "status": "Enabled", "filter": {{"prefix": "tmp/"}}, "expiration": {{"days": 7}}}}],
)
users = aws.IamUser("users", for_each=["ana", "bo"], name=lambda e: f"PREFIX-{{e.key}}", path="/ops/")
output("bucket_arn", bucket.arn)
"""

HCL = f"""\
terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "{AWS_VERSION}"
    }}
  }}
}}

provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
    s3  = "ENDPOINT"
    iam = "ENDPOINT"
    sts = "ENDPOINT"
  }}
}}

resource "aws_s3_bucket" "logs" {{
  bucket        = "PREFIX-logs"
  force_destroy = true
  tags          = {{ team = "infra" }}
}}

resource "aws_s3_bucket_versioning" "logs" {{
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {{
  bucket = aws_s3_bucket.logs.id
  rule {{
    id     = "expire"
    status = "Enabled"
    filter {{
      prefix = "tmp/"
    }}
    expiration {{
      days = 7
    }}
  }}
}}

resource "aws_iam_user" "users" {{
  for_each = toset(["ana", "bo"])
  name     = "PREFIX-${{each.key}}"
  path     = "/ops/"
}}

output "bucket_arn" {{
  value = aws_s3_bucket.logs.arn
}}
"""

# the type checker's cases: a correct stack, and three with one mistake each
CORRECT = """\
from sheath.stack.providers import aws

bucket = aws.S3Bucket("b", bucket="b1", force_destroy=True, tags={"a": "b"})
aws.S3BucketVersioning("v", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
aws.S3BucketLifecycleConfiguration("l", bucket=bucket.id, rule=[{"id": "x", "status": "Enabled", "expiration": {"days": 3}}])
user = aws.IamUser("u", name="ana", path="/", count=2, depends_on=[bucket])
aws.IamUserPolicy("p", user=user.name, policy="{}")
doc = aws.data.IamPolicyDocument("d", statement=[{"actions": ["s3:GetObject"], "resources": [bucket.arn]}])
"""
WRONG = {
    "unknown_argument": (
        'from sheath.stack.providers import aws\n\naws.S3Bucket("b", buckett="b1")\n',
        'unknown_argument.py:3: error: Unexpected keyword argument "buckett" for "S3Bucket"; did you mean "bucket"?  [call-arg]',
    ),
    "wrong_type": (
        'from sheath.stack.providers import aws\n\naws.S3Bucket("b", force_destroy="yes")\n',
        'wrong_type.py:3: error: Argument "force_destroy" to "S3Bucket" has incompatible type "str"; '
        'expected "bool | Ref | Referable | Callable[[Any], Any] | None"  [arg-type]',
    ),
    "missing_argument": (
        'from sheath.stack.providers import aws\n\naws.IamUserPolicy("p", user="ana")\n',
        'missing_argument.py:3: error: Missing named argument "policy" for "IamUserPolicy"  [call-arg]',
    ),
}


@pytest.fixture(scope="module")
def env(aws_mirror: str, oracle_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("bindings-cli")
    rc = d / "terraformrc"
    rc.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(aws_mirror)}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n'
        "  }\n"
        "}\n"
    )
    out = {k: v for k, v in oracle_env.items() if not k.startswith(("AWS_", "SHEATH_LOG"))}
    out["TF_CLI_CONFIG_FILE"] = str(rc)
    out["SHEATH_CACHE_DIR"] = str(d / "cache")
    return out


def sheath(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SHEATH_CMD, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def ok(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


@pytest.fixture(scope="module")
def stack_dir(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory holding STACK, initialised (so its AWS bindings are generated)."""
    d = tmp_path_factory.mktemp("aws-stack")
    (d / "stack.py").write_text(STACK.replace("ENDPOINT", "http://127.0.0.1:1").replace("PREFIX", "x"))
    ok(sheath(["init", "-no-color"], d, env))
    return d


def test_init_generates_the_bindings_once_per_version(stack_dir: Path, env: dict[str, str]) -> None:
    module = stack_dir / BINDINGS / MODULE
    text = module.read_text()
    assert "\nclass S3Bucket(Resource):\n" in text and '    TYPE = "aws_s3_bucket"\n' in text
    assert "\nclass data:" in text and '        TYPE = "aws_iam_policy_document"\n' in text
    cached = list((stack_dir / CACHE).glob("*/aws.py"))
    assert len(cached) == 1 and cached[0].read_text() == text
    before = cached[0].stat().st_mtime_ns
    ok(sheath(["init", "-no-color"], stack_dir, env))
    assert cached[0].stat().st_mtime_ns == before, "the cached module is reused, not generated again"
    assert module.read_text() == text
    assert Path(importlib.util.cache_from_source(str(module))).is_file(), "compiled once, so each stack run loads it quickly"


def test_providers_python_writes_importable_modules(stack_dir: Path, env: dict[str, str], tmp_path: Path) -> None:
    out = ok(sheath(["providers", "python", f"-out={tmp_path}"], stack_dir, env))
    assert str(tmp_path / MODULE) in out
    assert (tmp_path / MODULE).read_text() == (stack_dir / BINDINGS / MODULE).read_text()
    p = sheath(["providers", "python"], stack_dir, env)
    assert p.returncode == 1 and "-out=DIR" in p.stderr
    (tmp_path / "file").write_text("")
    p = sheath(["providers", "python", "-no-color", f"-out={tmp_path / 'file'}"], stack_dir, env)
    assert p.returncode == 1 and "Failed to write provider bindings" in p.stderr


def test_init_without_stack_generates_nothing(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(HCL.replace("ENDPOINT", "http://127.0.0.1:1").replace("PREFIX", "x"))
    ok(sheath(["init", "-no-color"], tmp_path, env))
    assert not (tmp_path / ".terraform" / "sheath").exists()


def test_mypy_checks_stacks_against_the_bindings(stack_dir: Path, tmp_path: Path) -> None:
    need(importlib.util.find_spec("mypy") is not None, "mypy (pip install -e '.[test]')")
    (tmp_path / "correct.py").write_text(CORRECT)
    for name, (src, _) in WRONG.items():
        (tmp_path / f"{name}.py").write_text(src)
    files = ["correct.py", *(f"{n}.py" for n in WRONG)]
    p = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context", "--no-color-output", "--no-pretty", *files],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(stack_dir / BINDINGS), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=600,
    )
    errors = [line for line in p.stdout.splitlines() if ": error:" in line]
    assert sorted(errors) == sorted(message for _, message in WRONG.values()), p.stdout + p.stderr


def resource_changes(cwd: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    ok(sheath(["plan", "-no-color", "-input=false", "-out=tfplan"], cwd, env))
    doc = json.loads(ok(sheath(["show", "-json", "tfplan"], cwd, env)))
    changes: list[dict[str, Any]] = doc["resource_changes"]
    return changes


def test_stack_plans_as_the_equivalent_hcl(stack_dir: Path, env: dict[str, str], moto_server: str, tmp_path: Path) -> None:
    (stack_dir / "stack.py").write_text(STACK.replace("ENDPOINT", moto_server).replace("PREFIX", "bind"))
    hcl = tmp_path / "hcl"
    hcl.mkdir()
    (hcl / "main.tf").write_text(HCL.replace("ENDPOINT", moto_server).replace("PREFIX", "bind"))
    ok(sheath(["init", "-no-color"], hcl, env))
    from_stack = resource_changes(stack_dir, env)
    from_hcl = resource_changes(hcl, env)
    assert [c["address"] for c in from_stack] == [
        "aws_iam_user.users[\"ana\"]",
        "aws_iam_user.users[\"bo\"]",
        "aws_s3_bucket.logs",
        "aws_s3_bucket_lifecycle_configuration.logs",
        "aws_s3_bucket_versioning.logs",
    ]
    assert from_stack == from_hcl


# --- without the mirror: the untyped stand-in and the import path ----------------------


@pytest.mark.parametrize("tname", ["aws_s3_bucket", "aws_iam_user", "aws_ec2_transit_gateway", "aws_route53_zone"])
def test_untyped_names_invert_class_names(tname: str) -> None:
    assert type_name("aws", class_name("aws", tname)) == tname


def test_stack_runs_before_its_bindings_exist(tmp_path: Path) -> None:
    """Before init, `from sheath.stack.providers import aws` is an untyped stand-in, so init
    can read the stack to find its providers."""
    src = b'from sheath.stack.providers import aws\nb = aws.S3Bucket("b", bucket="x")\naws.data.IamPolicyDocument("d", version="2012-10-17")\n'
    stack, diags = run_stack(str(tmp_path / "stack.py"), src)
    assert not diags.has_errors() and stack is not None
    doc = json_document([stack])
    assert doc["resource"] == {"aws_s3_bucket": {"b": {"bucket": "x"}}}
    assert doc["data"] == {"aws_iam_policy_document": {"d": {"version": "2012-10-17"}}}


def test_generated_module_is_used_while_the_stack_runs(tmp_path: Path) -> None:
    module = tmp_path / BINDINGS / "sheath" / "stack" / "providers" / "fake.py"
    module.parent.mkdir(parents=True)
    module.write_text('from sheath.stack.blocks import Resource\n\n\nclass Thing(Resource):\n    TYPE = "fake_thing_generated"\n')
    stack, diags = run_stack(str(tmp_path / "stack.py"), b'from sheath.stack.providers import fake\nfake.Thing("t")\n')
    assert not diags.has_errors() and stack is not None
    assert json_document([stack])["resource"] == {"fake_thing_generated": {"t": {}}}
    assert f"{PACKAGE}.fake" not in sys.modules, "forgotten once the stack has run"
    with stack_import_path(str(tmp_path / "elsewhere")):
        pass
    stack, _ = run_stack(str(tmp_path / "other" / "stack.py"), b'from sheath.stack.providers import fake\nfake.Thing("t")\n')
    assert stack is not None and json_document([stack])["resource"] == {"fake_thing": {"t": {}}}
