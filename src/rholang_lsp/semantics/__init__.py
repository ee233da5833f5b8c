"""Semantics layer: binder, scopes, symbols, contracts, doc comments, system channels,
semantic diagnostics and the compact per-file summary.

Public API (import from the submodules)::

    binder.bind(parse_result, *, target="f1r3fly") -> model.SemanticModel
    diagnostics.semantic_diagnostics(parse_result, *, uri="", index=None,
                                     target="f1r3fly", model=None) -> list[Diagnostic]
    summarize.build_summary(uri, text, model, *, version=None) -> summary.FileSummary
    system_channels.lookup(uri) / is_known(uri) / SYSTEM_CHANNELS
    doc_comments.parse_doc_comments(raw_comment_texts) -> DocComment | None

``SemanticModel`` holds ``symbols`` (``Symbol``: name, sort NAME/PROC, kind,
identifier range, scope, doc, system uri), ``scopes`` (``Scope`` tree),
``references`` (``Reference``: range, symbol id or None = unbound, role
read/write, position sort), ``contracts`` (``ContractInfo``), ``sends``,
``global_refs`` (quoted ground names), ``facts`` (what the checks in ``checks/``
judge) and the file-local ``diagnostics`` (the file checks' verdicts);
``reference_at(offset)`` / ``global_at(offset)`` / ``occurrences(symbol_id)`` answer
navigation queries. All ranges are code-point offsets into the document text.
"""
