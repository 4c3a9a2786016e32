"""Review 231: helpers moved to the layer they belong to (data flows scenario -> world ->
metrics -> experiment -> output), and their old import paths still work."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(code: str, layers: tuple[str, ...] = ("sim.experiment", "sim.output")
                  ) -> list[str]:
    """The modules of ``layers`` loaded after ``code`` runs in a fresh interpreter (the
    suite's own process has imported everything)."""
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import sys
        print("\\n".join(sorted(m for m in sys.modules if m.startswith({layers!r}))))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_loading_a_scenario_imports_no_experiment_or_output_code() -> None:
    assert _loaded_after("""
        import sim
        sim.load_scenario("scenarios/baseline.yaml")
    """) == []


def test_a_scenario_from_a_dict_imports_none_either() -> None:
    assert _loaded_after("""
        import sim
        sc = sim.load_scenario("scenarios/baseline.yaml")
        sim.scenario_from_dict(sc.model_dump(mode="json", by_alias=True), "copy")
    """) == []


def test_a_bad_override_is_still_worded_for_python_without_the_experiment_code() -> None:
    assert _loaded_after("""
        import sim
        try:
            sim.load_scenario("scenarios/baseline.yaml", ["horizon_days=-3"])
        except sim.ScenarioError as exc:
            text = str(exc)
            assert "--set" not in text and "override" in text, text
        else:
            raise AssertionError("no error")
    """) == []


def test_loading_a_scenario_imports_no_model_code_either() -> None:
    # its checks import their route and region queries from the scenario package, not
    # from sim.world.routing and sim.shocks.targets
    assert _loaded_after("""
        import sim
        sim.load_scenario("scenarios/baseline.yaml")
    """, ("sim.world", "sim.shocks", "sim.metrics")) == []


@pytest.mark.parametrize(("old", "new", "names"), [
    ("sim.output.folder", "sim.scenario.fingerprint",
     ["json_safe", "scenario_json", "scenario_sha256", "scenario_order_sha256",
      "listed_order_sha256"]),
    ("sim.experiment.runner", "sim.scenario.fingerprint", ["LOADED_FINGERPRINT", "fingerprint"]),
    ("sim.experiment.errors", "sim.wording",
     ["python_words", "python_what", "python_wording", "reword_for_python"]),
    ("sim.output.tables", "sim.scenario.prices", ["price_modelled"]),
    ("sim.output.tables", "sim.metrics.kpis", ["HEADLINE", "PRICE_PEAK"]),
    ("sim.output.tables", "sim.experiment.stats", ["cap_runs", "at_cap"]),
    ("sim.output.folder", "sim.output.errors", ["FolderError", "DamagedRunWarning"]),
    ("sim.world.routing", "sim.scenario.plan",
     ["route_leaves", "export_share", "can_export", "throttle_moves_lots",
      "rebalanced_elements"]),
    ("sim.shocks.targets", "sim.scenario.checks", ["region_reach"]),
])
def test_the_old_import_paths_give_the_moved_names(old: str, new: str,
                                                   names: list[str]) -> None:
    import importlib

    was, now = importlib.import_module(old), importlib.import_module(new)
    for name in names:
        assert getattr(was, name) is getattr(now, name), name


def test_the_load_time_fingerprint_is_the_moved_function() -> None:
    import sim
    from sim.scenario.fingerprint import LOADED_FINGERPRINT, fingerprint
    from sim.scenario.loader import meta_of

    sc = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert getattr(meta_of(sc), LOADED_FINGERPRINT) == fingerprint(sc)



def test_a_folder_error_is_still_worded_for_python() -> None:
    from sim.output.errors import FolderError
    from sim.wording import reword_for_python

    exc = FolderError("the folder exists", hint="add --force to replace it")
    reword_for_python(exc)
    assert exc.hint == "add force=True to replace it"
    assert "force=True" in str(exc)
