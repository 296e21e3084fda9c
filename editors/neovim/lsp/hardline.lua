-- Neovim 0.11+: with this folder on 'runtimepath', vim.lsp.enable("hardline")
-- starts the server without the plugin's setup() (vim.lsp.config can change
-- any field, e.g. init_options = { profile = "all" }).
return {
  cmd = { "hardline", "lsp" },
  filetypes = { "yaml", "json", "dockerfile" },
  root_markers = { ".hardline.yaml", ".git" },
}
