from spamintel.classify.tokens import message_tokens, text_tokens
from spamintel.testing import make_message

from .conftest import parse_bytes


def test_words_are_lower_cased_in_any_script():
    tokens = text_tokens("Купить ВИАГРА cheap Pills")
    assert {"купить", "виагра", "cheap", "pills"} <= tokens


def test_cjk_runs_become_character_pairs():
    assert {"代开", "开发", "发票"} <= text_tokens("代开发票")


def test_subject_words_are_prefixed():
    parsed = parse_bytes(make_message(subject="Cheap meds", body="hello world"))
    tokens = message_tokens(parsed)
    assert {"s:cheap", "s:meds", "hello", "world"} <= tokens
    assert "cheap" not in tokens


def test_headers_added_by_receivers_are_not_features():
    extra = "X-Spam-Status: Yes, score=20\r\nX-Mailer: Bulk Sender 2.0\r\n"
    tokens = message_tokens(parse_bytes(make_message(extra_headers=extra)))
    assert not any(t.startswith(("hn:x-spam", "hn:received")) for t in tokens)
    assert "hn:x-mailer" in tokens and "xm:bulk sender 2.0" in tokens


def test_url_domains_and_flags_are_tokens():
    parsed = parse_bytes(make_message(body="see http://www.shop.example.com/x now"))
    tokens = message_tokens(parsed, ["url_shortener"])
    assert "u:example.com" in tokens and "f:url_shortener" in tokens


def test_only_the_start_of_a_long_text_is_read():
    parsed = parse_bytes(make_message(body="word " * 5000 + "needle"))
    assert "needle" not in message_tokens(parsed)
