"""IP network functions; expected results observed from terraform 1.11.4's console."""

from __future__ import annotations

import pytest

from sheath.lang.funcs import numbers
from sheath.lang.funcs.call import call_function
from sheath.lang.funcs.function import FunctionContext, FunctionError
from sheath.lang.funcs.ipnet import functions
from sheath.types.cty import Value, string_val

FUNCS = functions(FunctionContext())
S = string_val


def N(x: int | str) -> Value:
    return numbers.from_int(x) if isinstance(x, int) else numbers.from_decimal(x)


def call(name: str, *args: Value) -> object:
    r = call_function(FUNCS[name], list(args), convert=False)
    return [e.v for e in r.v] if isinstance(r.v, tuple) else r.v


def fails(name: str, *args: Value) -> FunctionError:
    with pytest.raises(FunctionError) as ei:
        call(name, *args)
    return ei.value


@pytest.mark.parametrize(
    "prefix,num,want",
    [
        ("10.12.112.0/20", 16, "10.12.112.16"),
        ("10.12.112.0/20", 268, "10.12.113.12"),
        ("10.12.112.0/20", -1, "10.12.127.255"),
        ("fd00:fd12:3456:7890:00a2::/72", 34, "fd00:fd12:3456:7890::22"),
        ("10.0.0.1/8", 1, "10.0.0.1"),
        ("010.0.0.0/8", 1, "10.0.0.1"),
        ("1.2.3.4/32", 0, "1.2.3.4"),
        ("1.2.3.4/32", -1, "1.2.3.4"),
        ("::/0", "1e30", "0:c:9f2c:9cd0:4674:edea:4000:0"),
        # IPv4-mapped IPv6: go-cidr inserts the host number at bit 96
        ("::ffff:1.2.3.0/120", 5, "0:5::ffff:102:300"),
        ("::ffff:10.0.0.0/104", 0, "10.0.0.0"),
    ],
)
def test_cidrhost(prefix: str, num: int | str, want: str) -> None:
    assert call("cidrhost", S(prefix), N(num)) == want


@pytest.mark.parametrize(
    "prefix,num,msg",
    [
        ("10.0.0.0/8", 16777216, "prefix of 8 does not accommodate a host numbered 16777216"),
        ("10.0.0.0/8", -16777217, "prefix of 8 does not accommodate a host numbered -1"),
        ("1.2.3.4/32", -2, "prefix of 32 does not accommodate a host numbered -1"),
        ("10.0.0.0/8", "1e30", "prefix of 8 does not accommodate a host numbered 1000000000000000000000000000000"),
        ("10.0.0.0/8", "1.5", "value must be a whole number"),
        ("10.0.0.0", 1, "invalid CIDR expression: invalid CIDR address: 10.0.0.0"),
        ("1.2.3.4/ 8", 1, "invalid CIDR expression: invalid CIDR address: 1.2.3.4/ 8"),
        ("fe80::1%eth0/64", 1, "invalid CIDR expression: invalid CIDR address: fe80::1%eth0/64"),
    ],
)
def test_cidrhost_errors(prefix: str, num: int | str, msg: str) -> None:
    e = fails("cidrhost", S(prefix), N(num))
    assert (e.message, e.arg_index) == (msg, None)


def test_cidrnetmask() -> None:
    assert call("cidrnetmask", S("172.16.0.0/12")) == "255.240.0.0"
    assert call("cidrnetmask", S("10.0.0.0/0")) == "0.0.0.0"
    assert call("cidrnetmask", S("::ffff:10.0.0.0/104")) == "ffff:ffff:ffff:ffff:ffff:ffff:ff00:0"
    assert fails("cidrnetmask", S("fd00::/8")).message == "IPv6 addresses cannot have a netmask: fd00::/8"
    assert fails("cidrnetmask", S("10.0.0.0/33")).message == (
        "invalid CIDR expression: invalid CIDR address: 10.0.0.0/33"
    )


