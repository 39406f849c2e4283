"""Encryption at rest through the CLI: the terraform block's encryption blocks and
TF_ENCRYPTION configure how sheath apply, plan and state pull store and read the state
(OpenTofu's configuration and document format; there is no OpenTofu on this machine, so
the format is checked against its documented layout by decrypting it independently)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from postgres_helpers import postgres  # noqa: F401 - the fixture
from sheath.diag import Diagnostics
from sheath.states.codec import EncryptedStateCodec
from sheath.states.encryption import Method, Pbkdf2Provider, Target
from sheath.states.remote import Payload, RemoteState
from sheath.states.state import OutputValue
from sheath.states.statemgr import LockInfo

SECRET = "secret-value-0123456789"
PASS_A = "the first passphrase, long enough"
PASS_B = "the second passphrase, also long"

KEYS = """
    key_provider "pbkdf2" "a" {
      passphrase = var.pass_a
      iterations = 200000
    }
    key_provider "pbkdf2" "b" {
      passphrase = var.pass_b
      iterations = 200000
    }
    method "aes_gcm" "a" {
      keys = key_provider.pbkdf2.a
    }
    method "aes_gcm" "b" {
      keys = key_provider.pbkdf2.b
    }
    method "unencrypted" "plain" {}
"""

RESOURCES = f"""
variable "pass_a" {{
  type      = string
  sensitive = true
  default   = "unset"
}}
variable "pass_b" {{
  type      = string
  sensitive = true
  default   = "unset"
}}
variable "n" {{
  type    = number
  default = 1
}}
resource "terraform_data" "x" {{
  input = "{SECRET}-${{var.n}}"
}}
output "x" {{
  value = terraform_data.x.output
}}
"""


def _write(d: Path, state_block: str | None, keys: str = KEYS) -> None:
    enc = "" if state_block is None else f"  encryption {{\n{keys}\n    {state_block}\n  }}\n"
    (d / "main.tf").write_text("terraform {\n" + enc + "}\n" + RESOURCES)


def _sheath(d: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    e.update({"TF_VAR_pass_a": PASS_A, "TF_VAR_pass_b": PASS_B, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"})
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sheath", *args] if args[0] in ("state", "workspace", "providers") else [sys.executable, "-m", "sheath", args[0], "-no-color", *args[1:]],
        cwd=d, capture_output=True, text=True, env=e, timeout=300,
    )


def _ok(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    return r.stdout


def _doc(d: Path, name: str = "terraform.tfstate") -> dict[str, Any]:
    raw = (d / name).read_bytes()
    assert SECRET.encode() not in raw
    doc: dict[str, Any] = json.loads(raw)
    return doc


def _decrypt_independently(doc: dict[str, Any], passphrase: str) -> dict[str, Any]:
    """OpenTofu's documented layout, decrypted without sheath: meta maps the key provider's
    address to base64(JSON {salt (base64), iterations, hash_function, key_length});
    encrypted_data is base64(12-byte nonce + AES-GCM ciphertext and tag), no AAD."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    assert doc["encryption_version"] == "v0"
    ((address, raw_meta),) = doc["meta"].items()
    assert address.startswith("key_provider.pbkdf2.")
    meta = json.loads(base64.b64decode(raw_meta))
    assert set(meta) == {"salt", "iterations", "hash_function", "key_length"}
    key = hashlib.pbkdf2_hmac(meta["hash_function"], passphrase.encode(), base64.b64decode(meta["salt"]), meta["iterations"], meta["key_length"])
    sealed = base64.b64decode(doc["encrypted_data"])
    state: dict[str, Any] = json.loads(AESGCM(key).decrypt(sealed[:12], sealed[12:], None))
    return state


def test_apply_plan_and_state_pull_round_trip(tmp_path: Path) -> None:
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    doc = _doc(tmp_path)
    assert list(doc) == ["serial", "lineage", "meta", "encrypted_data", "encryption_version"]
    assert list(doc["meta"]) == ["key_provider.pbkdf2.a"]
    state = _decrypt_independently(doc, PASS_A)
    assert (state["serial"], state["lineage"]) == (doc["serial"], doc["lineage"])  # kept in clear for locking
    assert state["resources"][0]["instances"][0]["attributes"]["input"]["value"] == f"{SECRET}-1"
    pulled = json.loads(_ok(_sheath(tmp_path, "state", "pull")))
    assert pulled == state
    r = _sheath(tmp_path, "plan", "-detailed-exitcode")
    assert r.returncode == 0, r.stdout + r.stderr
    # the commands that read the state read it decrypted
    assert json.loads(_ok(_sheath(tmp_path, "show", "-json")))["values"]["root_module"]["resources"][0]["values"]["input"] == f"{SECRET}-1"
    assert _ok(_sheath(tmp_path, "state", "list")).split() == ["terraform_data.x"]
    assert "terraform.io/builtin/terraform" in json.loads(_ok(_sheath(tmp_path, "providers", "schema", "-json")))["provider_schemas"]
    # a change: a new serial, the backup of the state replaced is encrypted too
    _ok(_sheath(tmp_path, "apply", "-auto-approve", "-var", "n=2"))
    after = _doc(tmp_path)
    assert after["serial"] > doc["serial"] and after["lineage"] == doc["lineage"]
    backup = _doc(tmp_path, "terraform.tfstate.backup")
    assert _decrypt_independently(backup, PASS_A)["resources"][0]["instances"][0]["attributes"]["input"]["value"] == f"{SECRET}-1"
    assert json.loads(_ok(_sheath(tmp_path, "output", "-json")))["x"]["value"] == f"{SECRET}-2"


