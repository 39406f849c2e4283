"""A backend block, its schema and settings, and the record of the initialised backend.

The configuration of a backend is the ``backend "TYPE" {}`` block with the
``-backend-config`` overrides merged over it, decoded against the type's
schema (literals only: a backend is configured before anything else). The
initialised backend is recorded in ``.terraform/terraform.tfstate`` as
terraform records it — every schema attribute (null when unset) and terraform's
hash of the configuration (crc32 of cty's hash bytes of ``[type, config]``) —
so that either tool accepts a directory the other initialised.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from typing import Any, Mapping

import orjson

from sheath import TERRAFORM_VERSION as TERRAFORM_VERSION
from sheath.backend import Backend
from sheath.diag import Diagnostics
from sheath.lang import hcl
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.evaluator import evaluate
from sheath.providers.schema import Attribute, Block, Object, decode_body
from sheath.types.cty import BOOL, NUMBER, STRING, MapType, SetType, Value, object_val, tuple_val, string_val
from sheath.types.json import value_to_json
from sheath.types.ops import set_hash_str

def data_dir(environ: Mapping[str, str] | None = None) -> str:
    """terraform's data directory: TF_DATA_DIR, else .terraform."""
    e = os.environ if environ is None else environ
    return e.get("TF_DATA_DIR") or ".terraform"


def record_path(root_dir: str = ".", environ: Mapping[str, str] | None = None) -> str:
    """Where init records the backend: terraform.tfstate in the data directory."""
    return os.path.join(root_dir, data_dir(environ), "terraform.tfstate")


def _opt(t: Any) -> Attribute:
    return Attribute(type=t, optional=True)


def _nested(attrs: Mapping[str, Attribute]) -> Attribute:
    from sheath.providers.schema import Nesting

    return Attribute(nested_type=Object(attributes=dict(attrs), nesting=Nesting.SINGLE), optional=True)


_STR_SET = SetType(STRING)

SCHEMAS: dict[str, Block] = {
    "local": Block(attributes={"path": _opt(STRING), "workspace_dir": _opt(STRING)}),
    "pg": Block(
        attributes={
            "conn_str": _opt(STRING),
            "schema_name": _opt(STRING),
            "skip_schema_creation": _opt(BOOL),
            "skip_table_creation": _opt(BOOL),
            "skip_index_creation": _opt(BOOL),
        }
    ),
    "s3": Block(
        attributes={
            **{
                n: _opt(STRING)
                for n in (
                    "bucket", "key", "region", "dynamodb_endpoint", "ec2_metadata_service_endpoint",
                    "ec2_metadata_service_endpoint_mode", "endpoint", "iam_endpoint", "sts_endpoint", "sts_region",
                    "acl", "access_key", "secret_key", "kms_key_id", "dynamodb_table", "profile", "retry_mode",
                    "shared_credentials_file", "token", "sse_customer_key", "workspace_key_prefix", "custom_ca_bundle",
                    "http_proxy", "https_proxy", "no_proxy",
                )
            },
            **{
                n: _opt(BOOL)
                for n in (
                    "encrypt", "use_lockfile", "skip_credentials_validation", "skip_requesting_account_id",
                    "skip_metadata_api_check", "skip_region_validation", "skip_s3_checksum", "force_path_style",
                    "use_path_style", "insecure", "use_fips_endpoint", "use_dualstack_endpoint",
                )
            },
            "allowed_account_ids": _opt(_STR_SET),
            "forbidden_account_ids": _opt(_STR_SET),
            "shared_config_files": _opt(_STR_SET),
            "shared_credentials_files": _opt(_STR_SET),
            "max_retries": _opt(NUMBER),
            "endpoints": _nested({n: _opt(STRING) for n in ("dynamodb", "iam", "s3", "sso", "sts")}),
            "assume_role": _nested(
                {
                    "role_arn": _opt(STRING),
                    "duration": _opt(STRING),
                    "external_id": _opt(STRING),
                    "policy": _opt(STRING),
                    "policy_arns": _opt(_STR_SET),
                    "session_name": _opt(STRING),
                    "source_identity": _opt(STRING),
                    "tags": _opt(MapType(STRING)),
                    "transitive_tag_keys": _opt(_STR_SET),
                }
            ),
            "assume_role_with_web_identity": _nested(
                {
                    "role_arn": _opt(STRING),
                    "duration": _opt(STRING),
                    "policy": _opt(STRING),
                    "policy_arns": _opt(_STR_SET),
                    "session_name": _opt(STRING),
                    "web_identity_token": _opt(STRING),
                    "web_identity_token_file": _opt(STRING),
                }
            ),
        }
    ),
}


