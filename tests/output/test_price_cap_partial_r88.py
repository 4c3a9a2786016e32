"""A price peak at the cap in some replications only (review 88, F1, F2): the mean is held
down by the cap, so it is shown as a bound "at the cap in k of n", never with an interval
past the cap; the report's key list shows a capped peak as its bound and a money KPI valued
at such a price with the price note's caveat, instead of dropping the one and headlining
the other. Built from small synthetic data: no simulation is run."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd

from sim.output import report as R
from sim.output import tables as T

PEAKS = np.array([10.0, 10.0, 10.0, 9.8718])  # review 88's cobalt peaks, cap 10


def fake_results(peaks: np.ndarray, cap: float = 10.0) -> SimpleNamespace:
    values = {"cobalt": peaks}
    return SimpleNamespace(
        replications=list(range(len(peaks))),
        scenario=SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=cap)}),
        kpi=lambda metric, commodity: values[commodity].copy())


def test_a_peak_at_the_cap_in_some_replications_is_counted_and_named() -> None:
    counts = T.cap_runs(fake_results(PEAKS))
    assert counts == {"cobalt": (10.0, 3, 4)}
    assert T.capped_runs(fake_results(PEAKS)) == {"cobalt": 10.0}
    # over the pairs of a comparison only
    assert T.cap_runs(fake_results(PEAKS), replications=[3]) == {}
    assert T.cap_runs(fake_results(np.array([9.0, 9.5]))) == {}
    note = T.cap_note({"cobalt": 10.0}, " in combined_2025", counts)
    assert "at the cap in 3 of 4 replications" in note and "lower bound" in note
    # every replication at the cap: the note as before
    full = T.cap_note({"cobalt": 10.0}, "", T.cap_runs(fake_results(np.full(4, 10.0))))
    assert full == T.cap_note({"cobalt": 10.0})


def summary(mean: float, low: float, high: float) -> pd.DataFrame:
    return pd.DataFrame({"commodity": ["cobalt"], "channel": ["all"], "site": ["all"],
                         "metric": ["price_peak_ratio"], "unit": ["ratio"], "mean": [mean],
                         "sd": [0.1], "n": [4], "ci_low": [low], "ci_high": [high]})


def test_a_price_peak_interval_never_passes_the_cap() -> None:
    out = T.clip_intervals(summary(9.97, 9.87, 10.07), {"cobalt": 10.0})
    assert out["ci_high"].iloc[0] == 10.0 and out["ci_low"].iloc[0] == 9.87
    # the terminal's table of a run too
    text = T.headline_table(summary(9.5, 9.0, 10.07), caps={"cobalt": 10.0})
    assert "10.07" not in text and "[9.00, 10.00]" in text


def test_the_report_headline_shows_a_partly_capped_peak_as_a_bound() -> None:
    counts = T.cap_runs(fake_results(PEAKS))
    head = R.headline_frame(summary(9.97, 9.87, 10.07), {"cobalt": 10.0}, (), counts)
    row = head.iloc[0]
    assert row["metric"] == "price_peak_ratio (at the cap in 3 of 4)"
    assert math.isnan(row["95% CI low"]) and math.isnan(row["95% CI high"])


def diffs_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "scenario": ["ban", "ban"], "reference": ["base", "base"],
        "commodity": ["cobalt", "cobalt"],
        "metric": ["price_peak_ratio (ban at the cap)", "royalty_usd"],
        "unit": ["ratio", "USD"], "reference_mean": [1.0, 1.476e9], "mean": [10.0, 2.237e9],
        "diff": [9.0, 7.61e8], "ci_low": [math.nan, 5e8], "ci_high": [math.nan, 9e8]})


def test_the_key_list_keeps_a_capped_peak_as_a_bound_and_flags_money() -> None:
    html = R._difference_words(diffs_frame(), money={"ban": {"cobalt"}})
    assert "price_peak_ratio \u2265 +9.00 ratio (at least +900.0%), at the cap" in html
    royalty = next(li for li in html.split("<li>")[1:] if "royalty_usd" in li)
    assert "not revenue" in royalty and "not for headlines" in royalty
    # a reference at the cap bounds the difference from above: not listed as excluding 0
    d = diffs_frame().iloc[:1].assign(metric="price_peak_ratio (base at the cap)")
    assert "<li>" not in R._difference_words(d)


def test_the_report_differences_table_says_in_how_many_replications() -> None:
    d = diffs_frame().iloc[:1].assign(metric="price_peak_ratio", ci_low=8.87, ci_high=9.07)
    counts = {"base": {}, "ban": T.cap_runs(fake_results(PEAKS))}
    out = R._price_peak_differences(d, "base", {"base": {}, "ban": {"cobalt": 10.0}},
                                    {"base": [], "ban": []}, counts)
    assert out["metric"].iloc[0] == "price_peak_ratio (ban at the cap in 3 of 4)"
    assert math.isnan(out["ci_low"].iloc[0]) and math.isnan(out["ci_high"].iloc[0])


# review 90 -------------------------------------------------------------------------------
def test_a_reference_partly_at_the_cap_bounds_a_difference_from_above_r90() -> None:
    counts = T.cap_runs(fake_results(PEAKS))
    ref = T.cap_note({"cobalt": 10.0}, " in base", counts, "reference")
    assert "upper bound (at most)" in ref and "a difference from it, is a lower" not in ref
    assert "lower bound (at least)" not in ref
    other = T.cap_note({"cobalt": 10.0}, " in ban", counts, "scenario")
    assert "lower bound too (at least)" in other and "upper bound" not in other
    # the report: the reference's note (the first scenario) says at most
    notes = R._price_notes({"base": {"cobalt": 10.0}, "ban": {}}, {"base": [], "ban": []},
                           {"base": counts, "ban": {}})
    assert len(notes) == 1 and "upper bound (at most)" in notes[0]
    # one run: no difference to speak of
    assert "difference" not in T.cap_note({"cobalt": 10.0}, "", counts)


def test_sim_compare_notes_a_partly_capped_reference_as_an_upper_bound_r90() -> None:
    from sim.output import compare_output as C

    def res(peaks: np.ndarray) -> SimpleNamespace:
        r = fake_results(peaks)
        r.scenario.commodities["cobalt"].demand_elasticity = -0.3
        return r

    table = pd.DataFrame({"scenario": ["base", "ban"], "channel": ["all"] * 2,
                          "site": ["all"] * 2, "commodity": ["cobalt"] * 2,
                          "metric": ["price_peak_ratio"] * 2, "mean": [9.97, 2.0]})
    comp = SimpleNamespace(results=[res(PEAKS), res(np.full(4, 2.0))], labels=["base", "ban"],
                           reference="base", replications=[0, 1, 2, 3], table=table)
    notes = C._cap_notes(comp, "ban", None)
    assert len(notes) == 1 and " in base:" in notes[0]
    assert "upper bound (at most)" in notes[0] and "lower bound too" not in notes[0]


def test_sim_runs_table_shows_a_partly_capped_peak_as_a_bound_r90() -> None:
    counts = T.cap_runs(fake_results(PEAKS))
    text = T.headline_table(summary(9.97, 9.87, 10.07), caps={"cobalt": 10.0}, counts=counts)
    assert "price_peak_ratio (at the cap in 3 of 4)" in text
    assert "9.87" not in text and "10.07" not in text
    assert "at the cap in 3 of 4 replications" in text and "lower bound" in text


def test_results_repr_shows_a_partly_capped_peak_as_a_bound_r90() -> None:
    from sim.experiment.results import Results

    peaks = np.array([3.5, 3.5, 3.5, 2.64, 2.9, 3.2])
    res = fake_results(peaks, cap=3.5)
    res.scenario.commodities["cobalt"].demand_elasticity = -0.3

    def kpi(metric: str, commodity: str) -> np.ndarray:
        if metric != "price_peak_ratio":
            raise KeyError(metric)
        return peaks.copy()

    res.kpi = kpi
    rows = Results._headline(res)
    assert len(rows) == 1
    com, metric, mean, low, high, _unit = rows[0]
    assert metric == "price_peak_ratio (at the cap in 3 of 6)"
    assert math.isnan(low) and math.isnan(high)


def test_the_reports_every_kpi_and_compare_csv_tables_clip_a_peak_to_the_cap_r90() -> None:
    sc = SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=10.0)})
    out = R.every_kpi_frame(summary(9.97, 9.87, 10.07), sc)
    assert out["95% CI high"].iloc[0] == 10.0
    other = SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=20.0)})
    extra = pd.concat([summary(9.97, 9.87, 10.07).assign(scenario="partial"),
                       summary(9.97, 9.87, 10.07).assign(scenario="nocap")],
                      ignore_index=True)
    named = [("partial", SimpleNamespace(scenario=sc)), ("nocap", SimpleNamespace(scenario=other))]
    clipped = R._clip_by_scenario(extra, named)
    assert list(clipped["ci_high"]) == [10.0, 10.07]
    assert list(clipped["scenario"]) == ["partial", "nocap"]


def test_the_report_counts_cap_hits_over_the_pairs_only_r90() -> None:
    from sim.output import figures as F

    # review 90's rp6: peaks 2.49, 2.33, then 3 of 4 at the cap; rt2 has replications 0, 1
    partial = fake_results(np.array([2.49, 2.33, 3.5, 3.5, 3.5, 3.2]), cap=3.5)
    tiny = fake_results(np.array([1.2, 1.25]), cap=3.5)
    named = [("tiny", tiny), ("partial", partial)]
    assert R.paired_cap_runs(named) == {"tiny": {}, "partial": {}}
    assert F._capped_peaks(named) == {"tiny": set(), "partial": set()}
    # with every replication paired, they count as before
    whole = fake_results(np.array([1.2, 1.25, 1.1, 1.3, 1.2, 1.2]), cap=3.5)
    assert R.paired_cap_runs([("tiny", whole), ("partial", partial)])["partial"] == {
        "cobalt": (3.5, 3, 6)}
    assert F._capped_peaks([("tiny", whole), ("partial", partial)])["partial"] == {"cobalt"}


def test_the_key_list_keeps_a_fall_from_a_capped_reference_as_a_bound_r90() -> None:
    d = diffs_frame().iloc[:1].assign(metric="price_peak_ratio (base at the cap in 3 of 6)",
                                      reference_mean=3.2, mean=1.22, diff=-1.98)
    html = R._difference_words(d)
    assert ("price_peak_ratio \u2264 -1.98 ratio (at most -61.9%), reference at the cap"
            in html)
    # a rise from a capped reference says nothing: still left out
    assert "<li>" not in R._difference_words(d.assign(diff=1.0, mean=4.2))


def test_the_price_figure_gives_a_partly_capped_peak_as_a_bound_r90(tmp_path) -> None:
    from pathlib import Path

    import yaml

    import sim
    from sim.output import figures as F

    # review 90's partial.yaml: tiny with a closure of 5-25 days and copper capped at 3.5
    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
    data = yaml.safe_load(tiny.read_text(encoding="utf-8"))
    data["name"] = "partial"
    data["commodities"]["copper"]["price_cap_ratio"] = 3.5
    data["shocks"] = {"events": {"border_closure": {
        "name": "Border closed", "start": 20,
        "duration_days": {"dist": "uniform", "low": 5, "high": 25},
        "targets": {"sites": ["border"]}, "effects": {"capacity_factor": 0}}}}
    path = tmp_path / "partial.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    res = sim.run(sim.load_scenario(path), replications=6, seed=1)
    _cap, k, n = T.cap_runs(res)["copper"]
    assert 0 < k < n
    title = F.prices_figure(res, "copper").axes[0].get_title()
    assert "peak \u2265" in title and f"at the cap (3.5) in {k} of {n} replications" in title
    assert "95% CI" not in title


# review 91 -------------------------------------------------------------------------------
def test_the_headline_table_of_a_comparison_notes_caps_in_unpaired_replications_r91() -> None:
    # review 91's cmp_unpaired: every cap hit of rp6 falls in replications rt2 lacks
    partial = fake_results(np.array([2.49, 2.33, 3.5, 3.5, 3.5, 3.2]), cap=3.5)
    tiny = fake_results(np.array([1.2, 1.25]), cap=3.5)
    named = [("tiny", tiny), ("partial", partial)]
    paired = R.paired_cap_runs(named)
    assert R._price_notes({n: {} for n in paired}, {"tiny": [], "partial": []}, paired) == []
    notes = R._headline_cap_notes(named, paired)
    assert len(notes) == 1
    assert "at the cap in partial: cobalt (3.5, at the cap in 3 of 6 replications)" in notes[0]
    assert "without an interval" in notes[0] and "difference" not in notes[0]
    # every replication paired: the differences' notes say it already
    whole = fake_results(np.array([1.2, 1.25, 1.1, 1.3, 1.2, 1.2]), cap=3.5)
    named = [("tiny", whole), ("partial", partial)]
    assert R._headline_cap_notes(named, R.paired_cap_runs(named)) == []


def test_the_reports_raw_tables_give_a_partly_capped_peak_no_interval_r91() -> None:
    sc = SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=10.0)})
    counts = T.cap_runs(fake_results(PEAKS))
    out = R.every_kpi_frame(summary(9.97, 9.87, 10.07), sc, counts)
    assert math.isnan(out["95% CI low"].iloc[0]) and math.isnan(out["95% CI high"].iloc[0])
    assert out["mean"].iloc[0] == 9.97
    # no cap reached: the interval as before
    assert R.every_kpi_frame(summary(9.5, 9.0, 9.8), sc, {})["95% CI low"].iloc[0] == 9.0
    # review 91's cmp4: partial (capped, the csv's reference), nocap and tiny (not capped)
    other = SimpleNamespace(commodities={"cobalt": SimpleNamespace(price_cap_ratio=50.0)})
    diff = {"diff": [math.nan, 0.382, -1.98], "diff_ci_low": [math.nan, -0.196, -2.53],
            "diff_ci_high": [math.nan, 0.961, -1.42]}
    extra = pd.concat([summary(3.2, 2.64, 3.76).assign(scenario="partial"),
                       summary(3.58, 2.6, 4.56).assign(scenario="nocap"),
                       summary(1.22, 1.22, 1.22).assign(scenario="tiny"),
                       summary(3.2, 2.64, 3.76).assign(scenario="nocap", metric="mined_t",
                                                       unit="t")],
                      ignore_index=True)
    extra = extra.assign(**{k: v + [0.5] for k, v in diff.items()})
    named = [(n, SimpleNamespace(scenario=sc if n == "partial" else other))
             for n in ("partial", "nocap", "tiny")]
    counts = {"partial": {"cobalt": (3.5, 3, 6)}, "nocap": {}, "tiny": {}}
    out = R._clip_by_scenario(extra, named, counts)
    assert out["ci_low"].isna().tolist() == [True, False, False, False]
    assert out["diff_ci_low"].isna().tolist() == [True, True, True, False]
    assert out["diff_ci_high"].isna().tolist() == [True, True, True, False]
    assert out["ci_high"].iloc[1] == 4.56 and out["diff_ci_low"].iloc[3] == 0.5
    # no cap anywhere: as before
    plain = R._clip_by_scenario(extra, named, {n: {} for n in counts})
    assert plain["diff_ci_low"].iloc[1] == -0.196 and plain["ci_low"].iloc[0] == 2.64


def test_the_report_notes_two_scenarios_at_the_cap_alike_jointly_r91() -> None:
    # review 91's cmpboth: partial and partial2, one scenario under two names
    runs = {"copper": (3.5, 3, 6)}
    capped = {"partial": {"copper": 3.5}, "partial2": {"copper": 3.5}}
    no_price = {"partial": [], "partial2": []}
    notes = R._price_notes(capped, no_price, {"partial": runs, "partial2": dict(runs)})
    assert len(notes) == 1 and " in partial and partial2: copper" in notes[0]
    assert notes[0].endswith("neither an estimate nor a bound.</p>")
    assert "upper bound" not in notes[0] and "lower bound too" not in notes[0]
    # as sim compare says it
    assert notes[0] == R.cap_paragraph(capped["partial"], "partial and partial2", runs,
                                       "both")
    # a third scenario not at the cap still differs from a capped reference: at most
    capped["tiny"], no_price["tiny"] = {}, []
    notes = R._price_notes(capped, no_price,
                           {"partial": runs, "partial2": dict(runs), "tiny": {}})
    assert len(notes) == 1 and "upper bound (at most)" in notes[0]
    assert "neither an estimate nor a bound" in notes[0]
    # at the cap in other replications: each its own note, as before
    notes = R._price_notes(capped, no_price,
                           {"partial": runs, "partial2": {"copper": (3.5, 2, 6)}, "tiny": {}})
    assert len(notes) == 2 and "upper bound (at most)" in notes[0]
    assert " in partial2:" in notes[1] and "lower bound too (at least)" in notes[1]


def test_a_cap_note_of_peaks_partly_and_fully_at_the_cap_is_grammatical_r91() -> None:
    note = T.cap_note({"copper": 3.5, "cobalt": 10.0}, " in x",
                      {"copper": (3.5, 3, 6), "cobalt": (10.0, 4, 4)})
    assert "copper (3.5, at the cap in 3 of 6 replications)" in note
    assert "cobalt (10, at the cap in every replication)" in note
    assert "every replications" not in note


def test_a_cap_note_of_a_peak_at_the_cap_everywhere_says_what_a_difference_is_r91() -> None:
    runs = {"cobalt": (10.0, 4, 4)}
    ref = T.cap_note({"cobalt": 10.0}, " in x", runs, "reference")
    assert ref.endswith("; a difference of a scenario not at the cap from it is an upper "
                        "bound (at most)")
    other = T.cap_note({"cobalt": 10.0}, " in x", runs, "scenario")
    assert other.endswith("is a lower bound (at least)") and "upper" not in other
    both = T.cap_note({"cobalt": 10.0}, " in x", runs, "both")
    assert both.endswith("neither an estimate nor a bound")
    # one run: as before, nothing of a difference
    assert "difference" not in T.cap_note({"cobalt": 10.0}, "", runs)
    assert T.cap_note({"cobalt": 10.0}, "", runs) == T.cap_note({"cobalt": 10.0})


def test_the_compare_csv_caption_speaks_of_price_caps_only_where_one_is_reached_r91() -> None:
    before = ('<p class="muted">rel_change: the difference as a share of the reference '
              "mean; share_positive: the share of paired replications in which the "
              "difference is positive; compare.csv keeps them as fractions, and its "
              "intervals as computed (here each scenario's is clipped to the range its "
              "KPI can take).</p>")
    assert R._compare_csv_caption({"base": {}, "ban": {}}) == before
    capped = R._compare_csv_caption({"base": {}, "ban": {"cobalt": (10.0, 3, 4)}})
    assert "price cap" in capped and "is given none" in capped
