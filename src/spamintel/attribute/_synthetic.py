"""Synthetic event tables with known botnets and campaigns, for tests and benchmarks.

Not a simulator: rows are drawn directly at the event level (no mail bytes), so a
million events take seconds. Families differ in SMTP dialect, header order and
Message-ID shape, each with a few template variants, and in the networks their bots sit
in (each family its own 40 ASNs, 15 shared with the next); bots send several campaigns and
campaigns are shared between families; non-botnet senders (a webmail pool and
compromised servers, each with its own software) and ham are mixed in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

from spamintel.model import EVENT_SCHEMA

_HELO = ("bare_ip", "random_word", "fqdn", "bracketed_ip", "isp_name")


@dataclass(frozen=True)
class SyntheticTruth:
    """Ground truth of a synthetic table, row-aligned."""

    botnet: np.ndarray
    campaign: np.ndarray


def _family_templates(rng: np.random.Generator, f: int, variants: int) -> list[dict]:
    dialect = {"helo_form": _HELO[f % len(_HELO)], "pipelining": bool(f % 2),
               "helo_shape": f"HELO {{{_HELO[f % len(_HELO)]}}}",
               "mail_shape": "MAIL FROM:" + " " * (f % 3) + f"<a>{' SIZE=N' * (f // 3)}",
               "line_ending": "lf" if f % 2 else "crlf", "prelude": "HELO"}
    return [{"smtp_dialect": json.dumps(dialect, sort_keys=True),
             "smtp_dialect_fp": f"d{f:03d}",
             "header_order_fp": f"h{f:03d}{v:02d}",
             "message_id_shape": f"<D{8 + f}.X{4 + v}@H>",
             "date_shape": "Www, N Mmm D4 N:N:N +D4" if f % 2 else "N Mmm D4 N:N:N +D4",
             "x_mailer": f"Microsoft Outlook Express 6.00.{2800 + f}" if f % 3 else None}
            for v in range(variants)]


def synthetic_events(n: int, *, families: int = 5, bots: int = 2000, campaigns: int = 40,
                     days: int = 30, nonbotnet_share: float = 0.15, ham_share: float = 0.05,
                     seed: int = 7, start: date = date(2011, 3, 1)
                     ) -> tuple[pa.Table, SyntheticTruth]:
    """``n`` events with ``EVENT_SCHEMA`` and their truth (botnet per row, campaign)."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(3, size=n, p=[1 - nonbotnet_share - ham_share, nonbotnet_share,
                                    ham_share])
    fam = rng.integers(0, families, size=n)
    templates = [_family_templates(rng, f, 3) for f in range(families)]
    variant = rng.integers(0, 3, size=n)
    bot = rng.integers(0, bots, size=n)
    camp = (fam * 7 + rng.integers(0, 8, size=n)) % campaigns
    relay = rng.integers(0, 300, size=n)
    cols = _template_columns(kind, fam, variant, relay, templates)
    ips = np.where(kind == 0, [f"10.{f}.{b // 250}.{b % 250 + 1}" for f, b in zip(fam, bot,
                                                                                   strict=True)],
                   [f"172.16.{r // 250}.{r % 250 + 1}" for r in relay])
    camp = np.where(kind == 2, campaigns + relay, camp)
    truth = np.where(kind == 0, np.char.add("fam", fam.astype(str)),
                     np.where(kind == 1, "nonbotnet", "legit")).astype(object)
    minhash = _minhashes(rng, camp, campaigns + 300)
    offsets = np.sort(rng.random(n)) * days * 86400
    when = [datetime(start.year, start.month, start.day, tzinfo=UTC) + timedelta(seconds=s)
            for s in offsets]
    sha = [hashlib.sha256(f"{seed}:{i}".encode()).hexdigest() for i in range(n)]
    data = {**cols, "event_id": [s[:32] for s in sha], "msg_sha256": sha, "observed_at": when,
            "day": [w.date() for w in when], "client_ip": ips.tolist(),
            "client_asn": np.where(kind == 0, 1000 + 25 * fam + bot % 40, 64500 + relay % 3),
            "label": np.where(kind == 2, "ham", "spam").tolist(),
            "rcpt_count": np.where(kind == 0, 1 + fam % 4, 1).astype(np.int32),
            "subject": [f"offer {c}" for c in camp], "subject_shape": [f"offer #{c % 5}"
                                                                      for c in camp],
            "url_domains": [[f"shop{c}.example"] for c in camp], "body_minhash": minhash}
    table = pa.table({f.name: pa.array(data[f.name], f.type) if f.name in data
                      else pa.nulls(n, f.type) for f in EVENT_SCHEMA}, schema=EVENT_SCHEMA)
    return table, SyntheticTruth(truth, camp)


def _template_columns(kind: np.ndarray, fam: np.ndarray, variant: np.ndarray,
                      relay: np.ndarray, templates: list[list[dict]]) -> dict[str, list]:
    keys = ("smtp_dialect", "smtp_dialect_fp", "header_order_fp", "message_id_shape",
            "date_shape", "x_mailer")
    out: dict[str, list] = {k: [] for k in keys}
    for k, f, v, r in zip(kind, fam, variant, relay, strict=True):
        tpl = templates[f][v] if k == 0 else {
            "smtp_dialect": json.dumps({"helo_form": "fqdn", "helo_verb": "EHLO",
                                        "mail_shape": "MAIL FROM:<a> SIZE=N",
                                        "helo_shape": "EHLO {fqdn}", "pipelining": True}),
            "smtp_dialect_fp": f"mta{r % 4}", "header_order_fp": f"relay{r}",
            "message_id_shape": "<X16@H>", "date_shape": "Www, N Mmm D4 N:N:N +D4",
            "x_mailer": None}
        for key in keys:
            out[key].append(tpl[key])
    return out


def _minhashes(rng: np.random.Generator, camp: np.ndarray, n_camp: int) -> pa.Array:
    base = rng.integers(0, 2**32 - 1, size=(n_camp, 64), dtype=np.uint64)
    vals = base[camp]
    noise = rng.random(vals.shape) < 0.15
    vals[noise] = rng.integers(0, 2**32 - 1, size=int(noise.sum()), dtype=np.uint64)
    flat = pa.array(vals.reshape(-1).astype(np.uint32), pa.uint32())
    offsets = pa.array(np.arange(0, len(camp) * 64 + 1, 64, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, flat)
