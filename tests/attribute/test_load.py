"""Reading a store for attribution: the sender features as the attribute stage sees them."""

from __future__ import annotations

import pyarrow as pa
import pytest

from spamintel.attribute._load import load_events, sender_templates
from spamintel.attribute._synthetic import synthetic_events
from spamintel.attribute.resolve import match_signatures
from spamintel.attribute.signatures import parse_signature
from spamintel.fingerprint.headers import header_order_fp
from spamintel.store import Store

STAMP = "x-miltered:x-uuid"
SENDERS = [f"from:to:subject:date:x-mailer-{i}" for i in range(10)]


def _with_orders(table: pa.Table, orders: list[str]) -> pa.Table:
    """``table`` with each row's header order (and its fingerprint) from ``orders``."""
    for name, values in (("header_order", orders),
                         ("header_order_fp", [header_order_fp(o) for o in orders])):
        table = table.set_column(table.schema.get_field_index(name), name,
                                 pa.array(values, pa.string()))
    return table


@pytest.fixture()
def stamped_store(tmp_path) -> Store:
    """600 messages of ten senders' templates; every third passed the filter that appends
    ``STAMP``."""
    table, _ = synthetic_events(600, families=3, bots=100, campaigns=5, days=3)
    orders = [SENDERS[i % 10] + (f":{STAMP}" if i % 3 == 0 else "") for i in range(600)]
    store = Store(tmp_path)
    store.write_events(_with_orders(table, orders))
    return store


def test_mail_that_picked_up_a_route_stamp_keeps_its_senders_template(stamped_store):
    mapping = sender_templates(stamped_store.connect()).to_pydict()
    assert len(mapping["header_order"]) == 10
    assert all(o.endswith(STAMP) for o in mapping["header_order"])

    loaded = load_events(stamped_store, extra=("header_order",)).to_pydict()
    # every message reads as its sender wrote it, and one template is one feature value
    assert loaded["header_order"] == [SENDERS[i % 10] for i in range(600)]
    assert loaded["header_order_fp"] == [header_order_fp(o) for o in loaded["header_order"]]
    per_sender = {(o, f) for o, f in zip(loaded["header_order"], loaded["f_header"],
                                         strict=True)}
    assert len(per_sender) == 10 and len({f for _, f in per_sender}) == 10


def test_a_store_without_route_stamps_keeps_every_template(tmp_path):
    table, _ = synthetic_events(300, families=3, bots=100, campaigns=5, days=3)
    orders = [f"from:to:subject:x-mailer-{i % 7}" for i in range(300)]
    store = Store(tmp_path)
    store.write_events(_with_orders(table, orders))
    assert sender_templates(store.connect()).num_rows == 0
    loaded = load_events(store, extra=("header_order",))
    assert len(set(loaded.column("f_header").to_pylist())) == 7


def test_a_signature_on_a_header_order_names_the_mail_that_picked_up_a_stamp(stamped_store):
    sig = parse_signature({"name": "ten", "family": "Ten", "confidence": 0.9,
                           "match": {"header_order": SENDERS[0]}}, "test")
    loaded = load_events(stamped_store, extra=tuple(sig.fields()))
    matches = match_signatures(loaded, [sig])
    assert int(matches.mask[:, 0].sum()) == 60  # its 40 unstamped and 20 stamped messages
