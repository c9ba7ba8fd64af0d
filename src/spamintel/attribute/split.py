"""Classes that hold two sender populations.

The latent class model assumes a botnet's traits are independent given the botnet: each
bot speaks one of its botnet's dialects whatever network it sits in, so the mail of each
dialect of a class comes from the same mix of networks as the rest of the class, up to
sampling noise. EM from a few dozen seeds can still leave a second population in a class
when both share a header template, or both share dialects (no seed started a class of
its own for it); there the other trait tells the networks: the mail of one dialect (or
one header template) comes from networks the class's main population hardly uses. Such
mail is split off as a class of its own when it holds at least ``min_messages``
messages and the networks of its senders differ from those of the senders of the
class's most common value by a total variation distance of at least ``min_shift`` and
twice what a sample of its size drawn from them would show by chance. The most common
value's mail is the yardstick, not the rest of the class: when the second population
speaks two dialects, the rest holds the other one, whose networks are its own and would
hide the shift. Networks are counted once per sender IP (a bot sends several messages
from one network, so the sample is the bots, not their mail). The class's most common
value stays. Discovery runs the split on dialects, then on header templates. Split-off
classes then join any class they agree with on every trait group but one (the discovery
merge rule, see ``discovery.merge_groups``): another dialect of their own botnet.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import connected_components

from spamintel.attribute._shift import beyond, value_shift
from spamintel.attribute.discovery import profile_distance, profiles


def per_sender(rows: np.ndarray, ip: np.ndarray, network: np.ndarray) -> np.ndarray:
    """The network of each distinct sender IP among ``rows``."""
    return network[rows[np.unique(ip[rows], return_index=True)[1]]]


def network_shift(mine: np.ndarray, rest: np.ndarray, ip: np.ndarray,
                  network: np.ndarray) -> tuple[float, float]:
    """Total variation distance between the networks of the senders of rows ``mine`` and
    those of ``rest``, and what a sample of ``mine``'s size drawn from ``rest`` shows by
    chance (its expected value)."""
    return value_shift(per_sender(mine, ip, network), per_sender(rest, ip, network),
                       int(network.max()) + 1)


def _other_networks(mine: np.ndarray, main: np.ndarray, ip: np.ndarray,
                    network: np.ndarray, min_shift: float) -> bool:
    """Whether the senders of rows ``mine`` sit in other networks than those of ``main``."""
    return beyond(network_shift(mine, main, ip, network), min_shift)


def split_populations(labels: np.ndarray, trait: np.ndarray, ip: np.ndarray,
                      network: np.ndarray, min_messages: int, min_shift: float = 0.5
                      ) -> tuple[np.ndarray, np.ndarray]:
    """New labels (split-off pieces get fresh labels) and the labels that are new;
    ``trait`` is the dialect or header template per row."""
    out = labels.copy()
    nxt = int(labels.max()) + 1 if len(labels) else 0
    first = nxt
    for c in np.unique(labels[labels >= 0]):
        rows = np.flatnonzero(labels == c)
        values, counts = np.unique(trait[rows], return_counts=True)
        top = values[np.argmax(counts)]
        for v, n in zip(values, counts, strict=True):
            if v == top or n < min_messages:
                continue
            mine = trait[rows] == v
            if _other_networks(rows[mine], rows[trait[rows] == top], ip, network, min_shift):
                out[rows[mine]] = nxt
                nxt += 1
    return out, np.arange(first, nxt)


def join_pieces(labels: np.ndarray, x: np.ndarray, new: np.ndarray, tau: float
                ) -> np.ndarray:
    """Labels after each split-off class joins the classes it is closer than ``tau`` to
    (``discovery.profile_distance`` over the columns of ``x``); dense 0..n-1."""
    ok = labels >= 0
    if len(new) == 0 or not ok.any():
        return labels
    n = int(labels.max()) + 1
    cards = [int(x[:, j].max()) + 1 for j in range(x.shape[1])]
    prof = profiles(x, labels, np.ones(len(labels)), n, cards)
    close = profile_distance(prof, prof) < tau
    involved = np.zeros(n, dtype=bool)
    involved[new] = True
    close &= (involved[:, None] | involved[None, :]) & ~np.eye(n, dtype=bool)
    group = connected_components(close, directed=False)[1]
    out = labels.copy()
    out[ok] = np.unique(group[labels[ok]], return_inverse=True)[1]
    return out
