"""``spamintel export`` writes the files and prints their paths; clear errors otherwise."""

from typer.testing import CliRunner

from spamintel.cli import app


def _run(*args):
    return CliRunner().invoke(app, ["export", *map(str, args)])


def test_writes_the_files(store, tmp_path):
    result = _run("--store", store.path, "--format",
                  "rbldnsd,rbldnsd6,rpz,spamhaus-csv,stix,misp", "--out", tmp_path,
                  "--zone", "bl.example.org")
    assert result.exit_code == 0, result.output
    paths = result.stdout.split()
    assert sorted(paths) == sorted(str(p) for p in tmp_path.iterdir())
    assert len(paths) == 6
    assert "8 bot IPs, 5 domains, 1 file hashes" in result.stderr
    assert "91.200.12.1" in (tmp_path / "spamintel-bots.rbldnsd").read_text()
    assert "2a00:1450:4001:81b::/64" in (tmp_path / "spamintel-bots6.rbldnsd").read_text()


def test_window_and_confidence_options(store, tmp_path):
    result = _run("--store", store.path, "--format", "spamhaus-csv", "--out", tmp_path,
                  "--since", "2011-03-01", "--until", "2011-03-01", "--min-confidence", "0.99")
    assert result.exit_code == 0, result.output
    assert "2011-03-01..2011-03-01: 0 bot IPs" in result.stderr
    assert "nothing to list" in result.stderr
    assert (tmp_path / "spamintel-bots.csv").read_text().count("\n") == 1


def test_relays_from_the_config(store, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[parse]\ntrusted_relays = ["91.200.12.7"]\n')
    result = _run("--store", store.path, "--format", "spamhaus-csv", "--out", tmp_path,
                  "--config", config)
    assert result.exit_code == 0, result.output
    assert "91.200.12.7" not in (tmp_path / "spamintel-bots.csv").read_text()


def test_allow_list_file(store, tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("# ours\nkit-host.ru\n")
    result = _run("--store", store.path, "--format", "rpz", "--out", tmp_path / "f",
                  "--allow", allow)
    assert result.exit_code == 0, result.output
    rpz = (tmp_path / "f" / "spamintel.rpz").read_text()
    assert "evil-login.ru CNAME ." in rpz and "kit-host.ru" not in rpz


def test_unanalysed_store(unanalysed, tmp_path):
    result = _run("--store", unanalysed.path, "--out", tmp_path)
    assert result.exit_code == 1
    assert "run `spamintel analyze`" in result.stderr


def test_usage_errors(store, tmp_path):
    assert _run("--store", store.path, "--format", "pdf", "--out", tmp_path).exit_code == 2
    assert _run("--store", store.path, "--zone", "a b", "--out", tmp_path).exit_code == 2
    assert _run("--store", tmp_path / "nope", "--out", tmp_path).exit_code == 2
    assert _run("--store", store.path, "--since", "2011-03-20", "--until", "2011-03-01",
                "--out", tmp_path).exit_code == 2


def test_botnet_option_keeps_only_its_bots(store, tmp_path):
    result = _run("--store", store.path, "--format", "rbldnsd", "--out", tmp_path,
                  "--botnet", "rustock")
    assert result.exit_code == 0, result.output
    listed = [line for line in (tmp_path / "spamintel-bots.rbldnsd").read_text().splitlines()
              if line.startswith("91.200.12.")]
    assert listed and all("botnet Rustock" in line for line in listed)
