"""Classes of one botnet that discovery kept apart.

Discovery joins classes that differ in one trait group. A botnet whose bots speak two
SMTP dialects, and whose Message-ID host follows the HELO, differs between its two
dialects in two groups (dialect and header), so it is found as two classes; yet the two
send on the same days from the same bots' networks. The bots of different botnets sit
in different networks: between any two botnets of the simulated worlds the networks of
their senders are at least 0.19 apart in total variation distance, ten times what
chance gives, while the two classes of one botnet are within twice what chance gives.

Two botnet-like classes are joined when the networks of their senders (counted once per
sender IP) are within twice what chance gives two samples of their sizes from one mix
(``_shift.within``, widened for the larger sample's own noise), or within
``network_tolerance`` (a class that also holds a tenth of another botnet's mail differs
from its sibling by about that much; half the smallest distance between two botnets),
and either within
``max_tv`` or the smaller class mostly sends the larger one's main campaigns (each at
least ``main_campaign`` of its mail: a few hundred bots cannot show their networks to
better than about 0.2) or falls silent on the days the larger one does (a pause of the
whole botnet, ``_silent_together``), or when many of the smaller class's senders
(at least ``min_shared_bots`` of its IPs, and ``min_shared_ips``) also sent the larger
one's mail and its campaigns are mostly ones the larger class sends more of: the same
machines on the same work. Discovery weighs the sender's network too, so a botnet's mail in one
software can split by network between two classes, whose networks then differ by
construction while their bots are shared; at the default sample, between different
botnets of the simulated worlds at most 3% of a class's IPs are shared, between such
pieces of one botnet 16-79%. In all cases the smaller class sends at least
``min_overlap`` of its mail on days the larger one sends too (a botnet that replaces
another is a continuation or a new botnet, see ``onset``, not a sibling). Classes that
different families' signatures name are never joined. A smaller unnamed class joins a
named one only on the strongest evidence, both signs below: a botnet's mail in a template
variant its signatures miss (at half the default sample, 93 of Rustock's messages with
shuffled header fields) would otherwise be reported as a botnet of its own that pauses
with it. A smaller named class joins an unnamed one when it sends from the same networks
and mostly the larger one's main campaigns: a botnet that runs a known family's program on
some of its bots (in one simulated world, 30% of an invented botnet's bots ran Cutwail's,
and that piece was reported as Cutwail in a world without Cutwail). The joined class is
then named by the share of its mail each family's signatures match, as any class is
(``naming``), so a family keeps its name only where its signatures match most of the mail.
"Mostly" counts the smaller class's mail in campaigns only: a botnet whose text varies too
much for content groups leaves most of its mail in none (in one simulated world, 63% of
a piece's mail), which says nothing either way; at least ``min_campaign_mail`` of its
mail must be in one. Work: one pass per class, then a test per pair of classes over
their networks.

Networks may also differ when both other signs hold together: the smaller class mostly
sends the larger one's main campaigns *and* falls silent when the larger one pauses. A
botnet's bots of one software version can sit in other networks than the rest (its
infection waves reached other countries: 0.25 and 0.69 apart in one simulated world),
yet they send its campaigns and obey its pauses; two botnets that share an affiliate's
campaigns pause on their own days.

Shared bots alone are not enough. A class that holds a piece of another botnet's mail
(a look-alike template) shares that botnet's bots as well, the more so the more mail
each bot sends; at ten times the default sample 28% of one botnet's IPs had mail in such
a class. Campaigns tell the two apart: a piece of a botnet sends its botnet's campaigns,
which the larger class sends more of, while a botnet that only shares bots with the
larger class sends its own campaigns, of which the larger class holds only its strays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute._shift import value_shift, within
from spamintel.attribute.onset import on_main_campaigns
from spamintel.attribute.split import per_sender


@dataclass(frozen=True)
class SiblingRules:
    """When two classes are one botnet's (see module doc)."""

    max_tv: float = 0.15
    network_tolerance: float = 0.1
    min_overlap: float = 0.8
    main_campaign: float = 0.05
    min_campaign_mail: float = 0.2
    min_silent_expected: float = 10.0
    max_silent_ratio: float = 0.1
    min_silent_days: int = 3
    min_shared_bots: float = 0.1
    min_shared_ips: int = 10


