"""Capacities against the flow a scenario plans through them, and the notes that say which
it overloads: valid input, but a queue there grows for as long as the load lasts, which is
worth knowing before a long run (``sim validate``, ``sim show``, ``sim run``, and
:func:`sim.run` where its overrides bring one about)."""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Container, Sequence
from dataclasses import dataclass

from sim.scenario.plan import Plan, make_plan
from sim.scenario.schema import Scenario
from sim.units import DAYS_PER_YEAR


@dataclass
class StartCapacity:
    """A lane's capacity on the start date where a corridor upgrade started by then set
    it, as the run applies it (from its first day, a warm-up included)."""

    per_day: float
    """The capacity in force on the start date, in the lane's own unit a day."""
    unit: str
    """That unit: ``t product/day`` or ``trucks/day``."""
    upgrade: str
    """The upgrade that set it: of those of the lane started by the start date, the last
    to start that changes its capacity."""
    target_per_day: float
    """What the upgrade takes the capacity to at the end of its ramp (``per_day`` when it
    had ended by the start date)."""
    full_on: dt.date
    """The date the upgrade's ramp ends."""

    @property
    def ramping(self) -> bool:
        return self.target_per_day != self.per_day

    def words(self) -> str:
        """Where the capacity comes from, to follow it: "from the upgrade <id>", or for
        one still ramping, that the capacity is the start date's and when the ramp ends."""
        if not self.ramping:
            return f"from the upgrade {self.upgrade}"
        how = "raises" if self.target_per_day > self.per_day else "lowers"
        return (f"on the start date: the upgrade {self.upgrade} {how} it to "
                f"{fmt_capacity(self.target_per_day)} {self.unit} by {self.full_on}")


@dataclass
class _Step:
    """One corridor upgrade of a lane, as the run applies it: it ramps linearly from the
    capacity the upgrade before it reached (``base``) to ``reached`` (the same where it
    leaves the capacity as it was, a transit factor alone)."""

    upgrade: str
    day: float
    """Its start, in days from the start date."""
    ramp_days: float
    base: float
    reached: float


def _steps(sc: Scenario, lid: str) -> tuple[str, list[_Step]] | None:
    """The unit of lane ``lid``'s capacity and its upgrades in order of start; None for a
    lane without a loading capacity."""
    lane = sc.lanes[lid]
    own, unit = ((lane.capacity_t_per_day, "t product/day")
                 if lane.capacity_t_per_day is not None
                 else (lane.capacity_trucks_per_day, "trucks/day"))
    if own is None:
        return None
    ups = sorted(((uid, up) for uid, up in sc.policies.corridor_upgrades.items()
                  if up.lane == lid), key=lambda item: sc.day_of(item[1].start))
    steps, reached = [], own
    for uid, up in ups:
        target = (up.capacity_t_per_day if up.capacity_t_per_day is not None
                  else up.capacity_trucks_per_day)
        base, reached = reached, (target if target is not None else reached)
        steps.append(_Step(uid, sc.day_of(up.start), up.ramp_days, base, reached))
    return unit, steps


def capacity_at_start(sc: Scenario, lid: str) -> StartCapacity | None:
    """Lane ``lid``'s capacity on the start date where a corridor upgrade started on or
    before that date changes it; None where none does (its own capacity holds then).

    As the run does it: the lane's upgrades in order of start each ramp linearly from the
    capacity the one before it reaches, the last started having the last word, and one
    that leaves the capacity as it was (a transit factor alone) does not touch it."""
    known = _steps(sc, lid)
    if known is None:
        return None
    unit, steps = known
    found = None
    for st in steps:
        if st.day > 0 or st.reached == st.base:
            continue
        done = 1.0 if st.ramp_days <= 0 else min(1.0, -st.day / st.ramp_days)
        now = st.reached if done >= 1.0 else st.base + (st.reached - st.base) * done
        found = StartCapacity(now, unit, st.upgrade, st.reached,
                              sc.start + dt.timedelta(days=st.day + st.ramp_days))
    return found


