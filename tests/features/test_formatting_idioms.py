"""Formatting as the system contracts are written (issue 14): arguments after a
multi-line argument, continuation binds of a join and names of a ``new``, and long
lines wrapped at a configurable width.

Every expected layout below is also checked to be a fixed point and to keep the
tokens of the input (only whitespace differs)."""

from __future__ import annotations

import pytest

from rholang_lsp.features.formatting import FormatOptions, apply_edits, format_edits, format_text
from rholang_lsp.syntax import parse


def fmt(src: str, **kw: object) -> str:
    options = FormatOptions(**kw)  # type: ignore[arg-type]
    out = format_text(src, options)
    assert out is not None
    assert [t.text for t in parse(out).tokens()] == [t.text for t in parse(src).tokens()]
    assert format_text(out, options) == out, "not idempotent"
    return out


# ------------------------------------------------------- arguments after a multi-line one
def test_argument_after_a_hugged_multiline_list_lines_up_with_its_closing_line() -> None:
    # rhoSpec style: the list opens on the call's line; `*ackCh` is not pushed deeper
    src = (
        "contract testCreateVaultFail(rhoSpec, RevVault, ackCh) = {\n"
        "  new e1 in {\n"
        '    RevVault!("findOrCreate", "EEEE", *e1) |\n'
        '    rhoSpec!("assertMany", [\n'
        '      (((false, "Invalid address length"), "== <-", *e1), "should be a failure")\n'
        "    ],\n"
        "            *ackCh)\n"
        "  }\n"
        "}\n"
    )
    assert fmt(src) == src.replace("            *ackCh)", "    *ackCh)")


def test_argument_after_a_multiline_list_on_its_own_line_is_not_over_indented() -> None:
    # PosTest.rho style: `[` on its own line; `],` and `*ackCh` at the argument level
    # (`*ackCh` starting a line was taken for a continued `a * b`)
    src = (
        "new rhoSpec, ackCh, bondsCh in {\n"
        '  rhoSpec!("assertMany",\n'
        "    [\n"
        '      (bonds.size() >= 0, "some bonds map should be received"),\n'
        '      ((true, "== <-", *bondsCh), "no rewards yet")\n'
        "    ],\n"
        "    *ackCh\n"
        "  ) |\n"
        "  rhoSpec!(1,\n"
        "    -1)\n"
        "}\n"
    )
    assert fmt(src) == src
    # the real continuation of a product still gets its extra level
    assert fmt("new x in {\n  x!(2 *\n3)\n}") == "new x in {\n  x!(2 *\n      3)\n}\n"


def test_for_block_argument_then_return_channel() -> None:
    # RevVault.rho `_makeVault`: a `for` argument, then `*ret`, then `)` under the call
    src = (
        "new mkVault, ret, a, b in {\n"
        '  @Either!("map2 <-", *a, *b,\n'
        "    for (@addr, purse, r <- mkVault) {\n"
        "      r!(addr)\n"
        "    },\n"
        "    *ret\n"
        "  )\n"
        "}\n"
    )
    assert fmt(src) == src


# ------------------------------------------------------------------ join and `new` lines
def test_join_binds_line_up_with_the_first_bind() -> None:
    src = (
        "new bondsCh, rewardsCh in {\n"
        "  for (@bonds <- bondsCh &\n"
        "    @rewards <- rewardsCh) {\n"
        "    Nil\n"
        "  }\n"
        "}\n"
    )
    assert fmt(src) == (
        "new bondsCh, rewardsCh in {\n"
        "  for (@bonds <- bondsCh &\n"
        "       @rewards <- rewardsCh) {\n"
        "    Nil\n"
        "  }\n"
        "}\n"
    )
    # sequential binds too, and a first bind on its own line keeps the bracket indent
    assert fmt("for (x <- a;\ny <- b) { Nil }") == "for (x <- a;\n     y <- b) { Nil }\n"
    assert fmt("for (\nx <- a &\ny <- b\n) { Nil }") == ("for (\n  x <- a &\n  y <- b\n) { Nil }\n")


def test_new_names_line_up_with_the_first_name() -> None:
    src = (
        "contract testUnfBoundVault(rhoSpec, RevVault, ackCh) = {\n"
        "  new RevAddress(`rho:rev:address`), deployerId(`rho:rchain:deployerId`),\n"
        "  unf, unfRevAddrCh, unfAuthKeyCh,\n"
        "        genesisVaultCh, transferCh\n"
        "  in {\n"
        "    Nil\n"
        "  }\n"
        "}\n"
    )
    assert fmt(src) == (
        "contract testUnfBoundVault(rhoSpec, RevVault, ackCh) = {\n"
        "  new RevAddress(`rho:rev:address`), deployerId(`rho:rchain:deployerId`),\n"
        "      unf, unfRevAddrCh, unfAuthKeyCh,\n"
        "      genesisVaultCh, transferCh\n"
        "  in {\n"
        "    Nil\n"
        "  }\n"
        "}\n"
    )
    # RevVaultTest.rho: `new` alone on its line, one name a line
    src = "new\n  rl(`rho:registry:lookup`),\n  stdlog(`rho:io:stdlog`),\n  setup\nin {\n  Nil\n}\n"
    assert fmt(src) == src


def test_alignment_with_tabs_is_tabs_then_spaces() -> None:
    out = fmt("new x in {\nfor (@a <- x &\n@b <- x) { Nil }\n}", insert_spaces=False)
    assert out == "new x in {\n\tfor (@a <- x &\n\t     @b <- x) { Nil }\n}\n"


