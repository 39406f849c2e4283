"""Data sources of the native PostgreSQL provider, with the community provider's (1.25.0)
arguments, attributes and ids: postgresql_schemas, postgresql_tables, postgresql_sequences.

Each lists names from information_schema in the database it names, filtered by the
optional name patterns (LIKE ANY, LIKE ALL, NOT LIKE ALL, a regular expression) and, for
tables and sequences, by schema (and table type). Patterns are passed as query
parameters, never spliced into the SQL. Rows come ordered by schema and name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sheath.diag import Diagnostics
from sheath.providers.native.pg_client import Client, PostgresError, error_diagnostics
from sheath.providers.native.pg_resources import str_or_none, strings
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import DataSourceType, attr, with_attrs
from sheath.types import BOOL, FALSE, STRING, TRUE, ListType, ObjectType, SetType, Value, list_val, object_val, set_val, string_val


def pattern_array(patterns: Sequence[str], keyword: str) -> str:
    """The community provider's text of a pattern list in ids: ANY (array['a','b'])."""
    quoted = ",".join(f"'{p}'" for p in patterns)
    return f"{keyword} (array[{quoted}])"


@dataclass(frozen=True)
class NameFilters:
    """The pattern arguments every data source has."""

    like_any: list[str]
    like_all: list[str]
    not_like_all: list[str]
    regex: str | None

    @staticmethod
    def of(config: Value) -> NameFilters:
        return NameFilters(
            strings(attr(config, "like_any_patterns")),
            strings(attr(config, "like_all_patterns")),
            strings(attr(config, "not_like_all_patterns")),
            str_or_none(attr(config, "regex_pattern")) or None,
        )

    def conditions(self, column: str) -> list[tuple[str, tuple[Any, ...]]]:
        out: list[tuple[str, tuple[Any, ...]]] = []
        if self.like_any:
            out.append((f"{column} LIKE ANY (%s::text[])", (self.like_any,)))
        if self.like_all:
            out.append((f"{column} LIKE ALL (%s::text[])", (self.like_all,)))
        if self.not_like_all:
            out.append((f"{column} NOT LIKE ALL (%s::text[])", (self.not_like_all,)))
        if self.regex:
            out.append((f"{column} ~ %s", (self.regex,)))
        return out

    def id_parts(self) -> list[str]:
        return [pattern_array(self.like_any, "ANY"), pattern_array(self.like_all, "ALL"), pattern_array(self.not_like_all, "ALL"), self.regex or ""]


def in_list(column: str, values: list[str]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(f"{column} = ANY (%s::text[])", (values,))] if values else []


def pattern_attributes() -> dict[str, Attribute]:
    return {
        "database": Attribute(STRING, required=True),
        "id": Attribute(STRING, optional=True, computed=True),
        "like_all_patterns": Attribute(ListType(STRING), optional=True),
        "like_any_patterns": Attribute(ListType(STRING), optional=True),
        "not_like_all_patterns": Attribute(ListType(STRING), optional=True),
        "regex_pattern": Attribute(STRING, optional=True),
    }


class PgDataSource(DataSourceType):
    type_name = ""

    def __init__(self, client: Client) -> None:
        self.client = client

    def read(self, config: Value) -> tuple[Value | None, Diagnostics]:
        try:
            return self.read_names(config), Diagnostics()
        except PostgresError as exc:
            return None, error_diagnostics(f"Error reading {self.type_name}", exc)

    def select(self, sql: str, conditions: list[tuple[str, tuple[Any, ...]]], order: str, database: str) -> list[tuple[Any, ...]]:
        params: list[Any] = []
        if conditions:
            sql += " WHERE " + " AND ".join(c for c, _ in conditions)
            for _, p in conditions:
                params.extend(p)
        return self.client.query(sql + " ORDER BY " + order, params, database=database)

    def read_names(self, config: Value) -> Value:
        raise NotImplementedError


