#!/usr/bin/env bash
# Runs the browser-side quality gates on a built site and stops at the first that fails.
#
#   bash tools/qa/gates.sh <dir> [prefix=/]
#
# 1. validate: Nu Html Checker over every .html and .svg file   (tools/qa/validate.mjs)
# 2. axe:      axe-core WCAG 2.1 A/AA on every page in chromium  (tools/qa/axe.mjs)
# Needs `npm ci` in tools/qa, java 17+ and /usr/bin/chromium. Exit status: that of the failing gate.
set -uo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bash tools/qa/gates.sh <dir> [prefix=/]" >&2
  exit 2
fi
dir=$1
prefix=${2:-/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

run_gate() {
  local name=$1
  shift
  local start=$SECONDS
  echo "== gate ${name}: $*"
  "$@"
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "== gate ${name} FAILED (exit ${rc}, $((SECONDS - start)) s) on ${dir} (prefix ${prefix})" >&2
    exit "$rc"
  fi
  echo "== gate ${name} passed ($((SECONDS - start)) s)"
}

run_gate validate node "$here/validate.mjs" "$dir"
run_gate axe node "$here/axe.mjs" "$dir" "$prefix"
echo "== all gates passed on ${dir} (prefix ${prefix})"
