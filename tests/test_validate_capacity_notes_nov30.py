"""`sim validate`'s note on a capacity below the planned flow.

The planned flow is the flow with nothing in force. The note promised that a refiner's
unrefined feed "piles up" (or a queue grows) even in a scenario whose own export ban stops
that flow for years (export_ban_2025.yaml got the baseline's note word for word); it now
says the scenario's shocks and policies, which the plan does not count, may stop it.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sim.cli import main

SLOW_POST = ("--set", "sites.border.clearance_trucks_per_day=2")


def validate(*args: object) -> str:
    result = CliRunner().invoke(main, ["validate", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_a_scenario_with_shocks_is_told_they_may_stop_the_flow(build, tmp_path: Path) -> None:
    cut = build.tiny_closure(tmp_path / "cut.yaml", "{sites: [border]}")
    said = validate(cut, *SLOW_POST)
    assert ("its queue will grow for as long as that lasts while nothing stops that flow "
            "(the scenario's shocks and policies, not counted here, may) (sim show") in said


def test_a_scenario_without_shocks_or_policies_is_told_plainly(tiny_path: Path) -> None:
    said = validate(tiny_path, *SLOW_POST)
    assert "its queue will grow for as long as that lasts (sim show lists" in said
    assert "nothing stops" not in said


def test_the_shipped_ban_no_longer_promises_a_pile_up_it_prevents() -> None:
    root = Path(__file__).resolve().parents[1]
    said = validate(root / "scenarios" / "export_ban_2025.yaml")
    assert ("unrefined feed piles up there, about 36,087 t/yr while nothing stops that flow"
            in said)
