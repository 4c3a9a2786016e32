"""Review 235: "Who controls supply" showed gold's channel shares alone, so M23's advance
read as control moving toward western firms (informal share -0.89 pt) while the tonnes
armed groups taxed rose (34.5 to 37.9 t): the tonnes taxed from each channel are rows of
the control table too."""

from __future__ import annotations

import pandas as pd

from sim.output.tables import CONTROL_METRICS, control_rows


def _row(scenario: str, metric: str, channel: str, mean: float, unit: str = "t",
         diff: float = float("nan")) -> dict[str, object]:
    return dict(commodity="gold", channel=channel, site="all", metric=metric, unit=unit,
                scenario=scenario, mean=mean, diff=diff, diff_ci_low=diff, diff_ci_high=diff,
                diff_n=10)


def test_tonnes_taxed_by_armed_groups_sit_beside_the_channel_shares() -> None:
    table = pd.DataFrame([
        _row("base", "delivered_share", "informal", 0.9, "share"),
        _row("m23", "delivered_share", "informal", 0.89, "share", -0.01),
        _row("base", "taxed_t", "informal", 34.5),
        _row("m23", "taxed_t", "informal", 37.9, diff=3.4),
        _row("base", "taxed_t", "all", 34.5),  # the total is the headline's
        _row("m23", "taxed_t", "all", 37.9, diff=3.4),
    ])
    rows = control_rows(table, "base", "m23")
    taxed = rows[rows["metric"] == "taxed_t"]
    assert list(taxed["by"]) == ["informal"]
    assert taxed["reference_mean"].iloc[0] == 34.5 and taxed["mean"].iloc[0] == 37.9
    assert list(rows["metric"]) == ["delivered_share", "taxed_t"]  # CONTROL_METRICS order
    assert CONTROL_METRICS.index("taxed_t") > CONTROL_METRICS.index("delivered_share")
