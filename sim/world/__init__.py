"""The simulated world: SimPy components for mines, lanes, border posts, ports, refiners and
markets, and the ledger that accounts for every tonne."""

from sim.world.ledger import Ledger, MassBalanceError
from sim.world.world import World

__all__ = ["Ledger", "MassBalanceError", "World"]
