"""A feed of abuse reports gives the same events as the reported mail itself."""

from __future__ import annotations

from email.utils import format_datetime

from spamintel.config import Config
from spamintel.engine.pipeline import Pipeline
from spamintel.sources import iter_sources
from spamintel.testing import make_report, sample_corpus

SAME = ("msg_sha256", "subject", "urls", "url_domains", "body_minhash", "header_order_fp",
        "verdict", "category", "is_phish", "client_ip", "client_helo", "client_rdns",
        "observed_at", "day")


def test_reports_give_the_events_of_the_mail_they_report(tmp_path):
    plain, reports = tmp_path / "plain", tmp_path / "reports"
    plain.mkdir(), reports.mkdir()
    pipe = Pipeline(Config())
    for name, data in sample_corpus(30):
        (plain / name).write_bytes(data)
        ev = pipe.process(next(iter(iter_sources([plain / name]))))
        fields = (f"Feedback-Type: abuse\r\nSource-IP: {ev.client_ip}\r\n"
                  f"Arrival-Date: {format_datetime(ev.observed_at)}\r\n")
        (reports / name).write_bytes(make_report(data, fields=fields))
    events = {}
    for folder in (plain, reports):
        raws = list(iter_sources([folder]))
        batch, quarantine = pipe.process_batch(raws)
        assert not quarantine and batch.num_rows == 30
        events[folder.name] = batch.sort_by("msg_sha256")
    for column in SAME:
        assert (events["plain"].column(column).to_pylist()
                == events["reports"].column(column).to_pylist()), column
    assert set(events["reports"].column("source_kind").to_pylist()) == {"report"}
    assert set(events["reports"].column("label").to_pylist()) == {"spam"}
