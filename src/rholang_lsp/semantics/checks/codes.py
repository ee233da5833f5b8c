"""Every semantic diagnostic code: the one list shared by the checks and the quick fixes.

A ``StrEnum``: each member *is* its wire string (``DiagnosticCode.UNUSED_NAME ==
"unused-name"``), so clients, the ``check`` command and the corpus expectations see
the same codes as before.
"""

from __future__ import annotations

import enum


class DiagnosticCode(enum.StrEnum):
    UNBOUND_VARIABLE = "unbound-variable"
    TOP_LEVEL_FREE_VARIABLE = "top-level-free-variable"
    NAME_IN_PROCESS_POSITION = "name-in-process-position"
    PROCESS_IN_NAME_POSITION = "process-in-name-position"
    SHADOWING = "shadowing"
    DUPLICATE_BINDER = "duplicate-binder"
    BINDER_IN_DISJUNCTION = "binder-in-disjunction"
    WILDCARD_OUTSIDE_PATTERN = "wildcard-outside-pattern"
    VAR_REF_OUTSIDE_PATTERN = "var-ref-outside-pattern"
    CONNECTIVE_OUTSIDE_PATTERN = "connective-outside-pattern"
    RECEIVE_PATTERN_CONNECTIVE = "receive-pattern-connective"
    UNKNOWN_SYSTEM_URI = "unknown-system-uri"
    JOIN_SAME_CHANNEL = "join-same-channel"
    BUNDLE_FREE_VARIABLE = "bundle-free-variable"
    BUNDLE_IN_PATTERN = "bundle-in-pattern"
    AGENT_PRIVATE_CONSTRUCTOR = "agent-private-constructor"
    AGENT_DUPLICATE_DECLARATION = "agent-duplicate-declaration"
    AGENT_MISSING_CONSTRUCTOR = "agent-missing-constructor"
    AGENT_MISSING_DEFAULT = "agent-missing-default"
    AGENT_MISSING_PRIVATE_DEFAULT = "agent-missing-private-default"
    UNUSED_NAME = "unused-name"
    ARITY_MISMATCH = "arity-mismatch"
    CROSS_FILE_CONTRACT_HINT = "cross-file-contract-hint"
    URI_NOT_ON_TARGET = "uri-not-on-target"
    REGISTRY_SHORTHAND_IN_NEW = "registry-shorthand-in-new"
    REMAINDER_OUTSIDE_PATTERN = "remainder-outside-pattern"
    COMPARISON_INTENT = "comparison-intent"
    UNKNOWN_LOOKUP_URI = "unknown-lookup-uri"


#: the codes of a use that no binder covers (quick fix: declare it)
UNBOUND_CODES = frozenset({DiagnosticCode.UNBOUND_VARIABLE, DiagnosticCode.TOP_LEVEL_FREE_VARIABLE})
