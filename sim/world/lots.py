"""A lot: one parcel of one commodity moving along a route.

Lots are the only objects created per shipment, so they are kept small (``__slots__``,
plain numbers). Everything a lot needs to know about its journey is fixed when it leaves
its mine: the tuple of lanes it will travel (``legs``) and which of them it is on
(``leg``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.world.lanes import Lane


class Lot:
    """A parcel of metal in transit.

    *tonnes* is contained metal; *product_per_t* and *trucks_per_t* convert it to product
    tonnes and truckloads for the form it travels in, and *payable* is the share of the
    metal price the form fetches. *channel* is the channel index (-1
    for refined metal, which no longer belongs to a mine's channel). *t_mined* is when it
    left the mine (for lead times) and *t_in* when it entered the port or hub that holds it.
    """

    __slots__ = ("cargo_class", "channel", "commodity", "delayed_by", "exported",
                 "intercepted", "leg", "legs", "origin", "parts", "payable", "product_per_t",
                 "route", "t_dep", "t_in", "t_mined", "taxed", "tonnes", "travel",
                 "trucks_per_t", "untaxed")

    def __init__(self, commodity: int, channel: int, tonnes: float, product_per_t: float,
                 trucks_per_t: float, legs: tuple[Lane, ...], route: int, origin: int,
                 t_mined: float, payable: float = 1.0, cargo_class: int = -1) -> None:
        self.commodity = commodity
        self.channel = channel
        self.tonnes = tonnes
        self.product_per_t = product_per_t
        self.trucks_per_t = trucks_per_t
        self.payable = payable
        self.legs = legs
        self.leg = 0
        self.route = route
        self.origin = origin
        self.t_mined = t_mined
        self.cargo_class = cargo_class
        """Lots of one class have the same commodity, channel, route and form (the world's
        :meth:`~sim.world.world.World.cargo_class`), so a port may merge them; -1 if
        unknown (a port then compares those fields)."""
        self.t_in = t_mined
        self.t_dep = t_mined
        """When the lot last set off on a lane (for pausing it during closures)."""
        self.travel = 0.0
        """Open-lane travel days it needed when it set off."""
        self.intercepted: tuple[str, ...] = ()
        """Shocks that have already seized or taxed this lot (each acts once per lot)."""
        self.delayed_by: tuple[str, ...] = ()
        """Shocks that have already delayed this lot (each delays it once)."""
        self.parts: list[list[float]] | None = None
        """For a cargo merged at a port: [time mined, tonnes] of each lot in it, so that
        lead-time quantiles keep the spread its mean time mined would hide (None: one
        lot, mined at ``t_mined``)."""
        self.untaxed = 1.0
        """Share of the lot's value armed groups have not yet taxed: taxes at successive
        places add up, but never past the whole value."""
        self.taxed = False
        """True once armed groups have taxed it (its tonnes are then in ``taxed_t``)."""
        self.exported = False
        """True once it has set off on a lane out of the exporting country (not while it
        waits to load or is held by a closure): a route through a neighbour and back
        exports its metal once, at the first exit. A flag, as lanes ask for every lot."""

    def split(self, tonnes: float) -> Lot:
        """Take ``tonnes`` off this lot as a new lot on the same journey."""
        part = Lot(self.commodity, self.channel, tonnes, self.product_per_t, self.trucks_per_t,
                   self.legs, self.route, self.origin, self.t_mined, self.payable,
                   self.cargo_class)
        part.leg = self.leg
        part.t_in = self.t_in
        part.intercepted = self.intercepted
        part.delayed_by = self.delayed_by
        part.exported = self.exported
        part.untaxed = self.untaxed
        part.taxed = self.taxed
        if self.parts is not None and self.tonnes > 0.0:
            share = tonnes / self.tonnes
            part.parts = [[t, w * share] for t, w in self.parts]
            for p in self.parts:
                p[1] -= p[1] * share
        self.tonnes -= tonnes
        return part

    def absorb(self, other: Lot) -> None:
        """Take ``other`` into this lot (same commodity, channel, route, form, shocks met,
        share of value untaxed and ``taxed`` mark, which therefore stays as it is): tonnes
        add up and the mine-departure time becomes their tonnage-weighted mean. ``other``
        keeps its tonnes for the caller's accounts and must not travel on."""
        total = self.tonnes + other.tonnes
        if self.parts is None:
            self.parts = [[self.t_mined, self.tonnes]]
        self.parts.extend(other.parts if other.parts is not None
                          else [[other.t_mined, other.tonnes]])
        if total > 0.0:
            self.t_mined = (self.t_mined * self.tonnes + other.t_mined * other.tonnes) / total
        self.tonnes = total
        if other.intercepted:
            self.intercepted = tuple(dict.fromkeys((*self.intercepted, *other.intercepted)))
        if other.delayed_by:
            self.delayed_by = tuple(dict.fromkeys((*self.delayed_by, *other.delayed_by)))

    def __repr__(self) -> str:
        return (f"Lot(commodity={self.commodity}, channel={self.channel}, "
                f"tonnes={self.tonnes:.6g}, leg={self.leg}/{len(self.legs)})")
