"""The DDL of postgresql_table: a table's definition as dataclasses, the statements that
create it, and the statements that change one definition into another.

Nothing here talks to PostgreSQL. Comparisons are made on canonical definitions
(types, defaults, generated expressions and check expressions as PostgreSQL prints them;
see pg_table), statements are written from the configured spelling. Every identifier is
quoted; types, defaults and expressions are SQL written by the user and are used as written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sheath.providers.native.pg_resources import ident, literal

MAX_IDENTIFIER = 63  # PostgreSQL's NAMEDATALEN - 1
FK_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")
IDENTITIES = {"always": "ALWAYS", "by_default": "BY DEFAULT"}
CONSTRAINT_KINDS = ("primary_key", "unique", "check", "foreign_key")


def quote_ident(name: str) -> str:
    return str(ident(name).as_string())


def quote_literal(text: str) -> str:
    return str(literal(text).as_string())


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    identity: str | None = None  # "always" or "by_default"
    generated: str | None = None
    collation: str | None = None
    comment: str | None = None
    renamed_from: str | None = None  # a hint, not DDL: the column's previous name

    def definition(self, with_constraints: bool = True) -> str:
        parts = [quote_ident(self.name), self.type]
        if self.collation:
            parts.append("COLLATE " + quote_ident(self.collation))
        if self.generated is not None:
            parts.append(f"GENERATED ALWAYS AS ({self.generated}) STORED")
        if self.default is not None:
            parts.append("DEFAULT " + self.default)
        if with_constraints:
            if not self.nullable:
                parts.append("NOT NULL")
            if self.identity:
                parts.append(f"GENERATED {IDENTITIES[self.identity]} AS IDENTITY")
        return " ".join(parts)


@dataclass(frozen=True)
class Constraint:
    kind: str  # one of CONSTRAINT_KINDS
    name: str
    columns: tuple[str, ...] = ()
    expression: str | None = None  # check
    references_schema: str | None = None  # foreign_key
    references_table: str | None = None
    references_columns: tuple[str, ...] = ()
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"

    def body(self) -> str:
        cols = ", ".join(quote_ident(c) for c in self.columns)
        if self.kind == "primary_key":
            return f"PRIMARY KEY ({cols})"
        if self.kind == "unique":
            return f"UNIQUE ({cols})"
        if self.kind == "check":
            return f"CHECK ({self.expression})"
        ref = quote_ident(self.references_table or "")
        if self.references_schema:
            ref = quote_ident(self.references_schema) + "." + ref
        refcols = ", ".join(quote_ident(c) for c in self.references_columns)
        text = f"FOREIGN KEY ({cols}) REFERENCES {ref} ({refcols})"
        if self.on_delete.upper() != "NO ACTION":
            text += " ON DELETE " + self.on_delete.upper()
        if self.on_update.upper() != "NO ACTION":
            text += " ON UPDATE " + self.on_update.upper()
        return text

    def definition(self) -> str:
        return f"CONSTRAINT {quote_ident(self.name)} {self.body()}"

    def key(self) -> tuple[object, ...]:
        """What the constraint does, without its name (two equal keys: a rename)."""
        return (self.kind, self.columns, self.expression, self.references_schema, self.references_table,
                self.references_columns, self.on_delete.upper(), self.on_update.upper())


@dataclass(frozen=True)
class Table:
    database: str
    schema: str
    name: str
    owner: str | None = None
    comment: str | None = None
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()

    @property
    def qualified(self) -> str:
        return quote_ident(self.schema) + "." + quote_ident(self.name)

    @property
    def display(self) -> str:
        return f"{self.database}.{self.schema}.{self.name}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Canonical:
    """PostgreSQL's spelling of what a definition's user-written SQL means (from a scratch
    table); an absent entry means "as written"."""

    types: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str | None] = field(default_factory=dict)
    generated: Mapping[str, str | None] = field(default_factory=dict)
    checks: Mapping[str, str] = field(default_factory=dict)

    def apply(self, t: Table) -> Table:
        cols = tuple(
            replace(
                c,
                type=self.types.get(c.name, c.type),
                default=self.defaults.get(c.name, c.default),
                generated=self.generated.get(c.name, c.generated),
            )
            for c in t.columns
        )
        cons = tuple(replace(k, expression=self.checks.get(k.name, k.expression)) if k.kind == "check" else k for k in t.constraints)
        return replace(t, columns=cols, constraints=cons)


def default_constraint_name(table: str, kind: str, columns: tuple[str, ...], expression: str | None) -> str:
    """The name sheath gives a constraint that names none (PostgreSQL's pattern; checks get a
    hash of their expression, so changing one replaces it)."""
    if kind == "primary_key":
        name = f"{table}_pkey"
    elif kind == "unique":
        name = f"{table}_{'_'.join(columns)}_key"
    elif kind == "foreign_key":
        name = f"{table}_{'_'.join(columns)}_fkey"
    else:
        digest = hashlib.sha256((expression or "").encode()).hexdigest()[:8]
        name = f"{table}_check_{digest}"
    return name.encode()[:MAX_IDENTIFIER].decode(errors="ignore")


# --- data loss ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A change that can lose data: column None for the whole table."""

    what: str
    column: str | None = None


