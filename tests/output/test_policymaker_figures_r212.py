"""Review 212, part B: a run's figures as a policymaker reads them.

a. A stocks panel with nothing to draw says in words what is left out; the Python call
   only on a figure drawn from Python. b. A run's stocks figure draws stockpiles (the US
   National Defense Stockpile of us_partnership was drawn nowhere). c. A corridor upgrade's
   bar shows the upgrade staying after its ramp. d. Policies' bars are labelled in words,
   as events' are by name. e. Deliveries' note of a small share of demand is set apart
   from the title. f. A price peak the same in every replication is "(all equal)", as the
   tables say it. g. A map's closure says its days of the period's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.colors as mcolors
import pytest
import yaml

import sim
from sim.output import figures as F
from sim.output.shock_text import bars, timeline_figure

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def _tiny(tmp_path: Path, edit: dict | None = None, name: str = "t.yaml") -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    for key, value in (edit or {}).items():
        data.setdefault(key, {}).update(value)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reserve(tmp_path_factory: pytest.TempPathFactory) -> sim.Results:
    """tiny, with gold held only at its market and copper at a stockpile too."""
    path = tmp_path_factory.mktemp("reserve") / "reserve.yaml"
    path.write_text(f"""extends: {TINY}
name: reserve
horizon_days: 14
commodities:
  gold:
    forms:
      dore: {{grade: 1.0, payload_t_per_truck: 1}}
sites:
  market_x:
    demand_t_per_year: {{copper: 36525, gold: 365.25}}
    initial_stock_t: {{copper: 1000, gold: 100}}
    other_supply_t_per_year: {{gold: 365.25}}
  reserve:
    kind: stockpile
    name: The Reserve
    region: away
    location: {{lat: 30.0, lon: 121.0}}
    initial_stock_t: {{copper: 500}}
