#!/usr/bin/env bash
# Installs what the browser test (harness/tests/browser.rs) needs, when it
# is missing: Debian's chromium package (apt-get, as root or through sudo)
# and playwright-core from the npm registry, pinned, into
# ${TMPDIR:-/tmp}/vds-ci-playwright (or $VDS_PLAYWRIGHT_MODULES/..).
set -euo pipefail
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium >/dev/null
fi
modules="${VDS_PLAYWRIGHT_MODULES:-${TMPDIR:-/tmp}/vds-ci-playwright/node_modules}"
if [ ! -f "$modules/playwright-core/package.json" ]; then
    npm install --silent --no-audit --no-fund --prefix "$(dirname "$modules")" playwright-core@1.64.1
fi
echo "chromium: $("${CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null || echo missing); playwright-core in $modules"
