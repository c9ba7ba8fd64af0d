"""Domain pools: rotating domains of one campaign chain together; a second campaign on
the same template, shorteners and other senders' domains stay apart."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from spamintel.attribute.domain_pools import PoolRules, generic_domains, pool_labels


def _rotation(name: str, first_day: int, days: int, per_day: int, sender: int,
              rng: np.random.Generator) -> list[tuple[int, str, int]]:
    """(day, domain, sender) rows of one campaign cycling through a pool of 20 domains:
    3 live a day, 2 replaced each day, ``per_day`` messages spread evenly over the live
    ones."""
    rows = []
    for d in range(first_day, first_day + days):
        live = [f"{name}{k % 20}.example" for k in range(2 * (d - first_day),
                                                         2 * (d - first_day) + 3)]
        for _ in range(per_day):
            rows.append((d, live[int(rng.integers(len(live)))], sender))
    return rows


def _arrays(rows: list[tuple[int, str, int]]):
    day = np.array([r[0] for r in rows], dtype=np.int64)
    domains = pa.array([[r[1]] for r in rows], pa.list_(pa.string()))
    sender = np.array([r[2] for r in rows], dtype=np.int64)
    return np.zeros(len(rows), dtype=np.int64), domains, day, sender


def _labels_by_campaign(rows, labels) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for (_, dom, _), lab in zip(rows, labels, strict=True):
        out.setdefault(dom[:4], set()).add(int(lab))
    return out


def test_a_rotating_pool_chains_and_a_later_campaign_stays_apart():
    rng = np.random.default_rng(1)
    rows = _rotation("aaaa", 0, 40, 120, 0, rng) + _rotation("bbbb", 20, 20, 120, 0, rng)
    # six live domains of equal volume a day: every pair of a day is a candidate
    labels = pool_labels(*_arrays(rows), PoolRules(neighbours=5))
    seen = _labels_by_campaign(rows, labels)
    assert len(seen["aaaa"]) == 1 and len(seen["bbbb"]) == 1
    assert seen["aaaa"] != seen["bbbb"]



def test_a_pool_that_hands_over_at_the_turn_of_the_day_chains():
    # two domains a day, each live on one day only, recycled every ten days: no two
    # domains of consecutive days ever meet on one day
    rng = np.random.default_rng(3)
    rows = [(d, f"aaaa{2 * (d % 10) + int(rng.integers(2))}.example", 0)
            for d in range(40) for _ in range(60)]
    rows += [(d, f"bbbb{2 * (d % 10) + int(rng.integers(2))}.example", 0)
             for d in range(25, 40) for _ in range(60)]
    seen = _labels_by_campaign(rows, pool_labels(*_arrays(rows), PoolRules()))
    assert len(seen["aaaa"]) == 1 and len(seen["bbbb"]) == 1
    assert seen["aaaa"] != seen["bbbb"], "the later campaign brings its own domains"


def test_two_campaigns_taking_turns_at_other_volumes_stay_apart():
    # one sender, one template: campaign a sends 120 a day through domains live two days
    # each (handing over on even days), campaign b 30 a day through domains handing over
    # on odd days; each chains through its own handovers, never through the other's
    rows = [(d, f"aaaa{d // 2}.example", 0) for d in range(30) for _ in range(120)]
    rows += [(d, f"bbbb{(d + 1) // 2}.example", 0) for d in range(30) for _ in range(30)]
    seen = _labels_by_campaign(rows, pool_labels(*_arrays(rows), PoolRules()))
    assert len(seen["aaaa"]) == 1 and len(seen["bbbb"]) == 1
    assert seen["aaaa"] != seen["bbbb"]

def test_same_start_but_different_senders_or_volumes_stay_apart():
    rng = np.random.default_rng(2)
    other_sender = _rotation("aaaa", 0, 10, 120, 0, rng) + _rotation("bbbb", 0, 10, 120, 1, rng)
    seen = _labels_by_campaign(other_sender, pool_labels(*_arrays(other_sender), PoolRules()))
    assert seen["aaaa"].isdisjoint(seen["bbbb"])
    other_volume = _rotation("aaaa", 0, 10, 300, 0, rng) + _rotation("bbbb", 0, 10, 30, 0, rng)
    seen = _labels_by_campaign(other_volume, pool_labels(*_arrays(other_volume), PoolRules()))
    assert seen["aaaa"].isdisjoint(seen["bbbb"])


def test_a_shortener_used_every_day_is_generic_and_links_nothing():
    rng = np.random.default_rng(3)
    rows = _rotation("aaaa", 0, 30, 100, 0, rng) + _rotation("bbbb", 15, 15, 100, 0, rng)
    rows += [(d, "tinyurl.com", 0) for d in range(30) for _ in range(30)]
    content, domains, day, sender = _arrays(rows)
    labels = pool_labels(content, domains, day, sender, PoolRules())
    short = np.array([r[1] == "tinyurl.com" for r in rows])
    assert (labels[short] == -1).all()
    seen = _labels_by_campaign([r for r in rows if r[1] != "tinyurl.com"], labels[~short])
    assert seen["aaaa"].isdisjoint(seen["bbbb"])


def test_generic_when_shared_by_several_content_groups():
    rows = np.arange(40)
    dom = np.array([0] * 30 + [1] * 10)
    content = np.array([0] * 10 + [1] * 10 + [2] * 10 + [0] * 10)
    day = np.array([0] * 30 + [1] * 10)
    generic = generic_domains(rows, dom, content, day, PoolRules(max_shared_groups=2))
    assert generic.tolist() == [True, False]


def test_generic_when_spread_thinly_over_many_content_groups():
    # domain 0 appears in 100 content groups on 100 days of three years, under 5% of its
    # mail in each; domain 1 is one campaign's, with a few strays that missed its
    # content group; domain 2 is a campaign's whose every message is a content group
    # of its own, over three days
    dom = np.array([0] * 100 + [1] * 100 + [2] * 30)
    content = np.concatenate([np.arange(100), [100] * 90, np.arange(10), 200 + np.arange(30)])
    day = np.concatenate([np.arange(100) * 10, np.full(100, 5), np.arange(30) % 3])
    generic = generic_domains(np.arange(230), dom, content, day, PoolRules())
    assert generic.tolist() == [True, False, False]


def test_a_layout_host_in_every_message_does_not_chain_unrelated_campaigns():
    # 60 one-message content groups and two campaigns each name w3.org in their markup
    n = 60
    content = np.concatenate([np.arange(n), [n] * 20, [n + 1] * 20])
    domains = pa.array([["w3.org", f"lone{k}.example"] for k in range(n)]
                       + [["w3.org", "pills.example"]] * 20
                       + [["w3.org", "watches.example"]] * 20, pa.list_(pa.string()))
    day = np.concatenate([np.arange(n) * 7, [30] * 40])
    labels = pool_labels(content, domains, day, np.zeros(n + 40, np.int64), PoolRules())
    assert labels[n] != labels[n + 20]
    assert len(set(labels[:n].tolist())) == n


def test_rows_without_a_content_group_or_domain_get_no_pool():
    content = np.array([-1, 0, 0])
    domains = pa.array([["a.example"], [], None], pa.list_(pa.string()))
    labels = pool_labels(content, domains, np.zeros(3, np.int64), np.zeros(3, np.int64),
                         PoolRules())
    assert labels.tolist() == [-1, -1, -1]


def test_a_few_coincident_messages_in_a_small_cell_do_not_link_two_campaigns():
    # one sender runs two campaigns on one template, 1000 and 300 messages a day on one
    # domain each; a second, small sender population (a piece of the same botnet) sends
    # six of each on the first day: equal there, but not on the day as a whole
    # (three other campaigns, 500-700 a day, sit between them by volume)
    rows = [(d, "aaaa.example", 0) for d in range(3) for _ in range(1000)]
    rows += [(d, "bbbb.example", 0) for d in range(3) for _ in range(300)]
    rows += [(d, f"{c * 4}.example", 0) for c, n in (("c", 500), ("d", 600), ("e", 700))
             for d in range(3) for _ in range(n)]
    rows += [(0, dom, 1) for dom in ("aaaa.example", "bbbb.example") for _ in range(6)]
    labels = pool_labels(*_arrays(rows), PoolRules())
    seen = _labels_by_campaign(rows, labels)
    assert seen["aaaa"].isdisjoint(seen["bbbb"])


def test_two_days_of_mail_count_as_two_days_of_evidence():
    # two campaigns of one sender, 30 and 55 messages a day on one domain each: a
    # two-day cell at their introduction holds twice a day's evidence, and tells them
    # apart as surely as the two one-day cells do
    rows = [(d, "aaaa.example", 0) for d in range(3) for _ in range(30)]
    rows += [(d, "bbbb.example", 0) for d in range(3) for _ in range(55)]
    seen = _labels_by_campaign(rows, pool_labels(*_arrays(rows), PoolRules()))
    assert seen["aaaa"].isdisjoint(seen["bbbb"])

