"""Regenerate the protobuf/gRPC Python modules beside this file.

Run from the repository root (needs grpcio-tools, a development-only tool):

    python -m sheath.providers.tfplugin.proto.generate

The generated ``*_pb2.py``, ``*_pb2.pyi`` and ``*_pb2_grpc.py`` are committed;
the runtime needs only grpcio and protobuf (pinned in pyproject.toml to the
versions the generated code was made with).
"""

from __future__ import annotations

import pathlib
import sys

PROTOS = ("tfplugin5.proto", "tfplugin6.proto", "grpc_controller.proto")


def main() -> int:
    from grpc_tools import protoc  # type: ignore[import-untyped]
    import grpc_tools

    here = pathlib.Path(__file__).resolve().parent
    src = here.parents[3]  # .../src
    include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    for name in PROTOS:
        rel = (here / name).relative_to(src)
        rc = protoc.main(
            [
                "protoc",
                f"-I{src}",
                f"-I{include}",
                f"--python_out={src}",
                f"--pyi_out={src}",
                f"--grpc_python_out={src}",
                str(rel),
            ]
        )
        if rc != 0:
            print(f"protoc failed for {name}", file=sys.stderr)
            return rc
        stem = name.removesuffix(".proto")
        for suffix in ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py"):
            out = here / (stem + suffix)
            out.write_text(HEADER + out.read_text())
    return 0


HEADER = "# Generated from the .proto beside this file; regenerate with: python -m sheath.providers.tfplugin.proto.generate\n"



if __name__ == "__main__":
    raise SystemExit(main())
