"""The data sources postgresql_schemas, postgresql_tables and postgresql_sequences of the
native cyrilgdn/postgresql provider against a real PostgreSQL the tests start: every
filter argument, the attributes and ids as the community provider writes them, and the
results compared with what pg_namespace and pg_class list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from postgres_helpers import PostgresServer, postgres, run_sql  # noqa: F401 - the fixture

SETUP_SQL = """
CREATE SCHEMA sales; CREATE SCHEMA sales_archive; CREATE SCHEMA hr;
CREATE TABLE sales.orders (id serial PRIMARY KEY);
CREATE TABLE sales.order_items (id int);
CREATE VIEW sales.order_totals AS SELECT count(*) AS n FROM sales.orders;
CREATE TABLE sales_archive.orders_2020 (id int);
CREATE TABLE hr.people (id int);
CREATE TABLE hr."o'brien_notes" (id int);
CREATE SEQUENCE sales.invoice_seq AS bigint;
CREATE SEQUENCE hr.badge_seq AS smallint;
"""

CONFIG = """
terraform {{
  required_providers {{
    postgresql = {{ source = "cyrilgdn/postgresql" }}
  }}
}}
provider "postgresql" {{
  host             = "127.0.0.1"
  port             = {port}
  sslmode          = "disable"
  connect_timeout  = 15
  expected_version = "15"
}}

data "postgresql_schemas" "user" {{
  database = "catalog"
}}
data "postgresql_schemas" "system" {{
  database               = "catalog"
  include_system_schemas = true
}}
data "postgresql_schemas" "sales_live" {{
  database              = "catalog"
  like_any_patterns     = ["sales%"]
  not_like_all_patterns = ["%archive"]
}}
data "postgresql_schemas" "regex" {{
  database      = "catalog"
  regex_pattern = "^h"
}}
data "postgresql_tables" "sales_base" {{
  database    = "catalog"
  schemas     = ["sales"]
  table_types = ["BASE TABLE"]
}}
data "postgresql_tables" "orders_like" {{
  database          = "catalog"
  schemas           = ["sales", "sales_archive"]
  like_all_patterns = ["order%", "%s"]
}}
data "postgresql_tables" "quoted" {{
  database          = "catalog"
  like_any_patterns = ["o'brien%"]
}}
data "postgresql_tables" "all" {{
  database = "catalog"
}}
data "postgresql_sequences" "user" {{
  database = "catalog"
  schemas  = ["hr", "sales"]
}}
data "postgresql_sequences" "regex" {{
  database      = "catalog"
  regex_pattern = "^inv"
}}

