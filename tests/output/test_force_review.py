"""Findings of the review of the results-folder claim (``claim_folder``): what ``--force``
deletes, and when.

--force deleted another command's results before the input was checked (a mistyped --param,
--metric, --set or scenario path emptied the folder and then exited 2), and over a
comparison's folder it deleted every run folder in it, the user's own among them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.experiment.errors import ExperimentError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
PARAM = "sites.border.clearance_trucks_per_day=40:60:int"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("force") / "run"
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def run_copy(run_folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "run"
    shutil.copytree(run_folder, out)
    return out


# ===================================================== finding 1: --force after the checks
BAD_SWEEPS = {
    "metric": ["--param", PARAM, "--metric", "nosuch"],
    "param path": ["--param", "nosuch.path=0:1"],
    "set": ["--param", PARAM, "--set", "nosuch=1"],
    "scenario": ["--param", PARAM],
}


@pytest.mark.parametrize("bad", list(BAD_SWEEPS))
def test_sweep_force_with_bad_input_leaves_the_folder_as_it_was(run_copy: Path,
                                                                bad: str) -> None:
    before = snapshot(run_copy)
    scenario = ROOT / "tests" / "data" / "no-such.yaml" if bad == "scenario" else TINY
    result = invoke("sweep", scenario, *BAD_SWEEPS[bad], "-n", 2, "-w", 1, "-q",
                    "--out", run_copy, "--force")
    assert result.exit_code == 2, result.output
    assert snapshot(run_copy) == before


BAD_COMPARES = {
    "scenario": [TINY, ROOT / "tests" / "data" / "no-such.yaml"],
    "set": [TINY, TINY, "--set", "nosuch=1"],
    "metric": [TINY, TINY, "--target-ci", "0.1", "--metric", "nosuch"],
}


@pytest.mark.parametrize("bad", list(BAD_COMPARES))
def test_compare_force_with_bad_input_leaves_the_folder_as_it_was(run_copy: Path,
                                                                  bad: str) -> None:
    before = snapshot(run_copy)
    result = invoke("compare", *BAD_COMPARES[bad], "-n", 2, "-w", 1, "-q",
                    "--out", run_copy, "--force")
    assert result.exit_code == 2, result.output
    assert snapshot(run_copy) == before


def test_python_sweep_force_with_a_bad_param_leaves_the_folder(run_copy: Path) -> None:
    before = snapshot(run_copy)
    with pytest.raises(ExperimentError):
        sim.run_sweep(TINY, ["nosuch.path=0:1"], "lhs", 2, out=run_copy, force=True,
                      figures=False)
    with pytest.raises(ExperimentError):
        sim.run_sweep(TINY, [PARAM], "lhs", 2, metrics=["nosuch"], out=run_copy,
                      force=True, figures=False)
    assert snapshot(run_copy) == before


def test_sweep_and_compare_force_still_replace_a_run_once_the_input_is_valid(
        run_copy: Path) -> None:
    result = invoke("sweep", TINY, "--param", PARAM, "-n", 2, "-w", 1, "-q", "--no-figures",
                    "--out", run_copy, "--force")
    assert result.exit_code == 0, result.output
    assert (run_copy / "sweep.json").is_file() and not (run_copy / "manifest.json").exists()
    result = invoke("compare", TINY, TINY, "-n", 1, "-w", 1, "-q", "--no-figures",
                    "--out", run_copy, "--force")
    assert result.exit_code == 0, result.output
    assert (run_copy / "comparison.json").is_file() and not (run_copy / "sweep.json").exists()


def test_without_force_the_folder_is_refused_before_the_input_is_read(run_copy: Path) -> None:
    missing = ROOT / "tests" / "data" / "no-such.yaml"
    for args in (["sweep", missing, "--param", PARAM], ["compare", TINY, missing]):
        result = invoke(*args, "-w", 1, "-q", "--out", run_copy)
        assert result.exit_code == 2, result.output
        assert "holds the results of a run" in result.output, result.output


# ============================= finding 2: --force deletes only the runs a comparison made
def named(tmp_path: Path, name: str) -> Path:
    """tiny.yaml under another scenario name (a comparison labels its folders by it)."""
    text = TINY.read_text(encoding="utf-8")
    assert text.startswith("# ") and "\nname: tiny\n" in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("\nname: tiny\n", f"\nname: {name}\n"), encoding="utf-8")
    return path


@pytest.fixture
def study(run_folder: Path, tmp_path: Path) -> Path:
    """A folder holding two of the user's own sim run folders, compared into it."""
    out = tmp_path / "study"
    for name in ("a", "b"):
        shutil.copytree(run_folder, out / name)
    result = invoke("compare", out / "a", out / "b", "--out", out, "-q", "--no-figures")
    assert result.exit_code == 0, result.output
    assert (out / "comparison.json").is_file()
    return out


