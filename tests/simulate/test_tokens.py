import random

from spamintel.simulate.tokens import RESERVED, alnum, between, cum_table, lower, weighted


class Rigged(random.Random):
    """First draw spells 'grum' (5 bits per letter), later draws are random."""

    def __init__(self):
        super().__init__(1)
        self.first = 6 | 17 << 5 | 20 << 10 | 12 << 15

    def getrandbits(self, k):
        if self.first is not None:
            value, self.first = self.first, None
            return value
        return super().getrandbits(k)


def test_tokens_never_spell_a_family():
    assert "grum" in RESERVED
    token = lower(Rigged(), 4)
    assert len(token) == 4 and token != "grum"
    rng = random.Random(1)
    words = {lower(rng, 5) for _ in range(2000)} | {alnum(rng, 4).lower() for _ in range(2000)}
    assert not words & RESERVED


def test_weighted_and_between():
    rng = random.Random(2)
    table = cum_table({"a": 1.0, "b": 3.0})
    picks = [weighted(rng, table) for _ in range(4000)]
    assert 0.7 < picks.count("b") / len(picks) < 0.8
    assert {between(rng, 3, 5) for _ in range(200)} == {3, 4, 5}
