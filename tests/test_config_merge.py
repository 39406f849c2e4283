"""Override files merge into primary declarations as terraform merges them."""

from __future__ import annotations

from pathlib import Path

from config_helpers import load, summaries

from sheath.config.loader import config_files, is_override_file
from sheath.lang import hcl
from sheath.types.cty import NUMBER


def test_override_file_names(tmp_path: Path) -> None:
    for n in ["override.tf", "a_override.tf", "override.tf.json", "x_override.tf.json"]:
        assert is_override_file(n)
    for n in ["overrides.tf", "main.tf", "override_a.tf"]:
        assert not is_override_file(n)
    for n in ["b.tf", "a.tf", "override.tf", "a_override.tf", ".hidden.tf", "x.tf~", "notes.txt", "c.tf.json"]:
        (tmp_path / n).write_text("")
    primary, override, _ = config_files(str(tmp_path))
    assert [Path(p).name for p in primary] == ["a.tf", "b.tf", "c.tf.json"]
    assert [Path(p).name for p in override] == ["a_override.tf", "override.tf"]


def test_variable_local_output_override(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        {
            "main.tf": 'variable "v" {\n  type = string\n  default = "a"\n  description = "keep"\n}\n'
            'locals {\n  l = 1\n  k = 2\n}\noutput "o" {\n  value = 1\n  description = "d"\n}\n',
            "main_override.tf": 'variable "v" {\n  type = number\n  default = 5\n}\nlocals {\n  l = 10\n}\n'
            'output "o" {\n  sensitive = true\n}\n',
        },
    )
    assert not d, d
    v = m.variables["v"]
    assert v.type == NUMBER and v.default is not None and v.default.type == NUMBER
    assert v.description == "keep"
    assert m.locals["l"].expr.range.filename.endswith("main_override.tf")
    assert m.locals["k"].expr.range.filename.endswith("main.tf")
    o = m.outputs["o"]
    assert o.sensitive and o.description == "d" and o.expr is not None


def test_override_type_invalidates_default(tmp_path: Path) -> None:
    _, d = load(tmp_path, {"main.tf": 'variable "v" {\n  default = "abc"\n}\n', "override.tf": 'variable "v" {\n  type = number\n}\n'})
    assert summaries(d) == ["Invalid default value for variable"]
    assert d[0].detail.startswith("Overriding this variable's type constraint has made its default value invalid")


def test_resource_override_attributes_and_blocks(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        {
            "main.tf": """
resource "aws_instance" "a" {
  count = 2
  ami   = "base"
  type  = "t2"
  ebs {
    size = 1
  }
  ebs {
    size = 2
  }
  tag {
    k = "keep"
  }
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }
}
""",
            "override.tf": """
resource "aws_instance" "a" {
  for_each = {}
  ami      = "over"
  ebs {
    size = 3
  }
  lifecycle {
    prevent_destroy = true
  }
}
""",
        },
    )
    assert not d, d
    r = m.managed_resources["aws_instance.a"]
    assert r.for_each is not None and r.count is None
    content, d2 = r.config.content(
        hcl.BodySchema(
            attributes=(hcl.AttributeSchema("ami"), hcl.AttributeSchema("type")),
            blocks=(hcl.BlockHeaderSchema("ebs"), hcl.BlockHeaderSchema("tag")),
        )
    )
    assert not d2
    assert content.attributes["ami"].expr.range.filename.endswith("override.tf")
    assert content.attributes["type"].expr.range.filename.endswith("main.tf")
    ebs = [b for b in content.blocks if b.type == "ebs"]
    assert len(ebs) == 1 and ebs[0].def_range.filename.endswith("override.tf")
    assert [b.type for b in content.blocks].count("tag") == 1
    mr = r.managed
    assert mr is not None and mr.create_before_destroy and mr.prevent_destroy
    assert len(mr.ignore_changes) == 1


