#!/usr/bin/env bash
# End-to-end with a real editor: headless Neovim loads the README's Neovim snippet
# (editors/neovim/ticketlint.lua), opens a draft, and reads back ticketlint's diagnostics
# (vim.diagnostic.get), asks for code actions and edits the buffer. Prints what it read;
# fails when there are no diagnostics. Installs nothing: without nvim it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvim >/dev/null 2>&1; then
  echo "nvim-e2e: skipped: nvim not installed (Debian: apt-get install -y neovim)"
  exit 0
fi

cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp examples/drafts/reply.txt "$tmp/reply.txt"

# Neovim's own state, logs and caches go to the temp dir; the server comes from this build.
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
export PATH="$PWD/target/release:$PATH"
export TICKETLINT_SNIPPET="$PWD/editors/neovim/ticketlint.lua"

status=0
(cd "$tmp" && timeout 120 nvim --headless --clean -u "$OLDPWD/scripts/nvim-e2e.lua" reply.txt) </dev/null || status=$?
if [ "$status" -ne 0 ]; then
  echo "nvim-e2e: FAILED (exit $status)"
  for log in "$tmp"/cache/nvim/lsp.log "$tmp"/state/nvim/lsp.log; do
    [ -f "$log" ] && { echo "--- $log"; tail -n 40 "$log"; }
  done
  exit 1
fi
