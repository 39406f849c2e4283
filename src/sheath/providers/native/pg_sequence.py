"""postgresql_sequence: sheath's own sequence resource in the native PostgreSQL provider.

As with postgresql_table, the plan computes the exact DDL apply will run and shows it in
the computed ``ddl`` attribute (the state keeps the DDL of the last change). Everything
changes in place (``ALTER SEQUENCE``; the current value is kept) except ``database``,
which replaces the sequence. Unset bounds and start take PostgreSQL's defaults for the
type and the direction of ``increment``. Refresh reads pg_sequence and pg_depend (for
``owned_by``) in one query, so a sequence dropped or altered by hand shows as drift.
"""

from __future__ import annotations

from dataclasses import replace

from sheath.diag import Diagnostics, Severity
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    attribute_diag,
    attribute_error,
)
from sheath.providers.native.pg_client import Client, PostgresError, error_diagnostics
from sheath.providers.native.pg_resources import PgResource, as_int, num, planned_allow_data_loss, str_or_none
from sheath.providers.native.pg_sequence_ddl import (
    TYPE_BOUNDS,
    Sequence,
    alter_statements,
    create_statement,
    default_max,
    default_min,
    default_start,
    split_owned_by,
)
from sheath.providers.native.pg_table import split_table_id, with_object_id
from sheath.providers.native.pg_table_ddl import ALLOW_HINT, ALLOWED_NOTE, DESTROY_HINT, MAX_IDENTIFIER
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import attr, with_attrs
from sheath.types import BOOL, FALSE, NUMBER, STRING, TRUE, ListType, Value, list_val, null, string_val, unknown
from sheath.types.ops import raw_equal

SEQUENCE_SCHEMA = Schema(
    Block(
        {
            "allow_data_loss": Attribute(BOOL, optional=True),
            "as_type": Attribute(STRING, optional=True),
            "cache": Attribute(NUMBER, optional=True),
            "cycle": Attribute(BOOL, optional=True),
            "database": Attribute(STRING, optional=True, computed=True),
            "ddl": Attribute(ListType(STRING), computed=True),
            "id": Attribute(STRING, computed=True),
            "increment": Attribute(NUMBER, optional=True),
            "max_value": Attribute(NUMBER, optional=True),
            "min_value": Attribute(NUMBER, optional=True),
            "name": Attribute(STRING, required=True),
            "owned_by": Attribute(STRING, optional=True),
            "schema": Attribute(STRING, optional=True, computed=True),
            "start": Attribute(NUMBER, optional=True),
        }
    )
)

_NUMBERS = ("cache", "increment", "max_value", "min_value", "start")

_READ = """
SELECT format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
  tn.nspname, t.relname, a.attname::text
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
  AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE n.nspname = %s AND c.relname = %s AND c.relkind = 'S'
"""


def _integer(v: Value) -> int | None:
    """v as an integer; None when null, unknown or not a whole number."""
    if v.is_null or not v.is_known:
        return None
    i = as_int(v)
    return i if raw_equal(num(i), v) else None


def sequence_of(v: Value) -> Sequence:
    """The sequence a (wholly known, defaulted) object describes."""
    return Sequence(
        database=attr(v, "database").as_str(),
        schema=attr(v, "schema").as_str(),
        name=attr(v, "name").as_str(),
        as_type=attr(v, "as_type").as_str(),
        start=as_int(attr(v, "start")),
        increment=as_int(attr(v, "increment")),
        min_value=as_int(attr(v, "min_value")),
        max_value=as_int(attr(v, "max_value")),
        cache=as_int(attr(v, "cache")),
        cycle=attr(v, "cycle").v is True,
        owned_by=str_or_none(attr(v, "owned_by")),
    )


def sequence_value(s: Sequence, base: Value) -> Value:
    ddl = attr(base, "ddl")
    return with_attrs(
        base,
        database=string_val(s.database),
        schema=string_val(s.schema),
        name=string_val(s.name),
        as_type=string_val(s.as_type),
        start=num(s.start),
        increment=num(s.increment),
        min_value=num(s.min_value),
        max_value=num(s.max_value),
        cache=num(s.cache),
        cycle=TRUE if s.cycle else FALSE,
        owned_by=null(STRING) if s.owned_by is None else string_val(s.owned_by),
        id=string_val(s.display),
        ddl=ddl if ddl.is_known and not ddl.is_null else list_val([], STRING),
        allow_data_loss=attr(base, "allow_data_loss"),
    )


