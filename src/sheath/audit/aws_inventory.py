"""The real AWS resources of an account, enumerated through boto3.

``AwsTarget`` is what one ``provider "aws"`` block says about where to look (region,
credentials, endpoints, path-style S3); ``aws_targets`` reads those blocks from a
loaded configuration, evaluating their arguments with sheath's evaluator (input
variables, locals and functions; anything unknown, such as a data source's
attribute, falls back to boto3's own defaults and is reported as a warning).
``enumerate_resources`` lists, for every supported type, the objects that exist,
leaving out what AWS itself creates (``AWS_DEFAULTS`` in docs/audit.md): the
default VPC with its subnets, every VPC's default security group, AWS-managed IAM
policies, service-linked roles, AWS-managed KMS keys; objects on their way out
(terminated instances, deleted NAT gateways, keys and secrets pending deletion)
are not listed either.

boto3 is imported here only, lazily: no other command pays for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sheath.diag import Diagnostics

# Terraform resource type -> the state attribute that holds the id the inventory uses.
ID_ATTRIBUTES: dict[str, str] = {
    "aws_s3_bucket": "bucket",
    "aws_iam_user": "name",
    "aws_iam_role": "name",
    "aws_iam_policy": "arn",
    "aws_iam_group": "name",
    "aws_security_group": "id",
    "aws_vpc": "id",
    "aws_subnet": "id",
    "aws_internet_gateway": "id",
    "aws_nat_gateway": "id",
    "aws_eip": "id",
    "aws_instance": "id",
    "aws_ebs_volume": "id",
    "aws_db_instance": "identifier",
    "aws_dynamodb_table": "name",
    "aws_sqs_queue": "name",
    "aws_sns_topic": "arn",
    "aws_kms_key": "key_id",
    "aws_lambda_function": "function_name",
    "aws_cloudwatch_log_group": "name",
    "aws_secretsmanager_secret": "arn",
    "aws_ssm_parameter": "name",
}
SUPPORTED_TYPES: tuple[str, ...] = tuple(ID_ATTRIBUTES)
GLOBAL_TYPES = frozenset({"aws_s3_bucket", "aws_iam_user", "aws_iam_role", "aws_iam_policy", "aws_iam_group"})

# endpoints { ... } argument names of the AWS provider -> boto3 service names
_ENDPOINT_SERVICES: dict[str, str] = {
    "s3": "s3",
    "iam": "iam",
    "ec2": "ec2",
    "rds": "rds",
    "dynamodb": "dynamodb",
    "sqs": "sqs",
    "sns": "sns",
    "kms": "kms",
    "lambda": "lambda",
    "logs": "logs",
    "cloudwatchlogs": "logs",
    "secretsmanager": "secretsmanager",
    "ssm": "ssm",
    "sts": "sts",
}


@dataclass(frozen=True)
class AwsTarget:
    """Where one provider configuration looks: None means boto3's default."""

    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    token: str | None = None
    profile: str | None = None
    endpoints: tuple[tuple[str, str], ...] = ()  # (boto3 service, URL)
    s3_use_path_style: bool = False

    def endpoint(self, service: str) -> str | None:
        for s, url in self.endpoints:
            if s == service:
                return url
        return None

    def account_key(self) -> tuple[Any, ...]:
        """What identifies the account (and emulator) behind the target, region aside."""
        return (self.access_key, self.profile, self.endpoints)


@dataclass(frozen=True)
class RealResource:
    """An object that exists: its Terraform type, the id that state matching uses,
    its region ("" for global types) and a human name when the id is not one."""

    type: str
    id: str
    region: str = ""
    name: str = ""
    # where it was found (credentials, endpoints, region): what deleting it uses
    target: AwsTarget | None = field(default=None, compare=False, repr=False)


@dataclass
class Inventory:
    resources: list[RealResource] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    regions: list[str] = field(default_factory=list)
    unlisted: set[str] = field(default_factory=set)  # types that could not be listed somewhere


# --- the provider blocks ------------------------------------------------------------------