def test_wrong_passphrase_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    before = (tmp_path / "terraform.tfstate").read_bytes()
    for args in (("plan",), ("apply", "-auto-approve", "-var", "n=3"), ("state", "pull")):
        r = _sheath(tmp_path, *args, env={"TF_VAR_pass_a": "not the right passphrase"})
        assert r.returncode == 1, r.stdout + r.stderr
        assert "Traceback" not in r.stderr
        assert "Failed to decrypt the state" in r.stderr
        assert "wrong key or altered data" in " ".join(r.stderr.split())
        assert (tmp_path / "terraform.tfstate").read_bytes() == before


def test_invalid_settings_are_diagnostics_at_their_ranges(tmp_path: Path) -> None:
    keys = KEYS.replace('passphrase = var.pass_a\n      iterations = 200000', 'passphrase = "too short"\n      iterations = 1000')
    _write(tmp_path, "state {\n      method = method.aes_gcm.missing\n    }", keys)
    r = _sheath(tmp_path, "plan")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    err = " ".join(r.stderr.split())
    lines = (tmp_path / "main.tf").read_text().splitlines()
    line_of = {k: next(i + 1 for i, s in enumerate(lines) if k in s) for k in ('"too short"', "iterations = 1000", "method.aes_gcm.missing")}
    assert f'on main.tf line {line_of[chr(34) + "too short" + chr(34)]}' in err and "too short (minimum 16 characters)" in err
    assert f"on main.tf line {line_of['iterations = 1000']}" in err and "dangerously low" in err
    assert f"on main.tf line {line_of['method.aes_gcm.missing']}" in err and "there is no method.aes_gcm.missing" in err


def test_key_rotation_with_fallback(tmp_path: Path) -> None:
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    serial = _doc(tmp_path)["serial"]
    # the new key writes, the old one reads: the next apply rewrites the state with the new key
    _write(tmp_path, "state {\n      method = method.aes_gcm.b\n      fallback {\n        method = method.aes_gcm.a\n      }\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    doc = _doc(tmp_path)
    assert list(doc["meta"]) == ["key_provider.pbkdf2.b"] and doc["serial"] == serial
    _decrypt_independently(doc, PASS_B)
    _write(tmp_path, "state {\n      method = method.aes_gcm.b\n    }")
    assert _sheath(tmp_path, "plan", "-detailed-exitcode").returncode == 0
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    assert "Failed to decrypt the state" in _sheath(tmp_path, "plan").stderr


def test_migrating_in_and_out_of_encryption(tmp_path: Path) -> None:
    _write(tmp_path, None)
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    assert SECRET.encode() in (tmp_path / "terraform.tfstate").read_bytes()
    # a plaintext state is refused without an unencrypted method
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    r = _sheath(tmp_path, "plan")
    assert r.returncode == 1 and "unencrypted payload without unencrypted method" in " ".join(r.stderr.split())
    # in: read plaintext with the fallback, write encrypted
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n      fallback {\n        method = method.unencrypted.plain\n      }\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    _decrypt_independently(_doc(tmp_path), PASS_A)
    # out: write plaintext, read the encrypted state with the fallback
    _write(tmp_path, "state {\n      method = method.unencrypted.plain\n      fallback {\n        method = method.aes_gcm.a\n      }\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    plain = json.loads((tmp_path / "terraform.tfstate").read_bytes())
    assert "encryption_version" not in plain and plain["resources"][0]["instances"][0]["attributes"]["input"]["value"] == f"{SECRET}-1"
    _write(tmp_path, None)
    assert _sheath(tmp_path, "plan", "-detailed-exitcode").returncode == 0


def test_enforced_refuses_a_plaintext_method(tmp_path: Path) -> None:
    _write(tmp_path, "state {\n      method = method.unencrypted.plain\n      enforced = true\n    }")
    r = _sheath(tmp_path, "apply", "-auto-approve")
    assert r.returncode == 1 and "Encryption is enforced" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "terraform.tfstate").exists()
    # enforced with an encrypting method works
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n      enforced = true\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    _decrypt_independently(_doc(tmp_path), PASS_A)


def test_tf_encryption_variable_json_and_merge(tmp_path: Path) -> None:
    _write(tmp_path, None)
    env_cfg = {
        "key_provider": {"pbkdf2": {"env": {"passphrase": PASS_B, "iterations": 200000}}},
        "method": {"aes_gcm": {"env": {"keys": "${key_provider.pbkdf2.env}"}}},
        "state": {"method": "${method.aes_gcm.env}"},
    }
    _ok(_sheath(tmp_path, "apply", "-auto-approve", env={"TF_ENCRYPTION": json.dumps(env_cfg)}))
    _decrypt_independently(_doc(tmp_path), PASS_B)
    # HCL, merged over the file's: its passphrase replaces the file's (too short) one
    keys = KEYS.replace("passphrase = var.pass_a", 'passphrase = "short"')
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n      fallback {\n        method = method.aes_gcm.b\n      }\n    }", keys)
    assert "too short" in _sheath(tmp_path, "plan").stderr
    override = f'key_provider "pbkdf2" "a" {{\n  passphrase = "{PASS_A}"\n}}\n'
    (tmp_path / "terraform.tfstate").unlink()
    _ok(_sheath(tmp_path, "apply", "-auto-approve", env={"TF_ENCRYPTION": override}))
    _decrypt_independently(_doc(tmp_path), PASS_A)


