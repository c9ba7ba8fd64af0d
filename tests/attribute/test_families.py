"""Template families: the letters of one template that share a domain pool on the same
days are one family; groups that share a big site, or a few domains on other days, are
not."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.families import template_families


def _entries(rows: list[tuple[int, int, int]]):
    """(content, domain, day) arrays of (group, domain, day) rows."""
    arr = np.array(rows, dtype=np.int64)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _pool(groups: list[int], first_domain: int, days: range) -> list[tuple[int, int, int]]:
    """Each group sends two messages a day on each of the day's three live domains."""
    out = []
    for d in days:
        for k in range(3):
            dom = first_domain + (2 * d + k) % 12
            out += [(g, dom, d) for g in groups for _ in range(2)]
    return out


def test_letters_that_share_a_pool_on_the_same_days_are_one_family():
    content, dom, day = _entries(_pool([0, 1, 2, 3], 0, range(20)) + _pool([4], 100, range(20)))
    family = template_families(content, dom, day, np.zeros(200, bool), 5)
    assert len(set(family[:4].tolist())) == 1
    assert family[4] != family[0]


def test_groups_that_use_domains_on_different_days_stay_apart():
    # the same twelve domains, but group 1 uses them only after group 0 has stopped
    content, dom, day = _entries(_pool([0], 0, range(10)) + _pool([1], 0, range(12, 22)))
    family = template_families(content, dom, day, np.zeros(20, bool), 2)
    assert family[0] != family[1]


def test_fewer_shared_domains_than_asked_and_persistent_ones_do_not_join():
    rows = _pool([0], 0, range(10)) + _pool([1], 50, range(10))
    rows += [(g, 90 + k, d) for g in (0, 1) for k in range(2) for d in range(10)]
    content, dom, day = _entries(rows)
    persistent = np.zeros(100, bool)
    assert len(set(template_families(content, dom, day, persistent, 2).tolist())) == 2
    rows += [(g, 92, d) for g in (0, 1) for d in range(10)]  # a third, live every day
    content, dom, day = _entries(rows)
    persistent[92] = True
    assert len(set(template_families(content, dom, day, persistent, 2).tolist())) == 2
    persistent[92] = False
    assert len(set(template_families(content, dom, day, persistent, 2).tolist())) == 1
