"""postgresql_grant of the native PostgreSQL provider, for object types database, schema,
table and sequence (the community provider's others are refused by validate).

As in the community provider every argument forces replacement; create first revokes
what the role holds on the objects, then grants the configured privileges, in one
transaction. Refresh reads the ACLs (aclexplode over datacl, nspacl, relacl); for tables
and sequences the privileges are those the role holds on every object named (or on every
object of that kind in the schema when ``objects`` is empty).
"""

from __future__ import annotations

from typing import Any

from sheath.diag import Diagnostics
from sheath.providers.interface import Path, attribute_error
from sheath.providers.native.pg_client import Client
from sheath.providers.native.pg_resources import PgResource, ident, sql_join, sql_text, str_or_none, strings
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import attr, with_attrs
from sheath.types import BOOL, FALSE, STRING, TRUE, SetType, Value, set_val, string_val

OBJECT_TYPES = ("database", "schema", "table", "sequence")
ALL_OBJECT_TYPES = (*OBJECT_TYPES, "function", "procedure", "routine", "foreign_data_wrapper", "foreign_server", "column")
PRIVILEGES = {
    "database": ("CREATE", "CONNECT", "TEMPORARY"),
    "schema": ("CREATE", "USAGE"),
    "table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "sequence": ("USAGE", "SELECT", "UPDATE"),
    "function": ("EXECUTE",),
    "type": ("USAGE",),
}
_RELKINDS = {"table": "('r', 'v', 'm', 'f', 'p')", "sequence": "('S')"}


def grantee(role: str) -> Any:
    """The grantee of a GRANT or REVOKE: PUBLIC (any spelling) or a quoted role name."""
    return sql_text("PUBLIC") if role.lower() == "public" else ident(role)


def grantee_filter(role: str, column: str = "a.grantee") -> tuple[str, tuple[str, ...]]:
    """A condition on aclexplode's grantee column for role (PUBLIC is grantee 0), and its parameters."""
    if role.lower() == "public":
        return f"{column} = 0", ()
    return f"{column} = (SELECT oid FROM pg_roles WHERE rolname = %s)", (role,)


def acl_privileges(client: Client, acl: str, params: tuple[Any, ...], role: str, database: str) -> dict[str, bool]:
    """The privileges role holds in the ACL expression acl (an SQL expression over params),
    each with whether it is grantable."""
    cond, cond_params = grantee_filter(role)
    rows = client.query(f"SELECT a.privilege_type, a.is_grantable FROM aclexplode({acl}) a WHERE {cond}", (*params, *cond_params), database=database)
    return {str(p): bool(g) for p, g in rows}


def read_back_privileges(held: set[str], configured: set[str], kind: str) -> set[str] | None:
    """The privileges to store after reading held: None when they are what is configured
    (so the configured spelling stays), counting "ALL" as every privilege of the kind."""
    if "ALL" in configured and held >= set(PRIVILEGES[kind]):
        held = {"ALL"} | (held - set(PRIVILEGES[kind]))
    return None if held == configured else held


def grant_id(role: str, database: str, schema: str | None, object_type: str, objects: list[str]) -> str:
    parts = [role, database]
    if object_type != "database" and schema:
        parts.append(schema)
    parts.append(object_type)
    if objects:
        parts.append(",".join(sorted(objects)))
    return "_".join(parts)


