"""postgresql_table: sheath's own table resource in the native PostgreSQL provider.

The plan computes the exact DDL that apply will run and shows it in the computed ``ddl``
attribute (the state keeps the DDL of the last change, so a plan without changes keeps it
and stays a no-op). Apply recomputes the DDL, refuses to run anything else than what was
planned, and runs it in one transaction. Changes that can lose data (dropping a column
that holds values, a type change that is not a widening, a replacement of a table with
rows) are plan errors with the values at stake unless ``allow_data_loss = true``.

Refresh reads pg_class, pg_attribute, pg_attrdef and pg_constraint in one query per table.
User-written SQL (types, defaults, generated and check expressions) is compared with the
catalogs in PostgreSQL's own spelling, obtained by creating the definition as a temporary
table in a transaction that is rolled back; the state keeps the configured spelling.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from sheath.diag import Diagnostics, Severity
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    ReadResourceRequest,
    ReadResourceResponse,
    attribute_diag,
    attribute_error,
)
from sheath.providers.native.pg_client import Client, PostgresError, error_diagnostics
from sheath.providers.native.pg_resources import PgResource, num, planned_allow_data_loss, str_or_none, strings
from sheath.providers.native.pg_table_ddl import (
    ALLOW_HINT,
    ALLOWED_NOTE,
    DESTROY_HINT,
    FK_ACTIONS,
    IDENTITIES,
    Canonical,
    Column,
    Constraint,
    Loss,
    Table,
    alter_statements,
    unmatched_renames,
    create_statements,
    default_constraint_name,
    loss_message,
    quote_ident,
)
from sheath.providers.schema import Attribute, Block, NestedBlock, Nesting, Schema
from sheath.providers.sdk import attr, with_attrs
from sheath.types import BOOL, FALSE, STRING, TRUE, ListType, Value, list_val, null, object_val, string_val, unknown
from sheath.types.ops import raw_equal

_NAME = Attribute(STRING, optional=True, computed=True)
_COLUMNS = Attribute(ListType(STRING), required=True)

COLUMN_BLOCK = Block(
    {
        "collation": Attribute(STRING, optional=True),
        "comment": Attribute(STRING, optional=True),
        "default": Attribute(STRING, optional=True),
        "generated": Attribute(STRING, optional=True),
        "identity": Attribute(STRING, optional=True),
        "name": Attribute(STRING, required=True),
        "nullable": Attribute(BOOL, optional=True, computed=True),
        "renamed_from": Attribute(STRING, optional=True),
        "type": Attribute(STRING, required=True),
    }
)
KEY_BLOCK = Block({"columns": _COLUMNS, "name": _NAME})
CHECK_BLOCK = Block({"expression": Attribute(STRING, required=True), "name": _NAME})
FOREIGN_KEY_BLOCK = Block(
    {
        "columns": _COLUMNS,
        "name": _NAME,
        "on_delete": Attribute(STRING, optional=True, computed=True),
        "on_update": Attribute(STRING, optional=True, computed=True),
        "references_columns": _COLUMNS,
        "references_schema": Attribute(STRING, optional=True, computed=True),
        "references_table": Attribute(STRING, required=True),
    }
)

TABLE_SCHEMA = Schema(
    Block(
        {
            "allow_data_loss": Attribute(BOOL, optional=True),
            "comment": Attribute(STRING, optional=True),
            "database": Attribute(STRING, optional=True, computed=True),
            "ddl": Attribute(ListType(STRING), computed=True),
            "id": Attribute(STRING, computed=True),
            "name": Attribute(STRING, required=True),
            "owner": Attribute(STRING, optional=True, computed=True),
            "schema": Attribute(STRING, optional=True, computed=True),
        },
        {
            "check": NestedBlock(CHECK_BLOCK, Nesting.LIST),
            "column": NestedBlock(COLUMN_BLOCK, Nesting.LIST, min_items=1),
            "foreign_key": NestedBlock(FOREIGN_KEY_BLOCK, Nesting.LIST),
            "primary_key": NestedBlock(KEY_BLOCK, Nesting.LIST, max_items=1),
            "unique": NestedBlock(KEY_BLOCK, Nesting.LIST),
        },
    )
)

_FK_CODES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_KIND_CODES = {"p": "primary_key", "u": "unique", "c": "check", "f": "foreign_key"}
_SERIAL = re.compile(r"^\s*(small|big)?serial[248]?\s*$", re.IGNORECASE)


def _opt(v: Value) -> str | None:
    return str_or_none(v)


def _strs(items: tuple[str, ...]) -> Value:
    return list_val([string_val(s) for s in items], STRING)


def _list(block: Block, items: list[Value]) -> Value:
    return Value(ListType(block.implied_type()), tuple(items))


def _str_val(s: str | None) -> Value:
    return null(STRING) if s is None else string_val(s)


# --- values <-> Table ------------------------------------------------------------------------


def table_of(v: Value) -> Table:
    """The table a (wholly known) object describes."""
    cols = tuple(
        Column(
            name=attr(c, "name").as_str(),
            type=attr(c, "type").as_str(),
            nullable=attr(c, "nullable").v is not False,
            default=_opt(attr(c, "default")),
            identity=_opt(attr(c, "identity")),
            generated=_opt(attr(c, "generated")),
            collation=_opt(attr(c, "collation")),
            comment=_opt(attr(c, "comment")),
            renamed_from=_opt(attr(c, "renamed_from")),
        )
        for c in attr(v, "column").elements()
    )
    cons: list[Constraint] = []
    for kind in ("primary_key", "unique", "check", "foreign_key"):
        for b in attr(v, kind).elements():
            a = b.attrs()
            cons.append(
                Constraint(
                    kind=kind,
                    name=a["name"].as_str(),
                    columns=tuple(strings(a["columns"])) if "columns" in a else (),
                    expression=_opt(a["expression"]) if "expression" in a else None,
                    references_schema=_opt(a["references_schema"]) if "references_schema" in a else None,
                    references_table=_opt(a["references_table"]) if "references_table" in a else None,
                    references_columns=tuple(strings(a["references_columns"])) if "references_columns" in a else (),
                    on_delete=(_opt(a["on_delete"]) or "NO ACTION") if "on_delete" in a else "NO ACTION",
                    on_update=(_opt(a["on_update"]) or "NO ACTION") if "on_update" in a else "NO ACTION",
                )
            )
    return Table(
        database=attr(v, "database").as_str(),
        schema=attr(v, "schema").as_str(),
        name=attr(v, "name").as_str(),
        owner=_opt(attr(v, "owner")),
        comment=_opt(attr(v, "comment")),
        columns=cols,
        constraints=tuple(cons),
    )


def _constraint_value(k: Constraint) -> Value:
    d: dict[str, Value] = {"name": string_val(k.name)}
    if k.kind in ("primary_key", "unique", "foreign_key"):
        d["columns"] = _strs(k.columns)
    if k.kind == "check":
        d["expression"] = _str_val(k.expression)
    if k.kind == "foreign_key":
        d.update(
            references_schema=_str_val(k.references_schema),
            references_table=_str_val(k.references_table),
            references_columns=_strs(k.references_columns),
            on_delete=string_val(k.on_delete),
            on_update=string_val(k.on_update),
        )
    return object_val(d)


def table_value(t: Table, base: Value) -> Value:
    """base (for allow_data_loss and ddl) with t's definition."""
    cols = [
        object_val(
            {
                "collation": _str_val(c.collation),
                "comment": _str_val(c.comment),
                "default": _str_val(c.default),
                "generated": _str_val(c.generated),
                "identity": _str_val(c.identity),
                "name": string_val(c.name),
                "nullable": TRUE if c.nullable else FALSE,
                "renamed_from": _str_val(c.renamed_from),
                "type": string_val(c.type),
            }
        )
        for c in t.columns
    ]
    blocks = TABLE_SCHEMA.block.block_types
    lists = {
        kind: _list(blocks[kind].block, [_constraint_value(k) for k in t.constraints if k.kind == kind])
        for kind in ("primary_key", "unique", "check", "foreign_key")
    }
    ddl = attr(base, "ddl")
    return with_attrs(
        base,
        database=string_val(t.database),
        schema=string_val(t.schema),
        name=string_val(t.name),
        owner=_str_val(t.owner),
        comment=_str_val(t.comment),
        id=string_val(f"{t.database}.{t.schema}.{t.name}"),
        ddl=ddl if not ddl.is_null else list_val([], STRING),
        column=_list(COLUMN_BLOCK, cols),
        **lists,
    )


