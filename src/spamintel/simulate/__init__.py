"""World simulator: a ground-truth spam world sampled by trap and feed sensors.

``simulate(SimConfig(...))`` writes daily mbox (or .eml) files with SMTP session sidecars
plus Parquet ground truth; ``replay`` speaks the recorded sessions to an SMTP server.
"""

from spamintel.simulate.loader import builtin_scenarios, load_scenario
from spamintel.simulate.received import trap_received_line
from spamintel.simulate.scenario import Scenario, ScenarioError

__all__ = ["Scenario", "ScenarioError", "builtin_scenarios", "load_scenario", "trap_received_line"]
