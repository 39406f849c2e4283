"""msgpack, ormsgpack and msgspec as the byte layer of sheath's DynamicValue codec.

Builds a state-like value (N objects of ~25 attributes: strings, numbers,
bools, nulls, unknowns, nested lists/maps/sets), turns it into the plain tree
the codec packs (unknowns as extension type 0), and times each library's
pack/unpack of that tree (with its extension-type hook), plus sheath's whole
codec (value -> bytes -> value) for context. Checks every library produces
identical bytes.

    .venv/bin/python benchmarks/msgpack_codecs.py [--objects N] [--repeat K]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable

import msgpack

from sheath.types import Value
from sheath.types.cty import BOOL, NUMBER, STRING, ListType, MapType, ObjectType, SetType, bool_val, null, string_val, unknown
from sheath.types.msgpack_codec import _enc, value_from_msgpack, value_to_msgpack
from sheath.types.number import number_val
from sheath.types.ops import set_val

TAGS = MapType(STRING)
RULE = ObjectType({"from_port": NUMBER, "to_port": NUMBER, "protocol": STRING, "cidr_blocks": ListType(STRING)})


def obj_type() -> ObjectType:
    attrs: dict[str, Any] = {f"s{i}": STRING for i in range(12)}
    attrs.update({f"n{i}": NUMBER for i in range(4)})
    attrs.update({"b0": BOOL, "b1": BOOL, "tags": TAGS, "tags_all": TAGS, "ingress": SetType(RULE), "ids": ListType(STRING), "u0": STRING, "u1": ListType(STRING), "z": STRING})
    return ObjectType(attrs)


def make(n: int) -> tuple[Value, ListType]:
    t = obj_type()
    objs = []
    for k in range(n):
        a: dict[str, Value] = {f"s{i}": string_val(f"value-{k}-{i}-arn:aws:s3:::bucket") for i in range(12)}
        a.update({"n0": number_val(k), "n1": number_val(2**40 + k), "n2": number_val(0.5 + k), "n3": number_val("0.1")})
        a.update({"b0": bool_val(k % 2 == 0), "b1": bool_val(True)})
        tags = {f"k{j}": string_val(f"v{j}") for j in range(4)}
        a["tags"] = Value(TAGS, tags)
        a["tags_all"] = Value(TAGS, tags)
        rules = [Value(RULE, {"cidr_blocks": Value(ListType(STRING), (string_val("10.0.0.0/8"),)), "from_port": number_val(p), "protocol": string_val("tcp"), "to_port": number_val(p)}) for p in (22, 443)]
        a["ingress"] = set_val(rules, RULE)
        a["ids"] = Value(ListType(STRING), tuple(string_val(f"id-{j}") for j in range(5)))
        a["u0"] = unknown(STRING)
        a["u1"] = unknown(ListType(STRING))
        a["z"] = null(STRING)
        objs.append(Value(t, dict(sorted(a.items()))))
    lt = ListType(t)
    return Value(lt, tuple(objs)), lt


class Unknown:
    pass


def tree_of(v: Value, t: Any) -> Any:
    def swap(x: Any) -> Any:
        if isinstance(x, msgpack.ExtType):
            return UNK
        if isinstance(x, list):
            return [swap(e) for e in x]
        if isinstance(x, dict):
            return {k: swap(e) for k, e in x.items()}
        return x

    return swap(_enc(v, t, ()))


UNK = Unknown()


def best(f: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    v, t = make(args.objects)
    tree = tree_of(v, t)

    libs: dict[str, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]] = {}

    def mp_default(o: Any) -> Any:
        if o is UNK:
            return msgpack.ExtType(0, b"\x00")
        raise TypeError(o)

    libs["msgpack " + msgpack.version.__repr__()] = (
        lambda x: msgpack.packb(x, default=mp_default, use_bin_type=True),
        lambda b: msgpack.unpackb(b, raw=False, ext_hook=lambda c, d: UNK),
    )
    try:
        import ormsgpack

        def or_default(o: Any) -> Any:
            if o is UNK:
                return ormsgpack.Ext(0, b"\x00")
            raise TypeError(o)

        libs[f"ormsgpack {ormsgpack.__version__}"] = (
            lambda x: ormsgpack.packb(x, default=or_default),
            lambda b: ormsgpack.unpackb(b, ext_hook=lambda c, d: UNK),
        )
    except ImportError:
        pass
    try:
        import msgspec

        enc = msgspec.msgpack.Encoder(enc_hook=lambda o: msgspec.msgpack.Ext(0, b"\x00"))
        dec = msgspec.msgpack.Decoder(ext_hook=lambda c, d: UNK)
        libs[f"msgspec {msgspec.__version__}"] = (enc.encode, dec.decode)
    except ImportError:
        pass

    ref = None
    print(f"{args.objects} objects; best of {args.repeat}")
    print("| library | pack | unpack | bytes |")
    print("| --- | --- | --- | --- |")
    for name, (pack, unpack) in libs.items():
        data = pack(tree)
        if ref is None:
            ref = data
        same = "identical" if data == ref else "DIFFERENT"
        tp = best(lambda: pack(tree), args.repeat)
        tu = best(lambda: unpack(data), args.repeat)
        print(f"| {name} | {tp * 1000:.1f} ms | {tu * 1000:.1f} ms | {len(data)} ({same}) |")
    data = value_to_msgpack(v, t)
    te = best(lambda: value_to_msgpack(v, t), args.repeat)
    td = best(lambda: value_from_msgpack(data, t), args.repeat)
    print(f"\nsheath codec (msgpack backend): value->bytes {te * 1000:.1f} ms, bytes->value {td * 1000:.1f} ms ({len(data)} bytes)")


if __name__ == "__main__":
    main()
