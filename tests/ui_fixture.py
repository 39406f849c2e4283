"""A small working directory for the sheath ui tests: a configuration with a module and a
data source, and the state terraform 1.11.4 wrote for it after an apply (one attribute and
one output sensitive)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sheath.ui.server import make_server

SECRET = "s3cr3t-value"

MAIN_TF = """resource "terraform_data" "base" {
  input = "x"
}

module "app" {
  source = "./mod"
  name   = terraform_data.base.output
}

resource "terraform_data" "after" {
  input = module.app.id
}

data "terraform_remote_state" "other" {
  backend = "local"
  config  = { path = "other.tfstate" }
}

output "secret_out" {
  value     = module.app.id
  sensitive = true
}
"""

MOD_TF = """variable "name" {
  type = string
}

resource "terraform_data" "secret" {
  input = sensitive(var.name)
}

output "id" {
  value = terraform_data.secret.id
}
"""

_PROVIDER = 'provider["terraform.io/builtin/terraform"]'


def _data(id_: str, value: str) -> dict[str, object]:
    return {"id": id_, "input": {"value": value, "type": "string"}, "output": {"value": "x", "type": "string"}, "triggers_replace": None}


STATE = {
    "version": 4,
    "terraform_version": "1.11.4",
    "serial": 4,
    "lineage": "c56e92df-213f-3ec1-7c14-b50bbfd09703",
    "outputs": {"secret_out": {"value": SECRET, "type": "string", "sensitive": True}},
    "resources": [
        {
            "mode": "managed",
            "type": "terraform_data",
            "name": "after",
            "provider": _PROVIDER,
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": _data("e5dc07cf-6482-f7aa-db9b-5e4e55b3ca7b", "328d914e"),
                    "sensitive_attributes": [],
                    "dependencies": ["module.app.terraform_data.secret", "terraform_data.base"],
                }
            ],
        },
        {
            "mode": "managed",
            "type": "terraform_data",
            "name": "base",
            "provider": _PROVIDER,
            "instances": [{"schema_version": 0, "attributes": _data("551cfee2-d351-45ff-59a9-a4b7ca92bd99", "x"), "sensitive_attributes": []}],
        },
        {
            "module": "module.app",
            "mode": "managed",
            "type": "terraform_data",
            "name": "secret",
            "provider": _PROVIDER,
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": _data("328d914e-7245-d921-ee82-b3b63d2496e8", SECRET),
                    "sensitive_attributes": [[{"type": "get_attr", "value": "input"}]],
                    "dependencies": ["terraform_data.base"],
                }
            ],
        },
    ],
    "check_results": None,
}


def write_workdir(root: Path) -> Path:
    (root / "mod").mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(MAIN_TF)
    (root / "mod" / "main.tf").write_text(MOD_TF)
    (root / "terraform.tfstate").write_text(json.dumps(STATE, indent=2))
    return root


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """sheath ui's server for root on a free loopback port, in a thread; yields its base URL."""
    srv, bad = make_server(str(root), "127.0.0.1", 0)
    assert srv is not None, bad
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()