@dataclass
class LaterUpgrade:
    """A corridor upgrade that changes a lane's capacity after the start date (or whose
    ramp is still under way then), with what it does to the planned load: for a lane
    overloaded on the start date, the first that brings the capacity up to the load, or,
    where none does, the last that raises it; for a lane whose load fits, or once relieved,
    the first that cuts the capacity below it."""

    upgrade: str
    per_day: float
    """The capacity at the end of its ramp, in the lane's own unit a day."""
    unit: str
    start: dt.date
    full_on: dt.date
    utilisation: float
    """Planned load over that capacity."""
    raises: bool
    """Whether it raises the capacity (else it cuts it)."""
    crosses_on: dt.date | None = None
    """For one whose ramp takes the capacity across the planned load, the day it does."""

    @property
    def relieves(self) -> bool:
        """Whether the upgraded capacity carries the planned load."""
        return self.utilisation <= 1 + 1e-9

    def words(self) -> str:
        """What it does and what the load is then: "the upgrade u raises it to 5
        trucks/day from 2024-03-01 (fully by 2024-03-31), which carries the planned flow
        (80%) from about 2024-03-19"."""
        ramp = f" (fully by {self.full_on})" if self.full_on != self.start else ""
        when = (f" from about {self.crosses_on}"
                if self.crosses_on is not None and self.crosses_on != self.start else "")
        if self.raises:
            then = (f"which carries the planned flow ({self.utilisation:.0%}){when}"
                    if self.relieves else f"still {self.utilisation:.0%} of it")
        else:
            then = f"{self.utilisation:.0%} of it{when}"
        return (f"the upgrade {self.upgrade} {'raises' if self.raises else 'cuts'} it to "
                f"{fmt_capacity(self.per_day)} {self.unit} from {self.start}{ramp}, {then}")


def later_upgrades(sc: Scenario, lid: str, planned_per_year: float, over: bool
                   ) -> tuple[LaterUpgrade | None, LaterUpgrade | None]:
    """For lane ``lid`` and a planned load of ``planned_per_year`` (in the lane's unit a
    year): (the upgrade that relieves it, or the last that eases it, where ``over``, the
    load being above the capacity on the start date; the first upgrade after that, or
    after the start date, that puts the load above the capacity again). Both are upgrades
    whose ramp goes on after the start date, taken in order of start as the run applies
    them: one still ramping on the start date may be the one that relieves it. Review 193:
    an overloaded lane was not told an upgrade relieves it; review 205: nor that one still
    ramping does, nor that a later one overloads it again."""
    known = _steps(sc, lid)
    if known is None:
        return None, None
    unit, steps = known
    need = planned_per_year / DAYS_PER_YEAR
    eased: LaterUpgrade | None = None
    for st in steps:
        if st.day + st.ramp_days <= 0 or st.reached == st.base:
            continue  # done by the start date (the start's capacity), or capacity unchanged
        crossing = (st.base < need <= st.reached) or (st.reached < need <= st.base)
        on = None
        if crossing:
            share = (need - st.base) / (st.reached - st.base) if st.ramp_days > 0 else 1.0
            on = sc.start + dt.timedelta(days=max(0.0, st.day + st.ramp_days * share))
        start = sc.start + dt.timedelta(days=st.day)
        change = LaterUpgrade(st.upgrade, st.reached, unit, start,
                              start + dt.timedelta(days=st.ramp_days),
                              planned_per_year / (st.reached * DAYS_PER_YEAR),
                              st.reached > st.base, on)
        if over and (eased is None or not eased.relieves):
            if change.raises:
                eased = change
        elif not change.relieves and not change.raises:
            return eased, change
    return eased, None


@dataclass
class CapacityCheck:
    """One capacity compared with its planned load (both per year, same unit)."""

    element: str
    """What is checked, as shown: a site or lane id, with the commodity for a refiner."""
    kind: str
    capacity: float
    planned: float
    unit: str
    at: str
    """The site or lane id the capacity belongs to."""
    upgrade: StartCapacity | None = None
    """For a lane whose capacity on the start date a corridor upgrade set, that upgrade's
    part (:attr:`capacity` is then the capacity in force on the start date)."""
    later: LaterUpgrade | None = None
    """For a lane overloaded at that capacity, the upgrade during the run that relieves or
    eases it."""
    cut: LaterUpgrade | None = None
    """The upgrade during the run that puts its load above its capacity (again)."""
    field: str | None = None
    """The scenario field giving the capacity a day (``capacity_t_per_day``, ...); None for
    one given a year (a refiner's) or made of ships (sailings)."""

    @property
    def utilisation(self) -> float:
        return self.planned / self.capacity if self.capacity > 0 else float("inf")

    @property
    def over(self) -> bool:
        return self.planned > self.capacity * (1 + 1e-9)

    @property
    def far_below(self) -> bool:
        """A daily capacity so far above its planned flow that it may be a yearly figure
        (:data:`FAR_BELOW`)."""
        return self.field is not None and 0 < self.planned < self.capacity * FAR_BELOW