output "schemas_user" {{ value = data.postgresql_schemas.user.schemas }}
output "schemas_system" {{ value = data.postgresql_schemas.system.schemas }}
output "schemas_sales_live" {{ value = data.postgresql_schemas.sales_live.schemas }}
output "schemas_sales_live_id" {{ value = data.postgresql_schemas.sales_live.id }}
output "schemas_regex" {{ value = data.postgresql_schemas.regex.schemas }}
output "tables_sales_base" {{ value = data.postgresql_tables.sales_base.tables }}
output "tables_sales_base_id" {{ value = data.postgresql_tables.sales_base.id }}
output "tables_orders_like" {{ value = [for t in data.postgresql_tables.orders_like.tables : "${{t.schema_name}}.${{t.object_name}}:${{t.table_type}}"] }}
output "tables_quoted" {{ value = [for t in data.postgresql_tables.quoted.tables : t.object_name] }}
output "tables_all" {{ value = [for t in data.postgresql_tables.all.tables : "${{t.schema_name}}.${{t.object_name}}"] }}
output "sequences_user" {{ value = data.postgresql_sequences.user.sequences }}
output "sequences_user_id" {{ value = data.postgresql_sequences.user.id }}
output "sequences_regex" {{ value = [for s in data.postgresql_sequences.regex.sequences : s.object_name] }}
"""


def _ok(run_sheath: Any, args: list[str], d: Path, rc: int = 0) -> str:
    r = run_sheath([args[0], "-no-color", *args[1:]], d)
    assert r.returncode == rc, (args, r.stdout, r.stderr)
    return str(r.stdout)


def _names(server: PostgresServer, query: str) -> list[str]:
    return [str(r[0]) for r in run_sql(server, query, "catalog")]


def test_data_sources_list_what_the_catalogs_hold(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    run_sql(postgres, "CREATE DATABASE catalog")
    run_sql(postgres, SETUP_SQL, "catalog")
    d = tmp_path
    (d / "main.tf").write_text(CONFIG.format(port=postgres.port))
    _ok(run_sheath, ["init"], d)
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    out = {k: v["value"] for k, v in json.loads(_ok(run_sheath, ["output", "-json"], d)).items()}

    # schemas, compared with pg_namespace
    assert out["schemas_user"] == _names(postgres, "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1")
    assert out["schemas_user"] == ["hr", "public", "sales", "sales_archive"]
    assert out["schemas_system"] == _names(postgres, "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_temp%' AND nspname NOT LIKE 'pg\\_toast\\_temp%' ORDER BY 1")
    assert {"information_schema", "pg_catalog"} <= set(out["schemas_system"])
    assert out["schemas_sales_live"] == ["sales"]
    assert out["schemas_sales_live_id"] == "catalog_false_ANY (array['sales%'])_ALL (array[])_ALL (array['%archive'])_"
    assert out["schemas_regex"] == ["hr"]

    # tables, compared with pg_class
    assert out["tables_sales_base"] == [
        {"object_name": n, "schema_name": "sales", "table_type": "BASE TABLE"}
        for n in _names(postgres, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relkind = 'r' ORDER BY 1")
    ]
    assert [t["object_name"] for t in out["tables_sales_base"]] == ["order_items", "orders"]
    assert out["tables_sales_base_id"] == "catalog_ANY (array['sales'])_ANY (array['BASE TABLE'])_ANY (array[])_ALL (array[])_ALL (array[])_"
    assert out["tables_orders_like"] == ["sales.order_items:BASE TABLE", "sales.order_totals:VIEW", "sales.orders:BASE TABLE"]
    assert out["tables_quoted"] == ["o'brien_notes"]
    in_catalog = _names(
        postgres,
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'v', 'f', 'p') AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY n.nspname, c.relname",
    )
    assert [t for t in out["tables_all"] if not t.startswith(("pg_catalog.", "information_schema."))] == [
        t for t in in_catalog if not t.startswith(("pg_catalog.", "information_schema."))
    ]
    assert "pg_catalog.pg_class" in out["tables_all"]  # every schema by default, as documented

    # sequences, compared with pg_sequence
    assert out["sequences_user"] == [
        {"data_type": "smallint", "object_name": "badge_seq", "schema_name": "hr"},
        {"data_type": "bigint", "object_name": "invoice_seq", "schema_name": "sales"},
        {"data_type": "integer", "object_name": "orders_id_seq", "schema_name": "sales"},
    ]
    assert [(s["schema_name"], s["object_name"], s["data_type"]) for s in out["sequences_user"]] == [
        tuple(r)
        for r in run_sql(
            postgres,
            "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY 1, 2",
            "catalog",
        )
    ]
    assert out["sequences_user_id"] == "catalog_ANY (array['hr','sales'])_ANY (array[])_ALL (array[])_ALL (array[])_"
    assert out["sequences_regex"] == ["invoice_seq"]

    # a new table shows in the next plan's read
    run_sql(postgres, "CREATE TABLE sales.returns (id int)", "catalog")
    plan = _ok(run_sheath, ["plan", "-detailed-exitcode"], d, rc=2)
    assert "sales.returns" in plan
    _ok(run_sheath, ["apply", "-auto-approve"], d)
    _ok(run_sheath, ["plan", "-detailed-exitcode"], d)


def test_unknown_database_is_a_diagnostic(postgres: PostgresServer, tmp_path: Path, run_sheath: Any) -> None:  # noqa: F811
    d = tmp_path
    (d / "main.tf").write_text(CONFIG.format(port=postgres.port).split("data ")[0] + 'data "postgresql_schemas" "x" {\n  database = "no_such_db"\n}\n')
    _ok(run_sheath, ["init"], d)
    r = run_sheath(["plan", "-no-color"], d)
    assert r.returncode == 1 and "Error reading postgresql_schemas" in r.stderr and "no_such_db" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
