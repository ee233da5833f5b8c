"""What the binder observed that a check may judge (``SemanticModel.facts``).

The binder resolves names and records these facts while it walks; it emits no
diagnostics. Each check in ``semantics/checks/`` turns facts (and the symbols,
contracts and sends of the model) into diagnostics. Ranges are code-point offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rholang_lsp.semantics.sorts import Sort
from rholang_lsp.syntax.tree import Node


@dataclass(slots=True, unsafe_hash=True)
class UnboundUse:
    """An identifier no binder covers.

    Compared and hashed by value like the other facts, but not frozen: a block rebind moves
    the uses after the block in place (``semantics.rebind``: a file full of free names has
    thousands). Nothing else changes one."""

    start: int
    end: int
    name: str
    top_level: bool  # outside every binding construct
    new_sibling: tuple[int, int] | None = None  # `new` of an earlier `|` sibling declaring it
    var_ref: str | None = None  # "=" / "=*" when the use is a variable reference


@dataclass(frozen=True, slots=True)
class SortMismatch:
    """A name variable in a process position or the reverse."""

    start: int
    end: int
    symbol: int
    position: Sort
    var_ref: bool = False


@dataclass(frozen=True, slots=True)
class DuplicateBinder:
    start: int
    end: int
    name: str
    first: int  # symbol id of the first binding
    in_new: bool  # declared twice in one `new` (else: bound twice in one pattern)


@dataclass(frozen=True, slots=True)
class Shadowing:
    symbol: int
    outer: int
    match_case: bool  # a `match` case pattern (where `=x` compares)
    # match cases only: the outer variable occurs in the match target (the unwrap idiom
    # `match vault { (true, vault) => ... }` rebinds it on purpose)
    in_target: bool = False
    # match cases only: why the binder evidently meant to compare with the outer variable:
    # "eval" (the whole pattern is `*x`), "whole" (the whole pattern is `x`), "literal"
    # (an element where another case has a literal); None: no such evidence
    intent: str | None = None
    # the comparison that was meant: replace [start, end) with the text (`=x`, `=*x`)
    fix: tuple[int, int, str] | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """A range with the text it is about (a name, an operator)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class OutsidePattern:
    """A pattern-only construct (`_`, `=x`, a logical connective, a remainder `...x`)
    outside a pattern."""

    start: int
    end: int
    what: Literal["wildcard", "var-ref", "connective", "remainder"]
    text: str


@dataclass(frozen=True, slots=True)
class RepeatedJoinChannel:
    start: int
    end: int
    first_start: int
    first_end: int


@dataclass(frozen=True, slots=True)
class PatternBundle:
    """A `bundle` inside a pattern, with the pattern's free variables/wildcards inside it."""

    kw_start: int
    kw_end: int
    frees: tuple[Span, ...]


@dataclass(slots=True, eq=False)
class Facts:
    unbound: list[UnboundUse] = field(default_factory=list)
    sort_mismatches: list[SortMismatch] = field(default_factory=list)
    duplicate_binders: list[DuplicateBinder] = field(default_factory=list)
    shadowing: list[Shadowing] = field(default_factory=list)
    disjunction_binders: list[Span] = field(default_factory=list)  # bound under \/ or ~
    outside_pattern: list[OutsidePattern] = field(default_factory=list)
    receive_connectives: list[Span] = field(default_factory=list)  # \/ or ~ in a receive
    system_uris: list[Span] = field(default_factory=list)  # `new x(`rho:...`)`: uri text
    repeated_join_channels: list[RepeatedJoinChannel] = field(default_factory=list)
    pattern_bundles: list[PatternBundle] = field(default_factory=list)
    agents: list[Node] = field(default_factory=list)  # AGENT nodes (checked syntactically)
    # each receive on a local channel: (channel start, symbol id, formals count or None when
    # it has a remainder); ``SemanticModel.finish`` folds them into ``receive_arities``
    receives: list[tuple[int, int, int | None]] = field(default_factory=list)
    # arities of the receives on a local channel (symbol id -> formals count; None = remainder)
    receive_arities: dict[int, set[int | None]] = field(default_factory=dict)
