"""The messages built in ``rholang_lsp/node/messages.py`` are the ones ``protos/*.proto`` describe:
both compiled by protoc (grpcio-tools, a dev dependency) and compared field by field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("grpc", reason="the [node] extra is not installed")
pytest.importorskip("grpc_tools", reason="grpcio-tools (dev extra) is not installed")

from google.protobuf import descriptor_pb2  # noqa: E402

from rholang_lsp.node import messages  # noqa: E402

PROTOS = Path(messages.__file__).parent / "protos"


def _normalise(fd: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    out = descriptor_pb2.FileDescriptorProto()
    out.CopyFrom(fd)
    out.ClearField("source_code_info")
    for msg in out.message_type:
        for f in msg.field:
            f.ClearField("json_name")
    for service in out.service:
        for method in service.method:
            method.ClearField("options")  # `{}` after an rpc: an empty options message
    return out


@pytest.mark.parametrize("built", [messages.LSP_FILE, messages.REPL_FILE], ids=["lsp", "repl"])
def test_runtime_messages_match_the_proto_files(tmp_path: Path, built: object) -> None:
    out = tmp_path / "set.pb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTOS}",
            f"--descriptor_set_out={out}",
            "lsp.proto",
            "repl.proto",
        ],
        check=True,
    )
    compiled = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    by_name = {fd.name: fd for fd in compiled.file}
    assert isinstance(built, descriptor_pb2.FileDescriptorProto)
    assert _normalise(built) == _normalise(by_name[built.name])
