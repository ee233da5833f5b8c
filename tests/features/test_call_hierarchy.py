"""Call hierarchy as pure functions: prepare, incoming (across files, by the enclosing
contract of each call), outgoing."""

from __future__ import annotations

import msgspec
from tests.features.test_navigation_features import World

from rholang_lsp.features.call_hierarchy import SK_FILE, incoming, outgoing, prepare

FILES = {
    "lib.rho": (
        'contract @"«lib:Lib»"(@n, ret) = {\n'
        "  new «h0:helper» in {\n"
        "    contract «h1:helper»(r) = { r!(n) } |\n"
        '    «call_h:helper»!(*ret) | «self:@"Lib"»!(0, *ret)\n'
        "  }\n"
        "}\n"
        'contract @"«two:Lib»"(@a, @b, ret) = { ret!(a) }\n'
    ),
    "app.rho": (
        "new out in {\n"
        '  contract «main:main»(ret) = { «app_call:@"Lib"»!(1, *ret) } |\n'
        '  contract «other:other»(ret) = { «app_call2:@"Lib"»!(2, *ret) | «call_main:main»!(*ret) }\n'
        "} |\n"
        '«top_call:@"Lib"»!(3, *out)\n'
    ),
    "closed.rho": ('contract @"«c_fn:Closed»"(ret) = { «closed_call:@"Lib"»!(4, *ret) }\n'),
}


def _world() -> World:
    return World(FILES, closed=("closed.rho",))


def test_prepare_on_a_name_and_on_a_call() -> None:
    w = _world()
    (item,) = prepare(w.snap, *w.at("lib"))
    assert (item.uri, item.sel_start, item.sel_end) == w.labels["lib"]
    assert item.name == "Lib"
    # `@"Lib"!(1, *ret)` sends two arguments: the first overload, not the second
    (by_call,) = prepare(w.snap, *w.at("app_call"))
    assert by_call == item
    (local,) = prepare(w.snap, *w.at("call_h"))
    assert (local.sel_start, local.sel_end) == w.labels["h1"][1:]
    assert prepare(w.snap, *w.at("h0")) != []  # the `new` binder of a contract channel
    assert prepare(w.snap, "file:///ws/lib.rho", 0) == []  # `contract` keyword: nothing


def test_incoming_across_files_grouped_by_the_enclosing_contract() -> None:
    w = _world()
    calls = incoming(w.snap, *w.at("lib"))
    by_caller = {(c.item.uri.rsplit("/", 1)[-1], c.item.name): c for c in calls}
    assert set(by_caller) == {
        ("lib.rho", "Lib"),  # the recursive call inside its own body
        ("app.rho", "main"),
        ("app.rho", "other"),
        ("app.rho", "app.rho"),  # the call outside every contract: the file
        ("closed.rho", "Closed"),  # a closed file, from the index only
    }
    assert by_caller[("app.rho", "main")].ranges == (w.labels["app_call"][1:],)
    assert by_caller[("app.rho", "app.rho")].item.kind == SK_FILE
    assert by_caller[("app.rho", "app.rho")].ranges == (w.labels["top_call"][1:],)
    assert by_caller[("closed.rho", "Closed")].ranges == (w.labels["closed_call"][1:],)
    c_uri, c_start, _ = w.labels["c_fn"]
    closed_item = by_caller[("closed.rho", "Closed")].item
    assert (closed_item.uri, closed_item.sel_start) == (c_uri, c_start)
    # the inner `helper` contract does not swallow the call written beside it
    assert by_caller[("lib.rho", "Lib")].ranges == (w.labels["self"][1:],)


def test_incoming_tells_overloads_apart_by_arity() -> None:
    w = _world()
    assert incoming(w.snap, *w.at("two")) == []  # nobody sends three arguments


def test_incoming_of_a_local_contract() -> None:
    w = _world()
    (call,) = incoming(w.snap, *w.at("h1"))
    assert call.item.name == "Lib"
    assert call.ranges == (w.labels["call_h"][1:],)
    (main_call,) = incoming(w.snap, *w.at("main"))
    assert main_call.item.name == "other"


def test_outgoing_calls_of_a_contract() -> None:
    w = _world()
    out = {c.item.name: c for c in outgoing(w.snap, *w.at("other"))}
    assert set(out) == {"Lib", "main"}
    assert out["Lib"].ranges == (w.labels["app_call2"][1:],)  # ranges in the caller's file
    assert out["main"].ranges == (w.labels["call_main"][1:],)
    # calls made by a nested contract belong to it, not to the outer one
    lib_out = {c.item.name for c in outgoing(w.snap, *w.at("lib"))}
    assert lib_out == {"helper", "Lib"}
    assert {c.item.name for c in outgoing(w.snap, *w.at("h1"))} == set()  # r is a parameter


def test_incoming_from_a_summary_cached_before_calls_were_recorded() -> None:
    w = _world()
    closed = "file:///ws/closed.rho"
    old = w.index.get(closed)
    assert old is not None and old.calls
    w.index.update(closed, msgspec.structs.replace(old, calls=(), callers=()))
    callers = {c.item.name for c in incoming(w.snap, *w.at("lib"))}
    assert "Closed" in callers  # the file was analysed again