class Grant(PgResource):
    type_name = "postgresql_grant"
    schema = Schema(
        Block(
            {
                "columns": Attribute(SetType(STRING), optional=True),
                "database": Attribute(STRING, required=True),
                "id": Attribute(STRING, optional=True, computed=True),
                "object_type": Attribute(STRING, required=True),
                "objects": Attribute(SetType(STRING), optional=True),
                "privileges": Attribute(SetType(STRING), required=True),
                "role": Attribute(STRING, required=True),
                "schema": Attribute(STRING, optional=True),
                "with_grant_option": Attribute(BOOL, optional=True),
            }
        )
    )
    defaults = {"with_grant_option": FALSE}
    force_new = ("columns", "database", "object_type", "objects", "privileges", "role", "schema", "with_grant_option")
    unsupported = {"columns": None, "with_grant_option": FALSE}

    def validate(self, config: Value) -> Diagnostics:
        diags = super().validate(config)
        if config.is_null or not config.is_known:
            return diags
        ot = attr(config, "object_type")
        if not ot.is_known or ot.is_null:
            return diags
        kind = ot.as_str()
        if kind not in ALL_OBJECT_TYPES:
            diags.append(attribute_error("Invalid object_type", f"object_type must be one of {', '.join(ALL_OBJECT_TYPES)}; got {kind!r}.", Path.attr("object_type")))
            return diags
        if kind not in OBJECT_TYPES:
            diags.append(
                attribute_error(
                    "Argument not implemented",
                    f"sheath's native postgresql provider does not implement grants on {kind} objects yet (only {', '.join(OBJECT_TYPES)}).",
                    Path.attr("object_type"),
                )
            )
            return diags
        schema = attr(config, "schema")
        if kind in ("table", "sequence") and schema.is_known and schema.is_null:
            diags.append(attribute_error("Missing schema", f'"schema" is required for object_type {kind!r}.', Path.attr("schema")))
        objects = attr(config, "objects")
        if kind in ("database", "schema") and objects.is_known and strings(objects):
            diags.append(attribute_error("Invalid objects", f'"objects" cannot be set for object_type {kind!r}.', Path.attr("objects")))
        privs = attr(config, "privileges")
        if privs.is_known and not privs.is_null:
            for p in privs.elements():
                if p.is_known and not p.is_null and p.as_str().upper() not in (*PRIVILEGES[kind], "ALL"):
                    diags.append(
                        attribute_error("Invalid privilege", f"{p.as_str()!r} is not a privilege of {kind} objects ({', '.join(PRIVILEGES[kind])}).", Path.attr("privileges"))
                    )
        return diags

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        known = all(attr(v, n).is_known for n in ("role", "database", "schema", "object_type", "objects"))
        if not known:
            return v
        gid = grant_id(
            attr(v, "role").as_str(), attr(v, "database").as_str(), str_or_none(attr(v, "schema")), attr(v, "object_type").as_str(), strings(attr(v, "objects"))
        )
        return with_attrs(v, id=string_val(gid))

    def _target(self, v: Value) -> tuple[str, Any]:
        kind, schema, objects = attr(v, "object_type").as_str(), str_or_none(attr(v, "schema")), strings(attr(v, "objects"))
        if kind == "database":
            return kind, sql_text("DATABASE {}", ident(attr(v, "database").as_str()))
        if kind == "schema":
            return kind, sql_text("SCHEMA {}", ident(schema or ""))
        word = "TABLE" if kind == "table" else "SEQUENCE"
        if not objects:
            return kind, sql_text(f"ALL {word}S IN SCHEMA {{}}", ident(schema or ""))
        return kind, sql_text(word + " ") + sql_join(", ", [sql_text("{}.{}", ident(schema or ""), ident(o)) for o in sorted(objects)])

    def create(self, planned: Value) -> Value:
        kind, target = self._target(planned)
        role = grantee(attr(planned, "role").as_str())
        privs = sorted({p.upper() for p in strings(attr(planned, "privileges"))})
        stmts: list[Any] = [sql_text("REVOKE ALL PRIVILEGES ON ") + target + sql_text(" FROM {}", role)]
        if privs:
            stmts.append(sql_text("GRANT " + ", ".join("ALL PRIVILEGES" if p == "ALL" else p for p in privs) + " ON ") + target + sql_text(" TO {}", role))
        self.client.execute(stmts, database=self.database_of(planned))
        new = self.read_state(self.with_defaults(planned))
        return new if new is not None else planned

    def update(self, prior: Value, planned: Value) -> Value:
        return self.create(planned)  # every argument forces replacement: only defaults can differ

    def _held(self, v: Value) -> set[str] | None:
        kind, role = attr(v, "object_type").as_str(), attr(v, "role").as_str()
        schema, objects = str_or_none(attr(v, "schema")), strings(attr(v, "objects"))
        db = self.database_of(v)
        if kind == "database":
            return set(acl_privileges(self.client, "(SELECT datacl FROM pg_database WHERE datname = %s)", (db,), role, db))
        if kind == "schema":
            return set(acl_privileges(self.client, "(SELECT nspacl FROM pg_namespace WHERE nspname = %s)", (schema,), role, db))
        cond, cond_params = grantee_filter(role)
        rels = self.client.query(
            f"SELECT c.relname, ARRAY(SELECT a.privilege_type FROM aclexplode(c.relacl) a WHERE {cond})"
            f" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN {_RELKINDS[kind]}",
            (*cond_params, schema),
            database=db,
        )
        held = {str(name): set(privs) for name, privs in rels}
        names = objects or list(held)
        if not names:
            return None
        out: set[str] | None = None
        for n in names:
            p = held.get(n, set())
            out = p if out is None else out & p
        return out

    def read_state(self, prior: Value) -> Value | None:
        held = self._held(prior)
        if held is None:  # no objects of that kind: keep what was granted (nothing to read)
            return self.with_defaults(prior)
        configured = {p.upper() for p in strings(attr(prior, "privileges"))}
        changed = read_back_privileges(held, configured, attr(prior, "object_type").as_str())
        if changed is None:
            return self.with_defaults(prior)  # keep the configured spelling
        return with_attrs(self.with_defaults(prior), privileges=set_val([string_val(p) for p in sorted(changed)], STRING))

    def drop(self, prior: Value) -> None:
        _, target = self._target(prior)
        stmt = sql_text("REVOKE ALL PRIVILEGES ON ") + target + sql_text(" FROM {}", grantee(attr(prior, "role").as_str()))
        self.client.execute([stmt], database=self.database_of(prior))




