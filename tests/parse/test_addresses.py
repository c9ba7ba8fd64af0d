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