class Schemas(PgDataSource):
    type_name = "postgresql_schemas"
    schema = Schema(
        Block(
            {
                **pattern_attributes(),
                "include_system_schemas": Attribute(BOOL, optional=True),
                "schemas": Attribute(SetType(STRING), computed=True),
            }
        )
    )

    def read_names(self, config: Value) -> Value:
        database = attr(config, "database").as_str()
        system = attr(config, "include_system_schemas").v is True
        filters = NameFilters.of(config)
        conditions = [] if system else [("schema_name NOT LIKE 'pg_%%' AND schema_name <> 'information_schema'", ())]
        rows = self.select("SELECT schema_name FROM information_schema.schemata", conditions + filters.conditions("schema_name"), "schema_name", database)
        sid = "_".join([database, str(system).lower(), *filters.id_parts()])
        return with_attrs(
            config,
            id=string_val(sid),
            include_system_schemas=TRUE if system else FALSE,
            schemas=set_val([string_val(r[0]) for r in rows], STRING),
        )


TABLE_OBJECT = ObjectType({"object_name": STRING, "schema_name": STRING, "table_type": STRING})
SEQUENCE_OBJECT = ObjectType({"data_type": STRING, "object_name": STRING, "schema_name": STRING})


class Tables(PgDataSource):
    type_name = "postgresql_tables"
    schema = Schema(
        Block(
            {
                **pattern_attributes(),
                "schemas": Attribute(ListType(STRING), optional=True),
                "table_types": Attribute(ListType(STRING), optional=True),
                "tables": Attribute(ListType(TABLE_OBJECT), computed=True),
            }
        )
    )

    def read_names(self, config: Value) -> Value:
        database = attr(config, "database").as_str()
        schemas, types = strings(attr(config, "schemas")), strings(attr(config, "table_types"))
        filters = NameFilters.of(config)
        rows = self.select(
            "SELECT table_name, table_schema, table_type FROM information_schema.tables",
            in_list("table_schema", schemas) + in_list("table_type", types) + filters.conditions("table_name"),
            "table_schema, table_name",
            database,
        )
        tables = [object_val({"object_name": string_val(n), "schema_name": string_val(s), "table_type": string_val(t)}) for n, s, t in rows]
        sid = "_".join([database, pattern_array(schemas, "ANY"), pattern_array(types, "ANY"), *filters.id_parts()])
        return with_attrs(config, id=string_val(sid), tables=list_val(tables, TABLE_OBJECT))


class Sequences(PgDataSource):
    type_name = "postgresql_sequences"
    schema = Schema(
        Block(
            {
                **pattern_attributes(),
                "schemas": Attribute(ListType(STRING), optional=True),
                "sequences": Attribute(ListType(SEQUENCE_OBJECT), computed=True),
            }
        )
    )

    def read_names(self, config: Value) -> Value:
        database = attr(config, "database").as_str()
        schemas = strings(attr(config, "schemas"))
        filters = NameFilters.of(config)
        rows = self.select(
            "SELECT sequence_name, sequence_schema, data_type FROM information_schema.sequences",
            in_list("sequence_schema", schemas) + filters.conditions("sequence_name"),
            "sequence_schema, sequence_name",
            database,
        )
        seqs = [object_val({"data_type": string_val(t), "object_name": string_val(n), "schema_name": string_val(s)}) for n, s, t in rows]
        sid = "_".join([database, pattern_array(schemas, "ANY"), *filters.id_parts()])
        return with_attrs(config, id=string_val(sid), sequences=list_val(seqs, SEQUENCE_OBJECT))


def data_sources(client: Client) -> dict[str, DataSourceType]:
    return {"postgresql_schemas": Schemas(client), "postgresql_sequences": Sequences(client), "postgresql_tables": Tables(client)}


__all__ = ["NameFilters", "Schemas", "Sequences", "Tables", "data_sources", "pattern_array"]
