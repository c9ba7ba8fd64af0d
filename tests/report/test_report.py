import json

from spamintel.engine import ingest
from spamintel.model import RawMessage
from spamintel.report import collect, write_report
from spamintel.store import Store
from spamintel.testing import make_message, sample_corpus


def test_report_figures_and_formats(tmp_path):
    store = Store(tmp_path / "s")
    items = [RawMessage(data=d, source=n, label="spam" if "Cheap" in d.decode() else "ham")
             for n, d in sample_corpus(90)]
    ingest(iter(items), store)
    figures = collect(store, "2007-04")
    assert figures["totals"]["messages"] == 90
    assert sum(r["messages"] for r in figures["daily_by_class"]) == 90
    assert {r["class"] for r in figures["daily_by_class"]} <= {"spam", "ham", "phish", "malware"}
    assert figures["top_url_domains"][0]["messages"] >= 1
    paths = write_report(figures, tmp_path / "r", ("html", "md", "json"))
    html = paths[0].read_text()
    assert "<svg" in html and "http://" not in html.split("<svg")[0].replace(
        "http://www.w3.org", "")
    assert json.loads(paths[2].read_text())["totals"]["messages"] == 90


def test_message_text_is_escaped_in_html(tmp_path):
    store = Store(tmp_path / "s")
    evil = make_message(body="see http://<script>alert(1)</script>.example.com/")
    ingest(iter([RawMessage(data=evil, source="x")]), store)
    figures = collect(store, "2007-04")
    figures["top_url_domains"] = [{"domain": "<script>alert(1)</script>", "messages": 1}]
    html = write_report(figures, tmp_path / "r", ("html",))[0].read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_url_domain_table_lists_the_domains_of_spam_only(tmp_path):
    store = Store(tmp_path / "s")
    ham = make_message(subject="Minutes", body="Minutes at http://intranet.example.org/m")
    spam = make_message(subject="Cheap pills", body="Buy now http://pills.example.net/x",
                        message_id="<other.1@example.net>")
    ingest(iter([RawMessage(data=ham, source="h", label="ham"),
                 RawMessage(data=spam, source="s", label="spam")]), store)
    figures = collect(store, "2007-04")
    assert [r["domain"] for r in figures["top_url_domains"]] == ["example.net"]
