"""State encryption in OpenTofu's format: pbkdf2 and aws_kms key providers, aes_gcm and
unencrypted methods, fallback for key rotation, enforcement, TF_ENCRYPTION."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from sheath.lang.hclsyntax.parser import parse_config
from sheath.states.encryption import EncryptionError, environment_body, parse_encryption

STATE = b'{\n  "version": 4,\n  "terraform_version": "1.11.4",\n  "serial": 7,\n  "lineage": "abc",\n  "outputs": {},\n  "resources": [],\n  "check_results": null\n}\n'


def _cfg(text: str, variables: dict[str, Any] | None = None, *more: str) -> Any:
    bodies = []
    for t in (text, *more):
        f, d = parse_config(t.encode(), "enc.hcl")
        assert not d.has_errors()
        bodies.append(f.body)
    cfg, diags = parse_encryption(bodies, variables)
    return cfg, diags


PBKDF2 = """
key_provider "pbkdf2" "k" {
  passphrase = "correct horse battery staple"
  iterations = 200000
}
method "aes_gcm" "m" {
  keys = key_provider.pbkdf2.k
}
method "unencrypted" "plain" {}
state {
  method = method.aes_gcm.m
}
"""


def test_round_trip_and_document_shape() -> None:
    cfg, diags = _cfg(PBKDF2)
    assert cfg is not None, [(d.summary, d.detail) for d in diags]
    enc = cfg.encrypt_state(STATE)
    doc = json.loads(enc)
    assert list(doc) == ["serial", "lineage", "meta", "encrypted_data", "encryption_version"]
    assert doc["serial"] == 7 and doc["lineage"] == "abc" and doc["encryption_version"] == "v0"
    meta = json.loads(base64.b64decode(doc["meta"]["key_provider.pbkdf2.k"]))
    assert meta["iterations"] == 200000 and meta["hash_function"] == "sha512" and meta["key_length"] == 32
    from sheath.states.encryption import Pbkdf2Provider

    assert Pbkdf2Provider("x", "p" * 16).iterations == 600000  # OpenTofu's default
    assert len(base64.b64decode(meta["salt"])) == 32
    assert b"resources" not in enc
    assert cfg.decrypt_state(enc) == STATE


def test_wrong_passphrase_is_a_clear_error() -> None:
    cfg, _ = _cfg(PBKDF2)
    enc = cfg.encrypt_state(STATE)
    other, _ = _cfg(PBKDF2.replace("correct horse battery staple", "a different passphrase"))
    with pytest.raises(EncryptionError, match="wrong key or altered data"):
        other.decrypt_state(enc)


def test_plaintext_is_refused_without_an_unencrypted_method_and_migrates_with_one() -> None:
    cfg, _ = _cfg(PBKDF2)
    with pytest.raises(EncryptionError, match="unencrypted payload"):
        cfg.decrypt_state(STATE)
    migrating, _ = _cfg(PBKDF2.replace("state {\n  method = method.aes_gcm.m\n}", "state {\n  method = method.aes_gcm.m\n  fallback {\n    method = method.unencrypted.plain\n  }\n}"))
    assert migrating.decrypt_state(STATE) == STATE
    out_cfg, _ = _cfg(PBKDF2.replace("state {\n  method = method.aes_gcm.m\n}", "state {\n  method = method.unencrypted.plain\n  fallback {\n    method = method.aes_gcm.m\n  }\n}"))
    enc = migrating.encrypt_state(STATE)
    assert out_cfg.decrypt_state(enc) == STATE  # reading the old encrypted state while migrating out
    assert out_cfg.encrypt_state(STATE) == STATE  # and writing plaintext


def test_key_rotation_with_fallback() -> None:
    old, _ = _cfg(PBKDF2)
    enc = old.encrypt_state(STATE)
    rotated = PBKDF2.replace(
        'method "unencrypted" "plain" {}',
        'key_provider "pbkdf2" "new" {\n  passphrase = "the new long passphrase!"\n  iterations = 200000\n}\nmethod "aes_gcm" "new" {\n  keys = key_provider.pbkdf2.new\n}',
    ).replace("state {\n  method = method.aes_gcm.m\n}", "state {\n  method = method.aes_gcm.new\n  fallback {\n    method = method.aes_gcm.m\n  }\n}")
    cfg, diags = _cfg(rotated)
    assert cfg is not None, [(d.summary, d.detail) for d in diags]
    assert cfg.decrypt_state(enc) == STATE
    re_enc = cfg.encrypt_state(STATE)
    assert "key_provider.pbkdf2.new" in json.loads(re_enc)["meta"]


def test_enforced_refuses_plaintext_and_bad_settings_are_diagnostics() -> None:
    _, diags = _cfg(PBKDF2.replace("state {\n  method = method.aes_gcm.m\n}", "state {\n  method = method.unencrypted.plain\n  enforced = true\n}"))
    assert [d.summary for d in diags] == ["Encryption is enforced"]
    _, diags = _cfg(PBKDF2.replace("correct horse battery staple", "short"))
    assert "passphrase is too short (minimum 16 characters)" in list(diags)[0].detail
    _, diags = _cfg(PBKDF2.replace("iterations = 200000", "iterations = 1000"))
    assert "dangerously low" in list(diags)[0].detail
    _, diags = _cfg(PBKDF2.replace('"pbkdf2" "k"', '"openbao" "k"'))
    assert "Unsupported key provider" in [d.summary for d in diags]


def test_variables_and_tf_encryption() -> None:
    cfg, diags = _cfg(PBKDF2.replace('"correct horse battery staple"', "var.passphrase"), {"passphrase": _string("from a variable, long enough")})
    assert cfg is not None, [(d.summary, d.detail) for d in diags]
    body, d = environment_body({"TF_ENCRYPTION": PBKDF2})
    assert body is not None and not d.has_errors()
    cfg2, _ = parse_encryption([body])
    assert cfg2 is not None and cfg2.decrypt_state(cfg2.encrypt_state(STATE)) == STATE


def _string(s: str) -> Any:
    from sheath.types.cty import string_val

    return string_val(s)


@pytest.mark.oracle
def test_aws_kms_key_provider(moto_server: str) -> None:
    import boto3

    kms = boto3.client("kms", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    key_id = kms.create_key(Description="state " + uuid.uuid4().hex)["KeyMetadata"]["KeyId"]
    text = f"""
