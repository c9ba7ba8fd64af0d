"""The CERT-style CSV: header, one row per bot IP, times in Unix seconds."""

import csv
import io
from datetime import date

from spamintel.export import Indicators, Window, to_csv


def test_rows(found):
    rows = list(csv.DictReader(io.StringIO(to_csv(found))))
    assert [r["ip"] for r in rows] == [i.value for i in found.ips]
    first = rows[0]
    assert first == {"ip": "91.200.12.1", "asn": "12345", "country": "RU",
                     "lastseen": str(int(found.ips[0].last_seen.timestamp())),
                     "botname": "Rustock",
                     "firstseen": str(int(found.ips[0].first_seen.timestamp())),
                     "messages": "2"}


def test_one_line_per_ip(found):
    assert len(to_csv(found).splitlines()) == len(found.ips) + 1


def test_empty_window_keeps_the_header():
    text = to_csv(Indicators(Window(date(2012, 1, 1), date(2012, 1, 1))))
    assert text == "ip,asn,country,lastseen,botname,firstseen,messages\n"
