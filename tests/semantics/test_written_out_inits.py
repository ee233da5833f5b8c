"""The records the binder makes per binder, scope, use, contract, send and pattern have a
written-out ``__init__``: a dataclass-made one is generated with ``exec`` and stays
interpreted in the compiled build (it cost a third of the binder's time there)."""

from __future__ import annotations

import dataclasses

import pytest

from rholang_lsp.semantics.model import ContractInfo, Reference, Scope, SendInfo, Symbol
from rholang_lsp.semantics.patterns import PatState


@pytest.mark.parametrize("cls", [Symbol, Scope, Reference, ContractInfo, SendInfo, PatState])
def test_the_init_is_written_out_and_matches_the_fields(cls: type) -> None:
    import inspect
    import types

    init = cls.__init__
    # compiled: a C slot; interpreted: a function of the module's source, not exec'd text
    if not isinstance(init, types.FunctionType):
        return
    assert init.__code__.co_filename != "<string>", cls
    # every field is a parameter, in order, with the field's default
    params = list(inspect.signature(init).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields, strict=True):
        if f.default is not dataclasses.MISSING:
            assert p.default == f.default, (cls, f.name)
        elif f.default_factory is not dataclasses.MISSING:
            assert p.default is None, (cls, f.name)
        else:
            assert p.default is inspect.Parameter.empty, (cls, f.name)