class GrantRole(PgResource):
    """postgresql_grant_role: membership of ``role`` in ``grant_role`` (non-authoritative:
    other memberships of the role are left alone). Every argument forces replacement."""

    type_name = "postgresql_grant_role"
    schema = Schema(
        Block(
            {
                "grant_role": Attribute(STRING, required=True),
                "id": Attribute(STRING, optional=True, computed=True),
                "role": Attribute(STRING, required=True),
                "with_admin_option": Attribute(BOOL, optional=True),
            }
        )
    )
    defaults = {"with_admin_option": FALSE}
    force_new = ("grant_role", "role", "with_admin_option")

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        role, granted, admin = attr(v, "role"), attr(v, "grant_role"), attr(v, "with_admin_option")
        if not (role.is_known and granted.is_known and admin.is_known):
            return v
        return with_attrs(v, id=string_val(f"{role.as_str()}_{granted.as_str()}_{str(admin.as_bool()).lower()}"))

    def create(self, planned: Value) -> Value:
        role, granted = attr(planned, "role").as_str(), attr(planned, "grant_role").as_str()
        stmt = sql_text("GRANT {} TO {}", ident(granted), ident(role))
        if attr(planned, "with_admin_option").as_bool():
            stmt += sql_text(" WITH ADMIN OPTION")
        self.client.execute([stmt])
        return self.with_defaults(planned)

    def update(self, prior: Value, planned: Value) -> Value:
        return self.create(planned)

    def read_state(self, prior: Value) -> Value | None:
        rows = self.client.query(
            "SELECT m.admin_option FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid"
            " WHERE r.rolname = %s AND g.rolname = %s",
            (attr(prior, "role").as_str(), attr(prior, "grant_role").as_str()),
        )
        if not rows:
            return None
        return self.with_defaults(with_attrs(prior, with_admin_option=TRUE if any(r[0] for r in rows) else FALSE))

    def drop(self, prior: Value) -> None:
        stmt = sql_text("REVOKE {} FROM {}", ident(attr(prior, "grant_role").as_str()), ident(attr(prior, "role").as_str()))
        self.client.execute([stmt])


__all__ = ["PRIVILEGES", "Grant", "GrantRole", "acl_privileges", "grant_id", "grantee", "grantee_filter", "read_back_privileges"]