""", encoding="utf-8")
    return sim.run(sim.load_scenario(path), replications=2, seed=1, figures=False)


def _run_figure(res: sim.Results, stem: str) -> tuple[str, object]:
    [(caption, fig)] = [(c, f) for s, c, f in F.run_figures(res) if s == stem]
    return caption, fig


def _panel_text(fig: object, title: str) -> str:
    [text] = [t.get_text() for ax in fig.axes if ax.get_title() == title  # type: ignore
              for t in ax.texts]
    return text


def test_a_run_s_stocks_figure_draws_its_stockpiles(reserve: sim.Results) -> None:
    assert F.run_stock_kinds(reserve) == (*F.STOCK_KINDS, "stockpile")
    caption, fig = _run_figure(reserve, "stocks")
    assert caption.startswith("Stocks at mines, border posts, ports, refiners and stockpiles")
    labels = {line.get_label() for ax in fig.axes for line in ax.lines}
    assert "at stockpiles (The Reserve)" in labels
    # the line is the stockpile's 500 t of copper
    [copper] = [ax for ax in fig.axes if ax.get_title() == "copper: stocks"]
    [line] = [ln for ln in copper.lines if ln.get_label() == "at stockpiles (The Reserve)"]
    assert max(line.get_ydata()) == pytest.approx(500.0)
    assert "stockpiles" not in fig.get_suptitle().split("\n")[-1]  # not "not drawn"
    # the Python default is unchanged
    assert F.STOCK_KINDS == ("mine", "border_post", "port", "refiner")


def test_a_run_without_stockpiles_keeps_its_four_kinds(tmp_path: Path) -> None:
    res = sim.run(sim.load_scenario(TINY), replications=1, seed=1, figures=False)
    assert F.run_stock_kinds(res) == F.STOCK_KINDS


def test_an_empty_stocks_panel_says_in_words_what_is_not_drawn(reserve: sim.Results) -> None:
    _caption, fig = _run_figure(reserve, "stocks")
    text = " ".join(_panel_text(fig, "gold: stocks").split())
    assert text == ("no gold held at mines, border posts or stockpiles; it is held at "
                    "markets, which this figure does not draw")
    assert "res.plot" not in text  # a report's reader has no Python
    drawn = " ".join(_panel_text(F.stocks_figure(reserve, "gold"), "gold: stocks").split())
    assert drawn.endswith("which this figure does not draw. To draw them: "
                          "res.plot.stocks(kinds=['market'])")


def test_a_small_share_of_demand_is_set_apart_from_the_title(tmp_path: Path) -> None:
    res = sim.run(sim.load_scenario(TINY, ["sites.market_x.demand_t_per_year.copper=10000000"]),
                  replications=1, seed=1, figures=False)
    [title] = [ax.get_title() for ax in F.deliveries_figure(res).axes
               if ax.get_title().startswith("copper: deliveries")]
    head, rest = title.split("\n", 1)
    assert head == "copper: deliveries against demand"
    rest = " ".join(rest.split())
    assert rest.startswith("(arrivals from the network: ") and rest.endswith(" of demand)")


def test_a_price_peak_equal_in_every_replication_is_all_equal() -> None:
    res = sim.run(sim.load_scenario(TINY), replications=3, seed=1, figures=False)
    lo, hi = res.summary().query("metric == 'price_peak_ratio'")[["ci_low", "ci_high"]].iloc[0]
    assert lo == hi  # tiny is deterministic
    [title] = [ax.get_title() for ax in F.prices_figure(res).axes]
    assert "peak 1.22 (all equal)" in " ".join(title.split())
    assert "95% CI" not in title


def test_a_closure_on_the_map_says_its_days_of_the_period(tmp_path: Path) -> None:
    path = _tiny(tmp_path, {"shocks": {"events": {"lane_cut": {
        "start": 20, "duration_days": 7, "targets": {"lanes": ["mine_border"]},
        "effects": {"capacity_factor": 0}}}}})
    res = sim.run(sim.load_scenario(path), replications=1, seed=1, figures=False)
    fig = F.map_figure(res)
    texts = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]
    assert any(t.endswith("closed 7 of 100 days") for t in texts), texts
    assert not any(t.endswith(" d") or t.endswith(" d)") for t in texts)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    # review 221: a lane's and a site's closures keyed apart
    assert "lane closed some of the time (mean days of the period)" in legend
    assert F.closed_text(0.3, res) == "closed 0.3 of 100 days"
    assert F.closed_text(100.0, res) == "closed 100 of 100 days"  # all of it
    assert F.closed_text(12.0, res) == "closed 12 of 100 days"


@pytest.fixture(scope="module")
def partnership() -> sim.Scenario:
    return sim.load_scenario(ROOT / "scenarios" / "us_partnership.yaml")


def test_policies_bars_are_labelled_in_words(partnership: sim.Scenario) -> None:
    labels = {b[0]: b[1] for b in bars(partnership)}
    assert labels["offtake deal"] == "orion glencore"
    assert labels["corridor upgrade"] == "lobito atlantic railway"
    assert labels["security support"] == "us security support"
    assert not any("_" in b[1] for b in bars(partnership))


def test_a_corridor_upgrade_is_drawn_as_kept_after_its_ramp(partnership: sim.Scenario) -> None:
    [bar] = [b for b in bars(partnership) if b[0] == "corridor upgrade"]
    assert bar[3] == dt.date(2027, 12, 17)  # the bar's extent is the ramp
    assert "kolwezi_rail_lobito" not in bar[4]
    # review 221: its target given, and the ▶ the key explains
    assert " ".join(bar[4].split()) == ("Kolwezi rail terminal (Lobito Atlantic Railway) → "
                                        "Lobito rail: to 4,107 t/day, transit x0.74; ramp to "
                                        "2027-12-17, then kept \u25b6")
    fig = timeline_figure(partnership)
    assert fig is not None
    ax = fig.axes[0]
    assert "lighter: kept after its ramp" in " ".join(ax.get_title().split())
    row = [t.get_text() for t in ax.get_yticklabels()].index(
        "corridor upgrade: lobito atlantic railway")
    green = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - row) < 1e-9]
    assert len(green) == 2
    ramp, kept = sorted(green, key=lambda p: p.get_x())
    assert mcolors.to_rgba(kept.get_facecolor())[3] < mcolors.to_rgba(
        ramp.get_facecolor())[3]
    end_of_run = partnership.start + dt.timedelta(days=int(partnership.horizon))
    import matplotlib.dates as mdates

    assert mdates.num2date(kept.get_x() + kept.get_width()).date() == end_of_run
    # review 221: a ▶ on every bar going on past the run's end, this one among them
    assert [ln.get_marker() for ln in ax.lines if ln.get_label() == "_goes on"
            and round(ln.get_ydata()[0]) == row] == [">"]
