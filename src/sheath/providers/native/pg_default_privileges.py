"""postgresql_default_privileges of the native PostgreSQL provider: the privileges ``role``
receives on objects that ``owner`` creates later (ALTER DEFAULT PRIVILEGES), in one
schema or, without ``schema``, in every schema of the database.

As in the community provider (1.25.0), every argument but ``privileges`` forces
replacement; create and update revoke what the role holds by default and grant the
configured privileges, in one transaction. Refresh reads pg_default_acl; for the
database-wide defaults (no schema) a missing row means PostgreSQL's built-in defaults
(acldefault), so PUBLIC's EXECUTE on functions and USAGE on types are seen. The object
is gone when the database, the owner, the role or the schema no longer exists, or when
the role holds no privileges while some are configured.
"""

from __future__ import annotations

from typing import Any

from sheath.diag import Diagnostics
from sheath.providers.interface import Path, attribute_error
from sheath.providers.native.pg_client import PostgresError
from sheath.providers.native.pg_grant import PRIVILEGES, acl_privileges, grantee, read_back_privileges
from sheath.providers.native.pg_resources import PgResource, ident, sql_text, str_or_none, strings
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import attr, with_attrs
from sheath.types import BOOL, FALSE, STRING, TRUE, SetType, Value, set_val, string_val

# object_type -> (pg_default_acl.defaclobjtype, acldefault's object type, keyword of ALTER DEFAULT PRIVILEGES)
DEFAULT_ACL_TYPES = {
    "table": ("r", "r", "TABLES"),
    "sequence": ("S", "s", "SEQUENCES"),
    "function": ("f", "f", "FUNCTIONS"),
    "type": ("T", "T", "TYPES"),
    "schema": ("n", "n", "SCHEMAS"),
}
NO_SCHEMA = "noschema"  # the schema part of the id of database-wide default privileges


def default_privileges_id(role: str, database: str, schema: str | None, owner: str, object_type: str) -> str:
    return "_".join([role, database, schema or NO_SCHEMA, owner, object_type])


