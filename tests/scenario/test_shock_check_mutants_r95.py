"""Refusals of sim/scenario/shock_checks.py that no test pinned (review 95's surviving
mutants C2-C17): each boundary is tested on both sides, the value just accepted and the
one just refused, and each refusal by its field path and message.

Chains are the ``build`` ones: a COD mine sending 100 t of copper a day to a CHN market."""

from __future__ import annotations

import pytest

from sim.scenario import ScenarioError, scenario_from_dict


def chain(build, horizon: float = 60, warmup: float = 0) -> dict:
    return build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 1.0)], ["market"], horizon=horizon,
                          warmup=warmup)


def accepted(data: dict) -> None:
    scenario_from_dict(data)


def refusal(data: dict, path: tuple) -> str:
    """The message of the one issue at ``path`` (the scenario must be refused)."""
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    hits = [i for i in exc.value.issues if i.path == path]
    assert hits, f"no issue at {path}; got {[(i.path, i.message) for i in exc.value.issues]}"
    return hits[0].message


def quota(data: dict, **fields) -> dict:
    q = {"commodity": "copper", "schedule": [{"start": 0, "end": 29, "tonnes": 1000}],
         "assumption": "t", **fields}
    data["policies"] = {"export_quotas": {"q": q}}
    return data


QUOTA = ("policies", "export_quotas", "q")


# --------------------------------------------------------------------- C8: allocation sum
def two_mines(build) -> dict:
    sites = {"mine": build.mine(), "mine2": build.mine(),
             "market": build.market(200 * build.DAYS_PER_YEAR)}
    return build.scenario(sites, [build.lane("mine", "market", 1.0),
                                  build.lane("mine2", "market", 1.0)], ["market"], horizon=30)


def test_allocation_summing_to_0_995_is_refused(build):
    """Mutant C8 (tolerance 1e-2): shares summing to 0.995 passed and 5 t of every 1000
    were allowed to no mine."""
    accepted(quota(two_mines(build), allocation={"mine": 0.5, "mine2": 0.5}))
    msg = refusal(quota(two_mines(build), allocation={"mine": 0.5, "mine2": 0.495}),
                  (*QUOTA, "allocation"))
    assert "allocation shares sum to 0.995, not 1" in msg
    assert "mine: 0.5, mine2: 0.495" in msg


# ------------------------------------------------------ C17: calendar split on its edges
@pytest.mark.parametrize(("start", "end", "ok"), [
    ("2024-04-01", "2024-06-30", True),
    ("2024-02-01", "2024-04-30", False),   # the first of a month, not of a quarter
])
def test_quarterly_entry_must_start_on_a_quarters_first_day(build, start, end, ok):
    """Mutant C17 (month of the edge not checked): a quarterly entry from 2024-02-01 passed,
    giving February-April each a quarter's tonnes."""
    data = quota(chain(build, horizon=200), schedule=[
        {"start": start, "end": end, "tonnes": 1000, "period": "quarter"}])
    if ok:
        accepted(data)
        return
    msg = refusal(data, (*QUOTA, "schedule", 0, "start"))
    assert "2024-02-01 is not the first day of a quarter" in msg


# ------------------------------------------------------------ C13: rebuild half given
def rebuild(build, **fields) -> dict:
    sites = {"mine": build.mine(),
             "sp": build.site("stockpile", region="away", initial_stock_t={"copper": 0.0}),
             "market": build.market(initial_stock_t={"copper": 5000.0})}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0)], ["market"], horizon=30)
    data["policies"] = {"stockpiles": {"r": {
        "site": "sp", "market": "market", "commodity": "copper", "release_t_per_day": 10,
        "release_price_ratio_above": 1.5, "rebuild_price_ratio_below": 1.01,
        "assumption": "t", **fields}}}
    return data


SP = ("policies", "stockpiles", "r")


@pytest.mark.parametrize(("fields", "field", "missing"), [
    ({"rebuild_t_per_day": 20}, "rebuild_target_t", "give rebuild_target_t ("),
    ({"rebuild_target_t": 600}, "rebuild_t_per_day", "give rebuild_t_per_day ("),
    ({}, "rebuild_t_per_day", "give rebuild_t_per_day and rebuild_target_t"),
])
def test_rebuild_needs_both_rate_and_target(build, fields, field, missing):
    """Mutant C13 (refused only when both are missing): a rebuild rate without a target
    passed and the run crashed on None."""
    accepted(rebuild(build, rebuild_t_per_day=20, rebuild_target_t=600))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(rebuild(build, **fields))
    hits = [i for i in exc.value.issues if i.path == (*SP, field)]
    assert hits, [(i.path, i.message) for i in exc.value.issues]
    assert "rebuilding needs rebuild_t_per_day and rebuild_target_t" in hits[0].message
    assert missing in hits[0].hint


