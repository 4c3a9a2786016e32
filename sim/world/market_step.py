"""The markets' day: other supply arrives, markets consume from stock, prices move.

Every market's stock, demand and other supply are kept as one flat list over [market x
commodity] slots (slot ``j`` is commodity ``j % n_commodities``), so the daily step is a few
dozen plain floats, where numpy's per-call cost would dominate. The world keeps the arrays
and the ledger; this module holds only the arithmetic and the price state.

One of the modules the compiled build compiles (``setup.py``): the step then runs as C,
with the same floating-point operations in the same order as in plain Python.
"""

from __future__ import annotations

import math


class MarketStep:
    """The daily market and price step of ``n_commodities`` commodities.

    Per commodity: ``alpha`` is the price's daily smoothing weight (``1 - exp(-1 /
    price_window_days)``), ``inv_eps`` 1 / demand elasticity (0: the price never moves),
    ``price_cap`` the highest price index (its inverse is the lowest), ``supply_basis``
    whether the price reads scarcity from supply (tonnes reaching markets) rather than
    from consumption, ``supply_eps`` the elasticity of other supply to the price (0: none)
    and ``supply_alpha`` that supply's daily smoothing weight. ``other`` is each slot's
    other supply, tonnes a day at the reference price.
    """

    def __init__(self, alpha: list[float], inv_eps: list[float], price_cap: list[float],
                 supply_basis: list[bool], supply_eps: list[float], supply_alpha: list[float],
                 other: list[float]) -> None:
        n_c = len(alpha)
        self.n_commodities = n_c
        self.alpha = alpha
        self.inv_eps = inv_eps
        self.price_cap = price_cap
        self.price_floor = [1.0 / cap for cap in price_cap]
        self.supply_basis = supply_basis
        self.any_supply_basis = any(supply_basis)
        self.supply_eps = supply_eps
        self.supply_alpha = supply_alpha
        self.supply_responds = any(supply_eps)
        self.other = other
        self.price = [1.0] * n_c
        """Today's price index by commodity (1 = reference price)."""
        self.price_state = [1.0] * n_c
        """Smoothed ratio of consumption (or supply) to demand, by commodity."""
        self.supply_price = [1.0] * n_c
        """Price index as other supply sees it (smoothed over its response time)."""
        self.price_factor = [1.0] * n_c
        """Exogenous factors on the price index (shocks' price modifiers)."""
        self.transferred = [0.0] * n_c
        """Net tonnes stockpile rules moved into markets since the last step: supply for a
        price on ``supply``, as they land after the day's step."""
        self.demand: list[float] = [0.0] * len(other)
        """Each slot's demand, tonnes a day (set by :meth:`set_demand`)."""
        self.total_demand_safe = [1e-300] * n_c
        self.no_total_demand = [True] * n_c
        self.consumed = [0.0] * len(other)
        """What each slot consumed on the last day."""
        self.stock_after = [0.0] * len(other)
        """What each slot held when the last day's consumption was done."""

    def set_demand(self, demand: list[float], total_demand: list[float]) -> None:
        """Each slot's demand now and each commodity's total over markets, tonnes a day."""
        self.demand = demand
        self.total_demand_safe = [max(t, 1e-300) for t in total_demand]
        self.no_total_demand = [t <= 0.0 for t in total_demand]

    def reset_prices(self) -> None:
        """Prices and what they are smoothed from back at the reference level."""
        n_c = self.n_commodities
        self.price_state[:] = [1.0] * n_c
        self.price[:] = [1.0] * n_c
        self.supply_price[:] = [1.0] * n_c

    def step(self, stock: list[float], arrivals: list[float] | None) -> list[float]:
        """One day: every slot receives its other supply and consumes up to its demand from
        ``stock`` (updated in place; :attr:`consumed` and :attr:`stock_after` say what it
        did), then each commodity's price index moves toward what consumption (or, on a
        supply basis with ``arrivals``, the tonnes that reached markets today by commodity)
        says about scarcity. Returns the other supply each slot received."""
        n_c = self.n_commodities
        n = len(self.demand)
        demand = self.demand
        supplied: list[float]
        if self.supply_responds:
            # Other supply follows yesterday's price, smoothed over the response time.
            sp = self.supply_price
            factor: list[float] = []
            for c in range(n_c):
                sp[c] = sp[c] + self.supply_alpha[c] * (self.price[c] - sp[c])
                factor.append(sp[c] ** self.supply_eps[c])
            supplied = [self.other[j] * factor[j % n_c] for j in range(n)]
        else:
            supplied = self.other
        consumed = [0.0] * n
        for j in range(n):
            have = stock[j] + supplied[j]
            want = demand[j]
            used = have if have < want else want
            stock[j] = have - used
            consumed[j] = used
        self.consumed = consumed
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


def _column_sum(flat: list[float], c: int, n_c: int) -> float:
    """Sum of commodity ``c``'s slots in a flat [market x commodity] list."""
    total = 0.0
    for j in range(c, len(flat), n_c):
        total += flat[j]
    return total
