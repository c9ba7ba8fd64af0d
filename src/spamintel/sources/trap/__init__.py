"""The SMTP spam-trap sensor: accepts everything, records how clients speak, loses nothing.

``Trap(cfg)`` runs inside an event loop; ``run_trap(cfg)`` is the blocking entry point.
"""

from spamintel.sources.trap.config import TrapConfig, load_trap_config
from spamintel.sources.trap.server import Trap, run_trap

__all__ = ["Trap", "TrapConfig", "load_trap_config", "run_trap"]