# ------------------------------------------------ C2, C3, C4: a window's end and the run
def event(data: dict, **fields) -> dict:
    data["shocks"] = {"events": {"e": {"targets": {"sites": ["mine"]},
                                       "effects": {"capacity_factor": 0},
                                       "assumption": "t", **fields}}}
    return data


EVENT = ("shocks", "events", "e")


def test_event_ending_on_its_start_day_is_refused(build):
    """Mutant C2 (``e < s``): an event with end == start passed, a window of no days."""
    accepted(event(chain(build), start=10, end=11))
    msg = refusal(event(chain(build), start=10, end=10), (*EVENT, "end"))
    assert "ends at day 10, not after its start day 10" in msg


def test_event_ending_at_the_warmup_start_is_refused(build):
    """Mutant C3 (``e < first``): an event ending exactly when the warm-up starts (end is
    exclusive) passed, though it acts on no day of the run."""
    accepted(event(chain(build, warmup=10), start=-20, end=-9))
    msg = refusal(event(chain(build, warmup=10), start=-20, end=-10), (*EVENT, "end"))
    assert "ends at day -10, before the run begins (warm-up starts 10 days before" in msg


def test_event_lasting_up_to_the_warmup_start_is_refused(build):
    """Mutant C4 (``s + longest < first``): the duration_days twin of C3."""
    accepted(event(chain(build, warmup=10), start=-20, duration_days=11))
    msg = refusal(event(chain(build, warmup=10), start=-20, duration_days=10),
                  (*EVENT, "start"))
    assert "lasts 10 days (duration_days), so it ends at day -10, before the run begins" in msg


# ------------------------------------------------------ C7: first exports and carry-over
def test_first_export_delay_against_carry_over_until(build):
    """Mutant C7 (carry_over_until + 2): with the quota carried over to day 39 (inclusive,
    so it ends at 40) a delay of 40 days passed, though no tonne could then be exported."""
    def data(delay):
        return quota(chain(build), carry_over=True, carry_over_until=39,
                     first_export_delay_days=delay)
    accepted(data(39))
    msg = refusal(data(40), (*QUOTA, "first_export_delay_days"))
    assert "is day 40, not before the quota ends (day 40, the end being exclusive)" in msg


# ----------------------------------------------------------------- C9: a rate of zero
def test_regime_rate_of_zero_is_refused(build):
    """Mutant C9 (``rate < 0``): a rate of 0 passed, though the schema says the checks
    refuse it (leave the state out of the row instead)."""
    def data(rate):
        d = chain(build)
        d["shocks"] = {"regimes": {"r": {
            "targets": {"sites": ["mine"]},
            "states": {"calm": {}, "bad": {"effects": {"capacity_factor": 0.5}}},
            "rates_per_year": {"calm": {"bad": rate}, "bad": {"calm": 2.0}},
            "assumption": "t"}}}
        return d
    accepted(data(0.001))
    msg = refusal(data(0), ("shocks", "regimes", "r", "rates_per_year", "calm", "bad"))
    assert msg == "must be greater than 0, got 0"


# ------------------------------------------------- C10: schedule entries must not touch
def test_schedule_entry_starting_on_the_previous_end_is_refused(build):
    """Mutant C10 (``start < previous end``): an entry starting on the previous entry's
    (inclusive) end day passed, so that day had two periods."""
    def data(second_start):
        return quota(chain(build), schedule=[
            {"start": 0, "end": 9, "tonnes": 100},
            {"start": second_start, "end": 19, "tonnes": 100}])
    accepted(data(10))
    msg = refusal(data(9), (*QUOTA, "schedule", 1, "start"))
    assert msg == "quota periods must be in time order and must not overlap"


# --------------------------------------------- C16: a named country's allocation
def zmb_chain(build) -> dict:
    sites = {"mine": build.mine(), "zmine": build.mine(region="zam"),
             "market": build.market(200 * build.DAYS_PER_YEAR)}
    data = build.scenario(sites, [build.lane("mine", "market", 1.0),
                                  build.lane("zmine", "market", 1.0)], ["market"], horizon=30)
    data["regions"]["zam"] = {"country": "ZMB"}
    return data


def test_zmb_quota_allocation_is_checked_against_zmb(build):
    """Mutant C16 (allocation checked against exporting_country): a ZMB quota's share for
    a ZMB mine was refused and its share for a COD mine passed."""
    accepted(quota(zmb_chain(build), country="ZMB", allocation={"zmine": 1.0}))
    msg = refusal(quota(zmb_chain(build), country="ZMB", allocation={"mine": 1.0}),
                  (*QUOTA, "allocation", "mine"))
    assert "mine 'mine' is in COD, not ZMB: the quota caps ZMB's exports" in msg