# --- the catalogs ----------------------------------------------------------------------------

_READ = """
SELECT c.relname, pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class'),
  (SELECT coalesce(json_agg(json_build_object(
      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
      'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
      'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
      'identity', a.attidentity::text,
      'collation', CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
      'comment', col_description(c.oid, a.attnum)) ORDER BY a.attnum), '[]'::json)
   FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
   LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   LEFT JOIN pg_collation co ON co.oid = a.attcollation
   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
  (SELECT coalesce(json_agg(json_build_object(
      'name', k.conname, 'kind', k.contype::text, 'def', pg_get_constraintdef(k.oid),
      'columns', (SELECT array_agg(a.attname ORDER BY x.n) FROM unnest(k.conkey) WITH ORDINALITY x(num, n)
                  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.num),
      'ref_schema', rn.nspname, 'ref_table', rc.relname,
      'ref_columns', (SELECT array_agg(a.attname ORDER BY x.n) FROM unnest(k.confkey) WITH ORDINALITY x(num, n)
                      JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.num),
      'on_delete', k.confdeltype::text, 'on_update', k.confupdtype::text) ORDER BY k.conname), '[]'::json)
   FROM pg_constraint k LEFT JOIN pg_class rc ON rc.oid = k.confrelid
   LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
   WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u', 'c', 'f'))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
"""


