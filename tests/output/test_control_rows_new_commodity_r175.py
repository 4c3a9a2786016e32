"""Review 175: who-controls-supply rows of a commodity the reference does not model read
"baseline 0" with a paired difference (lithium exported by the china channel: 0 against
+4,120 t), beside its total's "-" and with nothing in compare.csv. A commodity one arm
lacks has no 0 there: its channel rows are the other arm's alone."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import sim
from sim.experiment.compare import compare_table
from sim.output.tables import control_rows

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
TIN = [("commodities.tin={forms: {conc: {grade: 0.5, payload_t_per_truck: 30}}, "
        "reference_price_usd_per_t: 30000, demand_elasticity: -0.3}"),
       "sites.mine_a.output.tin={form: conc, t_per_year: 3652.5}",
       "sites.mine_a.offtake.tin={formal: 1.0}",
       "sites.market_x.demand_t_per_year.tin=3652.5"]


def test_channel_rows_of_a_commodity_one_arm_lacks_have_no_zero() -> None:
    plain = sim.run(sim.load_scenario(TINY), 2, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        added = sim.run(sim.load_scenario(TINY, TIN), 2, 1)
    named = {"tiny": plain, "with_tin": added}
    table = compare_table([plain, added], list(named))
    rows = control_rows(table, "tiny", "with_tin", named)
    tin = rows[(rows["commodity"] == "tin") & (rows["metric"] == "exported_t")]
    assert len(tin) == 1 and tin["mean"].iloc[0] > 900
    assert math.isnan(tin["reference_mean"].iloc[0]) and math.isnan(tin["diff"].iloc[0])
    # copper, in both, keeps its paired difference
    copper = rows[(rows["commodity"] == "copper") & (rows["metric"] == "exported_t")]
    assert not math.isnan(copper["diff"].iloc[0])
    # the other way round: the arm without tin has no 0 either
    back = control_rows(compare_table([added, plain], ["with_tin", "tiny"]), "with_tin",
                        "tiny", named)
    tin = back[(back["commodity"] == "tin") & (back["metric"] == "exported_t")]
    assert math.isnan(tin["mean"].iloc[0]) and math.isnan(tin["diff"].iloc[0])
