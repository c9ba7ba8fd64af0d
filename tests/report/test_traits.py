from spamintel.report.traits import describe

TRAITS = {
    "smtp_dialect_fp": {"f5930198a78787e1": 0.56, "8214bcd74840715a": 0.44},
    "header_order_fp": {"fc1f7b08005a547e": 1.0},
    "x_mailer": {"(null)": 0.6, "The Bat! (v3.99.3) Professional": 0.4},
    "message_id_shape": {"<H8.D7@H>": 0.9, "<D10.D14@H>": 0.1},
    "client_cc": {"RU": 0.5, "UA": 0.3, "PL": 0.197, "(null)": 0.003},
    "campaign_id": {"c-1": 0.7, "c-2": 0.295, "c-3": 0.005, "(null)": 0.0},
    "smtp_dialect": {"helo_shape": {"EHLO {word}": 0.7, "EHLO {fqdn}": 0.3}},
    "rcpt_count": {"p01": 1.0, "median": 2.0, "p99": 5.0},
}


def test_a_cluster_is_described_by_how_its_mail_was_sent_not_by_fingerprints():
    text = describe(TRAITS)
    assert text == ("HELO: EHLO {word} 70%, EHLO {fqdn} 30%; "
                    "X-Mailer: none 60%, The Bat! (v3.99.3) Professional 40%; "
                    "Message-ID: <H8.D7@H> 90%; countries: RU 50%, UA 30%, PL 20%; "
                    "recipients (median): 2; 2 campaigns of 1%+ of its mail")
    assert "f5930198a78787e1" not in text


def test_missing_or_malformed_traits_leave_their_part_out():
    assert describe({}) == ""
    assert describe({"x_mailer": "not a mapping", "smtp_dialect": [1],
                     "client_cc": {"DE": "x", "FR": 1.0}}) == "countries: FR 100%"
    long = "M" * 200
    assert describe({"x_mailer": {long: 1.0}}) == f"X-Mailer: {'M' * 59}… 100%"


def test_a_cluster_on_as_many_campaigns_as_are_kept_may_have_more():
    top = {f"c-{i}": 0.1 for i in range(8)}
    assert describe({"campaign_id": top}) == "8+ campaigns of 1%+ of its mail"


def test_stored_traits_that_are_not_a_json_object_read_as_none():
    from spamintel.report.traits import parse_traits

    assert parse_traits('{"x_mailer": {"Outlook": 1.0}}') == {"x_mailer": {"Outlook": 1.0}}
    assert parse_traits(None) == {} and parse_traits("[1]") == {} and parse_traits("{") == {}