def read_sequence(client: Client, database: str, schema: str, name: str) -> Sequence | None:
    rows = client.query(_READ, (schema, name), database=database)
    if not rows:
        return None
    as_type, start, inc, lo, hi, cache, cycle, owner_schema, table, column = rows[0]
    owned_by = f"{table}.{column}" if table is not None and column is not None else None
    if owner_schema is not None and owner_schema != schema:  # not made by sheath: say where it is
        owned_by = f"{owner_schema}.{owned_by}"
    return Sequence(database, schema, name, str(as_type), int(start), int(inc), int(lo), int(hi), int(cache), bool(cycle), owned_by)


def current_value(client: Client, s: Sequence) -> int | None:
    """The sequence's last value when nextval has used it (None when it never was, or it is gone)."""
    rows = client.query(
        "SELECT to_regclass(%s) IS NOT NULL", (s.qualified,), database=s.database
    )
    if not rows or not rows[0][0]:
        return None
    last, called = client.query(f"SELECT last_value, is_called FROM {s.qualified}", database=s.database)[0]
    return int(last) if called else None


class PgSequence(PgResource):
    type_name = "postgresql_sequence"
    schema = SEQUENCE_SCHEMA

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        if config.is_null or not config.is_known:
            return diags

        def error(name: str, detail: str) -> None:
            diags.append(attribute_error("Invalid sequence definition", detail, Path.attr(name)))

        seq_name = attr(config, "name")
        if seq_name.is_known and not seq_name.is_null and not 0 < len(seq_name.as_str().encode()) <= MAX_IDENTIFIER:
            error("name", f"A sequence name must have 1 to {MAX_IDENTIFIER} bytes (PostgreSQL would truncate it).")
        as_type = attr(config, "as_type")
        if as_type.is_known and not as_type.is_null and as_type.as_str() not in TYPE_BOUNDS:
            error("as_type", f"as_type must be one of {', '.join(TYPE_BOUNDS)}, not {as_type.as_str()!r}.")
        values: dict[str, int] = {}
        for name in _NUMBERS:
            v = attr(config, name)
            if v.is_known and not v.is_null:
                i = _integer(v)
                if i is None:
                    error(name, f"{name} must be a whole number.")
                else:
                    values[name] = i
        if values.get("increment") == 0:
            error("increment", "increment must not be zero.")
        if "cache" in values and values["cache"] < 1:
            error("cache", "cache must be 1 or more.")
        lo, hi, start = values.get("min_value"), values.get("max_value"), values.get("start")
        if lo is not None and hi is not None and lo >= hi:
            error("min_value", f"min_value ({lo}) must be less than max_value ({hi}).")
        if start is not None and ((lo is not None and start < lo) or (hi is not None and start > hi)):
            error("start", f"start ({start}) must be between min_value and max_value.")
        bounds = TYPE_BOUNDS.get(as_type.as_str() if as_type.is_known and not as_type.is_null else "bigint")
        if bounds is not None:
            for name in ("min_value", "max_value", "start"):
                if name in values and not bounds[0] <= values[name] <= bounds[1]:
                    error(name, f"{name} ({values[name]}) is out of range for the sequence's type.")
        owned_by = attr(config, "owned_by")
        if owned_by.is_known and not owned_by.is_null and split_owned_by(owned_by.as_str()) is None:
            error("owned_by", 'owned_by must be "<table>.<column>" (a table in the sequence\'s schema).')
        return diags

    def with_defaults(self, v: Value) -> Value:
        """Defaults for what is unset (bounds and start from the type and the increment's sign)."""
        changes: dict[str, Value] = {}
        for name, default in (("database", string_val(self.client.default_database())), ("schema", string_val("public")),
                              ("as_type", string_val("bigint")), ("increment", num(1)), ("cache", num(1)), ("cycle", FALSE)):
            if attr(v, name).is_null:
                changes[name] = default
        v = with_attrs(v, **changes) if changes else v
        as_type, inc = attr(v, "as_type"), _integer(attr(v, "increment"))
        ty = as_type.as_str() if as_type.is_known and as_type.as_str() in TYPE_BOUNDS else None
        for name, fn in (("min_value", default_min), ("max_value", default_max)):
            if attr(v, name).is_null:
                v = with_attrs(v, **{name: unknown(NUMBER) if ty is None or inc is None else num(fn(ty, inc))})
        if attr(v, "start").is_null:
            lo, hi = _integer(attr(v, "min_value")), _integer(attr(v, "max_value"))
            start = unknown(NUMBER) if inc is None or lo is None or hi is None else num(default_start(inc, lo, hi))
            v = with_attrs(v, start=start)
        return with_object_id(v)

    def plan_change(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:  # a delete (the provider advertises PlanDestroy)
            resp.planned_state = proposed
            if not req.prior_state.is_null:
                resp.diagnostics.extend(self._check_drop(req.prior_state))
            return resp
        planned = with_attrs(self.with_defaults(proposed), allow_data_loss=planned_allow_data_loss(req))
        prior = req.prior_state
        if not prior.is_null and not raw_equal(attr(prior, "database"), attr(planned, "database")):
            resp.requires_replace.append(Path.attr("database"))
        if not all(attr(planned, k).is_wholly_known() for k in planned.attrs() if k not in ("ddl", "id")):
            resp.planned_state = with_attrs(planned, ddl=unknown(ListType(STRING)))
            return resp
        new = sequence_of(planned)
        if resp.requires_replace:
            old = sequence_of(self.with_defaults(prior))
            what = f"replace the sequence (database {old.database} -> {new.database})"
            resp.diagnostics.extend(self._loss_diagnostics(old, what, attr(planned, "allow_data_loss").v is True, ALLOW_HINT))
            if resp.diagnostics.has_errors():
                return resp
        if prior.is_null or resp.requires_replace:
            stmts = [create_statement(new)]
        else:
            stmts = alter_statements(sequence_of(prior), new)
        ddl = list_val([string_val(s) for s in stmts], STRING) if stmts else attr(prior, "ddl")
        resp.planned_state = with_attrs(planned, ddl=ddl)
        return resp

    def _loss_diagnostics(self, old: Sequence, what: str, allowed: bool, hint: str) -> Diagnostics:
        """What dropping ``old`` loses: the value nextval reached (a warning when allowed, else
        an error naming the way to allow it); nothing when nextval never used it."""
        diags = Diagnostics()
        current = current_value(self.client, old)
        if current is None:
            return diags
        lost = f"  - {what}: its current value {current} is lost (a new sequence starts again)\n"
        if allowed:  # shown: what the allowed change loses
            text = f"{old.display}: this change loses data:\n{lost}{ALLOWED_NOTE}"
            diags.append(attribute_diag(Severity.WARNING, "Change will lose data", text, Path.attr("allow_data_loss")))
        else:
            text = f"{old.display}: this change can lose data:\n{lost}{hint}"
            diags.append(attribute_error("Change would lose data", text, Path.attr("allow_data_loss")))
        return diags

    def _check_drop(self, prior: Value) -> Diagnostics:
        """A delete's plan (also the delete half of a -replace, taint or replace_triggered_by):
        refused once nextval has used the sequence, unless the state says allow_data_loss =
        true (or the run's -allow-data-loss makes it say so)."""
        old = sequence_of(self.with_defaults(prior))
        return self._loss_diagnostics(old, "drop the sequence", attr(prior, "allow_data_loss").v is True, DESTROY_HINT)

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        try:
            planned, prior = req.planned_state, req.prior_state
            new = sequence_of(planned)
            stmts = [create_statement(new)] if prior.is_null else alter_statements(sequence_of(prior), new)
            if stmts:
                self.client.execute(stmts, database=new.database)
            if read_sequence(self.client, new.database, new.schema, new.name) is None:
                raise PostgresError(f"sequence {new.display} cannot be read back")
        except PostgresError as exc:
            return ApplyResourceChangeResponse(diagnostics=error_diagnostics(f"Error applying {self.type_name}", exc))
        ddl = list_val([string_val(s) for s in stmts], STRING) if stmts else attr(prior, "ddl")
        return ApplyResourceChangeResponse(new_state=with_attrs(planned, ddl=ddl), private=req.planned_private)

    def read_state(self, prior: Value) -> Value | None:
        p = sequence_of(self.with_defaults(prior))
        found = read_sequence(self.client, p.database, p.schema, p.name)
        if found is None:
            return None
        if found.owner() == p.owner() and p.owned_by is not None:
            found = replace(found, owned_by=p.owned_by)  # as written
        return sequence_value(found, prior)

    def drop(self, prior: Value) -> None:
        s = sequence_of(self.with_defaults(prior))
        refused = self._check_drop(prior)  # checked again: the plan may be older than the last nextval
        if refused.has_errors():
            raise PostgresError(refused[0].detail)
        # IF EXISTS: dropping the table that owns it (owned_by) drops it too
        self.client.execute([f"DROP SEQUENCE IF EXISTS {s.qualified}"], database=s.database)

    def import_id(self, id: str) -> Value | None:
        parts = split_table_id(id)
        if parts is None:
            raise PostgresError(f'invalid import id {id!r}: expected "<database>.<schema>.<sequence>"')
        found = read_sequence(self.client, *parts)
        return None if found is None else sequence_value(found, self.schema.block.empty_value())


__all__ = ["PgSequence", "SEQUENCE_SCHEMA", "read_sequence", "sequence_of", "sequence_value"]