@pytest.mark.parametrize("then", ["run", "sweep"])
def test_force_over_a_comparison_keeps_the_folders_it_was_given(study: Path, then: str,
                                                                tmp_path: Path) -> None:
    before = {name: snapshot(study / name) for name in ("a", "b")}
    refused = (invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", study)
               if then == "run" else
               invoke("sweep", TINY, "--param", PARAM, "-n", 2, "-w", 1, "-q", "--no-figures",
                      "--out", study))
    assert refused.exit_code == 2, refused.output
    # the refusal says what --force deletes and what it keeps
    assert "comparison.json" in refused.output and "compare.csv" in refused.output
    assert "a/ and b/" in refused.output and "kept" in refused.output
    result = (invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", study,
                     "--force")
              if then == "run" else
              invoke("sweep", TINY, "--param", PARAM, "-n", 2, "-w", 1, "-q", "--no-figures",
                     "--out", study, "--force"))
    assert result.exit_code == 0, result.output
    assert not (study / "comparison.json").exists() and not (study / "compare.csv").exists()
    assert {name: snapshot(study / name) for name in ("a", "b")} == before


def test_force_over_an_old_comparison_without_ran_keeps_the_folders_it_was_given(
        study: Path) -> None:
    import json

    # comparison.json written before it said which scenarios the comparison ran
    info = json.loads((study / "comparison.json").read_text())
    for entry in info["scenarios"]:
        entry.pop("ran", None)
    (study / "comparison.json").write_text(json.dumps(info))
    before = {name: snapshot(study / name) for name in ("a", "b")}
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", study,
                    "--force")
    assert result.exit_code == 0, result.output
    assert {name: snapshot(study / name) for name in ("a", "b")} == before


def test_force_over_a_comparison_deletes_the_folders_it_ran(tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = invoke("compare", TINY, named(tmp_path, "x"), "-n", 1, "-w", 1, "-q",
                    "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    refused = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out)
    assert refused.exit_code == 2
    assert "tiny/ and x/" in refused.output
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out,
                    "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "tiny").exists() and not (out / "x").exists()


def test_compare_force_over_another_comparison_removes_its_runs(tmp_path: Path) -> None:
    out = tmp_path / "c"
    x, y = named(tmp_path, "x"), named(tmp_path, "y")
    for other in (x, y):
        result = invoke("compare", TINY, other, "-n", 1, "-w", 1, "-q", "--no-figures",
                        "--out", out, "--force")
        assert result.exit_code == 0, result.output
    assert (out / "tiny").is_dir() and (out / "y").is_dir()
    assert not (out / "x").exists()  # the earlier comparison's run, not this one's
    # sim compare's hint names the comparison's folders, from comparison.json
    shutil.copytree(out / "y", out / "older")  # a run kept there, not compared
    hint = invoke("compare", TINY, out, "-w", 1, "-q", "--out", tmp_path / "d")
    assert hint.exit_code == 2
    assert f"sim compare {out / 'tiny'} {out / 'y'}" in hint.output, hint.output
    assert "(folders: tiny, y)" in hint.output and "/older" not in hint.output


def test_compare_force_keeps_a_run_of_the_old_comparison_it_compares(tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = invoke("compare", TINY, named(tmp_path, "x"), "-n", 1, "-w", 1, "-q",
                    "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    kept = snapshot(out / "tiny")
    result = invoke("compare", out / "tiny", named(tmp_path, "y"), "-w", 1, "-q",
                    "--no-figures", "--out", out, "--force")
    assert result.exit_code == 0, result.output
    assert snapshot(out / "tiny") == kept
    assert (out / "y" / "manifest.json").is_file() and not (out / "x").exists()


# ========================== finding 6: a --set that no compared scenario accepts
def test_compare_set_that_no_scenario_accepts_gets_the_plain_error(tmp_path: Path) -> None:
    result = invoke("compare", TINY, named(tmp_path, "x"), "--set", "nosuch=1", "-n", 1,
                    "-w", 1, "-q", "--out", tmp_path / "c")
    assert result.exit_code == 2, result.output
    assert "nosuch" in result.output
    assert "scenarios compared)" not in result.output
    assert "--set applies to every scenario" not in result.output
    assert not (tmp_path / "c").exists()
