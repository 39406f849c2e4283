"""terraform_remote_state reading the pg and s3 backends, against terraform 1.11.4: terraform
applies a producer configuration (outputs of several types, one sensitive) into a real
PostgreSQL database and a moto bucket, in the default workspace and a named one; a consumer
reading it with terraform_remote_state is planned and applied by both tools, and their plan
output and `output -json` compared. Errors (no stored state, an argument the backend does
not have, an unreachable database) are compared by exit code and diagnostic summary, and a
missing named workspace is created as terraform creates it (checked with SQL and boto3)."""

from __future__ import annotations

import difflib
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from postgres_helpers import PostgresServer, create_database, postgres  # noqa: F401 - the fixture

pytestmark = pytest.mark.oracle

PRODUCER = """
output "name" {
  value = "net-${terraform.workspace}"
}

output "size" {
  value = terraform.workspace == "default" ? 3 : 1
}

output "enabled" {
  value = true
}

output "subnets" {
  value = ["10.0.1.0/24", "10.0.2.0/24"]
}

output "tags" {
  value = { team = "infra", tier = "1" }
}

output "nested" {
  value = { ids = [1, 2.5], meta = { owner = null, on = false } }
}

output "secret" {
  value     = "s3cr3t-${terraform.workspace}"
  sensitive = true
}
"""


def _consumer(backend: str, config: str, extra: str = "") -> str:
    return f"""
locals {{
  cfg = {config}
}}

data "terraform_remote_state" "main" {{
  backend = "{backend}"
  config  = local.cfg
}}

data "terraform_remote_state" "dev" {{
  backend   = "{backend}"
  config    = local.cfg
  workspace = "dev"
  defaults = {{
    size  = 0
    extra = "from defaults"
  }}
}}

resource "terraform_data" "uses" {{
  input = {{
    subnets = data.terraform_remote_state.main.outputs.subnets
    name    = data.terraform_remote_state.dev.outputs.name
  }}
}}

output "main" {{
  value = data.terraform_remote_state.main.outputs
}}

output "dev" {{
  value = data.terraform_remote_state.dev.outputs
}}

output "secret" {{
  value     = data.terraform_remote_state.main.outputs.secret
  sensitive = true
}}

output "used" {{
  value = terraform_data.uses.output
}}
{extra}"""


_PROGRESS = re.compile(r"^\S+: (Reading\.\.\.|Read complete after \S+)$")


def _norm(text: str) -> list[str]:
    """The output with the data sources' progress lines (concurrent reads: any order) sorted
    and without their durations."""
    lines = text.splitlines()
    progress = sorted(re.sub(r" after \S+$", "", ln) for ln in lines if _PROGRESS.match(ln))
    rest = [re.sub(r"complete after \S+ \[id=[0-9a-f-]+\]", "complete [id=ID]", ln) for ln in lines if not _PROGRESS.match(ln)]
    return progress + rest


_PLANNING_FAILED = "\nPlanning failed. Terraform encountered an error while generating this plan.\n\n"


def _diagnostics(stderr: str) -> str:
    """The diagnostics, without the line saying planning failed: terraform reports a config
    argument the backend does not have in its validate walk, sheath's validate walk does not
    ask the builtin provider yet, so sheath finds it while planning."""
    return stderr.replace(_PLANNING_FAILED, "\n")


def _summaries(stderr: str) -> list[str]:
    return re.findall(r"^Error: (.+)\n\n", stderr, re.M)  # a diagnostic's title line, not a wrapped detail's


def _write(d: Path, text: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / "main.tf").write_text(text)
    return d


def _produce(run_terraform: Any, d: Path) -> None:
    for args in (
        ["init", "-input=false", "-no-color"],
        ["apply", "-auto-approve", "-input=false", "-no-color"],
        ["workspace", "new", "dev", "-no-color"],
        ["apply", "-auto-approve", "-input=false", "-no-color"],
    ):
        r = run_terraform(args, d)
        assert r.returncode == 0, (args, r.stdout, r.stderr)


def _both(tmp_path: Path, text: str, run_terraform: Any, run_sheath: Any, *commands: list[str]) -> dict[str, list[Any]]:
    """Each tool in a directory of its own: init, then each command; every result."""
    out: dict[str, list[Any]] = {}
    for tool, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = _write(tmp_path / f"consumer-{tool}", text)
        r = run(["init", "-input=false", "-no-color"], d)
        assert r.returncode == 0, (tool, r.stdout, r.stderr)
        out[tool] = [run(c, d) for c in commands]
    return out


