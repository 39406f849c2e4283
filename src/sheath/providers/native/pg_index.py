"""postgresql_index: sheath's own index resource in the native PostgreSQL provider.

As with postgresql_table, the plan computes the exact DDL apply will run and shows it in
the computed ``ddl`` attribute (the state keeps the DDL of the last change). Every change
to the definition replaces the index; a new name is ``ALTER INDEX … RENAME TO``, in place.
With ``concurrently``, CREATE and DROP run CONCURRENTLY, outside a transaction.

Refresh reads pg_index (with pg_class, pg_am, pg_attribute and pg_get_indexdef) in one
query, so an index dropped or changed by hand shows as drift. Expressions and predicates
are compared in PostgreSQL's own spelling, obtained by creating the index on an empty
temporary copy of the table in a transaction that is rolled back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
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
from sheath.providers.native.pg_index_ddl import (
    COLUMN,
    EXPRESSION,
    Index,
    Shape,
    change_statements,
    create_statement,
    drop_statement,
)
from sheath.providers.native.pg_resources import PgResource, str_or_none, strings
from sheath.providers.native.pg_table import split_table_id, with_object_id
from sheath.providers.native.pg_table_ddl import MAX_IDENTIFIER, quote_ident
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import attr, with_attrs
from sheath.types import BOOL, FALSE, STRING, TRUE, ListType, Value, list_val, null, string_val, unknown
from sheath.types.ops import raw_equal

INDEX_SCHEMA = Schema(
    Block(
        {
            "column_options": Attribute(ListType(STRING), optional=True),
            "columns": Attribute(ListType(STRING), optional=True),
            "concurrently": Attribute(BOOL, optional=True),
            "database": Attribute(STRING, optional=True, computed=True),
            "ddl": Attribute(ListType(STRING), computed=True),
            "expressions": Attribute(ListType(STRING), optional=True),
            "id": Attribute(STRING, computed=True),
            "include": Attribute(ListType(STRING), optional=True),
            "method": Attribute(STRING, optional=True),
            "name": Attribute(STRING, required=True),
            "schema": Attribute(STRING, optional=True, computed=True),
            "table": Attribute(STRING, required=True),
            "unique": Attribute(BOOL, optional=True),
            "where": Attribute(STRING, optional=True),
        }
    )
)

# a change to any of these replaces the index
DEFINITION = ("database", "schema", "table", "columns", "expressions", "column_options", "unique", "method", "where", "include")
# ... unless only these change and PostgreSQL reads both spellings the same
SPELLING = ("columns", "expressions", "column_options", "where")

_READ = """
SELECT t.relname, i.indisunique, am.amname, i.indnkeyatts,
  ARRAY(SELECT a.attname::text FROM generate_series(0, i.indnatts - 1) k
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k] AND i.indkey[k] <> 0
        ORDER BY k),
  ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k ORDER BY k),
  pg_get_expr(i.indpred, i.indrelid, true), i.indisvalid,
  ARRAY(SELECT concat_ws(' ',
          CASE WHEN i.indcollation[k] <> 0 AND i.indcollation[k] <> coalesce(ta.attcollation, ty.typcollation)
               THEN 'COLLATE ' || quote_ident(co.collname) END,
          CASE WHEN NOT opc.opcdefault THEN quote_ident(opc.opcname) END,
          CASE WHEN pg_index_column_has_property(i.indexrelid, k + 1, 'desc') THEN 'DESC' END,
          CASE WHEN pg_index_column_has_property(i.indexrelid, k + 1, 'desc')
                    AND NOT pg_index_column_has_property(i.indexrelid, k + 1, 'nulls_first') THEN 'NULLS LAST'
               WHEN pg_index_column_has_property(i.indexrelid, k + 1, 'asc')
                    AND pg_index_column_has_property(i.indexrelid, k + 1, 'nulls_first') THEN 'NULLS FIRST' END)
        FROM generate_series(0, i.indnkeyatts - 1) k
        JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k + 1 JOIN pg_type ty ON ty.oid = ia.atttypid
        LEFT JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum = i.indkey[k] AND i.indkey[k] <> 0
        LEFT JOIN pg_collation co ON co.oid = i.indcollation[k] LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[k]
        ORDER BY k)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {where}
