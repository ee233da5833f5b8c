"""The two sorts of Rholang variables, in a module of their own: the facts
(``facts.py``) and the model (``model.py``, which imports the facts) both name it at
run time (a compiled dataclass reads its fields' types when its module is loaded)."""

from __future__ import annotations

import enum


class Sort(enum.Enum):
    """The two sorts of Rholang variables (RHOLANG_SYNTAX.md 4.1)."""

    NAME = "name"
    PROC = "process"


__all__ = ["Sort"]
