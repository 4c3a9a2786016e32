"""Small runs shared by the figure, report and results-object tests.

* ``tiny_results``: tests/data/tiny.yaml, 3 replications (no shocks);
* ``baseline_short``: scenarios/baseline.yaml cut to 60 days (30-day warm-up), 2 replications;
* ``shock_yaml``: tiny.yaml with a 15-day closure of the border post that empties the
  market's stock (so there is a shortfall), an export ban policy, and a title, description
  and citation carrying ``<script>`` to check escaping;
* ``shock_folder``: a results folder of that scenario written by ``sim run``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SCRIPT = '<script>alert("x")</script>'


def shock_mapping() -> dict:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["name"] = "tiny_shock"
    data["title"] = f"Border closure {SCRIPT}"
    data["description"] = f"A closure; {SCRIPT} must be escaped & shown as text."
    data["sites"]["border"]["clearance_trucks_per_day"]["assumption"] = f"test input {SCRIPT}"
    data["shocks"] = {"events": {"border_closure": {
        "name": "Border closed", "start": 20, "duration_days": 15,
        "targets": {"sites": ["border"]}, "effects": {"capacity_factor": 0}}}}
    return data


def run_cli(*args: object) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def tiny_results() -> sim.Results:
    return sim.run(sim.load_scenario(TINY), replications=3, seed=1)


@pytest.fixture(scope="session")
def baseline_short() -> sim.Results:
    sc = sim.load_scenario(BASELINE, overrides=["horizon_days=60", "warmup_days=30"])
    return sim.run(sc, replications=2, seed=1)


@pytest.fixture(scope="session")
def shock_yaml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "tiny_shock.yaml"
    path.write_text(yaml.safe_dump(shock_mapping(), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def shock_results(shock_yaml: Path) -> sim.Results:
    return sim.run(sim.load_scenario(shock_yaml), replications=3, seed=1)


@pytest.fixture(scope="session")
def shock_folder(tmp_path_factory: pytest.TempPathFactory, shock_yaml: Path) -> Path:
    out = tmp_path_factory.mktemp("runs") / "tiny_shock"
    run_cli("run", shock_yaml, "-n", 3, "--seed", 1, "--out", out, "-q", "-w", 1)
    return out


@pytest.fixture(scope="session")
def compare_folder(tmp_path_factory: pytest.TempPathFactory, shock_yaml: Path) -> Path:
    """A folder holding two run folders with the same seed: ``baseline`` (tiny) and
    ``closure``."""
    root = tmp_path_factory.mktemp("compare")
    run_cli("run", TINY, "-n", 3, "--seed", 1, "--out", root / "baseline", "-q", "-w", 1)
    run_cli("run", shock_yaml, "-n", 3, "--seed", 1, "--out", root / "closure", "-q", "-w", 1)
    return root
