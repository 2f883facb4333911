"""The REST API under load: ``latentroll serve`` on a free loopback port (a process of its own,
as a user runs it), driven over HTTP.

1. 20 concurrent ``POST /generate`` requests (VAE, 2 bars, 1 variation, each its own seed):
   p50/p95 latency, and zero lost or mixed-up responses: every answer must equal the answer to
   the same request sent again alone afterwards (a seed gives the same clip).
2. 500 more requests (4 at a time): the server's and the model process's RSS before and after.
Prints figures; asserts only correctness.

Run: ``.venv/bin/python tests/benchmarks/bench_api.py``
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "app" / "api"))
from api_helpers import start_server, stop_server  # noqa: E402

CONCURRENT = 20
MORE = 500


def ask(seed: int) -> dict:
    return {"model": "vae", "style": "irish", "bars": 2, "variations": 1, "temperature": 1.0, "seed": seed}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def model_process(pid: int) -> int | None:
    """The model helper: the server's descendant (forkserver child) holding the most memory (torch)."""
    found, todo = [], children(pid)
    while todo:
        c = todo.pop()
        try:
            found.append((rss_mb(c), c))
            todo += children(c)
        except OSError:
            continue
    return max(found)[1] if found else None


def main() -> int:
    with tempfile.TemporaryDirectory() as lib:
        proc, base = start_server(lib)
        try:
            with httpx.Client(base_url=base, timeout=120) as api:
                t0 = time.perf_counter()
                api.post("/generate", json=ask(0)).raise_for_status()  # the model process and weights load
                print(f"first request (model process start + load): {1000 * (time.perf_counter() - t0):.0f} ms")

                def timed(seed: int) -> tuple[int, float, bytes]:
                    start = time.perf_counter()
                    r = api.post("/generate", json=ask(seed), params={"format": "json"})
                    return r.status_code, 1000 * (time.perf_counter() - start), r.content

                seeds = list(range(1000, 1000 + CONCURRENT))
                start = time.perf_counter()
                with ThreadPoolExecutor(CONCURRENT) as pool:
                    results = list(pool.map(timed, seeds))
                wall = time.perf_counter() - start
                lat = sorted(ms for _, ms, _ in results)
                ok = [s for s, _, _ in results].count(200)
                p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
                print(f"{CONCURRENT} concurrent generate: {ok}/{CONCURRENT} answered 200 in {wall:.2f} s; "
                      f"latency p50 {statistics.median(lat):.0f} ms, p95 {p95:.0f} ms, max {lat[-1]:.0f} ms")
                mixed = sum(timed(seed)[2] != body for seed, (_, _, body) in zip(seeds, results))
                distinct = len({body for _, _, body in results})
                print(f"mixed-up or lost responses: {mixed + CONCURRENT - ok} (distinct answers {distinct}/{CONCURRENT})")
                assert ok == CONCURRENT and mixed == 0 and distinct == CONCURRENT

                models = model_process(proc.pid)
                before = rss_mb(proc.pid), rss_mb(models) if models else float("nan")
                start = time.perf_counter()
                with ThreadPoolExecutor(4) as pool:
                    codes = list(pool.map(lambda s: timed(s)[0], range(5000, 5000 + MORE)))
                assert codes.count(200) == MORE
                after = rss_mb(proc.pid), rss_mb(models) if models else float("nan")
                print(f"{MORE} more requests (4 at a time) in {time.perf_counter() - start:.1f} s")
                print(f"RSS server: {before[0]:.0f} MB -> {after[0]:.0f} MB; "
                      f"model process: {before[1]:.0f} MB -> {after[1]:.0f} MB")
        finally:
            stop_server(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