class _MemoryClient:
    """A remote client keeping one document in memory (the pg and s3 clients move the same bytes)."""

    def __init__(self) -> None:
        self.data: bytes | None = None

    def get(self) -> tuple[Payload | None, Diagnostics]:
        return (Payload(self.data) if self.data is not None else None), Diagnostics()

    def put(self, data: bytes) -> Diagnostics:
        self.data = data
        return Diagnostics()

    def delete(self) -> Diagnostics:
        self.data = None
        return Diagnostics()

    def lock(self, info: LockInfo, timeout: float) -> Diagnostics:
        return Diagnostics()

    def unlock(self, lock_id: str) -> Diagnostics:
        return Diagnostics()


def test_remote_state_stores_encrypted_documents(tmp_path: Path) -> None:
    codec = EncryptedStateCodec(Target(Method("aes_gcm", "a", Pbkdf2Provider("a", PASS_A, iterations=200000))))
    client = _MemoryClient()
    mgr = RemoteState(client, "default", str(tmp_path / "j.journal"), codec=codec)
    assert not mgr.refresh_state().has_errors()
    sf = mgr.state_file()
    sf.state.outputs["x"] = OutputValue(SECRET, "string")
    assert not mgr.persist_state().has_errors()
    assert client.data is not None and SECRET.encode() not in client.data
    doc = json.loads(client.data)
    assert _decrypt_independently(doc, PASS_A)["outputs"]["x"]["value"] == SECRET
    stored = client.data
    again = RemoteState(client, "default", str(tmp_path / "j.journal"), codec=codec)
    assert not again.refresh_state().has_errors()
    assert not again.persist_state().has_errors() and client.data == stored  # unchanged: not written again
    wrong = RemoteState(
        client, "default", str(tmp_path / "j.journal"),
        codec=EncryptedStateCodec(Target(Method("aes_gcm", "a", Pbkdf2Provider("a", PASS_B, iterations=200000)))),
    )
    diags = wrong.refresh_state()
    assert [d.summary for d in diags] == ["Failed to decrypt the state"] and client.data == stored




def test_history_is_kept_encrypted_and_read_decrypted(tmp_path: Path, monkeypatch: Any) -> None:
    """The Python API's applies (which keep the local backend's history) encrypt the state
    and every version kept; state pull -version and rollback decrypt them."""
    from sheath import Workspace

    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    for k in [k for k in os.environ if k.startswith("TF_")]:
        monkeypatch.delenv(k)
    for n in (1, 2):  # the passphrases are the API's variables
        ws = Workspace(tmp_path, variables={"n": n, "pass_a": PASS_A, "pass_b": PASS_B}, plan_checks=[])
        if n == 1:
            ws.init()
        ws.apply()
    _decrypt_independently(_doc(tmp_path), PASS_A)
    kept = [p for p in (tmp_path / ".sheath").rglob("v*.tfstate") if p.is_file()]
    assert len(kept) >= 2 and all(SECRET.encode() not in p.read_bytes() for p in kept)
    versions = json.loads(_ok(_sheath(tmp_path, "state", "history", "-json")))
    docs = {v["version"]: json.loads(_ok(_sheath(tmp_path, "state", "pull", f"-version={v['version']}"))) for v in versions}
    values = {n: [i["attributes"]["input"]["value"] for r in d["resources"] for i in r["instances"]] for n, d in docs.items()}
    first = next(n for n, v in values.items() if v == [f"{SECRET}-1"])
    _ok(_sheath(tmp_path, "state", "rollback", f"-version={first}"))
    now = _decrypt_independently(_doc(tmp_path), PASS_A)
    assert now["resources"][0]["instances"][0]["attributes"]["input"]["value"] == f"{SECRET}-1"
    r = _sheath(tmp_path, "state", "pull", f"-version={first}", env={"TF_VAR_pass_a": "not the right passphrase"})
    assert r.returncode == 1 and "Failed to decrypt the state" in r.stderr and "Traceback" not in r.stderr


