#!/bin/sh
# The browser tier (test/browser/**): the apply report and the plan's Mermaid timeline rendered
# in headless Chromium. Installs Debian's chromium when it is missing (never a downloaded
# browser: playwright-core only drives the system executable), then runs `npm run test:browser`.
# Called from .ci/run; needs root (or sudo) for apt-get when chromium is not installed yet.
set -eu
cd "$(dirname "$0")/.."
CHROMIUM="${SDRAIN_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
fi
"$CHROMIUM" --version
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec npm run test:browser
