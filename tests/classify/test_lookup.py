import pickle
import subprocess
import sys

import numpy as np

from spamintel.classify.lookup import TokenIndex, token_hashes

VOCAB = ["viagra", "meeting", "password", "s:cheap", "u:example.com"]


def test_rows_of_known_tokens_sorted_and_unknown_ignored():
    index = TokenIndex(VOCAB)
    assert index.rows({"password", "nothing", "viagra", "u:example.com"}) == [0, 2, 4]
    assert index.rows(set()) == []
    assert index.rows({"unknown"}) == []
    assert TokenIndex([]).rows({"viagra"}) == []


def test_tokens_hashing_beyond_either_end_of_the_vocabulary():
    index = TokenIndex(VOCAB)
    top, bottom = max(map(hash, VOCAB)), min(map(hash, VOCAB))
    outside = [f"x{i}" for i in range(200) if not bottom <= hash(f"x{i}") <= top]
    assert outside  # some of 200 random strings hash outside the five vocabulary hashes
    assert index.rows(set(outside)) == []
    assert index.rows(set(outside) | {"meeting"}) == [1]


def test_every_vocabulary_token_is_found():
    vocab = [f"t{i}" for i in range(5000)]
    index = TokenIndex(vocab)
    assert index.rows(set(vocab)) == list(range(5000))


def test_values_are_gathered_for_the_tokens_found():
    values = np.arange(10.0).reshape(5, 2)
    index = TokenIndex(VOCAB, values)
    found = index.found({"zzz", "s:cheap", "viagra"})
    assert sorted(map(tuple, index.gather(found).tolist())) == [(0.0, 1.0), (6.0, 7.0)]
    assert index.rows_of(found) == [0, 3]


def test_a_token_listed_twice_keeps_its_first_row():
    assert TokenIndex(["a", "b", "a"]).rows({"a", "b"}) == [0, 1]


def test_unpickled_in_a_process_with_other_string_hashes():
    blob = pickle.dumps(TokenIndex(VOCAB, np.arange(5.0).reshape(5, 1)))
    code = ("import pickle, sys; i = pickle.loads(sys.stdin.buffer.read()); "
            "f = i.found({'meeting', 's:cheap', 'zzz'}); "
            "print(i.rows_of(f), sorted(i.gather(f)[:, 0].tolist()))")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True,
                             env={"PYTHONHASHSEED": seed}, check=True)
        assert out.stdout.decode().strip() == "[1, 3] [1.0, 3.0]"


def test_many_messages_found_at_once_as_one_by_one():
    vocab = [f"t{i}" for i in range(3000)] + VOCAB
    index = TokenIndex(vocab, np.arange(len(vocab) * 2, dtype=np.float16).reshape(-1, 2))
    messages = [{"viagra", "zzz", "t7"}, set(), {"nothing"}, set(vocab[::7]) | {"q", "r"}]
    found = index.found_many(np.concatenate([token_hashes(m) for m in messages]))
    owner = np.repeat(np.arange(4), [len(m) for m in messages])
    assert len(found) == len(owner)
    for i, tokens in enumerate(messages):
        mine = found[owner == i]
        assert sorted(mine[mine >= 0].tolist()) == sorted(index.found(tokens).tolist())
    assert TokenIndex([]).found_many(token_hashes(vocab)).tolist() == [-1] * len(vocab)


def test_sums_by_owner_only_when_exact():
    values = np.array([[0.5, -1.0], [2.0, 0.25], [1024.0, 3.0]], np.float16)
    index = TokenIndex(["a", "b", "c"], values)
    found = index.found_many(token_hashes(["a", "b", "c"]))
    assert index.sums_by_owner(found, np.array([0, 0, 1]), 3) == [[2.5, 1024.0, 0.0],
                                                                  [-0.75, 3.0, 0.0]]
    assert index.exact_terms == 2**29 // 1024
    assert TokenIndex(["a"], np.ones((1, 2))).sums_by_owner(found[:1], np.zeros(1, int), 1) \
        is None