def capacity_checks(sc: Scenario, plan: Plan) -> list[CapacityCheck]:
    """Every capacity in the network against its planned yearly load."""
    out = []
    for sid, site in sc.sites.items():
        if site.kind == "border_post":
            out.append(CapacityCheck(sid, "border post", site.clearance_trucks_per_day
                                     * DAYS_PER_YEAR, plan.site_trucks.get(sid, 0.0),
                                     "trucks/yr", sid, field="clearance_trucks_per_day"))
        elif site.kind == "refiner":
            for com, cap in site.capacity_t_per_year.items():
                out.append(CapacityCheck(f"{sid} ({com})", "refiner", cap,
                                         plan.refiner_feed.get((sid, com), 0.0), "t/yr", sid))
        elif site.kind == "port" and site.throughput_t_per_day is not None:
            out.append(CapacityCheck(sid, "port", site.throughput_t_per_day * DAYS_PER_YEAR,
                                     plan.site_product_t.get(sid, 0.0), "t product/yr", sid,
                                     field="throughput_t_per_day"))
    for lid, lane in sc.lanes.items():
        planned = plan.lane_product_t.get(lid, 0.0)
        # an upgrade in force by the start date is the capacity the run has from its first
        # day: the lane's own figure would report a queue the upgrade prevents (review 193)
        up = capacity_at_start(sc, lid)
        if lane.capacity_t_per_day is not None:
            cap = up.per_day if up is not None else lane.capacity_t_per_day
            out.append(CapacityCheck(lid, f"{lane.mode} lane", cap * DAYS_PER_YEAR, planned,
                                     "t product/yr", lid, up, field="capacity_t_per_day"))
        elif lane.capacity_trucks_per_day is not None:
            cap = up.per_day if up is not None else lane.capacity_trucks_per_day
            out.append(CapacityCheck(lid, f"{lane.mode} lane", cap * DAYS_PER_YEAR,
                                     plan.lane_trucks.get(lid, 0.0), "trucks/yr", lid, up,
                                     field="capacity_trucks_per_day"))
        if out and out[-1].at == lid and out[-1].kind.endswith(" lane"):
            out[-1].later, out[-1].cut = later_upgrades(sc, lid, out[-1].planned,
                                                        out[-1].over)
        if lane.sailing is not None:
            cap = lane.sailing.vessel_t * DAYS_PER_YEAR / lane.sailing.interval_days.mean()
            out.append(CapacityCheck(lid, "sailings", cap, planned, "t product/yr", lid))
    return out


def fmt_capacity(x: float) -> str:
    """A capacity for text: whole numbers from 100 up (36,525), three significant figures
    below (0.00365), so that a small capacity does not print as 0."""
    return f"{x:,.0f}" if x == 0 or abs(x) >= 100 else f"{x:.3g}"


FAR_BELOW = 1 / 200
"""A daily capacity whose planned flow is a smaller share of it than this is noted: a yearly
figure given as a daily one is 365 times too large, and passed silently (review 199: a
rail line at 350,000 t/day, its 0.35 Mt/yr, ran at 0.06%). No shipped scenario's daily
capacity is below 5%; ships' sailings, at about 1%, are not checked."""


def unit_slip_notes(sc: Scenario) -> list[str]:
    """Daily capacities far above the flow the scenario plans through them
    (:data:`FAR_BELOW`), as ``sim validate`` notes them: valid, but often a yearly figure."""
    notes = []
    for c in capacity_checks(sc, make_plan(sc)):
        if c.far_below:
            day = c.unit.replace("/yr", "/day")
            # the figure given: an upgrade in force on the start date gives the capacity,
            # not the lane's own field (review 205)
            given, value = ((f"its {c.field}", c.capacity / DAYS_PER_YEAR) if c.upgrade is None
                            else (f"the {c.field} of its upgrade {c.upgrade.upgrade} "
                                  f"(policies.corridor_upgrades.{c.upgrade.upgrade})",
                                  c.upgrade.target_per_day))
            notes.append(
                f"planned flow into {c.element} ({c.kind}) is {c.utilisation:.2%} of its "
                f"capacity: {given} of {fmt_capacity(value)} is "
                f"over {1 / FAR_BELOW:,.0f} times the {fmt_capacity(c.planned / DAYS_PER_YEAR)}"
                f" {day} planned through it, as a yearly figure given as a daily one would be;"
                " if it is meant, nothing is wrong")
    return notes


WORSE_BY = 0.05
"""How much higher (a share of the file's) an override must make a capacity's overload, one
the file already has, for it to be noted as the override's (review 169: a cobalt refiner
cut from 121% to 207% of its capacity went unnoted)."""


def over_capacity(sc: Scenario) -> dict[tuple[str, str], float]:
    """The utilisation (planned flow over capacity) of every capacity below the flow
    ``sc`` plans through it, by (element, kind)."""
    return {(c.element, c.kind): c.utilisation for c in capacity_checks(sc, make_plan(sc))
            if c.over}