"""
_BY_NAME = "n.nspname = %s AND c.relname = %s"
_SCRATCH_TABLE = "sheath_index_canonical"
_SCRATCH_INDEX = "sheath_index_canonical_idx"


def _any(text: str) -> Any:
    return text


def _strs(items: tuple[str, ...]) -> Value:
    return list_val([string_val(s) for s in items], STRING)


def _str_val(s: str | None) -> Value:
    return null(STRING) if s is None else string_val(s)


def _bool(b: bool) -> Value:
    return TRUE if b else FALSE


# --- values <-> Index ------------------------------------------------------------------------


def index_of(v: Value) -> Index:
    """The index a (wholly known, defaulted) object describes."""
    return Index(
        database=attr(v, "database").as_str(),
        schema=attr(v, "schema").as_str(),
        table=attr(v, "table").as_str(),
        name=attr(v, "name").as_str(),
        columns=tuple(strings(attr(v, "columns"))),
        expressions=tuple(strings(attr(v, "expressions"))),
        unique=attr(v, "unique").v is True,
        method=str_or_none(attr(v, "method")) or "btree",
        where=str_or_none(attr(v, "where")),
        include=tuple(strings(attr(v, "include"))),
        concurrently=attr(v, "concurrently").v is True,
        column_options=tuple(strings(attr(v, "column_options"))),
    )


def _list_like(base: Value, items: tuple[str, ...]) -> Value:
    """items as a list value; base itself when it holds the same items (null and [] kept as written)."""
    if base.is_known and tuple(strings(base)) == items:
        return base
    return _strs(items) if items else null(ListType(STRING))


def index_value(ix: Index, base: Value) -> Value:
    """base (for ddl and the way lists are written) with ix's definition."""
    ddl = attr(base, "ddl")
    return with_attrs(
        base,
        database=string_val(ix.database),
        schema=string_val(ix.schema),
        table=string_val(ix.table),
        name=string_val(ix.name),
        columns=_list_like(attr(base, "columns"), ix.columns),
        expressions=_list_like(attr(base, "expressions"), ix.expressions),
        unique=_bool(ix.unique),
        method=string_val(ix.method),
        where=_str_val(ix.where),
        include=_list_like(attr(base, "include"), ix.include),
        concurrently=_bool(ix.concurrently),
        column_options=_list_like(attr(base, "column_options"), ix.column_options),
        id=string_val(ix.display),
        ddl=ddl if ddl.is_known and not ddl.is_null else list_val([], STRING),
    )


# --- the catalogs ----------------------------------------------------------------------------


def _shape_of_row(row: tuple[Any, ...]) -> tuple[str, Shape, bool]:
    table, unique, method, nkey, names, defs, where, valid, options = row
    keys = tuple((COLUMN, n) if n is not None else (EXPRESSION, d) for n, d in zip(names[:nkey], defs[:nkey]))
    include = tuple(str(n) for n in names[nkey:])
    return str(table), Shape(keys, include, bool(unique), str(method), where, tuple(str(o) for o in options)), bool(valid)


def read_index(client: Client, database: str, schema: str, name: str) -> tuple[Index, Shape] | None:
    """The index (in PostgreSQL's spelling) and its shape, or None when there is none (or it
    is invalid: a failed CREATE INDEX CONCURRENTLY)."""
    rows = client.query(_any(_READ.format(where=_BY_NAME)), (schema, name), database=database)
    if not rows:
        return None
    table, shape, valid = _shape_of_row(rows[0])
    if not valid:
        return None
    columns: tuple[str, ...] = ()
    expressions: tuple[str, ...] = ()
    if all(kind == COLUMN for kind, _ in shape.keys):
        columns = tuple(text for _, text in shape.keys)
    else:  # a column among expressions is written as its (quoted) name
        expressions = tuple(_key_text(kind, text) for kind, text in shape.keys)
    column_options = shape.options if any(shape.options) else ()
    ix = Index(database, schema, table, name, columns, expressions, shape.unique, shape.method, shape.where, shape.include,
               column_options=column_options)
    return ix, shape


def _key_text(kind: str, text: str) -> str:
    return quote_ident(text) if kind == COLUMN else text


def invalid_index(client: Client, ix: Index) -> bool:
    rows = client.query(_any(_READ.format(where=_BY_NAME)), (ix.schema, ix.name), database=ix.database)
    return bool(rows) and not _shape_of_row(rows[0])[2]


