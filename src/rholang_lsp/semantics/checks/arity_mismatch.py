"""``arity-mismatch`` (warning): a send no contract on its channel accepts.

The one home of the arity rule, for both kinds of channel:

* a local channel (a `new` name): against this file's contracts on it, unless some
  receive on the channel takes that many values (then the send may be meant for it);
* a quoted ground name (`@"Registry"`): against every contract of that name, in this
  file and (with an index) in the other files of the workspace;
* a system process (`new out(`rho:io:stdout`)`): against the arity of the target node's
  process (``system_channels``, from the node's ``Definition(urn, channel, arity, ...)``).
  The node installs it with exactly that many pattern variables and no remainder, so any
  other send never matches. Not the registry entry points (`rho:registry:lookup`, ...):
  Registry.rho's bootstrap sends them a single channel first, and their per-node arities
  (`insertSigned`: 3 on RNode, 4 on F1R3FLY) stay facts for hover and signature help.

Silent while the file has syntax errors (the sends may be half typed)."""

from __future__ import annotations

from rholang_lsp.semantics.checks.codes import DiagnosticCode as C
from rholang_lsp.semantics.checks.context import CheckContext, diagnostic
from rholang_lsp.semantics.model import ContractInfo
from rholang_lsp.semantics.system_channels import Kind
from rholang_lsp.semantics.system_channels import lookup as lookup_system
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity

# system processes installed with a fixed arity (RhoRuntime `Definition(urn, _, arity, ...)`);
# not the registry entry points: Registry.rho's bootstrap sends them one channel first
_PROCESS_KINDS = (Kind.PROCESS, Kind.TEST)


def _plural(n: int) -> str:
    return "s" if n != 1 else ""


def check(ctx: CheckContext) -> list[Diagnostic]:
    model = ctx.model
    out: list[Diagnostic] = []
    if model.has_syntax_errors:
        return out
    # per channel, once, for the channels sent on: which arities its contracts accept, the
    # "known" text and the related locations; per channel and arity, once, the message (a
    # file with many overloads and sends stays linear, and builds few strings)
    by_sym = model._contracts_by_symbol  # this file's contracts per channel, in order
    accepts: dict[int, _Arities] = {}
    messages: dict[tuple[int, int], str] = {}
    by_key: dict[str, _Arities | None] = {}
    system_verdicts: dict[tuple[int, int], tuple[str, tuple[Related, ...]] | None] = {}
    # channels that are not bound to a system process with a fixed arity: most of them
    not_system: set[int] = set()
    receive_arities = model.facts.receive_arities
    symbols = model.symbols
    warning, code = Severity.WARNING, C.ARITY_MISMATCH
    for s in model.sends:
        sid = s.symbol
        if s.is_send and sid is not None:
            if sid in not_system:
                continue
            cs = by_sym.get(sid)
            if cs is None and symbols[sid].uri is None:
                not_system.add(sid)  # a local channel without contracts: nothing to judge
                continue
            n = len(s.args)
            if cs is not None:
                ar = accepts.get(sid)
                if ar is None:
                    ar = accepts[sid] = _Arities(cs)
                if ar.accepts(n):
                    continue
                ra = receive_arities.get(sid)
                if ra is not None and (None in ra or n in ra):
                    continue
                name = symbols[sid].name
                at = (sid, n)
                msg = messages.get(at)
                if msg is None:
                    msg = messages[at] = (
                        f"No contract `{name}` takes {n} argument{_plural(n)} (known: {ar.known})."
                    )
                out.append(diagnostic(s.start, s.end, warning, msg, code, ar.related(name)))
                continue
            want = _fixed_system_arity(ctx, sid)
            if want is None:
                not_system.add(sid)
                continue
            # per channel and arity, once: many sends on one system channel (`stdout!`)
            at = (sid, n)
            if at in system_verdicts:
                verdict = system_verdicts[at]
            else:
                verdict = system_verdicts[at] = _system_verdict(ctx, sid, n, want, receive_arities)
            if verdict is not None:
                out.append(diagnostic(s.start, s.end, warning, verdict[0], code, verdict[1]))
        elif s.global_key is not None:
            n = len(s.args)
            key = s.global_key
            if key in by_key:
                g = by_key[key]
            else:
                g = by_key[key] = _global_arities(ctx, key)
            if g is None or g.accepts(n):
                continue
            out.append(
                diagnostic(
                    s.start,
                    s.end,
                    warning,
                    f"No contract {key} takes {n} argument{_plural(n)} (known: {g.known}).",
                    code,
                    g.related_global,
                )
            )
    return out


