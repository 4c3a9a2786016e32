"""Findings of a new user's walkthrough, writing a scenario from scratch: a warm-up shorter
than the routes, lanes without a cost under cost routing, a quota over before the run, a
misspelt inherited id in a child file, an event's end over an inherited duration, a route
that starts at a mine, repeated errors, and hints for a date, a frequency, an id in
capitals and a sailing off a non-port lane."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from scenario_helpers import only_issue, write

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario, meta_of

ROOT = Path(__file__).resolve().parents[2]
MINE_BORDER = """  mine_border:
    from: mine_a
    to: border
    mode: road
    transit_days: {value: 3, assumption: test input}"""
BORDER_MARKET = """  border_market:
    from: border
    to: market_x
    mode: road
    transit_days: {value: 10, assumption: test input}"""
ROUTE = "      direct: {path: [border, market_x]}"
CHANNEL = "  formal:\n    routes:\n"
STOCK = "initial_stock_t: {copper: 1000, assumption: test input}"


def refused(path: Path, *overrides: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, list(overrides))
    return exc.value


def warmup_notes(path: Path, *overrides: str) -> list[str]:
    return [n for n in meta_of(load_scenario(path, list(overrides))).notes
            if n.startswith("warmup_days")]


# ------------------------------------------------------------ 1. warm-up shorter than routes
def test_a_warmup_shorter_than_the_longest_route_is_noted(tmp_path: Path,
                                                          tiny_variant) -> None:
    # a 40-day road to the market and stock for 10 days: the first weeks show the
    # pipeline filling, not a shock
    path = write(tmp_path / "long.yaml", tiny_variant(
        ("transit_days: {value: 10, assumption: test input}",
         "transit_days: {value: 37, assumption: test input}")))
    (note,) = warmup_notes(path)
    assert note.startswith("warmup_days is 0, shorter than the longest planned route "
                           "takes to fill (copper "
                           "from mine_a to market_x by formal/direct, 40.0 days")
    assert "deliveries fall short of plan while the pipelines fill" in note
    assert "whole interval" not in note  # no ship on the way (review 148)
    assert "the stock of market_x on the start date is too little" in note
    assert "shortfalls and price rises that no shock caused follow where it runs out" in note
    assert note.endswith("give warmup_days: 40 or more")
    # a warm-up as long as the route is fine, and so is one that leaves less than a week
    # uncovered by stock (1,000 t: 10 days of 100 t)
    assert warmup_notes(path, "warmup_days=40") == []
    assert len(warmup_notes(path, "warmup_days=23")) == 1
    assert warmup_notes(path, "warmup_days=24") == []
    assert warmup_notes(path, "sites.market_x.initial_stock_t.copper=3400") == []
    # tiny.yaml's 13-day route with stock for 10 days: a gap of 3 days is not noted
    assert warmup_notes(ROOT / "tests" / "data" / "tiny.yaml") == []
    # sim validate prints it as a note: valid input
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "note: warmup_days is 0, shorter than the longest planned route" in result.output


def test_the_baseline_without_its_warmup_is_noted() -> None:
    baseline = ROOT / "scenarios" / "baseline.yaml"
    assert warmup_notes(baseline) == []  # 180 days
    # without it, the markets' stocks cover what the empty pipelines hold back (counted
    # through the refiners that sell to them; review 18), until one is taken away
    assert warmup_notes(baseline, "warmup_days=0") == []
    (note,) = warmup_notes(baseline, "warmup_days=0", "sites.market_china.initial_stock_t.copper=0")
    assert "to china_copper_smelters by western/concentrate_durban, 57.6 days" in note
    assert "the stock of market_china on the start date is too little" in note
    # the first loads wait up to a week for a ship: 61.1 days (review 145)
    assert "57.6 days without queueing, 61.1 with a whole interval's wait" in note
    assert "give warmup_days: 62 or more" in note


# ------------------------------------------------- 2 and 7. lanes without a cost, once each
def test_cost_routing_needs_a_cost_on_the_mines_lane_too(tmp_path: Path,
                                                         tiny_variant) -> None:
    path = write(tmp_path / "cheap.yaml", tiny_variant(
        (CHANNEL, CHANNEL.replace("    routes:", "    routing: cheapest\n    routes:")),
        (BORDER_MARKET, BORDER_MARKET + "\n    cost_usd_per_t: {value: 40, assumption: x}")))
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, path))
    assert issue.path == ("lanes", "mine_border", "cost_usd_per_t")
    assert issue.message == ("channel 'formal' routes by cost but lane 'mine_border' (mine "
                             "'mine_a' to 'border', the first site of route 'direct') has "
                             "no cost")
    assert "a missing cost would count as 0" in issue.hint
    assert issue.file == str(path) and issue.line is not None
    load_scenario(path, ["lanes.mine_border.cost_usd_per_t=10"])


def test_a_lane_without_a_cost_on_two_routes_is_reported_once(tmp_path: Path,
                                                              tiny_variant) -> None:
    junctions = """  j1: {kind: junction, region: home, location: {lat: -13, lon: 29}}
  j2: {kind: junction, region: home, location: {lat: -14, lon: 30}}
