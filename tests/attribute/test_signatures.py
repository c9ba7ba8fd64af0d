"""Signatures: YAML parsing and validation, and the SQL each condition compiles to."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pytest

from spamintel.attribute.signatures import (
    SignatureError,
    builtin_dir,
    load_file,
    load_signatures,
    parse_signature,
)


def _rows() -> pa.Table:
    return pa.table({
        "is_spam": [True, True, True],
        "header_order": ["from:to:subject", "date:from:to", None],
        "rcpt_count": pa.array([1, 5, 2], pa.int32()),
        "x_mailer": ["The Bat! (v3.99.3)", None, "Outlook"],
        "url_domains": [["a.example"], ["b.example", "c.example"], []],
        "smtp_dialect": [json.dumps({"helo_form": "ip", "pipelining": True}),
                         json.dumps({"helo_form": "fqdn", "pipelining": False}), None],
    })


def _hits(rule: dict) -> list[bool]:
    sig = parse_signature({"name": "r", "family": "F", "match": rule})
    con = duckdb.connect()
    con.register("t", _rows())
    return [r[0] for r in con.execute(f"SELECT {sig.sql()} FROM t").fetchall()]


@pytest.mark.parametrize(("rule", "expected"), [
    ({"header_order": "from:to:subject"}, [True, False, False]),
    ({"header_order": {"in": ["date:from:to", "x"]}}, [False, True, False]),
    ({"x_mailer": {"regex": "^The Bat"}}, [True, False, False]),
    ({"x_mailer": {"is_null": True}}, [False, True, False]),
    ({"rcpt_count": {"range": [2, None]}}, [False, True, True]),
    ({"url_domains": "c.example"}, [False, True, False]),
    ({"smtp_dialect.helo_form": "ip"}, [True, False, False]),
    ({"smtp_dialect.pipelining": False}, [False, True, False]),
    ({"smtp_dialect.helo_form": {"in": ["ip", "fqdn"]}, "rcpt_count": {"range": [1, 1]}},
     [True, False, False]),
])
def test_conditions_match_the_rows_they_describe(rule, expected):
    assert _hits(rule) == expected


def test_any_block_needs_min_any_hits():
    sig = parse_signature({"name": "r", "family": "F", "match": {"rcpt_count": {"range": [1, 9]}},
                           "any": {"x_mailer": {"regex": "Bat"}, "header_order": "date:from:to"},
                           "min_any": 1})
    con = duckdb.connect()
    con.register("t", _rows())
    assert [r[0] for r in con.execute(f"SELECT {sig.sql()} FROM t").fetchall()] == \
        [True, True, False]


@pytest.mark.parametrize("bad", [
    {"family": "F", "match": {"rcpt_count": 1}},
    {"name": "r", "family": "F", "match": {"no_such_column": 1}},
    {"name": "r", "family": "F", "match": {"rcpt_count": {"between": [1, 2]}}},
    {"name": "r", "family": "F", "match": {"rcpt_count": {"range": [1]}}},
    {"name": "r", "family": "F", "confidence": 2, "match": {"rcpt_count": 1}},
])
def test_invalid_signatures_are_refused_with_a_reason(bad):
    with pytest.raises(SignatureError):
        parse_signature(bad, "test.yaml")


def test_quotes_in_values_cannot_break_the_sql():
    assert _hits({"x_mailer": "x' OR 1=1 --"}) == [False, False, False]


def test_shipped_signatures_load_and_name_families():
    sigs = load_signatures()
    assert sigs, "the package ships signatures"
    assert {"Rustock", "Bagle"} <= {s.family for s in sigs}
    assert all(0 < s.confidence <= 1 for s in sigs)
    assert sorted(s.confidence for s in sigs)[::-1] == [s.confidence for s in sigs]
    assert all(load_file(p) for p in builtin_dir().glob("*.yaml"))


def test_user_folder_adds_and_overrides(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "name: custom-1\nfamily: Custom\nconfidence: 0.7\nmatch:\n  rcpt_count: {range: [1, 2]}\n")
    sigs = load_signatures((str(tmp_path),), builtin=False)
    assert [(s.name, s.family) for s in sigs] == [("custom-1", "Custom")]
    with pytest.raises(SignatureError):
        load_signatures((str(tmp_path / "missing"),), builtin=False)


def test_malformed_dialect_json_does_not_match_or_crash():
    sig = parse_signature({"name": "r", "family": "F", "match": {"smtp_dialect.helo_form": "ip"}})
    con = duckdb.connect()
    con.register("t", pa.table({"smtp_dialect": ["not json", '{"helo_form": "ip"}', None]}))
    assert [r[0] for r in con.execute(f"SELECT {sig.sql()} FROM t").fetchall()] == \
        [False, True, False]
