"""Deleting unmanaged AWS resources (``sheath unmanaged -destroy``), through boto3 with the
credentials and endpoints they were found with.

``DELETE_ORDER`` deletes what depends on others first (instances and functions, NAT
gateways before their addresses, gateways, subnets and security groups before their
VPC, IAM attachments before policies). Each deleter first removes what AWS requires
gone before the object itself can go and that belongs to it alone: an S3 bucket's
objects and versions, an IAM user's keys, profile, group memberships and policies, a
role's policies and instance profiles, a policy's attachments and old versions, a
group's members and policies. KMS keys are scheduled for deletion (AWS's minimum
7-day window); secrets keep AWS's default recovery window; DB instances are deleted
without a final snapshot (they are protected by default: see docs/audit.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sheath.audit.aws_inventory import Clients, RealResource

DELETE_ORDER: tuple[str, ...] = (
    "aws_instance",
    "aws_lambda_function",
    "aws_db_instance",
    "aws_nat_gateway",
    "aws_eip",
    "aws_internet_gateway",
    "aws_subnet",
    "aws_security_group",
    "aws_vpc",
    "aws_ebs_volume",
    "aws_dynamodb_table",
    "aws_sqs_queue",
    "aws_sns_topic",
    "aws_kms_key",
    "aws_cloudwatch_log_group",
    "aws_secretsmanager_secret",
    "aws_ssm_parameter",
    "aws_s3_bucket",
    "aws_iam_policy",
    "aws_iam_group",
    "aws_iam_user",
    "aws_iam_role",
)

WAIT_SECONDS = 300.0


@dataclass(frozen=True)
class DeleteResult:
    resource: RealResource
    error: str = ""  # "" when deleted

    @property
    def ok(self) -> bool:
        return not self.error


def _pages(client: Any, op: str, key: str, **kw: Any) -> list[Any]:
    out: list[Any] = []
    for page in client.get_paginator(op).paginate(**kw):
        out.extend(page.get(key, []))
    return out


def _instance(c: Clients, r: RealResource) -> None:
    ec2 = c("ec2")
    ec2.terminate_instances(InstanceIds=[r.id])
    _wait(lambda: all(i["State"]["Name"] == "terminated" for res in ec2.describe_instances(InstanceIds=[r.id])["Reservations"] for i in res["Instances"]))


def _nat_gateway(c: Clients, r: RealResource) -> None:
    ec2 = c("ec2")
    ec2.delete_nat_gateway(NatGatewayId=r.id)
    _wait(lambda: all(g.get("State") == "deleted" for g in ec2.describe_nat_gateways(NatGatewayIds=[r.id]).get("NatGateways", [])))


def _eip(c: Clients, r: RealResource) -> None:
    ec2 = c("ec2")
    for a in ec2.describe_addresses(AllocationIds=[r.id]).get("Addresses", []):
        if a.get("AssociationId"):
            ec2.disassociate_address(AssociationId=a["AssociationId"])
    ec2.release_address(AllocationId=r.id)


def _internet_gateway(c: Clients, r: RealResource) -> None:
    ec2 = c("ec2")
    for g in ec2.describe_internet_gateways(InternetGatewayIds=[r.id]).get("InternetGateways", []):
        for att in g.get("Attachments", []):
            ec2.detach_internet_gateway(InternetGatewayId=r.id, VpcId=att["VpcId"])
    ec2.delete_internet_gateway(InternetGatewayId=r.id)


def _db_instance(c: Clients, r: RealResource) -> None:
    c("rds").delete_db_instance(DBInstanceIdentifier=r.id, SkipFinalSnapshot=True, DeleteAutomatedBackups=False)


def _s3_bucket(c: Clients, r: RealResource) -> None:
    s3 = c("s3")
    for v in _pages(s3, "list_object_versions", "Versions", Bucket=r.id) + _pages(s3, "list_object_versions", "DeleteMarkers", Bucket=r.id):
        s3.delete_object(Bucket=r.id, Key=v["Key"], VersionId=v["VersionId"])
    for o in _pages(s3, "list_objects_v2", "Contents", Bucket=r.id):
        s3.delete_object(Bucket=r.id, Key=o["Key"])
    s3.delete_bucket(Bucket=r.id)


def _iam_user(c: Clients, r: RealResource) -> None:
    iam = c("iam")
    for k in _pages(iam, "list_access_keys", "AccessKeyMetadata", UserName=r.id):
        iam.delete_access_key(UserName=r.id, AccessKeyId=k["AccessKeyId"])
    try:
        iam.delete_login_profile(UserName=r.id)
    except iam.exceptions.NoSuchEntityException:
        pass
    for g in _pages(iam, "list_groups_for_user", "Groups", UserName=r.id):
        iam.remove_user_from_group(UserName=r.id, GroupName=g["GroupName"])
    for p in _pages(iam, "list_attached_user_policies", "AttachedPolicies", UserName=r.id):
        iam.detach_user_policy(UserName=r.id, PolicyArn=p["PolicyArn"])
    for name in _pages(iam, "list_user_policies", "PolicyNames", UserName=r.id):
        iam.delete_user_policy(UserName=r.id, PolicyName=name)
    iam.delete_user(UserName=r.id)


def _iam_role(c: Clients, r: RealResource) -> None:
    iam = c("iam")
    for p in _pages(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=r.id):
        iam.detach_role_policy(RoleName=r.id, PolicyArn=p["PolicyArn"])
    for name in _pages(iam, "list_role_policies", "PolicyNames", RoleName=r.id):
        iam.delete_role_policy(RoleName=r.id, PolicyName=name)
    for ip in _pages(iam, "list_instance_profiles_for_role", "InstanceProfiles", RoleName=r.id):
        iam.remove_role_from_instance_profile(RoleName=r.id, InstanceProfileName=ip["InstanceProfileName"])
    iam.delete_role(RoleName=r.id)


def _iam_policy(c: Clients, r: RealResource) -> None:
    iam = c("iam")
    for page in iam.get_paginator("list_entities_for_policy").paginate(PolicyArn=r.id):
        for u in page.get("PolicyUsers", []):
            iam.detach_user_policy(UserName=u["UserName"], PolicyArn=r.id)
        for g in page.get("PolicyGroups", []):
            iam.detach_group_policy(GroupName=g["GroupName"], PolicyArn=r.id)
        for ro in page.get("PolicyRoles", []):
            iam.detach_role_policy(RoleName=ro["RoleName"], PolicyArn=r.id)
    for v in _pages(iam, "list_policy_versions", "Versions", PolicyArn=r.id):
        if not v.get("IsDefaultVersion"):
            iam.delete_policy_version(PolicyArn=r.id, VersionId=v["VersionId"])
    iam.delete_policy(PolicyArn=r.id)


def _iam_group(c: Clients, r: RealResource) -> None:
    iam = c("iam")
    for u in iam.get_group(GroupName=r.id).get("Users", []):
        iam.remove_user_from_group(GroupName=r.id, UserName=u["UserName"])
    for p in _pages(iam, "list_attached_group_policies", "AttachedPolicies", GroupName=r.id):
        iam.detach_group_policy(GroupName=r.id, PolicyArn=p["PolicyArn"])
    for name in _pages(iam, "list_group_policies", "PolicyNames", GroupName=r.id):
        iam.delete_group_policy(GroupName=r.id, PolicyName=name)
    iam.delete_group(GroupName=r.id)


def _sqs_queue(c: Clients, r: RealResource) -> None:
    sqs = c("sqs")
    sqs.delete_queue(QueueUrl=r.name or sqs.get_queue_url(QueueName=r.id)["QueueUrl"])


DELETERS: dict[str, Callable[[Clients, RealResource], None]] = {
    "aws_instance": _instance,
    "aws_lambda_function": lambda c, r: c("lambda").delete_function(FunctionName=r.id),
    "aws_db_instance": _db_instance,
    "aws_nat_gateway": _nat_gateway,
    "aws_eip": _eip,
    "aws_internet_gateway": _internet_gateway,
    "aws_subnet": lambda c, r: c("ec2").delete_subnet(SubnetId=r.id),
    "aws_security_group": lambda c, r: c("ec2").delete_security_group(GroupId=r.id),
    "aws_vpc": lambda c, r: c("ec2").delete_vpc(VpcId=r.id),
    "aws_ebs_volume": lambda c, r: c("ec2").delete_volume(VolumeId=r.id),
    "aws_dynamodb_table": lambda c, r: c("dynamodb").delete_table(TableName=r.id),
    "aws_sqs_queue": _sqs_queue,
    "aws_sns_topic": lambda c, r: c("sns").delete_topic(TopicArn=r.id),
    "aws_kms_key": lambda c, r: c("kms").schedule_key_deletion(KeyId=r.id, PendingWindowInDays=7),
    "aws_cloudwatch_log_group": lambda c, r: c("logs").delete_log_group(logGroupName=r.id),
    "aws_secretsmanager_secret": lambda c, r: c("secretsmanager").delete_secret(SecretId=r.id),
    "aws_ssm_parameter": lambda c, r: c("ssm").delete_parameter(Name=r.id),
    "aws_s3_bucket": _s3_bucket,
    "aws_iam_policy": _iam_policy,
    "aws_iam_group": _iam_group,
    "aws_iam_user": _iam_user,
    "aws_iam_role": _iam_role,
}


def _wait(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    delay = 0.2
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"still not deleted after {WAIT_SECONDS:.0f} seconds")
        time.sleep(delay)
        delay = min(delay * 2, 10.0)


def delete_resources(resources: list[RealResource], progress: Callable[[RealResource, str], None] | None = None) -> list[DeleteResult]:
    """Delete each resource in DELETE_ORDER; a failure is recorded and the rest go on."""
    from sheath.audit.aws_inventory import AwsTarget

    rank = {t: i for i, t in enumerate(DELETE_ORDER)}
    clients: dict[AwsTarget, Clients] = {}
    out: list[DeleteResult] = []
    for r in sorted(resources, key=lambda x: (rank.get(x.type, len(rank)), x.id)):
        target = r.target or AwsTarget(region=r.region or None)
        c = clients.get(target)
        if c is None:
            c = clients[target] = Clients(target, target.region or "us-east-1")
        try:
            DELETERS[r.type](c, r)
        except Exception as exc:  # noqa: BLE001 - botocore errors: reported per resource
            out.append(DeleteResult(r, str(exc) or type(exc).__name__))
            if progress is not None:
                progress(r, f"failed: {exc}")
            continue
        out.append(DeleteResult(r))
        if progress is not None:
            progress(r, "deleted")
    return out
