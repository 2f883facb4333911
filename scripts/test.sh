#!/usr/bin/env bash
# One command: set up everything (with test tools), check the layer contracts and the lint, run the whole suite.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test || exit 1
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
echo "== import contracts (import-linter)"
bash scripts/lint_imports.sh || exit 1
echo "== lint (ruff: pyflakes and import order)"
.venv/bin/ruff check . || exit 1
echo "== pytest"
.venv/bin/python -m pytest "$@"
code=$?
if [ $code -eq 5 ]; then
  echo "test: pytest collected no tests: that is a failure"
  exit 1
fi
exit $code
