-- A scripted LSP session in a real headless Neovim (run by tests/e2e/test_neovim.py):
--   nvim --headless --clean -u NONE -l session.lua        (0.9+)
--   nvim --headless --clean -u NONE -c "luafile session.lua"   (0.7/0.8)
-- Reads its settings from the environment:
--   RHO_FILE   the .rho file to open          RHO_ROOT  workspace root
--   LSP_CMD    JSON list: the server command (stdio)
--   LSP_TCP    host:port: connect over TCP instead (vim.lsp.rpc.connect, 0.8+)
--   HOVER_LINE, HOVER_COL   0-based line and byte column of the hovered/defined name
--   REPEAT     timed hovers;   OUT   where the JSON result goes
-- Uses only what an editor user's config would: vim.lsp.start / start_client, vim.diagnostic,
-- make_position_params with the negotiated offset encoding, buf_request_sync.

local uv = vim.uv or vim.loop
local env = vim.env
local v = vim.version()
local out = {
  errors = {},
  version = string.format("%d.%d.%d%s", v.major, v.minor, v.patch, v.prerelease and "-dev" or ""),
}
local TIMEOUT = 15000

local function finish()
  local f = assert(io.open(env.OUT, "w"))
  f:write(vim.json and vim.json.encode(out) or vim.fn.json_encode(out))
  f:close()
  vim.cmd("qall!")
end

local function ms_since(t0)
  return (uv.hrtime() - t0) / 1e6
end

-- `client.request` (0.7-0.10) vs `client:request` (0.11+)
local function call(client, name, ...)
  if vim.fn.has("nvim-0.11") == 1 then
    return client[name](client, ...)
  end
  return client[name](...)
end

local function run()
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { rho = "rholang" } })
  end
  vim.cmd("edit " .. vim.fn.fnameescape(env.RHO_FILE))
  local bufnr = vim.api.nvim_get_current_buf()

  local cmd
  if env.LSP_TCP and env.LSP_TCP ~= "" then
    local host, port = env.LSP_TCP:match("^(.*):(%d+)$")
    if not (vim.lsp.rpc and vim.lsp.rpc.connect) then
      out.skipped = "vim.lsp.rpc.connect is not available in this Neovim"
      return
    end
    cmd = vim.lsp.rpc.connect(host, tonumber(port))
    out.transport = "tcp"
  else
    cmd = vim.fn.json_decode(env.LSP_CMD)
    out.transport = "stdio"
  end
  local config = {
    name = "rholang",
    cmd = cmd,
    root_dir = env.RHO_ROOT,
    on_exit = function(code, signal)
      out.server_exit = { code = code, signal = signal }
    end,
  }
  local progress = {}
  config.handlers = {
    ["$/progress"] = function(err, result, ctx)
      table.insert(progress, result.value and result.value.kind or "?")
      return vim.lsp.handlers["$/progress"](err, result, ctx)
    end,
  }
  local client_id
  local t0 = uv.hrtime()
  if vim.lsp.start then
    client_id = vim.lsp.start(config, { bufnr = bufnr })
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  assert(client_id, "the client did not start")
  local client
  local ok = vim.wait(TIMEOUT, function()
    client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end, 5)
  assert(ok, "initialize timed out")
  out.initialize_ms = ms_since(t0)
  out.offset_encoding = client.offset_encoding
  out.server_name = client.server_info and client.server_info.name

  -- diagnostics (the file has a syntax error)
  t0 = uv.hrtime()
  ok = vim.wait(TIMEOUT, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 5)
  assert(ok, "no diagnostics")
  out.diagnostics_ms = ms_since(t0)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
  end

  -- cursor on the name, then position params in the negotiated encoding, as the editor does
  vim.api.nvim_win_set_cursor(0, { tonumber(env.HOVER_LINE) + 1, tonumber(env.HOVER_COL) })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  out.position = params.position

  local function request(method)
    local t = uv.hrtime()
    local res, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
    local elapsed = ms_since(t)
    assert(res, "request " .. method .. " failed: " .. tostring(err))
    local r = res[client_id]
    assert(r and not r.err, method .. " error: " .. vim.inspect(r and r.err))
    return r.result, elapsed
  end

  out.hover, out.hover_ms = request("textDocument/hover")
  out.definition, out.definition_ms = request("textDocument/definition")

  -- jump there as `gd` would and report where the cursor lands (1-based line, byte column)
  local loc = out.definition[1] or out.definition
  if vim.lsp.util.show_document then
    vim.lsp.util.show_document(loc, client.offset_encoding, { focus = true })
  else
    vim.lsp.util.jump_to_location(loc, client.offset_encoding)
  end
  out.cursor_after_definition = vim.api.nvim_win_get_cursor(0)
  vim.api.nvim_win_set_cursor(0, { tonumber(env.HOVER_LINE) + 1, tonumber(env.HOVER_COL) })

  -- latency as the user sees it: one request at a time, and a request right after a
  -- notification (the pattern that meets Nagle + delayed ACK over TCP)
  out.hover_latencies_ms = {}
  out.notify_then_hover_ms = {}
  for _ = 1, tonumber(env.REPEAT or "0") do
    local _, e = request("textDocument/hover")
    table.insert(out.hover_latencies_ms, e)
    call(client, "notify", "workspace/didChangeConfiguration", { settings = {} })
    _, e = request("textDocument/hover")
    table.insert(out.notify_then_hover_ms, e)
  end
  out.progress = progress

  -- shutdown + exit, and wait for the client to be gone
  t0 = uv.hrtime()
  call(client, "stop")
  ok = vim.wait(TIMEOUT, function()
    return out.server_exit ~= nil
  end, 5)
  out.stopped = ok
  out.stop_ms = ms_since(t0)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  table.insert(out.errors, tostring(err))
end
finish()