def _fixed_system_arity(ctx: CheckContext, sid: int) -> int | None:
    """The arity of the system process ``sid`` is bound to on the target node, when it is
    one installed with a fixed arity (None: any other channel)."""
    sym = ctx.model.symbols[sid]
    ch = lookup_system(sym.uri) if sym.uri is not None else None
    if ch is None or not ch.on(ctx.target) or ch.kind not in _PROCESS_KINDS:
        return None
    return ch.arity_on(ctx.target)


def _system_verdict(
    ctx: CheckContext, sid: int, n: int, want: int, receive_arities: dict[int, set[int | None]]
) -> tuple[str, tuple[Related, ...]] | None:
    """The message and related location of a send of ``n`` values on ``sid``, bound to a
    system process that takes ``want``, when they differ (None: no warning)."""
    if n == want:
        return None
    sym = ctx.model.symbols[sid]
    ra = receive_arities.get(sid, set())
    if None in ra or n in ra:
        return None
    node = "RNode" if ctx.target == "rnode" else "F1R3FLY"
    return (
        f"`{sym.uri}` takes {want} argument{_plural(want)} on {node}; a send of {n} "
        f"never matches its process.",
        (Related(sym.start, sym.end, f"`{sym.name}` bound to `{sym.uri}`"),),
    )


def _global_arities(ctx: CheckContext, key: str) -> _Arities | None:
    """The arities of every contract on a quoted name (None: no contract on it)."""
    defs = ctx.index.definitions(key, exclude=ctx.uri) if ctx.index else []
    local = ctx.model.contracts_global(key)
    if not defs and not local:
        return None
    ar = _Arities(local)
    ar.exact |= {c.arity for _, c in defs}
    var = [c.arity for _, c in defs if c.remainder] + (
        [ar.min_variadic] if ar.min_variadic is not None else []
    )
    ar.min_variadic = min(var) if var else None
    ar.known = ", ".join(map(str, sorted({c.arity for _, c in defs} | {c.arity for c in local})))
    ar.related_global = tuple(
        Related(c.name_start, c.name_end, f"contract {c.key}/{c.arity}", u) for u, c in defs[:5]
    ) + tuple(Related(c.name_start, c.name_end, f"contract {c.name}/{c.arity}") for c in local[:5])
    return ar


class _Arities:
    """What the overloads of one channel accept, computed once per check run."""

    __slots__ = ("exact", "min_variadic", "known", "related_global", "_cs", "_related")

    def __init__(self, cs: list[ContractInfo]) -> None:
        self.exact = {c.arity for c in cs}
        variadic = [c.arity for c in cs if c.remainder is not None]
        self.min_variadic = min(variadic) if variadic else None
        self.known = ", ".join(sorted({str(c.arity) + ("+" if c.remainder else "") for c in cs}))
        self.related_global: tuple[Related, ...] = ()
        self._cs = cs
        self._related: tuple[Related, ...] | None = None

    def accepts(self, n: int) -> bool:
        return n in self.exact or (self.min_variadic is not None and n >= self.min_variadic)

    def related(self, name: str) -> tuple[Related, ...]:
        if self._related is None:
            self._related = tuple(
                Related(c.name_start, c.name_end, f"contract `{name}`/{c.arity}") for c in self._cs
            )
        return self._related
