"""Two policy slips the validator accepted and that changed an answer (review 103): a
corridor upgrade's transit_factor typed as a percentage, and an export control aimed at a
market in the controlling country."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sim.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def validate(name: str, *sets: str):
    args = ["validate", str(SCENARIOS / name)]
    for item in sets:
        args += ["--set", item]
    return CliRunner().invoke(main, args)


def test_a_transit_factor_typed_as_a_percentage_is_refused() -> None:
    # 74 for 0.74 made the Lobito railway 74 times slower: US-partnered cobalt fell from
    # about 16,800 t to 3,300 t, with no word
    result = validate("us_partnership.yaml",
                      "policies.corridor_upgrades.lobito_atlantic_railway.transit_factor=74")
    assert result.exit_code == 2, result.output
    assert ("policies.corridor_upgrades.lobito_atlantic_railway.transit_factor: must be at "
            "most 10, got 74") in result.output
    assert "percentage typed as a number" in result.output
    assert "Traceback" not in result.output


def test_a_transit_factor_of_up_to_10_is_accepted() -> None:
    result = validate("us_partnership.yaml",
                      "policies.corridor_upgrades.lobito_atlantic_railway.transit_factor=10")
    assert result.exit_code == 0, result.output


def test_an_export_control_on_a_home_market_is_refused() -> None:
    # it acted (China's own market 5,350 t short) though "export control" says what
    # leaves the country
    result = validate("china_export_control_allies.yaml",
                      "policies.export_controls.china_cobalt_to_allies.markets=[market_china]")
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert ("policies.export_controls.china_cobalt_to_allies.markets[0]: market "
            "'market_china' is in CHN, the control's own country") in out
    assert "hint: name markets outside CHN" in out


def test_an_export_control_on_markets_abroad_still_passes() -> None:
    assert validate("china_export_control_allies.yaml").exit_code == 0
