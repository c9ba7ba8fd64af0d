"""Reading a store for attribution: the sender features as the attribute stage sees them."""

from __future__ import annotations

import pyarrow as pa

from spamintel.attribute._load import load_events, sender_templates
from spamintel.attribute._synthetic import synthetic_events
from spamintel.fingerprint.headers import header_order_fp
from spamintel.store import Store

STAMP = "x-miltered:x-uuid"


def _with_orders(table: pa.Table, orders: list[str]) -> pa.Table:
    """``table`` with each row's header order (and its fingerprint) from ``orders``."""
    for name, values in (("header_order", orders),
                         ("header_order_fp", [header_order_fp(o) for o in orders])):
        table = table.set_column(table.schema.get_field_index(name), name,
                                 pa.array(values, pa.string()))
    return table


def test_mail_that_picked_up_a_route_stamp_keeps_its_senders_template(tmp_path):
    table, _ = synthetic_events(600, families=3, bots=100, campaigns=5, days=3)
    senders = [f"from:to:subject:date:x-mailer-{i}" for i in range(10)]
    # every third message of every sender passed the filter that appends the stamp
    orders = [senders[i % 10] + (f":{STAMP}" if i % 3 == 0 else "") for i in range(600)]
    store = Store(tmp_path)
    store.write_events(_with_orders(table, orders))

    mapping = sender_templates(store.connect()).to_pydict()
    assert len(mapping["header_order"]) == 10
    assert all(o.endswith(STAMP) for o in mapping["header_order"])

    loaded = load_events(store, extra=("header_order",))
    header = dict(zip(loaded.column("header_order").to_pylist(),
                      loaded.column("f_header").to_pylist(), strict=True))
    for sender in senders:
        assert header[f"{sender}:{STAMP}"] == header[sender]
    assert len(set(header.values())) == 10


def test_a_store_without_route_stamps_keeps_every_template(tmp_path):
    table, _ = synthetic_events(300, families=3, bots=100, campaigns=5, days=3)
    orders = [f"from:to:subject:x-mailer-{i % 7}" for i in range(300)]
    store = Store(tmp_path)
    store.write_events(_with_orders(table, orders))
    assert sender_templates(store.connect()).num_rows == 0
    loaded = load_events(store, extra=("header_order",))
    assert len(set(loaded.column("f_header").to_pylist())) == 7