def test_dynamic_block_counts_as_its_type(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        {
            "main.tf": 'resource "x" "a" {\n  ebs {\n    size = 1\n  }\n}\n',
            "override.tf": 'resource "x" "a" {\n  dynamic "ebs" {\n    for_each = [1]\n    content {\n      size = ebs.value\n    }\n  }\n}\n',
        },
    )
    assert not d
    content, _ = m.managed_resources["x.a"].config.content(
        hcl.BodySchema(blocks=(hcl.BlockHeaderSchema("ebs"), hcl.BlockHeaderSchema("dynamic", ("type",))))
    )
    assert [b.type for b in content.blocks] == ["dynamic"]


def test_module_and_provider_override(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./a"\n  x = 1\n}\nprovider "aws" {\n  region = "a"\n}\n',
            "override.tf": 'module "m" {\n  source = "./b"\n  y = 2\n}\nprovider "aws" {\n  region = "b"\n}\n',
        },
    )
    assert not d, d
    mc = m.module_calls["m"]
    assert mc.source_addr_raw == "./b"
    attrs, _ = mc.config.just_attributes()
    assert sorted(attrs) == ["x", "y"]
    pattrs, _ = m.provider_configs["aws"].config.just_attributes()
    assert pattrs["region"].expr.range.filename.endswith("override.tf")


def test_required_attribute_can_come_from_either_side(tmp_path: Path) -> None:
    m, d = load(tmp_path, {"main.tf": 'output "o" {\n  value = 1\n}\n', "override.tf": 'output "o" {\n  description = "x"\n}\n'})
    assert not d and m.outputs["o"].expr is not None


def test_missing_base_declarations(tmp_path: Path) -> None:
    _, d = load(
        tmp_path,
        {
            "main.tf": "",
            "override.tf": 'variable "v" {}\nlocals {\n  l = 1\n}\noutput "o" {\n  value = 1\n}\nmodule "m" {\n  source = "./x"\n}\n'
            'resource "a" "b" {}\ndata "a" "b" {}\nprovider "aws" {}\nprovider "aws" {\n  alias = "w"\n}\n',
        },
    )
    assert sorted(summaries(d)) == sorted(
        [
            "Missing base variable declaration to override",
            "Missing base local value definition to override",
            "Missing base output definition to override",
            "Missing module call to override",
            "Missing resource to override",
            "Missing data resource to override",
            "Missing base provider configuration for override",
        ]
    )


def test_refactoring_blocks_cannot_be_overridden(tmp_path: Path) -> None:
    _, d = load(
        tmp_path,
        {
            "main.tf": 'resource "terraform_data" "a" {}\n',
            "override.tf": 'moved {\n  from = terraform_data.x\n  to = terraform_data.a\n}\n'
            'import {\n  to = terraform_data.a\n  id = "x"\n}\nremoved {\n  from = terraform_data.z\n}\n'
            'check "c" {\n  assert {\n    condition = terraform_data.a.id != ""\n    error_message = "y"\n  }\n}\n',
        },
    )
    assert summaries(d) == ["Can't override check blocks", "Cannot override 'moved' blocks", "Cannot override 'import' blocks"]


def test_override_terraform_settings(tmp_path: Path) -> None:
    m, d = load(
        tmp_path,
        {
            "main.tf": 'terraform {\n  required_version = ">= 1.0"\n  backend "local" {}\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n    b = { source = "x/b" }\n  }\n}\n',
            "override.tf": 'terraform {\n  required_version = ">= 1.5"\n  cloud {\n    organization = "o"\n  }\n  required_providers {\n    aws = { source = "acme/aws" }\n  }\n}\n',
        },
    )
    assert not d, d
    assert [str(c.required) for c in m.core_version_constraints] == [">= 1.5"]
    assert m.backend is None and m.cloud_config is not None
    assert m.provider_requirements is not None
    rp = m.provider_requirements.required_providers
    assert str(rp["aws"].type) == "registry.terraform.io/acme/aws" and "b" in rp