def canonical(client: Client, ix: Index) -> Shape:
    """ix's shape in PostgreSQL's spelling, from the same index created on an empty temporary
    copy of its table (in a transaction that is rolled back). When that cannot be done (the
    table does not exist yet), the shape as written."""
    import psycopg

    if not ix.expressions and ix.where is None and not any(ix.key_options()):
        return ix.shape()
    scratch = replace(ix, schema="pg_temp", table=_SCRATCH_TABLE, name=_SCRATCH_INDEX, concurrently=False)
    where = f"c.oid = 'pg_temp.{_SCRATCH_INDEX}'::regclass"
    with client.connection(ix.database) as conn:
        try:
            with conn.transaction(force_rollback=True):
                conn.execute(_any(f"CREATE TEMPORARY TABLE {_SCRATCH_TABLE} (LIKE {ix.table_qualified})"))
                conn.execute(_any(create_statement(scratch)))
                row = conn.execute(_any(_READ.format(where=where))).fetchone()
        except psycopg.Error:
            return ix.shape()
    return ix.shape() if row is None else _shape_of_row(tuple(row))[1]


def align(found: Index, found_shape: Shape, prior: Index, prior_shape: Shape) -> Index:
    """found in prior's spelling wherever both mean the same."""
    out = replace(found, concurrently=prior.concurrently)
    if found_shape.keys == prior_shape.keys:
        out = replace(out, columns=prior.columns, expressions=prior.expressions)
    if found_shape.where == prior_shape.where:
        out = replace(out, where=prior.where)
    if found_shape.options == prior_shape.options:
        out = replace(out, column_options=prior.column_options)
    return out


# --- the resource ----------------------------------------------------------------------------


