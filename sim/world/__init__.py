"""The simulated world: SimPy components for mines, lanes, border posts, ports, refiners and
markets, and the ledger that accounts for every tonne.

``World``, ``Ledger`` and ``MassBalanceError`` are imported on first use, so that a module
needing one component (shocks need :mod:`sim.world.element`) does not pull in the whole
world, which itself needs the shocks: importing ``sim.shocks`` first works too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_dir, lazy_exports

_EXPORTS = {"Ledger": "sim.world.ledger", "MassBalanceError": "sim.world.ledger",
            "World": "sim.world.world"}

__all__ = sorted(_EXPORTS)


if not TYPE_CHECKING:  # else type checkers read every attribute, misspelt ones too, as Any
    __getattr__ = lazy_exports(__name__, _EXPORTS)

__dir__ = lazy_dir(__name__, _EXPORTS)


if TYPE_CHECKING:
    from sim.world.ledger import Ledger as Ledger
    from sim.world.ledger import MassBalanceError as MassBalanceError
    from sim.world.world import World as World
