"""Sender features: the categorical traits that describe how a message was sent, as
hashed integer columns computed in SQL (one pass, no per-row Python).

Each feature is one thing bot software does the same way every time, or one thing its
operator chooses per campaign: SMTP command style and habits, header order, Message-ID
form (digit counts dropped, since bots randomise lengths), Date form, forged mailer,
recipients per message, and the sender's network (AS number, else the address prefix,
so a store ingested without AS data still has networks). Content features (content group
and campaign domain) are added from the campaign step.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from spamintel.attribute._graph import dense

SAFE_DIALECT = "CASE WHEN json_valid(smtp_dialect) THEN smtp_dialect END"


def _dialect(key: str) -> str:
    return f"json_extract_string({SAFE_DIALECT}, '$.{key}')"


DIALECT_FEATURES: dict[str, str] = {
    "f_style": "hash({}, {}, {}, {}, {}) >> 1".format(*(_dialect(k) for k in (
        "helo_shape", "mail_shape", "rcpt_shape", "line_ending", "pipelining"))),
    "f_habit": f"hash({_dialect('prelude')}, {_dialect('extra_verbs')}) >> 1",
}
# The network of a client without a known AS: its IPv4 /16 or IPv6 /32, as a negative key.
PREFIX_KEY_SQL = ("CASE WHEN client_ip IS NULL THEN -1 WHEN contains(client_ip, ':') THEN -2 - "
                  "(hash(split_part(client_ip, ':', 1), split_part(client_ip, ':', 2)) >> 2) "
                  "ELSE -2 - (hash(split_part(client_ip, '.', 1), split_part(client_ip, '.', 2))"
                  " >> 2) END")
ROW_FEATURES: dict[str, str] = {
    # the sender's own order: without the route stamps some of its mail picked up
    "f_header": "hash(coalesce(sender_fp, header_order_fp)) >> 1",
    "f_msgid": "hash(regexp_replace(message_id_shape, '[0-9]+', '', 'g')) >> 1",
    "f_date": "hash(date_shape) >> 1",
    "f_mailer": "hash(x_mailer) >> 1",
    "f_rcpt": "least(coalesce(rcpt_count, 0), 10)",
    "f_asn": f"coalesce(client_asn, {PREFIX_KEY_SQL})",
}
SERVER_SQL = (f"coalesce({_dialect('helo_form')} = 'fqdn' AND {_dialect('helo_verb')} = 'EHLO'"
              f" AND regexp_matches({_dialect('mail_shape')}, '(SIZE|BODY)='), false)")


def dialect_sql() -> str:
    """SELECT list of the dialect features, evaluated once per distinct ``smtp_dialect``."""
    cols = [f"CAST({expr} AS BIGINT) AS {name}" for name, expr in DIALECT_FEATURES.items()]
    return ", ".join(cols + [f"{SERVER_SQL} AS server_like"])


def feature_sql(dialect: str = "f") -> str:
    """SELECT list of every feature column (BIGINT) and ``server_like``; the dialect
    features come from the joined relation ``dialect`` (NULL dialect: 0 and false)."""
    cols = [f"coalesce({dialect}.{name}, 0) AS {name}" for name in DIALECT_FEATURES]
    cols += [f"CAST({expr} AS BIGINT) AS {name}" for name, expr in ROW_FEATURES.items()]
    return ", ".join(cols + [f"coalesce({dialect}.server_like, false) AS server_like"])


FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "dialect": ("f_style", "f_habit"),
    "header": ("f_header", "f_msgid", "f_date", "f_mailer"),
    "recipients": ("f_rcpt",),
    "network": ("f_asn",),
}
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _joint(columns: list[np.ndarray]) -> np.ndarray:
    key = np.zeros(len(columns[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in columns:
            key = (key ^ col.astype(np.uint64)) * _MIX + np.uint64(1)
    return key


def _ids(values: np.ndarray, min_count: int) -> np.ndarray:
    ids, k = dense(values)
    rare = np.bincount(ids, minlength=k)[ids] < min_count
    return dense(np.where(rare, -1, ids))[0]


def _first_domain(table: pa.Table) -> np.ndarray:
    first = pc.list_element(pc.if_else(pc.greater(pc.list_value_length(
        table.column("url_domains")), 0), table.column("url_domains"), pa.scalar([""], pa.list_(
            pa.string()))), 0)
    return np.asarray(pc.fill_null(first, "").to_pylist(), dtype=object)


def feature_matrix(table: pa.Table, content: np.ndarray, min_count: int = 3) -> np.ndarray:
    """Dense category ids, one column per feature group, then the content group and the
    first advertised domain (campaign infrastructure: who sends for whom).

    The columns of a group are joined into one categorical value (a bot's dialect is one
    choice, a header template another). Values seen fewer than ``min_count`` times share
    one 'rare' id per group, so noise does not inflate the model.
    """
    cols = [_joint([table.column(c).to_numpy(zero_copy_only=False) for c in group])
            for group in FEATURE_GROUPS.values()]
    cols += [content, _first_domain(table)]
    return np.stack([_ids(c, min_count) for c in cols], axis=1)
