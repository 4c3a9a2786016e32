"""The ledger: where every tonne went, and the mass-balance check that proves it.

The ledger records *flows* only: tonnes mined, tonnes entering and leaving each site and
each lane, consumed, lost and supplied from outside the network. Stocks are not kept here:
each component reports what it physically holds (lots in its queues, metal in its bins).
:meth:`Ledger.check_mass_balance` compares the two for every site and lane::

    held now = held at start + in - out + mined + supplied + adjusted - consumed - lost

(for a lane: held now = held at start + in - out - seized)

so a component that moves metal without recording it (or records without moving) is
caught, and the error names the site or lane and the commodity.
"""

from __future__ import annotations

import array
from dataclasses import dataclass

import numpy as np


class MassBalanceError(RuntimeError):
    """Metal appeared or vanished: the ledger and the physical holdings disagree."""


@dataclass
class BalanceReport:
    """Result of a mass-balance check."""

    max_abs_error_t: np.ndarray
    """Largest absolute error per commodity, tonnes."""
    scale_t: float
    """Largest flow or stock, tonnes (the tolerance is relative to it)."""
    worst: tuple[str, str, float] | None
    """(site or lane, commodity, error in tonnes) of the largest error."""


SITE_ACCOUNTS = ("mined", "site_in", "site_out", "consumed", "lost", "supplied", "adjusted")
LANE_ACCOUNTS = ("lane_in", "lane_out", "lane_lost")
_SITE_SIGNS = {"mined": 1.0, "site_in": 1.0, "site_out": -1.0, "consumed": -1.0, "lost": -1.0,
               "supplied": 1.0, "adjusted": 1.0}
_LANE_SIGNS = {"lane_in": 1.0, "lane_out": -1.0, "lane_lost": -1.0}


