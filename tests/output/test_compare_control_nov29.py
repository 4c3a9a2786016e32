"""Who controls supply, in sim compare's output and the reports (review of Nov 29).

A scenario that moves metal from one channel (or refiners' country) to another can leave
every total unchanged: the comparison then showed differences of about 0, as if it did
nothing. The terminal table, compare.md and the comparison report now give the paired
differences of delivered_share and exported_t by channel and refined_share by country; the
run report has refined_share by country. The channel ``refined`` is spelt out and
explained where it appears; control_hhi's blind spot (the informal channel is one
controller) is said where it is shown; and the notes on time_to_recover_days and
time_to_shortfall_days appear only with those KPIs.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.experiment.compare import run_comparison
from sim.output.compare_output import comparison_markdown, comparison_text
from sim.output.report import compare_report_html, headline_notes, run_report_html
from sim.output.tables import CONTROL_HHI_NOTE, REFINED_LABEL, REFINED_NOTE
from sim.scenario import scenario_from_dict


def two_refiners(build, informal: float, name: str) -> sim.Scenario:
    """100 t/day of copper: the formal channel takes it to a refiner at home (COD), the
    informal one to a refiner in CHN; ``informal`` is the informal channel's offtake."""
    sites = {"mine": build.mine(),
             "smelter": build.site("refiner", capacity_t_per_year={"copper": 1e6},
                                   sales={"copper": {"market": 1.0}}),
             "smelter_cn": build.site("refiner", region="away",
                                      capacity_t_per_year={"copper": 1e6},
                                      sales={"copper": {"market": 1.0}}),
             "market": build.market()}
    lanes = [build.lane("mine", "smelter", 1.0), build.lane("smelter", "market", 2.0),
             build.lane("mine", "smelter_cn", 2.0), build.lane("smelter_cn", "market", 1.0)]
    data = build.scenario(sites, lanes, ["smelter"], horizon=40, name=name)
    data["channels"]["informal"] = {"routes": {"main": {"path": ["smelter_cn"]}}}
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 1.0 - informal,
                                                   "informal": informal}}
    return scenario_from_dict(data)


def direct(build, informal: float, name: str) -> sim.Scenario:
    """As :func:`two_refiners` without refiners: both channels go to the market."""
    data = build.scenario({"mine": build.mine(), "market": build.market()},
                          [build.lane("mine", "market", 2.0)], ["market"], horizon=40,
                          name=name)
    data["channels"]["informal"] = {"routes": {"main": {"path": ["market"]}}}
    data["sites"]["mine"]["offtake"] = {"copper": {"formal": 1.0 - informal,
                                                   "informal": informal}}
    return scenario_from_dict(data)


@pytest.fixture
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports without their figures (not what these tests read), so they are quick."""
    from sim.output import figures

    monkeypatch.setattr(figures, "run_figure_plan", lambda res: [])
    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(figures, "flows_figure", lambda res: None)
    monkeypatch.setattr("sim.output.report.figure_html", lambda fig, caption, stem: "")
    monkeypatch.setattr("sim.output.compare_report.figure_html",
                        lambda fig, caption, stem: "")


@pytest.fixture(scope="module")
def diverted(build) -> sim.Comparison:
    return run_comparison([two_refiners(build, 0.0, "calm"),
                           two_refiners(build, 0.4, "diverted")], replications=2, seed=1)


def control_lines(text: str) -> dict[tuple[str, str], list[str]]:
    """The who-controls-supply table's rows, by (metric, channel or country)."""
    block = text[text.index("Who controls supply, diverted vs calm"):]
    rows = {}
    for line in block.splitlines()[3:]:
        if line.startswith("note:") or not line.strip():
            break
        cells = [c for c in line.split("  ") if c.strip()]
        rows[(cells[1].strip(), cells[2].strip())] = [c.strip() for c in cells]
    return rows


def test_compare_text_shows_who_controls_supply_with_signs(diverted) -> None:
    text = comparison_text(diverted)
    # the totals barely move: the refined metal and the informal exports trade places
    assert text.index("diverted vs calm (reference)") < text.index("Who controls supply")
    rows = control_lines(text)
    assert rows[("delivered_share", "informal")][5].startswith("+")
    assert rows[("delivered_share", "formal")][5].startswith("-")
    assert rows[("delivered_share", "informal")][5].endswith(" pt")
    assert rows[("exported_t", "informal")][5] == "+1,600"
    assert rows[("exported_t", REFINED_LABEL)][5].startswith("-")
    assert rows[("refined_share", "CHN")][5].startswith("+")
    assert rows[("refined_share", "COD")][5].startswith("-")
    assert rows[("refined_share", "COD")][3] == "100.0%"
    # the formal channel exports nothing in either (its metal leaves refined): left out
    assert ("exported_t", "formal") not in rows
    assert ("exported_t", "refined") not in rows  # only as spelt out
    assert REFINED_NOTE in text