@dataclass(frozen=True)
class _Class:
    """One class's rows, its senders' IPs and their networks (one per IP), its mail per
    day and its campaigns."""

    rows: np.ndarray
    ips: np.ndarray
    networks: np.ndarray
    per_day: np.ndarray
    campaigns: np.ndarray


def _describe(rows: np.ndarray, ip: np.ndarray, has_ip: np.ndarray, network: np.ndarray,
              day: np.ndarray, campaign: np.ndarray, span: int) -> _Class:
    sent = rows[has_ip[rows]]
    return _Class(rows, np.unique(ip[sent]), per_sender(sent, ip, network),
                  np.bincount(day[rows], minlength=span), campaign[rows])


def _pauses_within(x: np.ndarray, mine: np.ndarray, min_days: int) -> np.ndarray:
    """Mask of the days of ``x`` in runs of zeros at least ``min_days`` long that ``mine``
    was already sending into: with mail of its own in the ``min_days`` days before the
    run. A sender that begins while the other is paused has no pause of its own to share
    (its first, small days are its ramp)."""
    zero = np.r_[False, x == 0, False].astype(np.int8)
    edges = np.flatnonzero(np.diff(zero))
    out = np.zeros(len(x), dtype=bool)
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        out[start:stop] = (stop - start >= min_days
                           and mine[max(start - min_days, 0):start].sum() > 0)
    return out


def _silent_together(small: _Class, big: _Class, rules: SiblingRules) -> bool:
    """Whether ``small`` falls silent when ``big`` pauses (runs of at least
    ``min_silent_days`` days without its mail, between its first and last messages,
    within ``small``'s span and after ``small`` had begun, ``_pauses_within``): at its
    rate on ``big``'s other days it would have sent at least ``min_silent_expected``
    messages then, and sent under ``max_silent_ratio`` of that. Bots of one botnet stop
    and resume on their controller's orders, together."""
    active = np.flatnonzero(small.per_day)
    sending = np.flatnonzero(big.per_day)
    inside = np.zeros(len(big.per_day), dtype=bool)
    inside[sending[0]:sending[-1]] = True
    span = slice(active[0], active[-1] + 1)
    mine = small.per_day[span]
    silent = _pauses_within(big.per_day[span], mine, rules.min_silent_days) & inside[span]
    if silent.all() or not silent.any():
        return False
    expected = mine[~silent].sum() / np.count_nonzero(~silent) * np.count_nonzero(silent)
    return bool(expected >= rules.min_silent_expected
                and mine[silent].sum() <= rules.max_silent_ratio * expected)


def _share_bots(small: _Class, big: _Class, rules: SiblingRules) -> bool:
    """Whether at least ``min_shared_bots`` of ``small``'s sender IPs, and at least
    ``min_shared_ips`` of them, also sent ``big``'s mail: the same machines."""
    shared = np.count_nonzero(np.isin(small.ips, big.ips, assume_unique=True))
    return bool(shared >= max(rules.min_shared_bots * len(small.ips), rules.min_shared_ips))


def _on_larger_campaigns(small: _Class, big: _Class) -> bool:
    """Whether at least half of ``small``'s mail that belongs to a campaign belongs to
    campaigns ``big`` sends more of than ``small`` does (true when none does: nothing
    then speaks against the shared bots)."""
    mine = small.campaigns[small.campaigns >= 0]
    if len(mine) == 0:
        return True
    values, counts = np.unique(mine, return_counts=True)
    theirs = np.unique(big.campaigns[np.isin(big.campaigns, values)], return_counts=True)
    larger = theirs[0][theirs[1] >= counts[np.searchsorted(values, theirs[0])]]
    return bool(np.isin(mine, larger).mean() >= 0.5)


