"""The protobuf messages of the node's ``lsp.Lsp`` and ``repl.Repl`` services.

Built at import time from descriptors written here (the same fields as ``protos/*.proto``)
instead of committing ``protoc`` output: generated modules pin the protobuf runtime to the
generator's version, these work with any protobuf >= 4.21. Importing this module needs the
``[node]`` extra (protobuf); ``tests/node_grpc/test_messages.py`` compiles the ``.proto`` files
with grpcio-tools, when installed, and checks that both describe the same messages.
"""

from __future__ import annotations

from typing import Any, Final

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_F = descriptor_pb2.FieldDescriptorProto
_STRING: Final = _F.TYPE_STRING
_UINT64: Final = _F.TYPE_UINT64
_BOOL: Final = _F.TYPE_BOOL
_MESSAGE: Final = _F.TYPE_MESSAGE
_ENUM: Final = _F.TYPE_ENUM
_OPTIONAL: Final = _F.LABEL_OPTIONAL
_REPEATED: Final = _F.LABEL_REPEATED

# message -> [(field, number, type, type name or "", repeated, oneof index or None)]
Fields = list[tuple[str, int, int, str, bool, int | None]]


def _file(
    name: str,
    package: str,
    messages: dict[str, Fields],
    *,
    enums: dict[str, list[str]] | None = None,
    oneofs: dict[str, list[str]] | None = None,
    services: dict[str, list[tuple[str, str, str]]] | None = None,
) -> descriptor_pb2.FileDescriptorProto:
    fd = descriptor_pb2.FileDescriptorProto(name=name, package=package, syntax="proto3")
    for enum_name, values in (enums or {}).items():
        enum = fd.enum_type.add(name=enum_name)
        for number, value in enumerate(values):
            enum.value.add(name=value, number=number)
    for msg_name, fields in messages.items():
        msg = fd.message_type.add(name=msg_name)
        for oneof in (oneofs or {}).get(msg_name, []):
            msg.oneof_decl.add(name=oneof)
        for field_name, number, type_, type_name, repeated, oneof_index in fields:
            f = msg.field.add(
                name=field_name,
                number=number,
                type=type_,
                label=_REPEATED if repeated else _OPTIONAL,
                json_name=field_name,
            )
            if type_name:
                f.type_name = f".{package}.{type_name}"
            if oneof_index is not None:
                f.oneof_index = oneof_index
    for service_name, methods in (services or {}).items():
        service = fd.service.add(name=service_name)
        for method, request, response in methods:
            service.method.add(
                name=method,
                input_type=f".{package}.{request}",
                output_type=f".{package}.{response}",
            )
    return fd


LSP_FILE: Final = _file(
    "lsp.proto",
    "lsp",
    {
        "ValidateRequest": [("text", 1, _STRING, "", False, None)],
        "Position": [
            ("line", 1, _UINT64, "", False, None),
            ("column", 2, _UINT64, "", False, None),
        ],
        "Range": [
            ("start", 1, _MESSAGE, "Position", False, None),
            ("end", 2, _MESSAGE, "Position", False, None),
        ],
        "Diagnostic": [
            ("range", 1, _MESSAGE, "Range", False, None),
            ("severity", 2, _ENUM, "DiagnosticSeverity", False, None),
            ("source", 3, _STRING, "", False, None),
            ("message", 4, _STRING, "", False, None),
        ],
        "DiagnosticList": [("diagnostics", 1, _MESSAGE, "Diagnostic", True, None)],
        "ValidateResponse": [
            ("success", 1, _MESSAGE, "DiagnosticList", False, 0),
            ("error", 2, _STRING, "", False, 0),
        ],
    },
    enums={"DiagnosticSeverity": ["ERROR", "WARNING", "INFORMATION", "HINT"]},
    oneofs={"ValidateResponse": ["result"]},
    services={"Lsp": [("Validate", "ValidateRequest", "ValidateResponse")]},
)

REPL_FILE: Final = _file(
    "repl.proto",
    "repl",
    {
        "CmdRequest": [("line", 1, _STRING, "", False, None)],
        "EvalRequest": [
            ("program", 1, _STRING, "", False, None),
            ("printUnmatchedSendsOnly", 2, _BOOL, "", False, None),
        ],
        "ReplResponse": [("output", 1, _STRING, "", False, None)],
    },
    services={
        "Repl": [("Run", "CmdRequest", "ReplResponse"), ("Eval", "EvalRequest", "ReplResponse")]
    },
)

# A private pool: no clash with another copy of these files in the default pool.
_POOL: Final = descriptor_pool.DescriptorPool()
_POOL.Add(LSP_FILE)
_POOL.Add(REPL_FILE)


def _message(full_name: str) -> Any:
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


ValidateRequest: Any = _message("lsp.ValidateRequest")
ValidateResponse: Any = _message("lsp.ValidateResponse")
DiagnosticList: Any = _message("lsp.DiagnosticList")
Diagnostic: Any = _message("lsp.Diagnostic")
Range: Any = _message("lsp.Range")
Position: Any = _message("lsp.Position")
EvalRequest: Any = _message("repl.EvalRequest")
CmdRequest: Any = _message("repl.CmdRequest")
ReplResponse: Any = _message("repl.ReplResponse")

VALIDATE_METHOD: Final = "/lsp.Lsp/Validate"
EVAL_METHOD: Final = "/repl.Repl/Eval"
