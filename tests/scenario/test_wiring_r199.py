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
from sim.scenario.loader import meta_of

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
    return meta_of(scenario_from_yaml(text)).notes


def _wiring(notes: list[str]) -> list[str]:
    return [n for n in notes if "carries nothing" in n or "carry nothing" in n
            or "no lanes, so nothing" in n]


def _with(tiny_text: str, sites: str = "", lanes: str = "", routes: str = "") -> str:
    text = tiny_text.replace(LANES, sites + LANES, 1) if sites else tiny_text
    text = text.replace(LANES, LANES + lanes, 1) if lanes else text
    return text + routes


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
