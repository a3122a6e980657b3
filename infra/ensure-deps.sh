#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, reusing caches: npm packages (when
# package-lock.json changed since the last install), then the local stack's parts (infra/stack.sh install).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
bash infra/stack.sh install
