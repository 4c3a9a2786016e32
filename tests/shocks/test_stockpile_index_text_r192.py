"""Review 192, finding 4: a stockpile rule's timeline rows gave the price index to 2
decimals, so under a threshold of 1.5 "release starts, price index 1.50" and "release
stops, price index 1.50, no longer triggered" read alike. The rows give 3 decimals and the
side of the rule's threshold the index was on."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.shocks.policies import _index_text

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_an_index_at_the_threshold_says_which_side_of_it_it_was() -> None:
    # both rounded to 1.50 before
    assert _index_text(1.5004, 1.5, True) == "price index 1.500 (above 1.5)"
    assert _index_text(1.4996, 1.5, True) == "price index 1.500 (not above 1.5)"
    assert _index_text(1.5, 1.5, True) == "price index 1.500 (not above 1.5)"
    assert _index_text(1.0996, 1.1, False) == "price index 1.100 (below 1.1)"
    assert _index_text(1.1, 1.1, False) == "price index 1.100 (not below 1.1)"
    # a rule released on its shortfall alone has no price threshold to compare with
    assert _index_text(1.23456, None, True) == "price index 1.235"


def test_a_run_s_release_rows_tell_a_start_from_a_stop(tmp_path: Path) -> None:
    # the border closes on days 5-40: the market's 1,000 t last 10 days, then the price
    # climbs past 1.05 and the rule releases until the closure ends and the price falls
    path = tmp_path / "reserve.yaml"
    path.write_text(f"""extends: {TINY}
name: reserve
horizon_days: 200
sites:
  reserve:
    kind: stockpile
    region: away
    location: {{lat: 30.0, lon: 121.0}}
    initial_stock_t: {{copper: 20000}}
shocks:
  events:
    closed:
      start: 5
      end: 40
      targets: {{sites: [border]}}
      effects: {{capacity_factor: 0}}
policies:
  stockpiles:
    sell:
      site: reserve
      commodity: copper
      market: market_x
      release_price_ratio_above: 1.05
      release_t_per_day: 50
""", encoding="utf-8")
    res = sim.run(sim.load_scenario(path), replications=1, seed=1, figures=False)
    rows = res.timeline[res.timeline.id == "sell"]
    starts = rows[rows.action == "release starts"]["detail"].tolist()
    stops = rows[rows.action == "release stops"]["detail"].tolist()
    assert starts and stops
    assert all(d.startswith("price index ") and " (above 1.05), shortfall " in d
               for d in starts), starts
    assert all(" (not above 1.05), shortfall " in d and d.endswith(", no longer triggered")
               for d in stops), stops
