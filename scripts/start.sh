#!/usr/bin/env bash
# One command: set up everything, then start the LatentRoll app (extra arguments: a file to open).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" = "" ]; then
  echo "start: no display found. Run under a desktop session, or on a server: xvfb-run -a scripts/start.sh"
  echo "       The headless CLI works anywhere: .venv/bin/latentroll --help"
  exit 2
fi
exec .venv/bin/latentroll gui "$@"