def _any(text: str) -> Any:
    return text


def check_expression(constraint_def: str) -> str:
    """The expression of pg_get_constraintdef's "CHECK (...)"."""
    text = constraint_def.strip()
    if text.upper().startswith("CHECK "):
        text = text[6:].strip()
    return text


def _table_of_row(database: str, schema: str, row: tuple[Any, ...]) -> Table:
    name, owner, comment, cols, cons = row
    columns = tuple(
        Column(
            name=c["name"],
            type=c["type"],
            nullable=not c["notnull"],
            default=c["default"],
            identity={"a": "always", "d": "by_default"}.get(c["identity"] or ""),
            generated=c["generated"],
            collation=c["collation"],
            comment=c["comment"],
        )
        for c in cols
    )
    constraints = tuple(
        Constraint(
            kind=_KIND_CODES[k["kind"]],
            name=k["name"],
            columns=tuple(k["columns"] or ()) if k["kind"] != "c" else (),
            expression=check_expression(k["def"]) if k["kind"] == "c" else None,
            references_schema=k["ref_schema"],
            references_table=k["ref_table"],
            references_columns=tuple(k["ref_columns"] or ()),
            on_delete=_FK_CODES.get(k["on_delete"] or "a", "NO ACTION"),
            on_update=_FK_CODES.get(k["on_update"] or "a", "NO ACTION"),
        )
        for k in cons
    )
    return Table(database, schema, str(name), owner, comment, columns, constraints)


def read_table(client: Client, database: str, schema: str, name: str) -> Table | None:
    """The table as the catalogs describe it now (one query; None when there is none)."""
    rows = client.query(_READ + " AND c.relname = %s", (schema, name), database=database)
    return _table_of_row(database, schema, rows[0]) if rows else None


def read_tables(client: Client, database: str, schema: str) -> dict[str, Table]:
    """Every table of a schema, by name, in one query."""
    rows = client.query(_READ, (schema,), database=database)
    return {str(r[0]): _table_of_row(database, schema, r) for r in rows}


def snapshot_table(client: Client, database: str, schema: str, name: str) -> Table | None:
    """The table from the client's snapshot of its schema (every table of the schema read
    once per walk, read again after any statement this client runs)."""
    tables = client.snapshot(database, "tables:" + schema, lambda: read_tables(client, database, schema))
    return tables.get(name)