"""
    cost = "\n    cost_usd_per_t: {value: 5, assumption: x}"
    lanes = "".join(f"  {a}_{b}: {{from: {a}, to: {b}, mode: road, transit_days: 2}}\n"
                    for a, b in (("border", "j1"), ("j1", "market_x"), ("j1", "j2"),
                                 ("j2", "market_x")))
    path = write(tmp_path / "two.yaml", tiny_variant(
        ("  market_x:\n", junctions + "  market_x:\n"),
        (MINE_BORDER, MINE_BORDER + cost),
        (BORDER_MARKET, BORDER_MARKET + cost + "\n" + lanes.rstrip("\n")),
        (CHANNEL, CHANNEL.replace("    routes:", "    routing: cheapest\n    routes:")),
        (ROUTE, "      a: {path: [border, j1, market_x]}\n"
                "      b: {path: [border, j1, j2, market_x]}")))
    report = refused(path).report()
    assert report.count("lane 'border_j1' has no cost") == 1, report
    assert report.count("lane 'j1_market_x' has no cost") == 1, report


# -------------------------------------------------------- 3. a quota over before the run
def test_a_quota_period_over_before_the_warmup_is_refused(tmp_path: Path,
                                                          tiny_variant) -> None:
    quota = ("policies:\n  export_quotas:\n    q:\n      commodity: copper\n      schedule:\n"
             "        - {start: 2023-02-01, end: 2023-06-30, tonnes: 100}\n")
    path = write(tmp_path / "quota.yaml", tiny_variant(("channels:\n", quota + "channels:\n")))
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, path))
    assert issue.path == ("policies", "export_quotas", "q", "schedule", 0, "end")
    assert issue.message.startswith("ends at 2023-06-30, before the run begins")
    assert "--set policies.export_quotas.q.schedule[0]=null" in issue.hint
    # the end is inclusive: a period whose last day is the first of the warm-up acts
    load_scenario(path, ["warmup_days=185"])
    with pytest.raises(ScenarioError, match="before the run begins"):
        load_scenario(path, ["warmup_days=184"])


# ------------------------------------------------ 4. a misspelt inherited id in a child file
@pytest.mark.parametrize(("section", "typo", "body", "lacks", "guess"), [
    ("sites", "bordr", "{clearance_trucks_per_day: 300}", "kind", "border"),
    ("lanes", "border_markt", "{transit_days: 4}", "from, mode, to", "border_market"),
])
def test_a_misspelt_inherited_id_in_a_child_gets_a_did_you_mean(
        tmp_path: Path, tiny_text: str, section: str, typo: str, body: str, lacks: str,
        guess: str) -> None:
    write(tmp_path / "parent.yaml", tiny_text)
    child = write(tmp_path / "child.yaml", f"extends: parent.yaml\nname: child\n"
                                           f"{section}:\n  {typo}: {body}\n")
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, child))
    assert (issue.file, issue.line, issue.path) == (str(child), 4, (section, typo))
    assert issue.message.endswith(f"{typo!r} is not inherited, and as a new "
                                  f"{section[:-1]} it lacks {lacks}")
    assert issue.hint.startswith(f"did you mean {guess!r}?")


def test_a_complete_new_id_near_an_inherited_one_is_a_new_entry(tmp_path: Path,
                                                                tiny_text: str) -> None:
    write(tmp_path / "parent.yaml", tiny_text)
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\nsites:\n"
                  "  borders: {kind: junction, region: home, location: {lat: 0, lon: 0}}\n")
    assert "borders" in load_scenario(child).sites


# ----------------------------------------------- 5. end over an inherited duration_days
EVENT = """shocks:
  events:
    strike:
      start: 10
      duration_days: 5
      targets: {sites: [border]}
      effects: {capacity_factor: 0}
"""
BAN = """policies:
  export_bans:
    ban: {commodity: copper, start: 10, duration_days: 5}