@dataclass(frozen=True)
class BackendConfig:
    """A decoded backend configuration: its type, its value (every schema attribute) and hash."""

    type: str
    value: Value
    hash: int

    def settings(self) -> dict[str, Any]:
        """The set attributes as plain Python data."""
        doc = orjson.loads(value_to_json(self.value))
        return {k: v for k, v in doc.items() if v is not None}

    def record(self) -> bytes:
        """``.terraform/terraform.tfstate`` as terraform writes it for this backend."""
        from sheath.states import gojson

        doc = {
            "version": 3,
            "terraform_version": TERRAFORM_VERSION,
            "backend": {"type": self.type, "config": orjson.loads(value_to_json(self.value)), "hash": self.hash},
        }
        return gojson.dumps(doc).encode("utf-8")


def backend_hash(type_name: str, value: Value) -> int:
    """terraform's Backend.Hash: crc32 (IEEE) of cty's hash bytes of the tuple [type, config]."""
    return zlib.crc32(set_hash_str(tuple_val([string_val(type_name), value])).encode("utf-8"))


def literal_value(expr: hcl.Expression) -> tuple[Value, Diagnostics]:
    """An expression of a backend's configuration: literals only (no variables, no functions)."""
    return evaluate(expr, EvalContext(None, None))


def decode_backend(type_name: str, bodies: list[hcl.Body]) -> tuple[BackendConfig | None, Diagnostics]:
    """Decode the block body and its overrides (later bodies win) against the type's schema."""
    diags = Diagnostics()
    schema = SCHEMAS.get(type_name)
    if schema is None:
        diags.add_error(
            "Unsupported backend type",
            f'sheath supports the "local", "pg" and "s3" backends; this configuration uses "{type_name}".',
        )
        return None, diags
    attrs: dict[str, Value] = {}
    for body in bodies:
        value, d = decode_body(schema, body, literal_value)
        diags.extend(d)
        if d.has_errors():
            return None, diags
        present = _present_attributes(body)
        for name, v in value.v.items():
            if name in present or name not in attrs:
                attrs[name] = v
    value = object_val(attrs) if attrs else schema.empty_value()
    return BackendConfig(type_name, value, backend_hash(type_name, value)), diags


def _present_attributes(body: hcl.Body) -> set[str]:
    attrs, _ = body.just_attributes()
    return set(attrs)


def build_backend(cfg: BackendConfig, environ: Mapping[str, str] | None = None) -> tuple[Backend | None, Diagnostics]:
    """The backend a configuration describes (its state history's retention from the
    environment: SHEATH_HISTORY_RETENTION)."""
    from sheath.states.history import history_retention

    retention, diags = history_retention(environ)
    if diags.has_errors():
        return None, diags
    backend, d = _new_backend(cfg, environ)
    diags.extend(d)
    if backend is not None:
        setattr(backend, "history_retention", retention)
    return backend, diags


def _new_backend(cfg: BackendConfig, environ: Mapping[str, str] | None) -> tuple[Backend | None, Diagnostics]:
    settings = cfg.settings()
    if cfg.type == "local":
        from sheath.backend.local import LocalBackend

        return LocalBackend(str(settings.get("path", "")), str(settings.get("workspace_dir", ""))), Diagnostics()
    if cfg.type == "pg":
        from sheath.backend.pg import PgBackend, PgConfig

        pc, diags = PgConfig.from_settings(settings, environ)
        return (PgBackend(pc, journal_dir=os.path.join(data_dir(environ), "sheath")) if pc is not None else None), diags
    if cfg.type == "s3":
        from sheath.backend.s3 import S3Backend, S3Config

        sc, diags = S3Config.from_settings(settings, environ)
        return (S3Backend(sc, journal_dir=os.path.join(data_dir(environ), "sheath")) if sc is not None else None), diags
    d = Diagnostics()
    d.add_error("Unsupported backend type", f'sheath does not support the "{cfg.type}" backend.')
    return None, d
