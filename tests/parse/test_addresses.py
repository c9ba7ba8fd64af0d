import pytest

from spamintel.parse.addresses import count_addresses, split_address


@pytest.mark.parametrize("value, expected", [
    ('"Jamaal Smith" <Pow@Cipsabilbao.net>', ("Jamaal Smith", "pow@cipsabilbao.net")),
    ("bob@example.org (Bob)", ("Bob", "bob@example.org")),
    ("<>", (None, None)),
    ("", (None, None)),
    ("Undisclosed recipients", ("Undisclosed recipients", None)),
])
def test_split_address(value, expected):
    assert split_address(value) == expected


def test_count_addresses():
    assert count_addresses("a@x.org, \"B, C\" <b@y.org>, c@z.org") == 3
    assert count_addresses("undisclosed-recipients:;") == 0


@pytest.mark.parametrize("pad", [0, 300])  # a short value may come from a memo, a long one not
def test_a_repeated_or_long_address_line_splits_the_same(pad):
    value = '"Ann ' + "x" * pad + '" <Ann@Example.org>'
    expected = (("Ann " + "x" * pad).strip(), "ann@example.org")
    assert split_address(value) == split_address(value) == expected
