"""Review 219: survivors of the mutation review of the run report
(:mod:`sim.output.report`): m27, m34, m35, m37, x13."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

import sim
from sim.output.report import (
    dated_regime_rows,
    idle_channels,
    price_basis_paragraph,
    quiet_totals,
    regime_periods,
    rounded_money,
)
from tests.scenario.scenario_helpers import write
from tests.scenario.test_ban_release_note_r215 import TWO_METALS

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
COLS = ["commodity", "site", "channel", "metric", "mean", "95% CI low", "95% CI high"]


def test_rounded_money_rounds_the_intervals_too() -> None:
    # m34
    frame = pd.DataFrame([["copper", "all", "all", "export_value_usd", 1234567.0, 1111111.0,
                           1333333.0],
                          ["copper", "all", "all", "exported_t", 1234.5678, 1111.111,
                           1333.333]], columns=COLS)
    out = rounded_money(frame)
    assert list(out.iloc[0][["mean", "95% CI low", "95% CI high"]]) == \
        ["1.23 m", "1.11 m", "1.33 m"]
    assert list(out.iloc[1][["mean", "95% CI low", "95% CI high"]]) == \
        [1234.5678, 1111.111, 1333.333]


def test_idle_channels_keeps_a_carrying_channels_rows_of_0() -> None:
    # m37: "formal" carried copper (rows of 0 among them), "informal" none of it
    frame = pd.DataFrame([["copper", "all", "formal", "delivered_t", 0.0, 0.0, 0.0],
                          ["copper", "all", "formal", "delivered_share", 0.0, 0.0, 0.0],
                          ["copper", "all", "informal", "delivered_share", 0.0, 0.0, 0.0],
                          ["copper", "all", "third", "delivered_share", 0.5, 0.4, 0.6]],
                         columns=COLS)
    kept, said = idle_channels(frame)
    assert list(kept["channel"]) == ["formal", "formal", "third"]
    assert "(copper: informal);" in said
    assert "formal," not in said and "third" not in said


def test_quiet_totals_keeps_a_small_total() -> None:
    # m35: 0.4 t curtailed is not 0
    frame = pd.DataFrame([["copper", "all", "all", "curtailed_t", 0.4, 0.0, 0.8],
                          ["copper", "all", "all", "stranded_end_t", 0.0, 0.0, 0.0],
                          ["copper", "all", "all", "seized_t", -0.3, -0.6, 0.0]], columns=COLS)
    kept, said = quiet_totals(frame)
    assert list(kept["metric"]) == ["curtailed_t", "seized_t"]
    assert "(copper: stranded_end_t)" in said


REGIME = """
shocks:
  regimes:
    unrest:
      {start}targets: {{sites: [border]}}
      states:
        calm: {{}}
        bad: {{effects: {{added_delay_days: 1}}}}
      rates_per_year:
        calm: {{bad: 2}}
        bad: {{calm: 6}}
"""


def _regime_res(tmp_path: Path, start: str) -> Any:  # a Results' scenario alone
    text = TINY.read_text(encoding="utf-8") + REGIME.format(start=start)
    return SimpleNamespace(scenario=sim.load_scenario(write(tmp_path / "r.yaml", text)))


def test_a_regime_starting_on_the_start_date_keeps_an_undated_label(tmp_path: Path) -> None:
    # m27: its shares are of the whole period, as the label says undated
    periods = regime_periods(_regime_res(tmp_path, "start: 2024-01-01\n      "))
    assert periods == {}
    frame = pd.DataFrame([["all", "unrest:calm", "all", "state_time_share", 0.8, 0.7, 0.9]],
                         columns=COLS)
    assert list(dated_regime_rows(frame, periods)["metric"]) == ["state_time_share"]
    # one starting the next day is dated
    later = regime_periods(_regime_res(tmp_path, "start: 2024-01-02\n      "))
    assert later == {"unrest": (dt.date(2024, 1, 2), dt.date(2024, 4, 9))}


def test_the_price_basis_leaves_out_an_unpriced_commodity(tmp_path: Path) -> None:
    # x13: copper priced, cobalt not: only copper's price is named
    path = write(tmp_path / "two.yaml", TWO_METALS)
    sc = sim.load_scenario(path, ["commodities.copper.reference_price_usd_per_t=9000"])
    assert sc.commodities["cobalt"].reference_price_usd_per_t is None
    frame = pd.DataFrame([["copper", "all", "all", "export_value_usd", 9e6, 8e6, 1e7],
                          ["cobalt", "all", "all", "export_value_usd", 0.0, 0.0, 0.0]],
                         columns=COLS)
    res: Any = SimpleNamespace(scenario=sc)  # a Results' scenario alone
    text = price_basis_paragraph(res, {"citations": []}, [frame])
    assert "(reference_price_usd_per_t: copper 9,000 USD/t; sources under" in text
    assert "cobalt" not in text
    # cobalt alone: nothing to say
    assert price_basis_paragraph(res, {"citations": []},
                                 [frame[frame["commodity"] == "cobalt"]]) == ""