def _same_consumer_run(tmp_path: Path, text: str, run_terraform: Any, run_sheath: Any) -> dict[str, Any]:
    res = _both(
        tmp_path,
        text,
        run_terraform,
        run_sheath,
        ["plan", "-input=false", "-no-color"],
        ["apply", "-auto-approve", "-input=false", "-no-color"],
        ["output", "-json"],
    )
    tf, sh = res["terraform"], res["sheath"]
    for t, s in zip(tf, sh):
        diff = "\n".join(difflib.unified_diff(_norm(t.stdout + t.stderr), _norm(s.stdout + s.stderr), lineterm=""))
        assert (s.returncode, _norm(s.stdout), s.stderr) == (t.returncode, _norm(t.stdout), t.stderr), diff
    outputs: dict[str, Any] = json.loads(tf[2].stdout)
    assert json.loads(sh[2].stdout) == outputs
    return outputs


def _check_outputs(outputs: dict[str, Any]) -> None:
    main, dev = outputs["main"]["value"], outputs["dev"]["value"]
    assert main["name"] == "net-default" and main["size"] == 3 and main["secret"] == "s3cr3t-default"
    assert main["nested"] == {"ids": [1, 2.5], "meta": {"owner": None, "on": False}}
    assert dev["name"] == "net-dev" and dev["size"] == 1 and dev["extra"] == "from defaults"
    assert outputs["secret"]["sensitive"] is True


def _same_error(tmp_path: Path, text: str, run_terraform: Any, run_sheath: Any, whole: bool | None = True) -> tuple[Any, Any]:
    """plan fails in both with the same exit code and summaries (whole: the same output;
    False: the same diagnostics; None: the summaries only)."""
    res = _both(tmp_path, text, run_terraform, run_sheath, ["plan", "-input=false", "-no-color"])
    tf, sh = res["terraform"][0], res["sheath"][0]
    assert tf.returncode == 1
    assert sh.returncode == tf.returncode, sh.stderr
    assert _summaries(sh.stderr) == _summaries(tf.stderr), (sh.stderr, tf.stderr)
    if whole:
        assert _norm(sh.stdout + sh.stderr) == _norm(tf.stdout + tf.stderr), (sh.stderr, tf.stderr)
    elif whole is False:
        assert _diagnostics(sh.stderr) == _diagnostics(tf.stderr), (sh.stderr, tf.stderr)
    return tf, sh


# --- pg ---------------------------------------------------------------------------


@pytest.fixture
def database(postgres: PostgresServer) -> str:
    return create_database(postgres, "db_" + uuid.uuid4().hex[:12])


