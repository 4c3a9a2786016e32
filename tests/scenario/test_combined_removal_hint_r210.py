"""A combination's "removed id" hint names the file that can follow it (review 210).

`extends: [a_upg.yaml, b.yaml]`, where b.yaml removes a lane that a_upg.yaml's upgrade
uses: the hint said "in b.yaml, ... remove policies.corridor_upgrades.u (set it to null)",
but b.yaml never had `u` (a null of a key not inherited is an error). The combining file,
which extends both, is the one to change; a single parent's child still names the child."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.docs import EXAMPLE
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario

UPGRADE = ("policies:\n  corridor_upgrades:\n"
           "    u: {lane: railhead_dar, start: 2025-03-01, capacity_t_per_day: 200}\n")
NO_RAIL = ("lanes:\n  railhead_dar: null\n"
           "channels:\n  formal:\n    routes:\n      rail: null\n"
           "      road: {share: 1.0, assumption: x}\n")


@pytest.fixture
def w(tmp_path: Path) -> Path:
    (tmp_path / "base.yaml").write_text(EXAMPLE, encoding="utf-8")
    (tmp_path / "a_upg.yaml").write_text(f"extends: base.yaml\nname: a_upg\n{UPGRADE}",
                                         encoding="utf-8")
    (tmp_path / "b.yaml").write_text(f"extends: base.yaml\nname: b\n{NO_RAIL}",
                                     encoding="utf-8")
    return tmp_path


def _only_issue(path: Path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert len(info.value.issues) == 1, info.value
    return info.value.issues[0]


def test_a_combination_is_told_to_change_the_reference_in_the_combining_file(w: Path) -> None:
    (w / "upg_b.yaml").write_text("extends: [a_upg.yaml, b.yaml]\nname: upg_b\n",
                                  encoding="utf-8")
    issue = _only_issue(w / "upg_b.yaml")
    assert issue.message.endswith("b.yaml:4 removed")
    assert issue.hint == (
        "removing a lane leaves what refers to it: in upg_b.yaml, change "
        "policies.corridor_upgrades.u.lane or remove policies.corridor_upgrades.u (set it "
        "to null) (b.yaml does not extend a_upg.yaml, which sets it; upg_b.yaml extends both)")
    # following the hint works
    (w / "upg_b.yaml").write_text("extends: [a_upg.yaml, b.yaml]\nname: upg_b\n"
                                  "policies:\n  corridor_upgrades:\n    u: null\n",
                                  encoding="utf-8")
    assert load_scenario(w / "upg_b.yaml").policies.corridor_upgrades == {}


def test_a_single_parent_child_is_still_named(w: Path) -> None:
    (w / "child.yaml").write_text(f"extends: a_upg.yaml\nname: child\n{NO_RAIL}",
                                  encoding="utf-8")
    issue = _only_issue(w / "child.yaml")
    assert issue.hint == (
        "removing a lane leaves what refers to it: in child.yaml, change "
        "policies.corridor_upgrades.u.lane or remove policies.corridor_upgrades.u (set it "
        "to null)")


def test_a_route_a_part_brings_is_removed_in_the_combining_file(w: Path) -> None:
    (w / "a_rt.yaml").write_text(
        "extends: base.yaml\nname: a_rt\nchannels:\n  formal:\n    routes:\n"
        "      rail2: {path: [border, railhead, dar, refinery], share: 0.1, assumption: x}\n"
        "      road: {share: 0.6}\n", encoding="utf-8")
    (w / "rt_b.yaml").write_text("extends: [a_rt.yaml, b.yaml]\nname: rt_b\n",
                                 encoding="utf-8")
    issue = _only_issue(w / "rt_b.yaml")
    assert issue.hint == (
        "removing a lane leaves the routes over it broken: in b.yaml, drop the lane's null "
        "to keep it, or in rt_b.yaml, set channels.formal.routes.rail2 to null (or give it "
        "a path without that step) (b.yaml does not extend a_rt.yaml, which sets it; "
        "rt_b.yaml extends both)")


def test_a_reference_the_combining_file_writes_is_changed_there(w: Path) -> None:
    (w / "top.yaml").write_text(f"extends: [base.yaml, b.yaml]\nname: top\n{UPGRADE}",
                                encoding="utf-8")
    issue = _only_issue(w / "top.yaml")
    # the file writing the entry deletes it: a null there would remove nothing inherited
    assert issue.hint == (
        "removing a lane leaves what refers to it: in top.yaml, change "
        "policies.corridor_upgrades.u.lane or remove policies.corridor_upgrades.u (b.yaml "
        "does not extend top.yaml, which sets it)")