def test_compare_markdown_has_the_section(diverted) -> None:
    md = comparison_markdown(diverted)
    assert "### Who controls supply, diverted vs calm" in md
    assert "| copper | refined_share | CHN | 0.0% |" in md


def test_no_refined_note_and_no_zero_rows_without_refiners(build) -> None:
    comp = run_comparison([direct(build, 0.0, "calm"), direct(build, 0.4, "diverted")],
                          replications=1, seed=1)
    text = comparison_text(comp)
    rows = control_lines(text)
    assert rows[("exported_t", "informal")][5] == "+1,600"
    assert rows[("exported_t", "formal")][5] == "-1,600"
    assert not any(metric == "refined_share" for metric, _by in rows)
    assert REFINED_NOTE not in text and REFINED_LABEL not in text


def test_the_comparison_report_shows_who_controls_supply(diverted, no_figures) -> None:
    html = compare_report_html(list(zip(diverted.labels, diverted.results, strict=True)))
    section = html[html.index("Who controls supply: by channel"):]
    section = section[:section.index("</table>")]
    assert "refined_share" in section and "CHN" in section and "+39" in section
    assert "control_hhi counts the informal channel as one controller" in html
    assert "refined (exporting country&#x27;s refiners): metal refined" in html


def test_the_run_report_has_refining_by_country_and_its_notes(diverted, no_figures
                                                              ) -> None:
    res = diverted.results[1]
    html = run_report_html(res)
    refining = html[html.index("<h3>Refining by country</h3>"):]
    refining = refining[:refining.index("</table>")]
    assert "refined_share" in refining and ">CHN<" in refining and ">COD<" in refining
    # the by-channel table names the refined row readably and says what it is
    channel = html[html.index("<h3>By channel</h3>"):html.index("<h3>Refining by country")]
    assert "refined (exporting country&#x27;s refiners)" in channel
    assert ">refined<" not in channel
    assert "metal refined in the exporting country and shipped out by its refiners" in channel
    # the markets are short while the first lots travel: every run had an episode
    assert ("time_to_recover_days is the mean over the runs in which supply fell below 95% "
            "of demand (copper: 2 of 2)") in html
    assert "so its mean is a lower bound" in html
    assert "control_hhi counts the informal channel as one controller" in html


def test_notes_appear_only_when_relevant(build, no_figures) -> None:
    res = sim.run(direct(build, 0.4, "direct"), replications=1, seed=1)
    html = run_report_html(res)
    assert "No metal was refined by the network" in html
    assert "shipped out by its refiners" not in html
    frame = pd.DataFrame({"commodity": ["copper", "cobalt"], "metric": ["mined_t"] * 2,
                          "mean": [1.0, 2.0], "n": [3, 3]})
    assert headline_notes(frame, 3) == ""
    frame = pd.DataFrame({"commodity": ["copper"], "metric": ["time_to_recover_days"],
                          "mean": [float("nan")], "n": [0]})
    notes = headline_notes(frame, 3)
    assert "(copper: none, so n/a)" in notes
    assert "lower bound" not in notes and "control_hhi" not in notes


def test_control_hhi_note_says_the_informal_channel_is_one_controller() -> None:
    from sim.metrics import kpis

    assert "counts the informal channel as one controller" in CONTROL_HHI_NOTE
    assert "The informal channel counts as ONE controller" in kpis.__doc__


def test_refined_share_says_metal_leaving_refined_is_not_in_it(diverted, no_figures) -> None:
    # review 52: "copper refined_share CHN 100.0%" read as China refining all DRC copper,
    # though cathode (most of it) has no refiner; the run report said so, the comparison
    # outputs did not
    clause = "cathode, has no refiner and is not in it"
    assert clause in comparison_text(diverted)
    assert clause in comparison_markdown(diverted)
    assert clause in compare_report_html(list(zip(diverted.labels, diverted.results,
                                                  strict=True)))
