"""New populations: a botnet that appears mid-period inside another's class is split
off; a known botnet's new campaign, or its switch to new templates, is not."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.onset import (
    OnsetRules,
    Senders,
    join_twins,
    late_classes,
    merge_continuations,
    split_new_populations,
)


def _population(first_ip: int, days: range, per_day: int, campaigns: list[int],
                country: int) -> dict[str, list[int]]:
    """Rows of one botnet: each bot (IP) sends two messages on one day, campaigns
    alternate, so bots link the campaigns."""
    out: dict[str, list[int]] = {"ip": [], "day": [], "campaign": [], "country": []}
    ip = first_ip
    for d in days:
        for i in range(per_day):
            out["ip"].append(ip + i // 2)
            out["day"].append(d)
            out["campaign"].append(campaigns[i % len(campaigns)])
            out["country"].append(country + i % 3)
        ip += per_day
    return out


def _concat(*parts: dict[str, list[int]]) -> dict[str, np.ndarray]:
    return {k: np.array(sum((p[k] for p in parts), []), dtype=np.int64) for k in parts[0]}


def _split(rows: dict[str, np.ndarray], labels: np.ndarray) -> np.ndarray:
    senders = Senders(rows["ip"], np.ones(len(labels), dtype=bool), rows["country"])
    return split_new_populations(labels, senders, rows["campaign"], rows["day"], OnsetRules())


def _split_one_class(*populations: dict) -> np.ndarray:
    """``_split`` of populations that discovery put in one class."""
    rows = _concat(*populations)
    return _split(rows, np.zeros(len(rows["ip"]), dtype=np.int64))


def test_a_late_population_with_its_own_bots_and_campaigns_is_split_off():
    old = _population(0, range(0, 40), 20, [1, 2], country=0)
    new = _population(100_000, range(20, 40), 10, [7, 8], country=10)
    out = _split_one_class(old, new)
    n_old = len(old["ip"])
    assert set(out[:n_old].tolist()) == {0}
    assert len(set(out[n_old:].tolist())) == 1 and out[n_old] != 0


def test_a_known_botnet_starting_a_new_campaign_stays_whole():
    old = _population(0, range(0, 20), 20, [1, 2], country=0)
    later = _population(50_000, range(20, 40), 20, [1, 3], country=0)
    assert set(_split_one_class(old, later).tolist()) == {0}


def test_a_botnet_switching_templates_joins_the_class_it_left():
    before = _population(0, range(0, 30), 20, [1, 2], country=0)
    after = _population(50_000, range(30, 45), 20, [5, 6], country=0)
    host = _population(90_000, range(0, 45), 20, [9], country=20)
    rows = _concat(before, after, host)
    labels = np.array([0] * len(before["ip"]) + [1] * len(after["ip"]) + [1] * len(host["ip"]))
    out = _split(rows, labels)
    n = len(before["ip"])
    assert set(out[n:n + len(after["ip"])].tolist()) == {0}
    assert set(out[n + len(after["ip"]):].tolist()) == {1}


def test_rows_outside_classes_stay_outside():
    rows = _concat(_population(0, range(0, 3), 4, [1], country=0))
    out = _split(rows, np.full(len(rows["ip"]), -1, dtype=np.int64))
    assert (out == -1).all()


def test_a_late_campaign_from_the_class_s_own_countries_is_no_new_botnet():
    old = _population(0, range(0, 40), 20, [1, 2], country=0)
    # its bots happen not to be seen on the old campaigns (a sparse sample)
    later = _population(100_000, range(20, 40), 10, [7, 8], country=0)
    assert set(_split_one_class(old, later).tolist()) == {0}


def _classes(*parts: dict) -> tuple[np.ndarray, tuple]:
    rows = _concat(*parts)
    labels = np.repeat(np.arange(len(parts)), [len(p["ip"]) for p in parts])
    senders = Senders(rows["ip"], np.ones(len(labels), dtype=bool), rows["country"])
    return labels, (senders, rows["day"], OnsetRules())


def test_a_split_off_class_rejoins_only_the_class_it_came_from():
    # class 0 falls silent on day 30 and class 2 starts then, from the same countries
    silent = _population(0, range(0, 30), 20, [1, 2], country=0)
    piece = _population(60_000, range(30, 45), 20, [5, 6], country=0)
    busy = _population(30_000, range(0, 45), 20, [3, 4], country=0)
    labels, args = _classes(silent, busy, piece)
    assert (merge_continuations(labels, *args)[labels == 2] == 0).all()
    assert (merge_continuations(labels, *args, origin={2: 0})[labels == 2] == 0).all()
    # split from class 1, which did not fall silent: it stays a class of its own
    assert (merge_continuations(labels, *args, origin={2: 1})[labels == 2] == 2).all()


def test_classes_born_together_on_the_same_campaigns_are_one_botnet():
    # one new botnet, two dialects: two classes from day 20 on the same campaigns; the
    # first also took in a few stray messages of another botnet on day 0
    old = _population(0, range(0, 45), 20, [1, 2], country=0)
    dialect_a = _population(50_000, range(20, 45), 20, [7, 8], country=10)
    dialect_b = _population(80_000, range(22, 45), 20, [7, 8], country=10)
    stray = _population(99_000, range(0, 1), 4, [1], country=0)
    later = _population(120_000, range(35, 45), 20, [7, 8], country=10)
    labels, args = _classes(old, dialect_a, dialect_b, stray, later)
    labels[labels == 3] = 1
    senders, day, rules = args
    rows = _concat(old, dialect_a, dialect_b, stray, later)
    assert set(late_classes(labels, day, rules).tolist()) == {2, 4}, "a stray dates class 1"
    late = late_classes(labels, day, rules, rules.stray_share)
    assert set(late.tolist()) == {1, 2, 4}
    out = join_twins(labels, late, rows["campaign"], day, rules)
    assert (out[labels == 2] == 1).all(), "born within lead_days on the same campaigns"
    assert (out[labels == 4] == 4).all(), "born 15 days later: another botnet"
    assert (out[labels == 0] == 0).all()



def test_a_few_bots_sending_one_of_a_new_botnets_main_campaigns_join_it():
    # a new botnet from day 20 sends campaigns 7 and 8; a few of its bots, grouped with
    # an old botnet by their networks, send only campaign 7; another new class sends
    # campaign 9 and a little of 7
    old = _population(0, range(0, 45), 20, [1, 2], country=0)
    new = _population(50_000, range(20, 45), 21, [7, 8, 8], country=10)
    few = _population(80_000, range(21, 45), 2, [7], country=20)
    other = _population(90_000, range(22, 45), 8, [9, 9, 9, 7], country=30)
    labels, (senders, day, rules) = _classes(old, new, few, other)
    rows = _concat(old, new, few, other)
    out = join_twins(labels, [1, 2, 3], rows["campaign"], day, rules)
    assert (out[labels == 2] == 1).all(), "all its mail on one of the new botnet's campaigns"
    assert (out[labels == 3] == 3).all(), "most of its mail on a campaign of its own"

def test_a_class_outside_the_targets_is_not_continued():
    # class 0 falls silent on day 30 as class 2 starts from the same countries, but
    # class 0 is not botnet-like (a few servers): class 2 stays a class of its own
    silent = _population(0, range(0, 30), 20, [1, 2], country=0)
    busy = _population(30_000, range(0, 45), 20, [3, 4], country=0)
    piece = _population(60_000, range(30, 45), 20, [5, 6], country=0)
    labels, args = _classes(silent, busy, piece)
    targets = np.array([False, True, True])
    assert (merge_continuations(labels, *args, targets=targets)[labels == 2] == 2).all()
    assert (merge_continuations(labels, *args)[labels == 2] == 0).all()


def test_a_switch_is_found_past_the_few_old_messages_the_new_class_took_in():
    # the botnet switches content on day 30; discovery put three of its old messages
    # (days 0-2) in the new content's class, so by its first message that class is not
    # late. Dated past its strays it is, and it continues the class that fell silent.
    before = _population(0, range(0, 30), 20, [1, 2], country=0)
    busy = _population(30_000, range(0, 45), 20, [3, 4], country=0)
    after = _population(60_000, range(30, 45), 20, [5, 6], country=0)
    stray = _population(99_000, range(0, 3), 1, [1], country=0)
    labels, args = _classes(before, busy, after, stray)
    labels[labels == 3] = 2
    targets = np.ones(3, dtype=bool)
    out = merge_continuations(labels, *args, targets=targets)
    assert (out[labels == 2] == 0).all(), "the new content, strays and all, joins class 0"
    assert (out[labels == 1] == 1).all()
    assert (merge_continuations(labels, *args)[labels == 2] == 2).all(), \
        "without targets a class is dated by its first message"
