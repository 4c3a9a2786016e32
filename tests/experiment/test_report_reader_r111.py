"""What a reader sees first (reviews 111 and 112): the money note names the commodities it
is about, and the printed results give no negative tonnes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sim
from sim.output.tables import money_note

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_the_money_note_names_only_the_commodities_whose_price_moved() -> None:
    # it read as if gold's rent and copper's royalties, at prices that never moved, were
    # to be kept out of headlines too
    note = money_note({"cobalt": "reached its cap (10)"}, " in combined_2025")
    assert note.startswith("note: export_value_usd, royalty_usd, armed_group_rent_usd in "
                           "combined_2025 of cobalt are valued at the model's price index")
    assert note.endswith("(the other commodities' are not affected)")
    assert money_note({}) == ""


def test_printed_results_clip_tonnes_intervals_at_zero(monkeypatch) -> None:
    # two replications of a noisy total gave "[-51,419, 144,973] t"
    res = sim.run(sim.load_scenario(TINY), replications=2, seed=1)
    monkeypatch.setattr(res, "kpi", lambda metric, commodity: np.array([0.0, 100.0]))
    rows = {(c, m): (lo, hi) for c, m, _mean, lo, hi, unit in res._headline() if unit == "t"}
    assert rows[("copper", "shortfall_t")][0] == 0.0
    assert rows[("copper", "shortfall_t")][1] > 100.0  # the upper end as computed
    assert "[-" not in repr(res)


def test_a_combination_is_pointed_to_the_status_quo_its_parts_build_on(tmp_path) -> None:
    # review 111: against the clean baseline, a combination of files that all build on a
    # leaky status quo showed the leakage as its own effect
    from sim.experiment.compare import extends_notes, resolve

    (tmp_path / "leaky.yaml").write_text(f"extends: {TINY}\nname: leaky\n", encoding="utf-8")
    for part in ("a", "b"):
        (tmp_path / f"{part}.yaml").write_text(f"extends: leaky.yaml\nname: {part}\n",
                                               encoding="utf-8")
    (tmp_path / "both.yaml").write_text("extends: [a.yaml, b.yaml]\nname: both\n",
                                        encoding="utf-8")
    (note,) = extends_notes(resolve([TINY, tmp_path / "both.yaml"])[0])
    assert note.endswith("leaky.yaml is the status quo all its parts build on (they all "
                         "build on it): compare both with leaky.yaml for the combination's "
                         "effect without leaky's own changes (their interactions with the "
                         "other parts stay in it)")
    # combined_2025's shape: one part on the leaky status quo, another on the clean
    # baseline that the leaky one builds on too; against leaky, the combination shows both
    # parts' effects without the leakage
    (tmp_path / "c.yaml").write_text(f"extends: {TINY}\nname: c\n", encoding="utf-8")
    (tmp_path / "mixed.yaml").write_text("extends: [a.yaml, c.yaml]\nname: mixed\n",
                                         encoding="utf-8")
    (note,) = extends_notes(resolve([TINY, tmp_path / "mixed.yaml"])[0])
    assert note.endswith("leaky.yaml is the status quo all its parts build on (a.yaml builds "
                         "on it, and the other only on what it builds on): compare mixed with "
                         "leaky.yaml for the combination's effect without leaky's own changes "
                         "(their interactions with the other parts stay in it)")
    # parts on bases of their own get no such advice
    (tmp_path / "other.yaml").write_text(f"extends: {TINY}\nname: other\n", encoding="utf-8")
    (tmp_path / "d.yaml").write_text("extends: other.yaml\nname: d\n", encoding="utf-8")
    (tmp_path / "apart.yaml").write_text("extends: [a.yaml, d.yaml]\nname: apart\n",
                                         encoding="utf-8")
    (note,) = extends_notes(resolve([TINY, tmp_path / "apart.yaml"])[0])
    assert "all its parts build on" not in note


def test_a_cap_note_says_the_default_cap_is_a_guard_not_a_source() -> None:
    # "≥ +9.00 (at least +900%)" rested on the schema's default cap, which no scenario
    # cites (review 111)
    from sim.output.tables import DEFAULT_PRICE_CAP, cap_note
    from sim.scenario.schema import Commodity

    assert DEFAULT_PRICE_CAP == Commodity.model_fields["price_cap_ratio"].default == 10
    for counts in (None, {"cobalt": (10.0, 3, 6)}):
        note = cap_note({"cobalt": 10.0}, " in x", counts, "scenario")
        assert ("Unless the scenario sets price_cap_ratio, the cap is the model's default of "
                "10: a guard so that a total stop does not give an infinite price, not a "
                "sourced figure; a difference") in note


def test_comparison_json_keeps_the_tables_cap_and_money_notes(tmp_path) -> None:
    # compare.csv gives a peak at the cap a zero-width interval; nothing beside it in the
    # machine-readable files said it is a bound (review 111)
    import json
    import warnings

    cut = tmp_path / "cut.yaml"
    cut.write_text(f"extends: {TINY}\nname: cut\ncommodities:\n  copper:\n"
                   "    reference_price_usd_per_t: 9000\n    price_cap_ratio: 1.01\n"
                   "shocks:\n  events:\n    cut: {start: 5, end: 60, targets: {lanes: "
                   "[border_market]}, effects: {capacity_factor: 0}}\n", encoding="utf-8")
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {TINY}\nname: base\ncommodities:\n  copper:\n"
                    "    reference_price_usd_per_t: 9000\n    price_cap_ratio: 1.01\n",
                    encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.compare([base, cut], 2, out=tmp_path / "c", figures=False)
        sim.compare([TINY, TINY], 2, out=tmp_path / "same", figures=False)
    notes = json.loads((tmp_path / "c" / "comparison.json").read_text())["table_notes"]
    assert any(n.startswith("note: price peak at the cap in ") and "copper (1.01)" in n
               for n in notes), notes
    assert any("valued at the model's price index" in n for n in notes), notes
    same = json.loads((tmp_path / "same" / "comparison.json").read_text())
    assert same["table_notes"] == []