def shocks_or_policies(sc: Scenario) -> bool:
    """Whether ``sc`` has a shock or policy that may stop planned flow: the capacity notes'
    caveat. Corridor upgrades stop nothing, and the notes count them (review 205)."""
    return any(getattr(part, name) for part in (sc.shocks, sc.policies)
               for name in type(part).model_fields if name != "corridor_upgrades")


def capacity_notes(sc: Scenario, skip: Container[tuple[str, str]] = (),
                   lead: str = "", cuts: bool = True) -> list[str]:
    """Capacities below the flow the scenario plans through them, on the start date or,
    with ``cuts``, from when a corridor upgrade cuts one below it. Those whose (element,
    kind) is in ``skip`` are left out; ``lead`` begins each note."""
    notes = []
    # the plan is the flow with nothing in force: a ban or a closure stops some of it, so
    # the note says so rather than promise a pile-up the scenario's own ban prevents (the
    # corridor upgrades stop nothing, and the notes count them: review 205)
    acting = shocks_or_policies(sc)
    unless = (" while nothing stops that flow (the scenario's shocks and policies, not "
              "counted here, may)" if acting else "")
    for c in capacity_checks(sc, make_plan(sc)):
        if (c.element, c.kind) in skip:
            continue
        if not c.over:
            if cuts and c.cut is not None:
                notes.append(f"{lead}planned flow into {c.element} ({c.kind}) fits its "
                             f"capacity on the start date ({c.utilisation:.0%}), but "
                             f"{c.cut.words()}: its queue will grow from then{unless} (sim "
                             "show lists every capacity)")
            continue
        if c.kind == "refiner":
            grows = (f"unrefined feed piles up there, about {c.planned - c.capacity:,.0f} "
                     f"{c.unit}{unless}")
        elif c.later is not None and c.later.relieves:
            grows = f"its queue will grow{unless} until {c.later.words()}"
            if c.cut is not None:
                grows += f"; then {c.cut.words()}, and it grows again"
        else:
            grows = f"its queue will grow for as long as that lasts{unless}"
            if c.later is not None:
                grows += f"; {c.later.words()}"
        whence = f", {c.upgrade.words()}" if c.upgrade is not None else ""
        notes.append(f"{lead}planned flow into {c.element} ({c.kind}) is {c.utilisation:.0%} of "
                     f"its capacity ({c.planned:,.0f} against {fmt_capacity(c.capacity)} "
                     f"{c.unit}{whence}): "
                     f"{grows} (sim show lists every capacity)")
    return notes


SET_LEAD = "with --set, "
"""How a note of :func:`override_capacity_notes` begins on the command line."""

PYTHON_LEAD = "with these overrides, "
"""How a note of :func:`override_capacity_notes` begins for a caller of the Python API."""


def override_capacity_notes(base: Scenario | None, sc: Scenario,
                            lead: str = SET_LEAD,
                            before: dict[tuple[str, str], float] | None = None) -> list[str]:
    """The capacity notes of ``sc`` that overrides of the scenario ``base`` brought about
    (a capacity below its planned flow with them, not in ``base``, or further below it by
    more than :data:`WORSE_BY`; with no ``base``, which the overrides alone made valid,
    every one). A capacity the file itself overloads is the scenario's, which ``sim
    validate`` and ``sim show`` report, and would be repeated at every run of it (the
    baseline's Chinese cobalt refiners). ``before``: :func:`over_capacity` of ``base``, if
    known (a sweep compares every point with one base)."""
    if before is None:
        before = over_capacity(base) if base is not None else {}
    now = over_capacity(sc)
    skip = {key for key, load in before.items() if now.get(key, 0.0) <= load * (1 + WORSE_BY)}
    # a cut by an upgrade is the file's, as the upgrade is: sim validate and show say it
    return capacity_notes(sc, skip=skip, lead=lead, cuts=False)


def file_override_notes(path: str | os.PathLike[str], sc: Scenario,
                        overrides: Sequence[str], lead: str = SET_LEAD) -> list[str]:
    """:func:`override_capacity_notes` of ``sc``, the scenario file ``path`` loaded with
    ``overrides``, against the file alone (none without overrides)."""
    if not overrides:
        return []
    from sim.scenario.errors import ScenarioError
    from sim.scenario.loader import load_scenario

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the file's own notes are said where it loads
            base: Scenario | None = load_scenario(path)
    except ScenarioError:
        base = None  # the overrides make the file valid: every note is theirs
    return override_capacity_notes(base, sc, lead)