key_provider "aws_kms" "k" {{
  kms_key_id = "{key_id}"
  key_spec   = "AES_256"
  region     = "us-east-1"
  access_key = "t"
  secret_key = "t"
  endpoints = {{
    kms = "{moto_server}"
  }}
}}
method "aes_gcm" "m" {{
  keys = key_provider.aws_kms.k
}}
state {{
  method = method.aes_gcm.m
}}
"""
    cfg, diags = _cfg(text)
    assert cfg is not None, [(d.summary, d.detail) for d in diags]
    enc = cfg.encrypt_state(STATE)
    meta = json.loads(base64.b64decode(json.loads(enc)["meta"]["key_provider.aws_kms.k"]))
    assert meta["ciphertext_blob"]
    assert cfg.decrypt_state(enc) == STATE


def test_remote_state_data_source_blocks_are_chosen_by_opentofus_key() -> None:
    """OpenTofu's "State and Plan Encryption" page, "Remote state data sources": `myname`
    targets a data source of the root module, `mymodule.myname` one in a module,
    `mymodule.myname[0]` an instance; default the others (no terraform oracle)."""
    from sheath.states.codec import PLAIN, EncryptedStateCodec, remote_state_codec
    from sheath.states.encryption import remote_state_key

    assert remote_state_key("data.terraform_remote_state.foo") == "foo"
    assert remote_state_key("data.terraform_remote_state.foo[4]") == "foo[4]"
    assert remote_state_key('data.terraform_remote_state.foo["a"]') == 'foo["a"]'
    assert remote_state_key("module.net[1].data.terraform_remote_state.bar") == "net[1].bar"
    assert remote_state_key("module.a.module.b.data.terraform_remote_state.c") == "a.module.b.c"
    text = PBKDF2 + """
method "aes_gcm" "other" {
  keys = key_provider.pbkdf2.k
}
remote_state_data_sources {
  default {
    method = method.aes_gcm.m
  }
  remote_state_data_source "net.bar[0]" {
    method = method.aes_gcm.other
    fallback {
      method = method.unencrypted.plain
    }
  }
}
"""
    cfg, diags = _cfg(text)
    assert cfg is not None and not diags.has_errors(), [(d.summary, d.detail) for d in diags]
    specific = remote_state_codec(cfg, "module.net.data.terraform_remote_state.bar[0]")
    assert isinstance(specific, EncryptedStateCodec) and specific.target.method.name == "other"
    assert specific.decode(STATE) == (STATE, True)  # plaintext through the unencrypted fallback
    default = remote_state_codec(cfg, "data.terraform_remote_state.bar")
    assert isinstance(default, EncryptedStateCodec) and default.target.method.name == "m"
    with pytest.raises(EncryptionError, match="unencrypted payload"):
        default.decode(STATE)
    assert default.decode(cfg.encrypt_state(STATE))[0] == STATE
    assert remote_state_codec(None, "data.terraform_remote_state.bar") is PLAIN
    no_default, _ = _cfg(PBKDF2)
    assert remote_state_codec(no_default, "data.terraform_remote_state.bar") is PLAIN
