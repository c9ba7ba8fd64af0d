"""The SOA serial grows with the export time and fits RFC 1982's 32 bits."""

from datetime import UTC, datetime

from spamintel.export._zone import serial


def test_serial_grows_and_fits():
    early, late = datetime(2011, 3, 17, tzinfo=UTC), datetime(2011, 3, 17, 0, 1, tzinfo=UTC)
    assert serial(early) < serial(late) < 2 ** 32
    assert serial(early) == 1300320000
