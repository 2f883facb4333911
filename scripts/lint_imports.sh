#!/usr/bin/env bash
# Checks the layer contracts in pyproject.toml (core: no Qt/torch; models: no Qt; app on top).
# import-linter cannot walk the editable install's mapped namespace, so it reads a small mirror:
# a real `latentroll` package whose sub-packages are symlinks to the top-level folders.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror="$(mktemp -d)"
trap 'rm -rf "$mirror"' EXIT
mkdir -p "$mirror/latentroll"
touch "$mirror/latentroll/__init__.py"
for d in core models app resources; do ln -s "$PWD/$d" "$mirror/latentroll/$d"; done
PYTHONPATH="$mirror" .venv/bin/lint-imports
