-- ticketlint: lint Markdown and plain-text buffers with `ticketlint lsp`.
local ticketlint_client
vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'markdown', 'text' },
  callback = function(args)
    local config = {
      name = 'ticketlint',
      cmd = { 'ticketlint', 'lsp' },
      root_dir = vim.fn.getcwd(),
    }
    if vim.lsp.start then -- Neovim 0.8 and later
      vim.lsp.start(config, { bufnr = args.buf })
    else -- Neovim 0.7
      ticketlint_client = ticketlint_client or vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(args.buf, ticketlint_client)
    end
  end,
})
