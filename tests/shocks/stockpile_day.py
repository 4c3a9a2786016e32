"""What a stockpile rule reads and moves at a day's end, for one market and commodity: a
stand-in for the world in exact tests of :class:`sim.shocks.policies.StockpileController`."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np


class MarketDay:
    """A market of 100 t/day of demand that consumed ``consumed`` and was left with
    ``left`` tonnes by the day's consumption, holding ``stock_now`` when the rule steps
    (``left`` unless another rule moved stock since), at price index ``price``; a reserve
    of 5,000 t."""

    def __init__(self, consumed: float, left: float, price: float = 1.0,
                 stock_now: float | None = None) -> None:
        self.env = SimpleNamespace(now=10.0)
        self.price = np.array([price])
        self.consumed, self.left = consumed, left
        self.market = SimpleNamespace(stock=np.array([left if stock_now is None
                                                      else stock_now]))
        self.reserve = SimpleNamespace(stock=np.array([5000.0]))
        self.timeline = SimpleNamespace(add=lambda *row: None)

    def last_shortfall_share(self, market, commodity, without_t=0.0):
        had = max(self.consumed + self.left - without_t, 0.0)
        return (100.0 - min(100.0, had)) / 100.0

    def stock_left_by_consumption(self, market, commodity):
        return self.left

    def transfer(self, source, target, commodity, tonnes):
        source.stock[commodity] -= tonnes
        target.stock[commodity] += tonnes
