#!/usr/bin/env bash
# Builds dist/LatentRoll/ (a one-folder bundle) with PyInstaller from the project venv.
# System libraries the bundle still expects on the target: libfluidsynth3, libportaudio2 and a GM
# SoundFont (fluid-soundfont-gm), as for a source install.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.10"
.venv/bin/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/latentroll.spec
echo "bundle: dist/LatentRoll/latentroll  ($(du -sh dist/LatentRoll | cut -f1))"
