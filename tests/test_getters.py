"""The module source helpers of sheath.getters, without the network or terraform."""

from __future__ import annotations

import pytest

from sheath.cliconfig.config import parse_cli_config
from sheath.config.versions import parse_constraints, parse_version
from sheath.getters import PackageAddr, fetcher_for, redact_url, split_package_subdir
from sheath.getters.archive import archive_kind
from sheath.getters.detect import normalize_source
from sheath.getters.errors import FetchError
from sheath.getters.registry import RegistryModule, newest, parse_registry_source
from sheath.getters.s3 import S3Location, parse_s3_url


@pytest.mark.parametrize(
    ("source", "want"),
    [
        ("git::file:///r.git//sub?ref=main", PackageAddr("git::file:///r.git?ref=main", "sub")),
        ("git::https://h/r.git?ref=v1", PackageAddr("git::https://h/r.git?ref=v1")),
        ("https://h/a.zip//x/y", PackageAddr("https://h/a.zip", "x/y")),
        ("s3::http://127.0.0.1:9/b/k//d?region=x", PackageAddr("s3::http://127.0.0.1:9/b/k?region=x", "d")),
    ],
)
def test_split_package_subdir(source: str, want: PackageAddr) -> None:
    assert split_package_subdir(source) == want


@pytest.mark.parametrize(
    ("source", "want"),
    [
        ("github.com/o/r", "git::https://github.com/o/r.git"),
        ("github.com/o/r.git//m?ref=v1", "git::https://github.com/o/r.git//m?ref=v1"),
        ("git@example.com:o/r.git?ref=v2", "git::ssh://git@example.com/o/r.git?ref=v2"),
        ("git::https://h/r.git", "git::https://h/r.git"),
        ("https://h/a.tgz", "https://h/a.tgz"),
    ],
)
def test_normalize_source(source: str, want: str) -> None:
    assert normalize_source(source) == want


def test_getters_by_address() -> None:
    assert type(fetcher_for("git::file:///x")[0]).__name__ == "GitFetcher"
    assert type(fetcher_for("s3::https://s3.amazonaws.com/b/k")[0]).__name__ == "S3Fetcher"
    assert type(fetcher_for("https://h/x")[0]).__name__ == "HttpFetcher"
    assert fetcher_for("hg::https://h/x")[0] is None
    assert fetcher_for("gcs::https://h/x")[0] is None


def test_archive_kind_and_redaction() -> None:
    assert archive_kind("/a/b.tar.gz", "") == "tar.gz"
    assert archive_kind("/a/b", "zip") == "zip"
    assert archive_kind("/a/b.zip", "false") == ""
    assert redact_url("https://u:secret@h/x") == "https://u:redacted@h/x"


def test_s3_locations() -> None:
    assert parse_s3_url("http://127.0.0.1:9/bucket/a/b?aws_access_key_id=k&aws_access_key_secret=s") == S3Location(
        "http://127.0.0.1:9", "us-east-1", "bucket", "a/b", ("k", "s", "")
    )
    assert parse_s3_url("https://s3-eu-west-1.amazonaws.com/bucket/k") == S3Location("", "eu-west-1", "bucket", "k", None)
    assert parse_s3_url("https://bucket.s3.amazonaws.com/k") == S3Location("", "us-east-1", "bucket", "k", None)
    assert isinstance(parse_s3_url("http://127.0.0.1:9/bucket"), FetchError)


def test_registry_addresses_and_versions() -> None:
    assert parse_registry_source("hashicorp/consul/aws//modules/x") == (
        RegistryModule("registry.terraform.io", "hashicorp", "consul", "aws"),
        "modules/x",
    )
    assert str(RegistryModule("registry.terraform.io", "a", "b", "c")) == "registry.terraform.io/a/b/c"
    assert RegistryModule("registry.terraform.io", "a", "b", "c").source("m") == "registry.terraform.io/a/b/c//m"
    assert str(RegistryModule("r.example.com", "a", "b", "c")) == "r.example.com/a/b/c"
    vs = [v for v in (parse_version(s) for s in ("1.0.0", "1.2.0", "2.0.0-beta")) if v is not None]
    assert str(newest(vs, None)) == "1.2.0"
    assert str(newest(vs, parse_constraints("~> 1.0"))) == "1.2.0"
    assert str(newest(vs, parse_constraints("2.0.0-beta"))) == "2.0.0-beta"
    assert newest(vs, parse_constraints(">= 3")) is None


def test_cli_config_host_blocks() -> None:
    cfg, diags = parse_cli_config(
        b'host "Registry.Example.com" {\n  services = {\n    "modules.v1" = "http://127.0.0.1:9/v1/modules/"\n  }\n}\n', "rc"
    )
    assert not diags.has_errors()
    assert cfg.hosts == {"registry.example.com": {"modules.v1": "http://127.0.0.1:9/v1/modules/"}}
