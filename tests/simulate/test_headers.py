import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from spamintel.simulate.headers import BOUNDARY, DATE, MESSAGE_ID, Ctx


def _ctx(tz=180):
    return Ctx(datetime(2011, 3, 16, 14, 5, 9, tzinfo=UTC), tz, "PC-1", "1.2.3.4",
               "shop.example", "rcpt.example")


def test_every_date_shape_parses_to_the_same_instant():
    for name, fn in DATE.items():
        value = fn(_ctx())
        when = parsedate_to_datetime(value)
        assert when.astimezone(UTC).replace(tzinfo=UTC) == datetime(2011, 3, 16, 14, 5, 9,
                                                                     tzinfo=UTC), name


def test_message_ids_have_distinct_shapes():
    rng = random.Random(1)
    ids = {name: fn(rng, _ctx()) for name, fn in MESSAGE_ID.items()}
    assert ids.pop("none") is None
    assert all(v.startswith("<") and v.endswith(">") and "@" in v for v in ids.values())
    assert ids["oe"].endswith("@PC-1>") and "$" in ids["oe"]
    assert ids["lower_at_rcpt"].endswith("@rcpt.example>")


def test_boundaries_are_valid_and_varied():
    rng = random.Random(2)
    values = [fn(rng) for fn in BOUNDARY.values()]
    assert all(0 < len(v) <= 70 and " " not in v for v in values)
    assert len(set(values)) == len(values)
