"""The export job end to end: every format written, nothing hostile in any file."""

from datetime import date

import pytest

from spamintel.export import FORMATS, Window, check_formats, check_zone, export, export_window


def test_writes_one_file_per_format(store, now, tmp_path):
    result = export(store, tmp_path, list(FORMATS), export_window(store), now=now)
    assert [p.name for p in result.paths] == [name for name, _ in FORMATS.values()]
    assert all(p.stat().st_size > 0 for p in result.paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in result.paths)
    assert set(result.seconds) == {"select", *FORMATS}


def test_nothing_hostile_reaches_a_file(store, now, tmp_path):
    result = export(store, tmp_path, list(FORMATS), Window(date(2011, 3, 1), date(2011, 3, 31)),
                    now=now)
    for path in result.paths:
        text = path.read_text()
        for marker in ("inject", "quote", "slash", "under_score", "not-a-hash", "aaaaaaaaaa"):
            assert marker not in text, (path.name, marker)


def test_empty_window_writes_valid_empty_files(store, now, tmp_path):
    result = export(store, tmp_path, ["spamhaus-csv", "rbldnsd"],
                    Window(date(2012, 1, 1), date(2012, 1, 7)), now=now)
    assert result.indicators.all() == ()
    assert result.paths[0].read_text().count("\n") == 1


def test_formats_and_zone_checked():
    assert check_formats(["rpz", "stix", "rpz"]) == ("rpz", "stix")
    with pytest.raises(ValueError, match="unknown format csv"):
        check_formats(["csv"])
    assert check_zone("RPZ.Example.org") == "rpz.example.org"
    with pytest.raises(ValueError):
        check_zone("rpz.example.org\n@ NS evil.")