def test_pg_backend_stores_the_encrypted_document(tmp_path: Path, postgres: Any) -> None:
    """The pg backend's row holds OpenTofu's encrypted document (checked with SQL); plan and
    state pull decrypt it; a wrong passphrase changes nothing in the database."""
    import uuid

    import psycopg

    from postgres_helpers import create_database

    conn_str = create_database(postgres, "enc_" + uuid.uuid4().hex[:10])
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    text = (tmp_path / "main.tf").read_text().replace("terraform {\n", f'terraform {{\n  backend "pg" {{\n    conn_str = "{conn_str}"\n  }}\n', 1)
    (tmp_path / "main.tf").write_text(text)
    _ok(_sheath(tmp_path, "init", "-input=false"))
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))

    def row() -> bytes:
        with psycopg.connect(conn_str, autocommit=True) as conn:
            got = conn.execute("SELECT data FROM terraform_remote_state.states WHERE name = 'default'").fetchone()
        assert got is not None
        return str(got[0]).encode()

    stored = row()
    assert SECRET.encode() not in stored
    state = _decrypt_independently(json.loads(stored), PASS_A)
    assert json.loads(_ok(_sheath(tmp_path, "state", "pull"))) == state
    assert _sheath(tmp_path, "plan", "-detailed-exitcode").returncode == 0
    r = _sheath(tmp_path, "apply", "-auto-approve", "-var", "n=5", env={"TF_VAR_pass_a": "not the right passphrase"})
    assert r.returncode == 1 and "Failed to decrypt the state" in r.stderr and "Traceback" not in r.stderr
    assert row() == stored
    # a new workspace's first (empty) state is encrypted too, and an apply there reads it
    _ok(_sheath(tmp_path, "workspace", "new", "dev"))
    with psycopg.connect(conn_str, autocommit=True) as conn:
        dev = conn.execute("SELECT data FROM terraform_remote_state.states WHERE name = 'dev'").fetchone()
    assert dev is not None and json.loads(str(dev[0]))["encryption_version"] == "v0"
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))


def test_saved_plan_files_are_encrypted_when_plan_is_configured(tmp_path: Path) -> None:
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }\n    plan {\n      method = method.aes_gcm.b\n    }")
    _ok(_sheath(tmp_path, "plan", "-out=tfplan"))
    raw = (tmp_path / "tfplan").read_bytes()
    assert SECRET.encode() not in raw and raw[:2] != b"PK"
    doc = json.loads(raw)
    assert list(doc) == ["meta", "encrypted_data", "encryption_version"] and list(doc["meta"]) == ["key_provider.pbkdf2.b"]
    shown = json.loads(_ok(_sheath(tmp_path, "show", "-json", "tfplan")))
    assert shown["resource_changes"][0]["change"]["after"]["input"] == f"{SECRET}-1"
    r = _sheath(tmp_path, "apply", "tfplan", env={"TF_VAR_pass_b": "not the right passphrase"})
    assert r.returncode == 1 and "could not be decrypted" in " ".join(r.stderr.split()) and "Traceback" not in r.stderr
    assert not (tmp_path / "terraform.tfstate").exists()
    _ok(_sheath(tmp_path, "apply", "tfplan"))
    _decrypt_independently(_doc(tmp_path), PASS_A)


def _consumer(d: Path, remote_state: str | None, name: str = "net", producer: str = "../a/terraform.tfstate") -> None:
    """A root module reading the producer's state through data.terraform_remote_state.NAME,
    with KEYS and the given remote_state_data_sources body (None: no encryption block)."""
    d.mkdir()
    enc = "" if remote_state is None else f"  encryption {{\n{KEYS}\n    remote_state_data_sources {{\n{remote_state}\n    }}\n  }}\n"
    (d / "main.tf").write_text(
        "terraform {\n" + enc + "}\n"
        'variable "pass_a" {\n  type    = string\n  default = "unset"\n}\n'
        'variable "pass_b" {\n  type    = string\n  default = "unset"\n}\n'
        f'data "terraform_remote_state" "{name}" {{\n  backend = "local"\n  config = {{\n    path = "{producer}"\n  }}\n}}\n'
        f'output "got" {{\n  value     = data.terraform_remote_state.{name}.outputs.x\n  sensitive = false\n}}\n'
    )