def _mostly_on_main(small: _Class, big: _Class, rules: SiblingRules) -> bool:
    """Whether most of ``small``'s campaign mail is on ``big``'s main campaigns. Mail in no
    campaign says nothing either way (a botnet whose text varies too much for content
    groups leaves most of its mail outside campaigns), but at least ``min_campaign_mail``
    of ``small``'s mail must be in one."""
    labelled = small.campaigns[small.campaigns >= 0]
    if len(labelled) < rules.min_campaign_mail * len(small.campaigns):
        return False
    return on_main_campaigns(labelled, big.campaigns, rules.main_campaign)


def _distance(small: _Class, big: _Class, k: int, rules: SiblingRules,
              join: str = "same") -> float | None:
    """How far apart the networks of ``small`` and the larger ``big`` are (total variation
    distance), when the two are siblings (see module doc); None otherwise. ``join``:
    ``same`` (both unnamed, or named after one family), ``into_named`` (an unnamed
    ``small`` joining a named ``big``: both signs), ``from_named`` (a named ``small``
    joining an unnamed ``big``: the same networks and ``big``'s main campaigns)."""
    if len(small.networks) == 0 or len(big.networks) == 0:
        return None
    if small.per_day[big.per_day > 0].sum() < rules.min_overlap * len(small.rows):
        return None
    tv, chance = value_shift(small.networks, big.networks, k)
    both = chance * np.sqrt(1.0 + len(small.networks) / len(big.networks))
    main = _mostly_on_main(small, big, rules)
    silent = _silent_together(small, big, rules)
    if main and silent:
        return tv
    if join == "into_named":
        return None
    close = within((tv, both), rules.network_tolerance)
    if join == "from_named":
        return tv if close and main else None
    if close and (tv <= rules.max_tv or main or silent):
        return tv
    return tv if _share_bots(small, big, rules) and _on_larger_campaigns(small, big) else None


def _join_kind(small: int, big: int) -> str:
    """How a class of family ``small`` may join a larger one of family ``big`` (-1:
    unnamed); see ``_distance``."""
    if small == big:
        return "same"
    return "into_named" if small < 0 else "from_named"


def join_siblings(labels: np.ndarray, candidates: np.ndarray, family: np.ndarray,
                  ip: np.ndarray, has_ip: np.ndarray, network: np.ndarray, day: np.ndarray,
                  campaign: np.ndarray, rules: SiblingRules | None = None) -> np.ndarray:
    """Labels after each sibling class (see module doc) joins the larger sibling whose
    networks are closest, and with it that one's own choice: one class never links two
    larger ones. ``candidates``: mask over classes that may be joined (the botnet-like
    ones); ``family``: per class the family whose signatures name it, -1 for none;
    ``network``: a non-negative network id per row; ``campaign``: a campaign label per
    row (-1 none)."""
    rules = rules or SiblingRules()
    classes = np.flatnonzero(candidates)
    if len(classes) < 2:
        return labels
    k = int(network.max()) + 1
    day = day - int(day.min())
    info = {int(c): _describe(np.flatnonzero(labels == c), ip, has_ip, network, day, campaign,
                              int(day.max()) + 1) for c in classes}
    order = sorted(info, key=lambda c: (len(info[c].rows), c))
    parent: dict[int, int] = {}
    for i, c in enumerate(order):
        found = [(d, b) for b in order[i + 1:]
                 if family[b] == family[c] or min(family[b], family[c]) < 0
                 if (d := _distance(info[c], info[b], k, rules,
                                    _join_kind(family[c], family[b]))) is not None]
        if found:
            parent[c] = min(found)[1]
    out = labels.copy()
    for c in parent:
        root = c
        while root in parent:
            root = parent[root]
        out[labels == c] = root
    return out
