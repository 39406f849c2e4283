"""The built-in AWS rule pack. Each rule carries the Checkov id it follows (and Trivy's
AVD id where there is one) and checks the same thing Checkov's rule of that id checks
on a plan; rules look through the way real configurations split a bucket into
``aws_s3_bucket_*`` resources (a bucket counts as versioned when an
``aws_s3_bucket_versioning`` in the plan or state targets it)."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from sheath.policy.model import PASSED, UNDECIDED, Result, Rule, Severity, failed
from sheath.policy.planinput import PlanInput, PlannedResource, Unknown

ALL_PORTS = (0, 65535)


def _is_true(v: Any, message: str) -> Result:
    if v is Unknown:
        return UNDECIDED
    return PASSED if v is True else failed(message)


def _first_block(r: PlannedResource, name: str) -> dict[str, Any] | None:
    v = r.get(name)
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return v[0]
    if isinstance(v, dict):
        return v
    return None


def _companions(plan: PlanInput, bucket: PlannedResource, type_name: str) -> list[PlannedResource]:
    return plan.targets(type_name, "bucket", bucket, ("id", "bucket"))


# --- S3 ---------------------------------------------------------------------------------------


def _pab_flag(flag: str) -> Callable[[PlannedResource, PlanInput], Result]:
    def check(r: PlannedResource, plan: PlanInput) -> Result:
        return _is_true(r.get(flag), f"{flag} is not true")

    return check


def _bucket_has_pab(r: PlannedResource, plan: PlanInput) -> Result:
    pabs = _companions(plan, r, "aws_s3_bucket_public_access_block")
    if not pabs:
        return failed("no aws_s3_bucket_public_access_block targets this bucket")
    for p in pabs:
        acls, policy = p.get("block_public_acls"), p.get("block_public_policy")
        if acls is Unknown or policy is Unknown:
            return UNDECIDED
        if acls is True and policy is True:
            return PASSED
    return failed("the bucket's public access block does not block public ACLs and policies")


_SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def _bucket_encrypted(r: PlannedResource, plan: PlanInput) -> Result:
    """S3 encrypts every new object with SSE-S3 since January 2023 (as Checkov's rule has it):
    a bucket fails only when its encryption configuration names no known algorithm."""
    algs = list(_sse_algorithms(r, plan))
    if not algs:
        return PASSED
    if any(a is Unknown for a in algs):
        return UNDECIDED
    if any(a in _SSE_ALGORITHMS for a in algs):
        return PASSED
    return failed("the bucket's encryption configuration names no known algorithm")


def _sse_algorithms(r: PlannedResource, plan: PlanInput) -> Iterable[Any]:
    blocks: list[dict[str, Any]] = []
    inline = _first_block(r, "server_side_encryption_configuration")
    if inline:
        blocks.append(inline)
    for c in _companions(plan, r, "aws_s3_bucket_server_side_encryption_configuration"):
        blocks.append(c.values)
    for b in blocks:
        for rule in b.get("rule") or []:
            if not isinstance(rule, dict):
                continue
            for d in rule.get("apply_server_side_encryption_by_default") or []:
                if isinstance(d, dict):
                    yield d.get("sse_algorithm")


def _bucket_kms(r: PlannedResource, plan: PlanInput) -> Result:
    algs = list(_sse_algorithms(r, plan))
    if any(a is Unknown for a in algs):
        return UNDECIDED
    if any(a in ("aws:kms", "aws:kms:dsse") for a in algs):
        return PASSED
    return failed("the bucket is not encrypted with KMS by default")


def _bucket_versioned(r: PlannedResource, plan: PlanInput) -> Result:
    inline = _first_block(r, "versioning")
    if inline and inline.get("enabled") is True:
        return PASSED
    for c in _companions(plan, r, "aws_s3_bucket_versioning"):
        cfg = _first_block(c, "versioning_configuration") or {}
        status = cfg.get("status")
        if status is Unknown:
            return UNDECIDED
        if status == "Enabled":
            return PASSED
    return failed("versioning is not enabled")


def _bucket_logged(r: PlannedResource, plan: PlanInput) -> Result:
    if _first_block(r, "logging"):
        return PASSED
    if _companions(plan, r, "aws_s3_bucket_logging"):
        return PASSED
    return failed("access logging is not enabled")


_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def _bucket_acl_private(r: PlannedResource, plan: PlanInput) -> Result:
    acls = [r.get("acl")] + [c.get("acl") for c in _companions(plan, r, "aws_s3_bucket_acl")]
    if any(a is Unknown for a in acls):
        return UNDECIDED
    if any(a in _PUBLIC_ACLS for a in acls):
        return failed("the bucket's ACL grants public read access")
    for c in _companions(plan, r, "aws_s3_bucket_acl"):
        for acp in c.get("access_control_policy") or []:
            for grant in (acp or {}).get("grant") or []:
                for g in (grant or {}).get("grantee") or []:
                    if isinstance(g, dict) and g.get("uri") in _PUBLIC_GRANTEES and (grant or {}).get("permission") in ("READ", "FULL_CONTROL"):
                        return failed("the bucket's ACL grants READ to all users")
    return PASSED


# --- security groups ------------------------------------------------------------------------------


def _rules_of(r: PlannedResource, direction: str) -> list[dict[str, Any]]:
    """Security group rules of one direction as dicts with cidr_blocks, ipv6_cidr_blocks, ports, protocol."""
    if r.type == "aws_security_group":
        v = r.get(direction)
        if v is Unknown:
            return [{"unknown": True}]
        return [x for x in (v or []) if isinstance(x, dict)]
    if r.type == "aws_security_group_rule":
        return [r.values] if r.get("type") == direction else []
    if r.type == f"aws_vpc_security_group_{direction}_rule":
        v = dict(r.values)
        v["cidr_blocks"] = [v.get("cidr_ipv4")] if v.get("cidr_ipv4") else []
        v["ipv6_cidr_blocks"] = [v.get("cidr_ipv6")] if v.get("cidr_ipv6") else []
        v["protocol"] = v.get("ip_protocol")
        return [v]
    return []


SG_TYPES = ("aws_security_group", "aws_security_group_rule")


def _open_to_world(rule: dict[str, Any]) -> bool | None:
    cidrs = rule.get("cidr_blocks")
    v6 = rule.get("ipv6_cidr_blocks")
    if cidrs is Unknown or v6 is Unknown:
        return None
    return "0.0.0.0/0" in (cidrs or []) or "::/0" in (v6 or [])


def _ports(rule: dict[str, Any]) -> tuple[int, int] | None:
    proto = rule.get("protocol")
    if proto in ("-1", -1, "all"):
        return ALL_PORTS
    lo, hi = rule.get("from_port"), rule.get("to_port")
    if lo is Unknown or hi is Unknown or proto is Unknown:
        return None
    try:
        lo_i, hi_i = int(lo if lo is not None else 0), int(hi if hi is not None else 65535)
    except (TypeError, ValueError):
        return None
    if lo_i == -1 and hi_i == -1:
        return ALL_PORTS
    return lo_i, hi_i


def _world_rule_check(
    direction: str, matches: Callable[[tuple[int, int]], bool], message: str
) -> Callable[[PlannedResource, PlanInput], Result]:
    """Fails when a rule of this direction is open to 0.0.0.0/0 or ::/0 on ports that match."""

    def check(r: PlannedResource, plan: PlanInput) -> Result:
        undecided = False
        for rule in _rules_of(r, direction):
            world = None if rule.get("unknown") else _open_to_world(rule)
            ports = None if rule.get("unknown") else _ports(rule)
            if world is None or ports is None:
                undecided = True
            elif world and matches(ports):
                return failed(message)
        return UNDECIDED if undecided else PASSED

    return check


def _ingress_port(port: int) -> Callable[[PlannedResource, PlanInput], Result]:
    return _world_rule_check("ingress", lambda p: p[0] <= port <= p[1], f"ingress from 0.0.0.0/0 or ::/0 to port {port}")


_ingress_all_ports = _world_rule_check("ingress", lambda p: p == ALL_PORTS, "ingress from 0.0.0.0/0 or ::/0 on all ports")
_egress_unrestricted = _world_rule_check(
    "egress", lambda p: p == ALL_PORTS, "egress to 0.0.0.0/0 or ::/0 on all ports and protocols"
)


# --- IAM --------------------------------------------------------------------------------------------

IAM_POLICY_TYPES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")


def _statements(doc: Any) -> list[dict[str, Any]] | None:
    if doc is Unknown:
        return None
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return []
    if not isinstance(doc, dict):
        return []
    st = doc.get("Statement")
    if isinstance(st, dict):
        return [st]
    return [s for s in (st or []) if isinstance(s, dict)]


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v] if v is not None else []


def _policy_statements(r: PlannedResource) -> list[dict[str, Any]] | None:
    if r.mode == "data":
        st = r.get("json")
        if st is Unknown or st is None:
            # read at apply: look at the statement blocks as configured
            blocks = r.get("statement")
            if blocks is Unknown or blocks is None:
                return None
            return [
                {
                    "Effect": b.get("effect") or "Allow",
                    "Action": b.get("actions") or [],
                    "NotAction": b.get("not_actions") or [],
                    "Resource": b.get("resources") or [],
                }
                for b in blocks
                if isinstance(b, dict)
            ]
        return _statements(st)
    return _statements(r.get("policy"))


def _allow(st: dict[str, Any]) -> bool:
    return bool(st.get("Effect", "Allow") == "Allow")


def _admin(r: PlannedResource, plan: PlanInput) -> Result:
    sts = _policy_statements(r)
    if sts is None:
        return UNDECIDED
    for st in sts:
        if _allow(st) and "*" in _as_list(st.get("Action")) and "*" in _as_list(st.get("Resource")):
            return failed('a statement allows "*" actions on "*" resources (full administrative privileges)')
    return PASSED


def _star_action(r: PlannedResource, plan: PlanInput) -> Result:
    sts = _policy_statements(r)
    if sts is None:
        return UNDECIDED
    for st in sts:
        if _allow(st) and "*" in _as_list(st.get("Action")):
            return failed('a statement allows "*" as its actions')
    return PASSED


_READ_PREFIXES = ("Describe", "Get", "List", "Head", "View", "Search", "Lookup", "BatchGet", "Query", "Scan")


def _write_on_star(r: PlannedResource, plan: PlanInput) -> Result:
    sts = _policy_statements(r)
    if sts is None:
        return UNDECIDED
    for st in sts:
        if not _allow(st) or "*" not in _as_list(st.get("Resource")):
            continue
        for a in _as_list(st.get("Action")):
            if not isinstance(a, str):
                continue
            verb = a.split(":", 1)[-1]
            if verb == "*" or not verb.startswith(_READ_PREFIXES):
                return failed(f'a statement allows the write action "{a}" on "*" resources')
    return PASSED


# --- databases, compute, keys, logs --------------------------------------------------------------------


def _attr_true(attr: str, message: str) -> Callable[[PlannedResource, PlanInput], Result]:
    def check(r: PlannedResource, plan: PlanInput) -> Result:
        return _is_true(r.get(attr), message)

    return check


def _not_public(r: PlannedResource, plan: PlanInput) -> Result:
    v = r.get("publicly_accessible")
    if v is Unknown:
        return UNDECIDED
    return failed("the database is publicly accessible") if v is True else PASSED


def _imdsv2(r: PlannedResource, plan: PlanInput) -> Result:
    mo = r.get("metadata_options")
    if mo is Unknown:
        return UNDECIDED
    b = _first_block(r, "metadata_options") or {}
    tokens, endpoint = b.get("http_tokens"), b.get("http_endpoint")
    if tokens is Unknown or endpoint is Unknown:
        return UNDECIDED
    if endpoint == "disabled" or tokens == "required":
        return PASSED
    return failed('instance metadata allows IMDSv1 (metadata_options.http_tokens is not "required")')


def _kms_rotation(r: PlannedResource, plan: PlanInput) -> Result:
    spec = r.get("customer_master_key_spec")
    if isinstance(spec, str) and spec != "SYMMETRIC_DEFAULT":
        return PASSED  # rotation applies to symmetric keys only
    return _is_true(r.get("enable_key_rotation"), "key rotation is not enabled")


def _set(attr: str, message: str) -> Callable[[PlannedResource, PlanInput], Result]:
    def check(r: PlannedResource, plan: PlanInput) -> Result:
        v = r.get(attr)
        if v is Unknown:
            return UNDECIDED
        return PASSED if v else failed(message)

    return check


def _pitr(r: PlannedResource, plan: PlanInput) -> Result:
    v = r.get("point_in_time_recovery")
    if v is Unknown:
        return UNDECIDED
    b = _first_block(r, "point_in_time_recovery") or {}
    return _is_true(b.get("enabled"), "point-in-time recovery is not enabled")


def _sqs_encrypted(r: PlannedResource, plan: PlanInput) -> Result:
    key, managed = r.get("kms_master_key_id"), r.get("sqs_managed_sse_enabled")
    if key is Unknown or managed is Unknown:
        return UNDECIDED
    return PASSED if key or managed is True else failed("the queue is not encrypted")


def _vpc_flow_logs(r: PlannedResource, plan: PlanInput) -> Result:
    if plan.targets("aws_flow_log", "vpc_id", r, ("id",)):
        return PASSED
    return failed("no aws_flow_log records this VPC's traffic")


def _default_sg_closed(r: PlannedResource, plan: PlanInput) -> Result:
    """A VPC passes when an aws_default_security_group with no rules targets it (without one,
    AWS's default group allows traffic between its members and all egress)."""
    groups = plan.targets("aws_default_security_group", "vpc_id", r, ("id",))
    if not groups:
        return failed("no aws_default_security_group takes the rules off this VPC's default group")
    for g in groups:
        ing, eg = g.get("ingress"), g.get("egress")
        if ing is Unknown or eg is Unknown:
            return UNDECIDED
        if ing or eg:
            return failed("the VPC's default security group allows traffic")
    return PASSED


def _rule(
    cid: str,
    title: str,
    types: tuple[str, ...],
    check: Callable[[PlannedResource, PlanInput], Result],
    severity: Severity,
    rationale: str,
    fix: str,
    trivy: str = "",
    mode: str = "managed",
) -> Rule:
    return Rule(
        id=cid,
        title=title,
        rationale=rationale,
        fix=fix,
        severity=severity,
        resource_types=types,
        check=check,
        mode=mode,
        checkov_id=cid,
        trivy_id=trivy,
    )


H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW
PAB = ("aws_s3_bucket_public_access_block",)
BUCKET = ("aws_s3_bucket",)
DB = ("aws_db_instance",)

RULES: tuple[Rule, ...] = (
    _rule("CKV_AWS_53", "S3 public access block blocks public ACLs", PAB, _pab_flag("block_public_acls"), H,
          "Without it, a new ACL can make objects public.", "Set block_public_acls = true.", "AVD-AWS-0086"),
    _rule("CKV_AWS_54", "S3 public access block blocks public policies", PAB, _pab_flag("block_public_policy"), H,
          "Without it, a bucket policy can grant public access.", "Set block_public_policy = true.", "AVD-AWS-0087"),
    _rule("CKV_AWS_55", "S3 public access block ignores public ACLs", PAB, _pab_flag("ignore_public_acls"), H,
          "Existing public ACLs would still grant access.", "Set ignore_public_acls = true.", "AVD-AWS-0091"),
    _rule("CKV_AWS_56", "S3 public access block restricts public buckets", PAB, _pab_flag("restrict_public_buckets"), H,
          "A public bucket policy would still be honoured.", "Set restrict_public_buckets = true.", "AVD-AWS-0093"),
    _rule("CKV2_AWS_6", "S3 bucket has a public access block", BUCKET, _bucket_has_pab, H,
          "A bucket without a public access block can be opened by one ACL or policy change.",
          "Add an aws_s3_bucket_public_access_block for the bucket with all four flags true.", "AVD-AWS-0094"),
    _rule("CKV_AWS_19", "S3 bucket is encrypted at rest", BUCKET, _bucket_encrypted, H,
          "Objects should be encrypted at rest with a key you control the configuration of.",
          'Use sse_algorithm = "AES256" or "aws:kms" (or remove the encryption configuration).', "AVD-AWS-0088"),
    _rule("CKV_AWS_145", "S3 bucket is encrypted with KMS by default", BUCKET, _bucket_kms, M,
          "KMS keys give access control and audit over decryption.",
          'Use sse_algorithm = "aws:kms" in the bucket\'s encryption configuration.', "AVD-AWS-0132"),
    _rule("CKV_AWS_21", "S3 bucket has versioning enabled", BUCKET, _bucket_versioned, M,
          "Versioning recovers objects that were overwritten or deleted.",
          'Add an aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }.', "AVD-AWS-0090"),
    _rule("CKV_AWS_18", "S3 bucket has access logging enabled", BUCKET, _bucket_logged, M,
          "Access logs are the record of who read or changed what.",
          "Add an aws_s3_bucket_logging for the bucket.", "AVD-AWS-0089"),
    _rule("CKV_AWS_20", "S3 bucket ACL does not allow public read", BUCKET, _bucket_acl_private, H,
          "A public-read ACL exposes every object to the internet.",
          'Use acl = "private" (or remove the ACL) and grant access through policies.', "AVD-AWS-0092"),
    _rule("CKV_AWS_24", "Security group allows no ingress from 0.0.0.0/0 to port 22", SG_TYPES + ("aws_vpc_security_group_ingress_rule",),
          _ingress_port(22), H, "SSH open to the internet invites brute force.",
          "Restrict cidr_blocks to known networks, or use SSM Session Manager.", "AVD-AWS-0107"),
    _rule("CKV_AWS_25", "Security group allows no ingress from 0.0.0.0/0 to port 3389", SG_TYPES + ("aws_vpc_security_group_ingress_rule",),
          _ingress_port(3389), H, "RDP open to the internet invites brute force.",
          "Restrict cidr_blocks to known networks.", "AVD-AWS-0107"),
    _rule("CKV_AWS_260", "Security group allows no ingress from 0.0.0.0/0 to port 80", SG_TYPES + ("aws_vpc_security_group_ingress_rule",),
          _ingress_port(80), M, "Plain HTTP from anywhere is usually a mistake; put a load balancer in front.",
          "Restrict cidr_blocks, or serve HTTPS through a load balancer.", "AVD-AWS-0107"),
    _rule("CKV_AWS_277", "Security group allows no ingress from 0.0.0.0/0 on all ports", SG_TYPES + ("aws_vpc_security_group_ingress_rule",),
          _ingress_all_ports, Severity.CRITICAL, "Every service on the hosts is reachable from the internet.",
          "Open only the ports the service needs, to the networks that need them.", "AVD-AWS-0107"),
    _rule("CKV_AWS_382", "Security group allows no unrestricted egress", SG_TYPES + ("aws_vpc_security_group_egress_rule",),
          _egress_unrestricted, L, "Unrestricted egress makes data exfiltration easy.",
          "Limit egress to the destinations and ports the workload needs.", "AVD-AWS-0104"),
    _rule("CKV_AWS_1", "IAM policy document grants no full administrative privileges", ("aws_iam_policy_document",), _admin, H,
          '"*" actions on "*" resources is full admin.', "List the actions and resources the principal needs.",
          "AVD-AWS-0057", mode="data"),
    _rule("CKV_AWS_49", 'IAM policy document allows no "*" actions', ("aws_iam_policy_document",), _star_action, H,
          'A "*" action grants every current and future action.', "List the actions the principal needs.",
          "AVD-AWS-0057", mode="data"),
    _rule("CKV_AWS_62", "IAM policy grants no full administrative privileges", IAM_POLICY_TYPES, _admin, H,
          '"*" actions on "*" resources is full admin.', "List the actions and resources the principal needs.", "AVD-AWS-0057"),
    _rule("CKV_AWS_63", 'IAM policy allows no "*" actions', IAM_POLICY_TYPES, _star_action, H,
          'A "*" action grants every current and future action.', "List the actions the principal needs.", "AVD-AWS-0057"),
    _rule("CKV_AWS_355", 'IAM policy allows no write actions on "*" resources', IAM_POLICY_TYPES, _write_on_star, M,
          'Write actions on "*" reach every resource of the account.', "Name the resources (ARNs) the actions apply to.",
          "AVD-AWS-0057"),
    _rule("CKV_AWS_16", "RDS instance storage is encrypted", DB, _attr_true("storage_encrypted", "storage_encrypted is not true"), H,
          "Database storage, snapshots and backups should be encrypted at rest.", "Set storage_encrypted = true.", "AVD-AWS-0080"),
    _rule("CKV_AWS_17", "RDS instance is not publicly accessible", DB, _not_public, Severity.CRITICAL,
          "A public endpoint exposes the database to the internet.", "Set publicly_accessible = false."),
    _rule("CKV_AWS_293", "RDS instance has deletion protection", DB, _attr_true("deletion_protection", "deletion_protection is not true"), M,
          "One mistaken destroy would delete the database.", "Set deletion_protection = true.", "AVD-AWS-0177"),
    _rule("CKV_AWS_157", "RDS instance is Multi-AZ", DB, _attr_true("multi_az", "multi_az is not true"), M,
          "A single-AZ database goes down with its zone.", "Set multi_az = true."),
    _rule("CKV_AWS_3", "EBS volume is encrypted", ("aws_ebs_volume",), _attr_true("encrypted", "encrypted is not true"), H,
          "Volumes and their snapshots should be encrypted at rest.", "Set encrypted = true.", "AVD-AWS-0026"),
    _rule("CKV_AWS_79", "EC2 instance metadata requires IMDSv2", ("aws_instance", "aws_launch_template"), _imdsv2, H,
          "IMDSv1 lets SSRF bugs steal the instance's credentials.",
          'Add metadata_options { http_tokens = "required" }.', "AVD-AWS-0028"),
    _rule("CKV_AWS_7", "KMS key rotation is enabled", ("aws_kms_key",), _kms_rotation, M,
          "Rotation limits what one leaked key version can decrypt.", "Set enable_key_rotation = true.", "AVD-AWS-0065"),
    _rule("CKV_AWS_67", "CloudTrail logs all regions", ("aws_cloudtrail",), _attr_true("is_multi_region_trail", "is_multi_region_trail is not true"), M,
          "Activity in other regions would go unrecorded.", "Set is_multi_region_trail = true.", "AVD-AWS-0014"),
    _rule("CKV_AWS_35", "CloudTrail logs are encrypted with KMS", ("aws_cloudtrail",), _set("kms_key_id", "kms_key_id is not set"), M,
          "Trail logs hold sensitive activity records.", "Set kms_key_id to a KMS key.", "AVD-AWS-0015"),
    _rule("CKV_AWS_36", "CloudTrail log file validation is enabled", ("aws_cloudtrail",),
          _attr_true("enable_log_file_validation", "enable_log_file_validation is not true"), M,
          "Validation detects tampered or deleted log files.", "Set enable_log_file_validation = true.", "AVD-AWS-0016"),
    _rule("CKV_AWS_28", "DynamoDB table has point-in-time recovery", ("aws_dynamodb_table",), _pitr, M,
          "Point-in-time recovery restores a table after a bad write or delete.",
          "Add point_in_time_recovery { enabled = true }.", "AVD-AWS-0024"),
    _rule("CKV_AWS_27", "SQS queue is encrypted", ("aws_sqs_queue",), _sqs_encrypted, M,
          "Messages should be encrypted at rest.", "Set sqs_managed_sse_enabled = true or kms_master_key_id.", "AVD-AWS-0096"),
    _rule("CKV_AWS_26", "SNS topic is encrypted", ("aws_sns_topic",), _set("kms_master_key_id", "kms_master_key_id is not set"), M,
          "Messages should be encrypted at rest.", "Set kms_master_key_id.", "AVD-AWS-0095"),
    _rule("CKV2_AWS_11", "VPC flow logging is enabled", ("aws_vpc",), _vpc_flow_logs, M,
          "Flow logs are how network incidents are investigated.", "Add an aws_flow_log with vpc_id set to the VPC.", "AVD-AWS-0178"),
    _rule("CKV2_AWS_12", "The VPC's default security group restricts all traffic", ("aws_vpc",), _default_sg_closed, M,
          "Resources placed in the default group by mistake would be reachable.",
          "Declare an aws_default_security_group for the VPC with no ingress and no egress blocks."),
)
