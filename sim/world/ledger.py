"""The ledger: where every tonne went, and the mass-balance check that proves it.

The ledger records *flows* only: tonnes mined, tonnes entering and leaving each site and
each lane, consumed, lost and supplied from outside the network. Stocks are not kept here:
each component reports what it physically holds (lots in its queues, metal in its bins).
:meth:`Ledger.check_mass_balance` compares the two for every site and lane::

    held now = held at start + in - out + mined + supplied + adjusted - consumed - lost

(for a lane: held now = held at start + in - out - seized)

so a component that moves metal without recording it (or records without moving) is
caught, and the error names the site or lane and the commodity. A move booked with one
amount leaving a site and another arriving balances at both ends, so the check also
asserts, per commodity, the identity of the network as a whole (flows between sites and
lanes cancel)::

    held at all sites and on all lanes = held at start + mined + supplied + adjusted
                                         - consumed - lost - lost on lanes

and, given what was seized and what refining lost, that every tonne lost was one or the
other; the world adds the checks of its components' own books (see
:meth:`sim.world.world.World.check_mass_balance`).
"""

from __future__ import annotations

import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

import numpy as np


class MassBalanceError(RuntimeError):
    """Metal appeared or vanished: the ledger and the physical holdings disagree."""


@dataclass
class BalanceReport:
    """Result of a mass-balance check (:meth:`Ledger.check_mass_balance`)."""

    max_abs_error_t: np.ndarray
    """Largest absolute error per commodity over the sites and lanes, each compared with
    its own ledger rows, tonnes (the KPI ``mass_balance_error_t``; the network-wide and
    component checks are in the fields below)."""
    scale_t: float
    """Largest of :attr:`scale_by_commodity_t`, tonnes."""
    worst: tuple[str, str, float] | None
    """(site or lane, commodity, error in tonnes) of the largest site or lane error."""
    scale_by_commodity_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per commodity: its largest opening holding or account entry (any site or lane,
    any account), at least 1 t; the tolerance is ``rel_tol`` times it."""
    tolerance_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per commodity: the tolerance every check of that commodity used, tonnes."""
    network_error_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per commodity: held at all sites and lanes minus what the ledger's sources and
    sinks leave (the identity of the network as a whole), tonnes."""
    lost_error_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per commodity: lost at sites and on lanes minus (seized + refining losses), tonnes;
    zeros if the caller gave neither."""
    component_error_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per commodity: largest absolute error of the components' own checks, tonnes."""
    violations: list[str] = field(default_factory=list)
    """Every check that failed, worst first for each kind (empty if the balance holds)."""


def cells(values: np.ndarray) -> memoryview[float]:
    """The memory of ``values``, a contiguous float64 array, element by element: reading
    or writing one element costs a fraction of numpy's scalar indexing, and what is written
    shows in the array (the hot path's counters are numpy arrays to the rest of the code
    and these to the hot path, as the ledger's rows are). A ValueError for another
    array."""
    if values.dtype != np.float64 or not values.flags.c_contiguous:
        raise ValueError(f"cells of a {values.dtype} array that is "
                         f"{'' if values.flags.c_contiguous else 'not '}contiguous: a "
                         f"contiguous float64 array is needed")
    return cast("memoryview[float]", values.data)