@pytest.mark.parametrize(
    "prefix,newbits,num,want",
    [
        ("172.16.0.0/12", 4, 2, "172.18.0.0/16"),
        ("10.1.2.0/24", 4, 15, "10.1.2.240/28"),
        ("fd00:fd12:3456:7890::/56", 16, 162, "fd00:fd12:3456:7800:a200::/72"),
        ("10.1.2.0/24", -1, 0, "10.1.2.0/23"),
        ("10.1.2.0/24", 4, -1, "0.0.0.16/28"),
        ("10.0.0.0/8", 24, 5, "10.0.0.5/32"),
        ("10.0.0.0/8", -9, 0, "<nil>"),
        ("0.0.0.0/0", 1, 1, "128.0.0.0/1"),
        ("::/0", 100, "1e29", "1431:e0fa:e6d7:217c:aa00::/100"),
        ("::ffff:10.0.0.0/104", 4, 1, "10.16.0.0/12"),
    ],
)
def test_cidrsubnet(prefix: str, newbits: int, num: int | str, want: str) -> None:
    assert call("cidrsubnet", S(prefix), N(newbits), N(num)) == want


@pytest.mark.parametrize(
    "prefix,newbits,num,msg",
    [
        ("10.1.2.0/24", 4, 16, "prefix extension of 4 does not accommodate a subnet numbered 16"),
        ("10.1.2.0/24", 9, 1, "insufficient address space to extend prefix of 24 by 9"),
        ("10.0.0.0/8", 25, 5, "insufficient address space to extend prefix of 8 by 25"),
        ("10.0.0.0/8", 4, "1e30", "prefix extension of 4 does not accommodate a subnet numbered 1000000000000000000000000000000"),
        ("10.0.0.0/8", "4.5", 1, "value must be a whole number, between -9223372036854775808 and 9223372036854775807"),
        ("10.0.0.0/8", 4, "1.5", "value must be a whole number"),
    ],
)
def test_cidrsubnet_errors(prefix: str, newbits: int | str, num: int | str, msg: str) -> None:
    e = fails("cidrsubnet", S(prefix), N(newbits), N(num))
    assert (e.message, e.arg_index) == (msg, None)


def test_cidrsubnets() -> None:
    assert call("cidrsubnets", S("10.1.0.0/16"), N(4), N(4), N(8), N(4)) == [
        "10.1.0.0/20",
        "10.1.16.0/20",
        "10.1.32.0/24",
        "10.1.48.0/20",
    ]
    assert call("cidrsubnets", S("fd00:fd12:3456:7890::/56"), N(16), N(16), N(16), N(32)) == [
        "fd00:fd12:3456:7800::/72",
        "fd00:fd12:3456:7800:100::/72",
        "fd00:fd12:3456:7800:200::/72",
        "fd00:fd12:3456:7800:300::/88",
    ]
    assert call("cidrsubnets", S("10.1.0.0/16")) == []
    assert call("cidrsubnets", S("10.1.0.0/16"), N(8), N(4)) == ["10.1.0.0/24", "10.1.16.0/20"]


@pytest.mark.parametrize(
    "prefix,bits,index,msg",
    [
        ("10.1.0.0/16", [17], 1, "would extend prefix to 33 bits, which is too long for an IPv4 address"),
        ("::/120", [9], 1, "would extend prefix to 129 bits, which is too long for an IPv6 address"),
        ("10.1.0.0/16", [0], 1, "must extend prefix by at least one bit"),
        ("10.1.0.0/16", ["4.5"], 1, "value must be a whole number, between -9223372036854775808 and 9223372036854775807"),
        ("10.1.0.0/16", [1, 1, 1], 3,
         "not enough remaining address space for a subnet with a prefix of 17 bits after 10.1.128.0/17"),
        ("10.1.0.0/16", [1, 1, 2], 3,
         "not enough remaining address space for a subnet with a prefix of 18 bits after 10.1.128.0/17"),
        ("0.0.0.0/0", [1], 1, "not enough remaining address space for a subnet with a prefix of 1 bits after 128.0.0.0/1"),
        ("0.0.0.0/8", [1, 1], 1,
         "not enough remaining address space for a subnet with a prefix of 9 bits after 255.128.0.0/9"),
        ("::/0", [1, 1], 1, "not enough remaining address space for a subnet with a prefix of 1 bits after 8000::/1"),
    ],
)
def test_cidrsubnets_errors(prefix: str, bits: list[int | str], index: int, msg: str) -> None:
    e = fails("cidrsubnets", S(prefix), *[N(b) for b in bits])
    assert (e.message, e.arg_index) == (msg, index)