def _sql(conn_str: str, query: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(conn_str, autocommit=True) as conn:
        return [tuple(r) for r in conn.execute(query).fetchall()]


def _pg_backend(conn_str: str) -> str:
    return 'terraform {\n  backend "pg" {\n    conn_str = "' + conn_str + '"\n  }\n}\n'


def test_pg_outputs_and_workspaces_as_terraform(tmp_path: Path, database: str, run_terraform: Any, run_sheath: Any) -> None:
    _produce(run_terraform, _write(tmp_path / "producer", _pg_backend(database) + PRODUCER))
    outputs = _same_consumer_run(tmp_path, _consumer("pg", f'{{ conn_str = "{database}" }}'), run_terraform, run_sheath)
    _check_outputs(outputs)


def test_pg_missing_states_as_terraform(tmp_path: Path, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:
    """No default state: "Unable to find remote state". A missing named workspace is created
    (an empty state row, as terraform's StateMgr writes one) and reads without outputs."""
    dbs = {tool: create_database(postgres, f"{tool[:2]}_" + uuid.uuid4().hex[:8]) for tool in ("terraform", "sheath")}
    for tool, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        text = (
            f'data "terraform_remote_state" "qa" {{\n  backend = "pg"\n  config = {{ conn_str = "{dbs[tool]}" }}\n'
            '  workspace = "qa"\n}\n\noutput "qa" {\n  value = data.terraform_remote_state.qa.outputs\n}\n'
        )
        d = _write(tmp_path / f"qa-{tool}", text)
        assert run(["init", "-input=false"], d).returncode == 0
        r = run(["apply", "-auto-approve", "-input=false", "-no-color"], d)
        assert r.returncode == 0, r.stderr
        assert json.loads(run(["output", "-json"], d).stdout)["qa"]["value"] == {}
    rows = {tool: _sql(db, "select name, data from terraform_remote_state.states") for tool, db in dbs.items()}
    assert [r[0] for r in rows["sheath"]] == [r[0] for r in rows["terraform"]] == ["qa"]
    tf_doc, sh_doc = json.loads(rows["terraform"][0][1]), json.loads(rows["sheath"][0][1])
    assert (sh_doc["serial"], sh_doc["outputs"], sh_doc["resources"]) == (tf_doc["serial"], tf_doc["outputs"], tf_doc["resources"])
    fresh = create_database(postgres, "fr_" + uuid.uuid4().hex[:8])
    missing = f'data "terraform_remote_state" "x" {{\n  backend = "pg"\n  config = {{ conn_str = "{fresh}" }}\n}}\n'
    tf, _ = _same_error(tmp_path / "nodefault", missing, run_terraform, run_sheath)
    assert _summaries(tf.stderr) == ["Unable to find remote state"]


def test_pg_configuration_errors_as_terraform(tmp_path: Path, database: str, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:
    bad_arg = f'data "terraform_remote_state" "x" {{\n  backend = "pg"\n  config = {{\n    conn_str = "{database}"\n    table = "t"\n  }}\n}}\n'
    tf, sh = _same_error(tmp_path / "badarg", bad_arg, run_terraform, run_sheath, whole=False)
    assert 'unexpected attribute\n"table"' in sh.stderr
    bad_type = f'data "terraform_remote_state" "x" {{\n  backend = "pg"\n  config = {{\n    conn_str = "{database}"\n    skip_table_creation = [1]\n  }}\n}}\n'
    _same_error(tmp_path / "badtype", bad_type, run_terraform, run_sheath, whole=False)


def test_pg_unreachable_database_is_an_error(tmp_path: Path, postgres: PostgresServer, run_terraform: Any, run_sheath: Any) -> None:
    """A closed port: both fail at the data source (the driver's words differ: lib/pq's and libpq's)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conn = f"postgres://postgres@127.0.0.1:{port}/nowhere?sslmode=disable&connect_timeout=2"
    text = f'data "terraform_remote_state" "x" {{\n  backend = "pg"\n  config = {{ conn_str = "{conn}" }}\n}}\n'
    res = _both(tmp_path, text, run_terraform, run_sheath, ["plan", "-input=false", "-no-color"])
    tf, sh = res["terraform"][0], res["sheath"][0]
    assert tf.returncode == sh.returncode == 1
    assert "connection refused" in tf.stderr.lower() and "connection refused" in sh.stderr.lower(), (tf.stderr, sh.stderr)
    assert "data.terraform_remote_state.x" in sh.stderr and "Traceback" not in sh.stderr


# --- s3 on moto ---------------------------------------------------------------------



def _bucket(moto_server: str) -> str:
    import boto3

    name = "state-" + uuid.uuid4().hex[:10]
    boto3.client(
        "s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    ).create_bucket(Bucket=name)
    return name


def _s3_keys(moto_server: str, bucket: str) -> list[str]:
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def _s3_settings(moto_server: str, bucket: str, key: str = "app/terraform.tfstate", prefix: str | None = None) -> str:
    """The s3 settings the backend tests use (moto, path style, no credential checks), as HCL
    object items (for a backend block or a config object)."""
    items = [
        f'bucket = "{bucket}"',
        f'key = "{key}"',
        'region = "us-east-1"',
        'access_key = "testing"',
        'secret_key = "testing"',
        "skip_credentials_validation = true",
        "skip_requesting_account_id = true",
        "skip_metadata_api_check = true",
        "skip_region_validation = true",
        "use_path_style = true",
        f'endpoints = {{ s3 = "{moto_server}" }}',
    ]
    if prefix is not None:
        items.append(f'workspace_key_prefix = "{prefix}"')
    return "\n    ".join(items)


def test_s3_outputs_and_workspaces_as_terraform(tmp_path: Path, moto_server: str, run_terraform: Any, run_sheath: Any) -> None:
    bucket = _bucket(moto_server)
    settings = _s3_settings(moto_server, bucket)
    _produce(run_terraform, _write(tmp_path / "producer", 'terraform {\n  backend "s3" {\n    ' + settings + "\n  }\n}\n" + PRODUCER))
    assert _s3_keys(moto_server, bucket) == ["app/terraform.tfstate", "env:/dev/app/terraform.tfstate"]
    outputs = _same_consumer_run(tmp_path, _consumer("s3", "{\n    " + settings + "\n  }"), run_terraform, run_sheath)
    _check_outputs(outputs)


def test_s3_workspace_key_prefix_and_missing_states_as_terraform(tmp_path: Path, moto_server: str, run_terraform: Any, run_sheath: Any) -> None:
    bucket = _bucket(moto_server)
    settings = _s3_settings(moto_server, bucket, prefix="teams")
    _produce(run_terraform, _write(tmp_path / "producer", 'terraform {\n  backend "s3" {\n    ' + settings + "\n  }\n}\n" + PRODUCER))
    assert _s3_keys(moto_server, bucket) == ["app/terraform.tfstate", "teams/dev/app/terraform.tfstate"]
    outputs = _same_consumer_run(tmp_path, _consumer("s3", "{\n    " + settings + "\n  }"), run_terraform, run_sheath)
    _check_outputs(outputs)
    # a key nothing was written to: no stored state in the default workspace
    missing = _s3_settings(moto_server, bucket, key="none/terraform.tfstate")
    text = f'data "terraform_remote_state" "x" {{\n  backend = "s3"\n  config = {{\n    {missing}\n  }}\n}}\n'
    tf, _ = _same_error(tmp_path / "nokey", text, run_terraform, run_sheath)
    assert _summaries(tf.stderr) == ["Unable to find remote state"]
    # a missing named workspace is created empty by each tool (in a bucket of its own; sheath
    # also keeps the version it wrote under sheath-history/, as for every state it writes)
    docs = {}
    for tool, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        b = _bucket(moto_server)
        text = (
            f'data "terraform_remote_state" "qa" {{\n  backend = "s3"\n  workspace = "qa"\n  config = {{\n    {_s3_settings(moto_server, b)}\n  }}\n}}\n'
            'output "qa" {\n  value = data.terraform_remote_state.qa.outputs\n}\n'
        )
        d = _write(tmp_path / f"qa-{tool}", text)
        assert run(["init", "-input=false"], d).returncode == 0
        r = run(["apply", "-auto-approve", "-input=false", "-no-color"], d)
        assert r.returncode == 0, r.stderr
        assert json.loads(run(["output", "-json"], d).stdout)["qa"]["value"] == {}
        docs[tool] = [k for k in _s3_keys(moto_server, b) if not k.startswith("sheath-history/")]
    assert docs["sheath"] == docs["terraform"] == ["env:/qa/app/terraform.tfstate"]


def test_s3_bad_argument_as_terraform(tmp_path: Path, moto_server: str, run_terraform: Any, run_sheath: Any) -> None:
    bucket = _bucket(moto_server)
    settings = _s3_settings(moto_server, bucket) + '\n    path = "x"'
    text = f'data "terraform_remote_state" "x" {{\n  backend = "s3"\n  config = {{\n    {settings}\n  }}\n}}\n'
    tf, sh = _same_error(tmp_path / "badarg", text, run_terraform, run_sheath, whole=False)
    assert 'unexpected attribute\n"path"' in sh.stderr


# --- encrypted states (sheath only: terraform has no state encryption) ----------------

PASS = "a passphrase for the remote state"

KEYS = """
    key_provider "pbkdf2" "k" {
      passphrase = var.pass
      iterations = 200000
    }
    method "aes_gcm" "m" {
      keys = key_provider.pbkdf2.k
    }
"""

# the default is long enough to be a passphrase, and not the one the states are written with
PASS_VARIABLE = 'variable "pass" {\n  type      = string\n  sensitive = true\n  default   = "a default that is not the key"\n}\n'


def _encrypted_consumer(conn_str: str) -> str:
    return (
        "terraform {\n  encryption {\n" + KEYS + "    remote_state_data_sources {\n      default {\n        method = method.aes_gcm.m\n"
        "      }\n    }\n  }\n}\n" + PASS_VARIABLE
        + f'data "terraform_remote_state" "main" {{\n  backend = "pg"\n  config  = {{ conn_str = "{conn_str}" }}\n}}\n'
        + f'data "terraform_remote_state" "dev" {{\n  backend   = "pg"\n  config    = {{ conn_str = "{conn_str}" }}\n  workspace = "dev"\n}}\n'
        + 'output "names" {\n  value = [data.terraform_remote_state.main.outputs.name, data.terraform_remote_state.dev.outputs.name]\n}\n'
    )


@pytest.fixture
def encrypted_producer(tmp_path: Path, database: str, oracle_env: dict[str, str]) -> str:
    """sheath applies PRODUCER into pg with its state encrypted (default and dev; the
    passphrase from TF_VAR_pass, which init and workspace new read too); the rows hold
    OpenTofu's encrypted document."""
    import subprocess

    from conftest import SHEATH_CMD

    backend = '  backend "pg" {\n    conn_str = "' + database + '"\n  }\n'
    # the workspace's name from a variable (sheath's plan evaluates terraform.workspace as "default" yet)
    producer = PRODUCER.replace("terraform.workspace", "var.ws") + 'variable "ws" {\n  type = string\n}\n'
    d = _write(tmp_path / "producer", "terraform {\n" + backend + "  encryption {\n" + KEYS
               + "    state {\n      method = method.aes_gcm.m\n    }\n  }\n}\n" + PASS_VARIABLE + producer)
    for ws, args in (
        ("default", ["init", "-input=false", "-no-color"]),
        ("default", ["apply", "-auto-approve", "-input=false", "-no-color"]),
        ("default", ["workspace", "new", "dev"]),
        ("dev", ["apply", "-auto-approve", "-input=false", "-no-color"]),
    ):
        env = {**oracle_env, "TF_VAR_pass": PASS, "TF_VAR_ws": ws}
        r = subprocess.run([*SHEATH_CMD, *args], cwd=d, capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    rows = _sql(database, "select name, data from terraform_remote_state.states order by name")
    assert [r[0] for r in rows] == ["default", "dev"]
    assert all(json.loads(r[1])["encryption_version"] == "v0" and "net-" not in r[1] for r in rows)
    return database


def test_pg_encrypted_state_reads_with_remote_state_data_sources(tmp_path: Path, encrypted_producer: str, run_sheath: Any) -> None:
    d = _write(tmp_path / "consumer", _encrypted_consumer(encrypted_producer))
    assert run_sheath(["init", "-input=false"], d).returncode == 0
    r = run_sheath(["apply", "-auto-approve", "-input=false", "-no-color", "-var", f"pass={PASS}"], d)
    assert r.returncode == 0, r.stderr
    r = run_sheath(["output", "-json"], d)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["names"]["value"] == ["net-default", "net-dev"]
    r = run_sheath(["plan", "-input=false", "-no-color"], d)  # the default passphrase: the wrong key
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert _summaries(r.stderr) == ["Failed to decrypt the remote state"] * 2, r.stderr
    assert "net-default" not in r.stdout + r.stderr


def test_api_variables_reach_the_remote_state_encryption(tmp_path: Path, encrypted_producer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workspace(variables=...) gives the encryption block's variables to the reads of
    terraform_remote_state too, as -var does on the command line."""
    from sheath import Workspace

    for k in [k for k in __import__("os").environ if k.startswith("TF_")]:
        monkeypatch.delenv(k)
    d = _write(tmp_path / "api", _encrypted_consumer(encrypted_producer))
    ws = Workspace(d, variables={"pass": PASS}, plan_checks=[])
    ws.init()
    assert ws.apply().outputs["names"] == ["net-default", "net-dev"]


def test_s3_missing_bucket_as_terraform(tmp_path: Path, moto_server: str, run_terraform: Any, run_sheath: Any) -> None:
    """A bucket that does not exist: the backend's state manager fails, which terraform
    reports as "Error loading state error" at the data source's backend argument."""
    settings = _s3_settings(moto_server, "no-such-bucket-" + uuid.uuid4().hex[:8])
    text = f'data "terraform_remote_state" "x" {{\n  backend = "s3"\n  config = {{\n    {settings}\n  }}\n}}\n'
    tf, sh = _same_error(tmp_path, text, run_terraform, run_sheath, whole=None)
    assert _summaries(sh.stderr) == ["Error loading state error"]
    # the same detail up to the AWS SDK's own error, which terraform prints after it
    first = " ".join(tf.stderr.split()).split(" Error: operation error")[0]
    assert " ".join(sh.stderr.split()) == first, (sh.stderr, tf.stderr)
    assert 'line 2, in data "terraform_remote_state" "x"' in sh.stderr  # at the backend argument
