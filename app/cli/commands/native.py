"""``latentroll native build|status``: the compiled decoding loop of the melody VAE.

Setup runs ``build`` once; without it everything works, decoding just takes about 1.5x as long.
"""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("native", help="build or check the compiled VAE decoding loop (about 1.5x faster decoding)")
    p.add_argument("action", choices=("build", "status"), help="build: compile it (once per machine and torch "
                   "version, ~30 s); status: say whether decoding uses it")
    p.add_argument("--verbose", action="store_true", help="show the compiler's output")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.models.vae import native_loop

    if args.action == "build":
        try:
            lib = native_loop.build(verbose=args.verbose)
        except RuntimeError as exc:
            print(f"latentroll: {exc}", file=sys.stderr)
            print("latentroll: decoding will run in Python (the same model, about 1.5x slower)", file=sys.stderr)
            return 1
        print(f"built {lib}")
        return 0
    st = native_loop.load()
    print(st.why)
    print(f"library: {st.library}")
    return 0 if st.loaded else 1
