"""LSP server: sessions, lifecycle, handler registry, diagnostics publishing.

Public surface: ``Server``, ``ServerOptions``, ``Session``, and the decorators
``request`` / ``notification`` from ``rholang_lsp.server.registry``.
"""
