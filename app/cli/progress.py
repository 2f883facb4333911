"""Progress bars for long CLI jobs: a callback ``(done, total)`` that draws a tqdm bar on stderr."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from tqdm import tqdm


@contextmanager
def progress_bar(desc: str, unit: str = "it", enabled: bool = True) -> Iterator[Callable[[float, float], None]]:
    """Yield ``update(done, total)``; the bar shows only when stderr is a terminal or enabled."""
    bar = tqdm(desc=desc, unit=unit, file=sys.stderr, disable=not enabled, leave=False, dynamic_ncols=True)

    def update(done: float, total: float) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()
