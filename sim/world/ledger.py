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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np

from sim.world.floatrows import zero_row

if TYPE_CHECKING:
    from sim.world.floatrows import FloatRow


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
    running_error_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Per commodity: the largest difference between the running totals a day's end reads
    (:attr:`Ledger.site_net` and :attr:`Ledger.in_transit`) and the accounts, tonnes."""


def cells(values: np.ndarray) -> memoryview[float]:
    """The memory of ``values``, a contiguous float64 array, element by element: reading
    or writing one element costs a fraction of numpy's scalar indexing, and what is written
    shows in the array (the hot path's counters are numpy arrays to the rest of the code
    and these to the hot path; the ledger's rows, written far more often, are
    :data:`~sim.world.floatrows.FloatRow` rows, cheaper still). A ValueError for another
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
    their start-date levels after the warm-up, up or down).

    Components add to their own row of an account, ``rows(account)[i]``, a
    :data:`~sim.world.floatrows.FloatRow` (a list of floats in plain Python, an unboxed
    vector in the compiled build): on the hot path its item costs a fraction of a numpy
    scalar's, or of a memoryview item's, update. ``ledger.site_in`` and the other
    attributes of the same names are numpy arrays made from the rows when read (read-only:
    a write to one would be lost, so it raises).

    Two running totals follow the accounts, so that a day's end reads them without a
    product over every account: :attr:`site_net`, each site's net flows, and
    :attr:`in_transit`, the tonnes the lanes' flows leave on them. Whoever books a flow
    books it there too (:meth:`book_site`, :meth:`book_lane`, or the same two additions on
    the hot path), and :meth:`check_mass_balance` checks that they agree with the accounts.

    Site accounts: ``mined``, ``site_in``, ``site_out``, ``consumed``, ``lost`` (refining
    losses and seizures), ``supplied`` (metal from outside the network) and ``adjusted``
    (stocks set to their start-date levels after the warm-up). Lane accounts: ``lane_in``,
    ``lane_out`` and ``lane_lost`` (seizures on lanes).
    """

    def __init__(self, n_sites: int, n_lanes: int, n_commodities: int) -> None:
        self.n_commodities = n_commodities
        self._rows: dict[str, list[FloatRow]] = {}
        for names, n in ((SITE_ACCOUNTS, n_sites), (LANE_ACCOUNTS, n_lanes)):
            for name in names:
                self._rows[name] = [zero_row(n_commodities) for _ in range(n)]
        self._site_signs = np.array([_SITE_SIGNS[name] for name in SITE_ACCOUNTS])
        self._lane_signs = np.array([_LANE_SIGNS[name] for name in LANE_ACCOUNTS])
        self._shapes = ((n_sites, n_commodities), (n_lanes, n_commodities))
        self.site_net: FloatRow = zero_row(n_sites * n_commodities)
        """Each site's net flows since the ledger opened (in minus out, as
        :meth:`site_net_flows`), flat [site x commodity], kept running: the element of site
        ``i`` and commodity ``c`` is at ``i * n_commodities + c``."""
        self.in_transit: FloatRow = zero_row(n_commodities)
        """Per commodity: tonnes the lanes took in since the ledger opened, less what they
        gave out and lost (what they hold beyond their opening holdings), kept running."""
        self.opening_site = np.zeros((n_sites, n_commodities))
        """Physical holdings when the ledger was opened (initial stocks)."""
        self.opening_lane = np.zeros((n_lanes, n_commodities))

    def rows(self, account: str) -> list[FloatRow]:
        """The live rows of an account, to add to in place (with the running totals: see the
        class docstring)."""
        return self._rows[account]

    def __getattr__(self, name: str) -> np.ndarray:
        rows = self.__dict__.get("_rows", {})
        if name in rows:
            shape = self._shapes[0] if name in _SITE_SIGNS else self._shapes[1]
            view = np.array(rows[name], dtype=float).reshape(shape)
            view.flags.writeable = False
            return view
        raise AttributeError(name)

    def book_site(self, account: str, site: int, commodity: int, tonnes: float) -> None:
        """Add ``tonnes`` to a site account and to the site's running net flows."""
        row = self._rows[account][site]
        row[commodity] += tonnes
        self.site_net[site * self.n_commodities + commodity] += _SITE_SIGNS[account] * tonnes

    def book_lane(self, account: str, lane: int, commodity: int, tonnes: float) -> None:
        """Add ``tonnes`` to a lane account and to the running tonnes in transit."""
        row = self._rows[account][lane]
        row[commodity] += tonnes
        self.in_transit[commodity] += _LANE_SIGNS[account] * tonnes

    def open(self, site_held: np.ndarray, lane_held: np.ndarray) -> None:
        """Record the initial physical holdings (before anything moves)."""
        self.opening_site = np.array(site_held, dtype=float).reshape(self._shapes[0])
        self.opening_lane = np.array(lane_held, dtype=float).reshape(self._shapes[1])

    def _block(self, names: tuple[str, ...], n: int) -> np.ndarray:
        """The accounts ``names`` as one array, [account, site or lane x commodity]."""
        return np.array([self._rows[name] for name in names],
                        dtype=float).reshape(len(names), n * self.n_commodities)

    def site_net_flows(self) -> np.ndarray:
        """In minus out (mined, supplied and adjusted in; consumed and lost out) of every
        site since the ledger opened, flat [site x commodity], from the accounts."""
        return np.dot(self._site_signs, self._block(SITE_ACCOUNTS, self._shapes[0][0]))

    def expected_site_held(self) -> np.ndarray:
        """What each site should hold according to the flows recorded."""
        return self.opening_site + self.site_net_flows().reshape(self._shapes[0])

    def expected_lane_held(self) -> np.ndarray:
        """What each lane should hold (in transit) according to the flows recorded."""
        return self.opening_lane + np.dot(
            self._lane_signs, self._block(LANE_ACCOUNTS, self._shapes[1][0])).reshape(
            self._shapes[1])

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
        sum; that the running totals (:attr:`site_net`, :attr:`in_transit`) say what the
        accounts say; each of ``invariants`` (a component's own books, error in tonnes); and
        that no site or lane holds less than minus the tolerance (metal taken from where there
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
        site_block = self._block(SITE_ACCOUNTS, self._shapes[0][0])
        lane_block = self._block(LANE_ACCOUNTS, self._shapes[1][0])
        for block in (site_block, lane_block):
            if block.size:
                np.maximum(scale_c, np.abs(block).reshape(-1, n_c).max(axis=0),
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

        # The running totals a day's end reads must say what the accounts say: a flow booked
        # in one and not the other would leave the recorded stocks or transit wrong while
        # every account balances.
        net_err = (np.array(self.site_net).reshape(self._shapes[0])
                   - np.dot(self._site_signs, site_block).reshape(self._shapes[0]))
        transit_err = (np.array(self.in_transit)
                       - np.dot(self._lane_signs, lane_block).reshape(self._shapes[1]).sum(
                           axis=0))
        running_err = np.maximum(np.abs(net_err).max(axis=0, initial=0.0),
                                 np.abs(transit_err))
        if net_err.size:
            over = np.where(np.isnan(net_err), np.inf, np.abs(net_err)) / tol
            i, j = np.unravel_index(int(np.argmax(over)), net_err.shape)
            if over[i, j] > 1.0:
                violations.append(
                    f"mass balance violated at {site_names[i]!r} for {commodity_names[j]}: "
                    f"the running net flows a day's end reads differ from the site's "
                    f"accounts by {net_err[i, j]:+.6g} t, so a flow was booked in one and "
                    f"not the other (tolerance {tol[j]:.3g} t)")
        violations += [
            f"mass balance violated for {commodity_names[j]} on the lanes as a whole: the "
            f"running tonnes in transit a day's end reads differ from the lanes' accounts "
            f"by {transit_err[j]:+.6g} t, so a flow was booked in one and not the other "
            f"(tolerance {tol[j]:.3g} t)"
            for j in _failing(transit_err, tol)]

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
                               network_err, lost_err, comp_err, violations, running_err)
        if raise_error and violations:
            raise MassBalanceError("; ".join(violations))
        return report


def _failing(err: np.ndarray, tol: np.ndarray) -> list[int]:
    """Commodities whose error exceeds their tolerance (a NaN error fails)."""
    return [int(j) for j in np.flatnonzero(~(np.abs(err) <= tol))]