def aws_targets(module: Any, variables: Mapping[str, Any], functions: Mapping[str, Any]) -> tuple[list[AwsTarget], Diagnostics]:
    """The targets of the root module's ``provider "aws"`` blocks (one default target,
    from the environment, when there is none)."""
    from sheath.lang import hcl
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.eval.scope import object_of
    from sheath.types.cty import STRING, string_val

    diags = Diagnostics()
    root_dir = os.getcwd()
    path = object_of({"module": string_val("."), "root": string_val("."), "cwd": string_val(root_dir)})
    names: dict[str, Any] = {"var": object_of(dict(variables)), "path": path}
    names["local"] = object_of(_locals(module, names, functions))
    ctx = EvalContext(names, functions)
    schema = hcl.BodySchema(
        attributes=tuple(hcl.AttributeSchema(n) for n in ("region", "access_key", "secret_key", "token", "profile", "s3_use_path_style", "s3_force_path_style")),
        blocks=(hcl.BlockHeaderSchema("endpoints"),),
    )
    out: list[AwsTarget] = []
    for key in sorted(module.provider_configs):
        pc = module.provider_configs[key]
        if pc.name != "aws":
            continue
        content, _rest, _d = pc.config.partial_content(schema)
        if pc.for_each is not None:  # OpenTofu's provider for_each: a target per instance
            items = _for_each_items(pc.for_each, ctx, key, diags)
            for ek, ev in items:
                each = object_of({"key": string_val(ek), "value": ev})
                out.append(_target(content, EvalContext({**names, "each": each}, functions), key, diags))
            continue
        out.append(_target(content, ctx, key, diags))
    if not out:
        out.append(AwsTarget())
    return out, diags


def _for_each_items(expr: Any, ctx: Any, key: str, diags: Diagnostics) -> list[tuple[str, Any]]:
    """A provider block's for_each as (each.key, each.value) pairs; a warning and none when
    it cannot be evaluated here (plan reports why)."""
    from sheath.lang.eval.evaluator import evaluate
    from sheath.types.cty import STRING, string_val

    v, ed = evaluate(expr, ctx)
    plain, _ = v.unmark_deep()
    if not ed.has_errors() and plain.is_wholly_known() and not plain.is_null:
        if plain.type.is_map() or plain.type.is_object():
            return sorted(plain.attrs().items())
        if plain.type.is_set() and all(e.type == STRING for e in plain.elements()):
            return [(e.as_str(), string_val(e.as_str())) for e in sorted(plain.elements(), key=lambda e: e.as_str())]
    diags.add_warning(
        "Provider for_each not known",
        f'The for_each of provider "{key}" cannot be evaluated here (a map, or a set of strings, of '
        "variables and locals); sheath unmanaged scans none of its instances.",
        expr.range,
    )
    return []


def _target(content: Any, ctx: Any, key: str, diags: Diagnostics) -> AwsTarget:
    """What one provider block (or one of its for_each instances) says about where to look."""
    from sheath.lang.eval.evaluator import evaluate
    from sheath.types.cty import STRING

    args: dict[str, Any] = {}
    for name, attr in content.attributes.items():
        v, ed = evaluate(attr.expr, ctx)
        plain, _ = v.unmark_deep()
        if ed.has_errors() or not plain.is_wholly_known():
            diags.add_warning(
                "Provider argument not known",
                f'The argument "{name}" of provider "{key}" cannot be evaluated without planning; '
                "sheath unmanaged uses the AWS SDK's default for it.",
                attr.expr.range,
            )
            continue
        if plain.is_null:
            continue
        args[name] = plain.v if plain.type != STRING else plain.as_str()
    endpoints: list[tuple[str, str]] = []
    for blk in content.blocks:
        attrs, _ad = blk.body.just_attributes()
        for ename, attr in sorted(attrs.items()):
            v, ed = evaluate(attr.expr, ctx)
            plain, _ = v.unmark_deep()
            service = _ENDPOINT_SERVICES.get(ename)
            if service is None or ed.has_errors() or not plain.is_known or plain.is_null or plain.type != STRING:
                continue
            endpoints.append((service, plain.as_str()))
    return AwsTarget(
        region=_str(args.get("region")),
        access_key=_str(args.get("access_key")),
        secret_key=_str(args.get("secret_key")),
        token=_str(args.get("token")),
        profile=_str(args.get("profile")),
        endpoints=tuple(sorted(set(endpoints))),
        s3_use_path_style=bool(args.get("s3_use_path_style") or args.get("s3_force_path_style")),
    )


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def _locals(module: Any, names: Mapping[str, Any], functions: Mapping[str, Any]) -> dict[str, Any]:
    """The root module's locals that evaluate from variables and other locals (the rest unknown)."""
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.eval.scope import object_of
    from sheath.types.cty import unknown

    locs: dict[str, Any] = dict(getattr(module, "locals", {}))
    values: dict[str, Any] = {}
    pending = dict(locs)
    for _ in range(len(locs) + 1):
        progressed = False
        for name, loc in list(pending.items()):
            ctx = EvalContext({**names, "local": object_of({**{n: unknown() for n in locs}, **values})}, functions)
            v, d = evaluate(loc.expr, ctx)
            if not d.has_errors() and v.is_wholly_known():
                values[name] = v
                del pending[name]
                progressed = True
        if not progressed:
            break
    for name in pending:
        values[name] = unknown()
    return values


