"""The report review's findings: the timeline's day numbers as dates, when a regime
begins, the comparison's captions, notes, scenarios and differences tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

import sim
from sim.output.report import dated_detail, regimes_at_start
from sim.output.shock_text import describe_shocks

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SCENARIOS = ROOT / "scenarios"


def tiny_with(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / f"{data['name']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# ================================================ 2: the timeline's day numbers as dates
def test_the_timeline_gives_a_quotas_days_as_dates() -> None:
    # export_ban_2025 starts on 2024-07-01: day 549 is 2026-01-01; a quota period "to day
    # 488" ends before day 488 (2025-11-01), so its last day is 2025-10-31
    start = dt.date(2024, 7, 1)
    assert (dated_detail("first exports from day 549", start)
            == "first exports from 2026-01-01")
    assert dated_detail("3,625 t to day 488", start) == "3,625 t to 2025-10-31"
    # an event's end is exclusive: its last day in force, as sim show writes it
    assert (dated_detail("21% armed-group tax until day 730.0", start)
            == "21% armed-group tax to 2026-06-30 inclusive")
    assert (dated_detail("closed until day 20.5", start)
            == "closed to 2024-07-21 inclusive")
    assert dated_detail("diverted to informal", start) == "diverted to informal"


def test_sim_show_counts_a_quotas_first_exports_from_the_quota() -> None:
    text = describe_shocks(sim.load_scenario(SCENARIOS / "export_ban_2025.yaml"))
    assert "first exports 77 days after the quota starts" in text
    assert "days after the start" not in text


# ============================================ 6: a regime that begins after the start
def test_sim_show_says_when_a_regime_begins_and_in_which_state() -> None:
    text = describe_shocks(sim.load_scenario(SCENARIOS / "m23_escalation.yaml"))
    line = next(x for x in text.splitlines() if x.startswith("  regime north_kivu_conflict"))
    assert line.startswith("  regime north_kivu_conflict from 2026-01-01 on ")
    assert ": starting occupied; states " in line


REGIME = {"targets": {"sites": ["border"]},
          "states": {"calm": {}, "hot": {"effects": {"capacity_factor": 0.5}}},
          "rates_per_year": {"calm": {"hot": 1.0}, "hot": {"calm": 2.0}}}


@pytest.fixture(scope="module")
def late_regime(tmp_path_factory: pytest.TempPathFactory) -> sim.Results:
    shocks = {"regimes": {"early": REGIME,
                          "late": {**REGIME, "start": 12, "initial": "hot"}}}
    path = tiny_with(tmp_path_factory.mktemp("late"), name="late", shocks=shocks)
    return sim.run(sim.load_scenario(path), replications=2, seed=1)


def test_the_report_says_a_regime_begins_after_the_start_date(late_regime) -> None:
    from sim.output.report import timeline_section

    rows = regimes_at_start(late_regime).to_dict("records")
    assert [r["regime"] for r in rows] == ["early", "late"]
    assert rows[1] == {"regime": "late", "replications": "2 of 2",
                       "state on the start date":
                           "not running yet: it begins on 2024-01-13 in state hot"}
    section = timeline_section(late_regime)
    assert "regime late from 2024-01-13 on sites border: starting hot;" in section


# ========================================== 3: no difference panel, no caption for it
def test_comparison_captions_promise_a_difference_only_where_one_is_drawn(
        tiny_results) -> None:
    from sim.output.figures import compare_figures

    shorter = sim.run(sim.load_scenario(TINY, overrides=["horizon_days=80"]),
                      replications=2, seed=1)
    captions = {stem: cap for stem, cap, _fig in compare_figures(
        [("tiny", tiny_results), ("shorter", shorter)])}
    assert "difference" not in captions["compare-prices"]
    assert "difference" not in captions["compare-exports"]
    assert "difference" not in captions["compare-performance"]
    same = sim.run(sim.load_scenario(TINY), replications=2, seed=2)
    captions = {stem: cap for stem, cap, _fig in compare_figures(
        [("tiny", tiny_results), ("shorter", shorter), ("same", same)])}
    assert captions["compare-prices"].endswith(
        ", and each scenario's difference from tiny (over the same periods).")


# ============================ 5: runs with other seeds or replications, as sim compare says
def test_the_comparison_report_says_the_runs_differ_in_seed_and_replications(
        tiny_results) -> None:
    from sim.output.report import compare_report_html, pairing_notes

    faster = "sites.border.clearance_trucks_per_day=300"
    other = sim.run(sim.load_scenario(TINY, overrides=[faster]), replications=2, seed=5)
    named = [("tiny", tiny_results), ("faster", other)]  # 3 replications seed 1; 2 seed 5
    notes = pairing_notes(named)
    assert len(notes) == 2
    assert notes[0].startswith("the scenarios were run with different seeds (tiny seed 1, "
                               "faster seed 5)")
    assert notes[1].startswith("the runs have different replications (tiny 3, faster 2): "
                               "the differences pair only the replication numbers every run "
                               "has (0, 1)")
    html = compare_report_html(named)
    assert "The scenarios were run with different seeds" in html
    # the reference (3 replications) is the run whose means differ, not the scenario
    assert "so the means of tiny in the differences table are over those 2" in notes[1]
    assert "over all of its replications." in html
    assert pairing_notes([("tiny", tiny_results), ("again", tiny_results)]) == []


def test_sim_report_on_a_folder_of_runs_with_other_seeds_says_so(tmp_path) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    def invoke(*args: object) -> str:
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    # the runs' own figures are not what is tested (drawing them took most of the time)
    invoke("run", TINY, "-n", 3, "--seed", 0, "--out", tmp_path / "baseline", "-q", "-w", 1,
           "--no-figures")
    invoke("run", TINY, "-n", 2, "--seed", 5, "--set", "sites.border.clearance_trucks_per_day=300",
           "--out", tmp_path / "faster", "-q", "-w", 1, "--no-figures")
    said = invoke("report", tmp_path)
    assert ("note: the scenarios were run with different seeds (baseline seed 0, faster seed "
            "5)") in said
    assert "note: the runs have different replications (baseline 3, faster 2)" in said
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "The runs have different replications (baseline 3, faster 2)" in page


# ================================ 1: unmodelled and capped prices in the comparison figures
def test_the_forest_figure_leaves_out_a_price_no_scenario_models(baseline_short) -> None:
    from sim.output.figures import forest_figure, paired_differences

    named = [("a", baseline_short), ("b", baseline_short)]
    diffs = paired_differences(named)
    peaks = diffs[diffs["metric"] == "price_peak_ratio"]
    assert "gold" not in set(peaks["commodity"]) and "copper" in set(peaks["commodity"])
    assert "gold" in set(diffs["commodity"])  # its other KPIs stay
    fig = forest_figure(named)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "price not modelled for gold" in texts


def test_the_comparisons_price_panel_draws_a_cap_the_index_reached(
        tiny_results, shock_yaml) -> None:
    from matplotlib.colors import to_hex

    from sim.output import style as st
    from sim.output.figures import compare_series_figure

    capped = sim.run(sim.load_scenario(shock_yaml, overrides=[
        "commodities.copper.price_cap_ratio=1.01"]), replications=2, seed=1)
    fig = compare_series_figure([("tiny", tiny_results), ("capped", capped)], "price_index")
    cap_lines = [ln for ln in fig.axes[0].get_lines()
                 if list(ln.get_ydata()) == [1.01, 1.01]
                 and to_hex(ln.get_color()) == to_hex(st.CLOSED_COLOR)]
    assert len(cap_lines) == 1
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert any(lab.startswith("price cap (1.01)") for lab in labels)
    plain = compare_series_figure([("tiny", tiny_results), ("again", tiny_results)],
                                  "price_index")
    assert not any(t.get_text().startswith("price cap")
                   for leg in plain.legends for t in leg.get_texts())


# ===================================== 4: compare.csv's differences are from its reference
def test_the_report_says_whose_differences_compare_csv_gives(tiny_results,
                                                             shock_results) -> None:
    import html as html_lib

    from sim.experiment.compare import compare_table
    from sim.output.report import compare_report_html

    csv = compare_table([tiny_results, shock_results], ["baseline", "closure"])
    chosen = html_lib.unescape(compare_report_html(
        [("closure", shock_results), ("baseline", tiny_results)], csv))
    assert ("this folder's compare.csv gives every KPI's difference, by channel and site "
            "too, but from baseline, the reference of the sim compare that wrote it, not "
            "from closure") in chosen
    assert ("compare.csv (differences from baseline, the reference of the sim compare that "
            "wrote it, not from closure)</summary>") in chosen
    same = html_lib.unescape(compare_report_html(
        [("baseline", tiny_results), ("closure", shock_results)], csv))
    assert "is in this folder's compare.csv" in same
    assert "the reference of the sim compare" not in same


# ===================================================== 7: the overrides of each run compared
def test_the_scenarios_table_gives_each_runs_overrides(compare_folder, tmp_path) -> None:
    import html as html_lib
    import shutil

    from click.testing import CliRunner

    from sim.cli import main

    root = tmp_path / "cmp"
    shutil.copytree(compare_folder / "baseline", root / "baseline")
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "3", "--seed", "1", "--set",
                                       "sites.border.clearance_trucks_per_day=300", "--out",
                                       str(root / "faster"), "-q", "-w", "1", "--no-figures"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["report", str(root)])
    assert result.exit_code == 0, result.output
    page = html_lib.unescape((root / "report.html").read_text(encoding="utf-8"))
    table = page[page.index('<table class="meta">'):]
    table = table[:table.index("</table>")]
    assert "<th>overrides</th>" in table
    assert "<td>sites.border.clearance_trucks_per_day=300</td>" in table
    assert "<td>none</td>" in table


# ============================== 8: the differences table's columns, compare.csv's formats
def test_the_differences_and_compare_csv_read_as_sim_compare_prints_them(
        tiny_results, shock_results) -> None:
    import re

    from sim.experiment.compare import compare_table
    from sim.output.report import compare_report_html

    csv = compare_table([tiny_results, shock_results], ["baseline", "closure"])
    page = compare_report_html([("baseline", tiny_results), ("closure", shock_results)], csv)

    def rows(cls: str) -> tuple[list[str], list[list[str]]]:
        part = page[page.index(f'<table class="{cls}">'):]
        part = part[:part.index("</table>")]
        head = re.findall(r"<th>([^<]*)</th>", part)
        body = [re.findall(r"<td[^>]*>([^<]*)</td>", r)
                for r in re.findall(r"<tr>(.*?)</tr>", part)[1:]]
        return head, body

    head, body = rows("kpi differences")
    # from 1,000% on, whole percentages (review 203)
    change_re = r"[+-]\d+\.\d%|[+-]\d{1,3}(,\d{3})+%|-"
    assert {"change", "share diff&gt;0", "pairs", "paired"} <= set(head)
    at = {c: head.index(c) for c in ("change", "share diff&gt;0", "pairs", "paired")}
    for r in body:
        assert re.fullmatch(change_re, r[at["change"]])
        assert re.fullmatch(r"\d+%|-", r[at["share diff&gt;0"]])
        assert re.fullmatch(r"\d+", r[at["pairs"]])
        assert r[at["paired"]] in ("yes", "no")
    head, body = rows("kpi compare-csv")
    at = {c: head.index(c) for c in ("n", "diff_n", "rel_change", "share_positive")}
    closure = [r for r in body if r[head.index("scenario")] == "closure"]
    assert closure
    for r in closure:
        assert re.fullmatch(r"\d+", r[at["n"]])
        assert re.fullmatch(r"\d+|-", r[at["diff_n"]])
        assert re.fullmatch(change_re, r[at["rel_change"]])
        assert re.fullmatch(r"\d+%|-", r[at["share_positive"]])


# ======================================== 9: the command to choose another reference
def test_the_command_for_another_reference_names_the_folder_in_full(
        compare_folder, tmp_path, monkeypatch) -> None:
    import shutil

    from sim.output.report import write_report

    shutil.copytree(compare_folder, tmp_path / "cmpu", ignore=shutil.ignore_patterns("*.html"))
    monkeypatch.chdir(tmp_path)
    written = write_report("cmpu")
    said = " ".join(written.notes)
    assert f"run sim report {tmp_path / 'cmpu'} --reference NAME" in said
    page = (tmp_path / "cmpu" / "report.html").read_text(encoding="utf-8")
    assert f"run sim report {tmp_path / 'cmpu'} --reference NAME" in page


def test_the_key_kpis_are_named_by_their_ids_not_their_row_labels() -> None:
    # a price peak at the cap is labelled "price_peak_ratio (both at the cap)" in its row;
    # the lead-in listed that label beside price_peak_ratio as if another KPI
    import pandas as pd

    from sim.output.report import _difference_words

    rows = [("b", "cobalt", "price_peak_ratio (both at the cap)"),
            ("b", "copper", "price_peak_ratio"), ("b", "cobalt", "delivered_t")]
    diffs = pd.DataFrame([{"scenario": s, "commodity": c, "metric": m, "unit": "t",
                           "diff": 1.0, "ci_low": 0.5, "ci_high": 1.5, "reference_mean": 10.0,
                           "reference": "a"} for s, c, m in rows])
    text = _difference_words(diffs)
    assert "Key KPIs: price_peak_ratio, delivered_t, totals per commodity" in text
