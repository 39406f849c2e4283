"""The DDL of postgresql_view and postgresql_materialized_view: a view's definition as a
dataclass and the statements that create, change and drop it.

Nothing here talks to PostgreSQL. Identifiers are quoted; the query is SQL written by the
user and is used as written (without trailing semicolons), always last in CREATE VIEW (a
materialized view's WITH [NO] DATA follows it, on a line of its own when the query has a ``--``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sheath.providers.native.pg_table_ddl import quote_ident, quote_literal

CHECK_OPTIONS = ("LOCAL", "CASCADED")

# how an update changes the definition (query and columns)
SAME = "same"  # no change (or a respelling PostgreSQL reads the same)
REPLACE = "replace"  # CREATE OR REPLACE VIEW: the old columns stay, new ones are appended
RECREATE = "recreate"  # DROP and CREATE in one transaction


@dataclass(frozen=True)
class Shape:
    """What a view is in the catalogs' terms: pg_get_viewdef's text and its columns, each
    (name, type as format_type prints it, collation when not the type's default)."""

    definition: str
    columns: tuple[tuple[str, str, str | None], ...]


@dataclass(frozen=True)
class View:
    database: str
    schema: str
    name: str
    query: str
    columns: tuple[str, ...] | None = None
    materialized: bool = False
    check_option: str | None = None  # LOCAL or CASCADED (views)
    security_barrier: bool = False  # (views)
    security_invoker: bool = False  # (views)
    with_data: bool = True  # (materialized views)
    tablespace: str | None = None  # (materialized views)
    owner: str | None = None
    comment: str | None = None

    @property
    def keyword(self) -> str:
        return "MATERIALIZED VIEW" if self.materialized else "VIEW"

    @property
    def qualified(self) -> str:
        return quote_ident(self.schema) + "." + quote_ident(self.name)

    @property
    def display(self) -> str:
        return f"{self.database}.{self.schema}.{self.name}"

    def options(self) -> list[str]:
        """The view's reloptions, as CREATE VIEW ... WITH (...) writes them."""
        out: list[str] = []
        if self.check_option:
            out.append(f"check_option={self.check_option.lower()}")
        if self.security_barrier:
            out.append("security_barrier=true")
        if self.security_invoker:
            out.append("security_invoker=true")
        return out


def query_body(query: str) -> str:
    """The query without surrounding blanks and trailing semicolons."""
    text = query.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def columns_clause(v: View) -> str:
    return "" if v.columns is None else " (" + ", ".join(quote_ident(c) for c in v.columns) + ")"


def definition_statement(v: View, or_replace: bool = False) -> str:
    """CREATE [OR REPLACE] [MATERIALIZED] VIEW."""
    head = "CREATE OR REPLACE " if or_replace else "CREATE "
    text = f"{head}{v.keyword} {v.qualified}{columns_clause(v)}"
    if v.materialized:
        if v.tablespace is not None:
            text += f" TABLESPACE {quote_ident(v.tablespace)}"
        body = query_body(v.query)
        sep = "\n" if "--" in body else " "  # (a line comment would swallow WITH DATA)
        return text + f" AS {body}{sep}" + ("WITH DATA" if v.with_data else "WITH NO DATA")
    opts = v.options()
    if opts:
        text += " WITH (" + ", ".join(opts) + ")"
    return text + f" AS {query_body(v.query)}"


def comment_statement(v: View) -> str:
    value = "NULL" if v.comment is None else quote_literal(v.comment)
    return f"COMMENT ON {v.keyword} {v.qualified} IS {value}"


def owner_statement(v: View) -> str:
    return f"ALTER {v.keyword} {v.qualified} OWNER TO {quote_ident(v.owner or '')}"


def create_statements(v: View) -> list[str]:
    stmts = [definition_statement(v)]
    if v.comment is not None:
        stmts.append(comment_statement(v))
    if v.owner:
        stmts.append(owner_statement(v))
    return stmts


def drop_statement(v: View, if_exists: bool = False) -> str:
    return f"DROP {v.keyword} " + ("IF EXISTS " if if_exists else "") + v.qualified


@dataclass(frozen=True)
class Privileges:
    """What one grantee (None: PUBLIC) holds on a view, from its ACL."""

    grantee: str | None
    privileges: tuple[str, ...]
    with_grant_option: bool = False


def grant_statement(v: View, p: Privileges) -> str:
    to = "PUBLIC" if p.grantee is None else quote_ident(p.grantee)
    text = f"GRANT {', '.join(p.privileges)} ON {v.qualified} TO {to}"
    return text + (" WITH GRANT OPTION" if p.with_grant_option else "")


def replaceable(old: Shape, new: Shape) -> bool:
    """Whether CREATE OR REPLACE VIEW can turn old into new: the same leading columns
    (names, types, collations), possibly more after them."""
    return len(new.columns) >= len(old.columns) and new.columns[: len(old.columns)] == old.columns


def change_statements(old: View, new: View, mode: str, grants: tuple[Privileges, ...] = ()) -> list[str]:
    """The statements of an update (same database and kind), run in one transaction. A
    recreated view gets the privileges the old one had (grants) again."""
    if mode == RECREATE:
        return [drop_statement(old)] + create_statements(new) + [grant_statement(new, g) for g in grants]
    out: list[str] = []
    kw = new.keyword
    q = old.qualified
    if old.name != new.name:
        out.append(f"ALTER {kw} {q} RENAME TO {quote_ident(new.name)}")
        q = quote_ident(old.schema) + "." + quote_ident(new.name)
    if old.schema != new.schema:
        out.append(f"ALTER {kw} {q} SET SCHEMA {quote_ident(new.schema)}")
    if mode == REPLACE:
        out.append(definition_statement(new, or_replace=True))
    elif not new.materialized:
        old_opts = {o.split("=")[0]: o for o in old.options()}
        new_opts = {o.split("=")[0]: o for o in new.options()}
        sets = [o for k, o in new_opts.items() if old_opts.get(k) != o]
        resets = [k for k in old_opts if k not in new_opts]
        if sets:
            out.append(f"ALTER VIEW {new.qualified} SET ({', '.join(sets)})")
        if resets:
            out.append(f"ALTER VIEW {new.qualified} RESET ({', '.join(resets)})")
    if new.materialized:
        if old.tablespace != new.tablespace:
            out.append(f"ALTER MATERIALIZED VIEW {new.qualified} SET TABLESPACE {quote_ident(new.tablespace or 'pg_default')}")
        if old.with_data != new.with_data:
            out.append(f"REFRESH MATERIALIZED VIEW {new.qualified}" + ("" if new.with_data else " WITH NO DATA"))
    if old.comment != new.comment:
        out.append(comment_statement(new))
    if new.owner and old.owner != new.owner:
        out.append(owner_statement(new))
    return out


__all__ = [
    "CHECK_OPTIONS",
    "RECREATE",
    "REPLACE",
    "SAME",
    "Privileges",
    "Shape",
    "View",
    "change_statements",
    "columns_clause",
    "create_statements",
    "definition_statement",
    "drop_statement",
    "grant_statement",
    "query_body",
    "replaceable",
]
