"""Your own policies: terraform's policy syntax (*.policy.hcl) and Python (sheath.policy.api),
on a plan JSON written by hand, through `sheath policy check -policies=DIR`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

PLAN = {
    "format_version": "1.2",
    "resource_changes": [
        {
            "address": "aws_instance.web",
            "mode": "managed",
            "type": "aws_instance",
            "name": "web",
            "change": {"actions": ["create"], "after": {"instance_type": "m5.large", "monitoring": True, "tags": {"env": "testing"}},
                       "after_unknown": {"id": True}},
        },
        {
            "address": "aws_instance.prod",
            "mode": "managed",
            "type": "aws_instance",
            "name": "prod",
            "change": {"actions": ["create"], "after": {"instance_type": "m5.large", "monitoring": False, "tags": {"env": "prod"}},
                       "after_unknown": {}},
        },
        {
            "address": "aws_s3_bucket.b",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "b",
            "change": {"actions": ["create"], "after": {"bucket": "other-logs"}, "after_unknown": {}},
        },
        {
            "address": "aws_s3_bucket.old",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "old",
            "change": {"actions": ["delete"], "before": {"bucket": "team-old"}, "after": None},
        },
    ],
}

HCL = """
locals {
  allowed_type = "t3.micro"
}

resource_policy "aws_instance" "testing_type" {
  enforcement_level = "mandatory"
  filter            = attrs.tags.env == "testing"
  locals {
    message = "Only ${local.allowed_type} instances are allowed in testing"
  }
  enforce {
    condition     = attrs.instance_type == local.allowed_type
    error_message = "${local.message}, not ${attrs.instance_type}."
  }
  enforce {
    condition     = attrs.monitoring == true
    error_message = "Monitoring must be enabled."
  }
}

resource_policy "aws_*" "named" {
  enforcement_level = "advisory"
  enforce {
    condition     = meta.name != "prod" || try(attrs.monitoring, false)
    error_message = "Production instances must be monitored."
  }
}
"""

PY = '''
from sheath.policy.api import resource_policy


@resource_policy("aws_s3_bucket", id="ORG_S3_PREFIX", severity="MEDIUM", level="advisory")
def bucket_prefix(r):
    """Bucket names start with team-"""
    name = r.get("bucket")
    if name is r.unknown or name is None:
        return None
    if not name.startswith("team-"):
        return f"bucket {name} does not start with team-"
    return None
'''


def _check(tmp_path: Path, run_sheath: Any, *extra: str) -> tuple[int, dict[str, Any], str]:
    r = run_sheath(["policy", "check", "-format=json", *extra, "plan.json"], tmp_path)
    doc = json.loads(r.stdout) if r.stdout.strip() else {}
    return r.returncode, doc, r.stderr


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "instances.policy.hcl").write_text(HCL)
    (tmp_path / "policies" / "buckets.py").write_text(PY)
    return tmp_path


def test_hcl_and_python_policies(work: Path, run_sheath: Any) -> None:
    rc, doc, err = _check(work, run_sheath, "-policies=policies")
    assert err == ""
    found = {
        (f["rule_id"], f["address"], f["enforcement_level"], f["message"])
        for f in doc["findings"]
        if not f["rule_id"].startswith("CKV")
    }
    assert found == {
        ("testing_type", "aws_instance.web", "mandatory", "Only t3.micro instances are allowed in testing, not m5.large."),
        ("named", "aws_instance.prod", "advisory", "Production instances must be monitored."),
        ("ORG_S3_PREFIX", "aws_s3_bucket.b", "advisory", "bucket other-logs does not start with team-"),
    }
    assert rc == 1  # a mandatory policy failed


def test_without_policies_only_the_builtin_pack_runs(work: Path, run_sheath: Any) -> None:
    rc, doc, _ = _check(work, run_sheath)
    assert not any(f["rule_id"] in ("testing_type", "named", "ORG_S3_PREFIX") for f in doc["findings"])


def test_unsupported_blocks_and_broken_python_are_errors(work: Path, run_sheath: Any) -> None:
    (work / "policies" / "extra.policy.hcl").write_text('provider_policy "aws" "x" {\n}\n')
    rc, _, err = _check(work, run_sheath, "-policies=policies")
    assert rc == 1 and "Unsupported policy block" in err
    (work / "policies" / "extra.policy.hcl").unlink()
    (work / "policies" / "broken.py").write_text("raise ValueError('nope')\n")
    rc, _, err = _check(work, run_sheath, "-policies=policies")
    assert rc == 1 and "Failed to load policy" in err and "Traceback" not in err
    rc, _, err = _check(work, run_sheath, "-policies=missing-dir")
    assert rc == 1 and "Failed to read policies" in err