def canonical(client: Client, t: Table) -> Canonical:
    """PostgreSQL's spelling of t's types, defaults and expressions, from a temporary copy of
    t created in a transaction that is rolled back. Where PostgreSQL cannot create the copy
    (a type or function that does not exist yet), the definition is taken as written."""
    import psycopg

    if not t.columns:
        return Canonical()
    parts = [c.definition(with_constraints=False) for c in t.columns]
    parts += [k.definition() for k in t.constraints if k.kind == "check"]
    stmt = f"CREATE TEMPORARY TABLE sheath_canonical ({', '.join(parts)})"
    with client.connection(t.database) as conn:
        try:
            with conn.transaction(force_rollback=True):
                conn.execute(_any(stmt))
                cols = conn.execute(
                    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid), a.attgenerated <> ''"
                    " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    " WHERE a.attrelid = 'pg_temp.sheath_canonical'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                ).fetchall()
                checks = conn.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conrelid = 'pg_temp.sheath_canonical'::regclass AND contype = 'c'"
                ).fetchall()
        except psycopg.Error:
            return Canonical()
    return Canonical(
        types={str(n): str(ty) for n, ty, _, _ in cols},
        defaults={str(n): (None if gen else expr) for n, _, expr, gen in cols},
        generated={str(n): (expr if gen else None) for n, _, expr, gen in cols},
        checks={str(n): check_expression(str(d)) for n, d in checks},
    )


def count_at_stake(client: Client, t: Table, losses: list[Loss]) -> dict[str | None, int]:
    """Rows of t (key None) and non-null values of each column a loss names, in one query."""
    cols = sorted({loss.column for loss in losses if loss.column is not None})
    exprs = ["count(*)"] + [f"count({quote_ident(c)})" for c in cols]
    row = client.query(f"SELECT {', '.join(exprs)} FROM {t.qualified}", database=t.database)[0]
    counts: dict[str | None, int] = {None: int(row[0])}
    counts.update({c: int(n) for c, n in zip(cols, row[1:])})
    return counts


def align(found: Table, prior: Table, prior_canon: Table) -> Table:
    """found (from the catalogs) in prior's spelling and order wherever they mean the same."""
    cols: list[Column] = []
    found_cols = {c.name: c for c in found.columns}
    for p, pc in zip(prior.columns, prior_canon.columns):
        f = found_cols.pop(p.name, None)
        if f is None:
            continue
        cols.append(
            Column(
                name=f.name,
                type=p.type if pc.type == f.type else f.type,
                nullable=f.nullable,
                default=p.default if pc.default == f.default else f.default,
                identity=f.identity,
                generated=p.generated if pc.generated == f.generated else f.generated,
                collation=f.collation,
                comment=f.comment,
                renamed_from=p.renamed_from,
            )
        )
    cols += [c for c in found.columns if c.name in found_cols]
    cons: list[Constraint] = []
    found_cons = {k.name: k for k in found.constraints}
    for pk, pkc in zip(prior.constraints, prior_canon.constraints):
        fk = found_cons.pop(pk.name, None)
        if fk is None:
            continue
        if fk.kind == "check" and pkc.expression == fk.expression:
            fk = Constraint("check", fk.name, expression=pk.expression)
        elif fk.kind == "foreign_key" and fk.key() == pkc.key():
            fk = pk
        cons.append(fk)
    cons += [k for k in found.constraints if k.name in found_cons]
    return Table(found.database, found.schema, found.name, found.owner, found.comment, tuple(cols), tuple(cons))


def _digest(t: Table) -> str:
    return hashlib.sha256(repr(t).encode()).hexdigest()


def verified_private(found: Table, state: Table) -> bytes:
    """The resource's private data once found (the catalogs' reading) is known to mean what
    state (the state's definition) says: digests of both, so that the next refresh that reads
    the same from the catalogs for the same state needs no canonical spelling."""
    return json.dumps({"catalog": _digest(found), "state": _digest(state)}, sort_keys=True).encode()


