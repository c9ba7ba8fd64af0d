"""A piece of a class (no bot, no campaign shared with the rest) whose dialects and header
templates differ from the rest of its class is split off; a piece of the same botnet (same
software mix, other campaigns) stays."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.software import split_software


def _part(rng: np.random.Generator, n: int, ip_base: int, software: list[int],
          campaigns: range) -> dict[str, np.ndarray]:
    return {"ip": ip_base + rng.integers(0, n * 2 // 3, n),
            "software": rng.choice(software, n),
            "campaign": rng.integers(campaigns.start, campaigns.stop, n),
            "day": rng.integers(0, 30, n)}


def _class(rng: np.random.Generator, second_software: list[int]) -> dict[str, np.ndarray]:
    """One class: a botnet (software 0-3, campaigns 0-9, 3,000 messages) and 600
    messages of campaigns 20-22 from other bots running ``second_software``."""
    parts = [_part(rng, 3000, 0, [0, 1, 2, 3], range(0, 10)),
             _part(rng, 600, 100_000, second_software, range(20, 23))]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _split(cols: dict, min_messages: int = 50) -> np.ndarray:
    n = len(cols["ip"])
    return split_software(np.zeros(n, dtype=np.int64), cols["software"], cols["ip"],
                          np.ones(n, dtype=bool), cols["day"], cols["campaign"],
                          min_messages=min_messages, min_ips=20)[0]


def test_a_piece_running_other_software_becomes_a_class():
    cols = _class(np.random.default_rng(1), [5, 6])
    n = len(cols["ip"])
    out, origin = split_software(np.zeros(n, dtype=np.int64), cols["software"], cols["ip"],
                                 np.ones(n, dtype=bool), cols["day"], cols["campaign"], 50, 20)
    assert (out[3000:] == 1).all() and (out[:3000] == 0).all()
    assert origin == {1: 0}


def test_a_piece_with_the_class_software_stays():
    out = _split(_class(np.random.default_rng(2), [0, 1, 2, 3]))
    assert (out == 0).all()


def test_a_small_piece_or_unclustered_rows_stay():
    cols = _class(np.random.default_rng(3), [5, 6])
    assert (_split(cols, min_messages=1000) == 0).all()
    labels = np.full(len(cols["ip"]), -1, dtype=np.int64)
    out, origin = split_software(labels, cols["software"], cols["ip"],
                                 np.ones(len(labels), bool), cols["day"], cols["campaign"], 50, 20)
    assert (out == -1).all() and origin == {}
