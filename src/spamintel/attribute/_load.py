"""Read the columns attribution needs from a store, in time order, with hashed keys."""

from __future__ import annotations

import pyarrow as pa

from spamintel.attribute.features import PREFIX_KEY_SQL, dialect_sql, feature_sql
from spamintel.fingerprint.headers import header_order_fp
from spamintel.fingerprint.stamps import ORDER_COUNTS_SQL, route_stamps
from spamintel.store import Store
from spamintel.store.spam import mixed_sensors, not_ham_sql

# Columns read otherwise than as stored: the day as a date, the sender's header order.
_SENDER = {"header_order": "coalesce(s.sender_order, e.header_order)",
           "header_order_fp": "coalesce(s.sender_fp, e.header_order_fp)"}
_SELECT = {"day": "TRY_CAST(e.day AS DATE) AS day"} | {
    name: f"{expr} AS {name}" for name, expr in _SENDER.items()}
_JOIN_SENDER = "LEFT JOIN _sender s ON s.header_order = e.header_order"
COLUMNS = ("event_id", "msg_sha256", "observed_at", "day", "client_ip", "client_cc",
           "client_helo", "verdict", "label", "category", "subject", "subject_shape",
           "url_domains", "body_minhash", "rcpt_count", "smtp_dialect_fp", "smtp_dialect",
           "header_order_fp", "message_id_shape", "date_shape", "x_mailer", "boundary_shape",
           "content_type", "charsets", "source_kind", "sensor", "client_asn", "client_rdns")


def load_events(store: Store, extra: tuple[str, ...] = (), mixed: tuple[str, ...] = ()
                ) -> pa.Table:
    """Events in time order (observed_at, then sha256): ``COLUMNS`` plus the ``extra``
    event columns, with ``is_spam``, the sender features, ``ip_key``, ``prefix_key`` (the
    client's IPv4 /16 or IPv6 /32) and ``day_num``.

    ``is_spam``: not called ham (by the classifier, else by its source), or seen by a trap
    that is not one of the sensors that see all mail (``mixed``, else found from the
    data; ``spamintel.store.spam``): a ham verdict at a trap is a classifier miss.

    Dialect features are functions of the dialect fingerprint, so they are extracted from
    the JSON once per distinct fingerprint and joined back. ``header_order`` and
    ``header_order_fp`` are the sender's, without the store's route stamps
    (``sender_templates``): signatures, traits and discovery all read that."""
    names = COLUMNS + tuple(c for c in dict.fromkeys(extra) if c not in COLUMNS)
    cols = ", ".join(_SELECT.get(c, f"e.{c}") for c in names)
    con = store.connect()
    con.execute("SET enable_progress_bar = false")
    is_spam = not_ham_sql(mixed_sensors(con, mixed))
    con.register("_sender", sender_templates(con))
    return con.sql(f"""
        WITH f AS (SELECT smtp_dialect_fp, {dialect_sql()}
                   FROM (SELECT smtp_dialect_fp, any_value(smtp_dialect) AS smtp_dialect
                         FROM events WHERE smtp_dialect_fp IS NOT NULL GROUP BY ALL))
        SELECT {cols}, {is_spam} AS is_spam, {feature_sql("f")},
               CAST(hash(e.client_ip) >> 1 AS BIGINT) AS ip_key,
               CAST({PREFIX_KEY_SQL} AS BIGINT) AS prefix_key,
               CAST(coalesce(TRY_CAST(e.day AS DATE), DATE '1970-01-01') - DATE '1970-01-01'
                    AS BIGINT) AS day_num
        FROM events e LEFT JOIN f ON f.smtp_dialect_fp = e.smtp_dialect_fp
             {_JOIN_SENDER}
        ORDER BY e.observed_at NULLS LAST, e.msg_sha256, e.event_id""").to_arrow_table()


def sender_events(con) -> str:
    """SQL of the store's events with the sender's header order in ``header_order`` and
    ``header_order_fp`` (registers ``sender_templates`` on ``con``)."""
    con.register("_sender", sender_templates(con))
    return (f"SELECT e.* REPLACE ({', '.join(_SELECT[name] for name in _SENDER)}) "
            f"FROM events e {_JOIN_SENDER}")


def sender_templates(con) -> pa.Table:
    """``header_order`` → ``sender_order`` and ``sender_fp``, the sender's own order and its
    fingerprint, for the orders that carry the store's route stamps
    (``fingerprint.stamps``)."""
    counts = dict(con.execute(ORDER_COUNTS_SQL).fetchall())
    stamps = route_stamps(counts)
    own = {order: stamps.own(order) for order in counts}
    changed = [(order, s) for order, s in own.items() if s != order]
    return pa.table({"header_order": [o for o, _ in changed],
                     "sender_order": [s for _, s in changed],
                     "sender_fp": [header_order_fp(s) for _, s in changed]},
                    schema=pa.schema([(name, pa.string()) for name in (
                        "header_order", "sender_order", "sender_fp")]))
