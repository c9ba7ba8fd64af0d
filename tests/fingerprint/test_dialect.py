"""Dialect features and fingerprints from session records."""

from __future__ import annotations

import json

import pytest

from spamintel.fingerprint.dialect import dialect_fingerprint, helo_form, shape


def _session(*entries, client_ip="192.0.2.7", tls=False, rcpts=("a@trap.test",), index=0):
    return {"client_ip": client_ip, "tls": tls, "rcpt_to": list(rcpts),
            "index_in_session": index,
            "transcript": [[i * 10, who, text] for i, (who, text) in enumerate(entries)]}


def _plain(eol="\r\n", helo="EHLO mail.example.com", mail="MAIL FROM:<x@y.example>"):
    return _session(("S", "220 trap"), ("C", helo + eol), ("S", "250 ok"),
                    ("C", mail + eol), ("S", "250 ok"), ("C", "RCPT TO:<a@trap.test>" + eol),
                    ("S", "250 ok"), ("C", "DATA" + eol), ("S", "354 go"), ("C", "." + eol))


def test_plain_session_features():
    fp, feats = dialect_fingerprint(_plain())
    assert len(fp) == 16
    assert feats["helo_verb"] == "EHLO"
    assert feats["helo_form"] == "fqdn"
    assert feats["mail_shape"] == "MAIL FROM:<a>"
    assert feats["rcpt_shape"] == "RCPT TO:<a>"
    assert feats["prelude"] == "EHLO"
    assert feats["transaction"] == "MAIL RCPT DATA ."
    assert feats["line_ending"] == "crlf"
    assert not feats["pipelining"] and not feats["early_talker"]
    json.dumps(feats)


@pytest.mark.parametrize("arg,form", [("", "empty"), ("1.2.3.4", "ip"), ("[1.2.3.4]", "literal"),
                                      ("host.example.com", "fqdn"), ("localhost", "word"),
                                      ("ab_c!", "other"), ("[IPv6:::1]", "literal"),
                                      ("::1", "ip"), ("ipv6:fe80::1", "ip"), ("1.2.3", "fqdn"),
                                      ("9host.example", "fqdn"), ("01.2.3.4", "fqdn")])
def test_helo_form(arg, form):
    assert helo_form(arg) == form


def test_shape_keeps_case_and_spacing_masks_values():
    assert shape("mail from: <bob@x.example> SIZE=1234") == "mail from: <a> SIZE=N"
    assert shape("MAIL FROM:<>") == "MAIL FROM:<>"
    assert shape("MAIL FROM:<<>> <x@y>") == "MAIL FROM:<a>> <a>"
    assert shape("MAIL FROM:bob@x.example") == "MAIL FROM:a"
    assert shape("EHLO  [10.0.0.1]") == "EHLO  {literal}"


def test_each_behaviour_changes_the_fingerprint():
    base, _ = dialect_fingerprint(_plain())
    variants = [_plain(eol="\n"), _plain(helo="HELO mail.example.com"),
                _plain(helo="ehlo mail.example.com"), _plain(helo="EHLO [192.0.2.7]"),
                _plain(mail="MAIL FROM: <x@y.example>"), _plain(mail="MAIL FROM:<x@y.example>")]
    fps = [dialect_fingerprint(v)[0] for v in variants]
    assert fps[-1] == base
    assert len(set(fps[:-1]) | {base}) == len(variants)


def test_timing_and_counts_do_not_change_the_hash():
    a = _plain()
    b = _plain()
    for entry in b["transcript"]:
        entry[0] *= 7
    b["rcpt_to"] = ["a@t", "b@t"]
    b["index_in_session"] = 3
    assert dialect_fingerprint(a)[0] == dialect_fingerprint(b)[0]
    assert dialect_fingerprint(b)[1]["rcpt_count"] == 2


def test_pipelining_and_data_before_354():
    s = _session(("S", "220"), ("C", "EHLO h.example\r\n"), ("S", "250 ok"),
                 ("C", "MAIL FROM:<x@y>\r\n"), ("C", "RCPT TO:<a@t>\r\n"), ("C", "DATA\r\n"),
                 ("C", ".\r\n"), ("S", "250 ok"), ("S", "250 ok"), ("S", "354 go"))
    feats = dialect_fingerprint(s)[1]
    assert feats["pipelining"] and feats["data_before_354"]


def test_after_error_and_extra_verbs():
    s = _session(("S", "220"), ("C", "HELO h\r\n"), ("S", "250 ok"), ("C", "NOOP\r\n"),
                 ("S", "250 ok"), ("C", "MAIL FROM:<x@y>\r\n"), ("S", "250 ok"),
                 ("C", "RCPT TO:<a@elsewhere>\r\n"), ("S", "550 no relay"),
                 ("C", "RCPT TO:<a@t>\r\n"), ("S", "250 ok"), ("C", "DATA\r\n"),
                 ("S", "354"), ("C", ".\r\n"))
    feats = dialect_fingerprint(s)[1]
    assert feats["after_error"] == ["RCPT"]
    assert feats["extra_verbs"] == ["NOOP"]
    assert feats["transaction"] == "MAIL RCPT+ DATA ."
    assert feats["errors"] == 1


def test_later_messages_in_a_session_share_the_fingerprint():
    first = _plain()
    second = _plain()
    second["transcript"] += [[200, "S", "250 queued"], [210, "C", "RSET\r\n"],
                             [220, "S", "250 ok"], [230, "C", "MAIL FROM:<z@y.example>\r\n"],
                             [240, "S", "250 ok"], [250, "C", "RCPT TO:<b@trap.test>\r\n"],
                             [260, "S", "250 ok"], [270, "C", "DATA\r\n"], [280, "S", "354"],
                             [290, "C", ".\r\n"]]
    second["index_in_session"] = 1
    assert dialect_fingerprint(first)[0] == dialect_fingerprint(second)[0]


def test_hostile_records_do_not_crash():
    for bad in ({}, {"transcript": None}, {"transcript": [[1], ["x", "Q", 3], "junk"]},
                {"transcript": [["a", "C", "\x00\xff\r\n"]], "client_ip": 5}):
        fp, feats = dialect_fingerprint(bad)
        assert len(fp) == 16 and feats["helo_verb"] == "none"


def test_features_json_is_compact_sorted_json():
    from spamintel.fingerprint.dialect import features_json

    feats = {"b": [1, "x\u00e9"], "a": None, "c": {"z": True, "y": 1.5}}
    assert features_json(feats) == '{"a":null,"b":[1,"x\\u00e9"],"c":{"y":1.5,"z":true}}'
    assert json.loads(features_json(feats)) == feats


@pytest.mark.parametrize("field,value", [
    ("transcript", 5), ("transcript", "EHLO x"), ("transcript", [[1e309, "C", "EHLO x\r\n"]]),
    ("rcpt_to", -5), ("rcpt_to", "a@b.example"), ("index_in_session", float("inf")),
    ("helo", 7), ("client_ip", ["1.2.3.4"]), ("tls", "yes")])
def test_a_record_with_fields_of_the_wrong_type_still_has_a_dialect(field, value):
    # records also come from other writers' sidecars: a wrong type is read as absent
    record = {"client_ip": "192.0.2.1", "helo": "x", "rcpt_to": ["a@b.example"],
              "transcript": [[0, "S", "220 hi\r\n"], [5, "C", "EHLO x\r\n"]], field: value}
    fp, feats = dialect_fingerprint(record)
    assert len(fp) == 16 and isinstance(feats["rcpt_count"], int)