# --- enumeration --------------------------------------------------------------------------

Lister = Callable[["Clients", str], Iterator[RealResource]]


class Clients:
    """boto3 clients of one target and region, made on first use."""

    def __init__(self, target: AwsTarget, region: str) -> None:
        import boto3
        from botocore.config import Config

        self.target = target
        self.region = region
        self.session = boto3.session.Session(
            aws_access_key_id=target.access_key,
            aws_secret_access_key=target.secret_key,
            aws_session_token=target.token,
            profile_name=target.profile,
            region_name=region,
        )
        s3cfg = {"addressing_style": "path"} if target.s3_use_path_style else {}
        self.config = Config(retries={"max_attempts": 3, "mode": "standard"}, s3=s3cfg)
        self.cache: dict[str, Any] = {}
        self.lock = threading.RLock()  # listers share the cache from several threads

    def __call__(self, service: str) -> Any:
        with self.lock:
            c = self.cache.get(service)
            if c is None:
                c = self.session.client(service, region_name=self.region, endpoint_url=self.target.endpoint(service), config=self.config)
                self.cache[service] = c
            return c


def _pages(client: Any, op: str, key: str, **kw: Any) -> Iterator[Any]:
    for page in client.get_paginator(op).paginate(**kw):
        yield from page.get(key, [])


def _s3(c: Clients, region: str) -> Iterator[RealResource]:
    for b in c("s3").list_buckets().get("Buckets", []):
        yield RealResource("aws_s3_bucket", b["Name"])


def _iam_users(c: Clients, region: str) -> Iterator[RealResource]:
    for u in _pages(c("iam"), "list_users", "Users"):
        yield RealResource("aws_iam_user", u["UserName"])


def _iam_roles(c: Clients, region: str) -> Iterator[RealResource]:
    for r in _pages(c("iam"), "list_roles", "Roles"):
        if r.get("Path", "").startswith("/aws-service-role/"):
            continue  # service-linked: AWS creates and owns them
        yield RealResource("aws_iam_role", r["RoleName"])


def _iam_policies(c: Clients, region: str) -> Iterator[RealResource]:
    for p in _pages(c("iam"), "list_policies", "Policies", Scope="Local"):
        yield RealResource("aws_iam_policy", p["Arn"], name=p["PolicyName"])


def _iam_groups(c: Clients, region: str) -> Iterator[RealResource]:
    for g in _pages(c("iam"), "list_groups", "Groups"):
        yield RealResource("aws_iam_group", g["GroupName"])


def _default_vpcs(c: Clients) -> set[str]:
    key = "default_vpcs"
    with c.lock:
        return _cached_default_vpcs(c, key)


def _cached_default_vpcs(c: Clients, key: str) -> set[str]:
    if key not in c.cache:
        vpcs = c("ec2").describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}]).get("Vpcs", [])
        c.cache[key] = {v["VpcId"] for v in vpcs}
    return set(c.cache[key])


def _security_groups(c: Clients, region: str) -> Iterator[RealResource]:
    for g in _pages(c("ec2"), "describe_security_groups", "SecurityGroups"):
        if g.get("GroupName") == "default":
            continue  # every VPC's default group is AWS's
        yield RealResource("aws_security_group", g["GroupId"], region, g.get("GroupName", ""))


def _vpcs(c: Clients, region: str) -> Iterator[RealResource]:
    for v in _pages(c("ec2"), "describe_vpcs", "Vpcs"):
        if v.get("IsDefault"):
            continue
        yield RealResource("aws_vpc", v["VpcId"], region, _tag_name(v))


def _subnets(c: Clients, region: str) -> Iterator[RealResource]:
    defaults = _default_vpcs(c)
    for s in _pages(c("ec2"), "describe_subnets", "Subnets"):
        if s.get("DefaultForAz") or s.get("VpcId") in defaults:
            continue
        yield RealResource("aws_subnet", s["SubnetId"], region, _tag_name(s))


def _internet_gateways(c: Clients, region: str) -> Iterator[RealResource]:
    defaults = _default_vpcs(c)
    for g in _pages(c("ec2"), "describe_internet_gateways", "InternetGateways"):
        if any(a.get("VpcId") in defaults for a in g.get("Attachments", [])):
            continue  # the default VPC's gateway
        yield RealResource("aws_internet_gateway", g["InternetGatewayId"], region, _tag_name(g))


