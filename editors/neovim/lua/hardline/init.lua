-- hardline for Neovim: starts `hardline lsp` for YAML, JSON and Dockerfile
-- buffers. Works on Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start).
--
--   require("hardline").setup({
--     cmd = { "hardline", "lsp" },            -- the binary, on PATH by default
--     settings = { profile = "restricted" },  -- keys of .hardline.yaml
--   })
local M = {}

M.defaults = {
  cmd = { "hardline", "lsp" },
  filetypes = { "yaml", "json", "dockerfile" },
  -- Keys of .hardline.yaml (profile, rules, kubernetesVersion, …), laid over
  -- each document's own .hardline.yaml by the server.
  settings = {},
  -- The server's workspace is the nearest folder holding one of these, else
  -- the file's folder; one server runs per workspace.
  root_markers = { ".hardline.yaml", ".git" },
  -- Show "hardline: N issues · Fix all" above containers and stages
  -- (run one with vim.lsp.codelens.run()).
  codelens = true,
}

local config = vim.deepcopy(M.defaults)
-- Neovim 0.7 keeps one client per workspace here; vim.lsp.start does it itself.
local clients = {}

-- An empty Lua table would go out as a JSON array; the server wants an object.
local function object(t)
  if next(t) == nil then
    return vim.empty_dict()
  end
  return t
end

local function find_root(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= "" and vim.fn.fnamemodify(name, ":p:h") or vim.fn.getcwd()
  local dir = start
  while true do
    for _, marker in ipairs(config.root_markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return start
    end
    dir = parent
  end
end

--- The hardline client attached to a buffer, if any.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = "hardline" })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  for _, client in ipairs(list) do
    if client.name == "hardline" then
      return client
    end
  end
end

local function on_attach(client, bufnr)
  if not config.codelens then
    return
  end
  local group = vim.api.nvim_create_augroup("hardline_codelens_" .. bufnr, { clear = true })
  -- Lenses follow the findings, so refresh them when the diagnostics change.
  vim.api.nvim_create_autocmd({ "DiagnosticChanged", "BufEnter", "InsertLeave" }, {
    group = group,
    buffer = bufnr,
    callback = function()
      if not client.is_stopped() then
        vim.lsp.codelens.refresh()
      end
    end,
  })
end

local function start(bufnr)
  local root = find_root(bufnr)
  local lsp_config = {
    name = "hardline",
    cmd = config.cmd,
    root_dir = root,
    init_options = object(config.settings),
    -- Answers the server's workspace/configuration (section "hardline").
    settings = { hardline = object(config.settings) },
    on_attach = on_attach,
  }
  if vim.lsp.start then
    vim.lsp.start(lsp_config, { bufnr = bufnr })
    return
  end
  local id = clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(lsp_config)
    if not id then
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

--- Applies the server's "fix all" action to the buffer: the safe fixes, or
--- with unsafe = true also those that may change behaviour.
function M.fix_all(unsafe, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    vim.notify("hardline: no language server for this buffer", vim.log.levels.WARN)
    return
  end
  local params = vim.lsp.util.make_range_params()
  params.context = {
    diagnostics = {},
    only = { unsafe and "source.hardline.fixAllUnsafe" or "source.fixAll.hardline" },
  }
  local res = client.request_sync("textDocument/codeAction", params, 5000, bufnr)
  local action = res and res.result and res.result[1]
  if not action then
    vim.notify("hardline: nothing to fix", vim.log.levels.INFO)
    return
  end
  if not action.edit then
    res = client.request_sync("codeAction/resolve", action, 5000, bufnr)
    action = res and res.result or action
  end
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
end

function M.setup(opts)
  config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    vim.notify(
      "hardline: " .. config.cmd[1] .. " is not executable; install hardline or set cmd in require('hardline').setup()",
      vim.log.levels.ERROR
    )
    return
  end
  local group = vim.api.nvim_create_augroup("hardline", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      if vim.bo[args.buf].buftype == "" then
        start(args.buf)
      end
    end,
  })
  vim.api.nvim_create_user_command("HardlineFixAll", function(cmd)
    M.fix_all(cmd.bang)
  end, { bang = true, desc = "hardline: apply every safe fix in the buffer (! also unsafe ones)" })
  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

return M
