"""The DDL of postgresql_sequence: a sequence's definition as a dataclass, PostgreSQL's
defaults for the bounds and the start, and the statements that create and alter it.

Nothing here talks to PostgreSQL. Every identifier is quoted; numbers are integers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheath.providers.native.pg_table_ddl import quote_ident

TYPE_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def split_owned_by(owned_by: str) -> tuple[str, str] | None:
    """<table>.<column> (the table in the sequence's schema; the column after the last dot)."""
    table, dot, column = owned_by.rpartition(".")
    return (table, column) if dot and table and column else None


def default_min(as_type: str, increment: int) -> int:
    return 1 if increment > 0 else TYPE_BOUNDS[as_type][0]


def default_max(as_type: str, increment: int) -> int:
    return TYPE_BOUNDS[as_type][1] if increment > 0 else -1


def default_start(increment: int, min_value: int, max_value: int) -> int:
    return min_value if increment > 0 else max_value


@dataclass(frozen=True)
class Sequence:
    database: str
    schema: str
    name: str
    as_type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 2**63 - 1
    cache: int = 1
    cycle: bool = False
    owned_by: str | None = None  # <table>.<column>

    @property
    def qualified(self) -> str:
        return quote_ident(self.schema) + "." + quote_ident(self.name)

    @property
    def display(self) -> str:
        return f"{self.database}.{self.schema}.{self.name}"

    def owner(self) -> tuple[str, str] | None:
        return split_owned_by(self.owned_by) if self.owned_by else None

    def owned_by_clause(self) -> str:
        owner = self.owner()
        if owner is None:
            return "OWNED BY NONE"
        return f"OWNED BY {quote_ident(self.schema)}.{quote_ident(owner[0])}.{quote_ident(owner[1])}"


def create_statement(s: Sequence) -> str:
    text = (
        f"CREATE SEQUENCE {s.qualified} AS {s.as_type} INCREMENT BY {s.increment} MINVALUE {s.min_value}"
        f" MAXVALUE {s.max_value} START WITH {s.start} CACHE {s.cache} {'CYCLE' if s.cycle else 'NO CYCLE'}"
    )
    if s.owned_by:
        text += " " + s.owned_by_clause()
    return text


def alter_statements(old: Sequence, new: Sequence) -> list[str]:
    """The statements that turn old into new (same database), in one transaction."""
    out: list[str] = []
    q = old.qualified
    if old.name != new.name:
        out.append(f"ALTER SEQUENCE {q} RENAME TO {quote_ident(new.name)}")
        q = quote_ident(old.schema) + "." + quote_ident(new.name)
    if old.schema != new.schema:
        out.append(f"ALTER SEQUENCE {q} SET SCHEMA {quote_ident(new.schema)}")
    clauses: list[str] = []
    if old.as_type != new.as_type:
        clauses.append(f"AS {new.as_type}")
    if old.increment != new.increment:
        clauses.append(f"INCREMENT BY {new.increment}")
    if old.min_value != new.min_value:
        clauses.append(f"MINVALUE {new.min_value}")
    if old.max_value != new.max_value:
        clauses.append(f"MAXVALUE {new.max_value}")
    if old.start != new.start:
        clauses.append(f"START WITH {new.start}")
    if old.cache != new.cache:
        clauses.append(f"CACHE {new.cache}")
    if old.cycle != new.cycle:
        clauses.append("CYCLE" if new.cycle else "NO CYCLE")
    if old.owner() != new.owner() or (old.schema != new.schema and new.owned_by):
        clauses.append(new.owned_by_clause())
    if clauses:
        out.append(f"ALTER SEQUENCE {new.qualified} {' '.join(clauses)}")
    return out


__all__ = [
    "TYPE_BOUNDS",
    "Sequence",
    "alter_statements",
    "create_statement",
    "default_max",
    "default_min",
    "default_start",
    "split_owned_by",
]