SPECIFIC_A = """      default {
        method = method.aes_gcm.b
      }
      remote_state_data_source "net" {
        method = method.aes_gcm.a
      }"""


def test_remote_state_data_sources_decrypt_what_terraform_remote_state_reads(tmp_path: Path) -> None:
    """OpenTofu's "State and Plan Encryption" page, section "Remote state data sources"
    (website/docs/language/state/encryption.mdx): a remote_state_data_source block named
    after the data source configures it, default configures the others; no terraform oracle."""
    a = tmp_path / "a"
    a.mkdir()
    _write(a, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(a, "apply", "-auto-approve"))
    assert _doc(a)["encryption_version"] == "v0"
    # the right method (the data source's own block): its outputs are visible
    _consumer(tmp_path / "ok", SPECIFIC_A)
    out = _ok(_sheath(tmp_path / "ok", "apply", "-auto-approve"))
    assert f'got = "{SECRET}-1"' in out
    # the passphrases from -var (no TF_VAR_): the data source's encryption gets them too
    r = subprocess.run(
        [sys.executable, "-m", "sheath", "plan", "-no-color", "-var", f"pass_a={PASS_A}", "-var", f"pass_b={PASS_B}"],
        cwd=tmp_path / "ok", capture_output=True, text=True, timeout=300,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("TF_")}, "CHECKPOINT_DISABLE": "1"},
    )
    assert "No changes." in _ok(r)
    # the wrong key: a clear error at the data block, nothing read
    r = _sheath(tmp_path / "ok", "plan", env={"TF_VAR_pass_a": "not the right passphrase"})
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert "Failed to decrypt the remote state" in err and "wrong key or altered data" in err
    line = (tmp_path / "ok" / "main.tf").read_text().splitlines().index('data "terraform_remote_state" "net" {') + 1
    assert f"on main.tf line {line}, in data" in err, err
    assert SECRET not in r.stdout + r.stderr
    # another data source takes the default (method b, another key provider): not decrypted
    _consumer(tmp_path / "other", SPECIFIC_A, name="other")
    r = _sheath(tmp_path / "other", "plan")
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "Failed to decrypt the remote state" in err and 'remote_state_data_source "other"' in err
    assert "no key metadata for key_provider.pbkdf2.b" in err
    # no encryption configuration: an encrypted state is an error, never read as garbage
    _consumer(tmp_path / "none", None)
    r = _sheath(tmp_path / "none", "plan")
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "Failed to decrypt the remote state" in err and "no encryption is configured" in err


def test_plain_remote_state_reads_only_with_an_unencrypted_method(tmp_path: Path) -> None:
    """OpenTofu's "State and Plan Encryption" page (remote state data sources; fallback from
    unencrypted): a plain state reads when no method is configured for the data source, or
    an unencrypted method is (primary or fallback); with only aes_gcm it is an error."""
    a = tmp_path / "a"
    a.mkdir()
    _write(a, None)
    _ok(_sheath(a, "apply", "-auto-approve"))
    _consumer(tmp_path / "strict", "      default {\n        method = method.aes_gcm.a\n      }")
    r = _sheath(tmp_path / "strict", "plan")
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "unencrypted payload without unencrypted method configured" in err
    fallback = "      default {\n        method = method.aes_gcm.a\n        fallback {\n          method = method.unencrypted.plain\n        }\n      }"
    _consumer(tmp_path / "fallback", fallback)
    assert f'got = "{SECRET}-1"' in _ok(_sheath(tmp_path / "fallback", "apply", "-auto-approve"))
    # a method configured for another data source only: this one reads as it is stored
    _consumer(tmp_path / "other", '      remote_state_data_source "elsewhere" {\n        method = method.aes_gcm.a\n      }')
    assert f'got = "{SECRET}-1"' in _ok(_sheath(tmp_path / "other", "apply", "-auto-approve"))


