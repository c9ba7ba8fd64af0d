from spamintel.memo import Memo


def test_memo_answers_remembers_and_stays_bounded():
    calls = []

    def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    memo = Memo(double, size=3)
    assert [memo[i] for i in (1, 2, 1, 2)] == [2, 4, 2, 4] and calls == [1, 2]
    for i in range(10):
        assert memo[i] == 2 * i
    assert len(memo) <= 3


def test_memo_does_not_keep_refused_keys():
    memo = Memo(str.lower, size=10, keep=lambda name: len(name) <= 5)
    assert memo["ABC"] == "abc" and memo["X" * 100] == "x" * 100
    assert list(memo) == ["ABC"]
