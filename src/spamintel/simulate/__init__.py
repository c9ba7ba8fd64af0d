"""World simulator: a ground-truth spam world sampled by trap and feed sensors.

``simulate(SimConfig(...))`` writes daily mbox (or .eml) files with SMTP session sidecars
plus Parquet ground truth; ``spamintel.simulate.replay.replay(ReplayConfig(...))`` speaks
the recorded sessions to an SMTP server. ``trap_received_line`` is shared with the trap
sensor, which imports this package while it loads, so the generator and replay are loaded
on first use.
"""

from typing import Any

from spamintel.simulate.loader import builtin_scenarios, load_scenario
from spamintel.simulate.received import trap_received_line
from spamintel.simulate.scenario import Scenario, ScenarioError

_LAZY = {
    "simulate": "generate",
    "SimConfig": "generate",
    "SimStats": "generate",
    "ReplayConfig": "replay",
    "ReplayStats": "replay",
}

__all__ = [
    "ReplayConfig",
    "ReplayStats",
    "Scenario",
    "ScenarioError",
    "SimConfig",
    "SimStats",
    "builtin_scenarios",
    "load_scenario",
    "simulate",
    "trap_received_line",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"spamintel.simulate.{_LAZY[name]}"), name)
    raise AttributeError(name)