def test_s3_backend_stores_the_encrypted_document(tmp_path: Path, moto_server: str) -> None:
    """The s3 object holds OpenTofu's encrypted document (checked with boto3), and key
    rotation rewrites it there."""
    import uuid

    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    bucket = "enc-" + uuid.uuid4().hex[:10]
    s3.create_bucket(Bucket=bucket)
    backend = (
        '  backend "s3" {\n'
        f'    bucket = "{bucket}"\n    key = "app/terraform.tfstate"\n    region = "us-east-1"\n'
        '    access_key = "testing"\n    secret_key = "testing"\n'
        "    skip_credentials_validation = true\n    skip_requesting_account_id = true\n"
        "    skip_metadata_api_check = true\n    skip_region_validation = true\n    use_path_style = true\n"
        "    use_lockfile = true\n"
        f'    endpoints = {{\n      s3 = "{moto_server}"\n    }}\n'
        "  }\n"
    )

    def configure(state_block: str) -> None:
        _write(tmp_path, state_block)
        text = (tmp_path / "main.tf").read_text().replace("terraform {\n", "terraform {\n" + backend, 1)
        (tmp_path / "main.tf").write_text(text)

    def stored() -> dict[str, Any]:
        raw = s3.get_object(Bucket=bucket, Key="app/terraform.tfstate")["Body"].read()
        assert SECRET.encode() not in raw
        doc: dict[str, Any] = json.loads(raw)
        return doc

    configure("state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "init", "-input=false"))
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    state = _decrypt_independently(stored(), PASS_A)
    assert json.loads(_ok(_sheath(tmp_path, "state", "pull"))) == state
    configure("state {\n      method = method.aes_gcm.b\n      fallback {\n        method = method.aes_gcm.a\n      }\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    doc = stored()
    assert list(doc["meta"]) == ["key_provider.pbkdf2.b"] and doc["serial"] == state["serial"]
    assert _decrypt_independently(doc, PASS_B)["resources"] == state["resources"]


def test_init_migrates_an_encrypted_local_state_into_pg(tmp_path: Path, postgres: Any) -> None:
    import uuid

    import psycopg

    from postgres_helpers import create_database

    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    local = _decrypt_independently(_doc(tmp_path), PASS_A)
    conn_str = create_database(postgres, "mig_" + uuid.uuid4().hex[:10])
    text = (tmp_path / "main.tf").read_text().replace("terraform {\n", f'terraform {{\n  backend "pg" {{\n    conn_str = "{conn_str}"\n  }}\n', 1)
    (tmp_path / "main.tf").write_text(text)
    _ok(_sheath(tmp_path, "init", "-input=false", "-migrate-state", "-force-copy"))
    with psycopg.connect(conn_str, autocommit=True) as conn:
        got = conn.execute("SELECT data FROM terraform_remote_state.states WHERE name = 'default'").fetchone()
    assert got is not None and SECRET.encode() not in str(got[0]).encode()
    migrated = _decrypt_independently(json.loads(str(got[0])), PASS_A)
    assert migrated["resources"] == local["resources"]
    assert _sheath(tmp_path, "plan", "-detailed-exitcode").returncode == 0


def test_the_journal_of_an_interrupted_apply_is_sealed_and_replayed(tmp_path: Path) -> None:
    """Changes journaled after the last full write (what a killed apply leaves) are sealed
    with the state's encryption, and the next run replays them."""
    from sheath.states.statemgr.filesystem import FilesystemStateManager

    codec = EncryptedStateCodec(Target(Method("aes_gcm", "a", Pbkdf2Provider("a", PASS_A, iterations=200000))))
    path = str(tmp_path / "terraform.tfstate")
    mgr = FilesystemStateManager(path, codec=codec)
    assert not mgr.refresh_state().has_errors()
    assert not mgr.begin_journal().has_errors()
    mgr.journal.set_output("x", SECRET, "string", False)
    mgr.journal.close()  # the run ends here, killed before its state is written
    journal = tmp_path / ".terraform.tfstate.journal"
    raw = journal.read_bytes()
    assert SECRET.encode() not in raw and b'"encryption_version":"v0"' in raw
    again = FilesystemStateManager(path, codec=codec)
    assert not again.refresh_state().has_errors()
    assert again.state_file().state.outputs["x"].value == SECRET
    wrong = FilesystemStateManager(
        path, codec=EncryptedStateCodec(Target(Method("aes_gcm", "a", Pbkdf2Provider("a", PASS_B, iterations=200000))))
    )
    diags = wrong.refresh_state()
    assert diags.has_errors() and journal.read_bytes() == raw


def test_create_intents_kept_after_a_crash_are_sealed(tmp_path: Path) -> None:
    from sheath.states.codec import document_codec
    from sheath.states.intents import CreateIntent, IntentFile

    codec = document_codec(EncryptedStateCodec(Target(Method("aes_gcm", "a", Pbkdf2Provider("a", PASS_A, iterations=200000)))))
    intent = CreateIntent("", "managed", "terraform_data", "x", 'provider["terraform.io/builtin/terraform"]', None, "terraform_data.x", identity={"input": SECRET})
    f = IntentFile(str(tmp_path / ".terraform.tfstate.intents"), codec)
    f.write([intent])
    assert SECRET.encode() not in (tmp_path / ".terraform.tfstate.intents").read_bytes()
    got, diags = IntentFile(f.path, codec).read()
    assert not diags and got is not None and got[0].identity == {"input": SECRET}
    other = document_codec(EncryptedStateCodec(Target(Method("aes_gcm", "a", Pbkdf2Provider("a", PASS_B, iterations=200000)))))
    got, diags = IntentFile(f.path, other).read()
    assert got is None and "cannot be decrypted" in list(diags)[0].detail


def test_show_of_an_encrypted_state_file_and_no_encryption_configured(tmp_path: Path) -> None:
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    assert f"{SECRET}-1" in _ok(_sheath(tmp_path, "show", "terraform.tfstate"))
    _write(tmp_path, None)  # the encryption block removed: a clear error, nothing changed
    before = (tmp_path / "terraform.tfstate").read_bytes()
    for args in (("plan",), ("show", "terraform.tfstate"), ("state", "pull")):
        r = _sheath(tmp_path, *args)
        assert r.returncode == 1 and "no encryption is configured" in " ".join(r.stderr.split()) and "Traceback" not in r.stderr
    assert (tmp_path / "terraform.tfstate").read_bytes() == before


def test_key_length_and_unsupported_arguments_are_diagnostics_at_their_ranges() -> None:
    from sheath.lang.hclsyntax.parser import parse_config
    from sheath.states.encryption import parse_encryption

    text = (
        'key_provider "pbkdf2" "k" {\n  passphrase = "long enough passphrase"\n  key_length = 20\n}\n'
        'method "aes_gcm" "m" {\n  keys = key_provider.pbkdf2.k\n  colour = "blue"\n}\n'
        "state {\n  method = method.aes_gcm.m\n}\n"
    )
    f, d = parse_config(text.encode(), "enc.tf")
    assert not d.has_errors()
    cfg, diags = parse_encryption([f.body])
    assert cfg is None
    where = {(x.subject.start.line if x.subject else 0): x.detail for x in diags}
    assert "key_length must be 16, 24 or 32" in where[3] and 'no argument "colour"' in where[7]


def test_taint_untaint_and_console_read_and_write_the_encrypted_state(tmp_path: Path) -> None:
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    _ok(_sheath(tmp_path, "taint", "terraform_data.x"))
    state = _decrypt_independently(_doc(tmp_path), PASS_A)
    assert state["resources"][0]["instances"][0]["status"] == "tainted"
    _ok(_sheath(tmp_path, "untaint", "terraform_data.x"))
    state = _decrypt_independently(_doc(tmp_path), PASS_A)
    assert "status" not in state["resources"][0]["instances"][0]
    e = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    e.update({"TF_VAR_pass_a": PASS_A, "TF_VAR_pass_b": PASS_B, "TF_IN_AUTOMATION": "1"})
    r = subprocess.run([sys.executable, "-m", "sheath", "console"], cwd=tmp_path, input="terraform_data.x.input\n", capture_output=True, text=True, env=e)
    assert r.stdout == f'"{SECRET}-1"\n', r.stdout + r.stderr


def test_var_and_var_file_give_the_encryption_block_its_passphrase(tmp_path: Path) -> None:
    """OpenTofu's "State and Plan Encryption" page: variables in the encryption block are
    resolved before the state is read, from every variable source (OpenTofu's static
    evaluation of the root module call takes the command line's -var and -var-file too);
    no terraform oracle."""
    (tmp_path / "main.tf").write_text(
        "terraform {\n  encryption {\n"
        '    key_provider "pbkdf2" "a" {\n      passphrase = var.passphrase\n      iterations = 200000\n    }\n'
        '    method "aes_gcm" "a" {\n      keys = key_provider.pbkdf2.a\n    }\n'
        "    state {\n      method = method.aes_gcm.a\n    }\n  }\n}\n"
        'variable "passphrase" {\n  type      = string\n  sensitive = true\n}\n'
        f'resource "terraform_data" "x" {{\n  input = "{SECRET}"\n}}\n'
        'output "x" {\n  value = terraform_data.x.output\n}\n'
    )
    (tmp_path / "secret.tfvars").write_text(f'passphrase = "{PASS_A}"\n')
    _ok(_sheath(tmp_path, "apply", "-auto-approve", "-input=false", "-var", f"passphrase={PASS_A}"))
    _decrypt_independently(_doc(tmp_path), PASS_A)
    assert "No changes." in _ok(_sheath(tmp_path, "plan", "-input=false", "-var", f"passphrase={PASS_A}"))
    assert "No changes." in _ok(_sheath(tmp_path, "plan", "-input=false", "-var-file=secret.tfvars"))
    r = subprocess.run(
        [sys.executable, "-m", "sheath", "console", "-var", f"passphrase={PASS_A}"],
        cwd=tmp_path, input="terraform_data.x.output\n", capture_output=True, text=True, timeout=300,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("TF_")}, "CHECKPOINT_DISABLE": "1"},
    )
    assert f'"{SECRET}"' in _ok(r)
    # a plan file encrypted and applied with the passphrase from -var (plan encryption too)
    main = (tmp_path / "main.tf").read_text()
    (tmp_path / "main.tf").write_text(main.replace("    state {", "    plan {\n      method = method.aes_gcm.a\n    }\n    state {", 1))
    _ok(_sheath(tmp_path, "plan", "-input=false", "-var", f"passphrase={PASS_A}", "-out=tfplan"))
    assert json.loads((tmp_path / "tfplan").read_bytes())["encryption_version"] == "v0"
    assert "Apply complete!" in _ok(_sheath(tmp_path, "apply", "-input=false", "-var-file=secret.tfvars", "tfplan"))
    # without a value for it: terraform's required-variable error for plan; the existing
    # encryption error, at the passphrase, for a command without -var; nothing written
    before = (tmp_path / "terraform.tfstate").read_bytes()
    r = _sheath(tmp_path, "plan", "-input=false")
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert "No value for required variable" in err
    r = _sheath(tmp_path, "state", "pull")
    err = " ".join(re.sub(r"\x1b\[[0-9;]*m|[│╷╵]", "", r.stderr).split())
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert "Invalid encryption configuration" in err and "-var and -var-file" in err, err
    assert "main.tf line 4" in err, err  # passphrase = var.passphrase
    assert SECRET in _ok(_sheath(tmp_path, "state", "pull", env={"TF_VAR_passphrase": PASS_A}))
    assert (tmp_path / "terraform.tfstate").read_bytes() == before


