import random

import pytest

from spamintel.fingerprint.minhash import body_minhash, body_minhashes, normalise

WORDS = [f"word{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(600)]


def _digest(text: str, extra: tuple[str, ...] = ()) -> list[int]:
    return body_minhash(normalise(text), list(extra), 128)


def _estimate(a: list[int], b: list[int]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def test_numbers_links_case_punctuation_and_spacing_do_not_split_a_campaign():
    a = _digest("Order NOW: only $19.99 at http://shop-one.example/x?id=1 today!")
    b = _digest("order now   only $24.50 at https://www.other.example/y today\u00a0")
    assert a == b and len(a) == 128


def test_word_order_and_extra_features_change_the_digest():
    base = _digest("cheap pills shipped overnight to your door")
    assert _digest("overnight pills shipped cheap to your door") != base
    assert _digest("cheap pills shipped overnight to your door", ("pills.example",)) != base


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_estimate_follows_the_true_shingle_jaccard(seed):
    rng = random.Random(seed)
    base = [rng.choice(WORDS) for _ in range(300)]
    for keep in (0.95, 0.7, 0.4, 0.0):
        other = [w if rng.random() < keep else rng.choice(WORDS) for w in base]
        a, b = " ".join(base), " ".join(other)
        truth = len(_shingles(a) & _shingles(b)) / len(_shingles(a) | _shingles(b))
        assert _estimate(_digest(a), _digest(b)) == pytest.approx(truth, abs=0.15)


def test_short_and_empty_texts():
    assert _digest("") == [] and _digest("  ...  ") == []
    one, two = _digest("hello"), _digest("hello there")
    assert len(one) == len(two) == 128 and one != two
    assert len(_digest("", ("only-a-link.example",))) == 128


def test_a_batch_gives_each_message_its_own_digest():
    rng = random.Random(5)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 500))) for _ in range(300)]
    texts[7] = "один два три четыре 東京 大阪"  # multi-byte words
    extras = [[f"d{i % 4}.example"] if i % 3 else [] for i in range(300)]
    normalised = [normalise(t) for t in texts]
    batch = body_minhashes(normalised, extras, 64)  # more bytes than one hashing pass
    assert batch == [body_minhash(n, e, 64) for n, e in zip(normalised, extras, strict=True)]
    assert batch[7] != body_minhash(normalise("один два три четыре 東京 京都"), extras[7], 64)


@pytest.mark.parametrize("text, words", [
    ("no links here", "no links here"),
    ("a www.x.org/p b HTTP://y.org c", "a urltoken b urltoken c"),
    ("http://first.example www.second.example", "urltoken urltoken"),
    ("x(https://a.example/q?1)y", "x urltoken"),
    ("www. then http", "www then http"),
    ("hhttp://a.b http wwww.c.d http://e www.", "h urltoken http w urltoken urltoken www"),
])
def test_links_become_one_token_wherever_they_are(text, words):
    assert normalise(text).split() == words.encode().split()
