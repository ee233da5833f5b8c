-- The README's formatter/checker plug-in snippets in Neovim (tests/e2e/test_plugin_snippets.py):
--  * conform.nvim: the README's setup() call runs against a stand-in `conform` module that
--    records its options; the formatter is then run as conform runs it (command and args,
--    $FILENAME expanded, the buffer on stdin, stdout read back);
--  * efm-langserver's lint-formats are Vim errorformats: the checker's output is parsed with
--    them into the quickfix list.
-- Environment: CONFORM_SNIPPET (file), RHO_FILE, EFM_FORMATS (JSON list), LINT_OUTPUT (file),
-- OUT (JSON result).
local env = vim.env
local out = { errors = {} }
local ok, err = pcall(function()
  local captured
  package.preload["conform"] = function()
    return { setup = function(opts) captured = opts end }
  end
  dofile(env.CONFORM_SNIPPET)
  assert(captured, "the snippet did not call require('conform').setup")
  out.formatters_by_ft = captured.formatters_by_ft
  local name = captured.formatters_by_ft.rholang[1]
  local f = captured.formatters[name]
  local argv = { f.command }
  for _, a in ipairs(f.args) do
    table.insert(argv, (a:gsub("%$FILENAME", env.RHO_FILE)))
  end
  out.argv = argv
  local text = table.concat(vim.fn.readfile(env.RHO_FILE), "\n") .. "\n"
  local res = vim.system(argv, { stdin = text, text = true }):wait()
  out.format_code = res.code
  out.formatted = res.stdout

  vim.o.errorformat = table.concat(vim.fn.json_decode(env.EFM_FORMATS), ",")
  vim.fn.setqflist({}, "r", { lines = vim.fn.readfile(env.LINT_OUTPUT) })
  out.quickfix = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    if item.valid == 1 then
      table.insert(out.quickfix, {
        file = vim.fn.bufname(item.bufnr),
        lnum = item.lnum,
        col = item.col,
        type = item.type,
        text = item.text,
      })
    end
  end
end)
if not ok then
  table.insert(out.errors, tostring(err))
end
local fh = assert(io.open(env.OUT, "w"))
fh:write(vim.fn.json_encode(out))
fh:close()
vim.cmd("qall!")
