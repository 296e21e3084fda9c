-- Headless Neovim test (test/run.sh): the plugin starts hardline for a
-- manifest and a Dockerfile, the KS201 quick fix is applied through
-- vim.lsp.buf.code_action, a lens through vim.lsp.codelens.run, the rest by
-- :HardlineFixAll, and both buffers are written for run.sh to check on disk.
local bin = assert(os.getenv("HARDLINE_BIN"), "HARDLINE_BIN")
local dir = assert(os.getenv("HARDLINE_WORKSPACE"), "HARDLINE_WORKSPACE")

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    out[#out + 1] = d.code
  end
  table.sort(out)
  return out
end

local function has(bufnr, code)
  return vim.tbl_contains(codes(bufnr), code)
end

local function wait(what, fn)
  if not vim.wait(20000, fn, 20) then
    error("timed out waiting for " .. what, 2)
  end
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

local function run()
  vim.cmd("filetype on")
  require("hardline").setup({
    cmd = { bin, "lsp" },
    settings = { rules = { KS502 = "off" } },
  })

  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/deployment.yaml"))
  local yaml = vim.api.nvim_get_current_buf()
  assert(vim.bo[yaml].filetype == "yaml", "filetype " .. vim.bo[yaml].filetype)
  wait("KS201 in deployment.yaml", function()
    return has(yaml, "KS201")
  end)
  assert(not has(yaml, "KS502"), "the settings turned KS502 off: " .. vim.inspect(codes(yaml)))

  -- The quick fix, chosen the way a user would: code_action at the finding,
  -- which asks through vim.ui.select.
  local d
  for _, diag in ipairs(vim.diagnostic.get(yaml)) do
    if diag.code == "KS201" then
      d = diag
    end
  end
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local titles = {}
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      -- 0.7: {client_id, action}; 0.8+: {action = …, ctx = …}
      local action = item.action or item[2]
      titles[#titles + 1] = action.title
      if action.title == "Set allowPrivilegeEscalation: false" then
        on_choice(item, i)
        return
      end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  wait("the KS201 fix in the buffer", function()
    return buffer_text(yaml):find("allowPrivilegeEscalation: false", 1, true) ~= nil
  end)
  wait("KS201 to go away", function()
    return not has(yaml, "KS201") and #vim.diagnostic.get(yaml) > 0
  end)
  vim.cmd("write")

  -- A Dockerfile: the same server (one per workspace), and a lens.
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/Dockerfile"))
  local df = vim.api.nvim_get_current_buf()
  assert(vim.bo[df].filetype == "dockerfile", "filetype " .. vim.bo[df].filetype)
  wait("DF101 in the Dockerfile", function()
    return has(df, "DF101")
  end)
  local client = require("hardline").client(df)
  assert(client and client.id == require("hardline").client(yaml).id, "one server for both buffers")
  wait("a Fix all lens", function()
    for _, lens in ipairs(vim.lsp.codelens.get(df)) do
      if lens.command and lens.command.command == "hardline.fixScope" then
        return true
      end
    end
  end)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.lsp.codelens.run()
  wait("the lens's fixes in the Dockerfile", function()
    return buffer_text(df):find("USER 65532:65532", 1, true) ~= nil
  end)
  vim.cmd("write")

  -- :HardlineFixAll applies the manifest's remaining safe fixes (KS205).
  vim.cmd("buffer " .. yaml)
  assert(has(yaml, "KS205"), "KS205 before fix-all: " .. vim.inspect(codes(yaml)))
  vim.cmd("HardlineFixAll")
  assert(buffer_text(yaml):find("type: RuntimeDefault", 1, true), "fix-all applied KS205's fix")
  vim.cmd("write")
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  io.stderr:write("FAIL: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
vim.cmd("qall!")
