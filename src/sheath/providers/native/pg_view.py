"""postgresql_view and postgresql_materialized_view: sheath's own view resources in the
native PostgreSQL provider (the community provider has none).

As with postgresql_table, the plan computes the exact DDL apply will run and shows it in
the computed ``ddl`` attribute (the state keeps the DDL of the last change); apply
recomputes it and refuses to run anything else, in one transaction. A new query that keeps
a view's columns (and may append some) is ``CREATE OR REPLACE VIEW``; any other new query,
and every new query of a materialized view, drops and creates the view in the same
transaction (an update whose ``ddl`` starts with the DROP). Another ``database`` replaces it.

Queries are compared by meaning: sheath creates the configured query as a temporary view
in a transaction it rolls back and compares pg_get_viewdef and the columns with those of
the view in the database. A respelling that means the same plans no change (the state
keeps the spelling it has). Refresh reads pg_class (pg_get_viewdef, reloptions, owner,
comment, columns) in one query per view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sheath.diag import Diagnostics
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    attribute_error,
)
from sheath.providers.native.pg_client import Client, PostgresError, error_diagnostics
from sheath.providers.native.pg_resources import PgResource, str_or_none, strings
from sheath.providers.native.pg_table import split_table_id, with_object_id
from sheath.providers.native.pg_table_ddl import MAX_IDENTIFIER
from sheath.providers.native.pg_view_ddl import (
    CHECK_OPTIONS,
    RECREATE,
    REPLACE,
    SAME,
    Privileges,
    Shape,
    View,
    change_statements,
    columns_clause,
    create_statements,
    drop_statement,
    query_body,
    replaceable,
)
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import attr, with_attrs
from sheath.types import BOOL, FALSE, STRING, TRUE, ListType, Value, list_val, null, string_val, unknown
from sheath.types.ops import raw_equal

_COMMON = {
    "columns": Attribute(ListType(STRING), optional=True),
    "comment": Attribute(STRING, optional=True),
    "database": Attribute(STRING, optional=True, computed=True),
    "ddl": Attribute(ListType(STRING), computed=True),
    "id": Attribute(STRING, computed=True),
    "name": Attribute(STRING, required=True),
    "owner": Attribute(STRING, optional=True, computed=True),
    "query": Attribute(STRING, required=True),
    "schema": Attribute(STRING, optional=True, computed=True),
}

VIEW_SCHEMA = Schema(
    Block(
        {
            **_COMMON,
            "check_option": Attribute(STRING, optional=True),
            "security_barrier": Attribute(BOOL, optional=True),
            "security_invoker": Attribute(BOOL, optional=True),
        }
    )
)

MATERIALIZED_VIEW_SCHEMA = Schema(
    Block(
        {
            **_COMMON,
            "tablespace": Attribute(STRING, optional=True),
            "with_data": Attribute(BOOL, optional=True),
        }
    )
)

_READ = """
SELECT pg_get_viewdef(c.oid, true), pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class'),
  coalesce(c.reloptions, '{{}}'), c.relispopulated, ts.spcname,
  ARRAY(SELECT json_build_array(a.attname, format_type(a.atttypid, a.atttypmod),
                                CASE WHEN a.attcollation <> t.typcollation THEN co.collname END)::text
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
  ARRAY(SELECT json_build_array(CASE WHEN g.grantee <> 0 THEN pg_get_userbyid(g.grantee) END,
                                array_agg(g.privilege_type ORDER BY g.privilege_type), g.is_grantable)::text
        FROM aclexplode(c.relacl) g WHERE g.grantee <> c.relowner
        GROUP BY g.grantee, g.is_grantable ORDER BY 1),
  (SELECT dts.spcname FROM pg_database d JOIN pg_tablespace dts ON dts.oid = d.dattablespace WHERE d.datname = current_database())
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
WHERE {where}
"""
_BY_NAME = "n.nspname = %s AND c.relname = %s AND c.relkind = %s"
_SCRATCH = "sheath_view_canonical"
_TRUE = ("true", "on", "yes", "1", "t", "y")


def _any(text: str) -> Any:
    return text


def _str_val(s: str | None) -> Value:
    return null(STRING) if s is None else string_val(s)


def _ddl(stmts: list[str]) -> Value:
    return list_val([string_val(s) for s in stmts], STRING)


# --- values <-> View -------------------------------------------------------------------------


def view_of(v: Value, materialized: bool) -> View:
    """The view a (wholly known, defaulted) object describes."""
    cols = attr(v, "columns")
    base = View(
        database=attr(v, "database").as_str(),
        schema=attr(v, "schema").as_str(),
        name=attr(v, "name").as_str(),
        query=attr(v, "query").as_str(),
        columns=None if cols.is_null else tuple(strings(cols)),
        materialized=materialized,
        owner=str_or_none(attr(v, "owner")),
        comment=str_or_none(attr(v, "comment")),
    )
    if materialized:
        return replace(base, with_data=attr(v, "with_data").v is not False, tablespace=str_or_none(attr(v, "tablespace")))
    return replace(
        base,
        check_option=str_or_none(attr(v, "check_option")),
        security_barrier=attr(v, "security_barrier").v is True,
        security_invoker=attr(v, "security_invoker").v is True,
    )


def view_value(view: View, base: Value) -> Value:
    """base (for ddl) with view's definition."""
    ddl = attr(base, "ddl")
    changes: dict[str, Value] = dict(
        database=string_val(view.database),
        schema=string_val(view.schema),
        name=string_val(view.name),
        query=string_val(view.query),
        columns=null(ListType(STRING)) if view.columns is None else list_val([string_val(c) for c in view.columns], STRING),
        owner=_str_val(view.owner),
        comment=_str_val(view.comment),
        id=string_val(view.display),
        ddl=ddl if ddl.is_known and not ddl.is_null else list_val([], STRING),
    )
    if view.materialized:
        changes.update(with_data=TRUE if view.with_data else FALSE, tablespace=_str_val(view.tablespace))
    else:
        changes.update(
            check_option=_str_val(view.check_option),
            security_barrier=TRUE if view.security_barrier else FALSE,
            security_invoker=TRUE if view.security_invoker else FALSE,
        )
    return with_attrs(base, **changes)


# --- the catalogs ----------------------------------------------------------------------------


def _shape_of(definition: str, columns: list[str]) -> Shape:
    cols = tuple((str(n), str(t), None if c is None else str(c)) for n, t, c in (json.loads(x) for x in columns))
    return Shape(query_body(definition), cols)


@dataclass(frozen=True)
class Found:
    """A view in the catalogs: its definition (the query is pg_get_viewdef's), its shape and
    the privileges others hold on it. The catalogs name no tablespace (view.tablespace is
    None) for the database's own, default_tablespace."""

    view: View
    shape: Shape
    grants: tuple[Privileges, ...]
    default_tablespace: str | None = None


def read_view(client: Client, database: str, schema: str, name: str, materialized: bool) -> Found | None:
    kind = "m" if materialized else "v"
    rows = client.query(_any(_READ.format(where=_BY_NAME)), (schema, name, kind), database=database)
    if not rows:
        return None
    definition, owner, comment, reloptions, populated, tablespace, columns, acl, default_tablespace = rows[0]
    shape = _shape_of(str(definition), list(columns))
    opts = dict(str(o).partition("=")[::2] for o in reloptions)
    check = opts.get("check_option")
    view = View(
        database=database,
        schema=schema,
        name=name,
        query=shape.definition,
        materialized=materialized,
        check_option=None if check is None else check.upper(),
        security_barrier=opts.get("security_barrier", "false").lower() in _TRUE,
        security_invoker=opts.get("security_invoker", "false").lower() in _TRUE,
        with_data=bool(populated),
        tablespace=None if tablespace is None else str(tablespace),
        owner=str(owner),
        comment=None if comment is None else str(comment),
    )
    grants = tuple(Privileges(g, tuple(str(p) for p in privs), bool(opt)) for g, privs, opt in (json.loads(x) for x in acl))
    return Found(view, shape, grants, None if default_tablespace is None else str(default_tablespace))


def canonical(client: Client, v: View) -> Shape | None:
    """v's query and columns as PostgreSQL reads them, from a temporary view created in a
    transaction that is rolled back; None when PostgreSQL cannot create it (an object it
    uses does not exist yet, or the query is wrong)."""
    import psycopg

    stmt = f"CREATE TEMPORARY VIEW {_SCRATCH}{columns_clause(v)} AS {query_body(v.query)}"
    where = f"c.oid = 'pg_temp.{_SCRATCH}'::regclass"
    with client.connection(v.database) as conn:
        try:
            with conn.transaction(force_rollback=True):
                conn.execute(_any(stmt))
                row = conn.execute(_any(_READ.format(where=where))).fetchone()
        except psycopg.Error:
            return None
    return None if row is None else _shape_of(str(row[0]), list(row[6]))


# --- the resource ----------------------------------------------------------------------------


class ViewResource(PgResource):
    """postgresql_view (materialized = False) and postgresql_materialized_view."""

    materialized = False

    @property
    def noun(self) -> str:
        return "materialized view" if self.materialized else "view"

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        if config.is_null or not config.is_known:
            return diags

        def error(name: str, detail: str) -> None:
            diags.append(attribute_error(f"Invalid {self.noun} definition", detail, Path.attr(name)))

        name = attr(config, "name")
        if name.is_known and not name.is_null and not 0 < len(name.as_str().encode()) <= MAX_IDENTIFIER:
            error("name", f"A {self.noun} name must have 1 to {MAX_IDENTIFIER} bytes (PostgreSQL would truncate it).")
        query = attr(config, "query")
        if query.is_known and not query.is_null and not query_body(query.as_str()):
            error("query", "query must be a SELECT (or VALUES) statement, not empty.")
        cols = attr(config, "columns")
        if cols.is_wholly_known() and not cols.is_null:
            names = [c.as_str() if not c.is_null else "" for c in cols.elements()]
            if not names or any(not n for n in names):
                error("columns", "columns must name one or more columns, none empty (omit it to use the query's names).")
            elif len(set(names)) != len(names):
                error("columns", "columns must not name a column twice.")
        if not self.materialized:
            check = attr(config, "check_option")
            if check.is_known and not check.is_null and check.as_str() not in CHECK_OPTIONS:
                error("check_option", f'check_option must be "LOCAL" or "CASCADED", not {check.as_str()!r}.')
        return diags

    def with_defaults(self, v: Value) -> Value:
        changes: dict[str, Value] = {}
        if attr(v, "database").is_null:
            changes["database"] = string_val(self.client.default_database())
        if attr(v, "schema").is_null:
            changes["schema"] = string_val("public")
        defaults = {"with_data": TRUE} if self.materialized else {"security_barrier": FALSE, "security_invoker": FALSE}
        for name, default in defaults.items():
            if attr(v, name).is_null:
                changes[name] = default
        v = with_attrs(v, **changes) if changes else v
        return with_object_id(v)

    def _view(self, v: Value) -> View:
        return view_of(v, self.materialized)

    def _change(self, old: View, new: View, planning: bool) -> tuple[str | None, list[str]]:
        """How the definition changes (SAME, REPLACE or RECREATE) and the statements of the
        update. While planning, the mode is None (and there are no statements) when it cannot
        be told yet: PostgreSQL cannot read the new query (it uses an object this apply
        creates); apply then recreates the view when PostgreSQL still cannot read it."""
        if old.query == new.query and old.columns == new.columns:
            return SAME, change_statements(old, new, SAME)
        new_shape = canonical(self.client, new)
        if new_shape is None and planning:
            return None, []
        found = read_view(self.client, old.database, old.schema, old.name, self.materialized)
        old_shape = found.shape if found is not None else canonical(self.client, old)
        grants = found.grants if found is not None else ()
        if new_shape is not None and old_shape == new_shape:
            new = replace(new, query=old.query, columns=old.columns)
            return SAME, change_statements(old, new, SAME)
        if not self.materialized and old_shape is not None and new_shape is not None and replaceable(old_shape, new_shape):
            return REPLACE, change_statements(old, new, REPLACE)
        return RECREATE, change_statements(old, new, RECREATE, grants)

    def plan_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:
            resp.planned_state = proposed
            return resp
        planned = self.with_defaults(proposed)
        prior = req.prior_state
        if not prior.is_null and not raw_equal(attr(prior, "database"), attr(planned, "database")):
            resp.requires_replace.append(Path.attr("database"))
        creating = prior.is_null or bool(resp.requires_replace)
        if creating and attr(req.config, "owner").is_null:
            planned = with_attrs(planned, owner=unknown(STRING))
        if not all(attr(planned, k).is_wholly_known() for k in planned.attrs() if k not in ("owner", "ddl", "id")):
            resp.planned_state = with_attrs(planned, ddl=unknown(ListType(STRING)))
            return resp
        if creating:
            resp.planned_state = with_attrs(planned, ddl=_ddl(create_statements(self._view(planned))))
            return resp
        mode, stmts = self._change(self._view(prior), self._view(planned), planning=True)
        if mode == SAME:  # (a respelling: the state's spelling stays)
            planned = with_attrs(planned, query=attr(prior, "query"), columns=attr(prior, "columns"))
        if mode is None:
            resp.planned_state = with_attrs(planned, ddl=unknown(ListType(STRING)))
            return resp
        resp.planned_state = with_attrs(planned, ddl=_ddl(stmts) if stmts else attr(prior, "ddl"))
        return resp

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        try:
            return self._apply(req)
        except PostgresError as exc:
            return ApplyResourceChangeResponse(diagnostics=error_diagnostics(f"Error applying {self.type_name}", exc))

    def _apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        planned, prior = req.planned_state, req.prior_state
        new = self._view(planned)
        if prior.is_null:
            stmts = create_statements(new)
        else:
            stmts = self._change(self._view(prior), new, planning=False)[1]
        planned_ddl = attr(planned, "ddl")
        if stmts and planned_ddl.is_wholly_known() and strings(planned_ddl) != stmts:
            diags = Diagnostics()
            diags.add_error(
                f"The {self.noun} changed since the plan",
                f"{new.display}: the DDL to run is no longer the DDL the plan showed; plan again.\nplanned:\n  "
                + "\n  ".join(strings(planned_ddl)) + "\nnow:\n  " + "\n  ".join(stmts),
            )
            return ApplyResourceChangeResponse(diagnostics=diags)
        if stmts:
            self.client.execute(stmts, database=new.database)
        found = read_view(self.client, new.database, new.schema, new.name, self.materialized)
        if found is None:
            raise PostgresError(f"{self.noun} {new.display} cannot be read back")
        ddl = _ddl(stmts) if stmts else attr(prior, "ddl") if not prior.is_null else list_val([], STRING)
        state = with_attrs(planned, owner=string_val(found.view.owner or ""), ddl=ddl)
        return ApplyResourceChangeResponse(new_state=state, private=req.planned_private)

    def read_state(self, prior: Value) -> Value | None:
        p = self._view(self.with_defaults(prior))
        found = read_view(self.client, p.database, p.schema, p.name, self.materialized)
        if found is None:
            return None
        view, shape = found.view, found.shape
        if query_body(p.query) == shape.definition or canonical(self.client, p) == shape:
            view = replace(view, query=p.query, columns=p.columns)  # as written
        elif p.columns is not None:
            view = replace(view, columns=tuple(c[0] for c in shape.columns))
        if view.tablespace is None and p.tablespace is not None and p.tablespace == found.default_tablespace:
            view = replace(view, tablespace=p.tablespace)  # (PostgreSQL stores the database's own as none)
        return view_value(view, prior)

    def drop(self, prior: Value) -> None:
        v = self._view(self.with_defaults(prior))
        self.client.execute([drop_statement(v, if_exists=True)], database=v.database)

    def import_id(self, id: str) -> Value | None:
        parts = split_table_id(id)
        if parts is None:
            raise PostgresError(f'invalid import id {id!r}: expected "<database>.<schema>.<{self.noun.replace(" ", "_")}>"')
        found = read_view(self.client, *parts, self.materialized)
        return None if found is None else view_value(found.view, self.schema.block.empty_value())


class PgView(ViewResource):
    type_name = "postgresql_view"
    schema = VIEW_SCHEMA
    materialized = False


class PgMaterializedView(ViewResource):
    type_name = "postgresql_materialized_view"
    schema = MATERIALIZED_VIEW_SCHEMA
    materialized = True


__all__ = ["Found", "MATERIALIZED_VIEW_SCHEMA", "PgMaterializedView", "PgView", "VIEW_SCHEMA", "canonical", "read_view", "view_of", "view_value"]
