import duckdb

from spamintel.fingerprint.stamps import MIN_TEMPLATES, RouteStamps, route_stamps

SENDERS = [f"from:to:subject:date:message-id:x-mailer-{i}" for i in range(8)]


def _archive(stamp: str, stamped_senders: int, at_start: bool = False) -> dict[str, int]:
    """Each sender's order 20 times alone and, for the first ``stamped_senders``, 10 times
    more with ``stamp`` added on the way."""
    counts = {order: 20 for order in SENDERS}
    for order in SENDERS[:stamped_senders]:
        counts[f"{stamp}:{order}" if at_start else f"{order}:{stamp}"] = 10
    return counts


def test_a_block_seen_on_and_off_many_senders_orders_is_a_route_stamp():
    stamps = route_stamps(_archive("x-miltered:x-uuid", 6))
    assert stamps.suffixes == ("x-miltered:x-uuid",) and stamps.prefixes == ()
    assert stamps.own(SENDERS[2] + ":x-miltered:x-uuid") == SENDERS[2]
    assert stamps.own(SENDERS[2]) == SENDERS[2]
    # a field of the sender that merely ends with the same name is not cut
    assert stamps.own("from:to:my-x-uuid") == "from:to:my-x-uuid"


def test_a_stamp_above_the_senders_fields_is_found_too():
    stamps = route_stamps(_archive("authentication-results", 6, at_start=True))
    assert stamps.prefixes == ("authentication-results",) and stamps.suffixes == ()
    assert stamps.own("authentication-results:" + SENDERS[0]) == SENDERS[0]


def test_a_senders_own_optional_field_is_not_a_stamp():
    # one sender writes X-Priority in some of its mail: one order with and without it
    assert route_stamps(_archive("x-priority", MIN_TEMPLATES - 1)) == RouteStamps()
    # the message's own fields, MIME ones following the body, or a Date that malformed
    # mail lacks or a relay adds, come and go for many senders and are still theirs
    assert route_stamps(_archive("content-transfer-encoding", 8)) == RouteStamps()
    assert route_stamps(_archive("date", 8, at_start=True)) == RouteStamps()
    assert route_stamps(_archive("message-id", 8)) == RouteStamps()


def test_stacked_stamps_are_stripped_whatever_their_order():
    counts = _archive("x-antivirus", 6) | {f"{o}:x-miltered": 10 for o in SENDERS[2:]}
    counts |= {f"{o}:x-antivirus:x-miltered": 5 for o in SENDERS}
    stamps = route_stamps(counts)
    assert set(stamps.suffixes) == {"x-antivirus", "x-miltered"}  # not their pair again
    for stacked in ("x-antivirus:x-miltered", "x-miltered:x-antivirus", "x-miltered"):
        assert stamps.own(f"{SENDERS[0]}:{stacked}") == SENDERS[0]


def test_the_sql_strips_as_python_does():
    stamps = RouteStamps(suffixes=("x-miltered:x-uuid", "x-o'brien"), prefixes=("x-top",))
    orders = ["from:to:x-miltered:x-uuid", "x-top:from:to:x-o'brien:x-miltered:x-uuid",
              "from:to", "x-miltered:x-uuid", "x-topic:from"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (o VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [(o,) for o in orders])
    got = [r[0] for r in con.execute(f"SELECT {stamps.sql('o')} FROM t").fetchall()]
    assert got == [stamps.own(o) for o in orders]
    assert got[:3] == ["from:to", "from:to", "from:to"]
    assert RouteStamps().sql("o") == "o"
