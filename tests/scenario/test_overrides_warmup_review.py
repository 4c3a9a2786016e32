"""Findings of review 18 (diff review): several ``--set ...[i]=null`` removals of one list
count its places as they were before any removal (so the hints of the quota-period check
work in any order); the short-warm-up note counts the stock of a refiner's markets and says
what a short warm-up does; a frequency word for a plain day count and an impossible date
get plain hints."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenario_helpers import only_issue, write

from sim.scenario import ScenarioError, load_scenario, meta_of
from sim.scenario.compose import apply_overrides
from sim.scenario.docs import EXAMPLE
from sim.scenario.loader import load_raw

ROOT = Path(__file__).resolve().parents[2]
EXPORT_BAN = ROOT / "scenarios" / "export_ban_2025.yaml"
Q4 = "policies.export_quotas.quota_q4_2025"
# the run starts on 1 Dec 2025 without a warm-up: the October and November quota periods
# (schedule[0] and [1]) are over before it, and the bans too (left out here)
LATE_START = ["start=2025-12-01", "warmup_days=0", "policies.export_bans=null"]


def line_of(text: str) -> int:
    """The file line (1-based) of the one line of export_ban_2025.yaml holding ``text``, so
    that edits elsewhere in the file do not move what the tests expect."""
    hits = [i for i, line in enumerate(EXPORT_BAN.read_text().splitlines(), 1) if text in line]
    assert len(hits) == 1, hits
    return hits[0]


def refused(path: Path, overrides: list[str]) -> ScenarioError:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, overrides)
    return exc.value


# ------------------------------------------------- 2. several removals from one list
def test_the_quota_period_hints_followed_in_order_remove_what_they_name() -> None:
    issues = refused(EXPORT_BAN, LATE_START).issues
    fixes = [i.hint.split("leave it out: ", 1)[1].split(",")[0].removeprefix("--set ")
             for i in issues]
    assert fixes == [f"{Q4}.schedule[0]=null", f"{Q4}.schedule[1]=null"]
    for order in (fixes, fixes[::-1]):
        sc = load_scenario(EXPORT_BAN, [*LATE_START, *order])
        (period,) = sc.policies.export_quotas["quota_q4_2025"].schedule
        assert str(period.start) == "2025-12-01"  # the December period is kept


def test_a_place_already_removed_is_refused() -> None:
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, EXPORT_BAN, [
        *LATE_START, f"{Q4}.schedule[1]=null", f"{Q4}.schedule[1]=null"]))
    assert "item 1 of policies.export_quotas.quota_q4_2025.schedule was removed by an " \
           "earlier --set" in issue.message


def test_a_place_after_a_removal_counts_the_list_as_it_was() -> None:
    # schedule[2] is the December period, whatever schedule[0]=null did before it
    sc = load_scenario(EXPORT_BAN, [*LATE_START, f"{Q4}.schedule[0]=null",
                                    f"{Q4}.schedule[1]=null", f"{Q4}.schedule[2].tonnes=100"])
    (period,) = sc.policies.export_quotas["quota_q4_2025"].schedule
    assert period.tonnes == 100
    # a list given whole counts its places afresh
    sc = load_scenario(EXPORT_BAN, [
        *LATE_START, f"{Q4}.schedule[0]=null",
        f"{Q4}.schedule=[{{start: 2025-12-01, end: 2025-12-15, tonnes: 1}}, "
        "{start: 2025-12-16, end: 2025-12-31, tonnes: 2}]", f"{Q4}.schedule[0]=null"])
    (period,) = sc.policies.export_quotas["quota_q4_2025"].schedule
    assert period.tonnes == 2


def test_an_error_in_an_item_that_moved_up_points_at_its_file_line() -> None:
    # removing October only: November, now the first period, is still over before the run;
    # its error is at its own line of the file, not at the --set that removed October
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, EXPORT_BAN,
                                     [*LATE_START, f"{Q4}.schedule[0]=null"]))
    assert issue.path == ("policies", "export_quotas", "quota_q4_2025", "schedule", 0, "end")
    assert "ends at 2025-11-30" in issue.message
    assert issue.file is not None and issue.file.endswith("export_ban_2025.yaml")
    assert issue.line == line_of("{start: 2025-11-01, end: 2025-11-30")


def test_a_removed_item_does_not_pass_its_override_citation_on() -> None:
    # the --set that removed November cites nothing: December, which moves up into its
    # place, keeps the file's line and source, not the override's
    raw = apply_overrides(load_raw(EXPORT_BAN), [f"{Q4}.schedule[1]=null"])
    moved = ("policies", "export_quotas", "quota_q4_2025", "schedule", 1)
    assert moved not in raw.override_paths
    assert raw.lines[moved][1] == line_of("{start: 2025-12-01, end: 2025-12-31")
    assert (*moved[:-1], 2) not in raw.lines  # the list has two items now


# ------------------------------------------------------- 3. short warm-up, stock downstream
def warmup_notes(path: Path, *overrides: str) -> list[str]:
    return [n for n in meta_of(load_scenario(path, list(overrides))).notes
            if n.startswith("warmup_days")]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return write(tmp_path / "example.yaml", EXAMPLE)


def test_a_refiners_market_stock_bridges_a_short_warmup(example: Path) -> None:
    # routes of 39-47 days to the refinery, no warm-up: the refinery has no stock, but its
    # market's 5,000 t cover the ~3,100 t missing (a run has no shortfall, price 1.00)
    assert warmup_notes(example, "warmup_days=0") == []
    # with small stock at the market the note is what it was made for
    (note,) = warmup_notes(example, "warmup_days=0", "sites.market.initial_stock_t.cobalt=500")
    assert note.startswith("warmup_days is 0, shorter than the longest planned route "
                           "takes to fill (cobalt "
                           "from diggers to refinery by formal/rail, 44.5 days")
    assert "the stock of market on the start date is too little" in note
    assert "deliveries fall short of plan while the pipelines fill" in note
    assert note.endswith("give warmup_days: 48 or more")  # a whole week's wait for a ship
    # the refiner's own stock counts first
    assert warmup_notes(example, "warmup_days=0", "sites.market.initial_stock_t.cobalt=500",
                        "sites.refinery.initial_output_t={cobalt: 3000}") == []


def test_the_baseline_without_warmup_names_no_refiner() -> None:
    # With warmup_days 0, the baseline's cobalt has no shortfall (the refiners' markets hold
    # 47,500 t); copper's missing ~293,000 t are within market_china's 322,910 t by the
    # plan's route times (a run shows 17,000 t short on 4 days, from lumpy arrivals after
    # the pipelines fill, which a plan cannot predict)
    notes = warmup_notes(ROOT / "scenarios" / "baseline.yaml", "warmup_days=0")
    assert not any("china_cobalt_refiners" in n or "kokkola" in n for n in notes)


def test_shipped_scenarios_have_no_warmup_note() -> None:
    files = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
        (ROOT / "benchmarks" / "networks").glob("*.yaml"))
    assert files
    for path in files:
        assert warmup_notes(path) == [], path.name


# ---------------------------------------------------------------------- 7. minor hints
def test_a_frequency_word_for_a_plain_day_count_is_told_the_number(tiny_path: Path) -> None:
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path,
                                     ["lot_period_days=weekly"]))
    assert issue.message == "expected a number, got 'weekly'"
    assert issue.hint == "write 7 (days), or {value: 1, unit: week}"


def test_an_impossible_date_says_what_is_wrong_without_an_example(tiny_path: Path) -> None:
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path,
                                     ["start=2024-2-30"]))
    assert issue.hint == ("there is no such date: February 2024 has no day 30; write dates "
                          "as YYYY-MM-DD")
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path,
                                     ["start=2023-2-29"]))
    assert "February 2023 has no day 29" in issue.hint


def test_a_route_by_ship_counts_a_whole_interval_before_its_first_load(build) -> None:
    # review 145: weekly sailings; the market's stock covers the expected route time
    # (2 days' transit and half a week's wait) but not the wait of a first ship sailing up
    # to a week after the first lots: a five-week shortfall came without a note
    from sim.scenario import scenario_from_dict

    def notes(stock_t: float) -> list[str]:
        data = build.scenario(
            {"mine": build.mine(), "port": build.port(),
             "market": build.market(initial_stock_t={"copper": stock_t})},
            [build.lane("mine", "port", 1.0),
             build.lane("port", "market", 1.0, mode="sea",
                        sailing={"interval_days": 7, "vessel_t": 1e6})],
            ["port", "market"], horizon=60)
        return [n for n in meta_of(scenario_from_dict(data)).notes
                if n.startswith("warmup_days")]

    # 100 t a day: 5.5 days expected (550 t), 9 days to the first load (900 t); the note
    # comes where the stock leaves 7 days' flow (700 t) uncovered
    (note,) = notes(100.0)
    assert ("5.5 days without queueing, 9.0 with a whole interval's wait for its first "
            "ship") in note
    assert note.endswith("give warmup_days: 9 or more")
    assert notes(250.0) == []
