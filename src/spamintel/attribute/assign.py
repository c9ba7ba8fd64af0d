"""Per-message attribution: the family its signatures name (a unique match decides,
even on mail the classifier let through as ham;
several matching families are settled by which family's uniquely matched mail it
resembles most; in an ``unknown-<n>`` cluster that shares a family's software the
cluster competes too, see ``contest``), else the name of its sender cluster,
else a clear vote of the other messages from its IP; the rest is not attributed to any
botnet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spamintel.attribute.contest import contest
from spamintel.attribute.discovery import profiles
from spamintel.attribute.naming import Clusters
from spamintel.attribute.propagate import propagate
from spamintel.attribute.resolve import FamilyMatches

CONTEXT_COLUMNS = [2, 3, 4, 5]


@dataclass(frozen=True)
class Assignment:
    """Row-aligned botnet name (None = none), confidence (NaN = none), method, and the
    botnet as an index into ``vocab`` (-1 = none)."""

    botnet: np.ndarray
    confidence: np.ndarray
    method: np.ndarray
    index: np.ndarray
    vocab: list[str]


def _family_scores(x: np.ndarray, unique_fam: np.ndarray, n_fam: int, cards: list[int]
                   ) -> np.ndarray:
    """log-likelihood of every row under each family's profile (from unique matches)."""
    prof = profiles(x, unique_fam, np.ones(len(x)), n_fam, cards)
    out = np.zeros((len(x), n_fam))
    for j, p in enumerate(prof):
        out += np.log(p[x[:, j]])
    return out


def pattern_log_priors(scores: np.ndarray, candidates: np.ndarray, rounds: int = 50
                       ) -> np.ndarray:
    """Log share of each candidate family among the rows with one set of ``candidates``,
    estimated by EM from the rows' log-likelihoods ``scores`` (rows × families; 0 where a
    family is no candidate). Without it a small family whose mail is concentrated in few
    networks and campaigns wins rows of a large family that shares its signatures only
    because each of its values is a larger share of its own, smaller mail."""
    out = np.zeros_like(scores)
    if len(scores) == 0:
        return out
    _, pattern, sizes = np.unique(candidates, axis=0, return_inverse=True, return_counts=True)
    by_pattern = np.split(np.argsort(pattern.ravel(), kind="stable"), np.cumsum(sizes)[:-1])
    for rows in by_pattern:
        cand = candidates[rows[0]]
        if cand.sum() < 2:
            continue
        s = scores[np.ix_(rows, np.flatnonzero(cand))]
        share = np.full(s.shape[1], 1.0 / s.shape[1])
        for _ in range(rounds):
            z = s + np.log(share)
            w = np.exp(z - z.max(axis=1, keepdims=True))
            share = np.maximum((w / w.sum(axis=1, keepdims=True)).mean(axis=0), 1e-6)
            share /= share.sum()
        out[np.ix_(rows, np.flatnonzero(cand))] = np.log(share)
    return out


def resolve_rows(x: np.ndarray, mask: np.ndarray, context: list[int], class_family: np.ndarray,
                 class_weight: float = 2.0) -> np.ndarray:
    """Family index per row from its signatures (-1 = none matched): a unique match
    decides; among several, the candidate whose uniquely matched mail the row resembles
    most in the ``context`` feature columns (recipients, networks, content, domain: the columns
    the signatures test cannot tell the candidates apart), with ``class_weight`` nats in
    favour of the family its sender cluster is named after (``class_family``, -1 none).
    A candidate with no uniquely matched mail has no profile to resemble and takes no
    part; when no candidate has any, the cluster's family decides if it is one of them."""
    fam = np.full(len(x), -1, dtype=np.int64)
    if mask.shape[1] == 0:
        return fam
    count = mask.sum(axis=1)
    fam[count == 1] = mask[count == 1].argmax(axis=1)
    multi = np.flatnonzero(count > 1)
    if len(multi):
        sub = x[:, context]
        cards = [int(sub[:, j].max()) + 1 for j in range(sub.shape[1])]
        scores = _family_scores(sub, fam, mask.shape[1], cards)[multi]
        own = class_family[multi]
        scores[own >= 0, own[own >= 0]] += class_weight
        known = mask[multi] & (np.bincount(fam[fam >= 0], minlength=mask.shape[1]) > 0)
        scores += pattern_log_priors(scores, known)
        best = np.where(known, scores, -np.inf).argmax(axis=1)
        own_ok = (own >= 0) & mask[multi, np.maximum(own, 0)]
        fam[multi] = np.where(known.any(axis=1), best, np.where(own_ok, own, -1))
    return fam


def assign(clusters: Clusters, matches: FamilyMatches, x: np.ndarray, ip: np.ndarray,
           spam: np.ndarray, cluster_confidence: float) -> Assignment:
    """Combine signature evidence, cluster names and the IP vote into one answer per row."""
    n = len(spam)
    vocab = sorted({v for v in clusters.names if v is not None} | set(matches.families))
    lookup = np.array([vocab.index(v) if v is not None else -1 for v in clusters.names]
                      + [-1], dtype=np.int64)
    labels = clusters.labels
    index = lookup[np.where(labels >= 0, labels, len(clusters.names))]
    fam_pos = {f: i for i, f in enumerate(matches.families)}
    class_family = np.array([fam_pos.get(v, -1) for v in clusters.names] + [-1],
                            dtype=np.int64)[np.where(labels >= 0, labels, len(clusters.names))]
    fam = resolve_rows(x, matches.mask, CONTEXT_COLUMNS, class_family)
    open_class = np.array([v is not None and v not in fam_pos for v in clusters.names],
                          dtype=bool)
    fam = contest(x, fam, matches.mask, labels, open_class, CONTEXT_COLUMNS)
    fam[~spam & (matches.mask.sum(axis=1) != 1)] = -1
    named = fam >= 0
    by_sig = named.copy()
    by_sig[named] = matches.mask[np.flatnonzero(named), fam[named]]
    fam_vocab = np.array([vocab.index(f) for f in matches.families] + [-1], dtype=np.int64)
    index[named] = fam_vocab[fam[named]]
    conf = np.full(n, cluster_confidence, dtype=np.float32)
    conf[by_sig] = matches.confidence[np.flatnonzero(by_sig), fam[by_sig]]
    method = np.where(by_sig, "signature", np.where(index >= 0, "cluster", "none")).astype(object)
    filled, rounds = propagate([ip], index, spam, purity=0.9, min_support=2)
    moved = rounds > 0
    conf[moved], method[moved] = cluster_confidence * 0.9, "cluster"
    conf = np.where(filled >= 0, conf, np.nan).astype(np.float32)
    botnet = np.array(vocab + [None], dtype=object)[np.where(filled >= 0, filled, len(vocab))]
    return Assignment(botnet, conf, method, filled, vocab)
