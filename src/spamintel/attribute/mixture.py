"""Latent class model: a mixture of independent categorical distributions fitted by EM.

A botnet is modelled as one class: each of its bots speaks one SMTP dialect, each
message picks a header template, a campaign and a recipient count, and its bots sit in
the networks of its country mix. Given the class these choices are independent, so the
likelihood of a message is the product of one categorical probability per feature. EM
runs over the distinct feature tuples weighted by their counts, so its cost grows with
the variety of the mail, not its volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class Fit:
    """A fitted mixture: responsibilities of each tuple and the model parameters."""

    resp: np.ndarray
    log_prior: np.ndarray
    log_theta: list[np.ndarray]
    loglik: float


def unique_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of an int matrix: (rows, counts, inverse) via one 64-bit row hash."""
    key = np.zeros(len(x), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(x.shape[1]):
            key = (key ^ x[:, j].astype(np.uint64)) * _MIX + np.uint64(j + 1)
    _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True,
                                          return_counts=True)
    return x[first], counts.astype(np.float64), inverse


def one_hots(x: np.ndarray, cards: list[int]) -> list[csr_matrix]:
    """Per feature, the tuples × values indicator matrix (built once per fit)."""
    rows = np.arange(len(x))
    ones = np.ones(len(x))
    return [csr_matrix((ones, (rows, x[:, j])), shape=(len(x), card))
            for j, card in enumerate(cards)]


def _m_step(hots: list[csr_matrix], w: np.ndarray, resp: np.ndarray, cards: list[int],
            alpha: float) -> tuple[np.ndarray, list[np.ndarray]]:
    rw = resp * w[:, None]
    mass = rw.sum(axis=0)
    log_prior = np.log(np.maximum(mass, 1e-12) / max(mass.sum(), 1e-12))
    thetas = []
    for hot, card in zip(hots, cards, strict=True):
        counts = np.asarray(hot.T @ rw)
        thetas.append(np.log((counts + alpha) / (mass[None, :] + alpha * card)))
    return log_prior, thetas


def log_joint(x: np.ndarray, log_prior: np.ndarray, thetas: list[np.ndarray]) -> np.ndarray:
    """log p(tuple, class) for every tuple and class."""
    out = np.tile(log_prior, (len(x), 1))
    for j, theta in enumerate(thetas):
        out += theta[x[:, j]]
    return out


def em(x: np.ndarray, w: np.ndarray, resp: np.ndarray, cards: list[int], *,
       allowed: np.ndarray | None = None, bias: np.ndarray | None = None,
       iters: int = 60, alpha: float = 0.1, tol: float = 1e-6) -> Fit:
    """Fit by EM from initial responsibilities ``resp`` (tuples × classes).

    ``allowed`` (same shape, bool) restricts which classes a tuple may belong to;
    ``bias`` (same shape) is added to the log-likelihoods: prior evidence per tuple,
    such as a signature naming a family.
    """
    resp = resp.copy()
    prev = -np.inf
    hots = one_hots(x, cards)
    log_prior, thetas = _m_step(hots, w, resp, cards, alpha)
    for _ in range(iters):
        lj = log_joint(x, log_prior, thetas)
        if bias is not None:
            lj += bias
        if allowed is not None:
            lj = np.where(allowed, lj, -np.inf)
        top = lj.max(axis=1, keepdims=True)
        top = np.where(np.isfinite(top), top, 0.0)
        post = np.exp(lj - top)
        norm = post.sum(axis=1, keepdims=True)
        loglik = float((w * (np.log(np.maximum(norm[:, 0], 1e-300)) + top[:, 0])).sum())
        resp = post / np.maximum(norm, 1e-300)
        log_prior, thetas = _m_step(hots, w, resp, cards, alpha)
        if loglik - prev < tol * abs(loglik):
            break
        prev = loglik
    return Fit(resp, log_prior, thetas, loglik)


def farthest_seeds(x: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Deterministic k-means++-like seeds: the heaviest tuple, then repeatedly the tuple
    with the largest weight × Hamming distance to the seeds chosen so far."""
    seeds = [int(np.argmax(w))]
    dist = (x != x[seeds[0]]).sum(axis=1).astype(np.float64)
    for _ in range(1, min(k, len(x))):
        score = np.sqrt(w) * dist
        nxt = int(np.argmax(score))
        if score[nxt] <= 0:
            break
        seeds.append(nxt)
        dist = np.minimum(dist, (x != x[nxt]).sum(axis=1))
    return np.array(seeds, dtype=np.int64)


def hard_init(x: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """One-hot responsibilities: each tuple to its nearest seed (Hamming distance)."""
    dist = np.stack([(x != x[s]).sum(axis=1) for s in seeds], axis=1)
    resp = np.zeros((len(x), len(seeds)))
    resp[np.arange(len(x)), dist.argmin(axis=1)] = 1.0
    return resp
