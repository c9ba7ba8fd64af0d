"""Where a calibration comes from: a TOML file, or a simulator ``scenario.json``.

Only what an operator knows about their own sensors is read (names, kinds, mailbox
shares); ground-truth tables are never consulted.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path

from spamintel.config import (
    AnalyzeConfig,
    CalibrationConfig,
    Config,
    ConfigError,
    config_table,
)


def calibration_from_scenario(path: str | Path, unit: str = "messages") -> CalibrationConfig:
    """Calibration from a scenario file: each sensor's declared share of the world's mail
    (``effective_share`` when the file gives one, i.e. after the run's scale)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    sensors = data.get("sensors", data) if isinstance(data, dict) else data
    if isinstance(sensors, dict):
        sensors = [dict(v, name=k) if isinstance(v, dict) else {"name": k, "share": v}
                   for k, v in sensors.items()]
    shares = {str(s["name"]): float(s.get("effective_share") or s["share"])
              for s in sensors if s.get("effective_share") or s.get("share")}
    mixed = tuple(str(s["name"]) for s in sensors if s.get("kind") not in (None, "trap"))
    return CalibrationConfig(unit=unit, sensor_shares=shares, mixed_sensors=mixed,
                             data_source=_simulated(data))


def _simulated(data: object) -> str:
    """What a simulator's scenario file says of its world ('' for a plain share list)."""
    if not isinstance(data, dict) or "seed" not in data:
        return ""
    return (f"a simulated world (scenario {data.get('name', '?')}, seed {data['seed']}, "
            f"scale {data.get('scale', 1)})")


def calibration_from_toml(path: str | Path) -> CalibrationConfig:
    """Calibration from ``[analyze.calibration]`` (or a top-level ``[calibration]``), with
    the checks of a config file (``ConfigError`` names the key and the reason)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read calibration {path}: {exc}") from exc
    analyze = data.get("analyze")
    if isinstance(analyze, dict):
        return config_table(CalibrationConfig, analyze.get("calibration", {}),
                            "analyze.calibration.")
    return config_table(CalibrationConfig, data.get("calibration", {}), "calibration.")


def load_calibration(path: str | Path) -> CalibrationConfig:
    """A calibration from ``.json`` (scenario) or ``.toml`` files."""
    if str(path).endswith(".json"):
        return calibration_from_scenario(path)
    return calibration_from_toml(path)


def with_calibration(cfg: Config, cal: CalibrationConfig) -> Config:
    """``cfg`` with its analysis calibration replaced."""
    analyze: AnalyzeConfig = dataclasses.replace(cfg.analyze, calibration=cal)
    return dataclasses.replace(cfg, analyze=analyze)
