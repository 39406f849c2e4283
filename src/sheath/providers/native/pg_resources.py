"""Resources of the native PostgreSQL provider (cyrilgdn/postgresql's names, arguments,
defaults, ids and import ids): postgresql_role, postgresql_database, postgresql_schema,
postgresql_extension.

Every resource refreshes from pg_catalog, so changes made outside sheath show as drift.
Arguments the community provider has but sheath does not implement yet are in the schema
(so configurations decode) and refused by validate when set to anything but their default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sheath.diag import Diagnostics
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    ReadResourceRequest,
    ReadResourceResponse,
    attribute_error,
)
from sheath.providers.native.pg_client import Client, PostgresError, error_diagnostics
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import ResourceType, attr, with_attrs
from sheath.types import BOOL, FALSE, NUMBER, STRING, TRUE, ListType, Number, SetType, Value, null, set_val, string_val, unknown
from sheath.types.ops import raw_equal


def planned_allow_data_loss(req: PlanResourceChangeRequest) -> Value:
    """allow_data_loss as configured: a non-computed argument is planned as the configuration
    says (sheath's -allow-data-loss relies on it: the engine puts the configured value back in
    the planned and new state). A state written when an unset argument was planned false
    keeps false, so it plans no change."""
    config = req.config
    c = attr(config, "allow_data_loss") if config.is_known and not config.is_null else null(BOOL)
    prior = req.prior_state
    if c.is_null and not prior.is_null and prior.is_known and attr(prior, "allow_data_loss").v is False:
        return FALSE
    return c


def num(i: int) -> Value:
    return Value(NUMBER, Number.from_int(i))


def as_int(v: Value) -> int:
    n = v.v
    assert isinstance(n, Number)
    return n.to_int()


def str_or_none(v: Value) -> str | None:
    return None if v.is_null or not v.is_known else v.as_str()


def strings(v: Value) -> list[str]:
    return [] if v.is_null or not v.is_known else [e.as_str() for e in v.elements()]


def ident(name: str) -> Any:
    from psycopg import sql

    return sql.Identifier(name)


def literal(value: object) -> Any:
    from psycopg import sql

    return sql.Literal(value)


def sql_text(text: str, *args: Any) -> Any:
    from psycopg import sql

    return sql.SQL(text).format(*args)


def sql_join(sep: str, parts: Iterable[Any]) -> Any:
    from psycopg import sql

    return sql.SQL(sep).join(list(parts))


class PgResource(ResourceType):
    """Plan with defaults and replacement; apply/read/import through the catalog.

    Subclasses set ``schema``, ``defaults`` (optional attributes with a default),
    ``force_new`` and ``unsupported`` (argument -> the only accepted value, None for null),
    and implement create, update, read_state, delete and import_state."""

    defaults: Mapping[str, Value] = {}
    force_new: tuple[str, ...] = ()
    unsupported: Mapping[str, Value | None] = {}

    def __init__(self, client: Client) -> None:
        self.client = client

    def replace_attributes(self) -> Iterable[str]:
        return self.force_new

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        if config.is_null or not config.is_known:
            return diags
        for name, accepted in self.unsupported.items():
            v = attr(config, name)
            if v.is_null or not v.is_known:
                continue
            if accepted is not None and raw_equal(v, accepted):
                continue
            diags.append(
                attribute_error(
                    "Argument not implemented",
                    f"sheath's native postgresql provider does not implement {name!r} yet"
                    + ("" if accepted is None else " (only its default is accepted)")
                    + "; remove it, or use the community provider's binary from a mirror.",
                    Path.attr(name),
                )
            )
        return diags

    def with_defaults(self, v: Value) -> Value:
        changes = {k: d for k, d in self.defaults.items() if attr(v, k).is_null}
        return with_attrs(v, **changes) if changes else v

    def plan(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        try:
            return self.plan_change(req)
        except PostgresError as exc:
            return PlanResourceChangeResponse(diagnostics=error_diagnostics(f"Error planning {self.type_name}", exc))

    def plan_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:
            resp.planned_state = proposed
            return resp
        proposed = self.with_defaults(proposed)
        block = self.schema.block
        cfg = req.config.attrs() if req.config.is_known and not req.config.is_null else {}
        recreate = req.prior_state.is_null
        if not recreate:
            prior = req.prior_state.attrs()
            for name in self.force_new:
                if not raw_equal(prior[name], attr(proposed, name)):
                    resp.requires_replace.append(Path.attr(name))
            recreate = bool(resp.requires_replace)
        if recreate:
            changes: dict[str, Value] = {}
            for name, a in block.attributes.items():
                c = cfg.get(name)
                if a.computed and (c is None or c.is_null) and name not in self.defaults:
                    changes[name] = unknown(a.implied_type())
            proposed = with_attrs(proposed, **changes)
        resp.planned_state = proposed
        return resp

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        try:
            if req.prior_state.is_null:
                new = self.create(req.planned_state)
            else:
                new = self.update(req.prior_state, req.planned_state)
        except PostgresError as exc:
            return ApplyResourceChangeResponse(diagnostics=error_diagnostics(f"Error applying {self.type_name}", exc))
        return ApplyResourceChangeResponse(new_state=new, private=req.planned_private)

    def read(self, req: ReadResourceRequest) -> ReadResourceResponse:
        try:
            new = self.read_state(req.prior_state)
        except PostgresError as exc:
            return ReadResourceResponse(diagnostics=error_diagnostics(f"Error reading {self.type_name}", exc))
        if new is None:
            new = null(self.schema.block.implied_type())
        return ReadResourceResponse(new_state=new, private=req.private)

    def delete(self, prior_state: Value) -> Diagnostics:
        try:
            self.drop(prior_state)
        except PostgresError as exc:
            return error_diagnostics(f"Error deleting {self.type_name}", exc)
        return Diagnostics()

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        diags = Diagnostics()
        try:
            v = self.import_id(id)
        except PostgresError as exc:
            return None, error_diagnostics(f"Error importing {self.type_name}", exc)
        if v is None:
            diags.add_error("Cannot import non-existent remote object", f"{self.type_name} {id!r} does not exist.")
        return v, diags

    type_name = ""

    def create(self, planned: Value) -> Value:
        raise NotImplementedError

    def update(self, prior: Value, planned: Value) -> Value:
        raise NotImplementedError

    def read_state(self, prior: Value) -> Value | None:
        raise NotImplementedError

    def drop(self, prior: Value) -> None:
        raise NotImplementedError

    def import_id(self, id: str) -> Value | None:
        raise NotImplementedError

    def membership_for(self, role: str | None) -> list[Any]:
        """Without superuser (superuser = false), the connected user must be a member of a role
        to give it objects or to reassign what it owns: grant that membership first."""
        if not role or self.client.superuser():
            return []
        return [sql_text("GRANT {} TO CURRENT_USER", ident(role))]

    def database_of(self, v: Value) -> str:
        return str_or_none(attr(v, "database")) or self.client.default_database()


# --- postgresql_role ----------------------------------------------------------------------

_ROLE_FLAGS = {  # attribute -> (pg_roles column, CREATE ROLE keyword)
    "superuser": ("rolsuper", "SUPERUSER"),
    "create_database": ("rolcreatedb", "CREATEDB"),
    "create_role": ("rolcreaterole", "CREATEROLE"),
    "inherit": ("rolinherit", "INHERIT"),
    "login": ("rolcanlogin", "LOGIN"),
    "replication": ("rolreplication", "REPLICATION"),
    "bypass_row_level_security": ("rolbypassrls", "BYPASSRLS"),
}


class Role(PgResource):
    type_name = "postgresql_role"
    schema = Schema(
        Block(
            {
                "assume_role": Attribute(STRING, optional=True),
                "bypass_row_level_security": Attribute(BOOL, optional=True),
                "connection_limit": Attribute(NUMBER, optional=True),
                "create_database": Attribute(BOOL, optional=True),
                "create_role": Attribute(BOOL, optional=True),
                "encrypted": Attribute(STRING, optional=True, deprecated=True),
                "encrypted_password": Attribute(BOOL, optional=True),
                "id": Attribute(STRING, optional=True, computed=True),
                "idle_in_transaction_session_timeout": Attribute(NUMBER, optional=True),
                "inherit": Attribute(BOOL, optional=True),
                "login": Attribute(BOOL, optional=True),
                "name": Attribute(STRING, required=True),
                "password": Attribute(STRING, optional=True, sensitive=True),
                "replication": Attribute(BOOL, optional=True),
                "roles": Attribute(SetType(STRING), optional=True),
                "search_path": Attribute(ListType(STRING), optional=True),
                "skip_drop_role": Attribute(BOOL, optional=True),
                "skip_reassign_owned": Attribute(BOOL, optional=True),
                "statement_timeout": Attribute(NUMBER, optional=True),
                "superuser": Attribute(BOOL, optional=True),
                "valid_until": Attribute(STRING, optional=True),
            }
        )
    )
    defaults = {
        "bypass_row_level_security": FALSE,
        "connection_limit": num(-1),
        "create_database": FALSE,
        "create_role": FALSE,
        "encrypted_password": TRUE,
        "idle_in_transaction_session_timeout": num(0),
        "inherit": TRUE,
        "login": FALSE,
        "replication": FALSE,
        "skip_drop_role": FALSE,
        "skip_reassign_owned": FALSE,
        "statement_timeout": num(0),
        "superuser": FALSE,
        "valid_until": string_val("infinity"),
    }
    unsupported = {
        "assume_role": None,
        "encrypted": None,
        "encrypted_password": TRUE,
        "idle_in_transaction_session_timeout": num(0),
        "statement_timeout": num(0),
    }

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        changes: dict[str, Value] = {}
        if attr(v, "roles").is_null:
            changes["roles"] = set_val([], STRING)
        if attr(v, "search_path").is_null:
            changes["search_path"] = Value(ListType(STRING), ())
        changes["id"] = attr(v, "name")  # a rename changes the id
        return with_attrs(v, **changes) if changes else v

    def _options(self, v: Value, password: bool = True) -> list[Any]:
        parts: list[Any] = []
        for name, (_, kw) in _ROLE_FLAGS.items():
            parts.append(sql_text(kw if attr(v, name).as_bool() else "NO" + kw))
        parts.append(sql_text("CONNECTION LIMIT {}", literal(as_int(attr(v, "connection_limit")))))
        pw = str_or_none(attr(v, "password"))
        if password:
            parts.append(sql_text("ENCRYPTED PASSWORD {}", literal(pw)) if pw else sql_text("PASSWORD NULL"))
        parts.append(sql_text("VALID UNTIL {}", literal(attr(v, "valid_until").as_str())))
        return parts

    def _settings_statements(self, name: str, v: Value) -> list[Any]:
        path = strings(attr(v, "search_path"))
        if path:
            return [sql_text("ALTER ROLE {} SET search_path TO {}", ident(name), sql_join(", ", [ident(p) for p in path]))]
        return [sql_text("ALTER ROLE {} RESET search_path", ident(name))]

    def create(self, planned: Value) -> Value:
        name = attr(planned, "name").as_str()
        stmts: list[Any] = [sql_text("CREATE ROLE {} WITH ", ident(name)) + sql_join(" ", self._options(planned))]
        stmts += [sql_text("GRANT {} TO {}", ident(r), ident(name)) for r in sorted(strings(attr(planned, "roles")))]
        stmts += self._settings_statements(name, planned)
        self.client.execute(stmts)
        return with_attrs(planned, id=string_val(name))

    def update(self, prior: Value, planned: Value) -> Value:
        old, name = attr(prior, "name").as_str(), attr(planned, "name").as_str()
        stmts: list[Any] = []
        if old != name:
            stmts.append(sql_text("ALTER ROLE {} RENAME TO {}", ident(old), ident(name)))
        password_changed = not raw_equal(attr(prior, "password"), attr(planned, "password"))  # else left as it is
        stmts.append(sql_text("ALTER ROLE {} WITH ", ident(name)) + sql_join(" ", self._options(planned, password_changed)))
        have, want = set(strings(attr(prior, "roles"))), set(strings(attr(planned, "roles")))
        stmts += [sql_text("REVOKE {} FROM {}", ident(r), ident(name)) for r in sorted(have - want)]
        stmts += [sql_text("GRANT {} TO {}", ident(r), ident(name)) for r in sorted(want - have)]
        stmts += self._settings_statements(name, planned)
        self.client.execute(stmts)
        return with_attrs(planned, id=string_val(name))

    def read_state(self, prior: Value) -> Value | None:
        name = attr(prior, "id").as_str() if not attr(prior, "id").is_null else attr(prior, "name").as_str()
        prior_until = str_or_none(attr(prior, "valid_until")) or "infinity"
        row = self.client.snapshot(self.client.default_database(), "roles", self._read_roles).get(name)
        if row is None:
            return None
        n = len(_ROLE_FLAGS)
        until, until_null = str(row[n + 1]), bool(row[n + 2])
        if until_null and prior_until == "infinity" or until == prior_until:
            until = prior_until
        elif not until_null:  # the same time spelled otherwise? PostgreSQL compares them
            same = self.client.query("SELECT %s::timestamptz = %s::timestamptz", (until, prior_until))
            until = prior_until if same and same[0][0] else until
        changes: dict[str, Value] = {k: TRUE if row[i] else FALSE for i, k in enumerate(_ROLE_FLAGS)}
        changes["connection_limit"] = num(int(row[n]))
        changes["valid_until"] = string_val(until)
        path: list[str] = []
        for setting in row[n + 3]:
            key, _, value = str(setting).partition("=")
            if key == "search_path":
                path = [p.strip().strip('"') for p in value.split(",") if p.strip()]
        changes["search_path"] = Value(ListType(STRING), tuple(string_val(p) for p in path))
        changes["roles"] = set_val([string_val(r) for r in row[n + 4]], STRING)
        changes["name"] = string_val(name)
        changes["id"] = string_val(name)
        return with_attrs(self.with_defaults(prior), **changes)

    def _read_roles(self) -> dict[str, tuple[Any, ...]]:
        """Every role, by name, in one query (shared by the refresh of all postgresql_role)."""
        cols = ", ".join(c for c, _ in _ROLE_FLAGS.values())
        rows = self.client.query(
            f"SELECT rolname, {cols}, rolconnlimit, coalesce(rolvaliduntil::text, 'infinity'), rolvaliduntil IS NULL,"
            " coalesce(rolconfig, '{}'),"
            " ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)"
            " FROM pg_roles r"
        )
        return {str(r[0]): tuple(r[1:]) for r in rows}

    def drop(self, prior: Value) -> None:
        if attr(prior, "skip_drop_role").is_known and attr(prior, "skip_drop_role").v is True:
            return
        name = attr(prior, "name").as_str()
        stmts: list[Any] = []
        if not (attr(prior, "skip_reassign_owned").v is True):
            stmts += self.membership_for(name)
            stmts += [
                sql_text("REASSIGN OWNED BY {} TO CURRENT_USER", ident(name)),
                sql_text("DROP OWNED BY {}", ident(name)),
            ]
        stmts.append(sql_text("DROP ROLE {}", ident(name)))
        self.client.execute(stmts)

    def import_id(self, id: str) -> Value | None:
        v = with_attrs(self.schema.block.empty_value(), id=string_val(id), name=string_val(id))
        return self.read_state(v)


# --- postgresql_database ------------------------------------------------------------------


class Database(PgResource):
    type_name = "postgresql_database"
    schema = Schema(
        Block(
            {
                "allow_connections": Attribute(BOOL, optional=True),
                "alter_object_ownership": Attribute(BOOL, optional=True),
                "connection_limit": Attribute(NUMBER, optional=True),
                "encoding": Attribute(STRING, optional=True, computed=True),
                "id": Attribute(STRING, optional=True, computed=True),
                "is_template": Attribute(BOOL, optional=True, computed=True),
                "lc_collate": Attribute(STRING, optional=True, computed=True),
                "lc_ctype": Attribute(STRING, optional=True, computed=True),
                "name": Attribute(STRING, required=True),
                "owner": Attribute(STRING, optional=True, computed=True),
                "tablespace_name": Attribute(STRING, optional=True, computed=True),
                "template": Attribute(STRING, optional=True, computed=True),
            }
        )
    )
    defaults = {"allow_connections": TRUE, "alter_object_ownership": FALSE, "connection_limit": num(-1)}
    force_new = ("encoding", "lc_collate", "lc_ctype", "template")
    unsupported = {"alter_object_ownership": FALSE}

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        return with_attrs(v, id=attr(v, "name"))  # a rename changes the id

    def create(self, planned: Value) -> Value:
        name = attr(planned, "name").as_str()
        parts: list[Any] = [sql_text("CREATE DATABASE {}", ident(name))]
        owner = str_or_none(attr(planned, "owner"))
        if owner:
            parts.append(sql_text("OWNER {}", ident(owner)))
            self.client.execute(self.membership_for(owner))
        template = str_or_none(attr(planned, "template")) or "template0"
        parts.append(sql_text("TEMPLATE DEFAULT") if template.upper() == "DEFAULT" else sql_text("TEMPLATE {}", ident(template)))
        for attr_name, kw, default in (("encoding", "ENCODING", "UTF8"), ("lc_collate", "LC_COLLATE", "C"), ("lc_ctype", "LC_CTYPE", "C")):
            value = str_or_none(attr(planned, attr_name)) or default
            parts.append(sql_text(kw + " DEFAULT") if value.upper() == "DEFAULT" else sql_text(kw + " {}", literal(value)))
        ts = str_or_none(attr(planned, "tablespace_name"))
        if ts:
            parts.append(sql_text("TABLESPACE {}", ident(ts)))
        parts.append(sql_text("CONNECTION LIMIT {}", literal(as_int(attr(planned, "connection_limit")))))
        parts.append(sql_text("ALLOW_CONNECTIONS {}", literal(attr(planned, "allow_connections").as_bool())))
        is_template = attr(planned, "is_template")
        if is_template.is_known and not is_template.is_null:
            parts.append(sql_text("IS_TEMPLATE {}", literal(is_template.as_bool())))
        self.client.execute([sql_join(" ", parts)], transaction=False)
        new = self.read_state(with_attrs(planned, id=string_val(name), template=string_val(template)))
        if new is None:
            raise PostgresError(f"database {name!r} was created but cannot be read back")
        return new

    def update(self, prior: Value, planned: Value) -> Value:
        old, name = attr(prior, "name").as_str(), attr(planned, "name").as_str()
        stmts: list[Any] = []
        if old != name:
            stmts.append(sql_text("ALTER DATABASE {} RENAME TO {}", ident(old), ident(name)))
            self.client.discard(old)
        owner = attr(planned, "owner")
        if owner.is_known and not owner.is_null and not raw_equal(owner, attr(prior, "owner")):
            stmts += self.membership_for(owner.as_str())
            stmts.append(sql_text("ALTER DATABASE {} OWNER TO {}", ident(name), ident(owner.as_str())))
        ts = attr(planned, "tablespace_name")
        if ts.is_known and not ts.is_null and not raw_equal(ts, attr(prior, "tablespace_name")):
            stmts.append(sql_text("ALTER DATABASE {} SET TABLESPACE {}", ident(name), ident(ts.as_str())))
        opts = [
            sql_text("CONNECTION LIMIT {}", literal(as_int(attr(planned, "connection_limit")))),
            sql_text("ALLOW_CONNECTIONS {}", literal(attr(planned, "allow_connections").as_bool())),
        ]
        is_template = attr(planned, "is_template")
        if is_template.is_known and not is_template.is_null:
            opts.append(sql_text("IS_TEMPLATE {}", literal(is_template.as_bool())))
        stmts.append(sql_text("ALTER DATABASE {} WITH ", ident(name)) + sql_join(" ", opts))
        self.client.execute(stmts, transaction=False)
        new = self.read_state(with_attrs(planned, id=string_val(name)))
        if new is None:
            raise PostgresError(f"database {name!r} cannot be read back after update")
        return new

    def read_state(self, prior: Value) -> Value | None:
        name = str_or_none(attr(prior, "id")) or attr(prior, "name").as_str()
        rows = self.client.query(
            "SELECT pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,"
            " d.datconnlimit, d.datallowconn, d.datistemplate, t.spcname"
            " FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = %s",
            (name,),
        )
        if not rows:
            return None
        owner, encoding, collate, ctype, connlimit, allowconn, istemplate, spc = rows[0]
        template = str_or_none(attr(prior, "template")) or "template0"
        return with_attrs(
            self.with_defaults(prior),
            id=string_val(name),
            name=string_val(name),
            owner=string_val(owner),
            encoding=string_val(encoding),
            lc_collate=string_val(collate),
            lc_ctype=string_val(ctype),
            connection_limit=num(int(connlimit)),
            allow_connections=TRUE if allowconn else FALSE,
            is_template=TRUE if istemplate else FALSE,
            tablespace_name=string_val(spc),
            template=string_val(template),
        )

    def drop(self, prior: Value) -> None:
        name = attr(prior, "name").as_str()
        stmts: list[Any] = []
        if attr(prior, "is_template").v is True:
            stmts.append(sql_text("ALTER DATABASE {} IS_TEMPLATE false", ident(name)))
        stmts.append(sql_text("DROP DATABASE {}", ident(name)))
        self.client.discard(name)
        self.client.execute(stmts, transaction=False)

    def import_id(self, id: str) -> Value | None:
        return self.read_state(with_attrs(self.schema.block.empty_value(), id=string_val(id), name=string_val(id)))


# --- postgresql_schema --------------------------------------------------------------------


def split_id(id: str) -> tuple[str, str] | None:
    db, dot, rest = id.partition(".")
    return (db, rest) if dot and db and rest else None


class SchemaResource(PgResource):
    type_name = "postgresql_schema"
    schema = Schema(
        Block(
            {
                "database": Attribute(STRING, optional=True, computed=True),
                "drop_cascade": Attribute(BOOL, optional=True),
                "id": Attribute(STRING, optional=True, computed=True),
                "if_not_exists": Attribute(BOOL, optional=True),
                "name": Attribute(STRING, required=True),
                "owner": Attribute(STRING, optional=True, computed=True),
            }
        )
    )
    defaults = {"drop_cascade": FALSE, "if_not_exists": TRUE}
    force_new = ("database",)

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        if attr(v, "database").is_null:
            v = with_attrs(v, database=string_val(self.client.default_database()))
        db, name = attr(v, "database"), attr(v, "name")
        if db.is_known and name.is_known and not name.is_null:
            v = with_attrs(v, id=string_val(f"{db.as_str()}.{name.as_str()}"))
        return v

    def create(self, planned: Value) -> Value:
        db, name = self.database_of(planned), attr(planned, "name").as_str()
        exists = "IF NOT EXISTS " if attr(planned, "if_not_exists").as_bool() else ""
        stmt = sql_text("CREATE SCHEMA " + exists + "{}", ident(name))
        owner = str_or_none(attr(planned, "owner"))
        stmts: list[Any] = [stmt]
        if owner:
            stmts += self.membership_for(owner)
            stmts.append(sql_text("ALTER SCHEMA {} OWNER TO {}", ident(name), ident(owner)))
        self.client.execute(stmts, database=db)
        return self._read_or_fail(planned, db, name)

    def _read_or_fail(self, planned: Value, db: str, name: str) -> Value:
        new = self.read_state(with_attrs(planned, database=string_val(db), id=string_val(f"{db}.{name}")))
        if new is None:
            raise PostgresError(f"schema {name!r} in database {db!r} cannot be read back")
        return new

    def update(self, prior: Value, planned: Value) -> Value:
        db, old, name = self.database_of(planned), attr(prior, "name").as_str(), attr(planned, "name").as_str()
        stmts: list[Any] = []
        if old != name:
            stmts.append(sql_text("ALTER SCHEMA {} RENAME TO {}", ident(old), ident(name)))
        owner = attr(planned, "owner")
        if owner.is_known and not owner.is_null and not raw_equal(owner, attr(prior, "owner")):
            stmts += self.membership_for(owner.as_str())
            stmts.append(sql_text("ALTER SCHEMA {} OWNER TO {}", ident(name), ident(owner.as_str())))
        if stmts:
            self.client.execute(stmts, database=db)
        return self._read_or_fail(planned, db, name)

    def read_state(self, prior: Value) -> Value | None:
        db, name = self.database_of(prior), attr(prior, "name").as_str()
        rows = self.client.query("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = %s", (name,), database=db)
        if not rows:
            return None
        return with_attrs(
            self.with_defaults(prior), database=string_val(db), owner=string_val(rows[0][0]), id=string_val(f"{db}.{name}")
        )

    def drop(self, prior: Value) -> None:
        cascade = " CASCADE" if attr(prior, "drop_cascade").v is True else " RESTRICT"
        stmt = sql_text("DROP SCHEMA {}" + cascade, ident(attr(prior, "name").as_str()))
        self.client.execute([stmt], database=self.database_of(prior))

    def import_id(self, id: str) -> Value | None:
        parts = split_id(id)
        if parts is None:
            raise PostgresError(f'invalid import id {id!r}: expected "<database>.<schema>"')
        v = with_attrs(self.schema.block.empty_value(), database=string_val(parts[0]), name=string_val(parts[1]))
        return self.read_state(v)


# --- postgresql_extension -----------------------------------------------------------------


class Extension(PgResource):
    type_name = "postgresql_extension"
    schema = Schema(
        Block(
            {
                "create_cascade": Attribute(BOOL, optional=True),
                "database": Attribute(STRING, optional=True, computed=True),
                "drop_cascade": Attribute(BOOL, optional=True),
                "id": Attribute(STRING, optional=True, computed=True),
                "name": Attribute(STRING, required=True),
                "schema": Attribute(STRING, optional=True, computed=True),
                "version": Attribute(STRING, optional=True, computed=True),
            }
        )
    )
    defaults = {"create_cascade": FALSE, "drop_cascade": FALSE}
    force_new = ("database", "name")

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        if attr(v, "database").is_null:
            v = with_attrs(v, database=string_val(self.client.default_database()))
        db, name = attr(v, "database"), attr(v, "name")
        if db.is_known and name.is_known and not name.is_null:
            v = with_attrs(v, id=string_val(f"{db.as_str()}.{name.as_str()}"))
        return v

    def create(self, planned: Value) -> Value:
        db, name = self.database_of(planned), attr(planned, "name").as_str()
        stmt = sql_text("CREATE EXTENSION IF NOT EXISTS {}", ident(name))
        schema, version = str_or_none(attr(planned, "schema")), str_or_none(attr(planned, "version"))
        if schema:
            stmt += sql_text(" SCHEMA {}", ident(schema))
        if version:
            stmt += sql_text(" VERSION {}", literal(version))
        if attr(planned, "create_cascade").as_bool():
            stmt += sql_text(" CASCADE")
        self.client.execute([stmt], database=db)
        return self._read_or_fail(planned, db, name)

    def _read_or_fail(self, planned: Value, db: str, name: str) -> Value:
        new = self.read_state(with_attrs(planned, database=string_val(db), id=string_val(f"{db}.{name}")))
        if new is None:
            raise PostgresError(f"extension {name!r} in database {db!r} cannot be read back")
        return new

    def update(self, prior: Value, planned: Value) -> Value:
        db, name = self.database_of(planned), attr(planned, "name").as_str()
        stmts: list[Any] = []
        schema, version = attr(planned, "schema"), attr(planned, "version")
        if schema.is_known and not schema.is_null and not raw_equal(schema, attr(prior, "schema")):
            stmts.append(sql_text("ALTER EXTENSION {} SET SCHEMA {}", ident(name), ident(schema.as_str())))
        if version.is_known and not version.is_null and not raw_equal(version, attr(prior, "version")):
            stmts.append(sql_text("ALTER EXTENSION {} UPDATE TO {}", ident(name), literal(version.as_str())))
        if stmts:
            self.client.execute(stmts, database=db)
        return self._read_or_fail(planned, db, name)

    def read_state(self, prior: Value) -> Value | None:
        db, name = self.database_of(prior), attr(prior, "name").as_str()
        rows = self.client.query(
            "SELECT n.nspname, e.extversion FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = %s",
            (name,),
            database=db,
        )
        if not rows:
            return None
        return with_attrs(
            self.with_defaults(prior),
            database=string_val(db),
            schema=string_val(rows[0][0]),
            version=string_val(rows[0][1]),
            id=string_val(f"{db}.{name}"),
        )

    def drop(self, prior: Value) -> None:
        cascade = " CASCADE" if attr(prior, "drop_cascade").v is True else ""
        stmt = sql_text("DROP EXTENSION IF EXISTS {}" + cascade, ident(attr(prior, "name").as_str()))
        self.client.execute([stmt], database=self.database_of(prior))

    def import_id(self, id: str) -> Value | None:
        parts = split_id(id)
        if parts is None:
            raise PostgresError(f'invalid import id {id!r}: expected "<database>.<extension>"')
        v = with_attrs(self.schema.block.empty_value(), database=string_val(parts[0]), name=string_val(parts[1]))
        return self.read_state(v)


def resources(client: Client) -> dict[str, ResourceType]:
    return {
        "postgresql_database": Database(client),
        "postgresql_extension": Extension(client),
        "postgresql_role": Role(client),
        "postgresql_schema": SchemaResource(client),
    }


__all__ = ["Database", "Extension", "Role", "SchemaResource", "resources"]
