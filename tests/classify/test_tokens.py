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


def _reference_words(text: str) -> set[str]:
    """The definition the fast tokeniser must match: ``\\w\\w+`` runs of the lower-cased
    text, function words dropped, plus character pairs of CJK runs."""
    import re

    from spamintel.classify.tokens import STOPWORDS

    low = text.lower()
    words = set(re.findall(r"\w\w+", low)) - STOPWORDS
    for run in re.findall(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,}", low):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return words


def test_fast_tokeniser_matches_the_word_definition():
    import random

    samples = [
        "snake_case and CamelCase, e-mail: a.b@c.de 42x 7 __ x",
        "Crème brûlée\u00a0costs 5€ — naïve café’s «menu» İstanbul ǅemal",
        "代开发票 mixed中文text ・カタカナ ー 한국어 단어",
        "lone \ud800 surrogate \udcff and tabs\tand\x0bvertical\x1cseparators",
        "",
    ]
    rng = random.Random(7)
    alphabet = "aZ_9 .,-\t\n\u00e9\u00a0\u2019\u4e2d\u6587\u0301\u0410\u0451\U0001f600"
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
                for _ in range(300)]
    for text in samples:
        assert text_tokens(text) == _reference_words(text), text


def test_header_value_words_match_the_word_definition():
    import random
    import re

    from spamintel.classify.tokens import _lower_words

    rng = random.Random(11)
    alphabet = "aZ_9 .,-<>@\t\x1c\x1f=\u00e9\u0130\u212a"
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
               for _ in range(2000)]
    samples += ["<20070408.ABC_12@mail.Example.COM>", "Outlook Express 6.00.2900", "x y z"]
    for text in samples:
        assert _lower_words(text) == re.findall(r"\w\w+", text.lower()), text
