"""The VAE's decoding loop compiled from C++ (``native/step_loop.cpp``), built once per machine.

Why: decoding steps a 2-layer LSTM 32 times, and at the batch sizes the app uses (1-64 clips)
each step's matmuls take less time than the ~25 small tensor ops around them cost in Python.
The compiled loop does the same arithmetic on the same packed int8 weights (see
``step_decoder.py``), so it chooses the same events up to exp() rounding (100% of greedy steps
on the shipped weights), in about half the time.

It is built by ``latentroll native build`` (the setup scripts run it) with the C++ compiler and
ninja, into the user cache dir, keyed by the torch version and the source's hash. Nothing is
compiled at run time: when no library is built, or ``LATENTROLL_NATIVE=0``, decoding stays in
Python and ``load()`` says why.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from latentroll.core.app_paths import AppPaths

SOURCE = Path(__file__).with_name("native") / "step_loop.cpp"
LIBRARY = "latentroll_vae_loop"
CFLAGS = ["-O3", "-ffast-math", "-march=native"]  # built on the machine that runs it


@dataclass(frozen=True)
class NativeStatus:
    loaded: bool
    library: Path
    why: str  # a sentence for users: what runs, and why


def library_path() -> Path:
    key = hashlib.sha256(SOURCE.read_bytes() + " ".join(CFLAGS).encode()).hexdigest()[:12]
    tag = f"torch{torch.__version__.replace('+', '_')}-{platform.machine()}-{key}"
    return AppPaths.default().native_dir / tag / f"{LIBRARY}.so"


def _disabled() -> bool:
    return os.environ.get("LATENTROLL_NATIVE", "1").strip() in ("0", "no", "off", "false")


_state: dict[str, NativeStatus] = {}


def load() -> NativeStatus:
    """Load the built library into this process (once); never compiles."""
    if "status" in _state:
        return _state["status"]
    lib = library_path()
    if _disabled():
        st = NativeStatus(False, lib, "the compiled decoding loop is switched off (LATENTROLL_NATIVE=0)")
    elif not lib.exists():
        st = NativeStatus(False, lib, "the compiled decoding loop is not built: run `latentroll native build`")
    else:
        try:
            torch.ops.load_library(str(lib))
            st = NativeStatus(True, lib, "decoding runs in the compiled loop")
        except (OSError, RuntimeError) as exc:
            st = NativeStatus(False, lib, f"the compiled decoding loop did not load ({exc}); rebuild it")
    _state["status"] = st
    return st


def build(verbose: bool = False) -> Path:
    """Compile the loop into ``library_path()`` (a temp folder renamed into place, so a failed or
    concurrent build never leaves half a library). Raises RuntimeError with the reason."""
    from torch.utils import cpp_extension

    lib = library_path()
    if lib.exists():
        return lib
    for tool in ("ninja", os.environ.get("CXX", "c++")):
        if shutil.which(tool) is None:
            raise RuntimeError(f"cannot build the compiled decoding loop: `{tool}` is not installed "
                               "(Debian/Ubuntu: apt install g++ ninja-build)")
    lib.parent.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="build-", dir=lib.parent.parent))
    try:
        cpp_extension.load(name=LIBRARY, sources=[str(SOURCE)], extra_cflags=CFLAGS, build_directory=str(work),
                           is_python_module=False, verbose=verbose)
        built = work / f"{LIBRARY}.so"
        if not built.exists():
            raise RuntimeError(f"the build left no {built.name}")
        lib.parent.mkdir(parents=True, exist_ok=True)
        os.replace(built, lib)
    except Exception as exc:  # the compiler's own message is the useful part
        raise RuntimeError(f"building the compiled decoding loop failed: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # cpp_extension.load has loaded it into this process already: a second load would register
    # the op namespace twice
    _state["status"] = NativeStatus(True, lib, "decoding runs in the compiled loop")
    return lib


def decode(base, h0, c0, table, first, upper: list, head_wt, head_b, start: int, steps: int,
           temperature: float, generator, allowed):
    """The compiled loop (``load()`` must have succeeded); arguments as ``StepDecoder`` holds them."""
    return torch.ops.latentroll_vae.decode(base, h0, c0, table, first, upper, head_wt, head_b, int(start),
                                           int(steps), float(temperature), generator, allowed)
