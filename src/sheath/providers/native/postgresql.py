"""A native implementation of the community PostgreSQL provider (cyrilgdn/postgresql).

The provider arguments follow the community provider's documentation, including its
environment defaults (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE,
PGCONNECT_TIMEOUT). Arguments it documents that sheath does not implement yet are
refused with a diagnostic. One provider instance (one provider configuration) owns
one connection pool; see pg_client. Resources are in pg_resources, pg_grant,
pg_default_privileges, pg_table, pg_index, pg_sequence and pg_view (sheath's own
postgresql_table, postgresql_index, postgresql_sequence, postgresql_view and
postgresql_materialized_view); data sources in pg_data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sheath.diag import Diagnostics
from sheath.providers.interface import (
    ConfigureProviderRequest,
    Path,
    ServerCapabilities,
    ValidateProviderConfigResponse,
    ValidateResponse,
    attribute_error,
)
from sheath.providers.native.pg_client import Client, ConnectionSettings
from sheath.providers.native.pg_data import data_sources
from sheath.providers.native.pg_default_privileges import DefaultPrivileges
from sheath.providers.native.pg_grant import Grant, GrantRole
from sheath.providers.native.pg_index import PgIndex
from sheath.providers.native.pg_resources import as_int, resources, str_or_none
from sheath.providers.native.pg_sequence import PgSequence
from sheath.providers.native.pg_table import table_resources
from sheath.providers.native.pg_view import PgMaterializedView, PgView
from sheath.providers.schema import Attribute, Block, Nesting, NestedBlock, Schema
from sheath.providers.sdk import NativeProvider, attr
from sheath.types import BOOL, NUMBER, STRING, Value

PROVIDER_ADDRESS = "registry.terraform.io/cyrilgdn/postgresql"
PROVIDER_VERSION = "1.25.0"

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_VERSION_RE = re.compile(r"^\d+(\.\d+){0,2}$")

PROVIDER_SCHEMA = Schema(
    Block(
        {
            "aws_rds_iam_auth": Attribute(BOOL, optional=True),
            "aws_rds_iam_profile": Attribute(STRING, optional=True),
            "aws_rds_iam_provider_role_arn": Attribute(STRING, optional=True),
            "aws_rds_iam_region": Attribute(STRING, optional=True),
            "azure_identity_auth": Attribute(BOOL, optional=True),
            "azure_tenant_id": Attribute(STRING, optional=True),
            "connect_timeout": Attribute(NUMBER, optional=True),
            "database": Attribute(STRING, optional=True),
            "database_username": Attribute(STRING, optional=True),
            "expected_version": Attribute(STRING, optional=True),
            "gcp_iam_impersonate_service_account": Attribute(STRING, optional=True),
            "host": Attribute(STRING, optional=True),
            "max_connections": Attribute(NUMBER, optional=True),
            "password": Attribute(STRING, optional=True, sensitive=True),
            "port": Attribute(NUMBER, optional=True),
            "scheme": Attribute(STRING, optional=True),
            "ssl_mode": Attribute(STRING, optional=True, deprecated=True),
            "sslmode": Attribute(STRING, optional=True),
            "sslrootcert": Attribute(STRING, optional=True),
            "superuser": Attribute(BOOL, optional=True),
            "username": Attribute(STRING, optional=True),
        },
        {
            "clientcert": NestedBlock(
                Block(
                    {
                        "cert": Attribute(STRING, required=True),
                        "key": Attribute(STRING, required=True),
                        "sslinline": Attribute(BOOL, optional=True),
                    }
                ),
                Nesting.LIST,
                max_items=1,
            ),
        },
    )
)

# arguments sheath refuses unless unset (or set to the one value it implements)
_UNSUPPORTED: Mapping[str, object] = {
    "aws_rds_iam_auth": False,
    "aws_rds_iam_profile": None,
    "aws_rds_iam_provider_role_arn": None,
    "aws_rds_iam_region": None,
    "azure_identity_auth": False,
    "azure_tenant_id": None,
    "database_username": None,
    "gcp_iam_impersonate_service_account": None,
    "scheme": "postgres",
}


def _error(diags: Diagnostics, summary: str, detail: str, name: str) -> None:
    diags.append(attribute_error(summary, detail, Path.attr(name)))


def settings_from_config(config: Value, env: Mapping[str, str]) -> tuple[ConnectionSettings | None, Diagnostics]:
    """Connection settings from a provider configuration (unknown values are left to configure)."""
    diags = Diagnostics()
    if config.is_null or not config.is_known:
        return None, diags
    known = {k: v for k, v in config.attrs().items() if v.is_known}
    if len(known) != len(config.attrs()):
        return None, diags
    for name, accepted in _UNSUPPORTED.items():
        v = known[name]
        if v.is_null or (accepted is not None and v.v == accepted):
            continue
        _error(diags, "Argument not implemented", f"sheath's native postgresql provider does not implement {name!r} yet.", name)
    cc = known["clientcert"]
    if not cc.is_null and cc.elements():
        _error(diags, "Argument not implemented", "sheath's native postgresql provider does not implement client certificates (clientcert) yet.", "clientcert")

    def text(name: str, env_name: str | None, default: str | None) -> str | None:
        s = str_or_none(known[name])
        if s is None and env_name:
            s = env.get(env_name) or None
        return default if s is None else s

    def integer(name: str, env_name: str | None, default: int) -> int:
        v = known[name]
        if not v.is_null:
            return as_int(v)
        raw = env.get(env_name, "") if env_name else ""
        if raw:
            try:
                return int(raw)
            except ValueError:
                _error(diags, "Invalid provider configuration", f"{env_name}={raw!r} is not an integer.", name)
        return default

    host = text("host", "PGHOST", None)
    if host is None:
        _error(diags, "Missing required argument", 'The postgresql provider needs "host" (or the PGHOST environment variable).', "host")
    port = integer("port", "PGPORT", 5432)
    if not 0 < port < 65536:
        _error(diags, "Invalid provider configuration", f"port must be between 1 and 65535, got {port}.", "port")
    sslmode = text("sslmode", "PGSSLMODE", None) or str_or_none(known["ssl_mode"]) or "prefer"
    if sslmode not in SSL_MODES:
        _error(diags, "Invalid provider configuration", f"sslmode must be one of {', '.join(SSL_MODES)}; got {sslmode!r}.", "sslmode")
    connect_timeout = integer("connect_timeout", "PGCONNECT_TIMEOUT", 180)
    if connect_timeout < 0:
        _error(diags, "Invalid provider configuration", f"connect_timeout must not be negative, got {connect_timeout}.", "connect_timeout")
    max_connections = integer("max_connections", None, 20)
    if max_connections < 0:
        _error(diags, "Invalid provider configuration", f"max_connections must be 0 (unlimited) or more, got {max_connections}.", "max_connections")
    expected_version = text("expected_version", None, "9.0.0") or "9.0.0"
    if not _VERSION_RE.match(expected_version):
        _error(diags, "Invalid provider configuration", f"expected_version must be a version such as 15 or 15.4, got {expected_version!r}.", "expected_version")
    superuser = known["superuser"]
    if diags.has_errors() or host is None:
        return None, diags
    return (
        ConnectionSettings(
            host=host,
            port=port,
            database=text("database", "PGDATABASE", "postgres") or "postgres",
            username=text("username", "PGUSER", "postgres") or "postgres",
            password=text("password", "PGPASSWORD", "") or "",
            sslmode=sslmode,
            sslrootcert=text("sslrootcert", "PGSSLROOTCERT", None),
            connect_timeout=connect_timeout,
            superuser=True if superuser.is_null else superuser.as_bool(),
            max_connections=max_connections,
            expected_version=expected_version,
        ),
        diags,
    )


@dataclass
class PostgresProvider(NativeProvider):
    """NativeProvider plus the connection pool of its configuration."""

    client: Client = field(default_factory=Client)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def validate_provider_config(self, config: Value) -> ValidateProviderConfigResponse:
        _, diags = settings_from_config(config, self.env)
        return ValidateProviderConfigResponse(prepared_config=config, diagnostics=diags)

    def configure_provider(self, req: ConfigureProviderRequest) -> ValidateResponse:
        settings, diags = settings_from_config(req.config, self.env)
        if settings is None and not diags.has_errors():
            diags.add_error("Invalid provider configuration", "The postgresql provider's configuration depends on values known only after apply.")
        if settings is not None:
            self.client.configure(settings)
            self.configured = True
        return ValidateResponse(diags)

    def close(self) -> None:
        self.client.close()


def new_provider() -> PostgresProvider:
    client = Client()
    return PostgresProvider(
        provider_schema=PROVIDER_SCHEMA,
        resources={
            **resources(client),
            **table_resources(client),
            "postgresql_default_privileges": DefaultPrivileges(client),
            "postgresql_grant": Grant(client),
            "postgresql_grant_role": GrantRole(client),
            "postgresql_index": PgIndex(client),
            "postgresql_sequence": PgSequence(client),
            "postgresql_view": PgView(client),
            "postgresql_materialized_view": PgMaterializedView(client),
        },
        data_sources=data_sources(client),
        client=client,
        # deletes are planned too (terraform's PlanDestroy): postgresql_table refuses at plan
        # time to drop a table that holds rows unless it is allowed to lose data
        server_capabilities=ServerCapabilities(plan_destroy=True),
    )


__all__ = ["PROVIDER_ADDRESS", "PROVIDER_VERSION", "PostgresProvider", "new_provider", "settings_from_config"]