_INT_RANK = {"smallint": 1, "integer": 2, "bigint": 3}
_INT_DIGITS = {"smallint": 5, "integer": 10, "bigint": 19}
_NUMERIC = re.compile(r"^numeric\((\d+),(\d+)\)$")
_VARCHAR = re.compile(r"^character varying\((\d+)\)$")
_CHAR = re.compile(r"^character\((\d+)\)$")
_TEXTS = ("text", "character varying")


def widens(old: str, new: str) -> bool:
    """Whether every value of canonical type old is a value of canonical type new."""
    if old == new:
        return True
    if old in _INT_RANK:
        if new in _INT_RANK:
            return _INT_RANK[new] >= _INT_RANK[old]
        if new == "numeric":
            return True
        nm = _NUMERIC.match(new)
        return nm is not None and int(nm.group(1)) - int(nm.group(2)) >= _INT_DIGITS[old]
    if old == "real":
        return new == "double precision"
    m = _NUMERIC.match(old)
    if m:
        if new == "numeric":
            return True
        n = _NUMERIC.match(new)
        if n:
            p, s, p2, s2 = int(m.group(1)), int(m.group(2)), int(n.group(1)), int(n.group(2))
            return s2 >= s and p2 - s2 >= p - s
        return False
    w = _VARCHAR.match(old) or _CHAR.match(old)
    if w or old in _TEXTS:
        if new in _TEXTS:
            return True
        v = _VARCHAR.match(new)
        return w is not None and v is not None and int(v.group(1)) >= int(w.group(1))
    return False



# --- statements -----------------------------------------------------------------------------


def create_statements(t: Table) -> list[str]:
    parts = [c.definition() for c in t.columns]
    parts += [k.definition() for k in _ordered(t.constraints)]
    stmts = [f"CREATE TABLE {t.qualified} ({', '.join(parts)})"]
    if t.comment is not None:
        stmts.append(f"COMMENT ON TABLE {t.qualified} IS {quote_literal(t.comment)}")
    for c in t.columns:
        if c.comment is not None:
            stmts.append(f"COMMENT ON COLUMN {t.qualified}.{quote_ident(c.name)} IS {quote_literal(c.comment)}")
    if t.owner:
        stmts.append(f"ALTER TABLE {t.qualified} OWNER TO {quote_ident(t.owner)}")
    return stmts


def _ordered(cons: tuple[Constraint, ...] | list[Constraint]) -> list[Constraint]:
    return sorted(cons, key=lambda k: CONSTRAINT_KINDS.index(k.kind))


@dataclass
class Change:
    statements: list[str] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)


def column_renames(old: Table, new: Table) -> dict[str, str]:
    """Old name -> new name of the columns new renames (renamed_from): those whose new name
    old does not have yet while old has the column named in renamed_from, which new does not
    declare. Any other renamed_from is a spent or idle hint and changes nothing."""
    renames: dict[str, str] = {}
    for c in new.columns:
        r = c.renamed_from
        if r and r not in renames and old.column(c.name) is None and old.column(r) is not None and new.column(r) is None:
            renames[r] = c.name
    return renames


