"""Regime and quota behaviours that survived the second mutation review (review 41): each
test here fails on a small, plausible bug (named in its docstring) that the rest of the
suite let through.

A regime's sojourns are Exp(1) draws of its own stream (``regime:<id>``) divided by the
exit rate in force, carried across changes of that rate. So with one exit rate r1 until a
support ends at day ``a`` and r2 after it, the first move of a regime that starts calm
comes at ``a + (E - r1 a) / r2`` when ``E / r1 > a``, E being the stream's first draw:
the test recomputes E from the same stream and checks the move to the float.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sim.scenario.shock_schema import QuotaPeriod
from sim.shocks.policies import quota_periods
from sim.streams import Streams

DAYS = 365.25
ESCALATE_PER_YEAR = 12.0   # calm -> contested, without support
SEED = 1


def supported_regime(direct, *, factor: float, end: float) -> dict:
    """A calm/contested regime on the mine, calm at first, with security support
    multiplying its escalation rate by ``factor`` from day 0 to day ``end``."""
    data = direct(horizon=400, shocks={"regimes": {"east": {
        "targets": {"sites": ["mine"]},
        "states": {"calm": {}, "contested": {"effects": {"capacity_factor": 0.5}}},
        "rates_per_year": {"calm": {"contested": ESCALATE_PER_YEAR},
                           "contested": {"calm": 24.0}}}}},
        policies={"security_support": {"help": {
            "regimes": ["east"], "start": 0, "end": end, "escalation_factor": factor}}})
    data["lot_period_days"] = 20.0  # few lots: only the regime matters here
    return data


def regime_moves(direct, world_of, *, factor: float, end: float) -> list[float]:
    """Days of the regime's changes of state (not its entry into the first state)."""
    world = world_of(supported_regime(direct, factor=factor, end=end), seed=SEED, rep=0)
    world.run()
    rows = [row for row in world.timeline.rows if row[1:3] == ("regime", "east")]
    assert rows[0][0] == 0.0  # entered calm at the start
    return [row[0] for row in rows[1:]]


def first_draw() -> float:
    return float(Streams(SEED, 0).rng("regime:east").exponential())


def test_a_regime_moves_again_once_a_support_that_stopped_it_ends(direct, world_of) -> None:
    """Mutant: ShockEngine.security_factors treats a support as in force at its end time
    (``a <= now <= b``): at that instant the calm state still has no exit and no change
    lies ahead, so the regime stopped for good."""
    moves = regime_moves(direct, world_of, factor=0.0, end=50)
    r2 = ESCALATE_PER_YEAR / DAYS
    # no exit at all while supported: the whole draw is left at day 50
    assert moves, "the regime never moved after the support ended"
    assert moves[0] == pytest.approx(50.0 + first_draw() / r2, abs=1e-5)
    assert len(moves) > 5  # it goes on moving (about 2 moves a month) to day 400


def test_a_rate_change_mid_sojourn_keeps_the_used_part_of_the_draw(direct, world_of) -> None:
    """Mutant: RegimeRun.run does not subtract ``total * horizon`` from the Exp(1) draw
    when the rates change before it runs out, so the clock restarts at every change."""
    end, factor = 20.0, 0.5
    r2 = ESCALATE_PER_YEAR / DAYS
    r1 = factor * r2
    e = first_draw()
    assert e > r1 * end, "the first draw runs out under support: pick another seed"
    moves = regime_moves(direct, world_of, factor=factor, end=end)
    # r1 x 20 days of the draw are used up under support, the rest runs at r2
    assert moves[0] == pytest.approx(end + (e - r1 * end) / r2, abs=1e-5)


# ----------------------------------------------------------------------------- quotas
def periods(period: str, first: dt.date, last: dt.date, start: dt.date) -> list[tuple]:
    entry = QuotaPeriod.model_construct(start=first, end=last, tonnes=10.0, period=period)
    return quota_periods(entry, lambda d: float((d - start).days), start)


def test_quarters_and_years_follow_the_calendar_from_a_mid_period_start() -> None:
    """Mutant: quota_periods starts counting quarters (and years) at the first of the
    entry's first month, not of its calendar quarter (year), so every later period is
    shifted. A loaded scenario cannot show this (shock_checks refuses a split entry that
    does not start on a period's first day), so the function's own contract is tested on
    entries made directly."""
    start = dt.date(2024, 1, 1)
    # From 10 May 2024 (day 130) to 31 Dec 2024: the rest of Q2 (to 1 Jul, day 182), Q3
    # (to 1 Oct, day 274) and Q4 (to 1 Jan 2025, day 366).
    assert periods("quarter", dt.date(2024, 5, 10), dt.date(2024, 12, 31), start) == [
        (130.0, 182.0, 10.0), (182.0, 274.0, 10.0), (274.0, 366.0, 10.0)]
    # A scenario starting 1 Jul 2023; years from 1 Sep 2023 (day 62) to 30 Jun 2025: the
    # rest of 2023 (to day 184), 2024 (366 days, to day 550), half of 2025 (to day 731).
    start = dt.date(2023, 7, 1)
    assert periods("year", dt.date(2023, 9, 1), dt.date(2025, 6, 30), start) == [
        (62.0, 184.0, 10.0), (184.0, 550.0, 10.0), (550.0, 731.0, 10.0)]
    # months were right all along: from 10 Jan 2024, a part January, then February
    start = dt.date(2024, 1, 1)
    assert periods("month", dt.date(2024, 1, 10), dt.date(2024, 2, 29), start) == [
        (9.0, 31.0, 10.0), (31.0, 60.0, 10.0)]
