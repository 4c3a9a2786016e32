"""Review 176 (dates and periods): one period after other warm-ups was said, in the forest
plot and the report, to differ "mostly by the length of the period", and given a new start
and end to fix it; and the one period `sim compare` suggested for two scenarios could be
refused, for a policy of one that would start after it ends, without a word."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
import yaml

import sim
from sim.experiment.compare import period_kind, period_notes, period_words, resolve
from sim.output.figures import forest_figure
from sim.output.report import compare_report_html

matplotlib.use("Agg")

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def copy(tmp_path: Path, name: str, **changes: object) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = name
    data.update(changes)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_period_kind() -> None:
    ref = sim.load_scenario(TINY)
    assert period_kind(ref, ref) is None
    assert period_kind(ref, ref.model_copy(update={"warmup_days": 20.0})) == "warm-up"
    assert period_kind(ref, ref.model_copy(update={"horizon_days": 50.0})) == "length"
    import datetime as dt
    assert period_kind(ref, ref.model_copy(update={"start": dt.date(2024, 2, 1)})) == "dates"
    assert period_words(["warm-up"]) == "partly those of the stocks and states their " \
                                        "warm-ups leave"
    assert period_words(["length", "dates"]) == "partly those of the periods they measure"


def test_other_warm_ups_are_given_one_warm_up(tmp_path: Path) -> None:
    arms, _root = resolve([TINY, copy(tmp_path, "warm", warmup_days=20)], for_python=False)
    (note,) = period_notes(arms)
    assert note.endswith("give them one warm-up: --set warmup_days=20")
    assert "start=" not in note


@pytest.mark.filterwarnings("ignore")
def test_a_policy_outside_the_suggested_period_is_named() -> None:
    arms, _root = resolve([SCENARIOS / "corridor_shocks.yaml",
                           SCENARIOS / "export_ban_2025.yaml"], for_python=False)
    (note,) = period_notes(arms)
    assert ("--set start=2025-01-01 --set end=2026-12-31 --set horizon_days=null "
            "(export_ban_2025's policies.export_quotas.quota_2027 would fall outside that "
            "period, and a --set cannot drop it from one scenario alone: compare a copy of "
            "its file without it)") in note
    # the rest of the suggestion is taken: the quota is the only refusal
    sim.load_scenario(SCENARIOS / "export_ban_2025.yaml",
                      ["start=2025-01-01", "end=2026-12-31", "horizon_days=null",
                       "policies.export_quotas.quota_2027=null"])


def test_figure_and_report_say_warm_ups(tmp_path: Path) -> None:
    ref = sim.run(TINY, 2, 1)
    warm = sim.run(copy(tmp_path, "warm", warmup_days=20), 2, 1)
    named = [("tiny", ref), ("warm", warm)]
    fig = forest_figure(named)
    title = fig._suptitle.get_text()
    assert "runs after different warm-ups: all scenarios start the reference's period " \
           "from another warm-up" in title
    assert "stocks and states their warm-ups leave" in title
    assert "length of the period" not in title
    html = compare_report_html(named)
    assert "These runs measure one period after different warm-ups" in html
    said = html.split('id="periods"')[1].split("</div>")[0]
    assert "length of the period" not in said
    assert "run them again after one warm-up (sim run ... --set warmup_days=20)" in said


def test_other_dates_of_one_length_are_not_called_another_length(tmp_path: Path) -> None:
    ref = sim.run(TINY, 2, 1)
    late = sim.run(copy(tmp_path, "late", start="2024-02-01"), 2, 1)
    title = forest_figure([("tiny", ref), ("late", late)])._suptitle.get_text()
    assert "dates the periods cover" in title and "length of the period" not in title


@pytest.mark.parametrize(("given", "said", "hint"), [
    ("horizon_days=100.0000001", "got 100.0000001", "give 100 or 101"),
    ("warmup_days=29.99999999", "got 29.99999999", "give 29 or 30"),
    ("series_period_days=7.0000001", "got 7.0000001", "give 7 or 8"),
])
def test_a_near_whole_number_is_shown_as_given(given: str, said: str, hint: str) -> None:
    # review 176: "must be a whole number of days, got 100", hint "give 100 or 100"
    from sim.scenario.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(TINY, [given])
    (issue,) = caught.value.issues
    assert issue.message.endswith(said) and issue.hint.startswith(hint)


@pytest.mark.filterwarnings("ignore")
def test_a_day_apart_a_year_later_is_other_dates() -> None:
    # review 180: 731 days from 2024 and 730 from 2025 were "mostly the length"
    ref = sim.load_scenario(SCENARIOS / "china_export_control.yaml")
    other = sim.load_scenario(SCENARIOS / "corridor_shocks.yaml")
    assert (ref.horizon, other.horizon) == (731, 730)
    assert period_kind(ref, other) == "dates"
    arms, _root = resolve([SCENARIOS / "china_export_control.yaml",
                           SCENARIOS / "corridor_shocks.yaml"], for_python=False)
    (note,) = period_notes(arms)
    assert "differ by the dates they cover" in note


@pytest.mark.filterwarnings("ignore")
def test_a_shock_the_suggested_period_would_put_in_the_warm_up_is_named(
        tmp_path: Path) -> None:
    # the closure lies inside the early scenario's period, but would end inside the warm-up
    # of the period suggested (the later scenario's), and the results would barely see it
    closure = {"events": {"strike": {"start": "2024-01-10", "end": "2024-01-20",
                                     "targets": {"sites": ["border"]},
                                     "effects": {"capacity_factor": 0.0}}}}
    early = copy(tmp_path, "early", warmup_days=60, shocks=closure)
    late = copy(tmp_path, "late", warmup_days=60, start="2024-02-01")
    arms, _root = resolve([early, late], for_python=False)
    (note,) = period_notes(arms)
    assert note.endswith(
        "--set start=2024-02-01 --set end=2024-05-10 --set horizon_days=null (early's "
        "shocks.events.strike would end inside the warm-up, before that period starts, and "
        "act on its results only through what it leaves on lanes, in queues and at mines)")
    # a shock already ending in its own warm-up is not news
    early_warm = copy(tmp_path, "early_warm", warmup_days=60, start="2024-01-25",
                      shocks=closure)
    arms, _root = resolve([early_warm, late], for_python=False)
    (note,) = period_notes(arms)
    assert "warm-up, before that period" not in note