class PgIndex(PgResource):
    """The parallel walk may create and drop several indexes of one table at once; their DDL
    runs one at a time per table, since CREATE INDEX CONCURRENTLY waits for every other
    transaction on the table, and a DROP INDEX waiting for the table's lock deadlocks it."""

    type_name = "postgresql_index"
    schema = INDEX_SCHEMA

    def __init__(self, client: Client) -> None:
        super().__init__(client)
        self._guard = threading.Lock()
        self._tables: dict[tuple[str, str, str], threading.Lock] = {}

    @contextmanager
    def _table_lock(self, ix: Index) -> Iterator[None]:
        with self._guard:
            lock = self._tables.setdefault((ix.database, ix.schema, ix.table), threading.Lock())
        with lock:
            yield

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        if config.is_null or not config.is_known:
            return diags
        cols, exprs = attr(config, "columns"), attr(config, "expressions")
        if cols.is_known and exprs.is_known:
            if cols.is_null == exprs.is_null:
                detail = "both are set" if not cols.is_null else "neither is set"
                diags.append(attribute_error("Invalid index definition", f"Exactly one of columns and expressions must be set; {detail}.", Path.attr("columns")))
        for name in ("columns", "expressions"):
            v = attr(config, name)
            if not v.is_known or v.is_null:
                continue
            if not v.elements():
                diags.append(attribute_error("Invalid index definition", f"{name} must not be empty.", Path.attr(name)))
            if v.is_wholly_known() and any(e.is_null or not e.as_str().strip() for e in v.elements()):
                diags.append(attribute_error("Invalid index definition", f"{name} must not hold null or empty strings.", Path.attr(name)))
        opts = attr(config, "column_options")
        keys = cols if not cols.is_null else exprs
        if opts.is_known and not opts.is_null and keys.is_known and not keys.is_null and len(opts.elements()) != len(keys.elements()):
            detail = f"column_options must have one entry per key part ({len(keys.elements())}; \"\" for none), not {len(opts.elements())}."
            diags.append(attribute_error("Invalid index definition", detail, Path.attr("column_options")))
        if opts.is_wholly_known() and not opts.is_null and any(e.is_null for e in opts.elements()):
            detail = 'column_options must not hold null ("" for a key part without options).'
            diags.append(attribute_error("Invalid index definition", detail, Path.attr("column_options")))
        index_name = attr(config, "name")
        if index_name.is_known and not index_name.is_null and not 0 < len(index_name.as_str().encode()) <= MAX_IDENTIFIER:
            diags.append(attribute_error("Invalid index name", f"An index name must have 1 to {MAX_IDENTIFIER} bytes (PostgreSQL would truncate it).", Path.attr("name")))
        where = attr(config, "where")
        if where.is_known and not where.is_null and not where.as_str().strip():
            diags.append(attribute_error("Invalid index definition", "where must not be empty (omit it for an index of every row).", Path.attr("where")))
        method = attr(config, "method")
        if method.is_known and not method.is_null and not method.as_str():
            diags.append(attribute_error("Invalid index method", "method must name an access method (btree, hash, gist, spgist, gin, brin…).", Path.attr("method")))
        unique = attr(config, "unique")
        if unique.v is True and method.is_known and not method.is_null and method.as_str() != "btree":
            diags.append(attribute_error("Invalid index definition", f"PostgreSQL supports unique indexes only with method btree, not {method.as_str()!r}.", Path.attr("unique")))
        return diags

    def with_defaults(self, v: Value) -> Value:
        changes: dict[str, Value] = {}
        if attr(v, "database").is_null:
            changes["database"] = string_val(self.client.default_database())
        if attr(v, "schema").is_null:
            changes["schema"] = string_val("public")
        for name, default in (("unique", FALSE), ("concurrently", FALSE), ("method", string_val("btree"))):
            if attr(v, name).is_null:
                changes[name] = default
        v = with_attrs(v, **changes) if changes else v
        return with_object_id(v)

    def plan_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:
            resp.planned_state = proposed
            return resp
        planned = self.with_defaults(proposed)
        prior = req.prior_state
        known = all(attr(planned, k).is_wholly_known() for k in planned.attrs() if k not in ("ddl", "id"))
        if not prior.is_null:
            changed = [k for k in DEFINITION if not raw_equal(attr(prior, k), attr(planned, k))]
            if changed and known and set(changed) <= set(SPELLING) and self._same_meaning(index_of(prior), index_of(planned)):
                changed = []
            resp.requires_replace = [Path.attr(k) for k in changed]
        if not known:
            resp.planned_state = with_attrs(planned, ddl=unknown(ListType(STRING)))
            return resp
        new = index_of(planned)
        if prior.is_null or resp.requires_replace:
            stmts = [create_statement(new)]
        else:
            stmts = change_statements(index_of(prior), new)
        ddl = list_val([string_val(s) for s in stmts], STRING) if stmts else attr(prior, "ddl")
        resp.planned_state = with_attrs(planned, ddl=ddl)
        return resp

    def _same_meaning(self, old: Index, new: Index) -> bool:
        old_shape, new_shape = canonical(self.client, old), canonical(self.client, new)
        return old_shape == new_shape

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        try:
            return self._apply(req)
        except PostgresError as exc:
            return ApplyResourceChangeResponse(diagnostics=error_diagnostics(f"Error applying {self.type_name}", exc))

    def _apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        planned, prior = req.planned_state, req.prior_state
        new = index_of(planned)
        stmts = [create_statement(new)] if prior.is_null else change_statements(index_of(prior), new)
        with self._table_lock(new):
            for stmt in stmts:  # one statement each: CREATE INDEX CONCURRENTLY cannot run in a transaction
                try:
                    self.client.execute([stmt], database=new.database)
                except PostgresError:
                    if new.concurrently and prior.is_null and invalid_index(self.client, new):
                        self.client.execute([drop_statement(new)], database=new.database)
                    raise
        if read_index(self.client, new.database, new.schema, new.name) is None:
            raise PostgresError(f"index {new.display} cannot be read back")
        ddl = list_val([string_val(s) for s in stmts], STRING) if stmts else attr(prior, "ddl")
        return ApplyResourceChangeResponse(new_state=with_attrs(planned, ddl=ddl), private=req.planned_private)

    def read_state(self, prior: Value) -> Value | None:
        p = index_of(self.with_defaults(prior))
        found = read_index(self.client, p.database, p.schema, p.name)
        if found is None:
            return None
        ix, shape = found
        aligned = align(ix, shape, p, p.shape())
        if aligned != p:  # ask PostgreSQL how it spells the state's expressions
            aligned = align(ix, shape, p, canonical(self.client, p))
        return index_value(aligned, prior)

    def drop(self, prior: Value) -> None:
        ix = index_of(self.with_defaults(prior))
        with self._table_lock(ix):
            self.client.execute([drop_statement(ix)], database=ix.database)

    def import_id(self, id: str) -> Value | None:
        parts = split_table_id(id)
        if parts is None:
            raise PostgresError(f'invalid import id {id!r}: expected "<database>.<schema>.<index>"')
        found = read_index(self.client, *parts)
        if found is None:
            return None
        return index_value(found[0], self.schema.block.empty_value())


__all__ = ["INDEX_SCHEMA", "PgIndex", "align", "canonical", "index_of", "index_value", "read_index"]
