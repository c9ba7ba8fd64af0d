"""Mail of one botnet inside another's class: same software, another operator.

Two botnets whose bots run the same SMTP software and forge the same header template
land in one discovery class (Rustock's second dialect is Festi's). Their mail stays
apart on what the software does not decide: the campaigns each operator pushes and the
networks its bots sit in. Each campaign belongs to the class that sends most of its
mail. The mail a class sends on campaigns another class owns moves to that class when

- together it holds at least ``min_messages`` messages from ``min_ips`` IPs, and less
  than half of its class's mail (a second population, not the class itself);
- its senders sit in the owner's networks (total variation distance at most twice what
  chance gives a sample of its size, or at most ``network_tolerance``: on a large
  sample chance is small, and a piece that carries some other senders' mail, or bots of
  another season, differs from its owner by a few hundredths) and not in those of the
  rest of their class (at least twice chance, and at least twice as far as from the
  owner). Networks are counted once per sender IP.

A botnet hired for a campaign that a bigger botnet also sends keeps its mail: its bots
sit in its own networks. Work: one sort of the (campaign, class) pairs, then one network
comparison per (class, owner) pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute._graph import pair_ids
from spamintel.attribute._shift import beyond, within
from spamintel.attribute.split import network_shift


@dataclass(frozen=True)
class BorrowRules:
    """How much borrowed mail a class must hold before it is moved, and how far its
    networks may stand from its owner's beyond chance (see module doc)."""

    min_messages: int = 50
    min_ips: int = 20
    network_tolerance: float = 0.1


def campaign_owners(labels: np.ndarray, campaign: np.ndarray) -> np.ndarray:
    """Per row, the class that sends most of its campaign's mail (-1: no campaign or no
    class); ties go to the lower class label."""
    ok = (labels >= 0) & (campaign >= 0)
    out = np.full(len(labels), -1, dtype=np.int64)
    if not ok.any():
        return out
    camps, cidx = np.unique(campaign[ok], return_inverse=True)
    cells, counts = np.unique(np.stack([cidx, labels[ok]], axis=1), axis=0, return_counts=True)
    order = np.lexsort((cells[:, 1], -counts, cells[:, 0]))
    cells = cells[order]
    first = np.unique(cells[:, 0], return_index=True)[1]
    owner = np.full(len(camps), -1, dtype=np.int64)
    owner[cells[first, 0]] = cells[first, 1]
    out[ok] = owner[cidx]
    return out


def move_borrowed(labels: np.ndarray, ip: np.ndarray, has_ip: np.ndarray,
                  network: np.ndarray, campaign: np.ndarray, rules: BorrowRules | None = None
                  ) -> np.ndarray:
    """Class label per row after the mail each class sends on another class's campaigns
    has moved to that class where the module doc's tests say so. ``ip`` is an integer
    key per row (valid where ``has_ip``), ``network`` a non-negative network id per row,
    ``campaign`` a campaign label per row (-1 none)."""
    rules = rules or BorrowRules()
    out = labels.copy()
    owner = campaign_owners(labels, campaign)
    borrowed = (owner >= 0) & (owner != labels)
    if not borrowed.any():
        return out
    size = np.bincount(labels[labels >= 0])
    cell, _ = pair_ids(labels[borrowed], owner[borrowed])
    rows = np.flatnonzero(borrowed)
    ip = np.where(has_ip, ip, -1)
    for c in np.unique(cell):
        mine = rows[cell == c]
        own, target = int(labels[mine[0]]), int(owner[mine[0]])
        senders = mine[has_ip[mine]]
        if len(mine) < rules.min_messages or 2 * len(mine) >= size[own] or \
                len(np.unique(ip[senders])) < rules.min_ips:
            continue
        in_rest = (labels == own) & has_ip
        in_rest[mine] = False
        rest = np.flatnonzero(in_rest)
        theirs = np.flatnonzero((labels == target) & has_ip)
        if _same_networks(senders, rest, theirs, ip, network, rules.network_tolerance):
            out[mine] = target
    return out


def _same_networks(mine: np.ndarray, rest: np.ndarray, theirs: np.ndarray, ip: np.ndarray,
                   network: np.ndarray, tolerance: float) -> bool:
    """Whether the senders of rows ``mine`` sit in the networks of rows ``theirs`` (up to
    ``tolerance``) and not in those of rows ``rest``."""
    if len(mine) == 0 or len(rest) == 0 or len(theirs) == 0:
        return False
    to_target = network_shift(mine, theirs, ip, network)
    to_rest = network_shift(mine, rest, ip, network)
    return within(to_target, tolerance) and beyond(to_rest, 0.0) and \
        to_rest[0] >= 2.0 * to_target[0]
