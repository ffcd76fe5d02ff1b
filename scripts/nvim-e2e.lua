-- Run by scripts/nvim-e2e.sh: nvim --headless --clean -u scripts/nvim-e2e.lua DRAFT
-- Loads the README's Neovim snippet (editors/neovim/ticketlint.lua) as a user would, opens the
-- draft, waits for ticketlint's diagnostics, prints them, asks for code actions, edits the
-- buffer and waits for the diagnostics to follow. Exits non-zero when any step fails.
vim.cmd('filetype on')
dofile(os.getenv('TICKETLINT_SNIPPET'))

local function out(s)
  io.stdout:write(s .. '\n')
end

local function fail(msg)
  out('nvim-e2e: FAIL: ' .. msg)
  vim.cmd('cquit 1')
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
end

local function ours(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'ticketlint' then
      table.insert(found, d)
    end
  end
  return found
end

local function run()
  local buf = vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(buf)
  out('nvim-e2e: Neovim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor)
    .. '.' .. tostring(vim.version().patch) .. ', filetype ' .. vim.bo.filetype .. ', ' .. name)

  if not vim.wait(20000, function() return #ours(buf) > 0 end, 50) then
    return fail('no diagnostics from ticketlint within 20 s (is the client attached? '
      .. tostring(#vim.lsp.buf_get_clients(buf)) .. ' client(s))')
  end
  local diags = ours(buf)
  out('nvim-e2e: ' .. #diags .. ' diagnostic(s) read with vim.diagnostic.get:')
  local blame
  for _, d in ipairs(diags) do
    out(string.format('  %s:%d:%d: %s [%s]', vim.fn.fnamemodify(name, ':t'), d.lnum + 1, d.col + 1,
      vim.split(d.message, '\n')[1], code_of(d)))
    if code_of(d) == 'blame-language' and d.message:find('"user error"', 1, true) then
      blame = d
    end
  end
  if not blame then
    return fail('expected a blame-language diagnostic on "user error"')
  end

  -- Code actions on the blame finding, as `vim.lsp.buf.code_action()` would ask for them.
  local range = {
    start = { line = blame.lnum, character = blame.col },
    ['end'] = { line = blame.end_lnum, character = blame.end_col },
  }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = range,
    context = {
      diagnostics = {
        { range = range, message = blame.message, severity = blame.severity, code = 'blame-language', source = 'ticketlint' },
      },
    },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
  local titles = {}
  for _, r in pairs(responses) do
    for _, a in ipairs(r.result or {}) do
      table.insert(titles, a.title)
    end
  end
  out('nvim-e2e: code actions: ' .. table.concat(titles, ' | '))
  if not vim.tbl_contains(titles, 'Disable blame-language for this line') then
    return fail('expected a "Disable blame-language for this line" action')
  end

  -- Edit the buffer (incremental didChange): the "user error" finding goes away.
  local line = vim.api.nvim_buf_get_lines(buf, blame.lnum, blame.lnum + 1, false)[1]
  local fixed = line:sub(1, blame.col) .. 'a mix-up' .. line:sub(blame.end_col + 1)
  vim.api.nvim_buf_set_lines(buf, blame.lnum, blame.lnum + 1, false, { fixed })
  local gone = vim.wait(10000, function()
    for _, d in ipairs(ours(buf)) do
      if d.message:find('"user error"', 1, true) then
        return false
      end
    end
    return true
  end, 50)
  if not gone then
    return fail('the "user error" diagnostic stayed after the edit')
  end
  out('nvim-e2e: after replacing "user error" in the buffer: ' .. #ours(buf) .. ' diagnostic(s), none on "user error"')
  out('nvim-e2e: ok')
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local ok, err = pcall(run)
    if not ok then
      fail(tostring(err))
    end
  end,
})
