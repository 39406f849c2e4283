"""Nested set blocks with the real AWS provider against moto, compared with terraform: the
proposed new state pairs each configured set element with the prior element it could have
become (terraform's objchange.proposedNewNestingSet and validPriorFromConfig), and the
planned change, JSON and human, must be terraform's.

DynamoDB's ``attribute`` and ``global_secondary_index`` are set blocks whose elements carry
attributes the provider computes (capacities) and a set attribute of their own
(``non_key_attributes``)."""

from __future__ import annotations


import pytest

from test_aws_e2e import (  # noqa: F401  (fixtures)
    MORE_SERVICES,
    Pair,
    Tools,
    assert_same_changes,
    e2e_env,
    names,
    ok,
    pair,
    plan_body,
    provider_hcl,
    tools,
)

pytestmark = [pytest.mark.oracle, pytest.mark.slow]

def same_plans(pair: Pair) -> None:
    splan, tplan, _ = pair.plan_both()
    assert_same_changes(splan, tplan)
    assert splan.get("output_changes") == tplan.get("output_changes")
    args = ["plan", "-input=false", "-no-color"]
    s = ok(pair.tools.sheath(args, pair.sheath_dir), "sheath plan")
    t = ok(pair.tools.tf(args, pair.tf_dir), "terraform plan")
    assert plan_body(s) == plan_body(t)


def _table(names: str, included: list[str], extra_index: bool) -> str:
    more = (
        """
  global_secondary_index {
    name            = "by-g3"
    hash_key        = "g3"
    projection_type = "ALL"
  }
"""
        if extra_index
        else ""
    )
    attr3 = '\n  attribute {\n    name = "g3"\n    type = "S"\n  }\n' if extra_index else ""
    nka = ", ".join(f'"{a}"' for a in included)
    return f"""
resource "aws_dynamodb_table" "t" {{
  name         = "{names}-sets"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {{
    name = "pk"
    type = "S"
  }}
  attribute {{
    name = "g1"
    type = "S"
  }}
  attribute {{
    name = "g2"
    type = "N"
  }}
{attr3}
  global_secondary_index {{
    name               = "by-g1"
    hash_key           = "g1"
    projection_type    = "INCLUDE"
    non_key_attributes = [{nka}]
  }}
  global_secondary_index {{
    name            = "by-g2"
    hash_key        = "g2"
    projection_type = "KEYS_ONLY"
  }}
{more}}}
"""


def test_set_blocks_pair_with_their_prior_elements(pair: Pair, tools: Tools, moto_server: str, names: str) -> None:
    hcl = provider_hcl(moto_server, MORE_SERVICES)
    pair.write(hcl + _table(names, ["a", "b"], False))
    pair.init()
    same_plans(pair)
    pair.apply()
    pair.terraform_sees_no_changes()
    # one element's nested set changes, the other stays: an update of the table
    pair.write(hcl + _table(names, ["a", "c"], False))
    same_plans(pair)
    pair.apply()
    pair.terraform_sees_no_changes()
    # an element added to each set
    pair.write(hcl + _table(names, ["a", "c"], True))
    same_plans(pair)
    pair.apply()
    pair.terraform_sees_no_changes()
    ok(tools.sheath(["destroy", "-auto-approve", "-input=false", "-no-color"], pair.sheath_dir), "sheath destroy")