Invariant = tuple[str, int, str, float]
"""A component's own check: (site or lane, commodity index, what is compared, error t)."""


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
        self._rows: dict[str, list[memoryview[float]]] = {}
        self._blocks: list[np.ndarray] = []
        self._signs: list[np.ndarray] = []
        for names, signs, n in ((SITE_ACCOUNTS, _SITE_SIGNS, n_sites),
                                (LANE_ACCOUNTS, _LANE_SIGNS, n_lanes)):
            size = n * n_commodities
            buf = array.array("d", bytes(8 * len(names) * size))
            block = np.frombuffer(buf, dtype=float).reshape(len(names), size)
            self._blocks.append(block)
            self._signs.append(np.array([signs[name] for name in names]))
            whole: memoryview[float] = memoryview(buf)  # of doubles, as buf is
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

    def rows(self, account: str) -> list[memoryview[float]]:
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

    def site_net_operator(self) -> tuple[np.ndarray, np.ndarray]:
        """``(signs, accounts)`` such that ``signs @ accounts`` is :meth:`site_net_flows`
        (``accounts`` a live view): for a caller that takes the product every day without
        a call through the ledger."""
        return self._site_signs, self._site_block

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
                           raise_error: bool = True, *, seized_t: np.ndarray | None = None,
                           refining_loss_t: np.ndarray | None = None,
                           invariants: Iterable[Invariant] = ()) -> BalanceReport:
        """Compare physical holdings (tonnes, [site or lane, commodity]) with the ledger.

        Checks, per commodity: every site and every lane against its own ledger rows; the
        network as a whole (all holdings against opening + mined + supplied + adjusted -
        consumed - lost - lost on lanes, so a move booked with different amounts at its two
        ends fails); if ``seized_t`` and ``refining_loss_t`` (tonnes per commodity since
        the ledger opened) are given, that everything lost at sites and on lanes is their
        sum; each of ``invariants`` (a component's own books, error in tonnes); and that
        no site or lane holds less than minus the tolerance (metal taken from where there
        was none balances every flow, so the sign alone shows it; the worst such holding
        of the sites and of the lanes is named).

        The tolerance of a commodity is ``rel_tol`` times its own scale: its largest
        opening holding or account entry (any site or lane, any account), at least 1 t. One
        scale for all commodities let copper's 10^7 t hide tens of kilograms of gold.
        Raises :class:`MassBalanceError` naming the commodity, the site or lane (or the
        network as a whole), the error and the tolerance of the worst failure of each
        kind (unless ``raise_error`` is false: the report lists them).
        """
        n_c = self.n_commodities
        site_held = np.asarray(site_held, dtype=float).reshape(self._shapes[0])
        lane_held = np.asarray(lane_held, dtype=float).reshape(self._shapes[1])
        site_err = site_held - self.expected_site_held()
        lane_err = lane_held - self.expected_lane_held()
        scale_c = np.ones(n_c)
        for part in (self.opening_site, self.opening_lane):
            if part.size:
                np.maximum(scale_c, np.abs(part).max(axis=0), out=scale_c)
        for block, shape in zip(self._blocks, self._shapes, strict=True):
            if block.size:
                np.maximum(scale_c, np.abs(block).reshape(-1, shape[1]).max(axis=0),
                           out=scale_c)
        tol = rel_tol * scale_c
        per_com = np.maximum(np.abs(site_err).max(axis=0, initial=0.0),
                             np.abs(lane_err).max(axis=0, initial=0.0))
        violations: list[str] = []
        worst = None
        best = 0.0
        worst_over: tuple[float, str] | None = None
        for errs, names in ((site_err, site_names), (lane_err, lane_names)):
            if errs.size == 0:
                continue
            # a NaN holding is the worst error of all: it must not hide the others
            size = np.where(np.isnan(errs), np.inf, np.abs(errs))
            i, j = np.unravel_index(int(np.argmax(size)), errs.shape)
            if size[i, j] > best:
                best = float(size[i, j])
                worst = (names[i], commodity_names[j], float(errs[i, j]))
            # the worst relative to its commodity's tolerance fails first
            over = size / tol
            i, j = np.unravel_index(int(np.argmax(over)), errs.shape)
            if over[i, j] > 1.0 and (worst_over is None or over[i, j] > worst_over[0]):
                worst_over = (float(over[i, j]), (
                    f"mass balance violated at {names[i]!r} for {commodity_names[j]}: "
                    f"holdings differ from the ledger by {errs[i, j]:+.6g} t "
                    f"(tolerance {tol[j]:.3g} t)"))
        if worst_over is not None:
            violations.append(worst_over[1])
        # Metal taken from a site that held none balances its own rows and the network
        # (the taker's gain equals the giver's booked loss), so only the sign shows it.
        for held, names in ((site_held, site_names), (lane_held, lane_names)):
            if held.size == 0:
                continue
            under = -held / tol
            i, j = np.unravel_index(int(np.argmax(under)), held.shape)
            if under[i, j] > 1.0:
                violations.append(
                    f"mass balance violated at {names[i]!r} for {commodity_names[j]}: it "
                    f"holds {held[i, j]:+.6g} t, a negative amount (tolerance {tol[j]:.3g} t)")

        held_total = site_held.sum(axis=0) + lane_held.sum(axis=0)
        expected_total = (self.opening_site.sum(axis=0) + self.opening_lane.sum(axis=0)
                          + self.mined.sum(axis=0) + self.supplied.sum(axis=0)
                          + self.adjusted.sum(axis=0) - self.consumed.sum(axis=0)
                          - self.lost.sum(axis=0) - self.lane_lost.sum(axis=0))
        network_err = held_total - expected_total
        violations += [
            f"mass balance violated for {commodity_names[j]} in the network as a whole: "
            f"held at all sites and on all lanes differs from opening + mined + supplied + "
            f"adjusted - consumed - lost by {network_err[j]:+.6g} t, so flows between "
            f"sites and lanes do not cancel (tolerance {tol[j]:.3g} t)"
            for j in _failing(network_err, tol)]

        lost_err = np.zeros(n_c)
        if seized_t is not None and refining_loss_t is not None:
            lost_err = (self.lost.sum(axis=0) + self.lane_lost.sum(axis=0)
                        - np.asarray(seized_t, dtype=float)
                        - np.asarray(refining_loss_t, dtype=float))
            violations += [
                f"mass balance violated for {commodity_names[j]} in the network as a "
                f"whole: lost at sites and on lanes differs from seized + refining losses "
                f"by {lost_err[j]:+.6g} t (tolerance {tol[j]:.3g} t)"
                for j in _failing(lost_err, tol)]

        comp_err = np.zeros(n_c)
        comp_over: tuple[float, str] | None = None
        for where, c, what, err in invariants:
            err_t = abs(err) if err == err else np.inf
            comp_err[c] = max(comp_err[c], err_t)
            if err_t > tol[c] and (comp_over is None or err_t / tol[c] > comp_over[0]):
                comp_over = (err_t / tol[c], (
                    f"mass balance violated at {where!r} for {commodity_names[c]}: {what}: "
                    f"{err:+.6g} t (tolerance {tol[c]:.3g} t)"))
        if comp_over is not None:
            violations.append(comp_over[1])

        report = BalanceReport(per_com, float(scale_c.max(initial=1.0)), worst, scale_c, tol,
                               network_err, lost_err, comp_err, violations)
        if raise_error and violations:
            raise MassBalanceError("; ".join(violations))
        return report


def _failing(err: np.ndarray, tol: np.ndarray) -> list[int]:
    """Commodities whose error exceeds their tolerance (a NaN error fails)."""
    return [int(j) for j in np.flatnonzero(~(np.abs(err) <= tol))]
