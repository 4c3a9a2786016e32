"""Mines: produce lots, couple by-products, and dispatch by offtake share.

Each lot period a mine draws one output factor (mean 1) and produces its main
commodities at ``rate x mean interval x factor``; each by-product is its ratio times the
main product of the *same* lot, so cobalt follows copper up and down. Output joins the
stockyard, and everything above the working stock (the initial stock) is dispatched at
once: split over channels by the offtake shares, each share on the route its channel's
router picks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.world.lots import Lot
from sim.world.routing import Router
from sim.world.sites import SiteBase

if TYPE_CHECKING:
    from sim.world.world import World

_EPS = 1e-12


class Mine(SiteBase):
    """A mine with its stockyard.

    *main* lists (commodity, tonnes per lot at factor 1); *coupled* lists (by-product,
    main product, ratio); *offtake* is an array [commodity, channel] of shares; *routers*
    maps (commodity, channel) to a :class:`Router`; *forms* maps commodity to
    (product tonnes per tonne of metal, trucks per tonne of metal).
    """

    kind = "mine"

    def __init__(self, world: World, index: int, site_id: str, spec: Any,
                 main: list[tuple[int, float]], coupled: list[tuple[int, int, float]],
                 offtake: np.ndarray, routers: dict[tuple[int, int], Router],
                 forms: dict[int, tuple[float, float]], variability: Any) -> None:
        super().__init__(world, index, site_id, spec)
        self.main = main
        self.coupled = coupled
        self.offtake = offtake
        self.routers = routers
        self.forms = forms
        self.variability = variability
        self.stock = np.zeros(self.n_com)
        for com, t in spec.initial_stock_t.items():
            self.stock[world.commodity_index[com]] += t
        self.working_stock = self.stock.copy()
        """Stock the mine keeps on hand; only metal above it is dispatched."""
        self.commodities = sorted({c for c, _ in main} | {c for c, _, _ in coupled})
        self._mined = world.ledger.mined

    def produce(self) -> None:
        """Produce one lot and dispatch what is above the working stock."""
        f = self.variability() * self.capacity_factor
        amounts: dict[int, float] = {}
        for c, t in self.main:
            amounts[c] = t * f
        for c, parent, ratio in self.coupled:
            amounts[c] = ratio * amounts[parent]
        index = self.index
        offtake = self.offtake
        for c, t in amounts.items():
            if t <= 0.0:
                continue
            self._mined[index, c] += t
            self.world.record_mined(c, offtake[c] * t)
            self.stock[c] += t
        self.dispatch()

    def dispatch(self) -> None:
        """Ship everything above the working stock, split by offtake shares."""
        now = self.env.now
        index = self.index
        site_out = self._site_out
        for c in self.commodities:
            avail = self.stock[c] - self.working_stock[c]
            if avail <= _EPS:
                continue
            product_per_t, trucks_per_t = self.forms[c]
            shares = self.offtake[c]
            sent = 0.0
            for k in np.flatnonzero(shares):
                t = avail * shares[k]
                option = self.routers[(c, int(k))].choose(t)
                lot = Lot(c, int(k), t, product_per_t, trucks_per_t, option.legs, option.index,
                          index, now)
                site_out[index, c] += t
                sent += t
                option.legs[0].enter(lot)
            self.stock[c] -= sent

    def held(self) -> np.ndarray:
        return self.stock.copy()
