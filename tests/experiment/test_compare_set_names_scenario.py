"""A ``--set`` changes every scenario compared; where it fails on one of them (a field
only the variant has), the error names that scenario (known open in docs/reliability.md:
"unknown event" alone did not say in which file) and says how to change one alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import sim
from sim.scenario.errors import ScenarioError
from tests.experiment.expt_helpers import cli

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
SET = "shocks.events.strike.effects.added_delay_days=4"


def with_event(tmp_path: Path) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "strike"
    data["shocks"] = {"events": {"strike": {
        "name": "border strike", "start": 10, "duration_days": 10,
        "targets": {"sites": ["border"]},
        "effects": {"added_delay_days": {"value": 2, "assumption": "test input"}}}}}
    path = tmp_path / "strike.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_command_names_the_file_the_set_failed_on(tmp_path: Path) -> None:
    variant = with_event(tmp_path)
    sim.load_scenario(variant, [SET])  # the variant takes it
    result = cli("compare", TINY, variant, "-n", "2", "-w", "1", "--set", SET,
                 "--out", tmp_path / "cmp")
    assert result.exit_code == 2, result.output
    # the command's own wording (sim/cli.py), said once (review 180: twice)
    assert result.stderr.count(f"in {TINY} (one of the 2 scenarios compared)") == 1
    assert result.stderr.count("--set applies to every scenario compared") == 1
    assert "a value given with --set" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cmp").exists()


def test_python_names_the_scenario(tmp_path: Path) -> None:
    reference = sim.load_scenario(TINY)
    variant = sim.load_scenario(with_event(tmp_path))
    with pytest.raises(ScenarioError) as caught:
        sim.run_comparison([reference, variant], 2, overrides=[SET])
    said = str(caught.value)
    assert "unknown event 'strike' in scenario 'tiny'" in said
    assert "a value given with overrides changes every scenario compared" in said
    assert "--set" not in said


def test_a_set_every_scenario_refuses_is_said_as_before(tmp_path: Path) -> None:
    # no scenario takes it: which one is not the question, nor is a file of its own
    with pytest.raises(ScenarioError) as caught:
        sim.run_comparison([with_event(tmp_path), TINY], 2, overrides=["nosuch=1"])
    said = str(caught.value)
    assert "unknown field 'nosuch'" in said and "strike.yaml" not in said
    assert "changes every scenario compared" not in said


def test_the_variant_failing_is_named_too(tmp_path: Path) -> None:
    # the reference takes it and the variant does not: the variant is named
    with pytest.raises(ScenarioError) as caught:
        sim.run_comparison([with_event(tmp_path), TINY], 2, overrides=[SET])
    assert f"unknown event 'strike' in {TINY}" in str(caught.value)
    assert "a value given with overrides changes every scenario" in str(caught.value)
