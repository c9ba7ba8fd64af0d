"""Shared check for the parse tests: work that must take time linear in its input."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

Check = Callable[[Callable[[Any], object], Callable[[int], Any], int], None]


def _timed(work: Callable[[Any], object], arg: Any) -> float:
    start = time.perf_counter()
    work(arg)
    return time.perf_counter() - start


@pytest.fixture
def assert_linear() -> Check:
    """``check(work, make, n)``: ``work(make(4 * n))`` takes at most 8 times as long as
    ``work(make(n))``, plus 50 ms for a busy machine.

    Linear work takes 4 times as long, quadratic work 16 times; the sizes are chosen so
    that the quadratic code took a twentieth of a second or more at ``n``. The small
    input's best of three runs counts, and the large one has three tries: what is
    compared is how the work grows, not how fast this machine is.
    """
    def check(work: Callable[[Any], object], make: Callable[[int], Any], n: int) -> None:
        small_arg, large_arg = make(n), make(4 * n)
        small = min(_timed(work, small_arg) for _ in range(3))
        bound = 8 * small + 0.05
        took = float("inf")
        for _ in range(3):
            took = min(took, _timed(work, large_arg))
            if took <= bound:
                return
        pytest.fail(f"not linear: n={n} took {small:.4f}s, 4n took {took:.4f}s")
    return check
