"""Shared pieces of the timed loops."""
from __future__ import annotations

import gc
import re
import time
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def no_gc() -> Iterator[None]:
    """The garbage collector stays off while calls are timed (as timeit does): a collection pause
    would land in one call's time at random."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Slowdown:
    """Test only (`testSlowdown` setting): a busy wait inside every timed call, a fixed time
    (`0.5ms`) or a fraction of the call's own time (`10%`)."""

    def __init__(self, text: str | None) -> None:
        self.fixed_ms = 0.0
        self.fraction = 0.0
        if not text:
            return
        match = re.fullmatch(r'\s*([0-9]*\.?[0-9]+)\s*(ms|%)\s*', text)
        if match is None:
            raise ValueError(f'testSlowdown must be "<number>ms" or "<number>%", got {text!r}')
        value = float(match.group(1))
        if match.group(2) == 'ms':
            self.fixed_ms = value
        else:
            self.fraction = value / 100

    def __bool__(self) -> bool:
        return self.fixed_ms > 0 or self.fraction > 0

    def wait(self, started_ns: int) -> None:
        delay = self.fixed_ms / 1e3 + (time.perf_counter_ns() - started_ns) / 1e9 * self.fraction
        end = time.perf_counter() + delay
        while time.perf_counter() < end:
            pass
