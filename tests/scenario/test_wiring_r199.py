"""Review 199: scenario wiring a newcomer gets wrong.

1. A lane or site that no flow can use passed `sim validate` without a word (a port with no
   lanes, a junction at the end of a lane no route continues from, a refiner whose only
   lane leads out). Such wiring is noted, and a lane that carries nothing in the status
   quo but that a run can use (a backup, a route a deal opens) is not.
2. A route broken by a lane whose `to:` is misspelt was told "did you mean" the misspelt
   id, and a site with no lane out "lanes from 'x' go to nowhere".
3. A route broken because a child file's (or a `--set`'s) null removed an inherited lane
   named neither the child nor the lane.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.scenario import ScenarioError, scenario_from_yaml
from sim.scenario.wiring import unused_wiring

ROOT = Path(__file__).resolve().parents[2]

LANES = "lanes:\n"
ROUTES = "      direct: {path: [border, market_x]}\n"


def _site(sid: str, kind: str, extra: str = "") -> str:
    return (f"  {sid}:\n    kind: {kind}\n    region: home\n"
            f"    location: {{lat: -11.0, lon: 27.0, assumption: test input}}\n{extra}")


def _lane(lid: str, a: str, b: str) -> str:
    return (f"  {lid}:\n    from: {a}\n    to: {b}\n    mode: road\n"
            "    transit_days: {value: 2, assumption: test input}\n")


def _notes(text: str) -> list[str]:
    return unused_wiring(scenario_from_yaml(text))


def _wiring(notes: list[str]) -> list[str]:
    return [n for n in notes if "carries nothing" in n or "carry nothing" in n
            or "no lanes, so nothing" in n]


def _with(tiny_text: str, sites: str = "", lanes: str = "", routes: str = "") -> str:
    text = tiny_text.replace(LANES, sites + LANES, 1) if sites else tiny_text
    text = text.replace(LANES, LANES + lanes, 1) if lanes else text
    return text + routes


# ---------------------------------------------------------------- 1. unused wiring noted
def test_a_port_with_no_lanes_is_noted(tiny_text: str) -> None:
    assert _wiring(_notes(tiny_text)) == []
    [note] = _wiring(_notes(_with(tiny_text, _site("tanga", "port"))))
    assert note.startswith("port 'tanga' has no lanes, so nothing reaches or leaves it: ")
    assert "name tanga in the path of the route meant to pass it" in note
    assert "for a misspelt id" in note


def test_a_junction_no_lane_leaves_is_noted_with_its_lane(tiny_text: str) -> None:
    text = _with(tiny_text, _site("nowhere", "junction"), _lane("border_nowhere", "border",
                                                                 "nowhere"))
    [note] = _wiring(_notes(text))
    assert note.startswith("junction 'nowhere': no lane leaves it, so nothing passes it and "
                           "its lane border_nowhere carries nothing: add a lane out of it")


def test_a_refiner_nothing_feeds_is_noted(tiny_text: str) -> None:
    refiner = _site("smelter", "refiner",
                    "    capacity_t_per_year: {copper: 1000, assumption: test input}\n"
                    "    sales: {copper: {market_x: 1.0}, assumption: test input}\n")
    text = _with(tiny_text, refiner, _lane("smelter_market_x", "smelter", "market_x"))
    [note] = _wiring(_notes(text))
    assert note.startswith("refiner 'smelter': no route a mine can use ends at it and it "
                           "holds no initial_feed_t or initial_output_t, so it refines "
                           "nothing, and its lane smelter_market_x carries nothing: end the "
                           "path of the route meant to feed it at smelter")
    # its stock on the start date is shipped on the lane: nothing to note
    stocked = text.replace("    sales: {copper:",
                           "    initial_output_t: {copper: 10, assumption: test input}\n"
                           "    sales: {copper:")
    assert _wiring(_notes(stocked)) == []


def test_lanes_on_no_route_share_one_note(tiny_text: str) -> None:
    market_y = _site("market_y", "market",
                     "    demand_t_per_year: {copper: 10, assumption: test input}\n"
                     "    other_supply_t_per_year: {copper: balance}\n")
    text = _with(tiny_text, market_y + _site("hub", "junction"),
                 _lane("border_market_y", "border", "market_y")
                 + _lane("border_hub", "border", "hub") + _lane("hub_market_y", "hub",
                                                               "market_y"))
    notes = _wiring(_notes(text))
    # the junction's lanes are named in its own note (the baseline's test has several)
    [astray] = [n for n in notes if n.startswith("lane border_market_y")]
    assert astray.startswith("lane border_market_y (border to market_y) carries nothing: no "
                             "route's path steps from its first site to the second: name "
                             "both in a row in the path of the route meant to pass it")
    [hub] = [n for n in notes if n.startswith("junction 'hub'")]
    assert "is on no route a mine can use, so nothing passes it and its lanes border_hub " \
           "and hub_market_y carry nothing" in hub


def test_a_mine_lane_to_where_no_route_starts_is_noted(tiny_text: str) -> None:
    text = _with(tiny_text, lanes=_lane("mine_market", "mine_a", "market_x"))
    [note] = _wiring(_notes(text))
    # a route of a channel the mine does not sell on: a deal or a diversion, here or in a
    # variant, may put it there (the Lobito line of the baseline)
    other = text + "  other:\n    routes:\n      east: {path: [market_x]}\n"
    assert _wiring(_notes(other)) == []
    assert note.startswith("lane 'mine_market' (from mine_a to market_x) carries nothing: no "
                           "route starts at 'market_x', and a lane from a mine leads to a "
                           "route's first site: start the path of the route meant for "
                           "mine_a's output at market_x")
    # a route from there for another form: the mine cannot use it either
    text = text.replace("      cathode: {grade",
                        "      ore: {grade: 0.5, payload_t_per_truck: 30, assumption: t}\n"
                        "      cathode: {grade").replace(
        ROUTES, "      direct: {path: [border, market_x], share: 0.5}\n"
                "      ore_way: {forms: [ore], path: [market_x], share: 0.5}\n")
    [note] = _wiring(_notes(text))
    assert note.startswith("lane 'mine_market' (from mine_a to market_x) carries nothing: "
                           "mine 'mine_a' can send nothing on route formal/ore_way, starting "
                           "at 'market_x': they carry other commodities or forms than it "
                           "ships")


def _backup(tiny_text: str, on_closure: str) -> str:
    return _with(tiny_text, _site("hub", "junction"),
                 _lane("mine_hub", "mine_a", "hub") + _lane("hub_market_x", "hub", "market_x"),
                 "      spare: {path: [hub, market_x], share: 0}\n").replace(
        ROUTES, "      direct: {path: [border, market_x], share: 1}\n").replace(
        "channels:\n  formal:\n", f"channels:\n  formal:\n    on_closure: {on_closure}\n")


def test_only_a_backup_the_channel_never_takes_is_noted(tiny_text: str) -> None:
    notes = _wiring(_notes(_backup(tiny_text, "wait")))
    assert len(notes) == 1
    # review 205: it said "name hub in the path of the route meant to pass it", where hub
    # is in that path and the route's share 0 is the reason
    assert notes[0] == (
        "junction 'hub' is only on route formal/spare of share 0 in a fixed_shares channel "
        "with on_closure: wait, which never sends a lot on a backup, so nothing passes it and "
        "its lanes mine_hub and hub_market_x carry nothing: give the route a share, or its "
        "channel on_closure: reroute (or rebalance) to keep it as a backup")
    # rerouting or rebalancing takes it when the route with a share closes
    for on_closure in ("reroute", "rebalance"):
        assert _wiring(_notes(_backup(tiny_text, on_closure))) == [], on_closure


def test_a_lane_only_a_waiting_backup_passes_is_noted(tiny_text: str) -> None:
    market_y = _site("market_y", "market",
                     "    demand_t_per_year: {copper: 10, assumption: test input}\n"
                     "    other_supply_t_per_year: {copper: balance}\n")
    text = _with(tiny_text, market_y, _lane("border_market_y", "border", "market_y"),
                 "      spare: {path: [border, market_y], share: 0}\n").replace(
        ROUTES, "      direct: {path: [border, market_x], share: 1}\n")
    [note] = _wiring(_notes(text))
    assert note == ("lane 'border_market_y' (from border to market_y) carries nothing: it is "
                    "only on route formal/spare of share 0 in a fixed_shares channel with "
                    "on_closure: wait, which never sends a lot on a backup: give the route a "
                    "share, or its channel on_closure: reroute (or rebalance) to keep it as a "
                    "backup")
    rerouting = text.replace("channels:\n  formal:\n",
                             "channels:\n  formal:\n    on_closure: reroute\n")
    assert _wiring(_notes(rerouting)) == []


def test_the_baseline_notes_only_lanes_no_route_passes() -> None:
    notes = _wiring(unused_wiring(sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")))
    # the Lobito line carries nothing in the status quo, but a deal opens it
    assert not any("kolwezi_rail" in n or "lobito_rotterdam" in n for n in notes)
    [note] = notes
    assert note.startswith("lanes dar_baltimore (dar_es_salaam to baltimore), ")
    assert "lobito_shanghai (lobito to shanghai) carry nothing: no route's path" in note


def test_the_note_is_shown_by_validate_and_show(tiny_text: str, tmp_path: Path) -> None:
    path = tmp_path / "orphan.yaml"
    path.write_text(_with(tiny_text, _site("tanga", "port")), encoding="utf-8")
    for command in (["validate"], ["show", "--no-figure"]):
        result = CliRunner().invoke(main, [*command, str(path)])
        assert result.exit_code == 0, result.output
        assert "note: port 'tanga' has no lanes" in result.output, command
    # valid input: not repeated at every run (the baseline keeps sea lanes no route takes)
    result = CliRunner().invoke(main, ["run", str(path), "-n", "1", "-w", "1", "-q",
                                       "--no-figures", "--out", str(tmp_path / "r"),
                                       "--set", "horizon_days=5"])
    assert result.exit_code == 0, result.output
    assert "tanga" not in result.output


# ------------------------------------------------------------- 2. route-broken hints
def _issues(text: str):
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text)
    return exc.value.issues


def test_a_misspelt_lane_end_is_not_offered_to_the_route(tiny_variant) -> None:
    issues = _issues(tiny_variant(("    to: market_x\n", "    to: markt_x\n")))
    assert [i.message for i in issues] == [
        "unknown site 'markt_x'", "route is broken: no lane from 'border' to 'market_x'"]
    hint = issues[1].hint
    assert "did you mean 'markt_x'" not in hint
    assert hint == ("lane 'border_market' from 'border' leads to 'markt_x', which is no "
                    "site: if it is the lane meant, correct its to: to market_x, and this "
                    "path is right")


def test_a_misspelt_lane_start_is_not_offered_to_the_route(tiny_variant) -> None:
    issues = _issues(tiny_variant(("    from: border\n", "    from: bordr\n")))
    assert issues[1].hint == ("lane 'border_market' to 'market_x' leads from 'bordr', which "
                              "is no site: if it is the lane meant, correct its from: to "
                              "border, and this path is right")


def test_a_site_without_lanes_out_is_said_plainly(tiny_variant) -> None:
    issues = _issues(tiny_variant(("  border_market:\n    from: border\n",
                                   "  border_market:\n    from: mine_a\n")))
    [route] = [i for i in issues if i.message.startswith("route is broken")]
    assert route.hint == ("there is no lane from 'border': add a lane with from: border and "
                          "to: market_x, or correct the path")


def test_only_known_sites_are_listed_and_guessed(tiny_variant) -> None:
    market_y = _site("market_y", "market",
                     "    demand_t_per_year: {copper: 10, assumption: test input}\n"
                     "    other_supply_t_per_year: {copper: balance}\n")
    text = tiny_variant(("    to: market_x\n", "    to: zzz\n"), (LANES, market_y + LANES),
                        (LANES, LANES + _lane("border_market_y", "border", "market_y")))
    [route] = [i for i in _issues(text) if i.message.startswith("route is broken")]
    assert route.hint == "lanes from 'border' go to market_y: did you mean 'market_y'?"


# ------------------------------------------------------------- 3. a removed lane
def _child(tmp_path: Path, tiny_path: Path, body: str) -> Path:
    path = tmp_path / "child.yaml"
    path.write_text(f"extends: {tiny_path}\nname: child\n{body}", encoding="utf-8")
    return path


def test_a_lane_a_child_removed_is_blamed_on_the_child(tiny_path: Path, tmp_path: Path) -> None:
    path = _child(tmp_path, tiny_path, "lanes:\n  border_market: null\n")
    with pytest.raises(ScenarioError) as exc:
        sim.load_scenario(path)
    [issue] = exc.value.issues
    assert issue.message == ("route is broken: no lane from 'border' to 'market_x'; lane "
                             f"'border_market', which {path}:4 removed, joined them")
    assert issue.hint == ("removing a lane leaves the routes over it broken: in child.yaml, "
                          "drop the lane's null to keep it, or set "
                          "channels.formal.routes.direct to null (or give it a path without "
                          "that step)")
    assert Path(issue.file).name == "tiny.yaml"


def test_all_lanes_removed_by_a_parent_are_blamed(tiny_path: Path, tmp_path: Path) -> None:
    # lanes: null, then a file over it gives back the mine's lane alone
    middle = _child(tmp_path, tiny_path, "lanes: null\n")
    top = tmp_path / "top.yaml"
    top.write_text(f"extends: {middle.name}\nname: top\nlanes:\n"
                   + _lane("mine_border", "mine_a", "border"), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        sim.load_scenario(top)
    [issue] = exc.value.issues
    assert issue.message.endswith(f"; lane 'border_market', which {middle}:3 removed, joined "
                                  "them")


def _cli_issue(tiny_path: Path, *sets: str) -> str:
    args = [a for s in sets for a in ("--set", s)]
    result = CliRunner().invoke(main, ["validate", str(tiny_path), *args])
    assert result.exit_code == 2, result.output
    return result.output


def test_a_lane_a_set_removed_is_blamed_on_the_set(tiny_path: Path) -> None:
    output = _cli_issue(tiny_path, "lanes.border_market=null")
    assert ("route is broken: no lane from 'border' to 'market_x'; lane 'border_market', "
            "which --set lanes.border_market=null removed, joined them\n") in output
    assert ("hint: removing a lane leaves the routes over it broken: drop --set "
            "lanes.border_market=null to keep the lane, or add --set "
            "channels.formal.routes.direct=null, or give channels.formal.routes.direct a "
            "path without that step\n") in output
    # in Python, as the overrides it was given
    with pytest.raises(ScenarioError) as exc:
        sim.load_scenario(tiny_path, ["lanes.border_market=null"])
    [issue] = exc.value.issues
    assert "which override 'lanes.border_market=null' removed, joined them" in issue.message


def test_a_mine_lane_a_set_removed_is_blamed_on_the_set(tiny_path: Path) -> None:
    output = _cli_issue(tiny_path, "lanes.mine_border=null")
    assert ("channel 'formal' has no route for 'copper' (cathode) that mine 'mine_a' can "
            "reach; lane 'mine_border' from 'mine_a' to 'border', which --set "
            "lanes.mine_border=null removed, led it onto one\n") in output
    assert ("hint: removing a lane leaves a mine without its way onto a route: drop --set "
            "lanes.mine_border=null to keep the lane, or move the mine's offtake off channel "
            "'formal'") in output