def _nat_gateways(c: Clients, region: str) -> Iterator[RealResource]:
    for g in _pages(c("ec2"), "describe_nat_gateways", "NatGateways"):
        if g.get("State") in ("deleted", "deleting", "failed"):
            continue
        yield RealResource("aws_nat_gateway", g["NatGatewayId"], region, _tag_name(g))


def _eips(c: Clients, region: str) -> Iterator[RealResource]:
    for a in c("ec2").describe_addresses().get("Addresses", []):
        if "AllocationId" in a:
            yield RealResource("aws_eip", a["AllocationId"], region, a.get("PublicIp", ""))


def _live_instances(c: Clients) -> list[Any]:
    key = "instances"
    with c.lock:
        return _cached_instances(c, key)


def _cached_instances(c: Clients, key: str) -> list[Any]:
    if key not in c.cache:
        c.cache[key] = [
            i
            for r in _pages(c("ec2"), "describe_instances", "Reservations")
            for i in r.get("Instances", [])
            if i.get("State", {}).get("Name") not in ("terminated", "shutting-down")
        ]
    return list(c.cache[key])


def _instances(c: Clients, region: str) -> Iterator[RealResource]:
    for i in _live_instances(c):
        yield RealResource("aws_instance", i["InstanceId"], region, _tag_name(i))


def _instance_volumes(c: Clients) -> set[str]:
    """Volumes that belong to an instance: its root device, and any mapping deleted with it."""
    out: set[str] = set()
    for i in _live_instances(c):
        root = i.get("RootDeviceName")
        for m in i.get("BlockDeviceMappings", []):
            ebs = m.get("Ebs") or {}
            if "VolumeId" in ebs and (m.get("DeviceName") == root or ebs.get("DeleteOnTermination")):
                out.add(ebs["VolumeId"])
    return out


def _volumes(c: Clients, region: str) -> Iterator[RealResource]:
    owned = _instance_volumes(c)
    for v in _pages(c("ec2"), "describe_volumes", "Volumes"):
        if v.get("State") in ("deleting", "deleted"):
            continue
        if v["VolumeId"] in owned or any(a.get("DeleteOnTermination") for a in v.get("Attachments", [])):
            continue  # an instance's root (or launch) volume: part of the instance
        yield RealResource("aws_ebs_volume", v["VolumeId"], region, _tag_name(v))


def _db_instances(c: Clients, region: str) -> Iterator[RealResource]:
    for d in _pages(c("rds"), "describe_db_instances", "DBInstances"):
        if d.get("DBInstanceStatus") == "deleting":
            continue
        yield RealResource("aws_db_instance", d["DBInstanceIdentifier"], region)


def _dynamodb_tables(c: Clients, region: str) -> Iterator[RealResource]:
    for t in _pages(c("dynamodb"), "list_tables", "TableNames"):
        yield RealResource("aws_dynamodb_table", t, region)


def _sqs_queues(c: Clients, region: str) -> Iterator[RealResource]:
    for url in _pages(c("sqs"), "list_queues", "QueueUrls"):
        yield RealResource("aws_sqs_queue", url.rstrip("/").rsplit("/", 1)[-1], region, url)


def _sns_topics(c: Clients, region: str) -> Iterator[RealResource]:
    for t in _pages(c("sns"), "list_topics", "Topics"):
        yield RealResource("aws_sns_topic", t["TopicArn"], region)


def _kms_keys(c: Clients, region: str) -> Iterator[RealResource]:
    kms = c("kms")
    for k in _pages(kms, "list_keys", "Keys"):
        meta = kms.describe_key(KeyId=k["KeyId"]).get("KeyMetadata", {})
        if meta.get("KeyManager") == "AWS" or meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
            continue
        yield RealResource("aws_kms_key", k["KeyId"], region)


def _lambda_functions(c: Clients, region: str) -> Iterator[RealResource]:
    for f in _pages(c("lambda"), "list_functions", "Functions"):
        yield RealResource("aws_lambda_function", f["FunctionName"], region)


def _log_groups(c: Clients, region: str) -> Iterator[RealResource]:
    for g in _pages(c("logs"), "describe_log_groups", "logGroups"):
        yield RealResource("aws_cloudwatch_log_group", g["logGroupName"], region)


def _secrets(c: Clients, region: str) -> Iterator[RealResource]:
    for s in _pages(c("secretsmanager"), "list_secrets", "SecretList"):
        if s.get("DeletedDate"):
            continue  # scheduled for deletion
        yield RealResource("aws_secretsmanager_secret", s["ARN"], region, s.get("Name", ""))