class Ledger:
    """Flow accounts per site and lane and commodity, in tonnes of contained metal.

    Accounts (indexed ``[site or lane, commodity]``) are cumulative since the start of the
    warm-up, and all but ``adjusted`` only ever grow (``adjusted`` books the stocks reset to
    their start-date levels after the warm-up, up or down). The site accounts share one
    flat buffer of doubles, the lane accounts another, so what every site should hold is
    one matrix product.
    Components add to their own row through ``rows(account)[i]`` (a memoryview: a fraction
    of the cost of a numpy scalar update on the hot path), while ``ledger.site_in`` and the
    other attributes of the same names are live numpy views of the same memory.

    Site accounts: ``mined``, ``site_in``, ``site_out``, ``consumed``, ``lost`` (refining
    losses and seizures), ``supplied`` (metal from outside the network) and ``adjusted``
    (stocks set to their start-date levels after the warm-up). Lane accounts: ``lane_in``,
    ``lane_out`` and ``lane_lost`` (seizures on lanes).
    """

    def __init__(self, n_sites: int, n_lanes: int, n_commodities: int) -> None:
        self.n_commodities = n_commodities
        self._views: dict[str, np.ndarray] = {}
        self._rows: dict[str, list[memoryview]] = {}
        self._blocks: list[np.ndarray] = []
        self._signs: list[np.ndarray] = []
        for names, signs, n in ((SITE_ACCOUNTS, _SITE_SIGNS, n_sites),
                                (LANE_ACCOUNTS, _LANE_SIGNS, n_lanes)):
            size = n * n_commodities
            buf = array.array("d", bytes(8 * len(names) * size))
            block = np.frombuffer(buf, dtype=float).reshape(len(names), size)
            self._blocks.append(block)
            self._signs.append(np.array([signs[name] for name in names]))
            whole = memoryview(buf)
            for a, name in enumerate(names):
                self._views[name] = block[a].reshape(n, n_commodities)
                self._rows[name] = [whole[a * size + i * n_commodities:
                                         a * size + (i + 1) * n_commodities]
                                    for i in range(n)]
        self._site_block, self._lane_block = self._blocks
        self._site_signs, self._lane_signs = self._signs
        self._shapes = ((n_sites, n_commodities), (n_lanes, n_commodities))
        self.opening_site = np.zeros((n_sites, n_commodities))
        """Physical holdings when the ledger was opened (initial stocks)."""
        self.opening_lane = np.zeros((n_lanes, n_commodities))

    def rows(self, account: str) -> list[memoryview]:
        """The live rows of an account, to add to in place."""
        return self._rows[account]

    def __getattr__(self, name: str) -> np.ndarray:
        views = self.__dict__.get("_views", {})
        if name in views:
            return views[name]
        raise AttributeError(name)

    def open(self, site_held: np.ndarray, lane_held: np.ndarray) -> None:
        """Record the initial physical holdings (before anything moves)."""
        self.opening_site = np.array(site_held, dtype=float).reshape(self._shapes[0])
        self.opening_lane = np.array(lane_held, dtype=float).reshape(self._shapes[1])

    def site_net_flows(self, out: np.ndarray | None = None) -> np.ndarray:
        """In minus out (mined, supplied and adjusted in; consumed and lost out) of every
        site since the ledger opened, flat [site x commodity]; into ``out`` if given."""
        return np.dot(self._site_signs, self._site_block, out=out)

    def expected_site_held(self) -> np.ndarray:
        """What each site should hold according to the flows recorded."""
        return self.opening_site + self.site_net_flows().reshape(self._shapes[0])

    def expected_lane_held(self) -> np.ndarray:
        """What each lane should hold (in transit) according to the flows recorded."""
        return self.opening_lane + np.dot(self._lane_signs, self._lane_block).reshape(
            self._shapes[1])

    def transit_operator(self) -> tuple[np.ndarray, np.ndarray]:
        """``(matrix, opening)`` such that the tonnes in transit by commodity are
        ``lane_flat @ matrix + opening``, where ``lane_flat`` is every lane account in
        one vector (see :meth:`lane_flows`): one product per day instead of three."""
        n_lanes, n_c = self._shapes[1]
        per_account = np.tile(np.eye(n_c), (n_lanes, 1))
        matrix = np.concatenate([sign * per_account for sign in self._lane_signs])
        return matrix, self.opening_lane.sum(axis=0)

    def lane_flows(self) -> np.ndarray:
        """Every lane account in one flat vector (a live view)."""
        return self._lane_block.reshape(-1)

    def check_mass_balance(self, site_held: np.ndarray, lane_held: np.ndarray,
                           site_names: list[str], lane_names: list[str],
                           commodity_names: list[str], rel_tol: float = 1e-9,
                           raise_error: bool = True) -> BalanceReport:
        """Compare physical holdings with the ledger.

        The tolerance is ``rel_tol`` times the largest stock or cumulative flow. Raises
        :class:`MassBalanceError` naming the worst site or lane and commodity if any error
        exceeds it (unless ``raise_error`` is false).
        """
        site_err = np.asarray(site_held) - self.expected_site_held()
        lane_err = np.asarray(lane_held) - self.expected_lane_held()
        scale = float(max(
            1.0,
            np.abs(self.opening_site).max(initial=0.0), np.abs(self.site_in).max(initial=0.0),
            np.abs(self.mined).max(initial=0.0), np.abs(self.supplied).max(initial=0.0),
            np.abs(self.consumed).max(initial=0.0), np.abs(self.lane_in).max(initial=0.0),
            np.abs(self.adjusted).max(initial=0.0), np.abs(self.opening_lane).max(initial=0.0),
        ))
        per_com = np.maximum(np.abs(site_err).max(axis=0, initial=0.0),
                             np.abs(lane_err).max(axis=0, initial=0.0))
        worst = None
        best = 0.0
        for errs, names in ((site_err, site_names), (lane_err, lane_names)):
            if errs.size == 0:
                continue
            # a NaN holding is the worst error of all: it must not hide the others
            size = np.where(np.isnan(errs), np.inf, np.abs(errs))
            i, j = np.unravel_index(int(np.argmax(size)), errs.shape)
            if size[i, j] > best:
                best = float(size[i, j])
                worst = (names[i], commodity_names[j], float(errs[i, j]))
        report = BalanceReport(per_com, scale, worst)
        if raise_error and worst is not None and best > rel_tol * scale:
            where, com, err = worst
            raise MassBalanceError(
                f"mass balance violated at {where!r} for {com}: holdings differ from the "
                f"ledger by {err:+.6g} t (tolerance {rel_tol * scale:.3g} t)")
        return report
