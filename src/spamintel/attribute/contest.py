"""Software shared with a botnet no signature describes.

A signature describes a family's software: its SMTP dialect and header templates. When
discovery finds a botnet-like class whose mail no one family's signatures mostly match
(an ``unknown-<n>`` cluster), and some of that class's mail does match a family's signature,
then the class's botnet and the family run the same software, and the signature alone
cannot tell whose each message is. The traits the software does not fix (recipients,
networks, content, advertised domains) can: each message of such a class goes to the
candidate whose mail it resembles most in those columns. The candidates are the class
itself (profiled by its unmatched mail) and the families whose signatures match some of
the class's mail (profiled by the mail only their signature matches, as when several
families match one message); a message a signature matches may go only to the class or
to a family it matches. The class gets ``class_weight`` nats, as the sender cluster does
when families compete.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt

from spamintel.attribute.discovery import profiles


def _log_profiles(sub: np.ndarray, group: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """Per column of ``sub``, log p(value | group) (values × groups)."""
    cards = [int(sub[:, j].max()) + 1 for j in range(sub.shape[1])]
    return [np.log(p) for p in profiles(sub, group, np.ones(len(sub)), n_groups, cards)]


def _score(logp: list[np.ndarray], sub: np.ndarray, rows: np.ndarray,
           cols: np.ndarray) -> np.ndarray:
    """Summed log-likelihood of ``rows`` under groups ``cols`` (an index per row, or
    rows × groups)."""
    out = np.zeros(cols.shape)
    for j, lp in enumerate(logp):
        values = sub[rows, j]
        out += lp[values[:, None], cols] if cols.ndim == 2 else lp[values, cols]
    return out


def contest(x: np.ndarray, fam: np.ndarray, mask: np.ndarray, labels: np.ndarray,
            open_class: np.ndarray, context: list[int], class_weight: float = 2.0
            ) -> np.ndarray:
    """Settle the mail of ``open_class`` classes (per class: botnet-like, no family's
    name) that shares software with a signature family.

    ``fam`` is the family per row from the signatures (-1 none), ``mask`` the rows ×
    families signature matches, ``labels`` the class per row (-1 none). Returns the new
    family per row (-1: the row's own class, or none).
    """
    fam = fam.copy()
    n_fam = mask.shape[1]
    in_open = labels >= 0
    in_open[in_open] = open_class[labels[in_open]]
    if n_fam == 0 or not in_open.any():
        return fam
    matched = cast(npt.NDArray[np.bool_], mask.any(axis=1))  # an array: mask is 2-D
    n_cls = len(open_class)
    present = np.zeros((n_cls, n_fam), dtype=bool)
    np.logical_or.at(present, labels[in_open], mask[in_open])
    rows = np.flatnonzero(in_open & (matched | present[np.maximum(labels, 0)].any(axis=1)))
    if len(rows) == 0:
        return fam
    group = np.full(len(fam), -1, dtype=np.int64)
    unique = mask.sum(axis=1) == 1
    group[unique] = mask[unique].argmax(axis=1)
    slot = n_fam + np.cumsum(open_class) - 1      # profile column of each open class
    group[in_open & ~matched] = slot[labels[in_open & ~matched]]
    sub = x[:, context]
    cand = np.where(matched[rows, None], mask[rows], present[labels[rows]])
    logp = _log_profiles(sub, group, n_fam + int(open_class.sum()))
    fam_ll = _score(logp, sub, rows, np.broadcast_to(np.arange(n_fam), (len(rows), n_fam)))
    cls_ll = _score(logp, sub, rows, slot[labels[rows]])
    fam_ll = np.where(cand, fam_ll, -np.inf)
    best = fam_ll.argmax(axis=1)
    to_class = cls_ll + class_weight >= fam_ll[np.arange(len(rows)), best]
    fam[rows] = np.where(to_class, -1, best)
    return fam