def _ssm_parameters(c: Clients, region: str) -> Iterator[RealResource]:
    for p in _pages(c("ssm"), "describe_parameters", "Parameters"):
        yield RealResource("aws_ssm_parameter", p["Name"], region)


def _tag_name(obj: Mapping[str, Any]) -> str:
    for t in obj.get("Tags", []) or []:
        if t.get("Key") == "Name":
            return str(t.get("Value", ""))
    return ""


LISTERS: dict[str, Lister] = {
    "aws_s3_bucket": _s3,
    "aws_iam_user": _iam_users,
    "aws_iam_role": _iam_roles,
    "aws_iam_policy": _iam_policies,
    "aws_iam_group": _iam_groups,
    "aws_security_group": _security_groups,
    "aws_vpc": _vpcs,
    "aws_subnet": _subnets,
    "aws_internet_gateway": _internet_gateways,
    "aws_nat_gateway": _nat_gateways,
    "aws_eip": _eips,
    "aws_instance": _instances,
    "aws_ebs_volume": _volumes,
    "aws_db_instance": _db_instances,
    "aws_dynamodb_table": _dynamodb_tables,
    "aws_sqs_queue": _sqs_queues,
    "aws_sns_topic": _sns_topics,
    "aws_kms_key": _kms_keys,
    "aws_lambda_function": _lambda_functions,
    "aws_cloudwatch_log_group": _log_groups,
    "aws_secretsmanager_secret": _secrets,
    "aws_ssm_parameter": _ssm_parameters,
}


SERVICES: dict[str, str] = {
    "aws_s3_bucket": "s3",
    "aws_iam_user": "iam",
    "aws_iam_role": "iam",
    "aws_iam_policy": "iam",
    "aws_iam_group": "iam",
    "aws_db_instance": "rds",
    "aws_dynamodb_table": "dynamodb",
    "aws_sqs_queue": "sqs",
    "aws_sns_topic": "sns",
    "aws_kms_key": "kms",
    "aws_lambda_function": "lambda",
    "aws_cloudwatch_log_group": "logs",
    "aws_secretsmanager_secret": "secretsmanager",
    "aws_ssm_parameter": "ssm",
}  # every other supported type is listed through ec2

PARALLELISM = 8


def default_region(t: AwsTarget) -> str:
    """The region boto3 would use for a target that names none (AWS_REGION, the profile)."""
    if t.region:
        return t.region
    import boto3

    return boto3.session.Session(profile_name=t.profile).region_name or "us-east-1"


def _listed(lister: Lister, clients: Clients, region: str) -> list[RealResource]:
    return list(lister(clients, region))


def enumerate_resources(targets: list[AwsTarget], types: tuple[str, ...] = SUPPORTED_TYPES, parallelism: int = PARALLELISM) -> Inventory:
    """Every supported object in the targets' regions (global types once per account),
    listed by up to ``parallelism`` threads. A type whose API refuses (no permission,
    not available) is a warning, never fatal."""
    from concurrent.futures import ThreadPoolExecutor

    inv = Inventory()
    jobs: list[tuple[AwsTarget, str, str, Clients]] = []
    done_global: set[tuple[Any, ...]] = set()
    done_regional: set[tuple[Any, ...]] = set()
    for t in targets:
        region = default_region(t)
        if region not in inv.regions:
            inv.regions.append(region)
        regional_key = (*t.account_key(), region)
        if regional_key in done_regional:
            continue
        done_regional.add(regional_key)
        clients = Clients(t, region)
        for typ in types:
            if typ in GLOBAL_TYPES and t.account_key() in done_global:
                continue
            clients(SERVICES.get(typ, "ec2"))  # made here: boto3 client creation is not thread-safe
            jobs.append((replace(t, region=region), region, typ, clients))
        done_global.add(t.account_key())
    seen: set[tuple[str, str, str]] = set()
    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(jobs)))) as pool:
        futures = [pool.submit(_listed, LISTERS[typ], clients, region) for _t, region, typ, clients in jobs]
        for (target, region, typ, _c), fut in zip(jobs, futures):
            try:
                found = fut.result()
            except Exception as exc:  # noqa: BLE001 - botocore errors: a warning per type and region
                inv.diagnostics.add_warning(
                    f"Cannot list {typ}",
                    f"Listing {typ} in {region} failed: {exc}. Its objects are left out of this report.",
                )
                inv.unlisted.add(typ)
                continue
            for r in found:
                k = (r.type, r.id, r.region)
                if k not in seen:
                    seen.add(k)
                    inv.resources.append(replace(r, target=target))
    return inv
