"""Hostile HTML and text take time linear in their length, and read as they did.

The reference patterns below are the ones the parser applied before (with ``re.sub``,
quadratic or 2,000 characters a "<" on these inputs): on short random markup the linear
code must give exactly what they gave.
"""

from __future__ import annotations

import html
import random
import re

import pytest

from spamintel.parse.text import html_to_text
from spamintel.parse.urls import find_urls

_SCRIPT = re.compile(r"<(script|style|head)\b[^<]*+(?:<(?!/\1\s*>)[^<]*+)*+</\1\s*>",
                     re.I | re.S)
_BLOCK = re.compile(r"<(?:br|p|div|tr|li|h\d)\b[^>]*>", re.I)


def _reference_text(markup: str, tag: re.Pattern[str]) -> str:
    markup = _BLOCK.sub("\n", _SCRIPT.sub(" ", markup))
    text = html.unescape(tag.sub(" ", markup))
    return "\n".join(filter(None, [" ".join(line.split()) for line in text.split("\n")]))


def test_html_reads_as_the_backtracking_patterns_read_it():
    rng = random.Random(8)
    tag = re.compile(r"<[^>]{0,2000}>", re.S)
    pieces = ["<script", "</script>", "<SCRIPT>", "</Script >", "<style", "</style>",
              "<head>", "</head>", "<br", "<br>", "<p ", ">", "<", " ", "x", "&amp;", "\n",
              "</scriptx>", "<scripts>", "<\u017fcript>", "<div", "<h1>", "y" * 1999]
    for _ in range(3000):
        markup = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert html_to_text(markup) == _reference_text(markup, tag)


def test_a_tag_opens_at_the_first_lt_at_most_2000_characters_before_its_gt():
    assert html_to_text("a < b <i>c") == "a c"
    assert html_to_text("a<" + "b" * 2000 + ">c") == "a c"
    far = "a<" + "b" * 2001
    assert html_to_text(far + ">c") == far + ">c"
    assert html_to_text(far + "<i>c") == far + " c"


@pytest.mark.parametrize("make, n", [
    (lambda n: "<script" * (n // 7), 20_000),
    (lambda n: "<br" * (n // 3), 20_000),
    (lambda n: "<StYlE<hEaD<" * (n // 12) + ">", 20_000),
], ids=["unclosed-scripts", "unclosed-breaks", "mixed-openings"])
def test_hostile_html_takes_linear_time(assert_linear, make, n):
    assert_linear(html_to_text, make, n)


def test_a_href_with_a_long_run_of_blanks_takes_linear_time(assert_linear):
    assert_linear(lambda markup: find_urls("", markup, 100),
                  lambda n: "<a href=" + " " * n + ">", 3_000)
    assert find_urls("", '<a href= \n "  http://a.example/x">', 10) == ["http://a.example/x"]


def test_links_inside_a_link_are_not_read_again():
    # 200,000 characters: a link every 2,004 (its 2,000 characters at most after "www."),
    # the same 99 times and a shorter one at the end; none read from inside another
    urls = find_urls("www." * 50_000, "", 100)
    assert urls == [("www." * 501).rstrip("."), ("www." * 401).rstrip(".")]
    assert find_urls("http://www.a.example/ www.b.example", "", 10) == [
        "http://www.a.example/", "www.b.example"]
