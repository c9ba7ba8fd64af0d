import pickle
import subprocess
import sys

from spamintel.classify.lookup import TokenIndex

VOCAB = ["viagra", "meeting", "password", "s:cheap", "u:example.com"]


def test_rows_of_known_tokens_sorted_and_unknown_ignored():
    index = TokenIndex(VOCAB)
    assert index.rows({"password", "nothing", "viagra", "u:example.com"}) == [0, 2, 4]
    assert index.rows(set()) == []
    assert index.rows({"unknown"}) == []
    assert TokenIndex([]).rows({"viagra"}) == []


def test_unknown_tokens_pad_with_the_row_past_the_end():
    index = TokenIndex(VOCAB)
    padded = index.padded_rows(["zzz", "s:cheap", "yyy", "viagra"])
    assert padded == [5, 3, 5, 0]  # in the order given
    assert index.known(padded) == [0, 3]
    assert index.padded_rows({"zzz"}) == [5]
    assert index.known([5]) == []


def test_a_token_listed_twice_keeps_its_first_row():
    assert TokenIndex(["a", "b", "a"]).rows({"a", "b"}) == [0, 1]


def test_every_vocabulary_token_is_found():
    vocab = [f"t{i}" for i in range(5000)]
    index = TokenIndex(vocab)
    assert index.rows(set(vocab)) == list(range(5000))


def test_unpickled_in_a_process_with_other_string_hashes():
    blob = pickle.dumps(TokenIndex(VOCAB))
    code = ("import pickle, sys; i = pickle.loads(sys.stdin.buffer.read()); "
            "print(i.rows({'meeting', 's:cheap', 'zzz'}))")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True,
                             env={"PYTHONHASHSEED": seed}, check=True)
        assert out.stdout.decode().strip() == "[1, 3]"
