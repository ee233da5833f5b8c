"""``agent-*``: the declarations of an agent block (sec. 2.7, rules of the rholang-rs parser):
exactly one constructor, exactly one public `default`, a `private default` whenever a
`private method` exists; no duplicates; a constructor is never private."""

from __future__ import annotations

from collections.abc import Iterator

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity
from rholang_lsp.syntax.kinds import K
from rholang_lsp.syntax.tree import Node, Token

_DECL_KINDS = {
    K.KW_CONSTRUCTOR: "constructor",
    K.KW_METHOD: "method",
    K.KW_DEFAULT: "default",
}


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    for node in ctx.model.facts.agents:
        yield from _agent(ctx.text, node)


def _agent(text: str, node: Node) -> Iterator[Diagnostic]:
    name_node = node.first_child(K.NAME)
    label = text[name_node.start : name_node.end] if name_node is not None else "?"
    at = name_node if name_node is not None else node.children[0]
    first: dict[tuple[str, bool, str], tuple[int, int]] = {}
    private_methods: list[tuple[int, int]] = []
    complete = True
    for d in node.children:
        if not isinstance(d, Node) or d.kind != K.AGENT_DECL:
            continue
        toks = [t for t in d.children if isinstance(t, Token)]
        private = any(t.kind == K.KW_PRIVATE for t in toks)
        kw = next((t for t in toks if t.kind in _DECL_KINDS), None)
        if kw is None:
            complete = False
            continue
        what = _DECL_KINDS[kw.kind]
        meth = ""
        end = kw.end
        if kw.kind == K.KW_METHOD:
            mt = next((t for t in toks if t.kind == K.IDENT), None)
            if mt is None:
                complete = False
                continue
            meth, end = mt.text, mt.end
            if private:
                private_methods.append((mt.start, mt.end))
        if kw.kind == K.KW_CONSTRUCTOR and private:
            pt = toks[0]
            yield diagnostic(
                pt.start,
                pt.end,
                Severity.ERROR,
                "A `constructor` cannot be `private`.",
                C.AGENT_PRIVATE_CONSTRUCTOR,
            )
            private = False
        s, e = d.start, end
        key = (what, private and what != "constructor", meth)
        prev = first.get(key)
        if prev is not None:
            shown = ("private " if key[1] else "") + what + (f" {meth}" if meth else "")
            yield diagnostic(
                s,
                e,
                Severity.ERROR,
                f"Duplicate `{shown}` in agent `{label}`: each declaration may appear only once.",
                C.AGENT_DUPLICATE_DECLARATION,
                (Related(prev[0], prev[1], "first declaration"),),
            )
        else:
            first[key] = (s, e)
    if not complete or node.first_child(K.ERROR) is not None:
        return  # incomplete while typing: no "missing" errors
    if ("constructor", False, "") not in first:
        yield diagnostic(
            at.start,
            at.end,
            Severity.ERROR,
            f"Agent `{label}` has no `constructor`; an agent block needs exactly one.",
            C.AGENT_MISSING_CONSTRUCTOR,
        )
    if ("default", False, "") not in first:
        yield diagnostic(
            at.start,
            at.end,
            Severity.ERROR,
            f"Agent `{label}` has no public `default`; an agent block needs exactly one "
            f"(e.g. `default(...@args) {{ Nil }}`).",
            C.AGENT_MISSING_DEFAULT,
        )
    if private_methods and ("default", True, "") not in first:
        yield diagnostic(
            at.start,
            at.end,
            Severity.ERROR,
            f"Agent `{label}` has a `private method` but no `private default`; add one "
            f"(e.g. `private default(...@args) {{ Nil }}`).",
            C.AGENT_MISSING_PRIVATE_DEFAULT,
            tuple(Related(s, e, "private method") for s, e in private_methods[:5]),
        )
