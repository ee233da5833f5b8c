"""Talking to a running RNode / F1R3FLY node over gRPC (optional ``[node]`` extra).

``address`` parses ``--validator-backend`` values and node addresses (stdlib only);
``client`` (needs grpcio + protobuf) calls the node's ``lsp.Lsp/Validate`` and
``repl.Repl/Eval``. Nothing here knows LSP: the server layer maps the results.
"""