class DefaultPrivileges(PgResource):
    type_name = "postgresql_default_privileges"
    schema = Schema(
        Block(
            {
                "database": Attribute(STRING, required=True),
                "id": Attribute(STRING, optional=True, computed=True),
                "object_type": Attribute(STRING, required=True),
                "owner": Attribute(STRING, required=True),
                "privileges": Attribute(SetType(STRING), required=True),
                "role": Attribute(STRING, required=True),
                "schema": Attribute(STRING, optional=True),
                "with_grant_option": Attribute(BOOL, optional=True),
            }
        )
    )
    defaults = {"with_grant_option": FALSE}
    force_new = ("database", "object_type", "owner", "role", "schema", "with_grant_option")

    def validate(self, config: Value) -> Diagnostics:
        diags = super().validate(config)
        if config.is_null or not config.is_known:
            return diags
        ot = attr(config, "object_type")
        if not ot.is_known or ot.is_null:
            return diags
        kind = ot.as_str()
        if kind not in DEFAULT_ACL_TYPES:
            diags.append(attribute_error("Invalid object_type", f"object_type must be one of {', '.join(DEFAULT_ACL_TYPES)}; got {kind!r}.", Path.attr("object_type")))
            return diags
        schema = attr(config, "schema")
        if kind == "schema" and schema.is_known and not schema.is_null:
            diags.append(attribute_error("Invalid schema", 'Cannot specify "schema" when "object_type" is "schema".', Path.attr("schema")))
        role, wgo = attr(config, "role"), attr(config, "with_grant_option")
        if role.is_known and not role.is_null and role.as_str().lower() == "public" and wgo.is_known and wgo.v is True:
            diags.append(attribute_error("Invalid with_grant_option", "with_grant_option cannot be true for role 'public'.", Path.attr("with_grant_option")))
        privs = attr(config, "privileges")
        if privs.is_known and not privs.is_null:
            for p in privs.elements():
                if p.is_known and not p.is_null and p.as_str().upper() not in (*PRIVILEGES[kind], "ALL"):
                    diags.append(
                        attribute_error("Invalid privilege", f"{p.as_str()!r} is not a privilege of {kind} objects ({', '.join(PRIVILEGES[kind])}, ALL).", Path.attr("privileges"))
                    )
        return diags

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        if not all(attr(v, n).is_known for n in ("role", "database", "schema", "owner", "object_type")):
            return v
        did = default_privileges_id(
            attr(v, "role").as_str(), attr(v, "database").as_str(), str_or_none(attr(v, "schema")), attr(v, "owner").as_str(), attr(v, "object_type").as_str()
        )
        return with_attrs(v, id=string_val(did))

    def _alter(self, v: Value) -> Any:
        """ALTER DEFAULT PRIVILEGES FOR ROLE <owner> [IN SCHEMA <schema>]"""
        stmt = sql_text("ALTER DEFAULT PRIVILEGES FOR ROLE {}", ident(attr(v, "owner").as_str()))
        schema = str_or_none(attr(v, "schema"))
        if schema:
            stmt += sql_text(" IN SCHEMA {}", ident(schema))
        return stmt

    def _revoke(self, v: Value) -> Any:
        word = DEFAULT_ACL_TYPES[attr(v, "object_type").as_str()][2]
        return self._alter(v) + sql_text(f" REVOKE ALL ON {word} FROM {{}}", grantee(attr(v, "role").as_str()))

    def create(self, planned: Value) -> Value:
        kind, role = attr(planned, "object_type").as_str(), attr(planned, "role").as_str()
        privs = sorted({p.upper() for p in strings(attr(planned, "privileges"))})
        stmts: list[Any] = [*self.membership_for(attr(planned, "owner").as_str()), self._revoke(planned)]
        if privs:
            listed = ", ".join("ALL PRIVILEGES" if p == "ALL" else p for p in privs)
            grant = self._alter(planned) + sql_text(f" GRANT {listed} ON {DEFAULT_ACL_TYPES[kind][2]} TO {{}}", grantee(role))
            if attr(planned, "with_grant_option").v is True:
                grant += sql_text(" WITH GRANT OPTION")
            stmts.append(grant)
        self.client.execute(stmts, database=self.database_of(planned))
        new = self.read_state(self.with_defaults(planned))
        return new if new is not None else self.with_defaults(planned)

    def update(self, prior: Value, planned: Value) -> Value:
        return self.create(planned)  # only privileges change in place: revoke, then grant

    def _held(self, v: Value) -> dict[str, bool] | None:
        """The default privileges role holds (with their grant option), or None when the
        database, the owner, the role or the schema does not exist."""
        role, owner, db = attr(v, "role").as_str(), attr(v, "owner").as_str(), self.database_of(v)
        schema = str_or_none(attr(v, "schema"))
        try:
            rows = self.client.query(
                "SELECT (SELECT oid FROM pg_roles WHERE rolname = %s), lower(%s) = 'public' OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s),"
                " CASE WHEN %s::text IS NULL THEN 0 ELSE (SELECT oid FROM pg_namespace WHERE nspname = %s) END",
                (owner, role, role, schema, schema),
                database=db,
            )
        except PostgresError:
            if not self.client.query("SELECT 1 FROM pg_database WHERE datname = %s", (db,)):
                return None  # the database is gone, and its default privileges with it
            raise
        owner_oid, role_exists, nsp = rows[0]
        if owner_oid is None or not role_exists or nsp is None:
            return None
        objtype, builtin, _ = DEFAULT_ACL_TYPES[attr(v, "object_type").as_str()]
        acl = (
            "coalesce((SELECT defaclacl FROM pg_default_acl WHERE defaclrole = %s::oid AND defaclnamespace = %s::oid AND defaclobjtype = %s::\"char\"),"
            " CASE WHEN %s::oid = 0 THEN acldefault(%s::\"char\", %s::oid) END)"
        )
        return acl_privileges(self.client, acl, (owner_oid, nsp, objtype, nsp, builtin, owner_oid), role, db)

    def read_state(self, prior: Value, importing: bool = False) -> Value | None:
        held = self._held(prior)
        if held is None:
            return None
        configured = {p.upper() for p in strings(attr(prior, "privileges"))}
        if not held and configured and not importing:
            return None  # as the community provider: nothing held while something is configured
        v = self.with_defaults(prior)
        if held:
            v = with_attrs(v, with_grant_option=TRUE if all(held.values()) else FALSE)
        changed = read_back_privileges(set(held), configured, attr(prior, "object_type").as_str())
        if changed is not None:
            v = with_attrs(v, privileges=set_val([string_val(p) for p in sorted(changed)], STRING))
        return v

    def drop(self, prior: Value) -> None:
        stmts: list[Any] = [*self.membership_for(attr(prior, "owner").as_str()), self._revoke(prior)]
        self.client.execute(stmts, database=self.database_of(prior))

    def import_id(self, id: str) -> Value | None:
        """<role>@<database>@<owner>@<object_type>@<schema>@<with_grant_option>; an empty
        schema (or "noschema") imports the database-wide default privileges."""
        parts = id.split("@")
        if len(parts) != 6 or not all(parts[:4]) or parts[3] not in DEFAULT_ACL_TYPES or parts[5] not in ("true", "false"):
            raise PostgresError(
                f'invalid import id {id!r}: expected "<role>@<database>@<owner>@<object_type>@<schema>@<with_grant_option>"'
                f" with object_type one of {', '.join(DEFAULT_ACL_TYPES)} and with_grant_option true or false"
            )
        role, database, owner, kind, schema, wgo = parts
        v = with_attrs(
            self.schema.block.empty_value(),
            role=string_val(role),
            database=string_val(database),
            owner=string_val(owner),
            object_type=string_val(kind),
            privileges=set_val([], STRING),
            with_grant_option=TRUE if wgo == "true" else FALSE,
        )
        if schema and schema != NO_SCHEMA:
            v = with_attrs(v, schema=string_val(schema))
        return self.read_state(v, importing=True)


__all__ = ["DEFAULT_ACL_TYPES", "DefaultPrivileges", "default_privileges_id"]
