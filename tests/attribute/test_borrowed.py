"""Mail a class sends on another class's campaigns moves there when its senders sit in
that class's networks (another botnet running the same software), and stays when they
sit in its own class's networks (a botnet hired for a shared campaign)."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.borrowed import BorrowRules, campaign_owners, move_borrowed


def _part(rng: np.random.Generator, label: int, n: int, ip_base: int, networks: range,
          campaigns: range) -> dict[str, np.ndarray]:
    bots = ip_base + rng.integers(0, n * 2 // 3, n)
    return {"label": np.full(n, label), "ip": bots,
            "network": networks.start + bots % len(networks),
            "campaign": rng.integers(campaigns.start, campaigns.stop, n)}


def _world(rng: np.random.Generator, second_networks: range) -> tuple[dict, np.ndarray]:
    """Class 0: botnet A (networks 0-19, campaigns 0-9). Class 1: botnet B (networks
    30-39, campaigns 20-29) plus 400 messages on A's campaigns from ``second_networks``.
    Returns the columns and the mask of those 400 rows."""
    parts = [_part(rng, 0, 4000, 0, range(0, 20), range(0, 10)),
             _part(rng, 1, 2000, 100_000, range(30, 40), range(20, 30)),
             _part(rng, 1, 400, 200_000, second_networks, range(0, 10))]
    return _joined(parts, 400)


def _joined(parts: list[dict[str, np.ndarray]], n_second: int) -> tuple[dict, np.ndarray]:
    """The parts' columns end to end, and the mask of the last ``n_second`` rows."""
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    second = np.zeros(len(cols["label"]), dtype=bool)
    second[-n_second:] = True
    return cols, second


def _move(cols: dict, rules: BorrowRules | None = None) -> np.ndarray:
    return move_borrowed(cols["label"], cols["ip"], np.ones(len(cols["ip"]), dtype=bool),
                         cols["network"], cols["campaign"], rules)


def test_another_botnets_mail_with_its_networks_moves_to_its_class():
    cols, second = _world(np.random.default_rng(1), range(0, 20))
    out = _move(cols)
    assert (out[second] == 0).all()
    assert (out[~second] == cols["label"][~second]).all()


def test_a_shared_campaign_sent_from_the_own_networks_stays():
    cols, second = _world(np.random.default_rng(2), range(30, 40))
    assert (_move(cols) == cols["label"]).all()


def test_too_few_messages_or_most_of_the_class_stays():
    cols, _ = _world(np.random.default_rng(3), range(0, 20))
    assert (_move(cols, BorrowRules(min_messages=500)) == cols["label"]).all()
    keep = np.flatnonzero(~((cols["label"] == 1) & (cols["campaign"] >= 20)))
    small = {k: v[keep] for k, v in cols.items()}        # class 1 is only the borrowed mail
    assert (_move(small) == small["label"]).all()


def test_campaign_owner_is_the_class_sending_most_of_it():
    labels = np.array([0, 0, 1, 1, 1, -1, 2])
    campaign = np.array([5, 5, 5, 7, 7, 5, -1])
    assert campaign_owners(labels, campaign).tolist() == [0, 0, 0, 1, 1, -1, -1]


def _large_world(rng: np.random.Generator, extra_share: float) -> tuple[dict, np.ndarray]:
    """Like ``_world`` at twenty times the mail: the second population (8,000 messages on
    A's campaigns) sits in A's networks but sends ``extra_share`` of its mail from a
    network A does not use (another population mixed into the piece)."""
    n_extra = int(8000 * extra_share)
    parts = [_part(rng, 0, 80_000, 0, range(0, 20), range(0, 10)),
             _part(rng, 1, 20_000, 1_000_000, range(30, 40), range(20, 30)),
             _part(rng, 1, 8000 - n_extra, 2_000_000, range(0, 20), range(0, 10)),
             _part(rng, 1, n_extra, 3_000_000, range(45, 46), range(0, 10))]
    return _joined(parts, 8000)


def test_a_large_piece_a_few_hundredths_off_its_owners_networks_moves():
    cols, second = _large_world(np.random.default_rng(4), 0.07)
    out = _move(cols)
    assert (out[second] == 0).all()
    assert (out[~second] == cols["label"][~second]).all()


def test_a_piece_farther_than_the_tolerance_stays():
    cols, _ = _large_world(np.random.default_rng(5), 0.25)
    assert (_move(cols) == cols["label"]).all()
    cols, _ = _large_world(np.random.default_rng(4), 0.07)
    assert (_move(cols, BorrowRules(network_tolerance=0.0)) == cols["label"]).all()