def test_remote_state_data_source_in_a_module_instance_is_named_as_opentofu_names_it(tmp_path: Path) -> None:
    """OpenTofu's "State and Plan Encryption" page, "Remote state data sources":
    `mymodule.myname[0]` targets the first instance of a data source in a module (the
    module's key kept: module.m[0].data.terraform_remote_state.net[0] is "m[0].net[0]")."""
    a = tmp_path / "a"
    a.mkdir()
    _write(a, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(a, "apply", "-auto-approve"))
    c = tmp_path / "c"
    (c / "mod").mkdir(parents=True)
    (c / "mod" / "main.tf").write_text(
        'data "terraform_remote_state" "net" {\n  count   = 1\n  backend = "local"\n'
        '  config = {\n    path = "../a/terraform.tfstate"\n  }\n}\n'
        'output "x" {\n  value = data.terraform_remote_state.net[0].outputs.x\n}\n'
    )
    blocks = SPECIFIC_A.replace('"net"', '"m[0].net[0]"')
    (c / "main.tf").write_text(
        f"terraform {{\n  encryption {{\n{KEYS}\n    remote_state_data_sources {{\n{blocks}\n    }}\n  }}\n}}\n"
        'variable "pass_a" {\n  type = string\n}\nvariable "pass_b" {\n  type = string\n}\n'
        'module "m" {\n  count  = 1\n  source = "./mod"\n}\n'
        'output "got" {\n  value = module.m[0].x\n}\n'
    )
    _ok(_sheath(c, "init"))
    assert f'got = "{SECRET}-1"' in _ok(_sheath(c, "apply", "-auto-approve"))


