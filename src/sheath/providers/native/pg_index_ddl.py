"""The DDL of postgresql_index: an index's definition as a dataclass and the statements
that create, rename and drop it.

Nothing here talks to PostgreSQL. Every identifier (index, schema, table, columns, access
method) is quoted; expressions and the predicate are SQL written by the user and are used
as written, each in parentheses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheath.providers.native.pg_table_ddl import quote_ident

COLUMN = "column"
EXPRESSION = "expression"


@dataclass(frozen=True)
class Shape:
    """What an index does, in the catalogs' terms: its key parts (each ``(COLUMN, name)`` or
    ``(EXPRESSION, PostgreSQL's text)``), included columns, uniqueness, method, predicate,
    and each key part's options (``COLLATE …``, an operator class, ``DESC``, ``NULLS …``;
    "" for none)."""

    keys: tuple[tuple[str, str], ...]
    include: tuple[str, ...]
    unique: bool
    method: str
    where: str | None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Index:
    database: str
    schema: str
    table: str
    name: str
    columns: tuple[str, ...] = ()
    expressions: tuple[str, ...] = ()
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    include: tuple[str, ...] = ()
    concurrently: bool = False
    column_options: tuple[str, ...] = ()  # SQL after each key part, or () for none

    @property
    def qualified(self) -> str:
        return quote_ident(self.schema) + "." + quote_ident(self.name)

    @property
    def table_qualified(self) -> str:
        return quote_ident(self.schema) + "." + quote_ident(self.table)

    @property
    def display(self) -> str:
        return f"{self.database}.{self.schema}.{self.name}"

    def shape(self) -> Shape:
        """The shape as written (expressions and predicate not in PostgreSQL's spelling)."""
        keys = tuple((COLUMN, c) for c in self.columns) + tuple((EXPRESSION, e) for e in self.expressions)
        return Shape(keys, self.include, self.unique, self.method, self.where, self.key_options())

    def key_options(self) -> tuple[str, ...]:
        """Each key part's options as written ("" for none)."""
        n = len(self.columns) + len(self.expressions)
        return tuple(" ".join(o.split()) for o in self.column_options) if self.column_options else ("",) * n


def create_statement(ix: Index) -> str:
    keys = [quote_ident(c) for c in ix.columns] + [f"({e})" for e in ix.expressions]
    keys = [f"{k} {o}" if o else k for k, o in zip(keys, ix.key_options())]
    text = "CREATE " + ("UNIQUE " if ix.unique else "") + "INDEX " + ("CONCURRENTLY " if ix.concurrently else "")
    text += f"{quote_ident(ix.name)} ON {ix.table_qualified} USING {quote_ident(ix.method)} ({', '.join(keys)})"
    if ix.include:
        text += " INCLUDE (" + ", ".join(quote_ident(c) for c in ix.include) + ")"
    if ix.where is not None:
        text += f" WHERE ({ix.where})"
    return text


def rename_statement(old: Index, new_name: str) -> str:
    return f"ALTER INDEX {old.qualified} RENAME TO {quote_ident(new_name)}"


def drop_statement(ix: Index) -> str:
    """IF EXISTS: dropping its table (or an owning constraint's) may have dropped it already."""
    return "DROP INDEX " + ("CONCURRENTLY " if ix.concurrently else "") + "IF EXISTS " + ix.qualified


def change_statements(old: Index, new: Index) -> list[str]:
    """The statements of an in-place change (only the name changes in place)."""
    return [rename_statement(old, new.name)] if old.name != new.name else []


__all__ = ["COLUMN", "EXPRESSION", "Index", "Shape", "change_statements", "create_statement", "drop_statement", "rename_statement"]
