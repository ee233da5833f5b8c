-- Go to definition into a read-only registry document in a real headless Neovim (run by
-- tests/e2e/test_neovim_registry.py). Neovim has no core `workspace/textDocumentContent`
-- yet, so the user config does what nvim-jdtls does for `jdt://`: a `BufReadCmd` on the
-- server's scheme fills the buffer from `rholang/registryContract` (synchronously, so the
-- jump lands on loaded lines), and the client says so with an experimental capability.
--   nvim --headless --clean -u NONE -l registry_document.lua
-- Environment: RHO_FILE, RHO_ROOT, LSP_CMD (JSON list), DEF_LINE / DEF_COL (0-based line,
-- byte column of the lookup URI), README_SNIPPET (the README's Lua block, a file), OUT.

local env = vim.env
local out = { errors = {} }
local TIMEOUT = 15000

local function finish()
  local f = assert(io.open(env.OUT, "w"))
  f:write(vim.json.encode(out))
  f:close()
  vim.cmd("qall!")
end

local function run()
  vim.filetype.add({ extension = { rho = "rholang" } })
  vim.cmd("edit " .. vim.fn.fnameescape(env.RHO_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local capabilities = vim.tbl_deep_extend(
    "force",
    vim.lsp.protocol.make_client_capabilities(),
    { experimental = { rholangRegistryDocuments = true } }
  )
  local client_id = vim.lsp.start({
    name = "rholang",
    cmd = vim.json.decode(env.LSP_CMD),
    root_dir = env.RHO_ROOT,
    capabilities = capabilities,
  }, { bufnr = bufnr })
  assert(client_id, "the client did not start")
  local client
  assert(vim.wait(TIMEOUT, function()
    client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end, 5), "initialize timed out")
  out.server_schemes = vim.tbl_get(client.server_capabilities, "workspace", "textDocumentContent", "schemes")

  -- the README's BufReadCmd, as a user copies it
  dofile(env.README_SNIPPET)
  vim.api.nvim_win_set_cursor(0, { tonumber(env.DEF_LINE) + 1, tonumber(env.DEF_COL) })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local res = vim.lsp.buf_request_sync(bufnr, "textDocument/definition", params, TIMEOUT)
  local r = assert(res and res[client_id], "no definition answer")
  assert(not r.err, vim.inspect(r.err))
  out.definition = r.result
  -- jump there as `gd` would
  vim.lsp.util.show_document(r.result[1], client.offset_encoding, { focus = true })
  local cur = vim.api.nvim_get_current_buf()
  out.buffer = vim.api.nvim_buf_get_name(cur)
  out.modifiable = vim.bo[cur].modifiable
  out.cursor = vim.api.nvim_win_get_cursor(0)
  out.line = vim.api.nvim_get_current_line()
  out.text = table.concat(vim.api.nvim_buf_get_lines(cur, 0, -1, false), "\n")
  client:stop()
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  table.insert(out.errors, tostring(err))
end
finish()