def is_verified(private: bytes, found: Table, state: Table) -> bool:
    return bool(private) and private == verified_private(found, state)


# --- the resource ----------------------------------------------------------------------------


def _configured(config: Value | None, kind: str) -> list[Value] | None:
    if config is None or config.is_null or not config.is_known:
        return None
    blocks = attr(config, kind)
    return list(blocks.elements()) if blocks.is_known and not blocks.is_null else None


def _unset(given: list[Value], i: int) -> set[str]:
    if i >= len(given) or not given[i].is_known:
        return set()
    return {n for n, x in given[i].attrs().items() if x.is_null}


def with_object_id(v: Value) -> Value:
    """The planned object with its import id, <database>.<schema>.<name> (unknown until all
    three are known)."""
    parts = [attr(v, k) for k in ("database", "schema", "name")]
    if all(p.is_known for p in parts) and not parts[2].is_null:
        return with_attrs(v, id=string_val(".".join(p.as_str() for p in parts)))
    return with_attrs(v, id=unknown(STRING))


def split_table_id(id: str) -> tuple[str, str, str] | None:
    """<database>.<schema>.<table>: the database up to the first dot, the table after the last."""
    db, _, rest = id.partition(".")
    schema, _, name = rest.rpartition(".")
    return (db, schema, name) if db and schema and name else None


