#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with real pre-commit (from PyPI): a throwaway git
# repository uses this checkout as its hook repository (`repo: <path>`, `rev: <HEAD>`), commits a
# draft with blame language, and `pre-commit run --all-files` must fail with the finding; after
# the draft is fixed it must pass. pre-commit builds the hook with `cargo install` (language:
# rust): a release build, several minutes on 2 cores the first time; the build cache is kept in
# target/pre-commit-e2e. Exits 0 with "skipped" when pre-commit cannot be installed (no network).
#
# What is tested is the committed HEAD: pre-commit fetches `rev` from the repository, so
# uncommitted changes are not part of the run (the script says so).
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$PWD
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! python3 -m venv "$tmp/venv" >"$tmp/venv.log" 2>&1; then
  echo "pre-commit-e2e: skipped: python3 -m venv failed (Debian: apt-get install -y python3-venv)"
  cat "$tmp/venv.log"
  exit 0
fi
if ! "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit >"$tmp/pip.log" 2>&1; then
  echo "pre-commit-e2e: skipped: pip could not install pre-commit (no network?)"
  tail -n 5 "$tmp/pip.log"
  exit 0
fi
echo "pre-commit-e2e: $("$tmp/venv/bin/pre-commit" --version) installed ($(elapsed))"

rev=$(git -C "$checkout" rev-parse HEAD)
if [ -n "$(git -C "$checkout" status --porcelain --untracked-files=no)" ]; then
  echo "pre-commit-e2e: note: testing commit $rev; uncommitted changes are not part of this run"
fi

export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export CARGO_TARGET_DIR="$checkout/target/pre-commit-e2e"
export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.invalid
export GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.invalid
pre_commit="$tmp/venv/bin/pre-commit"

kb="$tmp/kb"
git init --quiet "$kb"
cat >"$kb/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $checkout
    rev: $rev
    hooks:
      - id: ticketlint
YAML
cp examples/drafts/reply.txt "$kb/reply.txt"
# Not a Markdown or plain-text file: the hook must not see it.
printf '# That was user error.\n' >"$kb/script.py"
git -C "$kb" add -A
git -C "$kb" commit --quiet -m "draft with blame language"

echo "pre-commit-e2e: pre-commit run --all-files (first run builds the hook)"
status=0
(cd "$kb" && "$pre_commit" run --all-files) >"$tmp/run1.log" 2>&1 || status=$?
sed 's/^/  | /' "$tmp/run1.log"
echo "pre-commit-e2e: first run exited $status ($(elapsed))"
if [ "$status" -eq 0 ]; then
  echo "pre-commit-e2e: FAIL: the hook passed a draft with blame language"
  exit 1
fi
if ! grep -q 'reply.txt:3:74: warning\[blame-language\]' "$tmp/run1.log"; then
  echo "pre-commit-e2e: FAIL: the blame-language finding is not in the hook's output"
  exit 1
fi
if grep -q 'script.py' "$tmp/run1.log"; then
  echo "pre-commit-e2e: FAIL: the hook checked script.py (types_or should select Markdown and plain text only)"
  exit 1
fi

cp examples/drafts/reply-fixed.txt "$kb/reply.txt"
git -C "$kb" add -A
status=0
(cd "$kb" && "$pre_commit" run --all-files) >"$tmp/run2.log" 2>&1 || status=$?
sed 's/^/  | /' "$tmp/run2.log"
echo "pre-commit-e2e: second run (fixed draft) exited $status ($(elapsed))"
if [ "$status" -ne 0 ] || ! grep -q 'ticketlint.*Passed' "$tmp/run2.log"; then
  echo "pre-commit-e2e: FAIL: the hook did not pass the fixed draft"
  exit 1
fi
echo "pre-commit-e2e: ok ($(elapsed))"
