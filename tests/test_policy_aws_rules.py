"""Built-in rules on hand-written plan JSON: the cases no valid configuration reaches (an
encryption algorithm the provider would reject) and the plan's configuration section
standing in for the configuration."""

from __future__ import annotations

from typing import Any

from sheath.policy.aws import RULES
from sheath.policy.model import Outcome
from sheath.policy.planinput import plan_input_from_json


def _outcome(rule_id: str, doc: dict[str, Any], address: str) -> Outcome:
    plan = plan_input_from_json(doc)
    rule = next(r for r in RULES if r.id == rule_id)
    res = next(r for r in plan.resources if r.address == address)
    return rule.check(res, plan).outcome


def _bucket_with_sse(alg: str) -> dict[str, Any]:
    sse = {"bucket": "b", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": alg}]}]}
    return {
        "resource_changes": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "change": {"actions": ["create"], "after": {"bucket": "b"}, "after_unknown": {"id": True}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "mode": "managed",
             "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "b",
             "change": {"actions": ["create"], "after": sse, "after_unknown": {}}},
        ]
    }


def test_bucket_encryption_fails_only_on_an_unknown_algorithm() -> None:
    assert _outcome("CKV_AWS_19", _bucket_with_sse("XOR"), "aws_s3_bucket.b") == Outcome.FAILED
    for alg in ("AES256", "aws:kms", "aws:kms:dsse"):
        assert _outcome("CKV_AWS_19", _bucket_with_sse(alg), "aws_s3_bucket.b") == Outcome.PASSED


def test_unset_computed_attribute_counts_as_unset_from_the_plans_configuration() -> None:
    vol = {"address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v",
           "change": {"actions": ["create"], "after": {"size": 1}, "after_unknown": {"encrypted": True}}}
    doc: dict[str, Any] = {"resource_changes": [vol]}
    assert _outcome("CKV_AWS_3", doc, "aws_ebs_volume.v") == Outcome.UNKNOWN  # no configuration: not judged
    doc["configuration"] = {"root_module": {"resources": [{"address": "aws_ebs_volume.v", "expressions": {"size": {"constant_value": 1}}}]}}
    assert _outcome("CKV_AWS_3", doc, "aws_ebs_volume.v") == Outcome.FAILED
