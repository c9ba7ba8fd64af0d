"""Trap configuration: TOML loading, overrides, validation, and every key documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from spamintel.config import ConfigError, load_config
from spamintel.sources.trap import TrapConfig, load_trap_config

README = Path(__file__).resolve().parents[2] / "README.md"


def test_trap_table_and_overrides(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[trap]\ndomains = ["Trap.Test"]\nmax_recipients = 5\n'
                    '[store]\nbatch_size = 10\n')
    cfg = load_trap_config(path, sensor="s9", max_recipients=None)
    assert cfg.domains == ("trap.test",) and cfg.max_recipients == 5 and cfg.sensor == "s9"
    assert load_config(path).store.batch_size == 10


def test_a_file_of_pipeline_tables_only_gives_the_trap_defaults(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[parse]\nmax_urls = 10\n[store]\nbatch_size = 10\n')
    assert load_trap_config(path) == TrapConfig()
    path.write_text('sensor = "top"\n[store]\nbatch_size = 10\n')
    assert load_trap_config(path).sensor == "top"


def test_unknown_keys_and_bad_sync_are_refused(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[trap]\nmax_recipient = 5\n")
    with pytest.raises(ValueError, match="max_recipient"):
        load_trap_config(path)
    with pytest.raises(ConfigError, match="trap.sync must be one of group, fsync, none"):
        load_trap_config(None, sync="sometimes")
    with pytest.raises(ConfigError, match="trap.max_per_ip takes a whole number"):
        load_trap_config(None, max_per_ip="many")


def test_every_trap_key_is_documented_in_the_readme():
    text = README.read_text().split("## Running a trap", 1)[1]
    missing = [f.name for f in dataclasses.fields(TrapConfig) if f"\n{f.name} = " not in text]
    assert missing == []
