"""Review 192, finding 5: an export control whose cap is above every planned sale it limits
(500,000 t/yr on the 105,451 t/yr China's refiners sell to the rest of the world) passed
`sim validate` without a word, where one no sale crosses is noted; and a market named
twice in ``markets`` was accepted silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.scenario.loader import meta_of

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
ALLIES = ROOT / "scenarios" / "china_export_control_allies.yaml"

# the notes are what is tested: read from meta_of, not as the warnings they also raise
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _control(cap: float) -> str:
    return ("policies.export_controls.x={country: CHN, commodity: cobalt, markets: "
            f"[market_row], start: 2024-03-01, cap_t_per_year: {cap:g}}}")


def _cap_notes(*sets: str) -> list[str]:
    return [n for n in meta_of(sim.load_scenario(BASELINE, list(sets))).notes
            if n.startswith("export control 'x' caps")]


def test_a_cap_above_the_planned_sales_is_noted() -> None:
    [note] = _cap_notes(_control(500000))
    assert note == (
        "export control 'x' caps CHN's cobalt sales to market_row at 500,000 t/yr, above "
        "the 105,451 t/yr its refiners plan to sell there (planned refining times their "
        "sales shares): as planned it never binds, only where sales run above the plan "
        "(metal a ban held leaving at once, say); give cap_t_per_year below 105,451 for a "
        "control that cuts sales")


def test_a_cap_below_the_planned_sales_or_a_stop_is_not() -> None:
    assert _cap_notes(_control(105000)) == []
    assert _cap_notes(_control(0)) == []
    # the shipped control halves those sales: no note on it
    assert not [n for n in meta_of(sim.load_scenario(ALLIES)).notes
                if "china_cobalt_to_allies" in n]


def test_a_market_named_twice_is_refused_where_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(f"extends: {ALLIES}\nname: dup\npolicies:\n  export_controls:\n"
                    "    china_cobalt_to_allies:\n      markets: [market_row, market_row]\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert ("dup.yaml:6:29: policies.export_controls.china_cobalt_to_allies.markets[1]: "
            "market 'market_row' is named twice") in result.output
    assert "hint: name each market once" in result.output


def test_the_calendar_bar_of_a_control_names_its_markets_and_cap() -> None:
    from sim.output.shock_text import bars

    sc = sim.load_scenario(ROOT / "scenarios" / "china_export_control_allies.yaml")
    labels = [b[-1] for b in bars(sc) if b[0] == "export control"]
    assert labels and all(" to market_" in label for label in labels)
    assert any("cap " in label and " t/yr" in label for label in labels)