# ------------------------------------------------------------------------------ wrapping
REV_VAULT_STYLE = (
    "new rl(`rho:registry:lookup`), RevVaultCh, vaultCh, balanceCh in {\n"
    "  rl!(`rho:rchain:revVault`, *RevVaultCh) |\n"
    "  for (@(_, RevVault) <- RevVaultCh) {\n"
    '    @RevVault!("findOrCreate", "1111pdZDG4MZ3eBfaipaD22VXmbFY6PW9ZdGDWdEcXZz4gGxTx",'
    " *vaultCh) |\n"
    "    for (@(true, vault) <- vaultCh) {"
    ' @vault!("balance", *balanceCh) | for (@balance <- balanceCh) { Nil } }\n'
    "  }\n"
    "}\n"
)


def test_long_lines_wrap_at_the_width() -> None:
    assert fmt(REV_VAULT_STYLE, line_width=60) == (
        "new rl(`rho:registry:lookup`), RevVaultCh, vaultCh,\n"
        "    balanceCh in {\n"
        "  rl!(`rho:rchain:revVault`, *RevVaultCh) |\n"
        "  for (@(_, RevVault) <- RevVaultCh) {\n"
        '    @RevVault!("findOrCreate",\n'
        '      "1111pdZDG4MZ3eBfaipaD22VXmbFY6PW9ZdGDWdEcXZz4gGxTx",\n'
        "      *vaultCh) |\n"
        "    for (@(true, vault) <- vaultCh) {\n"
        '      @vault!("balance", *balanceCh) |\n'
        "      for (@balance <- balanceCh) { Nil }\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    # the default width (100) only opens the one-line `for` body
    assert fmt(REV_VAULT_STYLE) == (
        REV_VAULT_STYLE.replace(
            '    for (@(true, vault) <- vaultCh) { @vault!("balance", *balanceCh) |'
            " for (@balance <- balanceCh) { Nil } }\n",
            "    for (@(true, vault) <- vaultCh) {\n"
            '      @vault!("balance", *balanceCh) | for (@balance <- balanceCh) { Nil }\n'
            "    }\n",
        )
    )
    # 0: never wrap
    assert fmt(REV_VAULT_STYLE, line_width=0) == REV_VAULT_STYLE


@pytest.mark.parametrize("width", [40, 60, 80, 100])
def test_no_line_is_longer_than_the_width_where_a_break_point_allows(width: int) -> None:
    out = fmt(REV_VAULT_STYLE, line_width=width)
    for line in out.splitlines():
        if len(line) > width:
            # only a line whose first break point is already past the width
            stripped = line.strip()
            assert '"1111' in stripped or "rho:" in stripped, (width, line)


def test_arguments_fill_after_the_last_comma_that_fits() -> None:
    src = (
        "new rhoSpec, ackCh, transferResult in {\n"
        '  rhoSpec!("assert", ((true, Nil), "== <-", *transferResult), "transfer successful",'
        " *ackCh)\n"
        "}\n"
    )
    assert fmt(src, line_width=80) == (
        "new rhoSpec, ackCh, transferResult in {\n"
        '  rhoSpec!("assert", ((true, Nil), "== <-", *transferResult),\n'
        '    "transfer successful", *ackCh)\n'
        "}\n"
    )


def test_long_join_puts_one_bind_a_line() -> None:
    src = (
        "new ch in { for (@initialPosBalance <- ch & @initialUserBalance <- ch & @x <- ch)"
        " { Nil } }"
    )
    assert fmt(src, line_width=50) == (
        "new ch in {\n"
        "  for (@initialPosBalance <- ch &\n"
        "       @initialUserBalance <- ch &\n"
        "       @x <- ch) { Nil }\n"
        "}\n"
    )


def test_never_inside_strings_uris_or_comments() -> None:
    long_string = '"' + "word " * 30 + '"'
    src = f"new x, y(`rho:io:stdout`) in {{ x!({long_string}) | y!(1) // {'c ' * 40}\n}}\n"
    out = fmt(src, line_width=30)
    assert long_string in out and "rho:io:stdout" in out
    assert "// " + "c " * 39 + "c" in out  # the comment is one piece, still on one line
    # a trailing comment alone never makes a line wrap
    src = "new x in {\n  x!(1, 2) // " + "a comment " * 12 + "\n}\n"
    assert fmt(src, line_width=40) == src


def test_wrapping_keeps_crlf_and_cr() -> None:
    src = REV_VAULT_STYLE.replace("\n", "\r\n")
    out = fmt(src, line_width=60)
    assert "\n" not in out.replace("\r\n", "")
    assert out == fmt(REV_VAULT_STYLE, line_width=60).replace("\n", "\r\n")
    src = REV_VAULT_STYLE.replace("\n", "\r")
    out = fmt(src, line_width=60)
    assert "\n" not in out and out == fmt(REV_VAULT_STYLE, line_width=60).replace("\n", "\r")


def test_wrapping_edits_are_whitespace_only() -> None:
    options = FormatOptions(line_width=50)
    edits = format_edits(REV_VAULT_STYLE, options)
    assert edits is not None
    assert all(REV_VAULT_STYLE[e.start : e.end].strip() == "" for e in edits)
    assert all(e.new_text.strip() == "" for e in edits)
    assert apply_edits(REV_VAULT_STYLE, edits) == format_text(REV_VAULT_STYLE, options)