def unmatched_renames(old: Table, new: Table) -> list[tuple[str, str]]:
    """(column, renamed_from) of the hints that name no column of old while old has no
    column of the new name either: a typo would otherwise silently add a new column."""
    return [
        (c.name, c.renamed_from)
        for c in new.columns
        if c.renamed_from and old.column(c.name) is None and old.column(c.renamed_from) is None
    ]


def renamed(t: Table, renames: Mapping[str, str]) -> Table:
    """t with its columns renamed (and the constraints' column lists, as PostgreSQL renames
    them; check expressions are left as they are)."""
    if not renames:
        return t
    cols = tuple(replace(c, name=renames.get(c.name, c.name)) for c in t.columns)
    cons = tuple(
        replace(k, columns=tuple(renames.get(c, c) for c in k.columns),
                references_columns=tuple(renames.get(c, c) for c in k.references_columns)
                if k.references_schema == t.schema and k.references_table == t.name else k.references_columns)
        for k in t.constraints
    )
    return replace(t, columns=cols, constraints=cons)


def alter_statements(old: Table, new: Table, old_canon: Table, new_canon: Table) -> Change:
    """The statements that turn old into new (same database). old_canon and new_canon are
    old and new in canonical form: they decide what differs; new's spelling is what runs.
    Columns renamed (renamed_from) are renamed first and then compared under their new name."""
    ch = Change()
    out = ch.statements
    name = old.qualified
    if old.name != new.name:
        out.append(f"ALTER TABLE {name} RENAME TO {quote_ident(new.name)}")
        name = quote_ident(old.schema) + "." + quote_ident(new.name)
    if old.schema != new.schema:
        out.append(f"ALTER TABLE {name} SET SCHEMA {quote_ident(new.schema)}")
    q = new.qualified
    alter = f"ALTER TABLE {q} "
    moves = column_renames(old, new)
    for a, b in moves.items():
        out.append(alter + f"RENAME COLUMN {quote_ident(a)} TO {quote_ident(b)}")
    old, old_canon = renamed(old, moves), renamed(old_canon, moves)

    # constraints: same name and meaning stay; same meaning under another name is renamed
    old_cons = {k.name: k for k in old_canon.constraints}
    new_cons = {k.name: k for k in new_canon.constraints}
    dropped = [k for k in old_canon.constraints if k.name not in new_cons or new_cons[k.name].key() != k.key()]
    added = [k for k in new.constraints if k.name not in old_cons or old_cons[k.name].key() != new_cons[k.name].key()]
    renames: list[tuple[str, str]] = []
    for k in list(added):
        match = next((d for d in dropped if d.key() == new_cons[k.name].key() and d.name not in new_cons), None)
        if match is not None:
            dropped.remove(match)
            added.remove(k)
            renames.append((match.name, k.name))
    for k in sorted(dropped, key=lambda k: -CONSTRAINT_KINDS.index(k.kind)):  # foreign keys first
        out.append(alter + f"DROP CONSTRAINT {quote_ident(k.name)}")
    for a, b in renames:
        out.append(alter + f"RENAME CONSTRAINT {quote_ident(a)} TO {quote_ident(b)}")

    # columns
    new_names = {c.name for c in new.columns}
    for oc in old_canon.columns:
        if oc.name not in new_names:
            out.append(alter + f"DROP COLUMN {quote_ident(oc.name)}")
            if oc.generated is None:
                ch.losses.append(Loss(f"drop column {oc.name!r}", oc.name))
    adds: list[Column] = []
    regenerated: set[str] = set()
    for nc, ncc in zip(new.columns, new_canon.columns):  # first, since they depend on other columns
        occ = old_canon.column(nc.name)
        if occ is not None and ncc.generated is not None and occ.generated != ncc.generated:
            out.append(alter + f"DROP COLUMN {quote_ident(nc.name)}")
            if occ.generated is None:
                ch.losses.append(Loss(f"replace column {nc.name!r} by a generated column", nc.name))
            regenerated.add(nc.name)
    for nc, ncc in zip(new.columns, new_canon.columns):
        occ = old_canon.column(nc.name)
        if occ is None or nc.name in regenerated:
            adds.append(nc)
            continue
        _alter_column(ch, alter, nc, occ, ncc)
    for c in adds:
        out.append(alter + "ADD COLUMN " + c.definition())
    for k in _ordered(added):
        out.append(alter + "ADD " + k.definition())

    if old.comment != new.comment:
        value = "NULL" if new.comment is None else quote_literal(new.comment)
        out.append(f"COMMENT ON TABLE {q} IS {value}")
    for c in new.columns:
        was = old.column(c.name)
        before = was.comment if was is not None else None
        if c.comment != before:
            value = "NULL" if c.comment is None else quote_literal(c.comment)
            out.append(f"COMMENT ON COLUMN {q}.{quote_ident(c.name)} IS {value}")
    if new.owner and new.owner != old.owner:
        out.append(alter + f"OWNER TO {quote_ident(new.owner)}")
    if moves:  # values at stake are counted before anything runs: under the old names
        back = {b: a for a, b in moves.items()}
        ch.losses = [replace(loss, column=back.get(loss.column, loss.column)) if loss.column else loss for loss in ch.losses]
    return ch


