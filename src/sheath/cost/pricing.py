"""What each supported AWS resource type costs: its attributes (from the state or the
planned values) and its usage, priced from the catalog, as cost components.

Quantities the snapshot has no price for are components with price None ("unpriced");
attribute values that are only known after apply are components with quantity None."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any, Callable

from sheath.cost.catalog import PriceCatalog
from sheath.cost.components import CostComponent, hourly, monthly, usage
from sheath.cost.usage import Usage

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class PricingContext:
    catalog: PriceCatalog
    region: str
    usage: Usage

    def price(self, service: str, *key: str) -> Decimal | None:
        return self.catalog.price(self.region, service, *key)


Pricer = Callable[[dict[str, Any], PricingContext], list[CostComponent]]


def _num(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float, str)):
        try:
            return Decimal(str(v))
        except ArithmeticError:
            return None
    return None


def _first(v: Any) -> dict[str, Any] | None:
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return v[0]
    return None


# ---- EC2 and EBS -----------------------------------------------------------------

_EBS_NAMES = {
    "gp2": "general purpose SSD, gp2",
    "gp3": "general purpose SSD, gp3",
    "io1": "provisioned IOPS SSD, io1",
    "io2": "provisioned IOPS SSD, io2",
    "st1": "throughput optimised HDD, st1",
    "sc1": "cold HDD, sc1",
    "standard": "magnetic, standard",
}
GP3_BASELINE_IOPS = Decimal(3000)
GP3_BASELINE_THROUGHPUT = Decimal(125)
IO2_TIERS = ((Decimal(32000), "iops_month_tier1"), (Decimal(64000), "iops_month_tier2"), (None, "iops_month_tier3"))


def ebs_components(prefix: str, values: dict[str, Any], ctx: PricingContext, type_key: str = "type") -> list[CostComponent]:
    vtype = values.get(type_key)
    size = _num(values.get("size") if "size" in values else values.get("volume_size"))
    iops = _num(values.get("iops"))
    throughput = _num(values.get("throughput"))
    if not isinstance(vtype, str) or not vtype:
        return [monthly(f"{prefix}Storage", "GB", size, None, "volume type unknown until apply")]
    label = _EBS_NAMES.get(vtype, vtype)
    out = [monthly(f"{prefix}Storage ({label})", "GB", size, ctx.price("ebs", f"{vtype}.storage_gb_month"),
                   "" if size is not None else "size unknown until apply")]
    if vtype == "gp3":
        if iops is not None and iops > GP3_BASELINE_IOPS:
            out.append(monthly(f"{prefix}Provisioned IOPS (above 3000)", "IOPS", iops - GP3_BASELINE_IOPS, ctx.price("ebs", "gp3.iops_month")))
        if throughput is not None and throughput > GP3_BASELINE_THROUGHPUT:
            out.append(monthly(f"{prefix}Provisioned throughput (above 125 MiB/s)", "MiB/s", throughput - GP3_BASELINE_THROUGHPUT,
                               ctx.price("ebs", "gp3.throughput_mibps_month")))
    elif vtype == "io1":
        out.append(monthly(f"{prefix}Provisioned IOPS", "IOPS", iops, ctx.price("ebs", "io1.iops_month")))
    elif vtype == "io2":
        remaining = iops
        low = Decimal(0)
        for tier, (high, key) in enumerate(IO2_TIERS, start=1):
            if remaining is None:
                out.append(monthly(f"{prefix}Provisioned IOPS", "IOPS", None, ctx.price("ebs", f"io2.{key}"), "IOPS unknown until apply"))
                break
            band = remaining if high is None else min(remaining, high - low)
            if band <= 0:
                break
            out.append(monthly(f"{prefix}Provisioned IOPS (tier {tier})", "IOPS", band, ctx.price("ebs", f"io2.{key}")))
            remaining -= band
            if high is not None:
                low = high
    elif vtype == "standard":
        io = ctx.usage.number("monthly_standard_io_requests")
        out.append(usage(f"{prefix}I/O requests", "1M requests", None if io is None else io / MILLION,
                         ctx.price("ebs", "standard.million_io_requests")))
    return out


def aws_instance(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    itype = values.get("instance_type")
    tenancy = values.get("tenancy") or "default"
    name = f"Instance usage (Linux/UNIX, on-demand, {itype})"
    if tenancy != "default":
        out = [hourly(name, "hours", Decimal(1), None, f"{tenancy} tenancy is not in the snapshot")]
    elif not isinstance(itype, str):
        out = [hourly("Instance usage (Linux/UNIX, on-demand)", "hours", Decimal(1), None, "instance type unknown until apply")]
    else:
        out = [hourly(name, "hours", Decimal(1), ctx.price("ec2_instance_linux_hour", itype))]
    root = _first(values.get("root_block_device"))
    if root is not None:
        out.extend(ebs_components("root_block_device: ", root, ctx, "volume_type"))
    for i, dev in enumerate(values.get("ebs_block_device") or []):
        if isinstance(dev, dict):
            out.extend(ebs_components(f"ebs_block_device[{i}]: ", dev, ctx, "volume_type"))
    return out


def aws_ebs_volume(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    return ebs_components("", values, ctx)


# ---- RDS ---------------------------------------------------------------------------

RDS_ENGINES = {"postgres": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB"}


def aws_db_instance(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    cls = values.get("instance_class")
    engine = values.get("engine")
    multi = values.get("multi_az") is True
    az = "multi_az" if multi else "single_az"
    az_label = "Multi-AZ" if multi else "Single-AZ"
    engine_label = RDS_ENGINES.get(engine, engine) if isinstance(engine, str) else "unknown engine"
    name = f"Database instance (on-demand, {az_label}, {engine_label}, {cls})"
    if not isinstance(cls, str) or not isinstance(engine, str):
        out = [hourly(name, "hours", Decimal(1), None, "instance class or engine unknown until apply")]
    else:
        out = [hourly(name, "hours", Decimal(1), ctx.price("rds_instance_hour", engine, cls, az))]
    size = _num(values.get("allocated_storage"))
    stype = values.get("storage_type")
    if not isinstance(stype, str) or not stype:
        out.append(monthly("Storage", "GB", size, None, "storage type unknown until apply"))
        return out
    label = _EBS_NAMES.get(stype, stype)
    out.append(monthly(f"Storage ({label})", "GB", size, ctx.price("rds_storage", f"{stype}.storage_gb_month", az)))
    iops = _num(values.get("iops"))
    if stype == "gp3":
        # engines priced here include 3,000 IOPS and 125 MiB/s below 400 GB, 12,000 and 500 from 400 GB
        large = size is not None and size >= 400
        base_iops, base_tp = (Decimal(12000), Decimal(500)) if large else (Decimal(3000), Decimal(125))
        tp = _num(values.get("storage_throughput"))
        if iops is not None and iops > base_iops:
            out.append(monthly(f"Provisioned IOPS (above {base_iops})", "IOPS", iops - base_iops, ctx.price("rds_storage", "gp3.iops_month", az)))
        if tp is not None and tp > base_tp:
            out.append(monthly(f"Provisioned throughput (above {base_tp} MiB/s)", "MiB/s", tp - base_tp,
                               ctx.price("rds_storage", "gp3.throughput_mibps_month", az)))
    elif stype in ("io1", "io2"):
        out.append(monthly("Provisioned IOPS", "IOPS", iops, ctx.price("rds_storage", f"{stype}.iops_month", az)))
    elif stype == "standard":
        io = ctx.usage.number("monthly_standard_io_requests")
        out.append(usage("I/O requests", "1M requests", None if io is None else io / MILLION,
                         ctx.price("rds_storage", "standard.million_io_requests", az)))
    return out


# ---- networking --------------------------------------------------------------------


def aws_nat_gateway(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    gb = ctx.usage.number("monthly_data_processed_gb")
    return [
        hourly("NAT gateway", "hours", Decimal(1), ctx.price("vpc", "nat_gateway.hour")),
        usage("Data processed", "GB", gb, ctx.price("vpc", "nat_gateway.data_processed_gb")),
    ]


def aws_eip(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    return [hourly("IP address (public IPv4)", "hours", Decimal(1), ctx.price("vpc", "public_ipv4.hour"))]


# LCU dimensions: ALB 25 new connections/s, 3,000 active connections/min, 1 GB/h, 1,000 rule evaluations/s;
# NLB (TCP) 800 new connections/s, 100,000 active connections/min, 1 GB/h.
_LCU = {
    "application": (Decimal(25), Decimal(3000), Decimal(1000)),
    "network": (Decimal(800), Decimal(100000), None),
}


def aws_lb(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    kind = values.get("load_balancer_type") or "application"
    if kind not in _LCU:
        return [hourly(f"{str(kind).capitalize()} load balancer", "hours", Decimal(1), None, f"{kind} load balancers are not in the snapshot")]
    new_per_lcu, active_per_lcu, rules_per_lcu = _LCU[kind]
    dims: list[Decimal] = []
    new = ctx.usage.number("new_connections")
    active = ctx.usage.number("active_connections")
    gb = ctx.usage.number("processed_bytes_gb")
    rules = ctx.usage.number("rule_evaluations")
    if new is not None:
        dims.append(new / new_per_lcu)
    if active is not None:
        dims.append(active / active_per_lcu)
    if gb is not None:
        dims.append(gb / Decimal(730))  # monthly GB as GB per hour
    if rules is not None and rules_per_lcu is not None:
        dims.append(rules / rules_per_lcu)
    lcu = max(dims) if dims else None
    unit_name, key = ("LCU", "application.lcu_hour") if kind == "application" else ("NLCU", "network.nlcu_hour")
    return [
        hourly(f"{kind.capitalize()} load balancer", "hours", Decimal(1), ctx.price("elb", f"{kind}.hour")),
        CostComponent("Load balancer capacity units", unit_name, lcu, ctx.price("elb", key), hourly=True, usage_based=True),
    ]


def aws_elb(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    return [
        hourly("Classic load balancer", "hours", Decimal(1), ctx.price("elb", "classic.hour")),
        usage("Data processed", "GB", ctx.usage.number("monthly_data_processed_gb"), ctx.price("elb", "classic.data_processed_gb")),
    ]


# ---- storage and databases ---------------------------------------------------------

S3_TIER_GB = (Decimal(51200), Decimal(512000))  # 50 TB, 500 TB
_S3_CLASSES = {
    "standard": "standard",
    "standard_infrequent_access": "standard infrequent access",
    "one_zone_infrequent_access": "one zone infrequent access",
    "glacier_flexible_retrieval": "glacier flexible retrieval",
    "glacier_deep_archive": "glacier deep archive",
    "intelligent_tiering": "intelligent tiering",
}
_S3_PRICED_KEYS = {"storage_gb", "monthly_tier_1_requests", "monthly_tier_2_requests", "monthly_data_retrieval_gb"}


def aws_s3_bucket(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    given = [c for c in _S3_CLASSES if isinstance(ctx.usage.values.get(c), dict)] or ["standard"]
    out: list[CostComponent] = []
    for cls in given:
        label = _S3_CLASSES[cls]
        storage = ctx.usage.number(cls, "storage_gb")
        if cls == "standard":
            tiers = [("first 50 TB", "tier1"), ("next 450 TB", "tier2"), ("over 500 TB", "tier3")]
            if storage is None:
                out.append(usage(f"Storage ({label}, first 50 TB)", "GB", None, ctx.price("s3", "standard.storage_gb_month_tier1")))
            else:
                low = Decimal(0)
                bounds: list[Decimal | None] = [S3_TIER_GB[0], S3_TIER_GB[1], None]
                for (tier_label, key), high in zip(tiers, bounds):
                    band = storage - low if high is None else min(storage, high) - low
                    if band <= 0 and low > 0:
                        break
                    out.append(usage(f"Storage ({label}, {tier_label})", "GB", max(band, Decimal(0)),
                                     ctx.price("s3", f"standard.storage_gb_month_{key}")))
                    if high is None:
                        break
                    low = high
        else:
            out.append(usage(f"Storage ({label})", "GB", storage, ctx.price("s3", f"{cls}.storage_gb_month")))
        if cls in ("standard", "standard_infrequent_access", "one_zone_infrequent_access"):
            t1 = ctx.usage.number(cls, "monthly_tier_1_requests")
            t2 = ctx.usage.number(cls, "monthly_tier_2_requests")
            out.append(usage(f"PUT, COPY, POST, LIST requests ({label})", "1k requests", None if t1 is None else t1 / 1000,
                             ctx.price("s3", f"{cls}.tier1_1k_requests")))
            out.append(usage(f"GET, SELECT, and all other requests ({label})", "1k requests", None if t2 is None else t2 / 1000,
                             ctx.price("s3", f"{cls}.tier2_1k_requests")))
            if cls != "standard":
                out.append(usage(f"Retrievals ({label})", "GB", ctx.usage.number(cls, "monthly_data_retrieval_gb"),
                                 ctx.price("s3", f"{cls}.retrieval_gb")))
        section = ctx.usage.values.get(cls)
        if isinstance(section, dict):
            for key in sorted(set(section) - _S3_PRICED_KEYS):
                out.append(usage(f"{key} ({label})", "", ctx.usage.number(cls, key), None, "usage key not priced by sheath"))
    return out


def aws_dynamodb_table(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    mode = values.get("billing_mode") or "PROVISIONED"
    out: list[CostComponent] = []
    if mode == "PAY_PER_REQUEST":
        w = ctx.usage.number("monthly_write_request_units")
        r = ctx.usage.number("monthly_read_request_units")
        out.append(usage("Write request unit (WRU)", "1M WRUs", None if w is None else w / MILLION,
                         ctx.price("dynamodb", "on_demand.million_write_request_units")))
        out.append(usage("Read request unit (RRU)", "1M RRUs", None if r is None else r / MILLION,
                         ctx.price("dynamodb", "on_demand.million_read_request_units")))
    else:
        out.append(hourly("Write capacity unit (WCU)", "WCU", _num(values.get("write_capacity")), ctx.price("dynamodb", "provisioned.wcu_hour")))
        out.append(hourly("Read capacity unit (RCU)", "RCU", _num(values.get("read_capacity")), ctx.price("dynamodb", "provisioned.rcu_hour")))
        for gsi in values.get("global_secondary_index") or []:
            if not isinstance(gsi, dict):
                continue
            name = gsi.get("name")
            out.append(hourly(f"Global secondary index {name}: WCU", "WCU", _num(gsi.get("write_capacity")),
                              ctx.price("dynamodb", "provisioned.wcu_hour")))
            out.append(hourly(f"Global secondary index {name}: RCU", "RCU", _num(gsi.get("read_capacity")),
                              ctx.price("dynamodb", "provisioned.rcu_hour")))
    out.append(usage("Data storage", "GB", ctx.usage.number("storage_gb"), ctx.price("dynamodb", "storage_gb_month")))
    for key in ("pitr_backup_storage_gb", "on_demand_backup_storage_gb", "monthly_data_restored_gb", "monthly_streams_read_request_units"):
        q = ctx.usage.number(key)
        if q is not None:
            out.append(usage(key, "", q, None, "usage key not priced by sheath"))
    return out


# ---- serverless and messaging ------------------------------------------------------


def aws_lambda_function(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    arch_list = values.get("architectures")
    arch = arch_list[0] if isinstance(arch_list, list) and arch_list and isinstance(arch_list[0], str) else "x86_64"
    memory = _num(values.get("memory_size")) or Decimal(128)
    requests = ctx.usage.number("monthly_requests")
    duration = ctx.usage.number("request_duration_ms")
    gb_seconds = None
    if requests is not None and duration is not None:
        gb_seconds = requests * duration / 1000 * memory / 1024
    return [
        usage("Requests", "1M requests", None if requests is None else requests / MILLION, ctx.price("lambda", f"{arch}.million_requests")),
        usage(f"Duration ({arch})", "GB-seconds", gb_seconds, ctx.price("lambda", f"{arch}.gb_second")),
    ]


def _chunked_requests(ctx: PricingContext) -> Decimal | None:
    requests = ctx.usage.number("monthly_requests")
    if requests is None:
        return None
    size = ctx.usage.number("request_size_kb") or Decimal(64)
    chunks = (size / 64).to_integral_value(rounding=ROUND_CEILING)
    return requests * max(chunks, Decimal(1)) / MILLION


def aws_sqs_queue(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    kind = "fifo" if values.get("fifo_queue") is True else "standard"
    return [usage(f"Requests ({kind})", "1M requests", _chunked_requests(ctx), ctx.price("sqs", f"{kind}.million_requests"))]


def aws_sns_topic(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    out = [usage("API requests", "1M requests", _chunked_requests(ctx), ctx.price("sns", "million_publish_requests"))]
    for key in ("http_subscriptions", "email_subscriptions", "kinesis_subscriptions", "mobile_push_subscriptions",
                "macos_subscriptions", "sms_subscriptions"):
        q = ctx.usage.number(key)
        if q:
            out.append(usage(f"Notifications ({key})", "", q, None, "delivery prices are not in the snapshot"))
    return out


def aws_kms_key(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    return [monthly("Customer managed key", "months", Decimal(1), ctx.price("kms", "customer_key_month"))]


def aws_cloudwatch_log_group(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    infrequent = values.get("log_group_class") == "INFREQUENT_ACCESS"
    return [
        usage("Data ingested", "GB", ctx.usage.number("monthly_data_ingested_gb"),
              None if infrequent else ctx.price("logs", "ingested_gb"),
              "infrequent access ingestion is not in the snapshot" if infrequent else ""),
        usage("Archival storage", "GB", ctx.usage.number("storage_gb"), ctx.price("logs", "storage_gb_month")),
        usage("Insights queries data scanned", "GB", ctx.usage.number("monthly_data_scanned_gb"), ctx.price("logs", "insights_scanned_gb")),
    ]


def aws_secretsmanager_secret(values: dict[str, Any], ctx: PricingContext) -> list[CostComponent]:
    requests = ctx.usage.number("monthly_requests")
    return [
        monthly("Secret", "months", Decimal(1), ctx.price("secretsmanager", "secret_month")),
        usage("API requests", "10k requests", None if requests is None else requests / 10000, ctx.price("secretsmanager", "10k_api_requests")),
    ]


PRICERS: dict[str, Pricer] = {
    "aws_instance": aws_instance,
    "aws_ebs_volume": aws_ebs_volume,
    "aws_db_instance": aws_db_instance,
    "aws_nat_gateway": aws_nat_gateway,
    "aws_eip": aws_eip,
    "aws_lb": aws_lb,
    "aws_alb": aws_lb,
    "aws_elb": aws_elb,
    "aws_s3_bucket": aws_s3_bucket,
    "aws_dynamodb_table": aws_dynamodb_table,
    "aws_lambda_function": aws_lambda_function,
    "aws_sqs_queue": aws_sqs_queue,
    "aws_sns_topic": aws_sns_topic,
    "aws_kms_key": aws_kms_key,
    "aws_cloudwatch_log_group": aws_cloudwatch_log_group,
    "aws_secretsmanager_secret": aws_secretsmanager_secret,
}

# Types AWS does not charge for (configuration of other resources, identities, networks).
FREE_TYPES = frozenset({
    "aws_vpc", "aws_subnet", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule", "aws_route_table", "aws_route_table_association", "aws_route",
    "aws_internet_gateway", "aws_network_acl", "aws_network_acl_rule", "aws_default_vpc", "aws_default_subnet",
    "aws_default_security_group", "aws_default_route_table", "aws_default_network_acl",
    "aws_iam_role", "aws_iam_policy", "aws_iam_user", "aws_iam_group", "aws_iam_role_policy", "aws_iam_user_policy",
    "aws_iam_group_policy", "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment", "aws_iam_policy_attachment", "aws_iam_group_membership",
    "aws_iam_user_group_membership", "aws_iam_instance_profile", "aws_iam_access_key",
    "aws_s3_bucket_policy", "aws_s3_bucket_versioning", "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_acl",
    "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_cors_configuration", "aws_s3_bucket_website_configuration",
    "aws_kms_alias", "aws_sqs_queue_policy", "aws_sns_topic_policy", "aws_sns_topic_subscription",
    "aws_lambda_permission", "aws_db_subnet_group", "aws_db_parameter_group", "aws_db_option_group",
    "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group", "aws_lb_target_group_attachment",
    "aws_alb_listener", "aws_alb_target_group", "aws_alb_target_group_attachment", "aws_eip_association",
    "aws_secretsmanager_secret_version", "aws_key_pair", "aws_launch_template",
})
