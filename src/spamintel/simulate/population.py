"""Bot populations: each sender group is a pool of hosts that appear and disappear.

A bot is an index into its group's pool; every attribute is a hash of (seed, group,
index), so a pool of millions costs nothing until a bot is drawn. A bot has a birth and
death time (churn: exponential lifetimes), a sending rate (heavy-tailed: a few bots send
most), an address drawn from the group's country mix, a reverse-DNS form (or none),
a stable seed for its HELO name and one SMTP dialect of its group.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from spamintel.simulate.ipspace import IPSpace
from spamintel.simulate.scenario import Group, Scenario, ScenarioError
from spamintel.simulate.world import switches

NO_RDNS_SHARE = 0.35
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser over uint64 arrays (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


@dataclass
class Bots:
    """Attributes of drawn bots (parallel arrays)."""

    index: np.ndarray
    ips: np.ndarray
    asns: np.ndarray
    rdns_form: np.ndarray
    helo_seed: np.ndarray
    dialect: np.ndarray


class Population:
    """A group's pool of ``size`` bots, born over ``[first, last]`` days (period axis)."""

    def __init__(
        self,
        g: Group,
        space: IPSpace,
        seed: int,
        days: int,
        start_offset: float,
        later_dialects: tuple[str, ...] = (),
    ):
        self.group, self.space = g, space
        self.life = max(g.lifetime_days, 0.5)
        lead = 0.5 * self.life if start_offset > 0 else 2 * self.life
        self.first = start_offset - lead
        self.span = days - start_offset + lead
        self.size = int(max(g.bots * self.span / self.life, 50))
        self.salt = np.uint64(_key(g.name) ^ (seed * 0x9E3779B97F4A7C15 % 2**64))
        ccs = [cc for cc in g.countries if cc in space.by_cc]
        if not ccs:
            raise ScenarioError(f"group {g.name}: none of its countries "
                                f"({', '.join(g.countries)}) has IP prefixes in the address "
                                f"table")
        p = np.array([g.countries[cc] for cc in ccs], dtype=float)
        self.ccs, self.cc_cum = ccs, np.cumsum(p / p.sum())
        later = tuple(k for k in dict.fromkeys(later_dialects) if k not in g.dialects)
        self.dialect_names = tuple(g.dialects) + later
        self.dialect_cum = self._dialect_table(g.dialects)

    def _dialect_table(self, weights: dict[str, float]) -> np.ndarray:
        q = np.array([weights.get(k, 0.0) for k in self.dialect_names], dtype=float)
        return np.cumsum(q / q.sum())

    def _dialect(self, idx: np.ndarray, table: np.ndarray) -> np.ndarray:
        u = self._u(idx, 8)
        return np.searchsorted(table, u, side="right").clip(0, len(self.dialect_names) - 1)

    def _u(self, idx: np.ndarray, lane: int) -> np.ndarray:
        """Uniform [0, 1) per bot for attribute ``lane``."""
        h = _mix(idx.astype(np.uint64) * np.uint64(8) + np.uint64(lane) + self.salt)
        return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)

    def lifespan(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Birth and death times (days on the period axis) of bots ``idx``."""
        birth = self.first + self._u(idx, 0) * self.span
        return birth, birth - self.life * np.log1p(-self._u(idx, 1))

    def draw(self, rng: np.random.Generator, times: np.ndarray) -> Bots:
        """One bot per entry of ``times``, alive at that time. Bots with low indices send
        more: an index is ``size * u ** (1 + rate_sigma)``, a power law over the pool, so
        per-bot rates are heavy-tailed without rejection sampling."""
        out = np.full(len(times), -1, dtype=np.int64)
        todo = np.arange(len(times))
        skew = 1.0 + self.group.rate_sigma
        for _ in range(30):
            if not len(todo):
                break
            cand = (self.size * rng.random((12, len(todo))) ** skew).astype(np.int64)
            birth, death = self.lifespan(cand)
            ok = (birth <= times[todo]) & (death > times[todo])
            hit = ok.any(axis=0)
            out[todo[hit]] = cand[ok.argmax(axis=0)[hit], np.nonzero(hit)[0]]
            todo = todo[~hit]
        out[out < 0] = rng.integers(0, self.size, size=int((out < 0).sum()))
        return self.attributes(out)

    def attributes(self, idx: np.ndarray) -> Bots:
        """Addresses, rDNS form, HELO seed and dialect of bots ``idx``."""
        # snowshoe senders sit in a few /24 blocks: place the block, then the host in it
        where = (
            idx
            if not self.group.blocks
            else (self._u(idx, 9) * self.group.blocks).astype(np.int64) + self.size
        )
        cc = np.searchsorted(self.cc_cum, self._u(where, 3), side="right").clip(
            0, len(self.ccs) - 1
        )
        ips = np.zeros(len(idx), dtype=np.uint32)
        asns = np.zeros(len(idx), dtype=np.int64)
        u_pre, u_host = self._u(where, 4), self._u(where, 5)
        for k in np.unique(cc):
            sel = cc == k
            ips[sel], asns[sel] = self.space.place(self.ccs[k], u_pre[sel], u_host[sel])
        if self.group.blocks:
            ips = (ips & np.uint32(0xFFFFFF00)) | (1 + (self._u(idx, 10) * 254)).astype(np.uint32)
        rdns = (self._u(idx, 6) * 6).astype(np.int64)
        if self.group.kind != "legit":
            rdns[self._u(idx, 7) < NO_RDNS_SHARE] = -1
        helo = (_mix(idx.astype(np.uint64) + self.salt + np.uint64(99)) >> np.uint64(33)).astype(
            np.int64
        )
        return Bots(idx, ips, asns, rdns, helo, self._dialect(idx, self.dialect_cum))

    def updated(self, bots: Bots, dialects: dict[str, float]) -> Bots:
        """``bots`` after a software update to the SMTP ``dialects`` mix: the same hosts,
        each now speaking one of the new dialects."""
        return replace(bots, dialect=self._dialect(bots.index, self._dialect_table(dialects)))

    def expected_alive(self, t: np.ndarray) -> np.ndarray:
        """Expected number of bots alive at times ``t`` (births uniform, exponential lives)."""
        rate = self.size / self.span
        x = np.clip(t - self.first, 0.0, None)
        last = self.first + self.span
        alive = rate * self.life * (1 - np.exp(-np.minimum(x, self.span) / self.life))
        return alive * np.exp(-np.clip(t - last, 0.0, None) / self.life)


def build_population(
    g: Group, scen: Scenario, space: IPSpace, seed: int, start_offset: float = 0.0
) -> Population:
    """The pool of a group. ``start_offset`` (days) delays births for groups that appear
    mid-period (a new botnet)."""
    later = tuple(k for ev in switches(scen, g) for k in ev.params.get("dialects", {}))
    days = (scen.end - scen.start).days + 1
    return Population(g, space, seed, days, start_offset, later)


def _key(name: str) -> int:
    return int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "big") ^ len(name)
