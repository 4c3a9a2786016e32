"""Review 221, items 4 and 6-9: a run's figures as a reader sees them.

4. Captions: the map's says how closures are marked besides red, that "closed N of M days"
   is a mean over replications and shows on every commodity's map; the stocks' says what
   the stockpiles line adds up and that an empty panel is said in words; the deliveries'
   says "resilience triangle" only where a shortfall is drawn.
6. A closed site is ringed with a dashed circle, keyed in the legend.
7. "arrivals from the network" and "consumed" differ in line style, not only in colour.
8. The stocks legend keys each kind's short-period marker on its own line, and says of a
   kind at 0 throughout that it is.
9. Titles wrap only where a number keeps its unit, days are thousands-separated, and the
   lead times' row labels give tonnes to three significant figures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import sim
from sim.output import figures as F
from sim.output import style as st

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def _closed(tmp_path: Path) -> sim.Results:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data.setdefault("shocks", {})["events"] = {
        "post_shut": {"start": 20, "duration_days": 7, "targets": {"sites": ["border"]},
                      "effects": {"capacity_factor": 0}},
        "lane_cut": {"start": 40, "duration_days": 5, "targets": {"lanes": ["mine_border"]},
                     "effects": {"capacity_factor": 0}}}
    path = tmp_path / "closed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return sim.run(sim.load_scenario(path), replications=2, seed=1, figures=False)


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> sim.Results:
    return _closed(tmp_path_factory.mktemp("closed"))


@pytest.fixture(scope="module")
def plain() -> sim.Results:
    return sim.run(sim.load_scenario(TINY), replications=2, seed=1, figures=False)


def _caption(res: sim.Results, stem: str) -> str:
    [caption] = [c for s, c, _f in F.run_figures(res) if s == stem]
    return caption


def test_a_closed_site_is_ringed_dashed_and_keyed(closed: sim.Results) -> None:
    assert set(F.closed_days(closed)) == {"border", "mine_border"}
    fig = F.map_figure(closed)
    rings = [c for ax in fig.axes for c in ax.collections if c.get_label() == F.CLOSED_SITE]
    assert rings  # one per panel showing the post
    for ring in rings:
        [style] = ring.get_linestyle()
        assert style[1] is not None  # dashed, not solid: it survives greyscale as a shape
        assert len(ring.get_facecolor()) == 0 or ring.get_facecolor()[0][3] == 0
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert F.CLOSED_SITE in legend and F.CLOSED_LANE in legend


def test_the_map_caption_does_not_rely_on_red_alone(closed: sim.Results,
                                                    plain: sim.Results) -> None:
    caption = _caption(closed, "map-copper")
    assert "\u2715 at their middle" in caption and "dashed red circle" in caption
    assert "mean over replications" in caption
    assert "every commodity's map shows them all" in caption
    assert _caption(plain, "map-copper").endswith("Nothing was closed.")


def test_the_deliveries_caption_names_the_triangle_only_where_drawn(
        plain: sim.Results) -> None:
    assert float(plain.kpi("shortfall_t", "copper").mean()) > 0  # tiny is short
    assert ("the resilience triangle, supply lost, is hatched in red (copper)"
            in _caption(plain, "deliveries"))
    ample = sim.run(sim.load_scenario(TINY, ["sites.market_x.demand_t_per_year.copper=3000"]),
                    replications=2, seed=1, figures=False)
    assert float(ample.kpi("shortfall_t", "copper").mean()) == 0
    caption = _caption(ample, "deliveries")
    assert "no shortfall, so no resilience triangle is drawn" in caption
    assert "triangle shaded" not in caption and "hatched" not in caption


def test_the_stocks_caption_says_what_the_stockpiles_line_adds() -> None:
    from types import SimpleNamespace

    # the caption reads the scenario's sites only
    res = SimpleNamespace(scenario=sim.load_scenario(ROOT / "scenarios" / "us_partnership.yaml"))
    caption = F.stocks_caption(res)  # type: ignore[arg-type]
    assert caption.startswith("Stocks at mines, border posts, ports, refiners and stockpiles")
    assert ("The stockpiles line adds all 2 stockpile sites together (China state cobalt "
            "reserve (NFSRA) and US National Defense Stockpile).") in caption
    assert "A panel with nothing to draw says so in words" in caption


def test_arrivals_and_consumed_differ_in_line_style(plain: sim.Results) -> None:
    fig = F.deliveries_figure(plain)
    styles = {ln.get_label(): ln.get_linestyle() for ax in fig.axes for ln in ax.lines
              if ln.get_label() in ("arrivals from the network", "consumed", "demand")}
    assert len(set(styles.values())) == 3, styles


def test_each_stock_kind_keys_its_own_marker_and_a_flat_one_says_so() -> None:
    # 45 days in 2 replications of weeks: the last period is 3 days, drawn as hollow marks
    res = sim.run(sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                                    ["horizon_days=45", "warmup_days=0"]),
                  replications=2, seed=1, figures=False)
    assert res.catalogue.cut_days
    fig = F.stocks_figure(res, kinds=["mine", "port", "refiner"])
    legend = fig.legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    marks = {t.get_text(): h.get_marker() for t, h in zip(legend.get_texts(),
                                                          legend.legend_handles, strict=True)}
    for kind in ("mine", "port", "refiner"):
        [label] = [t for t in texts if t.startswith(f"at {st.label(kind)}s")]
        assert marks[label] == F.KIND_STYLE[kind][0], (kind, marks)
    assert texts[-1].startswith("last ") and texts[-1].endswith(", no band"), texts
    assert legend.legend_handles[-1].get_marker() == "o"  # one mark, what they all mean
    # mines pass every lot on by the day's end in the baseline: flat at 0, said so
    flat = [t for t in texts if t.startswith("at mines")]
    assert flat and ": 0 throughout" in flat[0], texts


def test_titles_keep_numbers_with_their_units() -> None:
    text = ("Lead times per route, over tonnes delivered (means of replications). "
            "us_partnership: 3 replications, seed 0, 1,279 days from 2024-01-01 widest "
            "124.5 k t")
    for width in range(20, 120):
        wrapped = st.wrap(text, width)
        assert "\u00a0" not in wrapped
        for line in wrapped.split("\n"):
            assert not line.endswith(("1,279", "124.5", "124.5 k")), (width, wrapped)
    fitted = st.fit("closed 12 of 1,461 days and 124.5 k t", 75, 10)
    assert "1,461 days" in fitted and "124.5 k t" in fitted, fitted


def test_days_are_thousands_separated_in_titles() -> None:
    res = sim.run(sim.load_scenario(TINY, ["horizon_days=1461"]), replications=1, seed=1,
                  figures=False)
    assert "1,461 days from 2024-01-01" in F._subtitle(res)


@pytest.mark.parametrize(("tonnes", "text"), [
    (2.84e6, "2.84 M"), (284_200, "284 k"), (73_070, "73.1 k"), (7_387, "7,390"),
    (1_137, "1,140"), (85, "85.0"), (3.69, "3.69"), (999_600, "1.00 M")])
def test_lead_time_rows_give_three_significant_figures(tonnes: float, text: str) -> None:
    assert st.format_tonnes_3(tonnes) == text