def test_configuration_snapshots_are_sealed_with_the_state_method(tmp_path: Path) -> None:
    """An applied version's configuration snapshot holds the files as applied (secrets
    written in them included), so it is encrypted with the state's method, as the state is; history
    show decrypts it, and a wrong passphrase is a clear error."""
    _write(tmp_path, "state {\n      method = method.aes_gcm.a\n    }")
    _ok(_sheath(tmp_path, "init"))
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    with open(tmp_path / "main.tf", "a") as fh:
        fh.write('output "second" {\n  value = 2\n}\n')
    _ok(_sheath(tmp_path, "apply", "-auto-approve"))
    configurations = sorted((tmp_path / ".sheath" / "snapshots").glob("*.json"))
    plans = sorted((tmp_path / ".sheath" / "plans").glob("*.json"))
    assert len(configurations) == 2 and len(plans) == 2  # the plans hold SECRET too
    for p in configurations + plans:
        raw = p.read_bytes()
        assert SECRET.encode() not in raw and base64.b64encode(b"terraform {") not in raw and b"resource_changes" not in raw
        doc = json.loads(raw)
        assert list(doc) == ["meta", "encrypted_data", "encryption_version"] and list(doc["meta"]) == ["key_provider.pbkdf2.a"]

    def history(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        e = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
        e.update({"TF_VAR_pass_a": PASS_A, "TF_VAR_pass_b": PASS_B, **(env or {})})
        return subprocess.run([sys.executable, "-m", "sheath", "history", *args], cwd=tmp_path, capture_output=True, text=True, env=e, timeout=300)

    shown = _ok(history("show", "2"))
    assert '+output "second" {' in shown
    assert "Plan applied:\n  + output.second = 2\n" in shown
    assert "  + terraform_data.x (create)\n" in _ok(history("show", "1"))
    r = history("show", "2", env={"TF_VAR_pass_a": "not the right passphrase"})
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "decrypt" in r.stderr
