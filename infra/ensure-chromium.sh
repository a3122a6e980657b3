#!/usr/bin/env bash
# Debian's Chromium for the browser tests (driven by playwright-core with its executable path; the
# browsers Playwright downloads cannot be fetched here). Installed once from Debian's packages.
set -euo pipefail
command -v chromium >/dev/null && exit 0
command -v apt-get >/dev/null || { echo "chromium is missing and apt-get is not available to install it" >&2; exit 1; }
echo "installing chromium from Debian's packages (once)" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
  || { echo "apt-get install chromium failed" >&2; exit 1; }
