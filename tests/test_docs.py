"""Docs stay honest: every event column and config key is documented."""

import dataclasses
from pathlib import Path

from spamintel.config import Config
from spamintel.model import EVENT_COLUMNS, QUARANTINE_SCHEMA
from spamintel.store.views import ATTRIBUTION_COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def test_every_event_column_is_documented():
    text = (ROOT / "docs" / "events.md").read_text()
    names = [c.name for c in EVENT_COLUMNS] + list(ATTRIBUTION_COLUMNS)
    names += QUARANTINE_SCHEMA.names
    assert [n for n in names if f"`{n}`" not in text] == []


def _keys(obj, prefix=""):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if prefix or not dataclasses.is_dataclass(value):  # top-level tables are headings
            yield prefix + f.name, f.name
        if dataclasses.is_dataclass(value):
            yield from _keys(value, f"{prefix}{f.name}.")


def test_every_config_key_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [path for path, key in _keys(Config()) if f"`{key}`" not in text]
    assert missing == []
