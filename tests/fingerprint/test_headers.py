import pytest

from spamintel.fingerprint.headers import header_order, header_order_fp


def _plain_order(headers):
    """The definition: sender-written names in order, each cut to 40, a repeat on the
    next line dropped, at most 60."""
    transit = {"received", "return-path", "x-spam-status", "content-length", "status"}
    names = [n[:40] for n, _ in headers
             if n not in transit and not n.startswith(("x-spam", "x-virus", "from "))]
    names = [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]
    return ":".join(names[:60])


def test_transit_fields_are_dropped_and_order_kept():
    headers = [("received", "x"), ("return-path", "<a@b>"), ("from", "a"), ("to", "b"),
               ("x-spam-flag", "YES"), ("subject", "s"), ("x-virus-scanned", "ok"),
               ("message-id", "<1@x>")]
    assert header_order(headers) == "from:to:subject:message-id"
    assert header_order_fp(header_order(headers)) == header_order_fp("from:to:subject:message-id")


def test_a_duplicated_line_is_the_same_template():
    template = [("message-id", "<1@x>"), ("from", "a"), ("to", "b"), ("subject", "s"),
                ("date", "d")]
    duplicated = template[:2] + [("to", "b"), ("received", "x")] + template[2:]
    assert header_order(duplicated) == header_order(template)
    # a field written again further down is part of the template
    assert header_order(template + [("to", "c")]) == "message-id:from:to:subject:date:to"


@pytest.mark.parametrize("headers", [
    [("x-" + "n" * 100, "v"), ("x-" + "n" * 38 + "a", "v"), ("x-spam" + "s" * 60, "v")],
    [(f"x-field-{i}", "v") for i in range(300)],  # more than are remembered, more than kept
    [("received", "v")] * 50 + [("x-long-" + "q" * 2000, "v")] * 120,
])
def test_long_names_and_many_fields_follow_the_definition(headers):
    assert header_order(headers) == _plain_order(headers)
    assert header_order(headers) == header_order(list(headers))  # remembered or not


def test_only_small_sequences_of_names_are_remembered():
    from spamintel.fingerprint import headers

    header_order([("x-" + "n" * 5000, "v"), ("to", "t")])
    header_order([(f"x-field-{i}", "v") for i in range(300)])
    assert all(len(k) <= 100 and max(map(len, k), default=0) <= 64 for k in headers._ORDERS)
