"""A bounded memo: a function's answers kept in a plain dict, emptied when full.

Per-message work meets the same values again and again (field names, header orders,
shapes, links, client addresses), so remembering answers pays; hostile mail brings
endless new values, so every memo is bounded. A hit is a plain dict look-up (``memo[key]``
or ``map(memo.__getitem__, keys)``), which costs less than ``functools.lru_cache``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """``memo[key]`` is ``fn(key)``, remembered for up to ``size`` keys (all forgotten at
    once when full); a key that ``keep`` refuses (e.g. a made-up name of any length) is
    answered but not kept."""

    def __init__(self, fn: Callable[[K], V], size: int,
                 keep: Callable[[K], bool] | None = None) -> None:
        super().__init__()
        self._fn, self._size, self._keep = fn, size, keep

    def __missing__(self, key: K) -> V:
        value = self._fn(key)
        if self._keep is None or self._keep(key):
            if len(self) >= self._size:
                self.clear()
            self[key] = value
        return value
