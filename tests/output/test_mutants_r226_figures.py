"""Review 226: survivors of the mutation review of :mod:`sim.output.figures` (F04, F05,
F06, F14, F18, F19, F24)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from matplotlib.lines import Line2D

import sim
from sim.output import figures as F

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def short_baseline() -> sim.Results:
    """45 days of the baseline in weeks: a short last period, and border posts at 0 for
    gold only."""
    return sim.run(sim.load_scenario(ROOT / "scenarios" / "baseline.yaml",
                                     ["horizon_days=45", "warmup_days=0"]),
                   replications=2, seed=1, figures=False)


@pytest.fixture(scope="module")
def stocks_legend(short_baseline: sim.Results) -> tuple[list[str], list]:
    """The stocks legend's labels and the handles the figure gives it (matplotlib's legend
    draws its own copy of a line, with a marker in the middle: the handle is checked)."""
    given: list[tuple[list, list[str]]] = []
    original = F.figure_legend

    def spy(fig, handles, *args, **kwargs):  # type: ignore[no-untyped-def]
        given.append((list(handles), list(kwargs.get("labels") or [])))
        return original(fig, handles, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(F, "figure_legend", spy)
        fig = F.stocks_figure(short_baseline, kinds=["border_post", "market"])
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    [(handles, labels)] = given
    assert labels == texts
    return texts, handles


def test_a_kind_at_0_in_some_panels_names_them(stocks_legend: tuple[list[str], list]
                                               ) -> None:
    # F05 ("if flat" alone: "0 throughout", though copper and cobalt are not 0) and F06
    # (the "for X" branch dropped: nothing said)
    texts, _ = stocks_legend
    [border] = [t for t in texts if t.startswith("at border posts")]
    assert border == "at border posts: 0 throughout for gold", texts


def test_a_kinds_short_period_marker_is_at_its_lines_end(
        stocks_legend: tuple[list[str], list]) -> None:
    # F04 (markevery=[0]): the hollow marker sits at the key line's end, as on the plot
    texts, handles = stocks_legend
    keyed = [h for t, h in zip(texts, handles, strict=True)
             if t.startswith(("at border posts", "at markets"))]
    assert len(keyed) == 2
    for handle in keyed:
        assert isinstance(handle, Line2D)
        assert handle.get_markevery() == [-1]


def test_the_map_keys_no_closed_lane_when_only_a_site_closed(tmp_path: Path) -> None:
    # F14 (lane key on "if closed"): a closed site alone keyed a closed lane as well
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["horizon_days"] = 60
    data["shocks"] = {"events": {"post_shut": {
        "start": 20, "duration_days": 7, "targets": {"sites": ["border"]},
        "effects": {"capacity_factor": 0}, "assumption": "x"}}}
    path = tmp_path / "site_shut.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    res = sim.run(sim.load_scenario(path), replications=1, seed=1, figures=False)
    fig = F.map_figure(res)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert F.CLOSED_SITE in texts, texts
    assert F.CLOSED_LANE not in texts, texts


def _stockpiles(*names: str) -> SimpleNamespace:
    sites = {f"pile_{i}": SimpleNamespace(kind="stockpile", name=name)
             for i, name in enumerate(names)}
    sites["mine_a"] = SimpleNamespace(kind="mine", name="Mine A")
    return SimpleNamespace(scenario=SimpleNamespace(sites=sites))


def test_one_stockpile_is_not_said_to_be_added_up() -> None:
    # F18 (len(names) > 0): "adds all 1 stockpile sites together (China state ...)"
    res = SimpleNamespace(scenario=sim.load_scenario(ROOT / "scenarios" / "baseline.yaml"))
    caption = F.stocks_caption(res)  # type: ignore[arg-type]
    assert "stockpiles" in caption
    assert "adds all" not in caption, caption


def test_three_stockpiles_are_named_and_four_counted() -> None:
    # F19 (<= 3 -> < 3): three stockpiles lost their names
    three = F.stocks_caption(_stockpiles("Pile A", "Pile B", "Pile C"))  # type: ignore[arg-type]
    assert ("The stockpiles line adds all 3 stockpile sites together (Pile A, Pile B and "
            "Pile C).") in three, three
    four = F.stocks_caption(_stockpiles("A", "B", "C", "D"))  # type: ignore[arg-type]
    assert "The stockpiles line adds all 4 stockpile sites together." in four, four


def test_the_map_caption_counts_the_days_closed() -> None:
    # F24 ("days closed" -> "days open")
    res = SimpleNamespace()
    closed = {"border": 7.0}
    original = F.closed_days
    try:
        F.closed_days = lambda _res: closed  # type: ignore[assignment]
        caption = F.map_caption(res, "copper")  # type: ignore[arg-type]
    finally:
        F.closed_days = original  # type: ignore[assignment]
    assert ("\u201cclosed N of M days\u201d gives the mean over replications of the days "
            "closed in the period.") in caption, caption
    assert "days open" not in caption
