-- Drives Neovim configured by the README's Lua snippet (loaded as init.lua with -u), run by
-- tests/e2e/test_neovim_readme.py from a folder outside the workspace:
--   nvim --headless -u README_INIT.lua -i NONE -c "luafile readme_session.lua"
-- Environment: RHO_FILE (opened; its project has .git), SYMBOL (a contract defined in
-- another file of that project), OUT (the JSON result). Waits are bounded, on conditions.
local env = vim.env
local v = vim.version()
local out = { version = string.format("%d.%d.%d", v.major, v.minor, v.patch), errors = {} }
local TIMEOUT = 20000

local function finish()
  local f = assert(io.open(env.OUT, "w"))
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd("qall!")
end

local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.lsp.buf_get_clients(bufnr) -- 0.7-0.9 (a map)
end

local function first_client(bufnr)
  for _, c in pairs(clients(bufnr)) do
    return c
  end
end

local ok, err = pcall(function()
  out.cwd = vim.fn.getcwd()
  vim.cmd("edit " .. vim.fn.fnameescape(env.RHO_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[bufnr].filetype
  out.expandtab = vim.bo[bufnr].expandtab
  out.shiftwidth = vim.bo[bufnr].shiftwidth
  local client
  assert(vim.wait(TIMEOUT, function()
    client = first_client(bufnr)
    return client ~= nil and client.initialized == true
  end, 10), "the client did not start or initialize")
  out.root_dir = client.config.root_dir
  out.cmd = client.config.cmd
  out.workspace_folders = client.workspace_folders
  -- the project's other file is found through the workspace index
  local result
  assert(vim.wait(TIMEOUT, function()
    local res = vim.lsp.buf_request_sync(bufnr, "workspace/symbol", { query = env.SYMBOL }, TIMEOUT)
    for _, r in pairs(res or {}) do
      if r.result and #r.result > 0 then
        result = r.result
        return true
      end
    end
    return false
  end, 50), "workspace/symbol found nothing")
  out.symbols = {}
  for _, s in ipairs(result) do
    table.insert(out.symbols, { name = s.name, uri = s.location.uri })
  end
  -- formatting with the options Neovim sends for this buffer
  local params = vim.lsp.util.make_formatting_params()
  out.formatting_options = params.options
  local res = vim.lsp.buf_request_sync(bufnr, "textDocument/formatting", params, TIMEOUT)
  local edits = {}
  for _, r in pairs(res or {}) do
    for _, e in ipairs(r.result or {}) do
      table.insert(edits, e)
    end
  end
  out.formatting_edits = #edits
  vim.lsp.util.apply_text_edits(edits, bufnr, client.offset_encoding)
  out.formatted = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end)
if not ok then
  table.insert(out.errors, tostring(err))
end
finish()
