"""Campaigns: near-duplicate grouping, the split by domains and senders, stable ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from spamintel.attribute.campaigns import (
    campaign_content,
    campaign_ids,
    content_groups,
    digest_rows,
    split_campaigns,
)
from spamintel.attribute.domain_pools import PoolRules
from spamintel.fingerprint.minhash import body_minhash, normalise

TEXTS = {
    "pills": "Cheap pills online today, best prices on every order, fast discreet shipping "
             "worldwide, no prescription needed, order now and save big on all products",
    "watch": "Luxury replica watches for sale, swiss movement and sapphire glass, the best "
             "copies on the market, free gift box with every watch you buy this week",
}


def _table(kinds: list[str], domains: list[list[str]]) -> pa.Table:
    hashes = []
    for i, kind in enumerate(kinds):
        words = normalise(TEXTS[kind] + (" extra" if i % 2 else ""))
        hashes.append(body_minhash(words, [], 64))
    return pa.table({"body_minhash": pa.array(hashes, pa.list_(pa.uint32())),
                     "subject_shape": ["s"] * len(kinds),
                     "url_domains": pa.array(domains, pa.list_(pa.string()))})


def test_digest_rows_cover_every_full_minhash():
    table = _table(["pills", "watch", "pills"], [[], [], []])
    minhash = pa.concat_arrays([table.column("body_minhash").combine_chunks(),
                                pa.array([[1, 2, 3]], pa.list_(pa.uint32()))])
    rows, digests = digest_rows(minhash, 64)
    assert rows.tolist() == [0, 1, 2] and digests.shape == (3, 64)
    assert digests[0].tolist() == table.column("body_minhash")[0].as_py()


def test_near_duplicates_share_a_group_and_others_do_not():
    table = _table(["pills", "pills", "watch", "watch"], [[], [], [], []])
    groups = content_groups(table, np.ones(4, dtype=bool), 16, 4)
    assert groups[0] == groups[1] and groups[2] == groups[3] and groups[0] != groups[2]


def _digests(rows: list[np.ndarray]) -> pa.Table:
    return pa.table({"body_minhash": pa.array([r.tolist() for r in rows], pa.list_(pa.uint32())),
                     "subject_shape": ["s"] * len(rows),
                     "url_domains": pa.array([[]] * len(rows), pa.list_(pa.string()))})


def test_a_chance_band_collision_links_only_unconfirmed_groups():
    rng = np.random.default_rng(5)
    first = rng.integers(0, 2**32, 64, dtype=np.uint64)
    stray = rng.integers(0, 2**32, 64, dtype=np.uint64)
    stray[:5] = first[:5]  # one 5-row band in common, 5 of 64 values
    near = first.copy()
    near[5::2] = rng.integers(0, 2**32, 30, dtype=np.uint64)  # 34 of 64 values in common
    table = _digests([first, stray, near])
    loose = content_groups(table, np.ones(3, dtype=bool), 12, 5)
    assert loose[0] == loose[1] == loose[2]
    confirmed = content_groups(table, np.ones(3, dtype=bool), 12, 5, min_jaccard=0.3)
    # the stray sits between the two near-duplicates in its band bucket
    assert confirmed[0] == confirmed[2] != confirmed[1]


def test_confirmed_groups_of_messages_that_share_no_band():
    table = _table(["pills", "watch"], [[], []])
    groups = content_groups(table, np.ones(2, dtype=bool), 12, 5, min_jaccard=0.3)
    assert groups[0] != groups[1]


def test_ineligible_rows_get_no_group():
    table = _table(["pills", "pills"], [[], []])
    assert content_groups(table, np.array([True, False]), 16, 4)[1] == -1


def test_same_text_splits_by_sender_unless_a_domain_joins_them():
    content = np.zeros(4, dtype=np.int64)
    day = np.zeros(4, dtype=np.int64)
    sender = np.array([0, 0, 1, 1])
    apart = split_campaigns(content, pa.array([["a.example"], [], ["b.example"], []]),
                            day, sender)
    assert apart[0] == apart[1] and apart[2] == apart[3] and apart[0] != apart[2]
    joined = split_campaigns(content, pa.array([["a.example"], [], ["a.example"], []]),
                             day, sender)
    assert len(set(joined.tolist())) == 1


def test_mail_the_classifier_let_through_joins_its_spam_near_duplicates():
    table = _table(["pills", "pills", "pills", "watch", "watch", "watch"], [[]] * 6)
    spam = np.array([True, True, False, False, False, True])
    groups = campaign_content(table, spam, 16, 4, min_spam_share=0.5)
    assert groups[2] == groups[0] >= 0
    assert groups[5] >= 0 and groups[3] == groups[4] == -1


def test_mail_without_a_pool_domain_joins_the_pool_of_its_day_and_sender():
    content = np.zeros(6, dtype=np.int64)
    day = np.zeros(6, dtype=np.int64)
    sender = np.array([0, 0, 0, 1, 1, 1])
    domains = pa.array([["a.example"]] * 2 + [[]] + [["b.example"]] * 2 + [[]])
    labels = split_campaigns(content, domains, day, sender)
    assert labels[2] == labels[0] and labels[5] == labels[3] and labels[0] != labels[3]


def test_content_without_domains_is_cut_at_a_long_silence():
    content = np.zeros(4, dtype=np.int64)
    labels = split_campaigns(content, pa.array([[]] * 4, pa.list_(pa.string())),
                             np.array([0, 1, 20, 21]), np.zeros(4, dtype=np.int64),
                             max_gap_days=7)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[1] != labels[2]


def _letters(days: int, per_day: int, rng: np.random.Generator):
    """One campaign writing four letters (content groups 0-3) with a rotating pool of
    twenty domains, three live a day, and a list of six subject lines."""
    content, doms, day, subjects = [], [], [], []
    for d in range(days):
        for _ in range(per_day):
            content.append(int(rng.integers(4)))
            doms.append([f"pool{(2 * d + int(rng.integers(3))) % 20}.example"])
            day.append(d)
            subjects.append(f"Offer number {int(rng.integers(6))}")
    return (np.array(content), pa.array(doms, pa.list_(pa.string())), np.array(day),
            pa.array(subjects))


def test_the_letters_of_one_template_make_one_campaign():
    content, domains, day, subjects = _letters(30, 120, np.random.default_rng(5))
    sender = np.zeros(len(content), dtype=np.int64)
    labels = split_campaigns(content, domains, day, sender)
    assert len(set(labels.tolist())) == 1
    # counted as four content groups, the pool's domains look generic (a real share in
    # more than two groups) and the letters make separate campaigns
    apart = split_campaigns(content, domains, day, sender, PoolRules(family_links=0))
    assert len(set(apart.tolist())) >= 4


def test_letters_without_links_join_by_their_subject_lines():
    content, _, day, subjects = _letters(10, 40, np.random.default_rng(6))
    none = pa.array([[]] * len(content), pa.list_(pa.string()))
    sender = np.zeros(len(content), dtype=np.int64)
    assert len(set(split_campaigns(content, none, day, sender).tolist())) == 4
    joined = split_campaigns(content, none, day, sender, subjects=subjects)
    assert len(set(joined.tolist())) == 1
    # the same subject lines on other days: another campaign, not a letter of this one
    late = day + np.where(content >= 2, 100, 0)
    assert len(set(split_campaigns(content, none, late, sender, subjects=subjects).tolist())) == 2


def test_ids_come_from_the_earliest_member_and_survive_new_mail():
    sha = np.array(["aa" * 32, "bb" * 32, "cc" * 32], dtype=object)
    first = campaign_ids(np.array([5, 5, 7]), sha)
    assert first.tolist() == ["c-" + "aa" * 6, "c-" + "aa" * 6, "c-" + "cc" * 6]
    later = campaign_ids(np.array([1, 1, 2, 1]), np.append(sha, "dd" * 32))
    assert later[:3].tolist() == first.tolist()
