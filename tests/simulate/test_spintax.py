import random

import pytest

from spamintel.simulate.spintax import compile_spintax, render


def test_choices_nest_and_macros_expand():
    nodes = compile_spintax("{Hi|Hello {dear|my} friend}, [[first]]{!|}")
    seen = {render(nodes, random.Random(i), lambda m, a: m.upper()) for i in range(200)}
    assert seen == {"Hi, FIRST!", "Hi, FIRST", "Hello dear friend, FIRST!",
                    "Hello dear friend, FIRST", "Hello my friend, FIRST!", "Hello my friend, FIRST"}


def test_same_seed_same_text():
    nodes = compile_spintax("{a|b|c}{d|e}[[x:1]]")
    one = [render(nodes, random.Random(5), lambda m, a: a) for _ in range(3)]
    assert len(set(one)) == 1


@pytest.mark.parametrize("bad", ["{a|b", "a}b", "x [[url"])
def test_unbalanced_raises(bad):
    with pytest.raises(ValueError):
        compile_spintax(bad)


def test_compiled_renderer_matches_the_interpreter():
    from spamintel.simulate.spintax import compile_renderer

    nodes = compile_spintax("{Hi|Hello {dear|my [[w]]} friend}, [[first:x]]{!|} {a|b|c} end")
    fast = compile_renderer(nodes)
    for seed in range(50):
        slow = render(nodes, random.Random(seed), lambda m, a: m + a)
        rng = random.Random(seed)
        assert fast(rng.random, lambda m, a: m + a) == slow
    assert compile_renderer(())(random.random, lambda m, a: "") == ""
