"""Classes of one botnet kept apart by discovery are joined when they send on the same
days from the same networks; different botnets, and a botnet that replaced another,
stay apart."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.siblings import SiblingRules, join_siblings


def _class(rng: np.random.Generator, n: int, networks: np.ndarray, days: range,
           first_ip: int, campaigns: tuple[int, ...] = (-1,)) -> dict[str, np.ndarray]:
    """``n`` messages, one per bot, from bots in ``networks`` (the first the most
    common, as botnets' bots crowd into a few large providers), on ``campaigns``."""
    weight = 1.0 / np.arange(1, len(networks) + 1)
    return {"ip": np.arange(first_ip, first_ip + n),
            "network": rng.choice(networks, n, p=weight / weight.sum()),
            "day": rng.choice(np.array(days), n), "campaign": rng.choice(campaigns, n)}


def _join(*classes: dict[str, np.ndarray], family: list[int] | None = None,
          candidates: list[bool] | None = None, rules: SiblingRules | None = None
          ) -> np.ndarray:
    labels = np.repeat(np.arange(len(classes)), [len(c["ip"]) for c in classes])
    cat = {k: np.concatenate([c[k] for c in classes]) for k in classes[0]}
    n = len(classes)
    fam = np.array(family if family is not None else [-1] * n)
    cand = np.array(candidates if candidates is not None else [True] * n)
    out = join_siblings(labels, cand, fam, cat["ip"], np.ones(len(labels), dtype=bool),
                        cat["network"], cat["day"], cat["campaign"], rules)
    return np.array([out[labels == c][0] for c in range(n)])


def test_two_dialects_of_one_botnet_are_one_class():
    rng = np.random.default_rng(1)
    nets = np.arange(0, 30)
    a = _class(rng, 2000, nets, range(0, 90), 0)
    b = _class(rng, 1100, nets, range(0, 90), 10_000)
    other = _class(rng, 3000, np.arange(20, 50), range(0, 90), 20_000)
    out = _join(a, b, other)
    assert out[0] == out[1] == 0, "the larger class's label"
    assert out[2] == 2


def test_a_class_holding_a_tenth_of_another_botnets_mail_still_joins_its_sibling():
    rng = np.random.default_rng(6)
    nets = np.arange(0, 30)
    a = _class(rng, 8000, nets, range(0, 90), 0)
    own = _class(rng, 3700, nets, range(0, 90), 10_000)
    strays = _class(rng, 300, np.arange(60, 90), range(0, 90), 50_000)
    b = {k: np.concatenate([own[k], strays[k]]) for k in own}
    other = _class(rng, 9000, np.arange(60, 90), range(0, 90), 60_000)
    assert list(_join(a, b, other)) == [0, 0, 2]
    assert list(_join(a, b, other, rules=SiblingRules(network_tolerance=0.0))) == [0, 1, 2]


def test_botnets_whose_networks_differ_stay_apart_even_when_chance_is_large():
    rng = np.random.default_rng(2)
    # a small class crowding into the other end of the same networks: within twice what
    # chance gives 15 bots, but farther apart than max_tv
    a = _class(rng, 4000, np.arange(0, 30), range(0, 90), 0)
    b = _class(rng, 15, np.arange(30, 0, -1) % 30, range(0, 90), 10_000)
    assert list(_join(a, b)) == [0, 1]
    assert list(_join(a, b, rules=SiblingRules(max_tv=1.0))) == [0, 0], \
        "15 bots: chance alone cannot tell"


def test_a_class_that_sends_after_the_other_stopped_is_not_a_sibling():
    rng = np.random.default_rng(3)
    nets = np.arange(0, 30)
    before = _class(rng, 2000, nets, range(0, 45), 0)
    after = _class(rng, 2000, nets, range(45, 90), 10_000)
    assert list(_join(before, after)) == [0, 1]


def test_names_are_never_mixed():
    rng = np.random.default_rng(4)
    nets = np.arange(0, 30)
    a = _class(rng, 2000, nets, range(0, 90), 0)
    b = _class(rng, 1000, nets, range(0, 90), 10_000)
    assert list(_join(a, b, family=[0, 1])) == [0, 1], "two families' signatures"
    assert list(_join(a, b, family=[0, -1])) == [0, 1], "a named and an unnamed class"
    assert list(_join(a, b, family=[0, 0])) == [0, 0]


def test_only_candidate_classes_are_joined():
    rng = np.random.default_rng(5)
    nets = np.arange(0, 30)
    a = _class(rng, 2000, nets, range(0, 90), 0)
    b = _class(rng, 1000, nets, range(0, 90), 10_000)
    assert list(_join(a, b, candidates=[True, False])) == [0, 1]


def test_a_few_hundred_bots_on_the_larger_class_s_main_campaigns_join_it():
    rng = np.random.default_rng(6)
    nets = np.arange(0, 200)
    big = _class(rng, 3000, nets, range(0, 90), 0, campaigns=(1, 2))
    # 120 bots show their networks only to about 0.2: beyond max_tv, within chance
    few = _class(rng, 120, nets, range(0, 90), 10_000, campaigns=(2,))
    assert list(_join(big, few)) == [0, 0]
    elsewhere = _class(rng, 120, nets, range(0, 90), 10_000, campaigns=(7,))
    assert list(_join(big, elsewhere)) == [0, 1], "not the larger class's campaigns"


def test_a_small_class_never_links_two_larger_ones():
    rng = np.random.default_rng(7)
    a = _class(rng, 3000, np.arange(0, 30), range(0, 90), 0, campaigns=(1,))
    b = _class(rng, 3000, np.arange(10, 40), range(0, 90), 10_000, campaigns=(1,))
    # a handful of bots from both mixes: within chance of either
    small = _class(rng, 20, np.arange(0, 40), range(0, 90), 20_000, campaigns=(1,))
    out = _join(a, b, small)
    assert out[0] != out[1], "the two large classes stay apart"
    assert out[2] in (out[0], out[1])


def test_a_few_hundred_bots_that_fall_silent_with_the_larger_class_join_it():
    rng = np.random.default_rng(8)
    nets = np.arange(0, 200)
    days = [d for d in range(90) if not 30 <= d < 45]          # a two-week pause
    big = _class(rng, 3000, nets, days, 0, campaigns=(1, 2))
    # 150 bots on another campaign: networks beyond max_tv, within chance
    quiet = _class(rng, 150, nets, days, 10_000, campaigns=(7,))
    assert list(_join(big, quiet)) == [0, 0]
    busy = _class(rng, 150, nets, range(0, 90), 10_000, campaigns=(7,))
    assert list(_join(big, busy)) == [0, 1], "it went on sending through the pause"


def test_a_piece_of_a_botnet_split_off_by_its_networks_joins_it_through_shared_bots():
    rng = np.random.default_rng(9)
    big = _class(rng, 3000, np.arange(0, 40), range(0, 90), 0, campaigns=(1, 2))
    # the same botnet's mail in its second header template, from the bots of networks
    # 30-39 only: the networks differ by construction, yet 40% of its bots also sent
    # big's mail, on big's campaigns
    piece = _class(rng, 300, np.arange(39, 29, -1), range(0, 90), 10_000, campaigns=(1, 2))
    piece["ip"][:120] = big["ip"][np.isin(big["network"], np.arange(30, 40))][:120]
    assert list(_join(big, piece)) == [0, 0]
    # another botnet in those networks: a few of its IPs seen in big's mail (reassigned
    # addresses, shared gateways) do not make it a sibling
    other = _class(rng, 300, np.arange(39, 29, -1), range(0, 90), 10_000, campaigns=(1, 2))
    other["ip"][:8] = piece["ip"][:8]
    assert list(_join(big, other)) == [0, 1]
    assert list(_join(big, piece, rules=SiblingRules(min_shared_bots=0.5))) == [0, 1]


def test_a_botnet_whose_piece_sits_in_a_larger_class_is_not_its_sibling():
    rng = np.random.default_rng(10)
    # big holds, beside its own mail, a tenth of another botnet's mail (a look-alike
    # template): that botnet's bots sent mail in both classes, but on its own campaigns
    own = _class(rng, 3000, np.arange(0, 40), range(0, 90), 0, campaigns=(1, 2))
    other = _class(rng, 900, np.arange(39, 29, -1), range(0, 90), 10_000, campaigns=(5, 6))
    stray = {k: v[:100].copy() for k, v in other.items()}
    big = {k: np.concatenate([own[k], stray[k]]) for k in own}
    rest = {k: v[100:] for k, v in other.items()}
    rest["ip"][:300] = stray["ip"].repeat(3)
    assert list(_join(big, rest)) == [0, 1]


def test_a_piece_in_other_networks_on_the_main_campaigns_that_pauses_with_it_joins():
    rng = np.random.default_rng(11)
    days = [d for d in range(90) if not 20 <= d < 36]          # a Christmas pause
    big = _class(rng, 4000, np.arange(0, 40), days, 0, campaigns=(1, 2, 3))
    # the bots of one software version, infected elsewhere: other networks, no bot
    # shared, the same campaigns and the same pause
    piece = _class(rng, 1500, np.arange(40, 60), days, 10_000, campaigns=(1, 2, 3))
    assert list(_join(big, piece)) == [0, 0]
    # a botnet in those networks on the same affiliate's campaigns, pausing on its own
    own = [d for d in range(90) if not 50 <= d < 60]
    other = _class(rng, 1500, np.arange(40, 60), own, 10_000, campaigns=(1, 2, 3))
    assert list(_join(big, other)) == [0, 1]
    # and one that pauses with it but sends its own campaigns
    alike = _class(rng, 1500, np.arange(40, 60), days, 10_000, campaigns=(7,))
    assert list(_join(big, alike)) == [0, 1]


def test_a_new_botnet_whose_first_days_fall_in_the_pause_did_not_pause_with_it():
    rng = np.random.default_rng(11)
    days = [d for d in range(90) if not 20 <= d < 36]
    big = _class(rng, 4000, np.arange(0, 40), days, 0, campaigns=(1, 2, 3))
    # on the same affiliate's campaigns, from other networks: one message on day 30, in
    # the pause, then its mail from day 36
    ramp = np.r_[np.full(1, 30), np.arange(36, 90).repeat(28)]
    new = {**_class(rng, len(ramp), np.arange(40, 60), days, 10_000, campaigns=(1, 2, 3)),
           "day": ramp}
    assert list(_join(big, new)) == [0, 1]


def test_an_unnamed_piece_joins_a_named_botnet_only_on_both_signs():
    rng = np.random.default_rng(12)
    days = [d for d in range(90) if not 20 <= d < 36]
    named = _class(rng, 4000, np.arange(0, 40), days, 0, campaigns=(1, 2, 3))
    # its mail in a template variant its signatures miss: its campaigns, its pause
    variant = _class(rng, 90, np.arange(0, 40), days, 10_000, campaigns=(1,))
    assert list(_join(named, variant, family=[0, -1])) == [0, 0]
    # the same networks and campaigns without the pause, or the pause without them
    busy = _class(rng, 90, np.arange(0, 40), range(90), 10_000, campaigns=(1,))
    assert list(_join(named, busy, family=[0, -1])) == [0, 1]
    own = _class(rng, 90, np.arange(0, 40), days, 10_000, campaigns=(7,))
    assert list(_join(named, own, family=[0, -1])) == [0, 1]



def test_a_named_piece_joins_the_unnamed_botnet_whose_networks_and_campaigns_it_shares():
    # a botnet running a known family's program on some of its bots: the piece its
    # signatures name sends from the botnet's networks on its main campaigns; the name is
    # then decided on the joined class (``naming``)
    rng = np.random.default_rng(13)
    botnet = _class(rng, 4000, np.arange(0, 40), range(90), 0, campaigns=(1, 2, 3))
    piece = _class(rng, 900, np.arange(0, 40), range(90), 10_000, campaigns=(1, 2))
    assert list(_join(piece, botnet, family=[0, -1])) == [1, 1]
    # on campaigns of its own, or from other networks, it stays the family's
    own = _class(rng, 900, np.arange(0, 40), range(90), 10_000, campaigns=(7,))
    assert list(_join(own, botnet, family=[0, -1])) == [0, 1]
    elsewhere = _class(rng, 900, np.arange(40, 80), range(90), 10_000, campaigns=(1, 2))
    assert list(_join(elsewhere, botnet, family=[0, -1])) == [0, 1]


def test_mail_in_no_campaign_neither_helps_nor_hinders_the_campaign_sign():
    # a botnet whose text varies too much for content groups leaves most of its mail in
    # no campaign; the piece still mostly sends its campaigns where it sends one
    rng = np.random.default_rng(14)
    botnet = _class(rng, 4000, np.arange(0, 40), range(90), 0, campaigns=(1, 2, -1, -1, -1))
    piece = _class(rng, 900, np.arange(0, 40), range(90), 10_000, campaigns=(1, -1, -1))
    assert list(_join(piece, botnet, family=[0, -1])) == [1, 1]
    # its few campaign messages on campaigns of its own keep it apart
    own = _class(rng, 900, np.arange(0, 40), range(90), 10_000, campaigns=(7, -1, -1))
    assert list(_join(own, botnet, family=[0, -1])) == [0, 1]
    # and so does too little campaign mail to tell: under a fifth of its mail
    rare = _class(rng, 900, np.arange(0, 40), range(90), 10_000,
                  campaigns=(1,) + (-1,) * 9)
    assert list(_join(rare, botnet, family=[0, -1])) == [0, 1]
