"""The markets' day: other supply arrives, markets consume from stock, prices move.

Every market's stock, demand and other supply are kept as one flat row over [market x
commodity] slots (slot ``j`` is commodity ``j % n_commodities``), so the daily step is a few
dozen floats, where numpy's per-call cost would dominate: rows of the hot path's kind
(:data:`~sim.world.floatrows.FloatRow`, unboxed in the compiled build). The world keeps the
arrays and the ledger; this module holds only the arithmetic and the price state.

One of the modules the compiled build compiles (``setup.py``): the step then runs as C,
with the same floating-point operations in the same order as in plain Python.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.world.floatrows import float_row

if TYPE_CHECKING:
    from sim.world.floatrows import FloatRow


class MarketStep:
    """The daily market and price step of ``n_commodities`` commodities.

    Per commodity: ``alpha`` is the price's daily smoothing weight (``1 - exp(-1 /
    price_window_days)``), ``inv_eps`` 1 / demand elasticity (0: the price never moves),
    ``price_cap`` the highest price index (its inverse is the lowest), ``supply_basis``
    whether the price reads scarcity from supply (tonnes reaching markets) rather than
    from consumption, ``supply_eps`` the elasticity of other supply to the price (0: none)
    and ``supply_alpha`` that supply's daily smoothing weight. ``other`` is each slot's
    other supply, tonnes a day at the reference price. The lists given are copied into
    rows (:func:`~sim.world.floatrows.float_row`); so are those :meth:`set_demand` and
    :meth:`set_price_factor` take.
    """

    def __init__(self, alpha: list[float], inv_eps: list[float], price_cap: list[float],
                 supply_basis: list[bool], supply_eps: list[float], supply_alpha: list[float],
                 other: list[float]) -> None:
        n_c = len(alpha)
        n = len(other)
        self.n_commodities = n_c
        self.alpha: FloatRow = float_row(alpha)
        self.inv_eps: FloatRow = float_row(inv_eps)
        self.price_cap: FloatRow = float_row(price_cap)
        self.price_floor: FloatRow = float_row([1.0 / cap for cap in price_cap])
        self.supply_basis = supply_basis
        self.any_supply_basis = any(supply_basis)
        self.supply_eps: FloatRow = float_row(supply_eps)
        self.supply_alpha: FloatRow = float_row(supply_alpha)
        self.supply_responds = any(supply_eps)
        self.other: FloatRow = float_row(other)
        self.price: FloatRow = float_row([1.0] * n_c)
        """Today's price index by commodity (1 = reference price)."""
        self.price_state: FloatRow = float_row([1.0] * n_c)
        """Smoothed ratio of consumption (or supply) to demand, by commodity."""
        self.supply_price: FloatRow = float_row([1.0] * n_c)
        """Price index as other supply sees it (smoothed over its response time)."""
        self.price_factor: FloatRow = float_row([1.0] * n_c)
        """Exogenous factors on the price index (shocks' price modifiers: set by
        :meth:`set_price_factor`)."""
        self.transferred: FloatRow = float_row([0.0] * n_c)
        """Net tonnes stockpile rules moved into markets since the last step: supply for a
        price on ``supply``, as they land after the day's step."""
        self.demand: FloatRow = float_row([0.0] * n)
        """Each slot's demand, tonnes a day (set by :meth:`set_demand`)."""
        self.total_demand_safe: FloatRow = float_row([1e-300] * n_c)
        self.no_total_demand = [True] * n_c
        self.consumed: FloatRow = float_row([0.0] * n)
        """What each slot consumed on the last day (rewritten by each step)."""
        self.stock_after: list[float] = [0.0] * n
        """What each slot held when the last day's consumption was done (the list of
        stocks the last step was given, a list: the world's stocks are a numpy array,
        which a list takes and gives back in one call each)."""
        self._supplied: FloatRow = float_row([0.0] * n)
        """The other supply each slot received on the last day, where it answers the price
        (rewritten by each step)."""
        self._supply_factor: FloatRow = float_row([1.0] * n_c)
        """The factor on other supply of each commodity on the last day."""

    def set_demand(self, demand: list[float], total_demand: list[float]) -> None:
        """Each slot's demand now and each commodity's total over markets, tonnes a day."""
        self.demand = float_row(demand)
        self.total_demand_safe = float_row([max(t, 1e-300) for t in total_demand])
        self.no_total_demand = [t <= 0.0 for t in total_demand]

    def set_price_factor(self, factors: list[float]) -> None:
        """The exogenous factor on each commodity's price index from now on."""
        self.price_factor = float_row(factors)

    def reset_prices(self) -> None:
        """Prices and what they are smoothed from back at the reference level."""
        for c in range(self.n_commodities):
            self.price_state[c] = 1.0
            self.price[c] = 1.0
            self.supply_price[c] = 1.0

    def step(self, stock: list[float], arrivals: list[float] | None) -> FloatRow:
        """One day: every slot receives its other supply and consumes up to its demand from
        ``stock`` (updated in place; :attr:`consumed` and :attr:`stock_after` say what it
        did), then each commodity's price index moves toward what consumption (or, on a
        supply basis with ``arrivals``, the tonnes that reached markets today by commodity)
        says about scarcity. Returns the other supply each slot received."""
        n_c = self.n_commodities
        n = len(self.demand)
        demand = self.demand
        supplied: FloatRow
        if self.supply_responds:
            # Other supply follows yesterday's price, smoothed over the response time.
            sp = self.supply_price
            factor = self._supply_factor
            for c in range(n_c):
                sp[c] = sp[c] + self.supply_alpha[c] * (self.price[c] - sp[c])
                factor[c] = sp[c] ** self.supply_eps[c]
            supplied = self._supplied
            other = self.other
            for j in range(n):
                supplied[j] = other[j] * factor[j % n_c]
        else:
            supplied = self.other
        consumed = self.consumed
        for j in range(n):
            have = stock[j] + supplied[j]
            want = demand[j]
            used = have if have < want else want
            stock[j] = have - used
            consumed[j] = used
        self.stock_after = stock  # as consumption left it, whatever moves it later
        price_state = self.price_state
        price = self.price
        for c in range(n_c):
            if self.supply_basis[c] and arrivals is not None:
                basis = arrivals[c] + self.transferred[c] + _column_sum(supplied, c, n_c)
                self.transferred[c] = 0.0
            else:
                basis = _column_sum(consumed, c, n_c)
            ratio = 1.0 if self.no_total_demand[c] else basis / self.total_demand_safe[c]
            price_state[c] = price_state[c] + self.alpha[c] * (ratio - price_state[c])
            # In logs, so that no elasticity, however small, can overflow.
            log_raw = math.log(max(price_state[c], 1e-12)) * self.inv_eps[c]
            raw = math.exp(min(log_raw, 700.0))
            price[c] = min(max(raw * self.price_factor[c], self.price_floor[c]),
                           self.price_cap[c])
        return supplied


def _column_sum(flat: FloatRow, c: int, n_c: int) -> float:
    """Sum of commodity ``c``'s slots in a flat [market x commodity] list."""
    total = 0.0
    for j in range(c, len(flat), n_c):
        total += flat[j]
    return total