class PgTable(PgResource):
    type_name = "postgresql_table"
    schema = TABLE_SCHEMA

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        if config.is_null or not config.is_known:
            return diags
        names: set[str] = set()
        not_null: set[str] = set()
        renamed_from: dict[str, Path] = {}
        for i, c in enumerate(attr(config, "column").elements()):
            if not c.is_known:
                continue
            a = c.attrs()
            at = Path.attr("column").index(num(i))
            name = _opt(a["name"])
            if name is not None:
                if name in names:
                    diags.append(attribute_error("Duplicate column", f"Column {name!r} is declared twice.", at.get_attr("name")))
                names.add(name)
                if a["nullable"].v is False:
                    not_null.add(name)
            ty = _opt(a["type"])
            if ty is not None and _SERIAL.match(ty):
                diags.append(attribute_error("Invalid column type", f"{ty!r} is not a type (it creates a sequence); use an integer type with identity = \"by_default\" or \"always\".", at.get_attr("type")))
            identity = _opt(a["identity"])
            if identity is not None and identity not in IDENTITIES:
                diags.append(attribute_error("Invalid identity", 'identity must be "always" or "by_default".', at.get_attr("identity")))
            if identity is not None and a["nullable"].v is not False and a["nullable"].is_known:
                diags.append(attribute_error("Identity column must not be nullable", f"Column {name!r} is an identity column: PostgreSQL makes it NOT NULL, so set nullable = false.", at.get_attr("nullable")))
            previous = _opt(a["renamed_from"])
            if previous is not None:
                at_r = at.get_attr("renamed_from")
                if previous == name:
                    diags.append(attribute_error("Invalid column rename", f"Column {name!r} cannot be renamed from itself.", at_r))
                elif previous in renamed_from:
                    diags.append(attribute_error("Invalid column rename", f"Two columns are renamed from {previous!r}.", at_r))
                renamed_from[previous] = at_r
            set_exprs = [k for k in ("default", "generated", "identity") if not a[k].is_null]
            if len(set_exprs) > 1:
                diags.append(attribute_error("Conflicting column arguments", f"Column {name!r} sets {' and '.join(set_exprs)}; only one of default, generated and identity can be set.", at))
        for previous, at_r in renamed_from.items():
            if previous in names:
                diags.append(attribute_error("Invalid column rename", f"Column {previous!r} is renamed_from of another column and declared too: a column can be kept or renamed, not both.", at_r))
        for kind in ("primary_key", "unique", "foreign_key"):
            for i, b in enumerate(attr(config, kind).elements()):
                if not b.is_known or not b.attrs()["columns"].is_wholly_known():
                    continue
                cols = strings(b.attrs()["columns"])
                at = Path.attr(kind).index(num(i)).get_attr("columns")
                if not cols:
                    diags.append(attribute_error("Missing columns", f"A {kind} needs at least one column.", at))
                for col in cols:
                    if names and col not in names:
                        diags.append(attribute_error("Unknown column", f"{col!r} is not a column of this table.", at))
                    elif kind == "primary_key" and col in names and col not in not_null:
                        diags.append(attribute_error("Primary key column must not be nullable", f"Column {col!r} is in the primary key: PostgreSQL makes it NOT NULL, so set nullable = false on it.", at))
                if kind == "foreign_key":
                    for act in ("on_delete", "on_update"):
                        v = _opt(b.attrs()[act])
                        if v is not None and v.upper() not in FK_ACTIONS:
                            diags.append(attribute_error("Invalid referential action", f"{act} must be one of {', '.join(FK_ACTIONS)}.", Path.attr(kind).index(num(i)).get_attr(act)))
        return diags

    def with_defaults(self, v: Value, config: Value | None = None) -> Value:
        """Defaults, the id and every constraint's name; unknown values are left unknown.
        With config, a nested attribute is defaulted when the configuration leaves it unset."""
        changes: dict[str, Value] = {}
        if attr(v, "database").is_null:
            changes["database"] = string_val(self.client.default_database())
        if attr(v, "schema").is_null:
            changes["schema"] = string_val("public")
        v = with_object_id(with_attrs(v, **changes) if changes else v)
        table, schema = attr(v, "name"), attr(v, "schema")
        blocks = TABLE_SCHEMA.block.block_types
        lists: dict[str, Value] = {}
        for kind in ("column", "primary_key", "unique", "check", "foreign_key"):
            if not attr(v, kind).is_known:
                continue
            given = _configured(config, kind)
            items: list[Value] = []
            for i, b in enumerate(attr(v, kind).elements()):
                if b.is_known:
                    unset = {n for n, x in b.attrs().items() if x.is_null} if given is None else _unset(given, i)
                    b = self._block_defaults(kind, b, unset, table, schema)
                items.append(b)
            lists[kind] = _list(blocks[kind].block, items)
        return with_attrs(v, **lists)

    def _block_defaults(self, kind: str, b: Value, unset: set[str], table: Value, schema: Value) -> Value:
        """Defaults of a nested block's computed attributes that its configuration leaves unset
        (the proposed value would otherwise carry the state's value at the same position)."""
        a = b.attrs()
        changes: dict[str, Value] = {}
        if kind == "column":
            return with_attrs(b, nullable=TRUE) if "nullable" in unset else b
        if kind == "foreign_key":
            if "references_schema" in unset:
                changes["references_schema"] = schema
            for act in ("on_delete", "on_update"):
                if act in unset:
                    changes[act] = string_val("NO ACTION")
        if "name" in unset:
            parts = [a.get("columns"), a.get("expression"), table]
            if all(p is None or p.is_wholly_known() for p in parts):
                cols = tuple(strings(a["columns"])) if "columns" in a else ()
                expr = _opt(a["expression"]) if "expression" in a else None
                changes["name"] = string_val(default_constraint_name(table.as_str(), kind, cols, expr))
            else:
                changes["name"] = unknown(STRING)
        return with_attrs(b, **changes) if changes else b

    def plan_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:  # a delete (the provider advertises PlanDestroy)
            resp.planned_state = proposed
            if not req.prior_state.is_null:
                resp.diagnostics = self._check_drop(req.prior_state)
            return resp
        planned = with_attrs(self.with_defaults(proposed, req.config), allow_data_loss=planned_allow_data_loss(req))
        names = [attr(b, "name") for k in ("primary_key", "unique", "check", "foreign_key") for b in attr(planned, k).elements() if b.is_known]
        known_names = [n.as_str() for n in names if n.is_known and not n.is_null]
        duplicates = sorted({n for n in known_names if known_names.count(n) > 1})
        if duplicates:
            resp.diagnostics.add_error("Duplicate constraint name", f"Constraint names must be unique in a table; {', '.join(duplicates)} is used twice.")
            return resp
        prior = req.prior_state
        if not prior.is_null and not raw_equal(attr(prior, "database"), attr(planned, "database")):
            resp.requires_replace.append(Path.attr("database"))
        creating = prior.is_null or bool(resp.requires_replace)
        if creating and attr(req.config, "owner").is_null:
            planned = with_attrs(planned, owner=unknown(STRING))
        ddl_known = all(attr(planned, k).is_wholly_known() for k in planned.attrs() if k not in ("owner", "ddl"))
        if not ddl_known:
            resp.planned_state = with_attrs(planned, ddl=unknown(ListType(STRING)))
            return resp
        new = table_of(planned)
        if creating:
            stmts = create_statements(new)
            if not prior.is_null:  # the table moves to another database: its rows are lost
                old = table_of(prior)
                loss = [Loss(f"replace the table (database {old.database} -> {new.database})")]
                diags = self._check_loss(old, loss, planned)
                resp.diagnostics.extend(diags)  # an error, or a warning showing what an allowed change loses
                if diags.has_errors():
                    return resp
        elif raw_equal(with_attrs(prior, ddl=attr(planned, "ddl")), planned):  # nothing to compare
            resp.planned_state = with_attrs(planned, ddl=attr(prior, "ddl"))
            return resp
        else:
            change = self._change(table_of(prior), new)
            diags = self._check_loss(table_of(prior), change.losses, planned)
            resp.diagnostics.extend(diags)  # an error, or a warning showing what an allowed change loses
            if diags.has_errors():
                return resp
            for column, previous in unmatched_renames(table_of(prior), new):
                resp.diagnostics.add_warning(
                    "Column rename matches no column",
                    f'Column "{column}" says renamed_from = "{previous}", but table {new.qualified} has neither a column '
                    f'"{previous}" nor "{column}": "{column}" will be added as a new column.',
                )
            stmts = change.statements
            if not stmts:
                resp.planned_state = with_attrs(planned, ddl=attr(prior, "ddl"))
                return resp
        resp.planned_state = with_attrs(planned, ddl=list_val([string_val(s) for s in stmts], STRING))
        return resp

    def _change(self, old: Table, new: Table, new_canon: Table | None = None) -> Any:
        if new_canon is None:
            new_canon = canonical(self.client, new).apply(new)
        return alter_statements(old, new, canonical(self.client, old).apply(old), new_canon)

    def _check_loss(self, old: Table, losses: list[Loss], planned: Value) -> Diagnostics:
        """The values a change loses: an error, or a warning showing them when allowed."""
        return self._loss_diagnostics(old, losses, attr(planned, "allow_data_loss").v is True, ALLOW_HINT)

    def _loss_diagnostics(self, old: Table, losses: list[Loss], allowed: bool, hint: str) -> Diagnostics:
        diags = Diagnostics()
        if not losses:
            return diags
        counts = count_at_stake(self.client, old, losses)
        at_stake = [loss for loss in losses if counts.get(loss.column, 0) > 0]
        if at_stake and allowed:
            message = loss_message(old, at_stake, counts, ALLOWED_NOTE).replace("can lose data", "loses data")
            diags.append(attribute_diag(Severity.WARNING, "Change will lose data", message, Path.attr("allow_data_loss")))
        elif at_stake:
            diags.append(attribute_error("Change would lose data", loss_message(old, at_stake, counts, hint), Path.attr("allow_data_loss")))
        return diags

    def _check_drop(self, prior: Value) -> Diagnostics:
        """A delete's plan: refused while the table holds rows, unless the state says
        allow_data_loss = true (or the run's -allow-data-loss makes it say so)."""
        t = table_of(prior)
        if snapshot_table(self.client, t.database, t.schema, t.name) is None:
            return Diagnostics()  # gone already: nothing at stake
        return self._loss_diagnostics(t, [Loss("drop the table")], attr(prior, "allow_data_loss").v is True, DESTROY_HINT)

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        try:
            return self._apply(req)
        except PostgresError as exc:
            return ApplyResourceChangeResponse(diagnostics=error_diagnostics(f"Error applying {self.type_name}", exc))

    def _apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        planned, prior = req.planned_state, req.prior_state
        new = table_of(planned)
        new_canon: Table | None = None
        if prior.is_null:
            stmts = create_statements(new)
        else:
            old = table_of(prior)
            new_canon = canonical(self.client, new).apply(new)
            change = self._change(old, new, new_canon)
            diags = self._check_loss(old, change.losses, planned)
            if diags.has_errors():
                return ApplyResourceChangeResponse(diagnostics=diags)
            stmts = change.statements
        planned_ddl = attr(planned, "ddl")
        if stmts and planned_ddl.is_wholly_known() and strings(planned_ddl) != stmts:
            diags = Diagnostics()
            diags.add_error(
                "Table changed since the plan",
                f"{new.display}: the DDL to run is no longer the DDL the plan showed; plan again.\nplanned:\n  "
                + "\n  ".join(strings(planned_ddl)) + "\nnow:\n  " + "\n  ".join(stmts),
            )
            return ApplyResourceChangeResponse(diagnostics=diags)
        if stmts:
            self.client.execute(stmts, database=new.database)
        found = read_table(self.client, new.database, new.schema, new.name)
        if found is None:
            raise PostgresError(f"table {new.display} cannot be read back")
        ddl = list_val([string_val(s) for s in stmts], STRING) if stmts else attr(prior, "ddl") if not prior.is_null else list_val([], STRING)
        state = with_attrs(planned, owner=string_val(found.owner or ""), ddl=ddl)
        st = table_of(self.with_defaults(state))
        if new_canon is None:
            new_canon = canonical(self.client, st).apply(st)
        private = verified_private(found, st) if align(found, st, new_canon) == st else b""
        return ApplyResourceChangeResponse(new_state=state, private=private)

    def read(self, req: ReadResourceRequest) -> ReadResourceResponse:
        try:
            new, private = self.refresh(req.prior_state, req.private)
        except PostgresError as exc:
            return ReadResourceResponse(diagnostics=error_diagnostics(f"Error reading {self.type_name}", exc))
        return ReadResourceResponse(new_state=new if new is not None else null(self.schema.block.implied_type()), private=private)

    def refresh(self, prior: Value, private: bytes) -> tuple[Value | None, bytes]:
        """The table as the catalogs have it, in the state's spelling where both mean the same,
        and the private data to keep. The catalogs are read from the schema's snapshot; the
        canonical spelling (a scratch table) is asked for only when the catalogs spell the
        table otherwise than the state and differ from what the last apply or refresh verified."""
        p = table_of(self.with_defaults(prior))
        found = snapshot_table(self.client, p.database, p.schema, p.name)
        if found is None:
            return None, b""
        if align(found, p, p) == p or is_verified(private, found, p):  # nothing changed since it was verified
            return table_value(p, prior), verified_private(found, p)
        result = align(found, p, canonical(self.client, p).apply(p))
        return table_value(result, prior), verified_private(found, p) if result == p else b""

    def read_state(self, prior: Value) -> Value | None:
        return self.refresh(prior, b"")[0]

    def drop(self, prior: Value) -> None:
        t = table_of(prior)
        if attr(prior, "allow_data_loss").v is not True:
            rows = count_at_stake(self.client, t, [])[None]
            if rows:
                raise PostgresError(loss_message(t, [Loss("drop the table")], {None: rows}, DESTROY_HINT))
        self.client.execute([f"DROP TABLE {t.qualified}"], database=t.database)

    def import_id(self, id: str) -> Value | None:
        parts = split_table_id(id)
        if parts is None:
            raise PostgresError(f'invalid import id {id!r}: expected "<database>.<schema>.<table>"')
        found = read_table(self.client, *parts)
        if found is None:
            return None
        return table_value(found, self.schema.block.empty_value())


def table_resources(client: Client) -> Mapping[str, PgResource]:
    return {"postgresql_table": PgTable(client)}


__all__ = ["PgTable", "TABLE_SCHEMA", "read_table", "read_tables", "snapshot_table", "split_table_id", "table_of", "table_resources", "table_value"]