"""


@pytest.mark.parametrize(("block", "section", "ident"), [
    (EVENT, "shocks:\n  events:\n", "strike"),
    (BAN, "policies:\n  export_bans:\n", "ban"),
])
def test_an_end_over_an_inherited_duration_says_to_null_it(
        tmp_path: Path, tiny_text: str, block: str, section: str, ident: str) -> None:
    write(tmp_path / "parent.yaml", tiny_text + block)
    child = write(tmp_path / "child.yaml", f"extends: parent.yaml\nname: child\n{section}"
                                           f"    {ident}:\n      end: 30\n")
    base = block.split(":")[0], section.split()[1].rstrip(":"), ident
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, child))
    assert issue.path == (*base, "end")
    assert (issue.file, issue.line) == (str(child), 6)
    assert issue.message == ("gives both end (30) and duration_days (5): give end or "
                             "duration_days, not both")
    assert issue.hint == (f"duration_days comes from {tmp_path / 'parent.yaml'}; add "
                          "duration_days: null beside end in child.yaml to end it by end alone")
    # the same through --set
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tmp_path / "parent.yaml",
                                     [f"{'.'.join(base)}.end=30"]))
    assert f"add --set {'.'.join(base)}.duration_days=null" in issue.hint
    # and the fix works
    write(child, child.read_text() + "      duration_days: null\n")
    load_scenario(child)


# --------------------------------------------------------- 6. a route that starts at a mine
def test_no_route_hint_leaves_out_a_mine_that_starts_a_route(tmp_path: Path,
                                                             tiny_variant) -> None:
    mine_b = ("  mine_b:\n    kind: mine\n    region: home\n    location: {lat: -10, lon: 25}\n"
              "    output: {copper: {form: cathode, t_per_year: 100}}\n"
              "    offtake: {copper: {formal: 1.0}}\n")
    path = write(tmp_path / "mine_start.yaml", tiny_variant(
        ("  border:\n", mine_b + "  border:\n"),
        (ROUTE, "      direct: {path: [mine_a, border, market_x]}")))
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, path))
    assert issue.path == ("sites", "mine_b", "offtake", "copper", "formal")
    assert "mine_a']" not in issue.hint  # a lane into a mine is refused
    assert issue.hint == ("route 'direct' starts at mine 'mine_a', so only that mine can use "
                          "it: start its path at 'border' (a mine reaches a route's first "
                          "site by a lane of its own) and add a lane from 'mine_b' to "
                          "'border'")
    # doing what it says works
    lane = "  mine_b_border: {from: mine_b, to: border, mode: road, transit_days: 2}\n"
    fixed = write(tmp_path / "fixed.yaml", path.read_text().replace(
        "[mine_a, border, market_x]", "[border, market_x]").replace("lanes:\n",
                                                                    "lanes:\n" + lane))
    assert "mine_b" in load_scenario(fixed).sites


# ---------------------------------------------------------------------- 10. minor hints
def test_a_date_without_leading_zeros_is_shown_as_it_should_be(tiny_path: Path) -> None:
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path,
                                     ["start=2024-3-1"]))
    assert issue.hint == "write 2024-03-01 (YYYY-MM-DD, with two digits for month and day)"
    event = ("shocks.events.e={start: 2024-3-1, duration_days: 5, targets: {sites: [border]}, "
             "effects: {capacity_factor: 0}}")
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path, [event]))
    assert issue.path == ("shocks", "events", "e", "start")
    assert issue.hint.startswith("write 2024-03-01")
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path,
                                     ["start=2024-2-30"]))
    assert issue.hint.startswith("there is no such date")


def test_a_frequency_word_for_days_is_told_the_number(tiny_path: Path) -> None:
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path, [
        "lanes.border_market.sailing={interval_days: weekly, vessel_t: 500}"]))
    assert issue.path == ("lanes", "border_market", "sailing", "interval_days")
    assert issue.message == "expected a number, got 'weekly'"
    assert issue.hint == "write 7 (days), or {value: 1, unit: week}"


@pytest.mark.parametrize(("override", "guess"), [
    ("policies.export_bans.b={commodity: Copper, start: 1}", "copper"),
    ("sites.mine_a.region=Home", "home"),
])
def test_an_id_in_capitals_is_pointed_to_its_lower_case_form(tiny_path: Path, override: str,
                                                             guess: str) -> None:
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path, [override]))
    assert issue.hint.startswith(f"did you mean {guess!r}? ids use the lower-case letters a-z")


def test_a_sailing_off_a_lane_that_is_not_from_a_port_has_a_hint(tiny_path: Path) -> None:
    issue = only_issue(pytest.raises(ScenarioError, load_scenario, tiny_path, [
        "lanes.border_market.sailing={interval_days: 7, vessel_t: 500}"]))
    assert issue.message == "sailings leave from ports, but 'border' is a border_post"
    assert issue.hint == ("remove sailing: from this lane (transit_days alone times it), or "
                          "start it at a port: the scenario has none; add a site of kind: port")
