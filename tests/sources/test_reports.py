from datetime import UTC, datetime

from spamintel.config import ParseConfig
from spamintel.model import RawMessage, SourceFailure
from spamintel.parse import parse_message
from spamintel.sources import iter_sources
from spamintel.sources.reports import read_report
from spamintel.testing import hostile_messages, make_message, make_report

SPAM = make_message(subject="Cheap meds", client_ip="192.0.2.1", helo="bot.example.net")


def _report(**kwargs) -> bytes:
    return make_report(SPAM, **kwargs)


def test_a_feedback_report_gives_the_reported_message_and_what_the_reporter_saw():
    report = read_report(_report())
    assert report.message.rstrip(b"\r\n") == SPAM.rstrip(b"\r\n")
    assert report.source_ip == "192.0.2.1" and report.feedback_type == "abuse"
    assert report.arrival == datetime(2005, 3, 8, 19, 0, tzinfo=UTC)
    assert report.mail_from == "somespammer@example.net"
    assert report.rcpt_to == ("user@example.com", "user2@example.com")
    assert report.label == "spam"
    capitals = _report().replace(b"report-type=feedback-report", b"Report-Type=Feedback-Report")
    assert read_report(capitals).source_ip == "192.0.2.1"


def test_encoded_cut_off_and_header_only_reports_are_read():
    assert read_report(_report(encoding="base64")).message.startswith(b"Received: from bot.example")
    assert read_report(_report(close=False)).message.rstrip() == SPAM.rstrip()
    headers = SPAM.split(b"\r\n\r\n")[0] + b"\r\n"
    only = read_report(make_report(headers, kind="text/rfc822-headers")).message
    assert only.startswith(b"Received:") and b"\r\n\r\n" in only
    fraud = read_report(_report(fields="Feedback-Type: fraud\r\nArrival-Date: not a date\r\n"))
    assert (fraud.label, fraud.arrival, fraud.source_ip) == ("phish", None, None)
    unknown = read_report(_report(fields="Feedback-Type: abuse\r\nSource-IP: unknown\r\n"))
    assert unknown.source_ip is None
    later = read_report(_report(fields="Feedback-Type: other\r\n"
                                   "Arrival-Date: 1 Jan 2999 00:00 +0000\r\n"))
    assert (later.label, later.arrival) == (None, None)


def test_other_mail_is_no_report():
    assert read_report(SPAM) is None
    dsn = _report().replace(b"report-type=feedback-report", b"report-type=delivery-status")
    assert read_report(dsn) is None
    # a spam that merely names the report type in its text
    assert read_report(make_message(body="report-type=feedback-report")) is None


def test_reports_are_read_as_the_messages_they_report(tmp_path):
    (tmp_path / "fbl.eml").write_bytes(_report())
    (tmp_path / "empty.eml").write_bytes(_report(fields="Feedback-Type: abuse\r\n").split(
        b"--part1_13d.2e68ed54_boundary\r\nContent-Type: message/rfc822")[0])
    items = {item.source.rsplit("/", 1)[1]: item for item in iter_sources([tmp_path])}
    raw = items["fbl.eml"]
    assert isinstance(raw, RawMessage) and raw.source_kind == "report"
    assert (raw.client_ip, raw.envelope_from, raw.label) == (
        "192.0.2.1", "somespammer@example.net", "spam")
    ev = parse_message(raw, ParseConfig()).event
    assert (ev.subject, ev.client_ip, ev.client_helo) == ("Cheap meds", "192.0.2.1",
                                                          "bot.example.net")
    assert (ev.time_source, ev.observed_at) == ("session", datetime(2005, 3, 8, 19, 0, tzinfo=UTC))
    # a report without its message is kept whole, as a failure that says so
    failure = items["empty.eml"]
    assert isinstance(failure, SourceFailure)
    assert failure.reason.startswith("report_without_message")
    assert failure.data.startswith(b"From: <abusedesk@example.com>")


def test_hostile_mail_inside_or_as_a_report_never_raises():
    for name, data in hostile_messages(big_bytes=100_000).items():
        assert read_report(data) is None, name
        for encoding in ("", "base64"):
            assert read_report(make_report(data, encoding=encoding)) is not None, name
        assert read_report(_report(fields=data.decode("latin-1"))) is not None, name