def _alter_column(ch: Change, alter: str, nc: Column, occ: Column, ncc: Column) -> None:
    col = f"ALTER COLUMN {quote_ident(nc.name)} "
    out = ch.statements
    if occ.generated is not None and ncc.generated is None:
        out.append(alter + col + "DROP EXPRESSION")
    if occ.default is not None and ncc.default is None:
        out.append(alter + col + "DROP DEFAULT")
    if occ.type != ncc.type or occ.collation != ncc.collation:
        text = alter + col + "TYPE " + nc.type
        if nc.collation:
            text += " COLLATE " + quote_ident(nc.collation)
        if not widens(occ.type, ncc.type):
            text += f" USING {quote_ident(nc.name)}::{nc.type}"
            ch.losses.append(Loss(f"change the type of column {nc.name!r} from {occ.type} to {ncc.type}", nc.name))
        out.append(text)
    if ncc.default is not None and ncc.default != occ.default:
        out.append(alter + col + "SET DEFAULT " + (nc.default or ""))
    if occ.identity and not ncc.identity:
        out.append(alter + col + "DROP IDENTITY")
    if occ.nullable != ncc.nullable:
        out.append(alter + col + ("DROP NOT NULL" if ncc.nullable else "SET NOT NULL"))
    if ncc.identity and ncc.identity != occ.identity:
        kind = IDENTITIES[ncc.identity]
        out.append(alter + col + (f"SET GENERATED {kind}" if occ.identity else f"ADD GENERATED {kind} AS IDENTITY"))


ALLOW_HINT = "Set allow_data_loss = true on the resource, or plan with -allow-data-loss=ADDRESS naming it (for that run only), to apply it."
DESTROY_HINT = (
    "Set allow_data_loss = true on the resource and apply that first (a destroy goes by what the state says), "
    "or plan with -allow-data-loss=ADDRESS naming it (for that run only), to destroy it."
)
ALLOWED_NOTE = "Allowed: allow_data_loss is true for this run (set on the resource, or -allow-data-loss names it)."


def loss_message(t: Table, losses: list[Loss], counts: Mapping[str | None, int], hint: str = ALLOW_HINT) -> str:
    lines = [f"{t.display}: this change can lose data:"]
    for loss in losses:
        n = counts.get(loss.column, 0)
        unit = "row" if loss.column is None else "non-null value"
        lines.append(f"  - {loss.what}: {n} {unit}{'' if n == 1 else 's'} at stake")
    lines.append(hint)
    return "\n".join(lines)


__all__ = [
    "ALLOWED_NOTE",
    "ALLOW_HINT",
    "CONSTRAINT_KINDS",
    "DESTROY_HINT",
    "FK_ACTIONS",
    "IDENTITIES",
    "Canonical",
    "Change",
    "Column",
    "Constraint",
    "Loss",
    "Table",
    "alter_statements",
    "column_renames",
    "unmatched_renames",
    "create_statements",
    "default_constraint_name",
    "loss_message",
    "quote_ident",
    "quote_literal",
    "renamed",
    "widens",
]
