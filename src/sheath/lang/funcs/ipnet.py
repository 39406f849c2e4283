"""IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets.

Addresses are handled as (integer, bit length) pairs and the arithmetic
follows terraform's (apparentlymart/go-cidr and Go's net package), quirks
included: negative host numbers count back from the end of the range, subnet
numbers are range-checked on their low 64 bits, and so on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.lang.funcs.support import func, param
from sheath.types.cty import NUMBER, STRING, ListType, Type, Value, string_val

_U64 = (1 << 64) - 1
_IPV4_RE = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\Z")
_HEX4_RE = re.compile(r"[0-9a-fA-F]{1,4}\Z")


@dataclass(frozen=True, slots=True)
class Network:
    ip: int  # the network address (masked)
    bits: int  # 32 or 128
    prefix: int

    @property
    def mask(self) -> int:
        return mask_int(self.prefix, self.bits)

    @property
    def v4_mapped(self) -> bool:
        """An IPv4-mapped IPv6 network address (Go's To4() succeeds on it)."""
        return self.bits == 128 and self.ip >> 32 == 0xFFFF


def mask_int(prefix: int, bits: int) -> int:
    return ((1 << prefix) - 1) << (bits - prefix)


def parse_ipv4(s: str) -> int | None:
    m = _IPV4_RE.match(s)
    if m is None:
        return None
    v = 0
    for g in m.groups():
        n = int(g)  # leading zeros are decimal, as in terraform's ipaddr package
        if n > 255:
            return None
        v = (v << 8) | n
    return v


def parse_ipv6(s: str) -> int | None:
    if "%" in s or not s:
        return None
    v4_tail: int | None = None
    if "." in s:
        i = s.rfind(":")
        if i < 0:
            return None
        v4_tail = parse_ipv4(s[i + 1 :])
        if v4_tail is None:
            return None
        s = s[: i + 1] + "0:0"
    if s.count("::") > 1:
        return None
    if "::" in s:
        head, tail = s.split("::")
        hs = head.split(":") if head else []
        ts = tail.split(":") if tail else []
        if len(hs) + len(ts) > 7:
            return None
        groups = hs + ["0"] * (8 - len(hs) - len(ts)) + ts
    else:
        groups = s.split(":")
        if len(groups) != 8:
            return None
    v = 0
    for g in groups:
        if not _HEX4_RE.match(g):
            return None
        v = (v << 16) | int(g, 16)
    if v4_tail is not None:
        v = (v & ~0xFFFFFFFF) | v4_tail
    return v


def parse_cidr(s: str) -> Network:
    """Go's net.ParseCIDR (terraform's ipaddr fork); FunctionError on failure."""
    addr, slash, pfx = s.partition("/")
    err = FunctionError(f"invalid CIDR expression: invalid CIDR address: {s}")
    if not slash or not pfx.isdigit() or not pfx.isascii() or len(pfx) > 4:
        raise err
    ip4 = parse_ipv4(addr)
    if ip4 is not None:
        bits, ip = 32, ip4
    else:
        ip6 = parse_ipv6(addr)
        if ip6 is None:
            raise err
        bits, ip = 128, ip6
    prefix = int(pfx)
    if prefix > bits:
        raise err
    return Network(ip & mask_int(prefix, bits), bits, prefix)


def format_ip(v: int, bits: int) -> str:
    """Go's net.IP.String() (IPv4-mapped IPv6 addresses print dotted)."""
    if bits == 32:
        return ".".join(str((v >> s) & 0xFF) for s in (24, 16, 8, 0))
    if v >> 32 == 0xFFFF:
        return format_ip(v & 0xFFFFFFFF, 32)
    groups = [(v >> (112 - 16 * i)) & 0xFFFF for i in range(8)]
    best_start, best_len = -1, 0
    i = 0
    while i < 8:
        if groups[i] == 0:
            j = i
            while j < 8 and groups[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    if best_len < 2:
        return ":".join(f"{g:x}" for g in groups)
    left = ":".join(f"{g:x}" for g in groups[:best_start])
    right = ":".join(f"{g:x}" for g in groups[best_start + best_len :])
    return f"{left}::{right}"


def _int_to_ip(v: int, bits: int) -> int:
    """go-cidr's intToIP: the magnitude's bytes, right-aligned in the address."""
    return abs(v) & ((1 << bits) - 1)


def _format_net(ip: int, bits: int, prefix: int) -> str:
    """Go's IPNet.String(); an IPv4-mapped address prints as IPv4 with the
    last 32 bits of its mask."""
    if prefix < 0 or prefix > bits:
        return "<nil>"
    if bits == 128 and ip >> 32 == 0xFFFF:
        return f"{format_ip(ip, bits)}/{max(prefix - 96, 0)}"
    return f"{format_ip(ip, bits)}/{prefix}"


def _big_int(v: Value) -> int:
    """gocty conversion to *big.Int."""
    n = v.v
    if n.is_inf() or not n.is_integer():
        raise FunctionError("value must be a whole number")
    return int(n.to_int())


def _go_int(v: Value, arg_index: int | None = None) -> int:
    """gocty conversion to a Go int."""
    n = v.v
    if not n.is_inf() and n.is_integer():
        i = int(n.to_int())
        if -(1 << 63) <= i < (1 << 63):
            return i
    raise FunctionError(
        "value must be a whole number, between -9223372036854775808 and 9223372036854775807", arg_index=arg_index
    )


def _go_int64(x: int) -> int:
    x &= _U64
    return x - (1 << 64) if x >> 63 else x


def host(net: Network, num: int) -> str:
    host_len = net.bits - net.prefix
    max_host = (1 << host_len) - 1
    check = _go_int64(abs(num))
    if num < 0:
        check = -num - 1
        num = max_host - check
    if check > max_host:
        raise FunctionError(f"prefix of {net.prefix} does not accommodate a host numbered {num}")
    # go-cidr inserts the host number below bit 32 when the address is IPv4
    # (including IPv4-mapped IPv6), whatever the address length
    shift = 96 if net.v4_mapped else 0
    return format_ip(_int_to_ip(net.ip | (num << shift), net.bits), net.bits)


def subnet(net: Network, newbits: int, num: int) -> str:
    new_prefix = net.prefix + newbits
    if new_prefix > net.bits:
        raise FunctionError(f"insufficient address space to extend prefix of {net.prefix} by {newbits}")
    shift = newbits & _U64
    max_net = (((1 << shift) & _U64) - 1) & _U64 if shift < 64 else _U64
    if (abs(num) & _U64) > max_net:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate a subnet numbered {num}")
    lsh = net.bits - new_prefix
    shifted = num << lsh if lsh >= 0 else 0
    return _format_net(_int_to_ip(net.ip | shifted, net.bits), net.bits, new_prefix)


def _cidrhost(args: Sequence[Value], _rt: Type) -> Value:
    net = parse_cidr(args[0].as_str())
    return string_val(host(net, _big_int(args[1])))


def _cidrnetmask(args: Sequence[Value], _rt: Type) -> Value:
    s = args[0].as_str()
    net = parse_cidr(s)
    if net.bits != 32 and not net.v4_mapped:
        raise FunctionError(f"IPv6 addresses cannot have a netmask: {s}")
    return string_val(format_ip(net.mask, net.bits))


def _cidrsubnet(args: Sequence[Value], _rt: Type) -> Value:
    net = parse_cidr(args[0].as_str())
    newbits = _go_int(args[1])
    num = _big_int(args[2])
    return string_val(subnet(net, newbits, num))


def _cidrsubnets(args: Sequence[Value], _rt: Type) -> Value:
    net = parse_cidr(args[0].as_str())
    bits = net.bits
    full = (1 << bits) - 1
    start = net.prefix
    out: list[Value] = []
    if len(args) < 2:
        return Value(ListType(STRING), ())
    # terraform starts from cidr.PreviousSubnet(network, prefix + first newbits)
    prev_prefix = start + _go_int(args[1], arg_index=1)
    prev_ip = 0
    if 0 <= prev_prefix <= bits:
        prev_ip = ((net.ip - 1) & full) & mask_int(prev_prefix, bits)
    for i, a in enumerate(args[1:]):
        length = _go_int(a, arg_index=i + 1)
        if length < 1:
            raise FunctionError("must extend prefix by at least one bit", arg_index=i + 1)
        new_prefix = start + length
        if new_prefix > bits:
            proto = "IPv4" if bits == 32 else "IPv6"
            raise FunctionError(
                f"would extend prefix to {new_prefix} bits, which is too long for an {proto} address",
                arg_index=i + 1,
            )
        # cidr.NextSubnet(prev, new_prefix)
        cur_last = prev_ip | (full ^ mask_int(prev_prefix, bits))
        nmask = mask_int(new_prefix, bits)
        last = (cur_last & nmask) | (full ^ nmask)
        nxt = (last + 1) & full
        rollover = nxt == 0
        nxt &= nmask
        if rollover or (nxt & net.mask) != net.ip:
            raise FunctionError(
                f"not enough remaining address space for a subnet with a prefix of {new_prefix} bits "
                f"after {_format_net(prev_ip, bits, prev_prefix)}",
                arg_index=i + 1,
            )
        prev_ip, prev_prefix = nxt, new_prefix
        out.append(string_val(_format_net(nxt, bits, new_prefix)))
    return Value(ListType(STRING), tuple(out))


def functions(ctx: FunctionContext) -> dict[str, Function]:
    return {
        "cidrhost": func("cidrhost", [param("prefix", STRING), param("hostnum", NUMBER)], STRING, _cidrhost),
        "cidrnetmask": func("cidrnetmask", [param("prefix", STRING)], STRING, _cidrnetmask),
        "cidrsubnet": func(
            "cidrsubnet",
            [param("prefix", STRING), param("newbits", NUMBER), param("netnum", NUMBER)],
            STRING,
            _cidrsubnet,
        ),
        "cidrsubnets": func(
            "cidrsubnets",
            [param("prefix", STRING)],
            ListType(STRING),
            _cidrsubnets,
            var_param=param("newbits", NUMBER),
        ),
    }


__all__ = ["functions", "parse_cidr", "format_ip", "host", "subnet"]
