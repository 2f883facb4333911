#!/usr/bin/env bash
# Sets up LatentRoll on a fresh Debian/Ubuntu machine: system packages from apt, Python packages
# in ./.venv. Safe to run again: it skips what is already there.
#   scripts/setup.sh          app + CLI
#   scripts/setup.sh --test   also the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

APT_PACKAGES=(
  python3 python3-venv python3-dev
  # builds the melody VAE's compiled decoding loop (latentroll native build)
  g++ ninja-build
  libfluidsynth3 fluidsynth fluid-soundfont-gm timgm6mb-soundfont libportaudio2 libsndfile1
  # Qt 6 (PySide6 wheels) needs these X11/GL libraries, offscreen and on a real display
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0
  libdbus-1-3 libfontconfig1
  # a virtual display and tools for screenshots / listening checks
  xvfb x11-utils imagemagick sox
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python

# A stamp of pyproject.toml + setup.py: reinstall only when they change. A test install (-1)
# also satisfies a plain one.
stamp=".venv/.latentroll-stamp"
hash="$(cat pyproject.toml setup.py | sha256sum | cut -c1-16)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [ "$have" != "$hash-1" ] && [ "$have" != "$hash-$WITH_TEST" ]; then
  echo "setup: installing Python packages into .venv"
  $VPY -m pip install -q --upgrade pip
  # torch first and pinned: a plain 'torch' lets pip pick a multi-GB CUDA build. Where no local
  # CPU wheel is configured for pip, set PIP_EXTRA_INDEX_URL to PyTorch's CPU index first.
  $VPY -m pip install -q "torch==2.13.0"
  extras="gui"
  [ "$WITH_TEST" = 1 ] && extras="gui,test"
  $VPY -m pip install -q -e ".[${extras}]"
  echo "$hash-$WITH_TEST" > "$stamp"
fi
# The VAE's decoding loop in C++ (~30 s, once per machine and torch version): decoding is about
# twice as fast with it, and works the same without it.
if ! .venv/bin/latentroll native status >/dev/null 2>&1; then
  echo "setup: building the compiled decoding loop"
  .venv/bin/latentroll native build >/dev/null || echo "setup: decoding will run in Python"
fi
echo "setup: ready ($($VPY -c 'import sys; print(sys.version.split()[0])'), $(.venv/bin/latentroll --version 2>/dev/null || echo latentroll))"
